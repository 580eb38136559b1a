#include "ssz/persistent_list.h"

namespace beam::ssz::internal {

NodeSegment::NodeSegment() {
  // Height h (leaves would be h = 0) holds the root of an all-zero subtree of height h.
  for (int h = 1; h <= kSegmentDepth; ++h) {
    const size_t begin = kLeavesPerSegment >> h;
    std::fill(nodes.begin() + static_cast<ptrdiff_t>(begin),
              nodes.begin() + static_cast<ptrdiff_t>(2 * begin), ZeroHash(h));
  }
}

MerkleCache::MerkleCache(const MerkleCache& other) {
  MutexLock lock(&other.mu_);
  segments_ = other.segments_;
  top_ = other.top_;
  dirty_ = other.dirty_;
  all_dirty_ = other.all_dirty_;
  root_ = other.root_;
}

MerkleCache& MerkleCache::operator=(const MerkleCache& other) {
  if (this == &other) return *this;
  MerkleCache copy(other);
  MutexLock lock(&mu_);
  MutexLock other_lock(&copy.mu_);
  segments_ = std::move(copy.segments_);
  top_ = std::move(copy.top_);
  dirty_ = std::move(copy.dirty_);
  all_dirty_ = copy.all_dirty_;
  root_ = copy.root_;
  return *this;
}

void MerkleCache::MarkDirty(uint64_t leaf) {
  MutexLock lock(&mu_);
  root_.reset();
  if (!all_dirty_) dirty_.push_back(leaf);
}

void MerkleCache::MarkDirtyRange(uint64_t begin, uint64_t end) {
  MutexLock lock(&mu_);
  root_.reset();
  if (all_dirty_) return;
  // A large range is cheaper to rebuild than to track leaf by leaf.
  if (end - begin > 4 * kLeavesPerSegment) {
    all_dirty_ = true;
    dirty_.clear();
    return;
  }
  for (uint64_t leaf = begin; leaf < end; ++leaf) dirty_.push_back(leaf);
}

bool MerkleCache::IsClean() const {
  MutexLock lock(&mu_);
  return root_.has_value();
}

NodeSegment& MerkleCache::MutableSegment(size_t s) const {
  // A segment shared with a copy of this list is cloned before its nodes change.
  return segments_.Mutable(s);
}

void MerkleCache::RebuildTop(size_t num_segments) const {
  size_t width = 1;
  while (width < num_segments) width *= 2;
  std::vector<ssz::Root> top(2 * width, ZeroHash(kSegmentDepth));
  for (size_t s = 0; s < num_segments; ++s) top[width + s] = segments_[s].nodes[1];
  // Hash only the occupied prefix of each level; the rest are zero subtrees.
  size_t level = width, occupied = num_segments, height = kSegmentDepth;
  while (level > 1) {
    const size_t parents = (occupied + 1) / 2;
    for (size_t p = 0; p < level / 2; ++p) {
      top[level / 2 + p] =
          p < parents ? HashPair(top[level + 2 * p], top[level + 2 * p + 1]) : ZeroHash(static_cast<int>(height + 1));
    }
    level /= 2;
    occupied = parents;
    ++height;
  }
  top_ = CowPtr<std::vector<ssz::Root>>::Make(std::move(top));
}

ssz::Root MerkleCache::FinishRoot(uint64_t leaf_count, int limit_depth, uint64_t length) const {
  ssz::Root data_root;
  if (leaf_count == 0) {
    data_root = ZeroHash(limit_depth);
  } else {
    const std::vector<ssz::Root>& top = *top_;
    const size_t width = top.size() / 2;
    const int top_depth = CeilLog2(width);
    const int data_depth = kSegmentDepth + top_depth;
    if (data_depth <= limit_depth) {
      data_root = ExtendWithZeros(top[1], data_depth, limit_depth);
    } else if (limit_depth >= kSegmentDepth) {
      // The data fits a narrower tree than the top currently spans: its root is the
      // leftmost node at the limit's height.
      data_root = top[size_t{1} << (data_depth - limit_depth)];
    } else {
      data_root = segments_[0].nodes[size_t{1} << (kSegmentDepth - limit_depth)];  // limit_depth >= 1
    }
  }
  return MixInLength(data_root, length);
}

}  // namespace beam::ssz::internal
