// Unsigned LEB128 varints (leanSpec node/networking/varint.py): 7 data bits per byte,
// low group first, bit 7 set on every byte but the last.
//
// Thread-safe: pure functions.

#ifndef BEAMCORE_WIRE_VARINT_H_
#define BEAMCORE_WIRE_VARINT_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"
#include "ssz/bytes.h"

namespace beam::wire {

// A uint64 needs at most 10 bytes (the spec's default max_bytes).
inline constexpr size_t kMaxVarintBytes = 10;

// encode_varint(value): appends the 1..10-byte encoding of `value` to `out` and
// returns how many bytes it appended. Never fails: every uint64 fits in 10 bytes.
size_t AppendVarint(uint64_t value, ssz::ByteVec& out);
ssz::ByteVec EncodeVarint(uint64_t value);

// The encoded size of `value` (1..10).
size_t VarintSize(uint64_t value);

struct DecodedVarint {
  uint64_t value = 0;
  size_t length = 0;  // bytes consumed
};

// decode_varint(data, 0, max_bytes): the varint at the start of `data` (bytes after it
// are ignored). max_bytes must be 1..10.
// Errors (all DECODE_ERROR rejections, consensus/rejection.h):
//   - "truncated varint": `data` ends before a byte without the continuation bit;
//   - "varint exceeds N bytes": N = max_bytes bytes read and the last still continues;
//   - "varint overflows 64 bits": a 10th byte with data above bit 63 (the spec, with
//     unbounded Python ints, would return a value above 2^64 - 1; no uint64 holds it).
// Non-minimal encodings (e.g. 0x80 0x00 for 0) are accepted, as in the spec.
absl::StatusOr<DecodedVarint> DecodeVarint(ssz::ByteView data, size_t max_bytes = kMaxVarintBytes);

// Like DecodeVarint, but tells "the input ended too early" apart: absl::OutOfRange when
// `data` is a proper prefix of a varint that could still complete (a stream reader
// should wait for more bytes), DECODE_ERROR for input no continuation can fix.
absl::StatusOr<DecodedVarint> DecodeVarintPrefix(ssz::ByteView data, size_t max_bytes = kMaxVarintBytes);

}  // namespace beam::wire

#endif  // BEAMCORE_WIRE_VARINT_H_
