#include "devnet_node.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace devnet {
namespace {

// The serving node sees a request id of its own: (asker << 48) | the asker's id, so its
// answer finds the way back to the asker with the asker's id.
constexpr int kAskerShift = 48;
constexpr uint64_t kIdMask = (uint64_t{1} << kAskerShift) - 1;

}  // namespace

std::string NodeName(int index) { return "node" + std::to_string(index); }

int NodeIndex(const char* name) {
  if (name == nullptr || std::strncmp(name, "node", 4) != 0) return -1;
  return std::atoi(name + 4);
}

DevnetNode::DevnetNode(int index, SimNetwork* network, std::string data_dir, std::vector<uint64_t> validators,
                       bool aggregator, const beam_crypto_vtable* host_crypto, int log_level)
    : index_(index),
      name_(NodeName(index)),
      network_(network),
      data_dir_(std::move(data_dir)),
      validators_(std::move(validators)),
      aggregator_(aggregator),
      host_crypto_(host_crypto),
      log_level_(log_level) {}

bool DevnetNode::Start(const std::vector<uint8_t>& genesis, std::string* error) {
  beam_network_vtable net;
  std::memset(&net, 0, sizeof net);
  net.struct_size = sizeof net;
  net.publish_gossip = OnPublish;
  net.send_request = OnSendRequest;
  net.send_response_chunk = OnSendChunk;
  net.send_response_end = OnSendEnd;
  net.report_peer = OnReportPeer;
  net.user_data = this;
  beam_node_config config;
  std::memset(&config, 0, sizeof config);
  config.struct_size = sizeof config;
  config.anchor_state_ssz = genesis.data();
  config.anchor_state_len = genesis.size();
  config.validator_indices = validators_.data();
  config.validator_count = validators_.size();
  config.is_aggregator = aggregator_ ? 1 : 0;
  config.chain_worker = 1;
  config.xmss_scheme = BEAM_XMSS_TEST;
  config.proof_mode = host_crypto_ != nullptr ? BEAM_PROOFS_HOST : BEAM_PROOFS_MOCKED;
  config.crypto = host_crypto_;
  config.network = &net;
  config.range_sync_batch = 32;
  config.data_dir = data_dir_.c_str();
  beam_log_sink log;
  std::memset(&log, 0, sizeof log);
  log.struct_size = sizeof log;
  log.log = OnLog;
  log.max_level = static_cast<beam_log_level>(log_level_);
  log.user_data = this;
  if (log_level_ > 0) config.log = &log;
  if (beam_node_create(&config, &node_) != BEAM_OK) {
    *error = name_ + ": " + beam_last_error();
    node_ = nullptr;
    return false;
  }
  network_->SetConnected(index_, true);
  return true;
}

void DevnetNode::Stop() {
  if (node_ == nullptr) return;
  network_->SetConnected(index_, false);
  beam_node_destroy(node_);
  node_ = nullptr;
}

bool DevnetNode::Deliver(const Message& m, const std::string& from_name) {
  if (node_ == nullptr) return false;
  const uint8_t* data = m.bytes.empty() ? nullptr : m.bytes.data();
  switch (m.kind) {
    case MessageKind::kGossip:
      return beam_node_on_gossip(node_, static_cast<beam_topic_kind>(m.topic_or_protocol), data, m.bytes.size(),
                                 from_name.c_str()) == BEAM_OK;
    case MessageKind::kRequest:
      beam_node_on_request(node_, from_name.c_str(), static_cast<beam_req_protocol>(m.topic_or_protocol), data,
                           m.bytes.size(), (static_cast<uint64_t>(m.from) << kAskerShift) | m.request_id);
      break;
    case MessageKind::kChunk:
      beam_node_on_response_chunk(node_, m.request_id, data, m.bytes.size());
      break;
    case MessageKind::kEnd:
      beam_node_on_response_end(node_, m.request_id, m.result);
      break;
  }
  // Failures here are the network's normal life (late answers to expired requests,
  // blocks from the future): the node has already scored the peer.
  return true;
}

void DevnetNode::OnPublish(beam_topic_kind kind, const uint8_t* ssz, size_t len, void* user_data) {
  auto* self = static_cast<DevnetNode*>(user_data);
  self->network_->Publish(self->index_, static_cast<int>(kind), ssz, len);
}

void DevnetNode::OnSendRequest(const char* peer_id, beam_req_protocol protocol, const uint8_t* ssz, size_t len,
                               uint64_t request_id, void* user_data) {
  auto* self = static_cast<DevnetNode*>(user_data);
  const int p = static_cast<int>(protocol);
  if (p >= 1 && p <= 3) ++self->requests_sent_[p];
  self->network_->Send(MessageKind::kRequest, self->index_, NodeIndex(peer_id), p, request_id, 0, ssz, len);
}

void DevnetNode::OnSendChunk(uint64_t request_id, const uint8_t* ssz, size_t len, void* user_data) {
  auto* self = static_cast<DevnetNode*>(user_data);
  self->network_->Send(MessageKind::kChunk, self->index_, static_cast<int>(request_id >> kAskerShift), 0,
                       request_id & kIdMask, 0, ssz, len);
}

void DevnetNode::OnSendEnd(uint64_t request_id, int32_t result, void* user_data) {
  auto* self = static_cast<DevnetNode*>(user_data);
  self->network_->Send(MessageKind::kEnd, self->index_, static_cast<int>(request_id >> kAskerShift), 0,
                       request_id & kIdMask, result, nullptr, 0);
}

void DevnetNode::OnLog(beam_log_level level, const char* message, void* user_data) {
  static const char* const kNames[] = {"", "error", "warn", "info", "debug"};
  const int l = static_cast<int>(level);
  const DevnetNode* self = static_cast<DevnetNode*>(user_data);
  const uint64_t ms = self->network_->now_ms();
  std::fprintf(stderr, "[%s %s slot %llu.%llu] %s\n", self->name_.c_str(), l >= 1 && l <= 4 ? kNames[l] : "?",
               static_cast<unsigned long long>(ms / 4000), static_cast<unsigned long long>(ms % 4000 / 800), message);
}

void DevnetNode::OnReportPeer(const char*, beam_peer_action, const char*, void* user_data) {
  ++static_cast<DevnetNode*>(user_data)->peer_reports_;
}

}  // namespace devnet
