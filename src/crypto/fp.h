// Fp: an element of the KoalaBear prime field (p = 2^31 - 2^24 + 1), as SSZ sees it:
// a 4-byte little-endian integer that must be canonical (< p) on decode.

#ifndef BEAMCORE_CRYPTO_FP_H_
#define BEAMCORE_CRYPTO_FP_H_

#include <cstdint>

#include "ssz/codec.h"

namespace beam::crypto {

inline constexpr uint32_t kKoalaBearPrime = (uint32_t{1} << 31) - (uint32_t{1} << 24) + 1;

struct Fp {
  uint32_t value = 0;
  friend bool operator==(const Fp&, const Fp&) = default;
};

}  // namespace beam::crypto

namespace beam::ssz {

template <>
struct Ssz<crypto::Fp> {
  static constexpr bool kFixed = true;
  static constexpr size_t kSize = 4;
  static constexpr bool kBasic = true;
  static size_t EncodedSize(const crypto::Fp&) { return 4; }
  static void Encode(const crypto::Fp& v, ByteVec& out) { AppendLittleEndian<uint32_t>(v.value, out); }
  static absl::Status Decode(ByteView in, crypto::Fp& out) {
    if (in.size() != 4) return DecodeError(absl::StrCat("Fp: expected 4 bytes, got ", in.size()));
    const uint32_t v = LoadLittleEndian<uint32_t>(in.data());
    if (v >= crypto::kKoalaBearPrime) {
      return DecodeError(absl::StrCat("Fp: value ", v, " is not below the field modulus"));
    }
    out.value = v;
    return absl::OkStatus();
  }
  static Root Hash(const crypto::Fp& v) { return Ssz<uint32_t>::Hash(v.value); }
};

}  // namespace beam::ssz

#endif  // BEAMCORE_CRYPTO_FP_H_
