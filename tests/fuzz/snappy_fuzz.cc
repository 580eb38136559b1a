// Snappy as peers send it: raw blocks (gossip) and the framing format (req/resp). The
// first byte picks the mode. Properties: decoding never crashes, over-reads or
// allocates past the payload limit; what decodes compresses and decodes back to the
// same bytes; our compressor's output always decodes to its input.

#include <cstddef>
#include <algorithm>
#include <cstdint>

#include "tests/fuzz/fuzz_check.h"
#include "wire/snappy.h"
#include "wire/snappy_frame.h"

namespace {

using beam::ssz::ByteVec;
using beam::ssz::ByteView;

bool Same(const ByteVec& a, ByteView b) { return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin()); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const ByteView in(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0: {  // a raw block from a peer
      const bool valid = beam::wire::IsValidSnappyBlock(in);
      absl::StatusOr<ByteVec> plain = beam::wire::SnappyDecompress(in);
      BEAM_FUZZ_CHECK(!plain.ok() || valid, "a block decoded that IsValidSnappyBlock refuses");
      if (!plain.ok()) return 0;
      absl::StatusOr<ByteVec> packed = beam::wire::SnappyCompress(*plain);
      BEAM_FUZZ_CHECK(packed.ok(), "a decoded payload does not compress");
      absl::StatusOr<ByteVec> back = beam::wire::SnappyDecompress(*packed);
      BEAM_FUZZ_CHECK(back.ok() && *back == *plain, "compress then decompress changed the payload");
      break;
    }
    case 1: {  // a framed stream from a peer
      absl::StatusOr<ByteVec> plain = beam::wire::SnappyFrameDecode(in);
      if (!plain.ok()) return 0;
      absl::StatusOr<ByteVec> back = beam::wire::SnappyFrameDecode(beam::wire::SnappyFrameEncode(*plain));
      BEAM_FUZZ_CHECK(back.ok() && *back == *plain, "frame encode then decode changed the payload");
      break;
    }
    case 2: {  // our own compressors on arbitrary data
      absl::StatusOr<ByteVec> packed = beam::wire::SnappyCompress(in);
      if (packed.ok()) {
        absl::StatusOr<ByteVec> back = beam::wire::SnappyDecompress(*packed);
        BEAM_FUZZ_CHECK(back.ok() && Same(*back, in), "our block does not decode to its input");
      }
      absl::StatusOr<ByteVec> framed = beam::wire::SnappyFrameDecode(beam::wire::SnappyFrameEncode(in));
      BEAM_FUZZ_CHECK(framed.ok() && Same(*framed, in), "our frames do not decode to their input");
      break;
    }
  }
  return 0;
}
