#include "chain/beam_chain.h"

#include <algorithm>
#include <limits>
#include <random>

#include "consensus/rejection.h"
#include "gtest/gtest.h"
#include "tests/testing/chain_fixture.h"

namespace beam::chain {
namespace {

constexpr uint64_t kValidators = 4;

class BeamChainTest : public ::testing::Test {
 protected:
  std::unique_ptr<BeamChain> MakeChain(bool worker, ChainConfig config = {}) {
    config.chain_worker = worker;
    auto chain = BeamChain::Create(genesis_.state, genesis_.block, config,
                                   ChainCrypto{&signatures_, &aggregates_, &prover_}, &registry_);
    EXPECT_TRUE(chain.ok()) << chain.status();
    return std::move(*chain);
  }

  // Mock-signed blocks on genesis (siblings), one per slot in `slots`.
  std::vector<consensus::SignedBlock> SiblingsOnGenesis(std::initializer_list<Slot> slots) const {
    std::vector<consensus::SignedBlock> out;
    const Root genesis_root = ssz::HashTreeRoot(genesis_.block);
    for (Slot slot : slots) {
      validator::BlockBuildInputs in;
      in.pre_state = &genesis_.state;
      in.slot = slot;
      in.proposer_index = slot % kValidators;
      in.parent_root = genesis_root;
      in.is_known_block = [](const Root&) { return true; };
      auto built = validator::BuildBlock(in);
      EXPECT_TRUE(built.ok()) << built.status();
      if (built.ok()) out.push_back(testing::MockSigned(built->block));
    }
    return out;
  }

  // Feeds `input` in phases: the clock to the last slot, the blocks, the votes, then
  // the clock through acceptance. The worker runs ticks first and coalesces them, so
  // each phase is drained before the next.
  static void Feed(BeamChain& chain, const testing::ProducedChain& input, uint64_t slots) {
    EXPECT_TRUE(chain.SubmitTick(slots * 5).ok());
    chain.WaitIdle();
    for (const auto& b : input.blocks) EXPECT_TRUE(chain.SubmitBlock(b).ok());
    chain.WaitIdle();
    // Inline, an aggregate is checked as it comes: after the blocks finalized and
    // pruned, the older ones name a source block that is gone (UNKNOWN_SOURCE_BLOCK),
    // as a node would refuse them.
    for (const auto& a : input.aggregates) chain.SubmitAggregate(a).IgnoreError();
    chain.WaitIdle();
    EXPECT_TRUE(chain.SubmitTick(slots * 5 + 4).ok());
    chain.WaitIdle();
  }

  testing::Genesis genesis_ = testing::MakeGenesis(kValidators);
  testing::AcceptAllSignatures signatures_;
  crypto::MockedAggregateVerifier aggregates_;
  crypto::MockedAggregateProver prover_;
  metrics::Registry registry_;
};

TEST_F(BeamChainTest, InlineImportFinalizesAndPrunes) {
  const uint64_t slots = 16;
  const testing::ProducedChain input = testing::ProduceChain(genesis_, kValidators, slots, /*fork_every=*/5);
  ASSERT_GT(input.finalized.slot, 0u);
  auto chain = MakeChain(/*worker=*/false);
  Feed(*chain, input, slots);
  EXPECT_EQ(chain->Head().root, input.head);
  EXPECT_EQ(chain->Justified(), input.justified);
  EXPECT_EQ(chain->Finalized(), input.finalized);
  // Finalization pruned the states below the finalized block and the dead forks.
  EXPECT_LT(chain->state_count(), input.blocks.size());
  BorrowedState finalized = chain->GetFinalizedState();
  ASSERT_TRUE(finalized);
  EXPECT_EQ(finalized->slot, input.finalized.slot);
  finalized.Release();
  EXPECT_EQ(chain->SlotOf(input.head), chain->Head().slot);
  // Votes after pruning: the safe target may have been pruned with the blocks below the
  // finalized one (the spec never prunes); the target is still bounded by finalization.
  absl::StatusOr<consensus::AttestationData> vote = chain->ProduceAttestationData(slots + 1);
  ASSERT_TRUE(vote.ok()) << vote.status();
  EXPECT_GE(vote->target.slot, chain->Finalized().slot);
  EXPECT_TRUE(chain->HasBlock(vote->target.root));
  const wire::Status status = chain->GetStatus();
  EXPECT_EQ(status.head, chain->Head());
  EXPECT_EQ(status.finalized, chain->Finalized());

  const std::string text = registry_.RenderText();
  for (const char* series : {"lean_head_slot", "lean_latest_finalized_slot", "lean_state_transition_time_seconds_bucket",
                             "lean_pending_blocks_drain_iters_bucket", "beamcore_lock_hold_seconds_bucket{lock=\"states\"",
                             "beamcore_lock_wait_seconds_bucket{lock=\"fork_choice\"",
                             "beamcore_node_mutex_hold_time_seconds_bucket{site=\"states.insert\""}) {
    EXPECT_NE(text.find(series), std::string::npos) << series;
  }
}

// A node that learns the votes only from blocks (no aggregates over gossip, as a
// reference-node CLI that does not subscribe the aggregation topic) keeps its safe
// target at the justified checkpoint of the last interval 3, while here every block
// justifies its parent (the voters, with a current view, target their head). The
// target walk (down to the safe target) then ends below the source the head's block
// just justified. The spec asserts source <= target there (leanSpec's node crashed on
// it in a mixed devnet); the node refuses to produce that invalid vote, with a reason.
TEST_F(BeamChainTest, NoVoteWhenTheSourceIsNewerThanTheTarget) {
  const uint64_t slots = 6;
  // Blocks from a proposer whose pool holds, each slot, everyone's vote for the head.
  forkchoice::StoreCrypto crypto{&signatures_, &aggregates_, &prover_, nullptr};
  auto producer = *forkchoice::Store::FromAnchor(genesis_.state, genesis_.block, std::nullopt, crypto);
  std::vector<consensus::ValidatorIndex> everyone{0, 1, 2, 3};
  std::vector<consensus::SignedBlock> blocks;
  for (uint64_t slot = 1; slot <= slots; ++slot) {
    auto produced = producer->ProduceBlock(slot, slot % kValidators);
    ASSERT_TRUE(produced.ok()) << produced.status();
    blocks.push_back(testing::MockSigned(produced->block));
    ASSERT_TRUE(producer->OnTick(slot * 5 + 1, false, false).ok());
    consensus::AttestationData data = producer->ProduceAttestationData(slot);
    data.target = data.head;
    ASSERT_TRUE(producer->OnGossipAggregatedAttestation(testing::MockAggregate(data, everyone)).ok());
    ASSERT_TRUE(producer->OnTick(slot * 5 + 4, false, false).ok());
  }

  auto chain = MakeChain(/*worker=*/false);
  int refused = 0;
  for (uint64_t slot = 1; slot <= slots; ++slot) {
    ASSERT_TRUE(chain->OnTick(slot * 5).ok());
    ASSERT_TRUE(chain->OnBlock(blocks[slot - 1]).ok());
    ASSERT_TRUE(chain->OnTick(slot * 5 + 1).ok());
    absl::StatusOr<consensus::AttestationData> vote = chain->ProduceAttestationData(slot);
    if (vote.ok()) {
      EXPECT_LE(vote->source.slot, vote->target.slot) << "slot " << slot;
    } else {
      ++refused;
      EXPECT_TRUE(absl::IsFailedPrecondition(vote.status())) << vote.status();
      EXPECT_NE(vote.status().message().find("newer than the attestation target"), std::string::npos)
          << vote.status();
    }
    ASSERT_TRUE(chain->OnTick(slot * 5 + 4).ok());
  }
  EXPECT_GT(refused, 0) << "the lagging safe target never put the target below the source";
  EXPECT_GE(chain->Justified().slot, 3u) << "the blocks were meant to justify fast";
}

// BlocksByRange reads the canonical chain: fork choice above the finalized block and
// the finalized index (filled as finalization prunes) below it.
TEST_F(BeamChainTest, CanonicalBlockRootsSpanFinalizedHistoryAndForkChoice) {
  const uint64_t slots = 16;
  const testing::ProducedChain input = testing::ProduceChain(genesis_, kValidators, slots, /*fork_every=*/5);
  auto chain = MakeChain(/*worker=*/false);
  Feed(*chain, input, slots);
  ASSERT_GT(chain->Finalized().slot, 2u);

  // The expected canonical chain: the head's ancestors, down to genesis.
  absl::flat_hash_map<Root, const consensus::Block*> by_root;
  for (const auto& b : input.blocks) by_root[ssz::HashTreeRoot(b.block)] = &b.block;
  std::vector<std::pair<Slot, Root>> canonical;
  for (Root r = input.head; by_root.contains(r); r = by_root[r]->parent_root) canonical.emplace_back(by_root[r]->slot, r);
  canonical.emplace_back(0, ssz::HashTreeRoot(genesis_.block));
  std::reverse(canonical.begin(), canonical.end());

  EXPECT_EQ(chain->CanonicalBlockRoots(0, 1000), canonical);
  // A window across the finalized slot; one inside finalized history; one past the head.
  const Slot finalized = chain->Finalized().slot;
  std::vector<std::pair<Slot, Root>> window;
  for (const auto& e : canonical) {
    if (e.first >= finalized - 2 && e.first < finalized + 3) window.push_back(e);
  }
  EXPECT_EQ(chain->CanonicalBlockRoots(finalized - 2, 5), window);
  const std::vector<std::pair<Slot, Root>> slot_one{canonical[1]};
  EXPECT_EQ(chain->CanonicalBlockRoots(1, 1), slot_one);
  EXPECT_TRUE(chain->CanonicalBlockRoots(slots + 1, 10).empty());
  // No overflow at the top of the slot range.
  EXPECT_TRUE(chain->CanonicalBlockRoots(std::numeric_limits<Slot>::max(), 1024).empty());
}

TEST_F(BeamChainTest, WorkerImportsBlocksThatArriveChildrenFirst) {
  const uint64_t slots = 12;
  testing::ProducedChain input = testing::ProduceChain(genesis_, kValidators, slots, /*fork_every=*/4);
  std::reverse(input.blocks.begin(), input.blocks.end());  // every parent arrives after its child
  auto chain = MakeChain(/*worker=*/true);
  Feed(*chain, input, slots);
  EXPECT_EQ(chain->Head().root, input.head);
  EXPECT_EQ(chain->Finalized(), input.finalized);
  // What is left in the cache are fork blocks whose parent finalization pruned: they
  // can never import (they conflict with the finalized chain).
  for (const auto& b : input.blocks) {
    const Root root = ssz::HashTreeRoot(b.block);
    if (chain->block_cache().Contains(root)) {
      EXPECT_FALSE(chain->HasBlock(b.block.parent_root));
    } else if (b.block.slot > input.finalized.slot) {
      EXPECT_TRUE(chain->HasBlock(root) || chain->block_cache().Contains(root)) << b.block.slot;
    }
  }
  EXPECT_LE(chain->block_cache().size(), 2u);
}

TEST_F(BeamChainTest, FutureBlocksWaitForTheirSlot) {
  const testing::ProducedChain input = testing::ProduceChain(genesis_, kValidators, 3);
  auto chain = MakeChain(/*worker=*/false);
  absl::Status s = chain->OnBlock(input.blocks[0]);  // slot 1 while the clock is at 0
  EXPECT_TRUE(absl::IsUnavailable(s)) << s;
  EXPECT_EQ(chain->pending_block_count(), 1u);
  EXPECT_FALSE(chain->HasBlock(ssz::HashTreeRoot(input.blocks[0].block)));
  ASSERT_TRUE(chain->OnTick(5).ok());
  EXPECT_EQ(chain->pending_block_count(), 0u);
  EXPECT_TRUE(chain->HasBlock(ssz::HashTreeRoot(input.blocks[0].block)));
}

// A block far ahead of the clock is refused at once (and its sender can be scored),
// not kept as pending nor sent after its parent; one within the horizon waits.
TEST_F(BeamChainTest, BlocksTooFarAheadAreRefused) {
  ChainConfig config;
  config.max_future_slots = 2;
  auto chain = MakeChain(/*worker=*/false, config);
  const std::vector<consensus::SignedBlock> blocks = SiblingsOnGenesis({2, 3});
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_TRUE(absl::IsUnavailable(chain->OnBlock(blocks[0])));  // 2 ahead: waits
  const absl::Status far = chain->OnBlock(blocks[1]);            // 3 ahead: refused
  EXPECT_TRUE(absl::IsOutOfRange(far)) << far;
  EXPECT_EQ(chain->pending_block_count(), 1u);
  EXPECT_EQ(chain->block_cache().size(), 0u);
  EXPECT_NE(registry_.RenderText().find("lean_blocks_too_far_ahead_total 1"), std::string::npos);
  // Not marked invalid: once the clock is there the same block imports.
  ASSERT_TRUE(chain->OnTick(3 * 5).ok());
  EXPECT_TRUE(chain->OnBlock(blocks[1]).ok());
  EXPECT_TRUE(chain->HasBlock(ssz::HashTreeRoot(blocks[1].block)));
}

TEST_F(BeamChainTest, PendingBlocksAreBoundedFifo) {
  ChainConfig config;
  config.max_pending_blocks = 2;
  auto chain = MakeChain(/*worker=*/false, config);
  const std::vector<consensus::SignedBlock> future = SiblingsOnGenesis({1, 2, 3});
  ASSERT_EQ(future.size(), 3u);
  for (const auto& b : future) EXPECT_TRUE(absl::IsUnavailable(chain->OnBlock(b)));
  (void)chain->OnBlock(future[2]);  // a duplicate is not added twice
  EXPECT_EQ(chain->pending_block_count(), 2u);
  EXPECT_NE(registry_.RenderText().find("lean_pending_blocks_evicted_total{reason=\"full\"} 1"), std::string::npos);
  // The oldest (slot 1) was evicted; the others import when their slot comes.
  ASSERT_TRUE(chain->OnTick(3 * 5).ok());
  EXPECT_FALSE(chain->HasBlock(ssz::HashTreeRoot(future[0].block)));
  EXPECT_TRUE(chain->HasBlock(ssz::HashTreeRoot(future[1].block)));
  EXPECT_TRUE(chain->HasBlock(ssz::HashTreeRoot(future[2].block)));
}

TEST_F(BeamChainTest, InvalidBlocksAndTheirDescendantsAreRejected) {
  const testing::ProducedChain input = testing::ProduceChain(genesis_, kValidators, 3);
  auto chain = MakeChain(/*worker=*/false);
  ASSERT_TRUE(chain->OnTick(3 * 5).ok());
  consensus::SignedBlock bad = input.blocks[0];
  bad.block.state_root.bytes[0] ^= 1;
  absl::Status s = chain->OnBlock(bad);
  EXPECT_EQ(consensus::GetRejectionReason(s), consensus::RejectionReason::kSTATE_ROOT_MISMATCH);
  consensus::SignedBlock child = input.blocks[1];
  child.block.parent_root = ssz::HashTreeRoot(bad.block);
  s = chain->OnBlock(child);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("already found invalid"), std::string::npos) << s;
  // The honest blocks still import.
  for (const auto& b : input.blocks) EXPECT_TRUE(chain->OnBlock(b).ok());
}

TEST_F(BeamChainTest, WrongPrecomputedRootAbortsInDebugBuilds) {
  if (!lock_order::kEnabled) GTEST_SKIP() << "the re-hash check is compiled into BEAM_LOCK_CHECKS builds only";
  const testing::ProducedChain input = testing::ProduceChain(genesis_, kValidators, 1);
  auto chain = MakeChain(/*worker=*/false);
  EXPECT_DEATH((void)chain->OnBlock(input.blocks[0], Root{}), "precomputed block root");
}

TEST_F(BeamChainTest, FetchOutcomesSumToTheRootsAsked) {
  const testing::ProducedChain input = testing::ProduceChain(genesis_, kValidators, 3);
  auto chain = MakeChain(/*worker=*/false);
  ASSERT_TRUE(chain->OnTick(15).ok());
  ASSERT_TRUE(chain->OnBlock(input.blocks[0]).ok());
  ASSERT_FALSE(chain->OnBlock(input.blocks[2]).ok());  // parent unknown: cached
  const Root known = ssz::HashTreeRoot(input.blocks[0].block);
  const Root cached = ssz::HashTreeRoot(input.blocks[2].block);
  Root fresh;
  fresh.bytes[0] = 0x42;
  std::vector<Root> to_fetch = chain->SelectRootsToFetch({known, cached, fresh, fresh});
  ASSERT_EQ(to_fetch, std::vector<Root>{fresh});  // the second `fresh` is already pending
  chain->ReportFetch(to_fetch, FetchOutcome::kFetched);
  const std::string text = registry_.RenderText();
  for (const char* line : {"outcome=\"already_in_forkchoice\"} 1", "outcome=\"already_in_block_cache\"} 1",
                           "outcome=\"already_pending\"} 1", "outcome=\"fetched\"} 1"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line;
  }
  // When the parent arrives, the cached child imports too.
  ASSERT_TRUE(chain->OnBlock(input.blocks[1]).ok());
  EXPECT_TRUE(chain->HasBlock(cached));
}

TEST_F(BeamChainTest, ProducedBlocksAreImportedAndServed) {
  ChainConfig config;
  config.local_validators = {1};
  auto chain = MakeChain(/*worker=*/false, config);
  auto produced = chain->ProduceBlock(1, 1);
  ASSERT_TRUE(produced.ok()) << produced.status();
  EXPECT_TRUE(chain->HasBlock(produced->block_root));
  EXPECT_NE(chain->ShareState(produced->block_root), nullptr);
  auto data = chain->ProduceAttestationData(1);
  ASSERT_TRUE(data.ok());
  EXPECT_TRUE(chain->OnGossipAggregate(testing::MockAggregate(*data, {0, 1, 2, 3})).ok());
  EXPECT_EQ(chain->ProduceBlock(2, 1).status().code(), absl::StatusCode::kInvalidArgument);  // WRONG_PROPOSER
}

// A handler that blocks until released, to fill the queues.
class BlockingHandler : public ChainWorkHandler {
 public:
  void HandleTick(uint64_t) override { Wait(); }
  void HandleBlock(consensus::SignedBlock, const Root&, std::shared_ptr<VerifyPool::Ticket>) override {
    Wait();
    ++blocks;
  }
  void HandleAggregate(consensus::SignedAggregatedAttestation, const std::string&, std::shared_ptr<VerifyPool::Ticket>,
                       ArrivalTime) override {
    Wait();
    ++aggregates;
  }
  void HandleAttestation(consensus::SignedAttestation a, const std::string&, std::shared_ptr<VerifyPool::Ticket>,
                         ArrivalTime) override {
    Wait();
    last_attestation_slot = a.data.slot;
    ++attestations;
  }
  void Open() {
    MutexLock lock(&mu);
    open = true;
    cv.SignalAll();
  }
  std::atomic<int> blocks{0}, aggregates{0}, attestations{0};
  std::atomic<uint64_t> last_attestation_slot{0};

 private:
  void Wait() {
    MutexLock lock(&mu);
    while (!open) cv.Wait(&mu);
  }
  Mutex mu;
  CondVar cv;
  bool open ABSL_GUARDED_BY(mu) = false;
};

TEST(ChainWorkerTest, SaturatedQueuesDropAndCountWithoutBlocking) {
  metrics::Registry registry;
  BlockingHandler handler;
  ChainWorkerLimits limits;
  limits.blocks = 4;
  limits.attestations = 8;
  limits.aggregates = 2;
  ChainWorker worker(&handler, limits, &registry);
  worker.EnqueueTick(1);  // the worker takes it and blocks in the handler
  int accepted_blocks = 0;
  for (int i = 0; i < 10; ++i) accepted_blocks += worker.EnqueueBlock(consensus::SignedBlock{}, Root{}) ? 1 : 0;
  for (uint64_t i = 0; i < 20; ++i) {
    consensus::SignedAttestation a;
    a.data.slot = i;
    worker.EnqueueAttestation(a);
  }
  for (int i = 0; i < 5; ++i) worker.EnqueueAggregate(consensus::SignedAggregatedAttestation{});
  EXPECT_EQ(accepted_blocks, 4);  // FIFO: the newest are refused
  EXPECT_EQ(worker.dropped(ChainWorker::Queue::kBlocks), 6u);
  EXPECT_EQ(worker.dropped(ChainWorker::Queue::kAttestations), 12u);  // LIFO: the oldest go
  EXPECT_EQ(worker.dropped(ChainWorker::Queue::kAggregates), 3u);
  EXPECT_EQ(worker.depth(ChainWorker::Queue::kAttestations), 8u);
  const std::string text = registry.RenderText();
  EXPECT_NE(text.find("lean_chain_queue_dropped_total{queue=\"blocks\"} 6"), std::string::npos);
  EXPECT_NE(text.find("lean_chain_queue_depth{queue=\"attestations\"} 8"), std::string::npos);
  handler.Open();
  worker.WaitIdle();
  EXPECT_EQ(handler.blocks.load(), 4);
  EXPECT_EQ(handler.aggregates.load(), 2);
  EXPECT_EQ(handler.attestations.load(), 8);
  EXPECT_EQ(handler.last_attestation_slot.load(), 12u);  // LIFO: the newest first, the oldest kept one last
}

}  // namespace
}  // namespace beam::chain
