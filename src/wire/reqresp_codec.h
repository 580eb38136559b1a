// The req/resp wire format (leanSpec node/networking/reqresp/codec.py):
//
//   request:        [varint uncompressed length][snappy frame of the SSZ payload]
//   response chunk: [code byte][varint uncompressed length][snappy frame]
//
// A response is a stream of chunks laid back to back; a SUCCESS chunk carries SSZ, an
// error chunk (INVALID_REQUEST, SERVER_ERROR, RESOURCE_UNAVAILABLE) a UTF-8 message
// that the sender cuts to MAX_ERROR_MESSAGE_SIZE bytes. Payloads are at most
// MAX_PAYLOAD_SIZE (10 MiB) uncompressed; decoders reject a larger declared length
// before decompressing anything.
//
// Thread-safe: pure functions.

#ifndef BEAMCORE_WIRE_REQRESP_CODEC_H_
#define BEAMCORE_WIRE_REQRESP_CODEC_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ssz/bytes.h"
#include "wire/config.h"

namespace beam::wire {

// ResponseCode. The values are the wire bytes.
enum class ResponseCode : uint8_t {
  kSuccess = 0,
  kInvalidRequest = 1,
  kServerError = 2,
  kResourceUnavailable = 3,
};

// How ResponseCode.decode reads a code byte: 0..3 as themselves, the reserved 4..127
// as SERVER_ERROR, 128..255 as INVALID_REQUEST.
ResponseCode ResponseCodeFromByte(uint8_t byte);

// encode_request. InvalidArgument if `ssz` is longer than MAX_PAYLOAD_SIZE.
absl::StatusOr<ssz::ByteVec> EncodeRequest(ssz::ByteView ssz);

// decode_request: all of `data` is one request. DECODE_ERROR rejections: empty input;
// a malformed length varint; a declared length above MAX_PAYLOAD_SIZE; a malformed
// snappy frame (snappy_frame.h); decompressed data longer or shorter than declared.
absl::StatusOr<ssz::ByteVec> DecodeRequest(ssz::ByteView data);

struct ResponseChunk {
  ResponseCode code = ResponseCode::kSuccess;
  ssz::ByteVec payload;  // SSZ for SUCCESS, the error message's bytes otherwise
};

// ResponseCode.encode: one chunk. InvalidArgument if `code` is not one of the four
// codes or `payload` is longer than MAX_PAYLOAD_SIZE. The payload is sent as given
// (use EncodeErrorChunk for error text).
absl::StatusOr<ssz::ByteVec> EncodeResponseChunk(ResponseCode code, ssz::ByteView payload);

// An error chunk as the spec's handler sends it (send_error): `message` must be valid
// UTF-8 and is cut to at most MAX_ERROR_MESSAGE_SIZE bytes. The cut never splits a
// character (the spec slices bytes, which can; for ASCII and any text already short
// enough the bytes are the same). InvalidArgument if `code` is SUCCESS or unknown, or
// `message` is not valid UTF-8.
absl::StatusOr<ssz::ByteVec> EncodeErrorChunk(ResponseCode code, absl::string_view message);

// ResponseCode.decode: all of `data` is one chunk. DECODE_ERROR rejections: fewer than
// two bytes, then as DecodeRequest. Unknown code bytes map as ResponseCodeFromByte.
// Error payloads are returned as sent: the spec checks neither their UTF-8 nor their
// size beyond MAX_PAYLOAD_SIZE.
absl::StatusOr<ResponseChunk> DecodeResponse(ssz::ByteView data);

struct ReadResponse {
  ResponseChunk chunk;
  size_t consumed = 0;  // bytes of `data` the chunk took; the next chunk starts there
};

// For walking a response stream: the chunk at the start of `data`, whose snappy frame
// ends with the chunk that completes its declared length (later bytes belong to the
// next chunk). absl::OutOfRange when `data` is a proper prefix of a chunk (wait for
// more bytes; if the stream has ended, the response is truncated); DECODE_ERROR as
// DecodeResponse, and for a frame chunk that would pass the declared length.
absl::StatusOr<ReadResponse> ReadResponseChunk(ssz::ByteView data);

}  // namespace beam::wire

#endif  // BEAMCORE_WIRE_REQRESP_CODEC_H_
