// beam_node_peer_*, beam_node_on_request and beam_node_on_response_*: peers and
// req/resp, translated to node::Node (its PeerSync holds the sync logic).

#include <string>

#include "capi_internal.h"
#include "node_internal.h"

using namespace beam;

extern "C" {

BEAM_EXPORT beam_status beam_node_peer_connected(beam_node* node, const char* peer_id) {
  return capi::Guard([&]() -> beam_status {
    if (beam_status s = capi::NodeArg(node, "beam_node_peer_connected"); s != BEAM_OK) return s;
    if (peer_id == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_peer_connected: peer_id is NULL");
    node->node->OnPeerConnected(peer_id);
    return capi::Ok();
  });
}

BEAM_EXPORT beam_status beam_node_peer_disconnected(beam_node* node, const char* peer_id) {
  return capi::Guard([&]() -> beam_status {
    if (beam_status s = capi::NodeArg(node, "beam_node_peer_disconnected"); s != BEAM_OK) return s;
    if (peer_id == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_peer_disconnected: peer_id is NULL");
    return capi::FailIn("beam_node_peer_disconnected", node->node->OnPeerDisconnected(peer_id));
  });
}

BEAM_EXPORT beam_status beam_node_on_request(beam_node* node, const char* peer_id, beam_req_protocol protocol,
                                             const uint8_t* ssz, size_t len, uint64_t request_id) {
  return capi::Guard([&]() -> beam_status {
    if (beam_status s = capi::NodeArg(node, "beam_node_on_request"); s != BEAM_OK) return s;
    absl::StatusOr<ssz::ByteView> bytes = capi::BytesArg(ssz, len, "request");
    if (!bytes.ok()) return capi::FailIn("beam_node_on_request", bytes.status());
    const node::ReqProtocol p = static_cast<node::ReqProtocol>(capi::RawEnum(protocol));  // unknown ones answered there
    return capi::FailIn("beam_node_on_request",
                        node->node->OnRequest(peer_id != nullptr ? peer_id : "", p, *bytes, request_id));
  });
}

BEAM_EXPORT beam_status beam_node_on_response_chunk(beam_node* node, uint64_t request_id, const uint8_t* ssz,
                                                    size_t len) {
  return capi::Guard([&]() -> beam_status {
    if (beam_status s = capi::NodeArg(node, "beam_node_on_response_chunk"); s != BEAM_OK) return s;
    absl::StatusOr<ssz::ByteView> bytes = capi::BytesArg(ssz, len, "response chunk");
    if (!bytes.ok()) return capi::FailIn("beam_node_on_response_chunk", bytes.status());
    return capi::FailIn("beam_node_on_response_chunk", node->node->OnResponseChunk(request_id, *bytes));
  });
}

BEAM_EXPORT beam_status beam_node_on_response_end(beam_node* node, uint64_t request_id, int32_t result) {
  return capi::Guard([&]() -> beam_status {
    if (beam_status s = capi::NodeArg(node, "beam_node_on_response_end"); s != BEAM_OK) return s;
    return capi::FailIn("beam_node_on_response_end",
                        node->node->OnResponseEnd(request_id, static_cast<node::ResponseCode>(result)));
  });
}

}  // extern "C"
