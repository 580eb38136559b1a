// The req/resp codec on what a peer sends: a whole request, a whole response chunk, and
// a response stream walked chunk by chunk (ReadResponseChunk), as the host feeds it.
// Properties: nothing crashes or over-reads; a decoded request or chunk re-encodes and
// decodes to the same payload; the walker consumes a positive amount within the input
// and agrees with DecodeResponse on each complete chunk.

#include <cstddef>
#include <cstdint>

#include "tests/fuzz/fuzz_check.h"
#include "wire/reqresp_codec.h"

namespace {

using beam::ssz::ByteVec;
using beam::ssz::ByteView;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ByteView in(data, size);

  absl::StatusOr<ByteVec> request = beam::wire::DecodeRequest(in);
  if (request.ok()) {
    absl::StatusOr<ByteVec> encoded = beam::wire::EncodeRequest(*request);
    BEAM_FUZZ_CHECK(encoded.ok(), "a decoded request does not encode");
    absl::StatusOr<ByteVec> again = beam::wire::DecodeRequest(*encoded);
    BEAM_FUZZ_CHECK(again.ok() && *again == *request, "request encode then decode changed it");
  }

  absl::StatusOr<beam::wire::ResponseChunk> chunk = beam::wire::DecodeResponse(in);
  if (chunk.ok() && chunk->code == beam::wire::ResponseCode::kSuccess) {
    absl::StatusOr<ByteVec> encoded = beam::wire::EncodeResponseChunk(chunk->code, chunk->payload);
    BEAM_FUZZ_CHECK(encoded.ok(), "a decoded chunk does not encode");
    absl::StatusOr<beam::wire::ResponseChunk> again = beam::wire::DecodeResponse(*encoded);
    BEAM_FUZZ_CHECK(again.ok() && again->payload == chunk->payload, "chunk encode then decode changed it");
  }

  // The stream walker: chunk after chunk until the bytes end or are refused.
  size_t offset = 0;
  while (offset < size) {
    absl::StatusOr<beam::wire::ReadResponse> read = beam::wire::ReadResponseChunk(in.subspan(offset));
    if (!read.ok()) break;
    BEAM_FUZZ_CHECK(read->consumed > 0 && read->consumed <= size - offset, "the walker consumed nothing or too much");
    absl::StatusOr<beam::wire::ResponseChunk> whole = beam::wire::DecodeResponse(in.subspan(offset, read->consumed));
    BEAM_FUZZ_CHECK(whole.ok() && whole->code == read->chunk.code && whole->payload == read->chunk.payload,
                    "the walker and DecodeResponse disagree on a chunk");
    offset += read->consumed;
  }
  return 0;
}
