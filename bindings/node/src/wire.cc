// exports.wire: leanSpec's networking encodings (wire.h), so a JS libp2p host frames
// every byte through the library instead of re-implementing snappy and the codecs.

#include "beamcore/wire.h"

#include "exports.h"

namespace beamnode {
namespace {

using BufferFn = beam_status (*)(const uint8_t*, size_t, beam_buffer*);

// f(data) -> Buffer for the one-input, one-buffer wire functions.
template <BufferFn Fn>
napi_value BytesToBuffer(napi_env env, napi_callback_info info, const char* function) {
  napi_value argv[1];
  Bytes in;
  if (!Args(env, info, 1, argv) || !GetBytes(env, argv[0], "data", &in)) return nullptr;
  beam_buffer out{nullptr, 0};
  const beam_status s = Fn(in.data, in.len, &out);
  if (s != BEAM_OK) return ThrowBeam(env, function, s), nullptr;
  return TakeBuffer(env, &out);
}

#define BEAM_BYTES_FN(js_name, c_fn) \
  napi_value js_name(napi_env env, napi_callback_info info) { return BytesToBuffer<c_fn>(env, info, #c_fn); }
BEAM_BYTES_FN(SnappyCompress, beam_wire_snappy_compress)
BEAM_BYTES_FN(SnappyDecompress, beam_wire_snappy_decompress)
BEAM_BYTES_FN(SnappyFrameEncode, beam_wire_snappy_frame_encode)
BEAM_BYTES_FN(SnappyFrameDecode, beam_wire_snappy_frame_decode)
BEAM_BYTES_FN(RequestEncode, beam_wire_request_encode)
BEAM_BYTES_FN(RequestDecode, beam_wire_request_decode)
#undef BEAM_BYTES_FN

napi_value VarintEncode(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  uint64_t value = 0;
  if (!Args(env, info, 1, argv) || !GetU64(env, argv[0], "value", &value)) return nullptr;
  uint8_t out[BEAM_WIRE_VARINT_MAX_LEN];
  size_t len = 0;
  const beam_status s = beam_wire_varint_encode(value, out, &len);
  if (s != BEAM_OK) return ThrowBeam(env, "beam_wire_varint_encode", s), nullptr;
  return CopyBuffer(env, out, len);
}

// varintDecode(data) -> {value: BigInt, consumed}
napi_value VarintDecode(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  Bytes in;
  if (!Args(env, info, 1, argv) || !GetBytes(env, argv[0], "data", &in)) return nullptr;
  uint64_t value = 0;
  size_t consumed = 0;
  const beam_status s = beam_wire_varint_decode(in.data, in.len, &value, &consumed);
  if (s != BEAM_OK) return ThrowBeam(env, "beam_wire_varint_decode", s), nullptr;
  napi_value result = Object(env);
  if (result == nullptr || !Set(env, result, "value", BigU64(env, value)) ||
      !Set(env, result, "consumed", Int(env, static_cast<int64_t>(consumed)))) {
    return nullptr;
  }
  return result;
}

napi_value ResponseChunkEncode(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t code = 0;
  Bytes payload;
  if (!Args(env, info, 2, argv) || !GetI32(env, argv[0], "code", &code) || !GetBytes(env, argv[1], "payload", &payload)) {
    return nullptr;
  }
  beam_buffer out{nullptr, 0};
  const beam_status s = beam_wire_response_chunk_encode(code, payload.data, payload.len, &out);
  if (s != BEAM_OK) return ThrowBeam(env, "beam_wire_response_chunk_encode", s), nullptr;
  return TakeBuffer(env, &out);
}

napi_value ResponseErrorEncode(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t code = 0;
  std::string message;
  if (!Args(env, info, 2, argv) || !GetI32(env, argv[0], "code", &code) || !GetString(env, argv[1], "message", &message)) {
    return nullptr;
  }
  beam_buffer out{nullptr, 0};
  const beam_status s = beam_wire_response_error_encode(code, message.c_str(), &out);
  if (s != BEAM_OK) return ThrowBeam(env, "beam_wire_response_error_encode", s), nullptr;
  return TakeBuffer(env, &out);
}

// responseChunkDecode(data) -> null when `data` is only the start of a chunk, else
// {code, payload: Buffer, consumed}.
napi_value ResponseChunkDecode(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  Bytes in;
  if (!Args(env, info, 1, argv) || !GetBytes(env, argv[0], "data", &in)) return nullptr;
  int32_t code = 0;
  beam_buffer payload{nullptr, 0};
  size_t consumed = 0;
  const beam_status s = beam_wire_response_chunk_decode(in.data, in.len, &code, &payload, &consumed);
  if (s == BEAM_ERR_UNAVAILABLE) return Null(env);
  if (s != BEAM_OK) return ThrowBeam(env, "beam_wire_response_chunk_decode", s), nullptr;
  napi_value result = Object(env);
  if (result == nullptr || !Set(env, result, "code", Int(env, code)) || !Set(env, result, "payload", TakeBuffer(env, &payload)) ||
      !Set(env, result, "consumed", Int(env, static_cast<int64_t>(consumed)))) {
    beam_buffer_free(&payload);
    return nullptr;
  }
  return result;
}

napi_value GossipTopic(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  std::string name;
  int32_t kind = 0;
  uint64_t subnet = 0;
  if (!Args(env, info, 3, argv) || !GetString(env, argv[0], "networkName", &name) ||
      !GetI32(env, argv[1], "kind", &kind) || !GetU64(env, argv[2], "subnet", &subnet)) {
    return nullptr;
  }
  beam_buffer out{nullptr, 0};
  const beam_status s = beam_wire_gossip_topic(name.c_str(), static_cast<beam_topic_kind>(kind), subnet, &out);
  if (s != BEAM_OK) return ThrowBeam(env, "beam_wire_gossip_topic", s), nullptr;
  napi_value result = String(env, reinterpret_cast<const char*>(out.data));
  beam_buffer_free(&out);
  return result;
}

napi_value GossipMessageId(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  std::string topic;
  Bytes data;
  if (!Args(env, info, 2, argv) || !GetString(env, argv[0], "topic", &topic) || !GetBytes(env, argv[1], "data", &data)) {
    return nullptr;
  }
  uint8_t id[BEAM_WIRE_MESSAGE_ID_LEN];
  const beam_status s = beam_wire_gossip_message_id(topic.c_str(), data.data, data.len, id, nullptr);
  if (s != BEAM_OK) return ThrowBeam(env, "beam_wire_gossip_message_id", s), nullptr;
  return CopyBuffer(env, id, sizeof id);
}

}  // namespace

bool RegisterWire(napi_env env, napi_value exports) {
  napi_value wire = Object(env);
  return wire != nullptr && AddFunction(env, wire, "snappyCompress", SnappyCompress) &&
         AddFunction(env, wire, "snappyDecompress", SnappyDecompress) &&
         AddFunction(env, wire, "snappyFrameEncode", SnappyFrameEncode) &&
         AddFunction(env, wire, "snappyFrameDecode", SnappyFrameDecode) &&
         AddFunction(env, wire, "varintEncode", VarintEncode) && AddFunction(env, wire, "varintDecode", VarintDecode) &&
         AddFunction(env, wire, "requestEncode", RequestEncode) && AddFunction(env, wire, "requestDecode", RequestDecode) &&
         AddFunction(env, wire, "responseChunkEncode", ResponseChunkEncode) &&
         AddFunction(env, wire, "responseErrorEncode", ResponseErrorEncode) &&
         AddFunction(env, wire, "responseChunkDecode", ResponseChunkDecode) &&
         AddFunction(env, wire, "gossipTopic", GossipTopic) && AddFunction(env, wire, "gossipMessageId", GossipMessageId) &&
         AddInt(env, wire, "MAX_PAYLOAD_SIZE", BEAM_WIRE_MAX_PAYLOAD_SIZE) &&
         AddInt(env, wire, "MAX_ERROR_MESSAGE_SIZE", BEAM_WIRE_MAX_ERROR_MESSAGE_SIZE) &&
         AddInt(env, wire, "TOPIC_BLOCK", BEAM_TOPIC_BLOCK) && AddInt(env, wire, "TOPIC_ATTESTATION", BEAM_TOPIC_ATTESTATION) &&
         AddInt(env, wire, "TOPIC_AGGREGATE", BEAM_TOPIC_AGGREGATE) && AddInt(env, wire, "REQ_STATUS", BEAM_REQ_STATUS) &&
         AddInt(env, wire, "REQ_BLOCKS_BY_ROOT", BEAM_REQ_BLOCKS_BY_ROOT) &&
         AddInt(env, wire, "REQ_BLOCKS_BY_RANGE", BEAM_REQ_BLOCKS_BY_RANGE) &&
         AddInt(env, wire, "RESP_SUCCESS", BEAM_RESP_SUCCESS) &&
         AddInt(env, wire, "RESP_INVALID_REQUEST", BEAM_RESP_INVALID_REQUEST) &&
         AddInt(env, wire, "RESP_SERVER_ERROR", BEAM_RESP_SERVER_ERROR) &&
         AddInt(env, wire, "RESP_RESOURCE_UNAVAILABLE", BEAM_RESP_RESOURCE_UNAVAILABLE) && Set(env, exports, "wire", wire);
}

}  // namespace beamnode
