// CowVector<T>: a vector of copy-on-write T, copied in O(n / 64).
//
// Elements live behind CowPtr (cow_ptr.h), grouped into shared chunks of 64 pointers.
// Copying the vector copies only the chunk pointers; writing element i clones its
// chunk (64 pointers) and the element itself only when they are shared. This keeps a
// State copy cheap even when a list has hundreds of segments.
//
// Thread safety: as CowPtr; distinct CowVectors may share storage across threads.

#ifndef BEAMCORE_BASE_COW_VECTOR_H_
#define BEAMCORE_BASE_COW_VECTOR_H_

#include <cstddef>
#include <utility>
#include <vector>

#include "base/cow_ptr.h"

namespace beam {

template <class T>
class CowVector {
 public:
  static constexpr size_t kFanout = 64;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  const T& operator[](size_t i) const { return *(*chunks_[i / kFanout])[i % kFanout]; }

  // Element i, made unique first (its chunk too).
  T& Mutable(size_t i) { return chunks_[i / kFanout].Mutable()[i % kFanout].Mutable(); }

  void PushBack(CowPtr<T> element) {
    if (size_ % kFanout == 0) chunks_.push_back(CowPtr<Chunk>::Make());
    chunks_.back().Mutable().push_back(std::move(element));
    ++size_;
  }

  // Keeps the first n elements (n <= size()).
  void Truncate(size_t n) {
    if (n >= size_) return;
    chunks_.resize((n + kFanout - 1) / kFanout);
    if (n % kFanout != 0) chunks_.back().Mutable().resize(n % kFanout);
    size_ = n;
  }

 private:
  using Chunk = std::vector<CowPtr<T>>;
  std::vector<CowPtr<Chunk>> chunks_;
  size_t size_ = 0;
};

}  // namespace beam

#endif  // BEAMCORE_BASE_COW_VECTOR_H_
