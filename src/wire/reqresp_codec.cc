#include "wire/reqresp_codec.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "wire/decode_error.h"
#include "wire/snappy_frame.h"
#include "wire/utf8.h"
#include "wire/varint.h"

namespace beam::wire {
namespace {

bool IsKnownCode(ResponseCode code) { return static_cast<uint8_t>(code) <= 3; }

// _encode_framed: [varint length][snappy frame].
absl::StatusOr<ssz::ByteVec> EncodeFramed(ssz::ByteVec out, ssz::ByteView payload) {
  if (payload.size() > kMaxPayloadSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("payload too large: ", payload.size(), " > MAX_PAYLOAD_SIZE ", kMaxPayloadSize));
  }
  AppendVarint(payload.size(), out);
  AppendSnappyFrame(payload, out);
  return out;
}

// _decode_framed over data[offset..]: everything after the varint is one frame.
absl::StatusOr<ssz::ByteVec> DecodeFramed(ssz::ByteView data, size_t offset, absl::string_view kind) {
  absl::StatusOr<DecodedVarint> declared = DecodeVarint(data.subspan(offset));
  if (!declared.ok()) {
    return DecodeError(absl::StrCat("invalid ", kind, " length"), declared.status());
  }
  if (declared->value > kMaxPayloadSize) {
    return DecodeError(
        absl::StrCat("declared length too large: ", declared->value, " > MAX_PAYLOAD_SIZE ", kMaxPayloadSize));
  }
  const size_t length = static_cast<size_t>(declared->value);
  // The declared length bounds the output: a frame producing more is rejected as soon
  // as a chunk would pass it (the spec finds the same mismatch after decompressing).
  absl::StatusOr<ssz::ByteVec> payload = SnappyFrameDecode(data.subspan(offset + declared->length), length);
  if (!payload.ok()) {
    return DecodeError("decompression failed", payload.status());
  }
  if (payload->size() != length) {
    return DecodeError(absl::StrCat("length mismatch: declared ", length, ", got ", payload->size()));
  }
  return payload;
}

}  // namespace

ResponseCode ResponseCodeFromByte(uint8_t byte) {
  if (byte <= 3) return static_cast<ResponseCode>(byte);
  return byte <= 127 ? ResponseCode::kServerError : ResponseCode::kInvalidRequest;
}

absl::StatusOr<ssz::ByteVec> EncodeRequest(ssz::ByteView ssz) { return EncodeFramed({}, ssz); }

absl::StatusOr<ssz::ByteVec> DecodeRequest(ssz::ByteView data) {
  if (data.empty()) return DecodeError("empty request");
  return DecodeFramed(data, 0, "request");
}

absl::StatusOr<ssz::ByteVec> EncodeResponseChunk(ResponseCode code, ssz::ByteView payload) {
  if (!IsKnownCode(code)) {
    return absl::InvalidArgumentError(absl::StrCat("unknown response code ", static_cast<int>(code)));
  }
  return EncodeFramed({static_cast<uint8_t>(code)}, payload);
}

absl::StatusOr<ssz::ByteVec> EncodeErrorChunk(ResponseCode code, absl::string_view message) {
  if (code == ResponseCode::kSuccess || !IsKnownCode(code)) {
    return absl::InvalidArgumentError(absl::StrCat("not an error response code: ", static_cast<int>(code)));
  }
  if (!IsValidUtf8(message)) return absl::InvalidArgumentError("error message is not valid UTF-8");
  const size_t n = Utf8PrefixLength(message, kMaxErrorMessageSize);
  return EncodeResponseChunk(code, ssz::ByteView(reinterpret_cast<const uint8_t*>(message.data()), n));
}

absl::StatusOr<ResponseChunk> DecodeResponse(ssz::ByteView data) {
  if (data.empty()) return DecodeError("empty response");
  if (data.size() < 2) return DecodeError("response too short");
  ResponseChunk chunk;
  chunk.code = ResponseCodeFromByte(data[0]);
  absl::StatusOr<ssz::ByteVec> payload = DecodeFramed(data, 1, "response");
  if (!payload.ok()) return payload.status();
  chunk.payload = std::move(*payload);
  return chunk;
}

absl::StatusOr<ReadResponse> ReadResponseChunk(ssz::ByteView data) {
  if (data.empty()) return absl::OutOfRangeError("incomplete response chunk: no code byte yet");
  ReadResponse read;
  read.chunk.code = ResponseCodeFromByte(data[0]);
  absl::StatusOr<DecodedVarint> declared = DecodeVarintPrefix(data.subspan(1));
  if (!declared.ok()) {
    if (declared.status().code() == absl::StatusCode::kOutOfRange) {
      return absl::OutOfRangeError("incomplete response chunk: truncated length varint");
    }
    return DecodeError("invalid response length", declared.status());
  }
  if (declared->value > kMaxPayloadSize) {
    return DecodeError(
        absl::StrCat("declared length too large: ", declared->value, " > MAX_PAYLOAD_SIZE ", kMaxPayloadSize));
  }
  const size_t frame_start = 1 + declared->length;
  absl::StatusOr<size_t> frame_size =
      DecodeSnappyFramePrefix(data.subspan(frame_start), static_cast<size_t>(declared->value), read.chunk.payload);
  if (!frame_size.ok()) {
    if (frame_size.status().code() == absl::StatusCode::kOutOfRange) return frame_size.status();
    return DecodeError("decompression failed", frame_size.status());
  }
  read.consumed = frame_start + *frame_size;
  return read;
}

}  // namespace beam::wire
