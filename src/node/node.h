// Node: a lean consensus node without its transport. It owns the chain (BeamChain:
// fork choice, the state transition, the chain worker), its storage, metrics and
// cryptography, peer sync and req/resp serving (PeerSync), the clock driver when the
// host gives a clock, block-proof assembly for its proposals and the scoring of
// peers from what they sent. The host brings the network, the clock, the log and,
// optionally, the aggregate-proof cryptography through the interfaces of
// node/network.h, node/log_sink.h, node/clock_driver.h and crypto/.
//
// The C ABI (capi/) is a thin translation of this class; a C++ host or a test uses it
// directly.
//
// Thread-safe: every method may be called from any thread. Interfaces the node calls
// back must not call into it (see node/network.h).

#ifndef BEAMCORE_NODE_NODE_H_
#define BEAMCORE_NODE_NODE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/mutex.h"
#include "chain/beam_chain.h"
#include "consensus/types/block.h"
#include "consensus/types/state.h"
#include "crypto/aggregate_prover.h"
#include "crypto/verifier.h"
#include "crypto/xmss/config.h"
#include "metrics/registry.h"
#include "node/clock_driver.h"
#include "node/log_sink.h"
#include "node/network.h"
#include "node/peer_sync.h"
#include "storage/chain_db.h"

namespace beam::node {

// What the host can ask about the node's own failures (each was also logged as an
// error). Storage failing stops the node from importing and producing blocks.
struct NodeHealth {
  bool storage_failed = false;
  uint64_t faults = 0;     // failures reported so far
  std::string last_fault;  // the last one's message; empty if none
};

struct NodeOptions {
  // The anchor: a state and its block; without a block, the block the state's latest
  // header describes (genesis).
  consensus::State anchor_state;
  std::optional<consensus::Block> anchor_block;
  // Validators this node runs (their proposal slots count as has_proposal on ticks).
  std::vector<consensus::ValidatorIndex> validators;
  bool is_aggregator = false;
  bool chain_worker = true;  // mutations on the node's own thread
  // Threads verifying gossip vote signatures ahead of the chain worker (VerifyPool);
  // 0: one per core; kNoVerifyThreads: none. Unused without the worker.
  static constexpr size_t kNoVerifyThreads = static_cast<size_t>(-1);
  size_t verify_threads = 0;
  const crypto::xmss::XmssConfig* xmss = &crypto::xmss::kTestConfig;
  // Aggregate proofs: both null for the spec's placeholder proofs (test networks),
  // else the host's verifier and prover (both required; they must outlive the node).
  const crypto::AggregateProofVerifier* aggregate_verifier = nullptr;
  const crypto::AggregateProver* prover = nullptr;
  uint64_t request_timeout_ms = 10000;  // leanSpec RESP_TIMEOUT, in node time
  uint64_t range_sync_batch = 64;       // blocks per BlocksByRange request, 1..1024
  // BlocksByRange is served for start slots this far back from the current slot
  // (leanSpec MIN_SLOTS_FOR_BLOCK_REQUESTS); UINT64_MAX: every stored block.
  uint64_t serve_history_slots = 3600;
  // The chain worker's block queue (0: chain::ChainWorkerLimits' default).
  size_t block_queue_limit = 0;
  std::string data_dir;                 // SQLite storage; empty: memory only
  storage::ChainDbOptions storage;      // how data_dir is written (sync mode, VFS)
  // Host interfaces; each may be null and must outlive the node.
  Network* network = nullptr;
  LogSink* log = nullptr;
  Clock* clock = nullptr;  // with a clock the node ticks itself at interval boundaries
};

class Node {
 public:
  // InvalidArgument for inconsistent options; the chain's or storage's error otherwise.
  static absl::StatusOr<std::unique_ptr<Node>> Create(NodeOptions options);
  ~Node();  // stops the clock driver, then the chain worker
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // --- Time ---
  // Advances the node's clock to `interval` (intervals since genesis). With the chain
  // worker the tick is queued (OK); without, its result.
  absl::Status Tick(uint64_t interval);
  // Waits until the chain worker has processed everything queued.
  void WaitIdle();

  // --- Network ingress ---
  // A gossip message from `peer` (empty: unknown). Undecodable bytes are a
  // DECODE_ERROR rejection and the peer is reported; else as Tick for queueing.
  absl::Status OnGossip(GossipTopic topic, ssz::ByteView ssz, const std::string& peer);
  void OnPeerConnected(const std::string& peer) { sync_->OnPeerConnected(peer); }
  absl::Status OnPeerDisconnected(const std::string& peer) { return sync_->OnPeerDisconnected(peer); }
  absl::Status OnRequest(const std::string& peer, ReqProtocol protocol, ssz::ByteView ssz, uint64_t request_id) {
    return sync_->OnRequest(peer, protocol, ssz, request_id);
  }
  absl::Status OnResponseChunk(uint64_t request_id, ssz::ByteView ssz) {
    return sync_->OnResponseChunk(request_id, ssz);
  }
  absl::Status OnResponseEnd(uint64_t request_id, ResponseCode result) {
    return sync_->OnResponseEnd(request_id, result);
  }

  // --- Validator duties ---
  // Builds the block of `slot` on the head, signs it with the block proof (the prover
  // merges the attestation proofs with the proposer's part), keeps it for serving and
  // storage, and returns the SignedBlock's SSZ for the host to publish.
  absl::StatusOr<ssz::ByteVec> ProduceBlock(consensus::Slot slot, consensus::ValidatorIndex proposer);
  absl::StatusOr<consensus::AttestationData> ProduceAttestationData(consensus::Slot slot);

  // --- Reads ---
  chain::ChainHeadInfo HeadInfo() const { return chain_->HeadInfo(); }
  NodeHealth Health() const ABSL_LOCKS_EXCLUDED(health_mu_);
  std::string MetricsText() const { return registry_.RenderText(); }
  chain::BeamChain& chain() { return *chain_; }
  const chain::BeamChain& chain() const { return *chain_; }
  PeerSync& sync() { return *sync_; }
  metrics::Registry& registry() { return registry_; }
  const Logger& log() const { return log_; }

 private:
  class Events;  // the chain's observer
  explicit Node(const NodeOptions& options);

  const Logger log_;
  NullNetwork null_network_;
  Network* const network_;
  metrics::Registry registry_;
  crypto::XmssSignatureVerifier signature_verifier_;
  crypto::MockedAggregateVerifier mocked_verifier_;
  crypto::MockedAggregateProver mocked_prover_;
  const crypto::AggregateProver* prover_;
  std::unique_ptr<Events> events_;
  std::unique_ptr<storage::ChainDb> db_;  // outlives the chain
  std::unique_ptr<chain::BeamChain> chain_;
  std::unique_ptr<PeerSync> sync_;
  mutable Mutex health_mu_;  // a leaf
  uint64_t faults_ ABSL_GUARDED_BY(health_mu_) = 0;
  std::string last_fault_ ABSL_GUARDED_BY(health_mu_);
  std::unique_ptr<ClockDriver> clock_driver_;  // last: stopped first
};

}  // namespace beam::node

#endif  // BEAMCORE_NODE_NODE_H_
