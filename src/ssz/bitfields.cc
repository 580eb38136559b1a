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

}  // namespace beam::ssz
