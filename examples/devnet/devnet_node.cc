#include "devnet_node.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "byzantine.h"

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
  beam_network_vtable net = BEAM_NETWORK_VTABLE_INIT;
  net.publish_gossip = OnPublish;
  net.send_request = OnSendRequest;
  net.send_response_chunk = OnSendChunk;
  net.send_response_end = OnSendEnd;
  net.report_peer = OnReportPeer;
  net.user_data = this;
  beam_node_config config = BEAM_NODE_CONFIG_INIT;
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
  config.data_dir = data_dir_.empty() ? nullptr : data_dir_.c_str();  // "": memory only
  beam_log_sink log = BEAM_LOG_SINK_INIT;
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
  beam_status status = BEAM_OK;
  switch (m.kind) {
    case MessageKind::kGossip:
      status = beam_node_on_gossip(node_, static_cast<beam_topic_kind>(m.topic_or_protocol), data, m.bytes.size(),
                                   from_name.c_str());
      break;
    case MessageKind::kRequest: {
      const uint64_t id = (static_cast<uint64_t>(m.from) << kAskerShift) | m.request_id;
      if (hostile_ & kSilent) {
        requests_dropped_.fetch_add(1, std::memory_order_relaxed);  // never answered
        return true;
      }
      const bool blocks = m.topic_or_protocol == BEAM_REQ_BLOCKS_BY_ROOT ||
                          m.topic_or_protocol == BEAM_REQ_BLOCKS_BY_RANGE;
      if ((hostile_ & kWrongBlocks) && blocks) {
        std::lock_guard<std::mutex> lock(block_requests_mu_);
        block_requests_.insert(id);
      }
      status = beam_node_on_request(node_, from_name.c_str(), static_cast<beam_req_protocol>(m.topic_or_protocol),
                                    data, m.bytes.size(), id);
      break;
    }
    case MessageKind::kChunk:
      status = beam_node_on_response_chunk(node_, m.request_id, data, m.bytes.size());
      break;
    case MessageKind::kEnd:
      status = beam_node_on_response_end(node_, m.request_id, m.result);
      break;
  }
  // Refusals are the network's normal life (invalid or future gossip, late answers to
  // expired requests): the node has already scored the peer. Only gossip verdicts matter
  // to the sender, since gossipsub forwards what the node accepted.
  if (status != BEAM_OK) refused_deliveries_.fetch_add(1, std::memory_order_relaxed);
  return m.kind != MessageKind::kGossip || status == BEAM_OK;
}

void DevnetNode::Expect(beam_status status, const char* what) {
  if (status == BEAM_OK) return;
  api_errors_.fetch_add(1, std::memory_order_relaxed);
  std::fprintf(stderr, "%s: %s failed: %s (%s)\n", name_.c_str(), what, beam_status_string(status), beam_last_error());
}

DevnetNode::ChainView DevnetNode::View() {
  ChainView view;
  if (node_ == nullptr) return view;
  Expect(beam_node_head(node_, &view.head), "beam_node_head");
  Expect(beam_node_justified(node_, &view.justified), "beam_node_justified");
  Expect(beam_node_finalized(node_, &view.finalized), "beam_node_finalized");
  return view;
}

void DevnetNode::Tick(uint64_t interval) {
  if (node_ != nullptr) Expect(beam_node_tick(node_, interval), "beam_node_tick");
}

void DevnetNode::WaitIdle() {
  if (node_ != nullptr) Expect(beam_node_wait_idle(node_), "beam_node_wait_idle");
}

void DevnetNode::PeerConnected(const std::string& peer) {
  if (node_ != nullptr) Expect(beam_node_peer_connected(node_, peer.c_str()), "beam_node_peer_connected");
}

void DevnetNode::PeerDisconnected(const std::string& peer) {
  if (node_ != nullptr) Expect(beam_node_peer_disconnected(node_, peer.c_str()), "beam_node_peer_disconnected");
}

void DevnetNode::Gossip(beam_topic_kind kind, const uint8_t* ssz, size_t len) {
  // The node's own validator's message: it must accept it.
  if (node_ != nullptr) Expect(beam_node_on_gossip(node_, kind, ssz, len, nullptr), "beam_node_on_gossip (own)");
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
  if (self->hostile_ & kWrongBlocks) {
    bool corrupt = false;
    {
      std::lock_guard<std::mutex> lock(self->block_requests_mu_);
      corrupt = self->block_requests_.count(request_id) != 0;
    }
    if (corrupt) {
      // Another block than the one asked for (its state root changed, so its root too).
      const std::vector<uint8_t> wrong = WithFlippedStateRoot(std::vector<uint8_t>(ssz, ssz + len));
      self->chunks_corrupted_.fetch_add(1, std::memory_order_relaxed);
      self->network_->Send(MessageKind::kChunk, self->index_, static_cast<int>(request_id >> kAskerShift), 0,
                           request_id & kIdMask, 0, wrong.data(), wrong.size());
      return;
    }
  }
  self->network_->Send(MessageKind::kChunk, self->index_, static_cast<int>(request_id >> kAskerShift), 0,
                       request_id & kIdMask, 0, ssz, len);
}

void DevnetNode::OnSendEnd(uint64_t request_id, int32_t result, void* user_data) {
  auto* self = static_cast<DevnetNode*>(user_data);
  if (self->hostile_ & kWrongBlocks) {
    std::lock_guard<std::mutex> lock(self->block_requests_mu_);
    self->block_requests_.erase(request_id);
  }
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

void DevnetNode::OnReportPeer(const char* peer_id, beam_peer_action, const char*, void* user_data) {
  auto* self = static_cast<DevnetNode*>(user_data);
  ++self->peer_reports_;
  const int offender = NodeIndex(peer_id);
  if (offender >= 0 && offender < kMaxNodes) ++self->reports_against_[static_cast<size_t>(offender)];
}

}  // namespace devnet
