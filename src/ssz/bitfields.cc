#include "ssz/bitfields.h"

namespace beam::ssz {

absl::StatusOr<size_t> DecodeBitlistLength(ByteView in, size_t limit) {
  if (in.empty()) return DecodeError("Bitlist: empty input has no delimiter bit");
  const uint8_t last = in.back();
  if (last == 0) return DecodeError("Bitlist: last byte has no delimiter bit");
  const int high_bit = 31 - __builtin_clz(last);
  const size_t len = (in.size() - 1) * 8 + static_cast<size_t>(high_bit);
  if (len > limit) {
    return DecodeError(absl::StrCat("Bitlist: length ", len, " exceeds limit ", limit));
  }
  return len;
}

void CopyBits(const uint8_t* src, size_t src_bit, uint8_t* dst, size_t dst_bit, size_t nbits) {
  // Byte-aligned fast path, then bit by bit for the ragged edges.
  if (src_bit % 8 == 0 && dst_bit % 8 == 0) {
    std::memcpy(dst + dst_bit / 8, src + src_bit / 8, nbits / 8);
    const size_t done = nbits / 8 * 8;
    src_bit += done;
    dst_bit += done;
    nbits -= done;
  }
  for (size_t i = 0; i < nbits; ++i) SetBit(dst, dst_bit + i, GetBit(src, src_bit + i));
}

}  // namespace beam::ssz
