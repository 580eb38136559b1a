// The raw snappy block format (leanSpec node/snappy/: compress.py, decompress.py):
// [varint uncompressed length][literal and copy elements]. Gossip payloads use it.
//
// Compression is leanSpec's algorithm, reimplemented here so that our bytes equal the
// spec's byte for byte (the networking_codec fixtures pin them; libsnappy's own
// compressor picks different, equally valid, copies). Decompression is libsnappy's
// hardened decoder, bounded by a caller-given limit that is checked before anything is
// allocated.
//
// Thread-safe: pure functions.

#ifndef BEAMCORE_WIRE_SNAPPY_H_
#define BEAMCORE_WIRE_SNAPPY_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"
#include "ssz/bytes.h"
#include "wire/config.h"

namespace beam::wire {

// The largest input the block format can describe (its length prefix is 32 bits).
inline constexpr uint64_t kMaxSnappyBlockInput = 0xFFFFFFFFu;

// compress(data): byte-identical to leanSpec's. Input is cut into 64 KiB blocks, each
// matched on its own (copies never cross a block). Errors: InvalidArgument when the
// input is longer than kMaxSnappyBlockInput.
absl::StatusOr<ssz::ByteVec> SnappyCompress(ssz::ByteView data);

// Appends compress(data) to `out`; `data` must be at most kMaxSnappyBlockInput long.
void AppendSnappyCompressed(ssz::ByteView data, ssz::ByteVec& out);

// The uncompressed length a block declares (its varint prefix, at most 5 bytes and 32
// bits). DECODE_ERROR if the prefix is missing or malformed.
absl::StatusOr<uint64_t> SnappyUncompressedLength(ssz::ByteView compressed);

// decompress(data). The declared length is checked against `max_output` before any
// allocation. Errors (DECODE_ERROR rejections): empty input, malformed length prefix,
// declared length above `max_output`, any malformed element (bad tag, copy before the
// start of the output, literal or copy past the declared length, input ending early),
// or bytes left over once the declared length is produced. (The last differs from
// leanSpec's decoder, which ignores such trailing bytes; libsnappy and the other
// clients' decoders reject them, and no encoder produces them.)
absl::StatusOr<ssz::ByteVec> SnappyDecompress(ssz::ByteView compressed, size_t max_output = kMaxPayloadSize);

// Decompresses into `out` starting at out.size() (appending); on error `out` keeps its
// old size. Same checks as SnappyDecompress; returns the number of bytes appended.
absl::StatusOr<size_t> AppendSnappyDecompressed(ssz::ByteView compressed, size_t max_output, ssz::ByteVec& out);

// Whether `compressed` is a well-formed block, whatever its declared length; nothing
// is allocated for the output.
bool IsValidSnappyBlock(ssz::ByteView compressed);

}  // namespace beam::wire

#endif  // BEAMCORE_WIRE_SNAPPY_H_
