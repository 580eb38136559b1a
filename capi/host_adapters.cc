#include "host_adapters.h"

#include <algorithm>
#include <cstring>

#include "capi_internal.h"
#include "struct_versions.h"

namespace beam::capi {
namespace {

static_assert(static_cast<int>(node::GossipTopic::kBlock) == BEAM_TOPIC_BLOCK);
static_assert(static_cast<int>(node::GossipTopic::kAttestation) == BEAM_TOPIC_ATTESTATION);
static_assert(static_cast<int>(node::GossipTopic::kAggregate) == BEAM_TOPIC_AGGREGATE);
static_assert(static_cast<int>(node::ReqProtocol::kStatus) == BEAM_REQ_STATUS);
static_assert(static_cast<int>(node::ReqProtocol::kBlocksByRoot) == BEAM_REQ_BLOCKS_BY_ROOT);
static_assert(static_cast<int>(node::ReqProtocol::kBlocksByRange) == BEAM_REQ_BLOCKS_BY_RANGE);
static_assert(static_cast<int32_t>(node::ResponseCode::kSuccess) == BEAM_RESP_SUCCESS);
static_assert(static_cast<int32_t>(node::ResponseCode::kInvalidRequest) == BEAM_RESP_INVALID_REQUEST);
static_assert(static_cast<int32_t>(node::ResponseCode::kServerError) == BEAM_RESP_SERVER_ERROR);
static_assert(static_cast<int32_t>(node::ResponseCode::kResourceUnavailable) == BEAM_RESP_RESOURCE_UNAVAILABLE);
static_assert(static_cast<int>(node::PeerAction::kFatal) == BEAM_PEER_FATAL);
static_assert(static_cast<int>(node::PeerAction::kLowTolerance) == BEAM_PEER_LOW_TOLERANCE);
static_assert(static_cast<int>(node::PeerAction::kMidTolerance) == BEAM_PEER_MID_TOLERANCE);
static_assert(static_cast<int>(node::PeerAction::kHighTolerance) == BEAM_PEER_HIGH_TOLERANCE);
static_assert(static_cast<int>(node::LogLevel::kError) == BEAM_LOG_ERROR);
static_assert(static_cast<int>(node::LogLevel::kDebug) == BEAM_LOG_DEBUG);

}  // namespace

HostNetwork::HostNetwork(const beam_network_vtable& vtable) : v_(ReadStruct(vtable)) {}

void HostNetwork::PublishGossip(node::GossipTopic topic, ssz::ByteView ssz) {
  if (v_.publish_gossip != nullptr) {
    v_.publish_gossip(static_cast<beam_topic_kind>(topic), ssz.data(), ssz.size(), v_.user_data);
  }
}

void HostNetwork::SendRequest(const std::string& peer, node::ReqProtocol protocol, ssz::ByteView ssz,
                              uint64_t request_id) {
  if (v_.send_request != nullptr) {
    v_.send_request(peer.c_str(), static_cast<beam_req_protocol>(protocol), ssz.data(), ssz.size(), request_id,
                    v_.user_data);
  }
}

void HostNetwork::SendResponseChunk(uint64_t request_id, ssz::ByteView ssz) {
  if (v_.send_response_chunk != nullptr) v_.send_response_chunk(request_id, ssz.data(), ssz.size(), v_.user_data);
}

void HostNetwork::SendResponseEnd(uint64_t request_id, node::ResponseCode code) {
  if (v_.send_response_end != nullptr) v_.send_response_end(request_id, static_cast<int32_t>(code), v_.user_data);
}

void HostNetwork::ReportPeer(const std::string& peer, node::PeerAction action, const std::string& reason) {
  if (v_.report_peer != nullptr) {
    v_.report_peer(peer.c_str(), static_cast<beam_peer_action>(action), reason.c_str(), v_.user_data);
  }
}

void HostNetwork::RequestBlockElsewhere(const ssz::Root& root) {
  if (v_.request_block != nullptr) v_.request_block(root.data(), v_.user_data);
}

HostLog::HostLog(const beam_log_sink& sink)
    : s_(ReadStruct(sink)),
      max_level_(sink.log != nullptr ? static_cast<node::LogLevel>(RawEnum(sink.max_level)) : node::LogLevel{0}) {}

void HostLog::Write(node::LogLevel level, const std::string& line) {
  if (s_.log != nullptr) s_.log(static_cast<beam_log_level>(level), line.c_str(), s_.user_data);
}

HostClock::HostClock(const beam_clock_vtable& clock) : c_(ReadStruct(clock)) {}

}  // namespace beam::capi
