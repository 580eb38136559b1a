// The snappy framing format (leanSpec node/snappy/framing.py), the wire encoding of
// req/resp payloads:
//
//   [stream identifier ff 06 00 00 "sNaPpY"] then chunks [type][3-byte LE length][body]
//   type 0x00 compressed:   [masked CRC-32C of the uncompressed data][snappy block]
//   type 0x01 uncompressed: [masked CRC-32C][raw bytes]
//   type 0xff another stream identifier; 0x02..0x7f reserved (an error); 0x80..0xfe
//   skippable. Each chunk holds at most 64 KiB of uncompressed data.
//
// Thread-safe: pure functions.

#ifndef BEAMCORE_WIRE_SNAPPY_FRAME_H_
#define BEAMCORE_WIRE_SNAPPY_FRAME_H_

#include <cstddef>

#include "absl/status/statusor.h"
#include "ssz/bytes.h"
#include "wire/config.h"

namespace beam::wire {

inline constexpr size_t kSnappyStreamIdentifierSize = 10;
inline constexpr size_t kMaxFrameChunkData = 65536;  // MAX_UNCOMPRESSED_CHUNK_SIZE

// frame_compress(data): byte-identical to leanSpec's. The stream identifier, then one
// chunk per 64 KiB of input: compressed when that is shorter, else stored. Empty input
// gives the identifier alone. Never fails.
ssz::ByteVec SnappyFrameEncode(ssz::ByteView data);
void AppendSnappyFrame(ssz::ByteView data, ssz::ByteVec& out);

// frame_decompress(data): the whole of `data` as one framed stream. Errors
// (DECODE_ERROR rejections): input shorter than or not starting with the stream
// identifier; a truncated chunk header or body; a data chunk shorter than its CRC; a
// chunk holding more than 64 KiB; a malformed snappy block; a CRC mismatch; a repeated
// stream identifier that is not exactly "sNaPpY"; a reserved unskippable type
// (0x02..0x7f); more than `max_output` bytes of output in total (checked before each
// chunk is decompressed, so nothing above the limit is allocated).
absl::StatusOr<ssz::ByteVec> SnappyFrameDecode(ssz::ByteView data, size_t max_output = kMaxPayloadSize);

// For stream readers: decodes the framed stream at the start of `data` until exactly
// `length` bytes are appended to `out`, and returns how many input bytes that took
// (the stream identifier and the chunks up to and including the one that completes the
// output; with length 0, the identifier only). Bytes after that are left for the
// caller. Errors: absl::OutOfRange when `data` ends before the output is complete (a
// reader may wait for more bytes); DECODE_ERROR for everything SnappyFrameDecode
// rejects and for a chunk that would take the output past `length`. On error `out`
// keeps its old size.
absl::StatusOr<size_t> DecodeSnappyFramePrefix(ssz::ByteView data, size_t length, ssz::ByteVec& out);

}  // namespace beam::wire

#endif  // BEAMCORE_WIRE_SNAPPY_FRAME_H_
