// beam_wire_*: the wire codecs of include/beamcore/wire.h over src/wire/.

#include <cstring>
#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "beamcore/wire.h"
#include "capi_internal.h"
#include "wire/config.h"
#include "wire/gossip_message_id.h"
#include "wire/gossip_topic.h"
#include "wire/reqresp_codec.h"
#include "wire/snappy.h"
#include "wire/snappy_frame.h"
#include "wire/varint.h"

namespace beam::capi {
namespace {

static_assert(BEAM_WIRE_MAX_PAYLOAD_SIZE == wire::kMaxPayloadSize);
static_assert(BEAM_WIRE_MAX_ERROR_MESSAGE_SIZE == wire::kMaxErrorMessageSize);
static_assert(BEAM_WIRE_VARINT_MAX_LEN == wire::kMaxVarintBytes);
static_assert(BEAM_WIRE_MESSAGE_ID_LEN == wire::kMessageIdSize);
static_assert(BEAM_RESP_SUCCESS == static_cast<int>(wire::ResponseCode::kSuccess));
static_assert(BEAM_RESP_INVALID_REQUEST == static_cast<int>(wire::ResponseCode::kInvalidRequest));
static_assert(BEAM_RESP_SERVER_ERROR == static_cast<int>(wire::ResponseCode::kServerError));
static_assert(BEAM_RESP_RESOURCE_UNAVAILABLE == static_cast<int>(wire::ResponseCode::kResourceUnavailable));

beam_status Invalid(const char* fn, const char* what) {
  return Fail(BEAM_ERR_INVALID_ARGUMENT, std::string(fn) + ": " + what);
}

beam_status BufferOf(absl::string_view bytes, beam_buffer* out) {
  return ToBuffer(ssz::ByteVec(bytes.begin(), bytes.end()), out);
}

// The shape of most codec entry points: bytes in, bytes out through `transform`. The
// output is {NULL, 0} on every failure; errors carry the function's name.
template <class Transform>
beam_status BytesToBuffer(const char* fn, const uint8_t* data, size_t len, beam_buffer* out, Transform transform) {
  return Guard([&]() -> beam_status {
    ResetBuffer(out);
    absl::StatusOr<ssz::ByteView> input = BytesArg(data, len, "input");
    if (!input.ok()) return FailIn(fn, input.status());
    if (out == nullptr) return Invalid(fn, "NULL output");
    absl::StatusOr<ssz::ByteVec> result = transform(*input);
    if (!result.ok()) return FailIn(fn, result.status());
    return ToBuffer(*result, out);
  });
}

}  // namespace
}  // namespace beam::capi

extern "C" {

BEAM_EXPORT beam_status beam_wire_varint_encode(uint64_t value, uint8_t out[BEAM_WIRE_VARINT_MAX_LEN],
                                                size_t* out_len) {
  using namespace beam;
  return capi::Guard([&]() -> beam_status {
    if (out == nullptr || out_len == nullptr) return capi::Invalid("beam_wire_varint_encode", "NULL output");
    const ssz::ByteVec encoded = wire::EncodeVarint(value);
    std::memcpy(out, encoded.data(), encoded.size());
    *out_len = encoded.size();
    return capi::Ok();
  });
}

BEAM_EXPORT beam_status beam_wire_varint_decode(const uint8_t* data, size_t len, uint64_t* value, size_t* consumed) {
  using namespace beam;
  return capi::Guard([&]() -> beam_status {
    constexpr const char* kFn = "beam_wire_varint_decode";
    absl::StatusOr<ssz::ByteView> input = capi::BytesArg(data, len, "input");
    if (!input.ok()) return capi::FailIn(kFn, input.status());
    if (value == nullptr || consumed == nullptr) return capi::Invalid(kFn, "NULL output");
    absl::StatusOr<wire::DecodedVarint> v = wire::DecodeVarint(*input);
    if (!v.ok()) return capi::FailIn(kFn, v.status());
    *value = v->value;
    *consumed = v->length;
    return capi::Ok();
  });
}

BEAM_EXPORT beam_status beam_wire_snappy_compress(const uint8_t* data, size_t len, beam_buffer* out) {
  return beam::capi::BytesToBuffer("beam_wire_snappy_compress", data, len, out, beam::wire::SnappyCompress);
}

BEAM_EXPORT beam_status beam_wire_snappy_decompress(const uint8_t* data, size_t len, beam_buffer* out) {
  return beam::capi::BytesToBuffer("beam_wire_snappy_decompress", data, len, out, [](beam::ssz::ByteView in) {
    return beam::wire::SnappyDecompress(in, beam::wire::kMaxPayloadSize);
  });
}

BEAM_EXPORT beam_status beam_wire_snappy_frame_encode(const uint8_t* data, size_t len, beam_buffer* out) {
  return beam::capi::BytesToBuffer("beam_wire_snappy_frame_encode", data, len, out, [](beam::ssz::ByteView in) {
    return absl::StatusOr<beam::ssz::ByteVec>(beam::wire::SnappyFrameEncode(in));
  });
}

BEAM_EXPORT beam_status beam_wire_snappy_frame_decode(const uint8_t* data, size_t len, beam_buffer* out) {
  return beam::capi::BytesToBuffer("beam_wire_snappy_frame_decode", data, len, out, [](beam::ssz::ByteView in) {
    return beam::wire::SnappyFrameDecode(in, beam::wire::kMaxPayloadSize);
  });
}

BEAM_EXPORT beam_status beam_wire_request_encode(const uint8_t* ssz, size_t len, beam_buffer* out) {
  return beam::capi::BytesToBuffer("beam_wire_request_encode", ssz, len, out, beam::wire::EncodeRequest);
}

BEAM_EXPORT beam_status beam_wire_request_decode(const uint8_t* data, size_t len, beam_buffer* ssz_out) {
  return beam::capi::BytesToBuffer("beam_wire_request_decode", data, len, ssz_out, beam::wire::DecodeRequest);
}

BEAM_EXPORT beam_status beam_wire_response_chunk_encode(int32_t code, const uint8_t* payload, size_t len,
                                                        beam_buffer* out) {
  using namespace beam;
  return capi::Guard([&]() -> beam_status {
    constexpr const char* kFn = "beam_wire_response_chunk_encode";
    capi::ResetBuffer(out);
    absl::StatusOr<ssz::ByteView> input = capi::BytesArg(payload, len, "payload");
    if (!input.ok()) return capi::FailIn(kFn, input.status());
    if (out == nullptr) return capi::Invalid(kFn, "NULL output");
    if (code < BEAM_RESP_SUCCESS || code > BEAM_RESP_RESOURCE_UNAVAILABLE) {
      return capi::Fail(BEAM_ERR_INVALID_ARGUMENT,
                        std::string(kFn) + ": unknown response code " + std::to_string(code));
    }
    absl::StatusOr<ssz::ByteVec> encoded =
        wire::EncodeResponseChunk(static_cast<wire::ResponseCode>(code), *input);
    if (!encoded.ok()) return capi::FailIn(kFn, encoded.status());
    return capi::ToBuffer(*encoded, out);
  });
}

BEAM_EXPORT beam_status beam_wire_response_error_encode(int32_t code, const char* message, beam_buffer* out) {
  using namespace beam;
  return capi::Guard([&]() -> beam_status {
    constexpr const char* kFn = "beam_wire_response_error_encode";
    capi::ResetBuffer(out);
    if (message == nullptr) return capi::Invalid(kFn, "NULL message");
    if (out == nullptr) return capi::Invalid(kFn, "NULL output");
    if (code < BEAM_RESP_INVALID_REQUEST || code > BEAM_RESP_RESOURCE_UNAVAILABLE) {
      return capi::Fail(BEAM_ERR_INVALID_ARGUMENT,
                        std::string(kFn) + ": not an error response code: " + std::to_string(code));
    }
    absl::StatusOr<ssz::ByteVec> encoded = wire::EncodeErrorChunk(static_cast<wire::ResponseCode>(code), message);
    if (!encoded.ok()) return capi::FailIn(kFn, encoded.status());
    return capi::ToBuffer(*encoded, out);
  });
}

BEAM_EXPORT beam_status beam_wire_response_chunk_decode(const uint8_t* data, size_t len, int32_t* code,
                                                        beam_buffer* payload, size_t* consumed) {
  using namespace beam;
  return capi::Guard([&]() -> beam_status {
    constexpr const char* kFn = "beam_wire_response_chunk_decode";
    capi::ResetBuffer(payload);
    absl::StatusOr<ssz::ByteView> input = capi::BytesArg(data, len, "input");
    if (!input.ok()) return capi::FailIn(kFn, input.status());
    if (code == nullptr || payload == nullptr || consumed == nullptr) return capi::Invalid(kFn, "NULL output");
    absl::StatusOr<wire::ReadResponse> read = wire::ReadResponseChunk(*input);
    if (!read.ok()) {
      if (read.status().code() == absl::StatusCode::kOutOfRange) {
        return capi::Fail(BEAM_ERR_UNAVAILABLE, std::string(kFn) + ": " + std::string(read.status().message()));
      }
      return capi::FailIn(kFn, read.status());
    }
    if (beam_status s = capi::ToBuffer(read->chunk.payload, payload); s != BEAM_OK) return s;
    *code = static_cast<int32_t>(read->chunk.code);
    *consumed = read->consumed;
    return capi::Ok();
  });
}

BEAM_EXPORT beam_status beam_wire_gossip_topic(const char* network_name, beam_topic_kind kind, uint64_t subnet_id,
                                               beam_buffer* out) {
  using namespace beam;
  return capi::Guard([&]() -> beam_status {
    constexpr const char* kFn = "beam_wire_gossip_topic";
    capi::ResetBuffer(out);
    if (network_name == nullptr) return capi::Invalid(kFn, "NULL network name");
    if (out == nullptr) return capi::Invalid(kFn, "NULL output");
    wire::GossipTopic topic;
    topic.network_name = network_name;
    switch (capi::RawEnum(kind)) {
      case BEAM_TOPIC_BLOCK:
        topic.kind = wire::GossipTopicKind::kBlock;
        break;
      case BEAM_TOPIC_ATTESTATION:
        topic.kind = wire::GossipTopicKind::kAttestationSubnet;
        topic.subnet_id = subnet_id;
        break;
      case BEAM_TOPIC_AGGREGATE:
        topic.kind = wire::GossipTopicKind::kAggregatedAttestation;
        break;
      default:
        return capi::Fail(BEAM_ERR_INVALID_ARGUMENT,
                          std::string(kFn) + ": unknown topic kind " + std::to_string(capi::RawEnum(kind)));
    }
    absl::StatusOr<std::string> text = wire::GossipTopicString(topic);
    if (!text.ok()) return capi::FailIn(kFn, text.status());
    // NUL-terminated for C hosts; len counts the characters only.
    text->push_back('\0');
    if (beam_status s = capi::BufferOf(*text, out); s != BEAM_OK) return s;
    out->len -= 1;
    return capi::Ok();
  });
}

BEAM_EXPORT beam_status beam_wire_gossip_message_id(const char* topic, const uint8_t* data, size_t len,
                                                    uint8_t out_id[BEAM_WIRE_MESSAGE_ID_LEN], int* valid_snappy) {
  using namespace beam;
  return capi::Guard([&]() -> beam_status {
    constexpr const char* kFn = "beam_wire_gossip_message_id";
    if (topic == nullptr) return capi::Invalid(kFn, "NULL topic");
    absl::StatusOr<ssz::ByteView> input = capi::BytesArg(data, len, "data");
    if (!input.ok()) return capi::FailIn(kFn, input.status());
    if (out_id == nullptr) return capi::Invalid(kFn, "NULL output");
    absl::StatusOr<wire::GossipMessageId> id = wire::GossipMessageIdOf(topic, *input);
    if (!id.ok()) return capi::FailIn(kFn, id.status());
    std::memcpy(out_id, id->id.data(), id->id.size());
    if (valid_snappy != nullptr) *valid_snappy = id->valid_snappy ? 1 : 0;
    return capi::Ok();
  });
}

}  // extern "C"
