#include "wire/varint.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "wire/decode_error.h"

namespace beam::wire {
size_t AppendVarint(uint64_t value, ssz::ByteVec& out) {
  size_t n = 0;
  while (value >= 0x80) {
    out.push_back(static_cast<uint8_t>((value & 0x7f) | 0x80));
    value >>= 7;
    ++n;
  }
  out.push_back(static_cast<uint8_t>(value));
  return n + 1;
}

ssz::ByteVec EncodeVarint(uint64_t value) {
  ssz::ByteVec out;
  out.reserve(VarintSize(value));
  AppendVarint(value, out);
  return out;
}

size_t VarintSize(uint64_t value) {
  size_t n = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++n;
  }
  return n;
}

absl::StatusOr<DecodedVarint> DecodeVarintPrefix(ssz::ByteView data, size_t max_bytes) {
  if (max_bytes == 0 || max_bytes > kMaxVarintBytes) {
    return absl::InvalidArgumentError(absl::StrCat("varint max_bytes must be 1..10, got ", max_bytes));
  }
  uint64_t value = 0;
  for (size_t i = 0;; ++i) {
    if (i >= data.size()) return absl::OutOfRangeError("truncated varint");
    const uint8_t byte = data[i];
    const uint64_t group = byte & 0x7f;
    // The 10th byte holds bit 63 only; anything above it cannot be a uint64.
    if (i == 9 && group > 1) return DecodeError("varint overflows 64 bits");
    value |= group << (7 * i);
    if ((byte & 0x80) == 0) return DecodedVarint{value, i + 1};
    if (i + 1 >= max_bytes) return DecodeError(absl::StrCat("varint exceeds ", max_bytes, " bytes"));
  }
}

absl::StatusOr<DecodedVarint> DecodeVarint(ssz::ByteView data, size_t max_bytes) {
  absl::StatusOr<DecodedVarint> v = DecodeVarintPrefix(data, max_bytes);
  if (v.status().code() == absl::StatusCode::kOutOfRange) return DecodeError(v.status().message());
  return v;
}

}  // namespace beam::wire
