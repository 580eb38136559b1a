#include "forkchoice/store.h"

#include <memory>

#include "consensus/justification.h"
#include "consensus/rejection.h"
#include "consensus/state_transition.h"
#include "crypto/aggregate_prover.h"
#include "gtest/gtest.h"
#include "ssz/codec.h"
#include "ssz/container.h"
#include "validator/block_builder.h"

namespace beam::forkchoice {
namespace {

using consensus::AttestationData;
using consensus::GetRejectionReason;
using consensus::RejectionReason;

// Signature checks are not what these tests are about (the fork_choice fixtures run
// real XMSS); this verifier accepts everything except signatures from `rejected`.
class TestSignatureVerifier final : public crypto::SignatureVerifier {
 public:
  bool Verify(const crypto::xmss::PublicKey&, uint64_t, const ssz::Root&, const crypto::xmss::Signature&) const override {
    return accept;
  }
  bool accept = true;
};

class StoreTest : public ::testing::Test {
 protected:
  static constexpr uint64_t kValidators = 4;

  void SetUp() override { producer_ = MakeStore(); }

  std::unique_ptr<Store> MakeStore() {
    std::vector<consensus::Validator> validators(kValidators);
    for (uint64_t i = 0; i < kValidators; ++i) validators[i].index = i;
    State genesis = consensus::GenerateGenesis(0, validators);
    Block anchor;
    anchor.state_root = ssz::HashTreeRoot(genesis);
    anchor_root_ = ssz::HashTreeRoot(anchor);
    StoreCrypto crypto{&signatures_, &aggregates_, &prover_, nullptr};
    auto store = Store::FromAnchor(std::move(genesis), anchor, ValidatorIndex{0}, crypto);
    EXPECT_TRUE(store.ok()) << store.status();
    return std::move(*store);
  }

  SignedAggregatedAttestation Aggregate(const AttestationData& data, std::vector<ValidatorIndex> who) {
    SignedAggregatedAttestation a;
    a.data = data;
    a.proof.participants = validator::AggregationBitsFromIndices(who);
    a.proof.proof.bytes.assign(crypto::kMockedProofPrefix, crypto::kMockedProofPrefix + crypto::kMockedProofPrefixLength);
    return a;
  }

  // Not an aggregator: at interval 2 an aggregator replaces the pending pool with its
  // own round's proofs (aggregation.py), which would drop the gossiped aggregate.
  // Slot `slot` on `store`: the proposer builds on its head, then every validator's
  // aggregated vote for that block is gossiped and counted by the end of the slot.
  Block ProposeAndVote(Store& store, Slot slot, std::vector<ValidatorIndex> voters = {0, 1, 2, 3}) {
    absl::StatusOr<ProducedBlock> produced = store.ProduceBlock(slot, slot % kValidators);
    EXPECT_TRUE(produced.ok()) << produced.status();
    EXPECT_TRUE(store.OnTick(slot * 5 + 1, false, false).ok());
    const AttestationData data = store.ProduceAttestationData(slot);
    EXPECT_TRUE(store.OnGossipAggregatedAttestation(Aggregate(data, std::move(voters))).ok());
    EXPECT_TRUE(store.OnTick(slot * 5 + 4, false, false).ok());
    return produced->block;
  }

  TestSignatureVerifier signatures_;
  crypto::MockedAggregateVerifier aggregates_;
  crypto::MockedAggregateProver prover_;
  std::unique_ptr<Store> producer_;
  Root anchor_root_;
};

TEST_F(StoreTest, AnchorIsHeadJustifiedAndFinalized) {
  EXPECT_EQ(producer_->head(), anchor_root_);
  EXPECT_EQ(producer_->latest_justified().root, anchor_root_);
  EXPECT_EQ(producer_->latest_finalized().root, anchor_root_);
  EXPECT_EQ(producer_->time(), 0u);
}

TEST_F(StoreTest, AnchorWithWrongStateRootIsRejected) {
  std::vector<consensus::Validator> validators(1);
  State genesis = consensus::GenerateGenesis(0, validators);
  Block anchor;  // state_root left zero
  StoreCrypto crypto{&signatures_, &aggregates_, &prover_, nullptr};
  auto store = Store::FromAnchor(std::move(genesis), anchor, std::nullopt, crypto);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(GetRejectionReason(store.status()), RejectionReason::kANCHOR_STATE_ROOT_MISMATCH);
}

TEST_F(StoreTest, ProducedChainJustifiesAndFinalizesAndAFollowerAgrees) {
  std::unique_ptr<Store> follower = MakeStore();
  for (Slot slot = 1; slot <= 12; ++slot) {
    const Block block = ProposeAndVote(*producer_, slot);
    ASSERT_TRUE(follower->OnTick(slot * 5, true, false).ok());
    ASSERT_TRUE(follower->OnBlock(SignedBlock{block, {}}, BlockProofCheck::kSkipProofOnly).ok()) << slot;
    const AttestationData data = follower->ProduceAttestationData(slot);
    ASSERT_TRUE(follower->OnGossipAggregatedAttestation(Aggregate(data, {0, 1, 2, 3})).ok());
    ASSERT_TRUE(follower->OnTick(slot * 5 + 4, false, false).ok());
    EXPECT_EQ(follower->head(), producer_->head()) << slot;
  }
  EXPECT_GT(producer_->latest_justified().slot, 6u);
  EXPECT_GT(producer_->latest_finalized().slot, 4u);
  EXPECT_EQ(follower->latest_justified(), producer_->latest_justified());
  EXPECT_EQ(follower->latest_finalized(), producer_->latest_finalized());
  EXPECT_EQ(follower->head_slot(), 12u);
}

TEST_F(StoreTest, WrongProposerIsRejectedBeforeTimeMoves) {
  const uint64_t before = producer_->time();
  auto produced = producer_->ProduceBlock(1, 2);
  ASSERT_FALSE(produced.ok());
  EXPECT_EQ(GetRejectionReason(produced.status()), RejectionReason::kWRONG_PROPOSER);
  EXPECT_EQ(producer_->time(), before);
}

TEST_F(StoreTest, RejectedBlocksLeaveTheStoreUnchanged) {
  const Block b1 = ProposeAndVote(*producer_, 1);
  Block orphan = b1;
  orphan.parent_root.bytes[0] ^= 1;
  const Root head = producer_->head();
  const size_t blocks = producer_->block_count(), known = producer_->known_payloads().size();
  absl::Status s = producer_->OnBlock(SignedBlock{orphan, {}}, BlockProofCheck::kSkipProofOnly);
  EXPECT_EQ(GetRejectionReason(s), RejectionReason::kUNKNOWN_PARENT_BLOCK);
  EXPECT_EQ(producer_->head(), head);
  EXPECT_EQ(producer_->block_count(), blocks);
  EXPECT_EQ(producer_->known_payloads().size(), known);

  // A block repeating one attestation data.
  auto produced = producer_->ProduceBlock(2, 2);
  ASSERT_TRUE(produced.ok());
  Block dup = produced->block;
  ASSERT_FALSE(dup.body.attestations.empty());
  dup.body.attestations.items.push_back(dup.body.attestations[0]);
  dup.slot = 2;
  std::unique_ptr<Store> other = MakeStore();
  ASSERT_TRUE(other->OnBlock(SignedBlock{b1, {}}, BlockProofCheck::kSkipProofOnly).ok());
  const size_t other_known = other->known_payloads().size();
  s = other->OnBlock(SignedBlock{dup, {}}, BlockProofCheck::kSkipProofOnly);
  EXPECT_EQ(GetRejectionReason(s), RejectionReason::kDUPLICATE_ATTESTATION_DATA);
  EXPECT_EQ(other->known_payloads().size(), other_known);
  EXPECT_EQ(other->block_count(), 2u);
}

TEST_F(StoreTest, DuplicateBlockIsANoOp) {
  const Block b1 = ProposeAndVote(*producer_, 1);
  std::unique_ptr<Store> follower = MakeStore();
  ASSERT_TRUE(follower->OnBlock(SignedBlock{b1, {}}, BlockProofCheck::kSkipProofOnly).ok());
  ASSERT_TRUE(follower->OnBlock(SignedBlock{b1, {}}, BlockProofCheck::kSkipProofOnly).ok());
  EXPECT_EQ(follower->block_count(), 2u);
}

TEST_F(StoreTest, BlockProofIsVerifiedByDefault) {
  const Block b1 = ProposeAndVote(*producer_, 1);
  std::unique_ptr<Store> follower = MakeStore();
  // No proof: the mocked verifier rejects anything that is not a placeholder proof.
  absl::Status s = follower->OnBlock(SignedBlock{b1, {}});
  EXPECT_EQ(GetRejectionReason(s), RejectionReason::kINVALID_BLOCK_PROOF);
  SignedBlock signed_block{b1, {}};
  signed_block.proof.proof.bytes.assign(crypto::kMockedProofPrefix,
                                        crypto::kMockedProofPrefix + crypto::kMockedProofPrefixLength);
  EXPECT_TRUE(follower->OnBlock(signed_block).ok());
}

// on_tick over a long gap skips the intervals where nothing can change; the result
// must equal stepping every interval.
TEST_F(StoreTest, LongTickEqualsIntervalByInterval) {
  ProposeAndVote(*producer_, 1);
  std::unique_ptr<Store> stepped = MakeStore();
  std::unique_ptr<Store> jumped = MakeStore();
  for (Store* s : {stepped.get(), jumped.get()}) {
    for (Slot slot = 1; slot <= 3; ++slot) ProposeAndVote(*s, slot);
    // Pending votes that the jump must still accept at the right interval.
    ASSERT_TRUE(s->OnGossipAggregatedAttestation(Aggregate(s->ProduceAttestationData(3), {1, 2})).ok());
  }
  const uint64_t target = 5000;
  for (uint64_t t = stepped->time() + 1; t <= target; ++t) ASSERT_TRUE(stepped->OnTick(t, t == target, true).ok());
  ASSERT_TRUE(jumped->OnTick(target, true, true).ok());
  EXPECT_EQ(jumped->time(), stepped->time());
  EXPECT_EQ(jumped->head(), stepped->head());
  EXPECT_EQ(jumped->safe_target(), stepped->safe_target());
  EXPECT_EQ(jumped->latest_justified(), stepped->latest_justified());
  EXPECT_EQ(jumped->latest_finalized(), stepped->latest_finalized());
  EXPECT_EQ(jumped->known_payloads().size(), stepped->known_payloads().size());
  EXPECT_TRUE(jumped->new_payloads().empty());
}

TEST_F(StoreTest, GossipValidationRules) {
  ProposeAndVote(*producer_, 1);
  AttestationData data = producer_->ProduceAttestationData(1);
  auto reject = [&](const AttestationData& d) { return GetRejectionReason(producer_->ValidateAttestation(d)); };
  EXPECT_TRUE(producer_->ValidateAttestation(data).ok());

  AttestationData future = data;
  future.slot = UINT64_MAX;  // must not overflow the time check
  EXPECT_EQ(reject(future), RejectionReason::kATTESTATION_TOO_FAR_IN_FUTURE);
  future.slot = (producer_->time() + 1) / 5 + 1;  // one past the one-interval margin
  EXPECT_EQ(reject(future), RejectionReason::kATTESTATION_TOO_FAR_IN_FUTURE);

  AttestationData unknown = data;
  unknown.head.root.bytes[3] ^= 1;
  EXPECT_EQ(reject(unknown), RejectionReason::kUNKNOWN_HEAD_BLOCK);
  AttestationData swapped = data;
  swapped.source = data.head;
  swapped.target = data.source;
  EXPECT_EQ(reject(swapped), RejectionReason::kSOURCE_AFTER_TARGET);
  AttestationData early = data;
  early.slot = 0;
  EXPECT_EQ(reject(early), RejectionReason::kATTESTATION_SLOT_BEFORE_HEAD);

  // Participants outside the registry, and an empty participant set.
  EXPECT_EQ(GetRejectionReason(producer_->OnGossipAggregatedAttestation(Aggregate(data, {7}))),
            RejectionReason::kVALIDATOR_NOT_IN_STATE);
  SignedAggregatedAttestation empty = Aggregate(data, {0});
  empty.proof.participants = consensus::AggregationBits(3);
  EXPECT_EQ(GetRejectionReason(producer_->OnGossipAggregatedAttestation(empty)),
            RejectionReason::kEMPTY_AGGREGATION_BITS);
}

TEST_F(StoreTest, AggregatorTurnsRawVotesIntoOneProofAtInterval2) {
  ProposeAndVote(*producer_, 1);
  ASSERT_TRUE(producer_->OnTick(2 * 5, false, false).ok());
  const AttestationData data = producer_->ProduceAttestationData(2);
  for (ValidatorIndex v : {3, 1}) {
    SignedAttestation a;
    a.validator_index = v;
    a.data = data;
    ASSERT_TRUE(producer_->OnGossipAttestation(a, /*is_aggregator=*/true).ok());
  }
  SignedAttestation not_kept;
  not_kept.validator_index = 2;
  not_kept.data = data;
  ASSERT_TRUE(producer_->OnGossipAttestation(not_kept, /*is_aggregator=*/false).ok());
  ASSERT_EQ(producer_->attestation_signatures().size(), 1u);

  std::vector<SignedAggregatedAttestation> made;
  ASSERT_TRUE(producer_->OnTick(2 * 5 + 2, false, true, &made).ok());
  ASSERT_EQ(made.size(), 1u);
  EXPECT_EQ(ParticipantIndices(made[0].proof.participants), (std::vector<ValidatorIndex>{1, 3}));
  EXPECT_TRUE(producer_->attestation_signatures().empty());
  EXPECT_EQ(producer_->new_payloads().size(), 1u);
  // The aggregate verifies like any gossiped one.
  EXPECT_TRUE(aggregates_.VerifySingleMessage({crypto::xmss::PublicKey{}, crypto::xmss::PublicKey{}},
                                              ssz::HashTreeRoot(data), data.slot,
                                              ssz::ByteView(made[0].proof.proof.bytes.data(),
                                                            made[0].proof.proof.bytes.size()))
                  .ok());

  signatures_.accept = false;
  SignedAttestation bad;
  bad.validator_index = 0;
  bad.data = data;
  EXPECT_EQ(GetRejectionReason(producer_->OnGossipAttestation(bad, true)), RejectionReason::kINVALID_SIGNATURE);
  signatures_.accept = true;
}

TEST_F(StoreTest, PruneFinalizedDropsDeadForksAndKeepsTheHead) {
  std::unique_ptr<Store> follower = MakeStore();
  // A side block at slot 1 that loses, then a finalizing chain.
  auto side = follower->ProduceBlock(1, 1);
  ASSERT_TRUE(side.ok());
  for (Slot slot = 2; slot <= 12; ++slot) {
    const Block block = ProposeAndVote(*producer_, slot);
    ASSERT_TRUE(follower->OnTick(slot * 5, true, false).ok());
    ASSERT_TRUE(follower->OnBlock(SignedBlock{block, {}}, BlockProofCheck::kSkipProofOnly).ok()) << slot;
    ASSERT_TRUE(follower->OnGossipAggregatedAttestation(Aggregate(follower->ProduceAttestationData(slot), {0, 1, 2, 3})).ok());
    ASSERT_TRUE(follower->OnTick(slot * 5 + 4, false, false).ok());
  }
  ASSERT_GT(follower->latest_finalized().slot, 2u);
  const Root head = follower->head();
  const size_t before = follower->block_count();
  const size_t dropped = follower->PruneFinalized().size();
  EXPECT_GT(dropped, 1u);  // the side block and the finalized block's ancestors
  EXPECT_EQ(follower->block_count(), before - dropped);
  EXPECT_FALSE(follower->HasBlock(side->block_root));
  EXPECT_EQ(follower->StateOf(side->block_root), nullptr);
  EXPECT_TRUE(follower->HasBlock(follower->latest_finalized().root));
  follower->UpdateHead();
  EXPECT_EQ(follower->head(), head);
  // The chain goes on after pruning.
  const Block next = ProposeAndVote(*producer_, 13);
  ASSERT_TRUE(follower->OnTick(13 * 5, true, false).ok());
  ASSERT_TRUE(follower->OnBlock(SignedBlock{next, {}}, BlockProofCheck::kSkipProofOnly).ok());
  EXPECT_EQ(follower->head(), producer_->head());
}

// A node that catches up imports blocks that finalize far past its last interval-3
// tick: pruning drops the safe target it had, and the safe target must still name a
// block of the tree (HeadInfo reads its slot).
TEST_F(StoreTest, PruningNeverLeavesTheSafeTargetOutsideTheTree) {
  std::vector<Block> blocks;
  for (Slot slot = 1; slot <= 12; ++slot) blocks.push_back(ProposeAndVote(*producer_, slot));
  std::unique_ptr<Store> follower = MakeStore();
  ASSERT_TRUE(follower->OnTick(12 * 5, true, false).ok());  // the safe target stays the anchor
  const Root old_safe_target = follower->safe_target();
  for (const Block& block : blocks) {
    ASSERT_TRUE(follower->OnBlock(SignedBlock{block, {}}, BlockProofCheck::kSkipProofOnly).ok()) << block.slot;
  }
  ASSERT_GT(follower->latest_finalized().slot, 0u);
  ASSERT_FALSE(follower->PruneFinalized().empty());
  ASSERT_FALSE(follower->HasBlock(old_safe_target));  // the anchor went with the pruning
  EXPECT_TRUE(follower->HasBlock(follower->safe_target()));
  EXPECT_TRUE(follower->BlockSlot(follower->safe_target()).has_value());
  EXPECT_EQ(follower->safe_target(), follower->latest_finalized().root);
}

TEST(SelectProofsForCoverageTest, GreedyCoverPrefersPriorityPool) {
  auto proof = [](std::vector<ValidatorIndex> who, uint8_t tag) {
    SingleMessageAggregate p;
    p.participants = validator::AggregationBitsFromIndices(who);
    p.proof.bytes = {tag};
    return p;
  };
  std::vector<SingleMessageAggregate> priority = {proof({0, 1}, 1), proof({1}, 2)};
  std::vector<SingleMessageAggregate> fallback = {proof({1, 2, 3}, 3), proof({3, 4}, 4), proof({2}, 5)};
  std::vector<ValidatorIndex> covered;
  auto picked = validator::SelectProofsForCoverage(&priority, &fallback, &covered);
  ASSERT_EQ(picked.size(), 3u);
  EXPECT_EQ(picked[0]->proof.bytes[0], 1);  // priority first
  // {1,2,3} and {3,4} both add two: the larger SSZ encoding ({3,4}) wins the tie.
  EXPECT_EQ(picked[1]->proof.bytes[0], 4);
  EXPECT_EQ(picked[2]->proof.bytes[0], 3);  // adds {2}, ties with {2} alone on encoding
  EXPECT_EQ(covered, (std::vector<ValidatorIndex>{0, 1, 2, 3, 4}));
}

// The retention window bounds the pools without finalization and never changes the
// head: an old entry that is still some validator's latest vote stays.
TEST_F(StoreTest, PruneAttestationPoolsKeepsLatestVotesAndTheHead) {
  for (Slot slot = 1; slot <= 3; ++slot) ProposeAndVote(*producer_, slot);
  // Validators 2 and 3 go quiet (finality stops): their slot-3 vote stays their latest.
  for (Slot slot = 4; slot <= 12; ++slot) ProposeAndVote(*producer_, slot, {0, 1});
  const Slot finalized = producer_->latest_finalized().slot;
  ASSERT_LT(finalized, 3u);
  const auto entry_at = [&](Slot slot) {
    const PayloadPool::Entry* found = nullptr;
    producer_->known_payloads().ForEach([&](const PayloadPool::Entry& e) {
      if (e.data.slot == slot && !e.values.empty()) found = &e;
    });
    return found;
  };
  ASSERT_NE(entry_at(3), nullptr);
  const AttestationData quiet_vote = entry_at(3)->data;
  const AttestationData last_vote = entry_at(12)->data;
  const Root head = producer_->head();
  const auto weights = producer_->BlockWeights();

  // Within the window only entries built on an older source than the justified one go.
  producer_->PruneAttestationPools(13, 32);
  for (Slot slot = 5; slot <= 12; ++slot) EXPECT_NE(entry_at(slot), nullptr) << slot;

  const size_t before = producer_->known_payloads().size();
  const size_t dropped = producer_->PruneAttestationPools(40, 4);
  EXPECT_EQ(producer_->known_payloads().size(), 2u);  // validators 2-3's and 0-1's latest
  EXPECT_EQ(dropped, before - 2);
  EXPECT_NE(producer_->known_payloads().Find(quiet_vote), nullptr);
  EXPECT_NE(producer_->known_payloads().Find(last_vote), nullptr);
  EXPECT_EQ(producer_->head(), head);
  producer_->UpdateHead();
  EXPECT_EQ(producer_->head(), head);
  EXPECT_EQ(producer_->BlockWeights(), weights);
}

// A store whose finalized checkpoint is newer than its head state's (a checkpoint
// anchor, or a node that pruned on a fork that lost): kHeadState targets slots the
// head chain's state transition can justify.
TEST_F(StoreTest, AttestationTargetCanFollowTheHeadStatesFinality) {
  Block anchor_block;
  for (Slot slot = 1; slot <= 10; ++slot) anchor_block = ProposeAndVote(*producer_, slot);
  std::shared_ptr<const State> anchor_state = producer_->StateOf(ssz::HashTreeRoot(anchor_block));
  ASSERT_NE(anchor_state, nullptr);
  ASSERT_LT(anchor_state->latest_finalized.slot, 10u);
  StoreCrypto crypto{&signatures_, &aggregates_, &prover_, nullptr};
  auto synced = Store::FromAnchor(*anchor_state, anchor_block, ValidatorIndex{0}, crypto);
  ASSERT_TRUE(synced.ok()) << synced.status();
  Store& store = **synced;
  const Slot anchor_slot = store.latest_finalized().slot;
  const Slot state_finalized = anchor_state->latest_finalized.slot;
  ASSERT_EQ(anchor_slot, anchor_block.slot);

  bool differed = false;
  for (Slot slot = anchor_slot + 1; slot <= anchor_slot + 24; ++slot) {
    absl::StatusOr<ProducedBlock> produced = store.ProduceBlock(slot, slot % kValidators);  // no votes
    ASSERT_TRUE(produced.ok()) << produced.status();
    store.UpdateHead();
    const Checkpoint spec = store.GetAttestationTarget(Store::TargetFinality::kStore);
    const Checkpoint live = store.GetAttestationTarget(Store::TargetFinality::kHeadState);
    EXPECT_TRUE(spec.slot == anchor_slot || consensus::IsJustifiableAfter(spec.slot, anchor_slot)) << slot;
    EXPECT_TRUE(consensus::IsJustifiableAfter(live.slot, state_finalized)) << slot;
    differed |= spec.slot != live.slot;
  }
  EXPECT_TRUE(differed);
}

// Raw signatures nobody aggregated age out too.
TEST_F(StoreTest, PruneAttestationPoolsDropsOldRawSignatures) {
  ProposeAndVote(*producer_, 1);
  SignedAttestation vote;
  vote.validator_index = 2;
  vote.data = producer_->ProduceAttestationData(1);
  ASSERT_TRUE(producer_->OnGossipAttestation(vote, /*is_aggregator=*/true).ok());
  ASSERT_EQ(producer_->attestation_signatures().size(), 1u);
  producer_->PruneAttestationPools(5, 4);
  EXPECT_EQ(producer_->attestation_signatures().size(), 1u);
  producer_->PruneAttestationPools(6, 4);
  EXPECT_TRUE(producer_->attestation_signatures().empty());
}

}  // namespace
}  // namespace beam::forkchoice
