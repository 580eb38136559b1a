// SSZ Bitvector[N] and Bitlist[N]: bits packed little-endian within bytes.
//
// Value types; thread-compatible.

#ifndef BEAMCORE_SSZ_BITFIELDS_H_
#define BEAMCORE_SSZ_BITFIELDS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ssz/codec.h"

namespace beam::ssz {

// Number of set bits; portable (a plain __builtin_popcount becomes a libgcc call
// without -mpopcnt).
inline size_t PopCount64(uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ULL);
  x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
  return static_cast<size_t>((x * 0x0101010101010101ULL) >> 56);
}

// Set bits in a byte string.
inline size_t PopCountBytes(const uint8_t* p, size_t n) {
  size_t count = 0, i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    count += PopCount64(w);
  }
  for (; i < n; ++i) count += PopCount64(p[i]);
  return count;
}

// dst bits [dst_bit, dst_bit + nbits) = src bits [src_bit, src_bit + nbits), little-endian
// bit order within bytes (SSZ's). Other dst bits are unchanged.
void CopyBits(const uint8_t* src, size_t src_bit, uint8_t* dst, size_t dst_bit, size_t nbits);

// Bit i of a packed little-endian bit string.
inline bool GetBit(const uint8_t* bytes, size_t i) { return (bytes[i / 8] >> (i % 8)) & 1; }
inline void SetBit(uint8_t* bytes, size_t i, bool v) {
  const uint8_t mask = static_cast<uint8_t>(1u << (i % 8));
  bytes[i / 8] = v ? static_cast<uint8_t>(bytes[i / 8] | mask) : static_cast<uint8_t>(bytes[i / 8] & ~mask);
}

template <size_t N>
class Bitvector {
 public:
  static_assert(N > 0, "Bitvector[0] is not a valid SSZ type");
  static constexpr size_t kBytes = (N + 7) / 8;

  static constexpr size_t size() { return N; }
  bool Get(size_t i) const { return GetBit(bytes_.data(), i); }
  void Set(size_t i, bool v) { SetBit(bytes_.data(), i, v); }
  const std::array<uint8_t, kBytes>& bytes() const { return bytes_; }
  std::array<uint8_t, kBytes>& mutable_bytes() { return bytes_; }
  friend bool operator==(const Bitvector&, const Bitvector&) = default;

 private:
  std::array<uint8_t, kBytes> bytes_{};
};

template <size_t N>
class Bitlist {
 public:
  static constexpr size_t kLimit = N;

  Bitlist() = default;
  explicit Bitlist(size_t len) : len_(len), bytes_((len + 7) / 8, 0) {}

  size_t size() const { return len_; }
  bool empty() const { return len_ == 0; }
  bool Get(size_t i) const { return GetBit(bytes_.data(), i); }
  void Set(size_t i, bool v) { SetBit(bytes_.data(), i, v); }
  void PushBack(bool v) {
    if (len_ % 8 == 0) bytes_.push_back(0);
    ++len_;
    Set(len_ - 1, v);
  }
  void Resize(size_t len) {
    bytes_.resize((len + 7) / 8, 0);
    len_ = len;
    if (len_ % 8) bytes_.back() &= static_cast<uint8_t>((1u << (len_ % 8)) - 1);
  }
  size_t CountOnes() const { return PopCountBytes(bytes_.data(), bytes_.size()); }
  // A bitlist of `len` bits from packed bytes (at least ceil(len/8)); bits past `len`
  // in the last byte are dropped.
  static Bitlist FromPacked(ByteView packed, size_t len) {
    Bitlist out;
    out.len_ = len;
    out.bytes_.assign(packed.begin(), packed.begin() + static_cast<ptrdiff_t>((len + 7) / 8));
    if (len % 8) out.bytes_.back() &= static_cast<uint8_t>((1u << (len % 8)) - 1);
    return out;
  }
  // Packed bits without the delimiter; bits at positions >= size() are zero.
  const std::vector<uint8_t>& bytes() const { return bytes_; }
  friend bool operator==(const Bitlist&, const Bitlist&) = default;

 private:
  size_t len_ = 0;
  std::vector<uint8_t> bytes_;
};

template <size_t N>
struct Ssz<Bitvector<N>> {
  static constexpr bool kFixed = true;
  static constexpr size_t kSize = Bitvector<N>::kBytes;
  static constexpr bool kBasic = false;
  static size_t EncodedSize(const Bitvector<N>&) { return kSize; }
  static void Encode(const Bitvector<N>& v, ByteVec& out) {
    out.insert(out.end(), v.bytes().begin(), v.bytes().end());
  }
  static absl::Status Decode(ByteView in, Bitvector<N>& out) {
    if (in.size() != kSize) {
      return DecodeError(absl::StrCat("Bitvector[", N, "]: expected ", kSize, " bytes, got ",
                                      in.size()));
    }
    if constexpr (N % 8 != 0) {
      if (in[kSize - 1] >> (N % 8)) {
        return DecodeError(absl::StrCat("Bitvector[", N, "]: padding bits set"));
      }
    }
    std::memcpy(out.mutable_bytes().data(), in.data(), kSize);
    return absl::OkStatus();
  }
  static Root Hash(const Bitvector<N>& v) {
    return MerkleizeBytes(ByteView(v.bytes().data(), kSize), (N + kBitsPerChunk - 1) / kBitsPerChunk);
  }
};

// Shared by Bitlist and the persistent bitlist: validates the delimiter encoding and
// returns the bit length; the packed data bytes are in[0 .. ceil(len/8)).
absl::StatusOr<size_t> DecodeBitlistLength(ByteView in, size_t limit);

template <size_t N>
struct Ssz<Bitlist<N>> {
  static constexpr bool kFixed = false;
  static constexpr size_t kSize = 0;
  static constexpr bool kBasic = false;
  static size_t EncodedSize(const Bitlist<N>& v) { return v.size() / 8 + 1; }
  static void Encode(const Bitlist<N>& v, ByteVec& out) {
    const size_t start = out.size();
    out.insert(out.end(), v.bytes().begin(), v.bytes().end());
    // The delimiter bit sits just past the last data bit.
    if (v.size() % 8 == 0) out.push_back(0);
    out[start + v.size() / 8] |= static_cast<uint8_t>(1u << (v.size() % 8));
  }
  static absl::Status Decode(ByteView in, Bitlist<N>& out) {
    absl::StatusOr<size_t> len = DecodeBitlistLength(in, N);
    if (!len.ok()) return len.status();
    out = Bitlist<N>::FromPacked(in, *len);  // drops the delimiter bit
    return absl::OkStatus();
  }
  static Root Hash(const Bitlist<N>& v) {
    return MixInLength(MerkleizeBytes(ByteView(v.bytes()), (N + kBitsPerChunk - 1) / kBitsPerChunk),
                       v.size());
  }
};

}  // namespace beam::ssz

#endif  // BEAMCORE_SSZ_BITFIELDS_H_
