// BlockCache: fetched blocks that are waiting for their parent, with their SSZ bytes
// (when known) and the parent -> children links used to replay them once the parent
// is imported.
//
// All three live under ONE lock ("block_cache", tier 2 = kNetworkTier), and every
// public call is one critical section, so what a reader can observe is always one of
// the states between two calls:
//
//   * a cached block always has exactly one parent link (its parent_root -> it), and
//     every link names a cached block; no call leaves an orphan on either side;
//   * Insert() with SSZ bytes publishes block + bytes + link together; a reader never
//     sees the block without the bytes. Insert() without bytes followed by AttachSsz()
//     is two critical sections: in between, the block is visible with no bytes
//     (CloneBlockAndSsz() reports ssz == nullopt), never with partial bytes.
//
// Nothing is handed out by pointer: CloneBlockAndSsz() and the Collect/Get calls
// return owned copies made under the lock. ForEachBlock() and CollectReadyCachedBlocks()
// run caller code under the lock; that code gets references valid only during the
// call, must not call back into the cache (self-deadlock), and must not take any lock
// of tier <= 2 (locking/lock_tier.h; debug and sanitizer builds abort if it does).
//
// At most kMaxCachedBlocks blocks are cached; Insert() beyond that fails with
// ResourceExhausted rather than evicting (the caller decides what to drop, typically
// with RemoveChildrenOf() or RemoveFetchedBlock()).
//
// Thread-safe.

#ifndef BEAMCORE_CHAIN_BLOCK_CACHE_H_
#define BEAMCORE_CHAIN_BLOCK_CACHE_H_

#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "consensus/types/block.h"
#include "ssz/bytes.h"
#include "locking/lock_timer.h"
#include "locking/tiered_mutex.h"

namespace beam::chain {

// An owned copy of a cached block and its SSZ bytes (nullopt when not attached yet).
struct BlockAndSsz {
  consensus::SignedBlock block;
  std::optional<ssz::ByteVec> ssz;
};

class BlockCache {
 public:
  static constexpr size_t kMaxCachedBlocks = 1024;

  // `metrics` (optional) exports the wait/hold times of the cache lock per call site
  // ("block_cache.insert", ...); it must outlive the cache.
  explicit BlockCache(LockMetrics* metrics = nullptr);
  BlockCache(const BlockCache&) = delete;
  BlockCache& operator=(const BlockCache&) = delete;

  // Caches `block` under `root` with its parent link (block.block.parent_root) and,
  // if given, its SSZ bytes, in one critical section. `root` is trusted to be the
  // block's root (not recomputed). If `root` is already cached this is a no-op that
  // returns OK: the cached block, bytes and link are kept as they are (use AttachSsz()
  // to add bytes). ResourceExhausted if kMaxCachedBlocks blocks are cached.
  absl::Status Insert(const ssz::Root& root, consensus::SignedBlock block, std::optional<ssz::ByteVec> ssz)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Sets (or replaces) the SSZ bytes of a cached block; false if `root` is not cached.
  bool AttachSsz(const ssz::Root& root, ssz::ByteVec ssz) ABSL_LOCKS_EXCLUDED(mu_);

  // Deep copies of the block and its bytes, made under the lock; nullopt if absent.
  std::optional<BlockAndSsz> CloneBlockAndSsz(const ssz::Root& root) const ABSL_LOCKS_EXCLUDED(mu_);

  // Removes the block, its bytes and its own parent link (found from the cached
  // block) in one critical section. The links to the block's children are kept: they
  // are what replays the children once this block is imported. False if `root` was
  // not cached (so a second call is a harmless no-op).
  bool RemoveFetchedBlock(const ssz::Root& root) ABSL_LOCKS_EXCLUDED(mu_);

  // Removes every cached descendant of `parent` (children, their children, ...) with
  // their bytes and links; `parent` itself is not removed. Iterative, at most
  // kMaxCachedBlocks steps, terminates on any link shape (cycles included). Returns
  // the number of blocks removed.
  size_t RemoveChildrenOf(const ssz::Root& parent) ABSL_LOCKS_EXCLUDED(mu_);

  // Roots of the cached blocks whose parent is `parent`, in insertion order.
  std::vector<ssz::Root> GetChildrenCopy(const ssz::Root& parent) const ABSL_LOCKS_EXCLUDED(mu_);
  bool HasChildren(const ssz::Root& parent) const ABSL_LOCKS_EXCLUDED(mu_);
  bool Contains(const ssz::Root& root) const ABSL_LOCKS_EXCLUDED(mu_);
  // Following parent links from the cached block `root`: the first ancestor that is
  // not cached (the block the chain needs to import them all). nullopt if `root` is
  // not cached.
  std::optional<ssz::Root> FirstUncachedAncestor(const ssz::Root& root) const ABSL_LOCKS_EXCLUDED(mu_);
  size_t size() const ABSL_LOCKS_EXCLUDED(mu_);

  // Roots of the cached blocks with slot <= `slot` (e.g. to prune what finalization
  // made irrelevant), ordered by (slot, root).
  std::vector<ssz::Root> CollectCachedBlocksAtOrBelowSlot(consensus::Slot slot) const ABSL_LOCKS_EXCLUDED(mu_);

  // Roots of the cached blocks whose parent_root satisfies `parent_known` (e.g. "the
  // fork choice has it"), ordered by (slot, root). The predicate is called once per
  // distinct parent, UNDER the cache lock: it must be quick, must not call into the
  // cache, and must not take a lock of tier <= 2. Taking a higher-tier lock (states,
  // fork choice) is allowed by the hierarchy.
  std::vector<ssz::Root> CollectReadyCachedBlocks(const std::function<bool(const ssz::Root&)>& parent_known) const
      ABSL_LOCKS_EXCLUDED(mu_);

  // Calls fn(root, block) for every cached block, in unspecified order, under the
  // cache lock. The references are valid only during the call: copy what you need.
  // Same rules as for CollectReadyCachedBlocks()' predicate.
  void ForEachBlock(const std::function<void(const ssz::Root&, const consensus::SignedBlock&)>& fn) const
      ABSL_LOCKS_EXCLUDED(mu_);

  // OK if the invariants above hold (each block has exactly one link, from its
  // parent_root; each link names a cached block with that parent). For tests; O(n).
  absl::Status CheckInvariants() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Entry {
    consensus::SignedBlock block;
    std::optional<ssz::ByteVec> ssz;
  };

  // Drops `root` from the children list of `parent`, erasing the list once empty.
  void UnlinkLocked(const ssz::Root& parent, const ssz::Root& root) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable TieredMutex mu_;
  absl::flat_hash_map<ssz::Root, Entry> blocks_ ABSL_GUARDED_BY(mu_);
  // parent root -> roots of its cached children, in insertion order (never empty).
  absl::flat_hash_map<ssz::Root, std::vector<ssz::Root>> children_ ABSL_GUARDED_BY(mu_);
};

}  // namespace beam::chain

#endif  // BEAMCORE_CHAIN_BLOCK_CACHE_H_
