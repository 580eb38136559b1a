// Fixed-length byte strings (SSZ ByteVector[N]): Bytes4, Bytes32 (Root), Bytes52, Bytes64.
//
// A value type: copyable, comparable, hashable (absl). Thread-compatible.

#ifndef BEAMCORE_SSZ_BYTES_H_
#define BEAMCORE_SSZ_BYTES_H_

#include <algorithm>
#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "absl/types/span.h"

namespace beam::ssz {

using ByteView = absl::Span<const uint8_t>;
using ByteVec = std::vector<uint8_t>;

template <size_t N>
struct FixedBytes {
  std::array<uint8_t, N> bytes{};

  static constexpr size_t size() { return N; }
  uint8_t* data() { return bytes.data(); }
  const uint8_t* data() const { return bytes.data(); }
  uint8_t& operator[](size_t i) { return bytes[i]; }
  uint8_t operator[](size_t i) const { return bytes[i]; }
  ByteView view() const { return ByteView(bytes.data(), N); }

  bool IsZero() const {
    return std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0; });
  }
  static FixedBytes FromSpan(ByteView in) {  // in.size() must be N
    FixedBytes out;
    std::memcpy(out.bytes.data(), in.data(), N);
    return out;
  }

  friend bool operator==(const FixedBytes&, const FixedBytes&) = default;
  // Lexicographic byte order, as Python compares `bytes` (used for spec tie-breaks).
  friend std::strong_ordering operator<=>(const FixedBytes& a, const FixedBytes& b) {
    int c = std::memcmp(a.bytes.data(), b.bytes.data(), N);
    return c < 0 ? std::strong_ordering::less
                 : (c > 0 ? std::strong_ordering::greater : std::strong_ordering::equal);
  }
  template <typename H>
  friend H AbslHashValue(H h, const FixedBytes& b) {
    return H::combine_contiguous(std::move(h), b.bytes.data(), N);
  }
};

using Bytes4 = FixedBytes<4>;
using Bytes32 = FixedBytes<32>;
using Bytes52 = FixedBytes<52>;
using Bytes64 = FixedBytes<64>;

// A Merkle node or hash_tree_root result.
using Root = Bytes32;

// "0x"-prefixed lowercase hex.
std::string ToHex(ByteView bytes);
template <size_t N>
std::string ToHex(const FixedBytes<N>& b) {
  return ToHex(b.view());
}

}  // namespace beam::ssz

#endif  // BEAMCORE_SSZ_BYTES_H_
