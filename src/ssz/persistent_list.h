// PersistentList[T, N] and PersistentBitlist[N]: SSZ lists for the large consensus State
// fields, with structural sharing and an incrementally maintained Merkle tree.
//
// Storage is split into segments of 256 Merkle leaves. Copying a list copies segment
// pointers only; a write clones just the segment it touches (copy-on-write), so the
// post-state of every block can share almost all of its memory with its parent.
//
// The Merkle tree is cached per segment plus a small top tree over segment roots. A
// write marks its leaf dirty; HashTreeRoot() rehashes only dirty paths: appending one
// element costs O(log n) compressions instead of O(n).
//
// Thread safety: thread-compatible for writes (a mutating call needs exclusive access,
// as for std::vector). Const calls, including HashTreeRoot(), may run concurrently with
// each other: the hash cache is guarded by an internal leaf mutex.

#ifndef BEAMCORE_SSZ_PERSISTENT_LIST_H_
#define BEAMCORE_SSZ_PERSISTENT_LIST_H_

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "base/cow_ptr.h"
#include "base/cow_vector.h"
#include "hash/sha256.h"
#include "ssz/bitfields.h"
#include "ssz/codec.h"
#include "ssz/collections.h"
#include "base/mutex.h"

namespace beam::ssz {

namespace internal {

inline constexpr int kSegmentDepth = 8;
inline constexpr size_t kLeavesPerSegment = size_t{1} << kSegmentDepth;

// Cached Merkle nodes of one segment in heap order, leaves excluded: nodes[1] is the
// segment root and nodes[kLeavesPerSegment / 2 + p] hashes leaves 2p and 2p + 1. Leaves
// are read from the list itself when needed (for Bytes32 lists and bitlists they are
// the data), which halves the cache's memory.
struct NodeSegment {
  struct Uninitialized {};
  std::array<Root, kLeavesPerSegment> nodes;  // nodes[0] unused
  NodeSegment();  // all-zero subtree
  explicit NodeSegment(Uninitialized) {}
};

// The hashing engine shared by both list kinds. `leaves_fn(first, count, out)` writes
// the current values of leaves [first, first + count), all below leaf_count and within
// one segment, to out.
class MerkleCache {
 public:
  MerkleCache() = default;
  MerkleCache(const MerkleCache& other);
  MerkleCache& operator=(const MerkleCache& other);

  void MarkDirty(uint64_t leaf) ABSL_LOCKS_EXCLUDED(mu_);
  void MarkDirtyRange(uint64_t begin, uint64_t end) ABSL_LOCKS_EXCLUDED(mu_);

  template <class LeavesFn>
  ssz::Root ComputeRoot(uint64_t leaf_count, int limit_depth, uint64_t length, LeavesFn&& leaves_fn) const
      ABSL_LOCKS_EXCLUDED(mu_);

  bool IsClean() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void RebuildTop(size_t num_segments) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  NodeSegment& MutableSegment(size_t s) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  ssz::Root FinishRoot(uint64_t leaf_count, int limit_depth, uint64_t length) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable Mutex mu_;
  // State below is protected by mu_.
  mutable CowVector<NodeSegment> segments_ ABSL_GUARDED_BY(mu_);
  // Heap over segment roots; shared between copies until one of them rehashes.
  mutable CowPtr<std::vector<ssz::Root>> top_ ABSL_GUARDED_BY(mu_);
  mutable std::vector<uint64_t> dirty_ ABSL_GUARDED_BY(mu_);
  mutable bool all_dirty_ ABSL_GUARDED_BY(mu_) = true;
  mutable std::optional<ssz::Root> root_ ABSL_GUARDED_BY(mu_);
};

template <class LeavesFn>
Root MerkleCache::ComputeRoot(uint64_t leaf_count, int limit_depth, uint64_t length,
                       LeavesFn&& leaves_fn) const {
  MutexLock lock(&mu_);
  if (root_.has_value()) return *root_;
  if (limit_depth == 0) {  // a one-leaf list: its root is the leaf itself
    Root leaf{};
    if (leaf_count > 0) leaves_fn(0, 1, &leaf);
    root_ = MixInLength(leaf, length);
    return *root_;
  }
  constexpr size_t kHalf = kLeavesPerSegment / 2;  // first level-1 node
  const size_t num_segments = (leaf_count + kLeavesPerSegment - 1) / kLeavesPerSegment;
  std::array<Root, kLeavesPerSegment> leaves;  // scratch for one segment's leaves
  if (all_dirty_) {
    dirty_.clear();
    segments_ = CowVector<NodeSegment>();
    for (size_t s = 0; s < num_segments; ++s) {
      // Every node is written below (hashed or zero-subtree), so skip the zero fill.
      segments_.PushBack(CowPtr<NodeSegment>::Make(NodeSegment::Uninitialized{}));
      NodeSegment& seg = segments_.Mutable(s);
      const uint64_t first = s * kLeavesPerSegment;
      const uint64_t n = std::min<uint64_t>(kLeavesPerSegment, leaf_count - first);
      leaves_fn(first, n, leaves.data());
      if (n % 2) leaves[n] = ZeroHash(0);
      uint64_t width = (n + 1) / 2;
      hash::Sha256Pairs(leaves[0].data(), seg.nodes[kHalf].data(), width);
      std::fill(seg.nodes.begin() + static_cast<ptrdiff_t>(kHalf + width), seg.nodes.end(), ZeroHash(1));
      int height = 1;
      for (size_t level_start = kHalf; level_start > 1; level_start /= 2, ++height) {
        // Children of one level are contiguous, and so are their parents; an odd last
        // child pairs with the zero subtree already in place beside it.
        const uint64_t parents = (width + 1) / 2;
        hash::Sha256Pairs(seg.nodes[level_start].data(), seg.nodes[level_start / 2].data(), parents);
        std::fill(seg.nodes.begin() + static_cast<ptrdiff_t>(level_start / 2 + parents),
                  seg.nodes.begin() + static_cast<ptrdiff_t>(level_start), ZeroHash(height + 1));
        width = parents;
      }
    }
    all_dirty_ = false;
    RebuildTop(num_segments);
  } else {
    std::sort(dirty_.begin(), dirty_.end());
    dirty_.erase(std::unique(dirty_.begin(), dirty_.end()), dirty_.end());
    const size_t old_segments = segments_.size();
    if (num_segments < old_segments) segments_.Truncate(num_segments);
    while (segments_.size() < num_segments) segments_.PushBack(CowPtr<NodeSegment>::Make());
    std::vector<size_t> touched;
    std::vector<uint32_t> level;
    size_t k = 0;
    while (k < dirty_.size() && dirty_[k] < num_segments * kLeavesPerSegment) {
      const size_t s = dirty_[k] / kLeavesPerSegment;
      const uint64_t base = s * kLeavesPerSegment;
      NodeSegment& seg = MutableSegment(s);
      // The level-1 nodes above the dirty leaves, ascending and unique.
      level.clear();
      for (; k < dirty_.size() && dirty_[k] / kLeavesPerSegment == s; ++k) {
        const uint32_t pair = static_cast<uint32_t>((dirty_[k] - base) / 2);
        if (level.empty() || level.back() != kHalf + pair) level.push_back(static_cast<uint32_t>(kHalf + pair));
      }
      // Rehash each run of consecutive level-1 nodes from its leaves in one batch.
      for (size_t i = 0; i < level.size();) {
        size_t j = i + 1;
        while (j < level.size() && level[j] == level[j - 1] + 1) ++j;
        const uint64_t first_leaf = base + 2 * (level[i] - kHalf);
        const uint64_t count = 2 * (j - i);
        const uint64_t live = leaf_count > first_leaf ? std::min<uint64_t>(count, leaf_count - first_leaf) : 0;
        if (live > 0) leaves_fn(first_leaf, live, leaves.data());
        std::fill(leaves.begin() + static_cast<ptrdiff_t>(live), leaves.begin() + static_cast<ptrdiff_t>(count),
                  ZeroHash(0));
        hash::Sha256Pairs(leaves[0].data(), seg.nodes[level[i]].data(), j - i);
        i = j;
      }
      // Walk up, deduplicating parents; `level` stays sorted.
      while (level.front() > 1) {
        size_t out = 0;
        for (size_t j = 0; j < level.size(); ++j) {
          const uint32_t parent = level[j] / 2;
          if (out > 0 && level[out - 1] == parent) continue;
          seg.nodes[parent] = HashPair(seg.nodes[2 * parent], seg.nodes[2 * parent + 1]);
          level[out++] = parent;
        }
        level.resize(out);
      }
      touched.push_back(s);
    }
    dirty_.clear();
    const size_t width = top_ ? top_->size() / 2 : 0;
    if (num_segments != old_segments && (num_segments > width || num_segments <= width / 2)) {
      RebuildTop(num_segments);
    } else {
      std::vector<ssz::Root>& top = top_.Mutable();
      // Segments that vanished leave zero subtrees behind.
      for (size_t s = num_segments; s < old_segments; ++s) {
        top[width + s] = ZeroHash(kSegmentDepth);
        touched.push_back(s);
      }
      std::vector<size_t> up;
      for (size_t s : touched) {
        if (s < num_segments) top[width + s] = segments_[s].nodes[1];
        up.push_back(width + s);
      }
      std::sort(up.begin(), up.end());
      up.erase(std::unique(up.begin(), up.end()), up.end());
      while (!up.empty() && up.front() > 1) {
        size_t out = 0;
        for (size_t j = 0; j < up.size(); ++j) {
          const size_t parent = up[j] / 2;
          if (out > 0 && up[out - 1] == parent) continue;
          top[parent] = HashPair(top[2 * parent], top[2 * parent + 1]);
          up[out++] = parent;
        }
        up.resize(out);
      }
    }
  }
  root_ = FinishRoot(leaf_count, limit_depth, length);
  return *root_;
}

}  // namespace internal

// A list of SSZ values that each occupy one Merkle leaf (Bytes32, containers).
template <class T, size_t N>
class PersistentList {
 public:
  static constexpr size_t kLimit = N;
  static constexpr size_t kPerSegment = internal::kLeavesPerSegment;

  PersistentList() = default;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const T& operator[](size_t i) const { return data_[i / kPerSegment].items[i % kPerSegment]; }
  const T& Get(size_t i) const { return (*this)[i]; }

  void Set(size_t i, const T& v) {
    Writable(i / kPerSegment).items[i % kPerSegment] = v;
    cache_.MarkDirty(i);
  }
  void PushBack(const T& v) {
    if (size_ % kPerSegment == 0) data_.PushBack(CowPtr<Segment>::Make());
    ++size_;
    Set(size_ - 1, v);
  }
  // Shrinks (or grows with default values) to n elements.
  void Resize(size_t n) {
    const size_t old = size_;
    if (n < old) {
      for (size_t i = n; i < std::min(old, RoundUp(n)); ++i) Writable(i / kPerSegment).items[i % kPerSegment] = T{};
      data_.Truncate(RoundUp(n) / kPerSegment);
      size_ = n;
      cache_.MarkDirtyRange(n, old);
    } else {
      while (size_ < n) PushBack(T{});
    }
  }
  void Clear() { Resize(0); }
  // Replaces the contents, marking dirty only the elements that change.
  void Assign(const std::vector<T>& values) {
    const size_t common = std::min(values.size(), size_);
    for (size_t i = 0; i < common; ++i) {
      if (!((*this)[i] == values[i])) Set(i, values[i]);
    }
    if (values.size() < size_) {
      Resize(values.size());
    } else {
      for (size_t i = common; i < values.size(); ++i) PushBack(values[i]);
    }
  }
  std::vector<T> ToVector() const {
    std::vector<T> out;
    out.reserve(size_);
    for (size_t i = 0; i < size_; ++i) out.push_back((*this)[i]);
    return out;
  }

  Root HashTreeRoot() const {
    return cache_.ComputeRoot(size_, CeilLog2(N), size_, [this](uint64_t first, uint64_t count, Root* out) {
      // [first, first + count) never crosses a segment.
      HashTreeRootMany(&data_[first / kPerSegment].items[first % kPerSegment], count, out);
    });
  }
  bool IsHashCached() const { return cache_.IsClean(); }

  friend bool operator==(const PersistentList& a, const PersistentList& b) {
    if (a.size_ != b.size_) return false;
    for (size_t i = 0; i < a.size_; ++i) {
      if (!(a[i] == b[i])) return false;
    }
    return true;
  }

 private:
  struct Segment {
    std::array<T, kPerSegment> items{};
  };
  static size_t RoundUp(size_t n) { return (n + kPerSegment - 1) / kPerSegment * kPerSegment; }
  Segment& Writable(size_t s) { return data_.Mutable(s); }

  CowVector<Segment> data_;
  size_t size_ = 0;
  internal::MerkleCache cache_;
};

// A bitlist packed 256 bits per leaf, with the same sharing and caching.
template <size_t N>
class PersistentBitlist {
 public:
  static constexpr size_t kLimit = N;
  static constexpr size_t kBytesPerSegment = internal::kLeavesPerSegment * kBytesPerChunk;
  static constexpr size_t kBitsPerSegment = kBytesPerSegment * 8;

  PersistentBitlist() = default;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  bool Get(size_t i) const {
    return (data_[i / kBitsPerSegment].bytes[(i % kBitsPerSegment) / 8] >> (i % 8)) & 1;
  }
  void Set(size_t i, bool v) {
    uint8_t& byte = Writable(i / kBitsPerSegment).bytes[(i % kBitsPerSegment) / 8];
    const uint8_t mask = static_cast<uint8_t>(1u << (i % 8));
    const uint8_t updated = v ? (byte | mask) : (byte & ~mask);
    if (updated == byte) return;
    byte = updated;
    cache_.MarkDirty(i / kBitsPerChunk);
  }
  void PushBack(bool v) {
    if (size_ % kBitsPerSegment == 0) data_.PushBack(CowPtr<Segment>::Make());
    ++size_;
    cache_.MarkDirty((size_ - 1) / kBitsPerChunk);  // leaf count may have grown
    Set(size_ - 1, v);
  }
  // Grows with zero bits or shrinks (clearing the dropped bits) to n bits.
  void Resize(size_t n) {
    if (n >= size_) {
      while (size_ < n) {
        if (size_ % kBitsPerSegment == 0) data_.PushBack(CowPtr<Segment>::Make());
        const size_t step = std::min(n - size_, kBitsPerSegment - size_ % kBitsPerSegment);
        size_ += step;
      }
      if (n > 0) cache_.MarkDirty((n - 1) / kBitsPerChunk);
      return;
    }
    const size_t old = size_;
    for (size_t i = n; i < std::min(old, RoundUpBits(n)); ++i) Set(i, false);
    data_.Truncate(RoundUpBits(n) / kBitsPerSegment);
    size_ = n;
    cache_.MarkDirtyRange(n / kBitsPerChunk, (old + kBitsPerChunk - 1) / kBitsPerChunk);
  }
  // Replaces the contents with `bits` (packed little-endian, `len` bits), marking dirty
  // only the 32-byte leaves that change.
  void AssignPacked(ByteView bits, size_t len) {
    Resize(std::min(len, size_));
    Resize(len);
    for (size_t s = 0; s < data_.size(); ++s) {
      const size_t begin = s * kBytesPerSegment;
      const size_t n = std::min(kBytesPerSegment, bits.size() - std::min(bits.size(), begin));
      for (size_t c = 0; c * kBytesPerChunk < n; ++c) {
        const size_t off = c * kBytesPerChunk;
        const size_t m = std::min(kBytesPerChunk, n - off);
        if (std::memcmp(data_[s].bytes.data() + off, bits.data() + begin + off, m) != 0) {
          std::memcpy(Writable(s).bytes.data() + off, bits.data() + begin + off, m);
          cache_.MarkDirty(s * internal::kLeavesPerSegment + c);
        }
      }
    }
    if (len % 8) {  // keep bits past the end zero
      const size_t last = (len - 1) / 8;
      uint8_t& b = Writable(last / kBytesPerSegment).bytes[last % kBytesPerSegment];
      b &= static_cast<uint8_t>((1u << (len % 8)) - 1);
    }
  }
  // Packed bytes (ceil(size/8)), without the delimiter.
  ByteVec ToPacked() const {
    ByteVec out((size_ + 7) / 8);
    for (size_t s = 0; s < data_.size(); ++s) {
      const size_t begin = s * kBytesPerSegment;
      std::memcpy(out.data() + begin, data_[s].bytes.data(), std::min(kBytesPerSegment, out.size() - begin));
    }
    return out;
  }

  Root HashTreeRoot() const {
    const uint64_t leaves = (size_ + kBitsPerChunk - 1) / kBitsPerChunk;
    return cache_.ComputeRoot(leaves, CeilLog2((N + kBitsPerChunk - 1) / kBitsPerChunk), size_,
                       [this](uint64_t first, uint64_t count, Root* out) {
                         const auto& seg = data_[first / internal::kLeavesPerSegment];
                         std::memcpy(out, seg.bytes.data() + (first % internal::kLeavesPerSegment) * kBytesPerChunk,
                                     count * kBytesPerChunk);
                       });
  }
  bool IsHashCached() const { return cache_.IsClean(); }

  friend bool operator==(const PersistentBitlist& a, const PersistentBitlist& b) {
    return a.size_ == b.size_ && a.ToPacked() == b.ToPacked();
  }

 private:
  struct Segment {
    std::array<uint8_t, kBytesPerSegment> bytes{};
  };
  static size_t RoundUpBits(size_t n) {
    return (n + kBitsPerSegment - 1) / kBitsPerSegment * kBitsPerSegment;
  }
  Segment& Writable(size_t s) { return data_.Mutable(s); }

  CowVector<Segment> data_;
  size_t size_ = 0;
  internal::MerkleCache cache_;
};

template <class T, size_t N>
struct Ssz<PersistentList<T, N>> {
  static constexpr bool kFixed = false;
  static constexpr size_t kSize = 0;
  static constexpr bool kBasic = false;
  static_assert(!Ssz<T>::kBasic, "PersistentList holds one element per leaf");
  static size_t EncodedSize(const PersistentList<T, N>& v) {
    if constexpr (Ssz<T>::kFixed && Ssz<T>::kSize != 0) {
      return v.size() * Ssz<T>::kSize;
    } else {
      size_t total = 0;
      for (size_t i = 0; i < v.size(); ++i) total += Ssz<T>::EncodedSize(v[i]);
      return total + (Ssz<T>::kFixed ? 0 : v.size() * kBytesPerLengthOffset);
    }
  }
  static void Encode(const PersistentList<T, N>& v, ByteVec& out) {
    static_assert(Ssz<T>::kFixed, "variable-size elements are not needed here");
    for (size_t i = 0; i < v.size(); ++i) Ssz<T>::Encode(v[i], out);
  }
  static absl::Status Decode(ByteView in, PersistentList<T, N>& out) {
    List<T, N> plain;
    absl::Status s = Ssz<List<T, N>>::Decode(in, plain);
    if (!s.ok()) return s;
    PersistentList<T, N> result;
    for (const T& item : plain.items) result.PushBack(item);
    out = std::move(result);
    return absl::OkStatus();
  }
  static Root Hash(const PersistentList<T, N>& v) { return v.HashTreeRoot(); }
};

template <size_t N>
struct Ssz<PersistentBitlist<N>> {
  static constexpr bool kFixed = false;
  static constexpr size_t kSize = 0;
  static constexpr bool kBasic = false;
  static size_t EncodedSize(const PersistentBitlist<N>& v) { return v.size() / 8 + 1; }
  static void Encode(const PersistentBitlist<N>& v, ByteVec& out) {
    ByteVec packed = v.ToPacked();
    if (v.size() % 8 == 0) packed.push_back(0);
    packed[v.size() / 8] |= static_cast<uint8_t>(1u << (v.size() % 8));
    out.insert(out.end(), packed.begin(), packed.end());
  }
  static absl::Status Decode(ByteView in, PersistentBitlist<N>& out) {
    absl::StatusOr<size_t> len = DecodeBitlistLength(in, N);
    if (!len.ok()) return len.status();
    ByteVec packed(in.begin(), in.begin() + static_cast<ptrdiff_t>((*len + 7) / 8));
    if (*len % 8) packed.back() &= static_cast<uint8_t>((1u << (*len % 8)) - 1);
    PersistentBitlist<N> result;
    result.AssignPacked(packed, *len);
    out = std::move(result);
    return absl::OkStatus();
  }
  static Root Hash(const PersistentBitlist<N>& v) { return v.HashTreeRoot(); }
};

}  // namespace beam::ssz

#endif  // BEAMCORE_SSZ_PERSISTENT_LIST_H_
