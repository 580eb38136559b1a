// DevnetNode: one beam_node of the devnet, driven only through the public C ABI, its
// network vtable wired to the SimNetwork.

#ifndef BEAMCORE_EXAMPLES_DEVNET_DEVNET_NODE_H_
#define BEAMCORE_EXAMPLES_DEVNET_DEVNET_NODE_H_

#include <beamcore/beamcore.h>

#include <array>
#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "sim_network.h"

namespace devnet {

class DevnetNode {
 public:
  // log_level: 0 none, else the beam_log_level lines go to stderr up to.
  DevnetNode(int index, SimNetwork* network, std::string data_dir, std::vector<uint64_t> validators,
             bool aggregator, const beam_crypto_vtable* host_crypto, int log_level);
  ~DevnetNode() { Stop(); }
  DevnetNode(const DevnetNode&) = delete;
  DevnetNode& operator=(const DevnetNode&) = delete;

  // Creates (or reopens, from the data directory; "" keeps it in memory) the node. False
  // with a message on failure.
  bool Start(const std::vector<uint8_t>& genesis, std::string* error);
  void Stop();
  bool running() const { return node_ != nullptr; }

  // A hostile node's host (byzantine.h): with kSilent it drops every request, with
  // kWrongBlocks it answers block requests with other blocks. Set before Start().
  void SetHostile(uint32_t behaviours) { hostile_ = behaviours; }
  uint32_t hostile() const { return hostile_; }

  beam_node* node() const { return node_; }
  int index() const { return index_; }
  const std::string& name() const { return name_; }
  const std::vector<uint64_t>& validators() const { return validators_; }

  // Delivers a message from the network to this node. For gossip, true when the node
  // accepted it (what gossipsub forwards); false for a stopped node or a rejection.
  bool Deliver(const Message& m, const std::string& from_name);

  // The node's chain view (zeros for a stopped node). A failing read counts as an API error.
  struct ChainView {
    beam_checkpoint head{}, justified{}, finalized{};
  };
  ChainView View();

  // Host duties, each checked: a failure is printed and counted in api_errors().
  void Tick(uint64_t interval);
  void WaitIdle();
  void PeerConnected(const std::string& peer);
  void PeerDisconnected(const std::string& peer);
  void Gossip(beam_topic_kind kind, const uint8_t* ssz, size_t len);  // from the node's own validators

  // Calls into the node that failed where the host expected success: any is a devnet failure.
  uint64_t api_errors() const { return api_errors_.load(); }
  // Messages from the network the node refused (rejected gossip, late answers): normal life.
  uint64_t refused_deliveries() const { return refused_deliveries_.load(); }
  uint64_t peer_reports() const { return peer_reports_.load(); }
  // Reports this node made against node `offender` (report_peer).
  uint64_t reports_against(int offender) const {
    return offender >= 0 && offender < kMaxNodes ? reports_against_[static_cast<size_t>(offender)].load() : 0;
  }
  uint64_t requests_dropped() const { return requests_dropped_.load(); }
  uint64_t chunks_corrupted() const { return chunks_corrupted_.load(); }
  uint64_t requests_sent(int protocol) const { return requests_sent_[protocol].load(); }

 private:
  void Expect(beam_status status, const char* what);

  static void OnPublish(beam_topic_kind kind, const uint8_t* ssz, size_t len, void* user_data);
  static void OnSendRequest(const char* peer_id, beam_req_protocol protocol, const uint8_t* ssz, size_t len,
                            uint64_t request_id, void* user_data);
  static void OnSendChunk(uint64_t request_id, const uint8_t* ssz, size_t len, void* user_data);
  static void OnSendEnd(uint64_t request_id, int32_t result, void* user_data);
  static void OnLog(beam_log_level level, const char* message, void* user_data);
  static void OnReportPeer(const char* peer_id, beam_peer_action action, const char* reason, void* user_data);

  const int index_;
  const std::string name_;
  SimNetwork* const network_;
  const std::string data_dir_;
  const std::vector<uint64_t> validators_;
  const bool aggregator_;
  const beam_crypto_vtable* const host_crypto_;
  const int log_level_;
  uint32_t hostile_ = 0;
  beam_node* node_ = nullptr;
  static constexpr int kMaxNodes = 64;
  std::array<std::atomic<uint64_t>, kMaxNodes> reports_against_{};
  std::atomic<uint64_t> requests_dropped_{0};
  std::atomic<uint64_t> chunks_corrupted_{0};
  std::mutex block_requests_mu_;
  std::set<uint64_t> block_requests_;  // kWrongBlocks: ids of block requests being answered
  std::atomic<uint64_t> api_errors_{0};
  std::atomic<uint64_t> refused_deliveries_{0};
  std::atomic<uint64_t> peer_reports_{0};
  std::atomic<uint64_t> requests_sent_[4] = {};
};

// "node<i>" <-> i.
std::string NodeName(int index);
int NodeIndex(const char* name);

}  // namespace devnet

#endif  // BEAMCORE_EXAMPLES_DEVNET_DEVNET_NODE_H_
