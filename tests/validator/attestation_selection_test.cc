// The proposer's attestation selection (validator/attestation_selection.h) through
// BuildBlock, on a chain of empty blocks over 9 validators (2/3 = 6 votes).

#include "validator/attestation_selection.h"

#include <memory>
#include <vector>

#include "consensus/state_transition.h"
#include "crypto/aggregate_prover.h"
#include "crypto/verifier.h"
#include "gtest/gtest.h"
#include "ssz/codec.h"
#include "ssz/container.h"
#include "validator/block_builder.h"

namespace beam::validator {
namespace {

using consensus::AttestationData;
using consensus::Checkpoint;
using consensus::Slot;
using consensus::State;
using consensus::ValidatorIndex;
using ssz::Root;

constexpr uint64_t kValidators = 9;

class AttestationSelectionTest : public ::testing::Test {
 protected:
  // Blocks at slots 1..`head_slot`, no attestations.
  void SetUp() override {
    std::vector<consensus::Validator> validators(kValidators);
    for (uint64_t i = 0; i < kValidators; ++i) validators[i].index = i;
    states_.push_back(consensus::GenerateGenesis(0, validators));
    consensus::Block anchor;
    anchor.state_root = ssz::HashTreeRoot(states_[0]);
    roots_.push_back(ssz::HashTreeRoot(anchor));
    for (Slot slot = 1; slot <= kHeadSlot; ++slot) {
      absl::StatusOr<BuiltBlock> built = Build(slot, nullptr);
      ASSERT_TRUE(built.ok()) << built.status();
      Extend(*built);
    }
  }

  absl::StatusOr<BuiltBlock> Build(Slot slot, const std::vector<AttestationCandidate>* pool) {
    BlockBuildInputs in;
    in.pre_state = &states_.back();
    in.slot = slot;
    in.proposer_index = slot % kValidators;
    in.parent_root = roots_.back();
    in.is_known_block = [this](const Root& r) { return std::find(roots_.begin(), roots_.end(), r) != roots_.end(); };
    if (pool != nullptr) in.candidates = *pool;
    in.prover = &prover_;
    return BuildBlock(in);
  }

  void Extend(const BuiltBlock& built) {
    roots_.push_back(ssz::HashTreeRoot(built.block));
    states_.push_back(built.post_state);
  }

  Checkpoint At(Slot slot) const { return Checkpoint{roots_[slot], slot}; }

  // A vote at `slot` for the head block at `slot` (or `head`), `target` and the genesis source.
  AttestationData Vote(Slot slot, Slot target, std::optional<Slot> head = std::nullopt) const {
    AttestationData d;
    d.slot = slot;
    d.head = At(head.value_or(slot));
    d.target = At(target);
    d.source = At(0);
    return d;
  }

  // A proof of `who` for `data`, added to its candidate (created if absent).
  void Add(std::vector<AttestationCandidate>& pool, const AttestationData& data, std::vector<ValidatorIndex> who) {
    consensus::SingleMessageAggregate proof;
    proof.participants = AggregationBitsFromIndices(who);
    proof.proof.bytes.assign(crypto::kMockedProofPrefix, crypto::kMockedProofPrefix + crypto::kMockedProofPrefixLength);
    for (AttestationCandidate& c : pool) {
      if (c.data == data) {
        c.proofs.push_back(std::move(proof));
        return;
      }
    }
    pool.push_back(AttestationCandidate{data, ssz::HashTreeRoot(data), {std::move(proof)}});
  }

  static std::vector<ValidatorIndex> All() { return {0, 1, 2, 3, 4, 5, 6, 7, 8}; }

  static bool Carries(const consensus::Block& block, const AttestationData& data) {
    for (const consensus::AggregatedAttestation& a : block.body.attestations.items) {
      if (a.data == data) return true;
    }
    return false;
  }

  static constexpr Slot kHeadSlot = 12;
  crypto::MockedAggregateProver prover_;
  std::vector<State> states_;
  std::vector<Root> roots_;
};

// The reproduction of the deadlock: more stale votes than the block can carry, none
// able to reach 2/3, ordered (by target) before a fresh vote of every validator. The
// spec's order fills the block with the stale ones; the fresh vote must get in.
TEST_F(AttestationSelectionTest, FreshSupermajorityBeatsStaleVotesThatFillTheBudget) {
  std::vector<AttestationCandidate> pool;
  // Ten stale votes of three validators: targets 1..6 and 9 (justifiable after 0).
  const Slot stale_targets[] = {1, 2, 3, 4, 5, 6, 6, 9, 9, 9};
  for (Slot i = 0; i < 10; ++i) Add(pool, Vote(i + 1, stale_targets[i]), {0, 1, 2});
  const AttestationData fresh = Vote(kHeadSlot, kHeadSlot);  // 12 = 3 x 4: justifiable
  Add(pool, fresh, All());
  ASSERT_GT(pool.size(), consensus::kMaxAttestationsData);

  absl::StatusOr<BuiltBlock> built = Build(kHeadSlot + 1, &pool);
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_TRUE(Carries(built->block, fresh));
  EXPECT_EQ(built->post_state.latest_justified, At(kHeadSlot));
  EXPECT_LE(built->block.body.attestations.items.size(), consensus::kMaxAttestationsData);
}

// Votes the state already counted toward their target add nothing: a later block does
// not carry them again, and leaves room for what still adds voters.
TEST_F(AttestationSelectionTest, CountedVotesAreNotIncludedAgain) {
  std::vector<AttestationCandidate> pool;
  const AttestationData stale = Vote(4, 4);
  Add(pool, stale, {0, 1, 2});
  absl::StatusOr<BuiltBlock> first = Build(kHeadSlot + 1, &pool);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(Carries(first->block, stale));  // new voters: counted now
  Extend(*first);

  const AttestationData more = Vote(5, 4);  // the same target, one voter not yet counted
  Add(pool, more, {2, 3});
  absl::StatusOr<BuiltBlock> second = Build(kHeadSlot + 2, &pool);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_FALSE(Carries(second->block, stale));
  EXPECT_TRUE(Carries(second->block, more));
  Extend(*second);

  absl::StatusOr<BuiltBlock> third = Build(kHeadSlot + 3, &pool);
  ASSERT_TRUE(third.ok()) << third.status();
  EXPECT_TRUE(third->block.body.attestations.items.empty());
}

// One attestation data per slot (aggregate provers carry one message per slot): of two
// votes of one slot, the one adding more voters goes in; the other waits for a later block.
TEST_F(AttestationSelectionTest, AtMostOneVotePerSlotTheHeavierFirst) {
  std::vector<AttestationCandidate> pool;
  const AttestationData light = Vote(10, 9, /*head=*/9);
  const AttestationData heavy = Vote(10, 9, /*head=*/10);
  Add(pool, light, {7, 8});
  Add(pool, heavy, {0, 1, 2, 3});
  absl::StatusOr<BuiltBlock> first = Build(kHeadSlot + 1, &pool);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(Carries(first->block, heavy));
  EXPECT_FALSE(Carries(first->block, light));
  Extend(*first);

  absl::StatusOr<BuiltBlock> second = Build(kHeadSlot + 2, &pool);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(Carries(second->block, light));
  EXPECT_EQ(second->post_state.latest_justified, At(9));  // 4 + 2 of 9 voters
}

TEST_F(AttestationSelectionTest, NoVoteAtTheBlocksOwnSlot) {
  std::vector<AttestationCandidate> pool;
  const AttestationData same_slot = Vote(kHeadSlot + 1, kHeadSlot, /*head=*/kHeadSlot);
  Add(pool, same_slot, All());
  absl::StatusOr<BuiltBlock> built = Build(kHeadSlot + 1, &pool);
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_FALSE(Carries(built->block, same_slot));
}

// Several rounds still chain: a justification in the block makes the votes built on
// it eligible, and the distinct slots rule holds across rounds.
TEST_F(AttestationSelectionTest, JustificationInTheBlockUnlocksVotesBuiltOnIt) {
  std::vector<AttestationCandidate> pool;
  Add(pool, Vote(5, 5), All());
  AttestationData next = Vote(6, 6);
  next.source = At(5);
  Add(pool, next, All());
  absl::StatusOr<BuiltBlock> built = Build(kHeadSlot + 1, &pool);
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_TRUE(Carries(built->block, next));
  EXPECT_EQ(built->post_state.latest_justified, At(6));
  EXPECT_EQ(built->post_state.latest_finalized, At(5));
}

TEST_F(AttestationSelectionTest, VotesTheTransitionWouldSkipAreLeftOut) {
  std::vector<AttestationCandidate> pool;
  const AttestationData unjustifiable = Vote(8, 7);  // 7 is not justifiable after 0
  Add(pool, unjustifiable, All());
  AttestationData wrong_source = Vote(9, 9);
  wrong_source.source = At(3);  // not the justified checkpoint
  Add(pool, wrong_source, All());
  absl::StatusOr<BuiltBlock> built = Build(kHeadSlot + 1, &pool);
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_TRUE(built->block.body.attestations.items.empty());
}

TEST(VoterSetTest, CountsAndDifferences) {
  VoterSet a(130), b(130);
  for (ValidatorIndex v : {0u, 63u, 64u, 129u}) a.Add(v);
  for (ValidatorIndex v : {63u, 129u, 5u}) b.Add(v);
  EXPECT_EQ(a.Count(), 4u);
  EXPECT_EQ(a.CountNotIn(b), 2u);
  EXPECT_TRUE(a.Contains(129));
  EXPECT_FALSE(a.Contains(5));
  a.AddAll(b);
  EXPECT_EQ(a.Count(), 5u);
  a.Add(300);  // grows
  EXPECT_TRUE(a.Contains(300));
}

}  // namespace
}  // namespace beam::validator
