// node::Node and its PeerSync in C++, without the C layer: nodes and scripted peers
// on an in-process message bus (message_bus.h).

#include "node/node.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "consensus/rejection.h"
#include "crypto/xmss/keys.h"
#include "gtest/gtest.h"
#include "tests/node/message_bus.h"
#include "node/block_proof.h"
#include "base/mutex.h"
#include "node/peer_scoring.h"
#include "ssz/codec.h"
#include "ssz/container.h"
#include "tests/testing/chain_fixture.h"
#include "wire/messages.h"

namespace beam::node {
namespace {

using testing::MessageBus;
using Kind = MessageBus::Kind;

constexpr uint64_t kValidators = 4;

class NodeTest : public ::testing::TestWithParam<bool> {
 protected:
  // A node on the bus; `worker`: with the chain worker (else inline).
  Node* Make(const std::string& name, std::vector<consensus::ValidatorIndex> validators, bool worker) {
    NodeOptions options;
    options.anchor_state = genesis_.state;
    options.anchor_block = genesis_.block;
    options.validators = std::move(validators);
    options.chain_worker = worker;
    options.network = bus_.Join(name);
    absl::StatusOr<std::unique_ptr<Node>> node = Node::Create(std::move(options));
    EXPECT_TRUE(node.ok()) << node.status();
    nodes_.push_back(std::move(*node));
    bus_.Attach(name, nodes_.back().get());
    return nodes_.back().get();
  }

  // `node` (running every validator) proposes the blocks of slots 1..`slots`, alone.
  static void ProduceAlone(Node* node, uint64_t slots) {
    for (uint64_t slot = 1; slot <= slots; ++slot) {
      ASSERT_TRUE(node->Tick(slot * 5).ok());
      node->WaitIdle();
      absl::StatusOr<ssz::ByteVec> block = node->ProduceBlock(slot, slot % kValidators);
      ASSERT_TRUE(block.ok()) << block.status();
    }
    ASSERT_TRUE(node->Tick(slots * 5 + 1).ok());
    node->WaitIdle();
  }

  std::vector<std::string> RequestTargets(const std::string& from, ReqProtocol protocol) const {
    std::vector<std::string> out;
    for (const MessageBus::Message& m : bus_.Sent(Kind::kRequest)) {
      if (m.from == from && m.topic_or_protocol == static_cast<int>(protocol)) out.push_back(m.to);
    }
    return out;
  }

  testing::Genesis genesis_ = testing::MakeGenesis(kValidators);
  MessageBus bus_;
  std::vector<std::unique_ptr<Node>> nodes_;  // destroyed before the bus
};

// A node far behind catches up by BlocksByRange batches as soon as it meets a peer.
TEST_P(NodeTest, RangeSyncCatchesUpAFarBehindNode) {
  Node* a = Make("a", {0, 1, 2, 3}, GetParam());
  ProduceAlone(a, 12);
  Node* b = Make("b", {}, GetParam());
  ASSERT_TRUE(b->Tick(12 * 5 + 1).ok());
  bus_.Connect("a", "b");
  bus_.Pump();
  EXPECT_EQ(b->HeadInfo().head, a->HeadInfo().head);
  EXPECT_GE(b->HeadInfo().head.slot, 11u);  // a's own last block becomes head at its next update
  EXPECT_FALSE(RequestTargets("b", ReqProtocol::kBlocksByRange).empty());
}

// Range sync asks for no more blocks than the chain's block queue takes: with a queue
// of 8 and batches of 64, every block arrives by range (none dropped, none fetched
// again by root), at most eight at a time. (Batches asked ahead of the import overflowed the
// queue, and what was dropped came back one parent per round trip.)
TEST(NodeRangeSyncTest, BatchesNeverOverflowTheBlockQueue) {
  const testing::Genesis genesis = testing::MakeGenesis(kValidators);
  MessageBus bus;
  std::vector<std::unique_ptr<Node>> nodes;
  auto make = [&](const std::string& name, std::vector<consensus::ValidatorIndex> validators, bool worker) {
    NodeOptions options;
    options.anchor_state = genesis.state;
    options.anchor_block = genesis.block;
    options.validators = std::move(validators);
    options.chain_worker = worker;
    options.block_queue_limit = 8;
    options.network = bus.Join(name);
    absl::StatusOr<std::unique_ptr<Node>> node = Node::Create(std::move(options));
    EXPECT_TRUE(node.ok()) << node.status();
    nodes.push_back(std::move(*node));
    bus.Attach(name, nodes.back().get());
    return nodes.back().get();
  };
  constexpr uint64_t kSlots = 60;
  Node* a = make("a", {0, 1, 2, 3}, /*worker=*/false);
  for (uint64_t slot = 1; slot <= kSlots; ++slot) {
    ASSERT_TRUE(a->Tick(slot * 5).ok());
    ASSERT_TRUE(a->ProduceBlock(slot, slot % kValidators).ok());
  }
  ASSERT_TRUE(a->Tick(kSlots * 5 + 1).ok());
  Node* b = make("b", {}, /*worker=*/true);
  ASSERT_TRUE(b->Tick(kSlots * 5 + 1).ok());
  b->WaitIdle();
  bus.Connect("a", "b");
  // The worker asks for the next batch as it imports: pump until nothing moves.
  for (int round = 0; round < 1000 && b->HeadInfo().head != a->HeadInfo().head; ++round) {
    bus.Pump();
    b->WaitIdle();
  }
  EXPECT_EQ(b->HeadInfo().head, a->HeadInfo().head);
  size_t by_range = 0, by_root = 0;
  for (const MessageBus::Message& m : bus.Sent(Kind::kRequest)) {
    if (m.from != "b") continue;
    if (m.topic_or_protocol == static_cast<int>(ReqProtocol::kBlocksByRange)) ++by_range;
    if (m.topic_or_protocol == static_cast<int>(ReqProtocol::kBlocksByRoot)) ++by_root;
  }
  EXPECT_GE(by_range, kSlots / 8);  // at most the queue's room per batch
  EXPECT_EQ(by_root, 0u);
  EXPECT_NE(b->MetricsText().find("lean_chain_queue_dropped_total{queue=\"blocks\"} 0"), std::string::npos);
}

// Peers that met at genesis and never gossiped: the periodic Status refresh shows one
// is ahead, and the other syncs.
TEST_P(NodeTest, StatusRefreshFindsAPeerThatMovedOn) {
  Node* a = Make("a", {0, 1, 2, 3}, GetParam());
  Node* b = Make("b", {}, GetParam());
  bus_.Connect("a", "b");
  bus_.Pump();
  const uint64_t refresh = PeerSync::kStatusRefreshSlots * 5;
  ProduceAlone(a, 7);  // a's clock stays before its own first refresh
  ASSERT_LT(7 * 5 + 1, refresh);
  ASSERT_TRUE(b->Tick(refresh - 1).ok());
  bus_.Pump();
  EXPECT_EQ(b->HeadInfo().head.slot, 0u);  // nothing told it yet
  ASSERT_TRUE(b->Tick(refresh).ok());      // b's refresh
  bus_.Pump();
  EXPECT_EQ(b->HeadInfo().head, a->HeadInfo().head);
  EXPECT_GE(b->HeadInfo().head.slot, 6u);
}

// A missing parent is asked of the block's sender, then of other peers, each once;
// when none has it, every peer is asked for its Status.
TEST_P(NodeTest, MissingParentIsAskedOfDistinctPeersThenStatusIsRefreshed) {
  const testing::ProducedChain chain = testing::ProduceChain(genesis_, kValidators, 3);
  Node* b = Make("b", {}, GetParam());
  const wire::Status genesis_status = b->chain().GetStatus();
  const auto nobody_has_it = [&](ReqProtocol protocol, const ssz::ByteVec&) {
    std::vector<ssz::ByteVec> chunks;
    if (protocol == ReqProtocol::kStatus) chunks.push_back(ssz::Encode(genesis_status));
    return std::make_pair(chunks, ResponseCode::kSuccess);
  };
  for (const char* p : {"p1", "p2", "p3"}) {
    bus_.Join(p);
    bus_.Script(p, nobody_has_it);
    bus_.Connect("b", p);
  }
  bus_.Pump();
  ASSERT_TRUE(b->Tick(3 * 5).ok());
  const ssz::ByteVec orphan = ssz::Encode(chain.blocks[2]);  // slot 3; its parent is unknown
  (void)b->OnGossip(GossipTopic::kBlock, ssz::ByteView(orphan.data(), orphan.size()), "p2");  // waits for its parent
  bus_.Pump();
  const std::vector<std::string> asked = RequestTargets("b", ReqProtocol::kBlocksByRoot);
  ASSERT_EQ(asked.size(), 3u);
  EXPECT_EQ(asked[0], "p2");  // the sender first
  EXPECT_NE(asked[1], asked[2]);
  EXPECT_NE(asked[1], "p2");
  EXPECT_NE(asked[2], "p2");
  // Status on connect, then once more to every peer after the last empty answer.
  for (const char* p : {"p1", "p2", "p3"}) {
    size_t statuses = 0;
    for (const std::string& to : RequestTargets("b", ReqProtocol::kStatus)) statuses += to == p ? 1 : 0;
    EXPECT_EQ(statuses, 2u) << p;
  }
  // Empty answers to by-root requests are reported as such, once per peer.
  size_t empty_answers = 0;
  for (const MessageBus::Report& r : bus_.Reports()) empty_answers += r.reason.find("empty answer") != std::string::npos;
  EXPECT_EQ(empty_answers, 3u);
}

// A gossip vote's verdict reaches the sender's score whether the vote was processed on
// the caller's thread or queued for the chain worker: invalid signatures are
// reported; votes for blocks we may not have yet are not.
TEST_P(NodeTest, InvalidVotesAreReportedUnknownBlocksAreNot) {
  Node* b = Make("b", {}, GetParam());
  ASSERT_TRUE(b->Tick(1 * 5 + 1).ok());
  b->WaitIdle();
  absl::StatusOr<consensus::AttestationData> data = b->ProduceAttestationData(1);
  ASSERT_TRUE(data.ok()) << data.status();
  auto key = crypto::xmss::KeyGen(crypto::xmss::kTestConfig, 0, 8);
  ASSERT_TRUE(key.ok()) << key.status();
  absl::StatusOr<crypto::xmss::Signature> signature =
      crypto::xmss::Sign(key->secret_key, 1, ssz::HashTreeRoot(*data));  // not validator 1's key
  ASSERT_TRUE(signature.ok()) << signature.status();
  consensus::SignedAttestation forged{1, *data, *signature};
  const ssz::ByteVec forged_bytes = ssz::Encode(forged);
  (void)b->OnGossip(GossipTopic::kAttestation, ssz::ByteView(forged_bytes.data(), forged_bytes.size()), "liar");
  consensus::SignedAttestation early = forged;
  early.data.head.root = ssz::Root{};  // a head block we do not know
  early.data.head.root.data()[0] = 7;
  const ssz::ByteVec early_bytes = ssz::Encode(early);
  (void)b->OnGossip(GossipTopic::kAttestation, ssz::ByteView(early_bytes.data(), early_bytes.size()), "early");
  b->WaitIdle();
  std::vector<MessageBus::Report> reports = bus_.Reports();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].peer, "liar");
  EXPECT_EQ(reports[0].action, PeerAction::kLowTolerance);
  EXPECT_NE(reports[0].reason.find("INVALID_SIGNATURE"), std::string::npos) << reports[0].reason;
}

TEST_P(NodeTest, UndecodableGossipIsRejectedAndReported) {
  Node* b = Make("b", {}, GetParam());
  const uint8_t junk[] = {1, 2, 3};
  const absl::Status s = b->OnGossip(GossipTopic::kBlock, ssz::ByteView(junk, sizeof junk), "noisy");
  EXPECT_EQ(consensus::GetRejectionReason(s), consensus::RejectionReason::kDECODE_ERROR);
  ASSERT_EQ(bus_.Reports().size(), 1u);
  EXPECT_EQ(bus_.Reports()[0].peer, "noisy");
}

INSTANTIATE_TEST_SUITE_P(WorkerAndInline, NodeTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& p) { return p.param ? "Worker" : "Inline"; });

class CapturingLog final : public LogSink {
 public:
  LogLevel max_level() const override { return LogLevel::kWarn; }
  void Write(LogLevel level, const std::string& line) override {
    MutexLock lock(&mu_);
    lines_.push_back({level, line});
  }
  std::vector<std::pair<LogLevel, std::string>> lines() const {
    MutexLock lock(&mu_);
    return lines_;
  }

 private:
  mutable Mutex mu_;
  std::vector<std::pair<LogLevel, std::string>> lines_ ABSL_GUARDED_BY(mu_);
};

// A storage write that fails is an error the host sees (log, Health()), and the node
// stops importing and producing: it must not count what it could not store.
TEST(NodeHealthTest, StorageFailureStopsTheNodeAndIsReported) {
  const testing::Genesis genesis = testing::MakeGenesis(kValidators);
  const std::string dir = ::testing::TempDir() + "/node_health_storage";
  std::filesystem::remove_all(dir);
  CapturingLog log;
  NodeOptions options;
  options.anchor_state = genesis.state;
  options.anchor_block = genesis.block;
  options.validators = {0, 1, 2, 3};
  options.chain_worker = false;
  options.data_dir = dir;
  options.log = &log;
  absl::StatusOr<std::unique_ptr<Node>> node = Node::Create(std::move(options));
  ASSERT_TRUE(node.ok()) << node.status();
  for (uint64_t slot = 1; slot <= 2; ++slot) {
    ASSERT_TRUE((*node)->Tick(slot * 5).ok());
    ASSERT_TRUE((*node)->ProduceBlock(slot, slot % kValidators).ok());
  }
  EXPECT_FALSE((*node)->Health().storage_failed);
  ASSERT_TRUE((*node)->chain().config().db->FreezeSizeForTesting().ok());
  // Blocks until one no longer fits (SQLite allocates in pages).
  absl::Status failed;
  uint64_t slot = 3;
  for (; slot <= 40 && failed.ok(); ++slot) {
    ASSERT_TRUE((*node)->Tick(slot * 5).ok());
    failed = (*node)->ProduceBlock(slot, slot % kValidators).status();
  }
  ASSERT_FALSE(failed.ok()) << "the frozen database took 38 more blocks";
  const NodeHealth health = (*node)->Health();
  EXPECT_TRUE(health.storage_failed);
  EXPECT_EQ(health.faults, 1u);
  EXPECT_NE(health.last_fault.find("storage write failed"), std::string::npos) << health.last_fault;
  bool logged = false;
  for (const auto& [level, line] : log.lines()) logged |= level == LogLevel::kError && line.find("storage") != std::string::npos;
  EXPECT_TRUE(logged);
  // From now on nothing is imported or produced as if it had been stored.
  ASSERT_TRUE((*node)->Tick(slot * 5).ok());
  const absl::Status next = (*node)->ProduceBlock(slot, slot % kValidators).status();
  EXPECT_TRUE(absl::IsFailedPrecondition(next)) << next;
  EXPECT_NE(next.message().find("stopped importing"), std::string::npos) << next;
}

// A checkpoint anchor (any state past genesis) must come with its block: rebuilt from
// the state's header with an empty body, the anchor would hash to a root the network
// never finalized and no later block would find its parent (found with beamcore-node
// --checkpoint-sync-url: the joining node stayed at its anchor).
TEST(NodeAnchorTest, CheckpointAnchorNeedsItsBlock) {
  const testing::Genesis genesis = testing::MakeGenesis(kValidators);
  static const testing::AcceptAllSignatures signatures;
  static const crypto::MockedAggregateVerifier aggregates;
  static const crypto::MockedAggregateProver prover;
  forkchoice::StoreCrypto crypto{&signatures, &aggregates, &prover, nullptr};
  auto producer = *forkchoice::Store::FromAnchor(genesis.state, genesis.block, std::nullopt, crypto);
  consensus::Block last;
  for (uint64_t slot = 1; slot <= 3; ++slot) {
    auto produced = producer->ProduceBlock(slot, slot % kValidators);
    ASSERT_TRUE(produced.ok()) << produced.status();
    last = produced->block;
    ASSERT_TRUE(producer->OnTick(slot * 5 + 1, false, false).ok());
    ASSERT_TRUE(producer
                    ->OnGossipAggregatedAttestation(
                        testing::MockAggregate(producer->ProduceAttestationData(slot), {0, 1, 2, 3}))
                    .ok());
    ASSERT_TRUE(producer->OnTick(slot * 5 + 4, false, false).ok());
  }
  const ssz::Root root = ssz::HashTreeRoot(last);
  ASSERT_EQ(producer->head(), root);
  ASSERT_FALSE(last.body.attestations.empty()) << "the anchor block must have a body for this test";
  const consensus::State state = *producer->StateOf(root);

  NodeOptions without;
  without.anchor_state = state;
  absl::StatusOr<std::unique_ptr<Node>> refused = Node::Create(std::move(without));
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(refused.status())) << refused.status();
  EXPECT_NE(refused.status().message().find("give its block too"), std::string::npos) << refused.status();

  NodeOptions with;
  with.anchor_state = state;
  with.anchor_block = last;
  with.chain_worker = false;
  absl::StatusOr<std::unique_ptr<Node>> node = Node::Create(std::move(with));
  ASSERT_TRUE(node.ok()) << node.status();
  EXPECT_EQ((*node)->chain().Head().root, root);
  EXPECT_EQ((*node)->chain().Finalized(), (consensus::Checkpoint{root, last.slot}));

  // Genesis needs no block: its body is empty.
  NodeOptions from_genesis;
  from_genesis.anchor_state = genesis.state;
  from_genesis.chain_worker = false;
  absl::StatusOr<std::unique_ptr<Node>> genesis_node = Node::Create(std::move(from_genesis));
  ASSERT_TRUE(genesis_node.ok()) << genesis_node.status();
  EXPECT_EQ((*genesis_node)->chain().Head().root, ssz::HashTreeRoot(genesis.block));
}

// A proposer whose key in the state does not decode gets an error, not a block whose
// proof silently lacks the proposer's part.
TEST(BlockProofTest, UndecodableProposerKeyIsAnError) {
  testing::Genesis g = testing::MakeGenesis(kValidators);
  const testing::ProducedChain chain = testing::ProduceChain(g, kValidators, 1);
  forkchoice::ProducedBlock produced;
  produced.block = chain.blocks[0].block;
  produced.block_root = ssz::HashTreeRoot(produced.block);
  const consensus::ValidatorIndex proposer = produced.block.proposer_index;
  auto with_proposer_key = [&](uint8_t fill) {
    std::vector<consensus::Validator> registry(kValidators);
    for (uint64_t i = 0; i < kValidators; ++i) registry[i].index = i;
    registry[proposer].proposal_public_key.bytes.fill(fill);
    return std::make_shared<const consensus::State>(consensus::GenerateGenesis(0, registry));
  };
  crypto::MockedAggregateProver prover;
  produced.post_state = with_proposer_key(0xff);  // not a field element: does not decode
  absl::StatusOr<consensus::SignedBlock> signed_block = SignProducedBlock(produced, prover);
  EXPECT_TRUE(absl::IsInvalidArgument(signed_block.status())) << signed_block.status();
  produced.post_state = with_proposer_key(0);
  EXPECT_TRUE(SignProducedBlock(produced, prover).ok());
}

TEST(PeerScoringTest, ProvablyInvalidIsReportedOurLagIsNot) {
  using consensus::Reject;
  using consensus::RejectionReason;
  EXPECT_EQ(VotePenalty(absl::OkStatus()), std::nullopt);
  EXPECT_EQ(VotePenalty(Reject(RejectionReason::kINVALID_SIGNATURE, "")), PeerAction::kLowTolerance);
  EXPECT_EQ(VotePenalty(Reject(RejectionReason::kTARGET_NOT_ANCESTOR_OF_HEAD, "")), PeerAction::kLowTolerance);
  EXPECT_EQ(VotePenalty(Reject(RejectionReason::kUNKNOWN_HEAD_BLOCK, "")), std::nullopt);
  EXPECT_EQ(VotePenalty(Reject(RejectionReason::kATTESTATION_TOO_FAR_IN_FUTURE, "")), std::nullopt);
  EXPECT_EQ(VotePenalty(absl::InternalError("ours")), std::nullopt);
  EXPECT_EQ(BlockPenalty(Reject(RejectionReason::kSTATE_ROOT_MISMATCH, "")), PeerAction::kLowTolerance);
  EXPECT_EQ(BlockPenalty(absl::FailedPreconditionError("at or below the finalized slot")), std::nullopt);
}

}  // namespace
}  // namespace beam::node
