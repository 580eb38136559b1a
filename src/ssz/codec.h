// The SSZ codec: a traits class `Ssz<T>` per type, and the entry points Encode, Decode
// and HashTreeRoot that dispatch to it.
//
// Every `Ssz<T>` provides:
//   static constexpr bool   kFixed;   // fixed-size on the wire
//   static constexpr size_t kSize;    // wire size when fixed; 0 = fixed, known at run time
//   static constexpr bool   kBasic;   // packs into chunks inside vectors/lists (uintN, bool)
//   static size_t EncodedSize(const T&);
//   static void Encode(const T&, ByteVec& out);                 // appends
//   static absl::Status Decode(ByteView in, T& out);            // `in` is the exact scope
//   static Root Hash(const T&);
//
// Decoding is strict: every length, offset, limit, delimiter and padding bit is checked
// and any violation is an InvalidArgument error (never a crash or an over-read).
// All functions are thread-compatible.

#ifndef BEAMCORE_SSZ_CODEC_H_
#define BEAMCORE_SSZ_CODEC_H_

#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "ssz/bytes.h"
#include "ssz/merkleize.h"

namespace beam::ssz {

inline constexpr size_t kBytesPerLengthOffset = 4;

template <class T, class Enable = void>
struct Ssz;  // specialised per type

constexpr int CeilLog2Constexpr(uint64_t n) {
  int d = 0;
  while ((uint64_t{1} << d) < n) ++d;
  return d;
}

template <class T>
inline constexpr bool kIsFixed = Ssz<T>::kFixed;

// A decode error; `what` names the type or field and the violated rule.
inline absl::Status DecodeError(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("ssz decode: ", what));
}

template <class T>
size_t EncodedSize(const T& v) {
  return Ssz<T>::EncodedSize(v);
}

template <class T>
void EncodeTo(const T& v, ByteVec& out) {
  Ssz<T>::Encode(v, out);
}

template <class T>
ByteVec Encode(const T& v) {
  ByteVec out;
  out.reserve(Ssz<T>::EncodedSize(v));
  Ssz<T>::Encode(v, out);
  return out;
}

template <class T>
absl::Status DecodeInto(ByteView in, T& out) {
  return Ssz<T>::Decode(in, out);
}

template <class T>
absl::StatusOr<T> Decode(ByteView in) {
  T out{};
  absl::Status s = Ssz<T>::Decode(in, out);
  if (!s.ok()) return s;
  return out;
}

template <class T>
Root HashTreeRoot(const T& v) {
  return Ssz<T>::Hash(v);
}

// out[i] = HashTreeRoot(items[i]) for i < n. Types whose roots are Merkle trees of
// several chunks (long byte vectors, containers) hash all n trees level by level so the
// SHA kernel sees whole layers (see hash::Sha256Pairs); others loop.
template <class T>
void HashTreeRootMany(const T* items, size_t n, Root* out) {
  if constexpr (requires { Ssz<T>::HashMany(items, n, out); }) {
    Ssz<T>::HashMany(items, n, out);
  } else {
    for (size_t i = 0; i < n; ++i) out[i] = Ssz<T>::Hash(items[i]);
  }
}

// Hashes n perfect trees of `leaves_per_tree` (a power of two) leaves each, stored
// contiguously in `leaves` (n * leaves_per_tree roots; overwritten), into out[0..n).
void HashTreesInPlace(Root* leaves, size_t n, size_t leaves_per_tree, Root* out);

// ---- little-endian helpers ----

template <class U>
inline void AppendLittleEndian(U v, ByteVec& out) {
  for (size_t i = 0; i < sizeof(U); ++i) out.push_back(static_cast<uint8_t>(uint64_t{v} >> (8 * i)));
}

template <class U>
inline U LoadLittleEndian(const uint8_t* p) {
  uint64_t v = 0;
  for (size_t i = 0; i < sizeof(U); ++i) v |= uint64_t{p[i]} << (8 * i);
  return static_cast<U>(v);
}

inline void AppendOffset(size_t offset, ByteVec& out) {
  AppendLittleEndian(static_cast<uint32_t>(offset), out);
}

inline void WriteOffsetAt(ByteVec& out, size_t pos, size_t offset) {
  for (size_t i = 0; i < 4; ++i) out[pos + i] = static_cast<uint8_t>(offset >> (8 * i));
}

// ---- uint8/16/32/64 ----

template <class U>
struct Ssz<U, std::enable_if_t<std::is_unsigned_v<U> && !std::is_same_v<U, bool>>> {
  static constexpr bool kFixed = true;
  static constexpr size_t kSize = sizeof(U);
  static constexpr bool kBasic = true;
  static size_t EncodedSize(const U&) { return kSize; }
  static void Encode(const U& v, ByteVec& out) { AppendLittleEndian<U>(v, out); }
  static absl::Status Decode(ByteView in, U& out) {
    if (in.size() != kSize) {
      return DecodeError(absl::StrCat("uint", 8 * kSize, ": expected ", kSize, " bytes, got ",
                                      in.size()));
    }
    out = LoadLittleEndian<U>(in.data());
    return absl::OkStatus();
  }
  static Root Hash(const U& v) {
    Root r{};
    for (size_t i = 0; i < kSize; ++i) r[i] = static_cast<uint8_t>(uint64_t{v} >> (8 * i));
    return r;
  }
};

// ---- boolean ----

template <>
struct Ssz<bool> {
  static constexpr bool kFixed = true;
  static constexpr size_t kSize = 1;
  static constexpr bool kBasic = true;
  static size_t EncodedSize(const bool&) { return 1; }
  static void Encode(const bool& v, ByteVec& out) { out.push_back(v ? 1 : 0); }
  static absl::Status Decode(ByteView in, bool& out) {
    if (in.size() != 1) return DecodeError(absl::StrCat("boolean: expected 1 byte, got ", in.size()));
    if (in[0] > 1) return DecodeError(absl::StrCat("boolean: invalid byte ", int{in[0]}));
    out = in[0] == 1;
    return absl::OkStatus();
  }
  static Root Hash(const bool& v) {
    Root r{};
    r[0] = v ? 1 : 0;
    return r;
  }
};

// ---- ByteVector[N] ----

template <size_t N>
struct Ssz<FixedBytes<N>> {
  static constexpr bool kFixed = true;
  static constexpr size_t kSize = N;
  static constexpr bool kBasic = false;
  static size_t EncodedSize(const FixedBytes<N>&) { return N; }
  static void Encode(const FixedBytes<N>& v, ByteVec& out) {
    out.insert(out.end(), v.bytes.begin(), v.bytes.end());
  }
  static absl::Status Decode(ByteView in, FixedBytes<N>& out) {
    if (in.size() != N) {
      return DecodeError(absl::StrCat("Bytes", N, ": expected ", N, " bytes, got ", in.size()));
    }
    std::memcpy(out.bytes.data(), in.data(), N);
    return absl::OkStatus();
  }
  static Root Hash(const FixedBytes<N>& v) {
    if constexpr (N == 32) {
      return v;
    } else {
      return MerkleizeBytes(v.view());
    }
  }
  static void HashMany(const FixedBytes<N>* items, size_t n, Root* out) {
    constexpr size_t kChunks = (N + kBytesPerChunk - 1) / kBytesPerChunk;
    if constexpr (kChunks == 1) {
      for (size_t i = 0; i < n; ++i) out[i] = Hash(items[i]);
    } else {
      constexpr size_t kLeaves = size_t{1} << CeilLog2Constexpr(kChunks);
      std::vector<Root> leaves(n * kLeaves);
      for (size_t i = 0; i < n; ++i) std::memcpy(leaves[i * kLeaves].data(), items[i].data(), N);
      HashTreesInPlace(leaves.data(), n, kLeaves, out);
    }
  }
};

}  // namespace beam::ssz

#endif  // BEAMCORE_SSZ_CODEC_H_
