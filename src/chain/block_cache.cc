#include "chain/block_cache.h"

#include <algorithm>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"

namespace beam::chain {
namespace {

using consensus::SignedBlock;
using consensus::Slot;
using ssz::ByteVec;
using ssz::Root;

BEAM_LOCK_SITE(kInsertSite, "block_cache.insert");
BEAM_LOCK_SITE(kAttachSszSite, "block_cache.attach_ssz");
BEAM_LOCK_SITE(kCloneSite, "block_cache.clone");
BEAM_LOCK_SITE(kRemoveSite, "block_cache.remove");
BEAM_LOCK_SITE(kRemoveChildrenSite, "block_cache.remove_children");
BEAM_LOCK_SITE(kQuerySite, "block_cache.query");
BEAM_LOCK_SITE(kCollectSite, "block_cache.collect");
BEAM_LOCK_SITE(kForEachSite, "block_cache.for_each");

std::vector<Root> SortedBySlot(std::vector<std::pair<Slot, Root>> found) {
  std::sort(found.begin(), found.end());
  std::vector<Root> roots;
  roots.reserve(found.size());
  for (const auto& [slot, root] : found) roots.push_back(root);
  return roots;
}

}  // namespace

BlockCache::BlockCache(LockMetrics* metrics) : mu_("block_cache", kNetworkTier, metrics) {}

absl::Status BlockCache::Insert(const Root& root, SignedBlock block, std::optional<ByteVec> ssz) {
  const Root parent = block.block.parent_root;
  TieredMutexLock lock(&mu_, kInsertSite);
  if (blocks_.contains(root)) return absl::OkStatus();
  if (blocks_.size() >= kMaxCachedBlocks) {
    return absl::ResourceExhaustedError(absl::StrCat("block cache is full (", kMaxCachedBlocks,
                                                     " blocks); not caching block ", ssz::ToHex(root)));
  }
  // Each step below either happens entirely or not at all; if linking fails (an
  // allocation throws) the block is taken out again, so no half-inserted entry stays.
  const auto it = blocks_.try_emplace(root, Entry{std::move(block), std::move(ssz)}).first;
  absl::Cleanup unpublish = [this, it]() ABSL_NO_THREAD_SAFETY_ANALYSIS { blocks_.erase(it); };
  if (auto kids = children_.find(parent); kids != children_.end()) {
    kids->second.push_back(root);
  } else {
    children_.emplace(parent, std::vector<Root>{root});
  }
  std::move(unpublish).Cancel();
  return absl::OkStatus();
}

bool BlockCache::AttachSsz(const Root& root, ByteVec ssz) {
  std::optional<ByteVec> old;  // freed after the unlock
  TieredMutexLock lock(&mu_, kAttachSszSite);
  auto it = blocks_.find(root);
  if (it == blocks_.end()) return false;
  old = std::exchange(it->second.ssz, std::move(ssz));
  return true;
}

std::optional<BlockAndSsz> BlockCache::CloneBlockAndSsz(const Root& root) const {
  TieredMutexLock lock(&mu_, kCloneSite);
  auto it = blocks_.find(root);
  if (it == blocks_.end()) return std::nullopt;
  return BlockAndSsz{it->second.block, it->second.ssz};
}

void BlockCache::UnlinkLocked(const Root& parent, const Root& root) {
  auto it = children_.find(parent);
  if (it == children_.end()) return;
  std::vector<Root>& kids = it->second;
  kids.erase(std::remove(kids.begin(), kids.end(), root), kids.end());
  if (kids.empty()) children_.erase(it);
}

bool BlockCache::RemoveFetchedBlock(const Root& root) {
  decltype(blocks_)::node_type removed;  // destroyed after the unlock
  {
    TieredMutexLock lock(&mu_, kRemoveSite);
    auto it = blocks_.find(root);
    if (it == blocks_.end()) return false;
    UnlinkLocked(it->second.block.block.parent_root, root);
    removed = blocks_.extract(it);
  }
  return true;
}

size_t BlockCache::RemoveChildrenOf(const Root& parent) {
  std::vector<decltype(blocks_)::node_type> removed;  // destroyed after the unlock
  {
    TieredMutexLock lock(&mu_, kRemoveChildrenSite);
    auto first = children_.find(parent);
    if (first == children_.end()) return 0;
    std::vector<Root> pending = std::move(first->second);
    children_.erase(first);
    // Every link list is taken out of children_ when first visited, so each root is
    // queued at most once per link and the walk ends even on a cycle. As every cached
    // block has exactly one link, it takes at most size() <= kMaxCachedBlocks steps;
    // the explicit bound only guards against a broken invariant.
    for (size_t steps = 0; !pending.empty() && steps < kMaxCachedBlocks; ++steps) {
      const Root root = pending.back();
      pending.pop_back();
      if (auto it = blocks_.find(root); it != blocks_.end()) removed.push_back(blocks_.extract(it));
      if (auto kids = children_.find(root); kids != children_.end()) {
        pending.insert(pending.end(), kids->second.begin(), kids->second.end());
        children_.erase(kids);
      }
    }
  }
  return removed.size();
}

std::vector<Root> BlockCache::GetChildrenCopy(const Root& parent) const {
  TieredMutexLock lock(&mu_, kQuerySite);
  auto it = children_.find(parent);
  if (it == children_.end()) return {};
  return it->second;
}

bool BlockCache::HasChildren(const Root& parent) const {
  TieredMutexLock lock(&mu_, kQuerySite);
  return children_.contains(parent);
}

bool BlockCache::Contains(const Root& root) const {
  TieredMutexLock lock(&mu_, kQuerySite);
  return blocks_.contains(root);
}

std::optional<Root> BlockCache::FirstUncachedAncestor(const Root& root) const {
  TieredMutexLock lock(&mu_, kQuerySite);
  auto it = blocks_.find(root);
  if (it == blocks_.end()) return std::nullopt;
  // At most size() steps: every step moves to a cached block's parent.
  for (size_t steps = 0; steps <= blocks_.size(); ++steps) {
    const Root& parent = it->second.block.block.parent_root;
    auto next = blocks_.find(parent);
    if (next == blocks_.end()) return parent;
    it = next;
  }
  return std::nullopt;  // unreachable: parent links cannot cycle (roots are hashes)
}

size_t BlockCache::size() const {
  TieredMutexLock lock(&mu_, kQuerySite);
  return blocks_.size();
}

std::vector<Root> BlockCache::CollectCachedBlocksAtOrBelowSlot(Slot slot) const {
  std::vector<std::pair<Slot, Root>> found;
  {
    TieredMutexLock lock(&mu_, kCollectSite);
    for (const auto& [root, entry] : blocks_) {
      if (entry.block.block.slot <= slot) found.emplace_back(entry.block.block.slot, root);
    }
  }
  return SortedBySlot(std::move(found));
}

std::vector<Root> BlockCache::CollectReadyCachedBlocks(const std::function<bool(const Root&)>& parent_known) const {
  std::vector<std::pair<Slot, Root>> found;
  {
    TieredMutexLock lock(&mu_, kCollectSite);
    for (const auto& [parent, kids] : children_) {
      if (!parent_known(parent)) continue;
      for (const Root& kid : kids) {
        auto it = blocks_.find(kid);
        if (it != blocks_.end()) found.emplace_back(it->second.block.block.slot, kid);
      }
    }
  }
  return SortedBySlot(std::move(found));
}

void BlockCache::ForEachBlock(const std::function<void(const Root&, const SignedBlock&)>& fn) const {
  TieredMutexLock lock(&mu_, kForEachSite);
  for (const auto& [root, entry] : blocks_) fn(root, entry.block);
}

absl::Status BlockCache::CheckInvariants() const {
  TieredMutexLock lock(&mu_, kQuerySite);
  size_t links = 0;
  for (const auto& [parent, kids] : children_) {
    if (kids.empty()) return absl::InternalError(absl::StrCat("empty child list under ", ssz::ToHex(parent)));
    for (const Root& kid : kids) {
      ++links;
      auto it = blocks_.find(kid);
      if (it == blocks_.end()) {
        return absl::InternalError(
            absl::StrCat("orphan link ", ssz::ToHex(parent), " -> ", ssz::ToHex(kid), " (block not cached)"));
      }
      if (it->second.block.block.parent_root != parent) {
        return absl::InternalError(absl::StrCat("link ", ssz::ToHex(parent), " -> ", ssz::ToHex(kid),
                                                " but the block's parent is ",
                                                ssz::ToHex(it->second.block.block.parent_root)));
      }
      if (std::count(kids.begin(), kids.end(), kid) != 1) {
        return absl::InternalError(absl::StrCat("duplicate link to ", ssz::ToHex(kid)));
      }
    }
  }
  if (links != blocks_.size()) {
    return absl::InternalError(absl::StrCat(blocks_.size(), " cached blocks but ", links, " parent links"));
  }
  return absl::OkStatus();
}

}  // namespace beam::chain
