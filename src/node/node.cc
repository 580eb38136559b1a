#include "node/node.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "consensus/config.h"
#include "consensus/rejection.h"
#include "node/block_proof.h"
#include "node/peer_scoring.h"
#include "ssz/codec.h"
#include "ssz/container.h"
#include "version/version.h"
#include "wire/messages.h"

namespace beam::node {
namespace {

template <class T>
absl::StatusOr<T> DecodeGossip(ssz::ByteView bytes, const char* what) {
  absl::StatusOr<T> v = ssz::Decode<T>(bytes);
  if (!v.ok()) {
    return consensus::Reject(consensus::RejectionReason::kDECODE_ERROR,
                             absl::StrCat(what, ": ", v.status().message()));
  }
  return v;
}

// The block the state's latest header describes (the genesis block).
consensus::Block BlockOfLatestHeader(const consensus::State& state) {
  const consensus::BlockHeader& h = state.latest_block_header;
  consensus::Block block;
  block.slot = h.slot;
  block.proposer_index = h.proposer_index;
  block.parent_root = h.parent_root;
  block.state_root = ssz::HashTreeRoot(state);
  return block;
}

}  // namespace

// Chain events, turned into network traffic, sync, peer reports and log lines. Runs
// on the chain worker (or the caller's thread without one).
class Node::Events final : public chain::ChainObserver {
 public:
  explicit Events(Node* node) : node_(node) {}

  void OnAggregates(const std::vector<consensus::SignedAggregatedAttestation>& aggregates) override {
    for (const auto& a : aggregates) {
      const ssz::ByteVec bytes = ssz::Encode(a);
      node_->network_->PublishGossip(GossipTopic::kAggregate, ssz::ByteView(bytes.data(), bytes.size()));
    }
  }
  void OnMissingParent(const ssz::Root& parent_root, const ssz::Root& child_root) override {
    if (PeerSync* sync = node_->sync_.get()) sync->FetchBlocks({parent_root}, sync->BlockSource(child_root));
  }
  void OnBlockImported(const ssz::Root& root, uint64_t slot) override {
    if (PeerSync* sync = node_->sync_.get()) {
      sync->TakeBlockSource(root);
      sync->OnBlockImported();
    }
    if (node_->log_.Enabled(LogLevel::kDebug)) {
      node_->log_.Log(LogLevel::kDebug, absl::StrCat("imported block ", ssz::ToHex(root), " at slot ", slot));
    }
  }
  void OnBlockRejected(const ssz::Root& root, const absl::Status& why) override {
    node_->log_.Log(LogLevel::kWarn, absl::StrCat("rejected block ", ssz::ToHex(root), ": ", why.message()));
    PeerSync* sync = node_->sync_.get();
    if (sync == nullptr) return;
    const std::optional<std::string> peer = sync->TakeBlockSource(root);
    if (const std::optional<PeerAction> action = BlockPenalty(why); peer && action) {
      sync->ReportPeer(*peer, *action, absl::StrCat("invalid block: ", why.message()));
    }
  }
  void OnVoteProcessed(const std::string& source, bool aggregate, const absl::Status& result) override {
    PeerSync* sync = node_->sync_.get();
    if (sync == nullptr || source.empty()) return;
    if (const std::optional<PeerAction> action = VotePenalty(result)) {
      sync->ReportPeer(source, *action,
                       absl::StrCat(aggregate ? "invalid aggregate: " : "invalid attestation: ", result.message()));
    }
  }
  void OnFault(const absl::Status& fault) override {
    node_->log_.Log(LogLevel::kError, std::string(fault.message()));
    MutexLock lock(&node_->health_mu_);
    ++node_->faults_;
    node_->last_fault_ = std::string(fault.message());
  }
  void OnJustified(const consensus::Checkpoint& c) override {
    node_->log_.Log(LogLevel::kInfo, absl::StrCat("justified slot ", c.slot, " root ", ssz::ToHex(c.root)));
  }
  void OnFinalized(const consensus::Checkpoint& c) override {
    node_->log_.Log(LogLevel::kInfo, absl::StrCat("finalized slot ", c.slot, " root ", ssz::ToHex(c.root)));
  }

 private:
  Node* const node_;
};

Node::Node(const NodeOptions& options)
    : log_(options.log),
      network_(options.network != nullptr ? options.network : &null_network_),
      signature_verifier_(*options.xmss),
      prover_(options.prover != nullptr ? options.prover : &mocked_prover_),
      events_(std::make_unique<Events>(this)) {}

Node::~Node() {
  clock_driver_.reset();  // no tick may arrive while the rest goes
  chain_.reset();         // stops the worker before sync and events go
}

absl::StatusOr<std::unique_ptr<Node>> Node::Create(NodeOptions options) {
  if (options.xmss == nullptr) return absl::InvalidArgumentError("no XMSS configuration");
  if ((options.aggregate_verifier == nullptr) != (options.prover == nullptr)) {
    return absl::InvalidArgumentError("host aggregate proofs need both a verifier and a prover");
  }
  if (options.range_sync_batch == 0 || options.range_sync_batch > wire::kMaxRequestBlocks) {
    return absl::InvalidArgumentError("range_sync_batch must be 1..1024");
  }
  std::unique_ptr<Node> node(new Node(options));
  if (!options.data_dir.empty()) {
    absl::StatusOr<std::unique_ptr<storage::ChainDb>> db = storage::ChainDb::Open(options.data_dir, options.storage);
    if (!db.ok()) return db.status();
    node->db_ = std::move(*db);
  }
  chain::ChainConfig config;
  config.chain_worker = options.chain_worker;
  if (options.block_queue_limit != 0) config.worker_limits.blocks = options.block_queue_limit;
  config.is_aggregator = options.is_aggregator;
  config.local_validators = options.validators;
  config.verify_threads = options.verify_threads == NodeOptions::kNoVerifyThreads ? 0
                          : options.verify_threads != 0 ? options.verify_threads
                                                        : std::max(1u, std::thread::hardware_concurrency());
  config.db = node->db_.get();
  // Without the block only a state whose block has an empty body (genesis) can be
  // rebuilt: any other body is known by its root alone, and a rebuilt block would
  // hash to another root than the one the network finalized (the node would never
  // find a parent for the next block).
  if (!options.anchor_block &&
      options.anchor_state.latest_block_header.body_root != ssz::HashTreeRoot(consensus::BlockBody{})) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the anchor state (slot ", options.anchor_state.slot,
        ") is not a genesis state: give its block too (checkpoint sync: GET /lean/v0/blocks/finalized)"));
  }
  const consensus::Block anchor_block =
      options.anchor_block ? *options.anchor_block : BlockOfLatestHeader(options.anchor_state);
  const uint64_t genesis_time = options.anchor_state.config.genesis_time;
  const crypto::AggregateProofVerifier* aggregate_verifier =
      options.aggregate_verifier != nullptr ? options.aggregate_verifier : &node->mocked_verifier_;
  absl::StatusOr<std::unique_ptr<chain::BeamChain>> chain = chain::BeamChain::Create(
      std::move(options.anchor_state), anchor_block, config,
      chain::ChainCrypto{&node->signature_verifier_, aggregate_verifier, node->prover_}, &node->registry_,
      node->events_.get());
  if (!chain.ok()) return chain.status();
  node->chain_ = std::move(*chain);
  PeerSync::Options sync;
  sync.request_timeout_intervals =
      (options.request_timeout_ms + consensus::kMillisecondsPerInterval - 1) / consensus::kMillisecondsPerInterval;
  sync.range_sync_batch = options.range_sync_batch;
  sync.serve_history_slots = options.serve_history_slots;
  node->sync_ = std::make_unique<PeerSync>(node->chain_.get(), node->network_, &node->log_, sync);
  // leanMetrics node info: who this is (always 1) and when it started (Unix seconds).
  node->registry_.GetGauge("lean_node_info", "Node information (always 1).",
                           {{"name", "libbeamcore"}, {"version", VersionString()}})
      ->Set(1);
  node->registry_.GetGauge("lean_node_start_time_seconds", "Start timestamp.")
      ->Set(std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
  if (options.clock != nullptr) {
    Node* raw = node.get();
    node->clock_driver_ =
        std::make_unique<ClockDriver>(options.clock, genesis_time, [raw](uint64_t interval) { (void)raw->Tick(interval); });
  }
  return node;
}

NodeHealth Node::Health() const {
  NodeHealth health;
  health.storage_failed = chain_->StorageFault().has_value();
  MutexLock lock(&health_mu_);
  health.faults = faults_;
  health.last_fault = last_fault_;
  return health;
}

absl::Status Node::Tick(uint64_t interval) {
  absl::Status s = chain_->SubmitTick(interval);
  sync_->OnTime(interval);
  return s;
}

void Node::WaitIdle() { chain_->WaitIdle(); }

absl::Status Node::OnGossip(GossipTopic topic, ssz::ByteView bytes, const std::string& peer) {
  auto undecodable = [&](const absl::Status& why) {
    if (!peer.empty()) sync_->ReportPeer(peer, PeerAction::kLowTolerance, absl::StrCat("undecodable gossip: ", why.message()));
    return why;
  };
  switch (topic) {
    case GossipTopic::kBlock: {
      absl::StatusOr<consensus::SignedBlock> block = DecodeGossip<consensus::SignedBlock>(bytes, "gossip block");
      if (!block.ok()) return undecodable(block.status());
      const ssz::Root root = ssz::HashTreeRoot(block->block);  // once, at ingress
      // Remember the sender until the block's fate is known (bounded).
      if (!peer.empty()) sync_->RememberBlockSource(root, peer);
      return chain_->SubmitBlock(std::move(*block), root);
    }
    case GossipTopic::kAttestation: {
      absl::StatusOr<consensus::SignedAttestation> a =
          DecodeGossip<consensus::SignedAttestation>(bytes, "gossip attestation");
      if (!a.ok()) return undecodable(a.status());
      return chain_->SubmitAttestation(std::move(*a), peer);
    }
    case GossipTopic::kAggregate: {
      absl::StatusOr<consensus::SignedAggregatedAttestation> a =
          DecodeGossip<consensus::SignedAggregatedAttestation>(bytes, "gossip aggregate");
      if (!a.ok()) return undecodable(a.status());
      return chain_->SubmitAggregate(std::move(*a), peer);
    }
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown gossip topic ", static_cast<int>(topic)));
}

absl::StatusOr<ssz::ByteVec> Node::ProduceBlock(consensus::Slot slot, consensus::ValidatorIndex proposer) {
  absl::StatusOr<forkchoice::ProducedBlock> produced = chain_->ProduceBlock(slot, proposer);
  if (!produced.ok()) return produced.status();
  absl::StatusOr<consensus::SignedBlock> signed_block = SignProducedBlock(*produced, *prover_);
  if (!signed_block.ok()) return signed_block.status();
  ssz::ByteVec bytes = ssz::Encode(*signed_block);
  // Served to peers, and stored (with its post-state) when the node has storage.
  if (absl::Status s = chain_->RecordProducedBlock(*signed_block, produced->block_root, bytes); !s.ok()) return s;
  return bytes;
}

absl::StatusOr<consensus::AttestationData> Node::ProduceAttestationData(consensus::Slot slot) {
  return chain_->ProduceAttestationData(slot);
}

}  // namespace beam::node
