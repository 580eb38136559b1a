// SSZ Vector[T, N], List[T, N] and ByteList[N].
//
// Plain value types over std::array / std::vector; thread-compatible. The big lists of
// the consensus State use PersistentList (persistent_list.h) instead, which shares
// storage between copies and caches its Merkle tree.

#ifndef BEAMCORE_SSZ_COLLECTIONS_H_
#define BEAMCORE_SSZ_COLLECTIONS_H_

#include <array>
#include <cstddef>
#include <vector>

#include "ssz/codec.h"

namespace beam::ssz {

template <class T, size_t N>
struct Vector {
  static_assert(N > 0, "Vector[T, 0] is not a valid SSZ type");
  std::array<T, N> items{};
  static constexpr size_t size() { return N; }
  T& operator[](size_t i) { return items[i]; }
  const T& operator[](size_t i) const { return items[i]; }
  friend bool operator==(const Vector&, const Vector&) = default;
};

template <class T, size_t N>
struct List {
  static constexpr size_t kLimit = N;
  std::vector<T> items;
  size_t size() const { return items.size(); }
  bool empty() const { return items.empty(); }
  T& operator[](size_t i) { return items[i]; }
  const T& operator[](size_t i) const { return items[i]; }
  auto begin() const { return items.begin(); }
  auto end() const { return items.end(); }
  friend bool operator==(const List&, const List&) = default;
};

template <size_t N>
struct ByteList {
  static constexpr size_t kLimit = N;
  ByteVec bytes;
  size_t size() const { return bytes.size(); }
  friend bool operator==(const ByteList&, const ByteList&) = default;
};

namespace internal {

template <class T>
size_t SequenceEncodedSize(const T* items, size_t n) {
  if constexpr (Ssz<T>::kFixed && Ssz<T>::kSize != 0) {
    return n * Ssz<T>::kSize;
  } else {
    size_t total = Ssz<T>::kFixed ? 0 : n * kBytesPerLengthOffset;
    for (size_t i = 0; i < n; ++i) total += Ssz<T>::EncodedSize(items[i]);
    return total;
  }
}

template <class T>
void EncodeSequence(const T* items, size_t n, ByteVec& out) {
  if constexpr (Ssz<T>::kFixed) {
    for (size_t i = 0; i < n; ++i) Ssz<T>::Encode(items[i], out);
  } else {
    const size_t start = out.size();
    out.resize(start + n * kBytesPerLengthOffset);
    for (size_t i = 0; i < n; ++i) {
      WriteOffsetAt(out, start + i * kBytesPerLengthOffset, out.size() - start);
      Ssz<T>::Encode(items[i], out);
    }
  }
}

// Decodes the variable-size elements of a sequence whose offsets table starts at in[0].
// `expected_count` < 0 means "derive it from the first offset" (lists).
template <class T>
absl::Status DecodeVariableSequence(ByteView in, int64_t expected_count, size_t limit,
                                    std::vector<T>& out) {
  if (in.empty()) {
    if (expected_count > 0) return DecodeError("sequence: empty input for a non-empty vector");
    out.clear();
    return absl::OkStatus();
  }
  if (in.size() < kBytesPerLengthOffset) return DecodeError("sequence: truncated offset");
  const uint32_t first = LoadLittleEndian<uint32_t>(in.data());
  if (first % kBytesPerLengthOffset != 0 || first == 0 || first > in.size()) {
    return DecodeError(absl::StrCat("sequence: invalid first offset ", first));
  }
  const size_t count = first / kBytesPerLengthOffset;
  if (expected_count >= 0 && count != static_cast<size_t>(expected_count)) {
    return DecodeError(absl::StrCat("vector: expected ", expected_count, " elements, got ", count));
  }
  if (count > limit) {
    return DecodeError(absl::StrCat("list: ", count, " elements exceed limit ", limit));
  }
  std::vector<T> result(count);
  for (size_t i = 0; i < count; ++i) {
    const uint32_t begin = LoadLittleEndian<uint32_t>(in.data() + i * kBytesPerLengthOffset);
    const uint32_t end = i + 1 < count
                             ? LoadLittleEndian<uint32_t>(in.data() + (i + 1) * kBytesPerLengthOffset)
                             : static_cast<uint32_t>(in.size());
    if (end < begin || end > in.size()) {
      return DecodeError(absl::StrCat("sequence: offsets out of order at element ", i));
    }
    absl::Status s = Ssz<T>::Decode(in.subspan(begin, end - begin), result[i]);
    if (!s.ok()) return s;
  }
  out = std::move(result);
  return absl::OkStatus();
}

template <class T>
absl::Status DecodeFixedSequence(ByteView in, size_t count, std::vector<T>& out) {
  constexpr size_t kElem = Ssz<T>::kSize;
  std::vector<T> result(count);
  for (size_t i = 0; i < count; ++i) {
    T item{};  // not result[i] directly: std::vector<bool> hands out proxies
    absl::Status s = Ssz<T>::Decode(in.subspan(i * kElem, kElem), item);
    if (!s.ok()) return s;
    result[i] = std::move(item);
  }
  out = std::move(result);
  return absl::OkStatus();
}

// Merkle root of the elements (before any length mix-in), limit in elements.
template <class T>
Root HashSequence(const T* items, size_t n, size_t limit) {
  if constexpr (Ssz<T>::kBasic) {
    ByteVec packed;
    packed.reserve(n * Ssz<T>::kSize);
    for (size_t i = 0; i < n; ++i) Ssz<T>::Encode(items[i], packed);
    const size_t limit_chunks = (limit * Ssz<T>::kSize + kBytesPerChunk - 1) / kBytesPerChunk;
    return MerkleizeBytes(packed, static_cast<int64_t>(limit_chunks));
  } else {
    std::vector<Root> roots(n);
    HashTreeRootMany(items, n, roots.data());
    return Merkleize(roots, static_cast<int64_t>(limit));
  }
}

}  // namespace internal

template <class T, size_t N>
struct Ssz<Vector<T, N>> {
  static constexpr bool kFixed = Ssz<T>::kFixed;
  static constexpr size_t kSize = kFixed ? N * Ssz<T>::kSize : 0;
  static constexpr bool kBasic = false;
  static size_t EncodedSize(const Vector<T, N>& v) {
    return internal::SequenceEncodedSize(v.items.data(), N);
  }
  static void Encode(const Vector<T, N>& v, ByteVec& out) {
    internal::EncodeSequence(v.items.data(), N, out);
  }
  static absl::Status Decode(ByteView in, Vector<T, N>& out) {
    std::vector<T> items;
    if constexpr (kFixed && Ssz<T>::kSize != 0) {
      if (in.size() != kSize) {
        return DecodeError(absl::StrCat("Vector[", N, "]: expected ", kSize, " bytes, got ",
                                        in.size()));
      }
      absl::Status s = internal::DecodeFixedSequence<T>(in, N, items);
      if (!s.ok()) return s;
    } else {
      static_assert(!kFixed, "vectors of run-time-sized elements are not supported");
      absl::Status s = internal::DecodeVariableSequence<T>(in, N, N, items);
      if (!s.ok()) return s;
    }
    std::move(items.begin(), items.end(), out.items.begin());
    return absl::OkStatus();
  }
  static Root Hash(const Vector<T, N>& v) { return internal::HashSequence(v.items.data(), N, N); }
};

template <class T, size_t N>
struct Ssz<List<T, N>> {
  static constexpr bool kFixed = false;
  static constexpr size_t kSize = 0;
  static constexpr bool kBasic = false;
  static size_t EncodedSize(const List<T, N>& v) {
    return internal::SequenceEncodedSize(v.items.data(), v.items.size());
  }
  static void Encode(const List<T, N>& v, ByteVec& out) {
    internal::EncodeSequence(v.items.data(), v.items.size(), out);
  }
  static absl::Status Decode(ByteView in, List<T, N>& out) {
    if constexpr (Ssz<T>::kFixed && Ssz<T>::kSize != 0) {
      constexpr size_t kElem = Ssz<T>::kSize;
      if (in.size() % kElem != 0) {
        return DecodeError(absl::StrCat("List: ", in.size(), " bytes is not a multiple of the ",
                                        kElem, "-byte element"));
      }
      const size_t count = in.size() / kElem;
      if (count > N) {
        return DecodeError(absl::StrCat("List: ", count, " elements exceed limit ", N));
      }
      return internal::DecodeFixedSequence<T>(in, count, out.items);
    } else {
      return internal::DecodeVariableSequence<T>(in, -1, N, out.items);
    }
  }
  static Root Hash(const List<T, N>& v) {
    return MixInLength(internal::HashSequence(v.items.data(), v.items.size(), N), v.items.size());
  }
};

template <size_t N>
struct Ssz<ByteList<N>> {
  static constexpr bool kFixed = false;
  static constexpr size_t kSize = 0;
  static constexpr bool kBasic = false;
  static size_t EncodedSize(const ByteList<N>& v) { return v.bytes.size(); }
  static void Encode(const ByteList<N>& v, ByteVec& out) {
    out.insert(out.end(), v.bytes.begin(), v.bytes.end());
  }
  static absl::Status Decode(ByteView in, ByteList<N>& out) {
    if (in.size() > N) {
      return DecodeError(absl::StrCat("ByteList: ", in.size(), " bytes exceed limit ", N));
    }
    out.bytes.assign(in.begin(), in.end());
    return absl::OkStatus();
  }
  static Root Hash(const ByteList<N>& v) {
    return MixInLength(
        MerkleizeBytes(ByteView(v.bytes), static_cast<int64_t>((N + kBytesPerChunk - 1) / kBytesPerChunk)),
        v.bytes.size());
  }
};

}  // namespace beam::ssz

#endif  // BEAMCORE_SSZ_COLLECTIONS_H_
