// The Lstar state transition (consensus/state_transition.h) on small synthetic
// chains: acceptance, pre-state isolation, header rejections and 3SF-mini
// justification / finalization.

#include "consensus/state_transition.h"

#include <cstdint>
#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include "consensus/justification.h"
#include "consensus/rejection.h"
#include "ssz/codec.h"

namespace beam::consensus {
namespace {

std::vector<Validator> MakeValidators(size_t n) {
  std::vector<Validator> out(n);
  for (size_t i = 0; i < n; ++i) {
    out[i].index = i;
    for (size_t b = 0; b < 52; ++b) {
      out[i].attestation_public_key[b] = static_cast<uint8_t>(i * 31 + b);
      out[i].proposal_public_key[b] = static_cast<uint8_t>(i * 17 + 3 * b + 1);
    }
  }
  return out;
}

// A block at `slot` on top of `pre` that carries `attestations`, with the
// scheduled proposer, the right parent root, and the state root of the post-state
// (computed by running ProcessSlots + ProcessBlock on a copy). If processing fails
// the state root is left zero.
Block BuildBlock(const State& pre, Slot slot, const AggregatedAttestations& attestations = {}) {
  Block block;
  block.slot = slot;
  block.proposer_index = pre.validators.empty() ? 0 : slot % pre.validators.size();
  block.body.attestations = attestations;
  State tmp = pre;
  if (!ProcessSlots(tmp, slot).ok()) return block;
  block.parent_root = ssz::HashTreeRoot(tmp.latest_block_header);
  if (!ProcessBlock(tmp, block).ok()) return block;
  block.state_root = ssz::HashTreeRoot(tmp);
  return block;
}

AggregationBits Bits(size_t n, std::initializer_list<size_t> set) {
  AggregationBits bits(n);
  for (size_t i : set) bits.Set(i, true);
  return bits;
}

AggregatedAttestation Vote(const Checkpoint& source, const Checkpoint& target, AggregationBits bits,
                           std::optional<Checkpoint> head = std::nullopt) {
  AggregatedAttestation a;
  a.aggregation_bits = std::move(bits);
  a.data.slot = target.slot;
  a.data.source = source;
  a.data.target = target;
  a.data.head = head.value_or(target);
  return a;
}

// Applies `block` through StateTransition, asserting success and that the
// pre-state is not modified.
State Apply(const State& pre, const Block& block) {
  const ssz::ByteVec pre_bytes = ssz::Encode(pre);
  const Root pre_root = ssz::HashTreeRoot(pre);
  absl::StatusOr<State> post = StateTransition(pre, block);
  EXPECT_TRUE(post.ok()) << "slot " << block.slot << ": " << post.status();
  EXPECT_EQ(ssz::Encode(pre), pre_bytes);
  EXPECT_EQ(ssz::HashTreeRoot(pre), pre_root);
  if (!post.ok()) return pre;
  EXPECT_EQ(ssz::HashTreeRoot(*post), block.state_root);
  return *std::move(post);
}

std::optional<RejectionReason> ReasonOf(const State& pre, const Block& block) {
  absl::StatusOr<State> post = StateTransition(pre, block);
  if (post.ok()) return std::nullopt;
  return GetRejectionReason(post.status());
}

class StateTransitionTest : public ::testing::Test {
 protected:
  StateTransitionTest() : genesis_(GenerateGenesis(1000, MakeValidators(4))) {}
  State genesis_;
};

TEST_F(StateTransitionTest, Genesis) {
  EXPECT_EQ(genesis_.slot, 0u);
  EXPECT_EQ(genesis_.config.genesis_time, 1000u);
  EXPECT_EQ(genesis_.validators.size(), 4u);
  EXPECT_EQ(genesis_.latest_block_header.body_root, ssz::HashTreeRoot(BlockBody{}));
  EXPECT_TRUE(genesis_.latest_block_header.state_root.IsZero());
  EXPECT_TRUE(genesis_.historical_block_hashes.empty());
  EXPECT_TRUE(genesis_.justified_slots.empty());
  EXPECT_EQ(genesis_.latest_justified, Checkpoint{});
}

TEST_F(StateTransitionTest, ValidChainOfEmptyBlocks) {
  State state = genesis_;
  std::vector<Root> block_roots{};
  const Root genesis_state_root = ssz::HashTreeRoot(genesis_);
  for (Slot slot = 1; slot <= 6; ++slot) {
    const Block block = BuildBlock(state, slot);
    EXPECT_EQ(block.proposer_index, slot % 4);
    const State post = Apply(state, block);
    ASSERT_EQ(post.slot, slot);
    EXPECT_EQ(post.latest_block_header.slot, slot);
    EXPECT_EQ(post.latest_block_header.parent_root, block.parent_root);
    EXPECT_TRUE(post.latest_block_header.state_root.IsZero());
    EXPECT_EQ(post.historical_block_hashes.size(), slot);
    EXPECT_EQ(post.historical_block_hashes[slot - 1], block.parent_root);
    block_roots.push_back(ssz::HashTreeRoot(block));
    state = post;
  }
  // The first block's parent is the genesis header with the genesis state root.
  BlockHeader genesis_header = genesis_.latest_block_header;
  genesis_header.state_root = genesis_state_root;
  EXPECT_EQ(state.historical_block_hashes[0], ssz::HashTreeRoot(genesis_header));
  // Each later entry is the root of the block before it (a block's root equals its
  // header's root once the header carries the post-state root).
  for (size_t i = 1; i < state.historical_block_hashes.size(); ++i) {
    EXPECT_EQ(state.historical_block_hashes[i], block_roots[i - 1]) << i;
  }
  // Genesis is the anchor: justified and finalized at slot 0 after block 1.
  EXPECT_EQ(state.latest_justified, (Checkpoint{state.historical_block_hashes[0], 0}));
  EXPECT_EQ(state.latest_finalized, (Checkpoint{state.historical_block_hashes[0], 0}));
  // Slots 1..5 are tracked (the head slot is not materialized yet), none justified.
  EXPECT_EQ(state.justified_slots.size(), 5u);
  for (size_t i = 0; i < 5; ++i) EXPECT_FALSE(state.justified_slots.Get(i));
}

TEST_F(StateTransitionTest, InPlaceMatchesCopy) {
  const Block b1 = BuildBlock(genesis_, 1);
  State in_place = genesis_;
  ASSERT_TRUE(ApplyStateTransition(in_place, b1).ok());
  const State copied = Apply(genesis_, b1);
  EXPECT_TRUE(in_place == copied);
  EXPECT_EQ(ssz::HashTreeRoot(in_place), ssz::HashTreeRoot(copied));
}

TEST_F(StateTransitionTest, SkippedSlotsRecordZeroHashes) {
  const State s1 = Apply(genesis_, BuildBlock(genesis_, 1));
  const Block b4 = BuildBlock(s1, 4);
  EXPECT_EQ(b4.proposer_index, 0u);
  const State s4 = Apply(s1, b4);
  ASSERT_EQ(s4.historical_block_hashes.size(), 4u);
  EXPECT_FALSE(s4.historical_block_hashes[1].IsZero());
  EXPECT_TRUE(s4.historical_block_hashes[2].IsZero());
  EXPECT_TRUE(s4.historical_block_hashes[3].IsZero());
  EXPECT_EQ(s4.justified_slots.size(), 3u);
}

TEST_F(StateTransitionTest, WrongProposer) {
  Block block = BuildBlock(genesis_, 1);
  block.proposer_index = 2;
  EXPECT_EQ(ReasonOf(genesis_, block), RejectionReason::kWRONG_PROPOSER);
  block.proposer_index = 5;
  EXPECT_EQ(ReasonOf(genesis_, block), RejectionReason::kWRONG_PROPOSER);
}

TEST_F(StateTransitionTest, WrongParent) {
  Block block = BuildBlock(genesis_, 1);
  block.parent_root[0] ^= 1;
  EXPECT_EQ(ReasonOf(genesis_, block), RejectionReason::kPARENT_ROOT_MISMATCH);
  // The genesis header without its state root filled in is not the parent either.
  block.parent_root = ssz::HashTreeRoot(genesis_.latest_block_header);
  EXPECT_EQ(ReasonOf(genesis_, block), RejectionReason::kPARENT_ROOT_MISMATCH);
}

TEST_F(StateTransitionTest, BadStateRoot) {
  Block block = BuildBlock(genesis_, 1);
  block.state_root[31] ^= 0x80;
  EXPECT_EQ(ReasonOf(genesis_, block), RejectionReason::kSTATE_ROOT_MISMATCH);
  State in_place = genesis_;
  const absl::Status s = ApplyStateTransition(in_place, block);
  EXPECT_EQ(GetRejectionReason(s), RejectionReason::kSTATE_ROOT_MISMATCH);
}

TEST_F(StateTransitionTest, BlockSlotNotInFuture) {
  const State s1 = Apply(genesis_, BuildBlock(genesis_, 1));
  Block again = BuildBlock(genesis_, 1);  // a second block at slot 1
  EXPECT_EQ(ReasonOf(s1, again), RejectionReason::kBLOCK_SLOT_NOT_IN_FUTURE);
  Block genesis_slot;
  genesis_slot.slot = 0;
  EXPECT_EQ(ReasonOf(genesis_, genesis_slot), RejectionReason::kBLOCK_SLOT_NOT_IN_FUTURE);
  State advanced = s1;
  EXPECT_EQ(GetRejectionReason(ProcessSlots(advanced, 1)), RejectionReason::kBLOCK_SLOT_NOT_IN_FUTURE);
}

TEST_F(StateTransitionTest, BlockSlotMismatchInProcessBlock) {
  State state = genesis_;
  ASSERT_TRUE(ProcessSlots(state, 1).ok());
  Block block = BuildBlock(genesis_, 2);
  EXPECT_EQ(GetRejectionReason(ProcessBlock(state, block)), RejectionReason::kBLOCK_SLOT_MISMATCH);
}

TEST_F(StateTransitionTest, EmptyValidatorRegistry) {
  const State empty = GenerateGenesis(0, {});
  Block block;
  block.slot = 1;
  State tmp = empty;
  ASSERT_TRUE(ProcessSlots(tmp, 1).ok());
  block.parent_root = ssz::HashTreeRoot(tmp.latest_block_header);
  EXPECT_EQ(ReasonOf(empty, block), RejectionReason::kEMPTY_VALIDATOR_REGISTRY);
}

TEST_F(StateTransitionTest, TooManyAttestationData) {
  const State s1 = Apply(genesis_, BuildBlock(genesis_, 1));
  AggregatedAttestations atts;
  for (Slot i = 0; i < 9; ++i) {
    AggregatedAttestation a = Vote(Checkpoint{Root{}, 0}, Checkpoint{Root{}, 0}, Bits(4, {0}));
    a.data.slot = i;  // 9 distinct data
    atts.items.push_back(a);
  }
  const Block block = BuildBlock(s1, 2, atts);
  EXPECT_EQ(ReasonOf(s1, block), RejectionReason::kTOO_MANY_ATTESTATION_DATA);

  // Eight distinct data, one of them repeated: the cap counts distinct data only.
  atts.items.back().data.slot = 0;
  const Block ok_block = BuildBlock(s1, 2, atts);
  EXPECT_FALSE(ok_block.state_root.IsZero());
  Apply(s1, ok_block);
}

TEST_F(StateTransitionTest, SupermajorityJustifiesTarget) {
  const Block b1 = BuildBlock(genesis_, 1);
  const State s1 = Apply(genesis_, b1);
  const Checkpoint source{b1.parent_root, 0};
  const Checkpoint target{ssz::HashTreeRoot(b1), 1};

  AggregatedAttestations atts;
  atts.items.push_back(Vote(source, target, Bits(4, {0, 1, 2})));
  const Block b2 = BuildBlock(s1, 2, atts);
  const State s2 = Apply(s1, b2);
  ASSERT_EQ(s2.historical_block_hashes[1], target.root);
  EXPECT_EQ(s2.latest_justified, target);
  EXPECT_EQ(s2.latest_justified.slot, 1u);
  EXPECT_EQ(s2.latest_finalized.slot, 0u);
  ASSERT_EQ(s2.justified_slots.size(), 1u);
  EXPECT_TRUE(s2.justified_slots.Get(0));
  EXPECT_TRUE(s2.justifications_roots.empty());
  EXPECT_TRUE(s2.justifications_validators.empty());
  absl::StatusOr<bool> justified = IsSlotJustified(s2.justified_slots, s2.latest_finalized.slot, 1);
  ASSERT_TRUE(justified.ok());
  EXPECT_TRUE(*justified);
}

TEST_F(StateTransitionTest, VotesAccumulateAcrossBlocksThenJustifyAndFinalize) {
  const Block b1 = BuildBlock(genesis_, 1);
  const State s1 = Apply(genesis_, b1);
  const Checkpoint genesis_cp{b1.parent_root, 0};
  const Checkpoint cp1{ssz::HashTreeRoot(b1), 1};

  // Two of four votes: below 2/3, the tally is stored in the state.
  const Block b2 = BuildBlock(s1, 2, {{Vote(genesis_cp, cp1, Bits(4, {0, 1}))}});
  const State s2 = Apply(s1, b2);
  EXPECT_EQ(s2.latest_justified.slot, 0u);
  ASSERT_EQ(s2.justifications_roots.size(), 1u);
  EXPECT_EQ(s2.justifications_roots[0], cp1.root);
  ASSERT_EQ(s2.justifications_validators.size(), 4u);
  EXPECT_TRUE(s2.justifications_validators.Get(0));
  EXPECT_TRUE(s2.justifications_validators.Get(1));
  EXPECT_FALSE(s2.justifications_validators.Get(2));
  EXPECT_FALSE(s2.justifications_validators.Get(3));
  ASSERT_EQ(s2.justified_slots.size(), 1u);
  EXPECT_FALSE(s2.justified_slots.Get(0));

  // Validator 1 again (idempotent) and validator 3: now 3 of 4.
  const Block b3 = BuildBlock(s2, 3, {{Vote(genesis_cp, cp1, Bits(4, {1, 3}))}});
  const State s3 = Apply(s2, b3);
  EXPECT_EQ(s3.latest_justified, cp1);
  EXPECT_TRUE(s3.justifications_roots.empty());
  EXPECT_TRUE(s3.justifications_validators.empty());
  ASSERT_EQ(s3.justified_slots.size(), 2u);
  EXPECT_TRUE(s3.justified_slots.Get(0));
  EXPECT_FALSE(s3.justified_slots.Get(1));
  EXPECT_EQ(s3.latest_finalized.slot, 0u);

  // Source slot 1 (justified), target slot 2, no justifiable slot in between:
  // slot 2 is justified and slot 1 finalized; the bitfield is rebased by one.
  const Checkpoint cp2{ssz::HashTreeRoot(b2), 2};
  const Block b4 = BuildBlock(s3, 4, {{Vote(cp1, cp2, Bits(4, {0, 2, 3}))}});
  const State s4 = Apply(s3, b4);
  EXPECT_EQ(s4.latest_justified, cp2);
  EXPECT_EQ(s4.latest_finalized, cp1);
  // Tracked slots are now 2 and 3 (relative to finalized slot 1).
  ASSERT_EQ(s4.justified_slots.size(), 2u);
  EXPECT_TRUE(s4.justified_slots.Get(0));
  EXPECT_FALSE(s4.justified_slots.Get(1));
}

TEST_F(StateTransitionTest, VotesThatFailFiltersAreIgnored) {
  const Block b1 = BuildBlock(genesis_, 1);
  const State s1 = Apply(genesis_, b1);
  const Checkpoint genesis_cp{b1.parent_root, 0};
  const Checkpoint cp1{ssz::HashTreeRoot(b1), 1};
  Checkpoint wrong_root = cp1;
  wrong_root.root[0] ^= 1;
  AggregatedAttestations atts;
  atts.items.push_back(Vote(genesis_cp, wrong_root, Bits(4, {0, 1, 2, 3})));  // not on chain
  atts.items.push_back(Vote(cp1, genesis_cp, Bits(4, {0, 1, 2, 3})));         // source not justified
  const Block b2 = BuildBlock(s1, 2, atts);
  const State s2 = Apply(s1, b2);
  EXPECT_EQ(s2.latest_justified.slot, 0u);
  EXPECT_TRUE(s2.justifications_roots.empty());
}

TEST_F(StateTransitionTest, AttestationRejections) {
  const Block b1 = BuildBlock(genesis_, 1);
  const State s1 = Apply(genesis_, b1);
  const Checkpoint genesis_cp{b1.parent_root, 0};
  const Checkpoint cp1{ssz::HashTreeRoot(b1), 1};
  // A bit past the registry.
  const Block out_of_range = BuildBlock(s1, 2, {{Vote(genesis_cp, cp1, Bits(5, {0, 4}))}});
  EXPECT_EQ(ReasonOf(s1, out_of_range), RejectionReason::kVALIDATOR_INDEX_OUT_OF_RANGE);
  // No bits at all.
  const Block empty_bits = BuildBlock(s1, 2, {{Vote(genesis_cp, cp1, Bits(4, {}))}});
  EXPECT_EQ(ReasonOf(s1, empty_bits), RejectionReason::kEMPTY_AGGREGATION_BITS);
  // A target far past the tracked window.
  const Block far = BuildBlock(s1, 2, {{Vote(genesis_cp, Checkpoint{cp1.root, 50}, Bits(4, {0}))}});
  EXPECT_EQ(ReasonOf(s1, far), RejectionReason::kJUSTIFIED_SLOT_OUT_OF_RANGE);
}

TEST_F(StateTransitionTest, LongChainStateRoundTripsThroughSsz) {
  State state = genesis_;
  std::vector<Root> roots(1, Root{});  // roots[slot] = block root at slot (0 = genesis header)
  Slot slot = 0;
  while (slot < 22) {
    const Slot next = slot == 9 ? 11 : slot + 1;  // skip slot 10
    AggregatedAttestations atts;
    if (slot >= 1) {
      const Checkpoint target{roots[slot], slot};
      // Strong votes early, then only two of four so tallies stay pending.
      const auto bits = next <= 16 ? Bits(4, {0, 1, 2}) : Bits(4, {static_cast<size_t>(next % 4), 0});
      atts.items.push_back(Vote(state.latest_justified, target, bits));
    }
    const Block block = BuildBlock(state, next, atts);
    state = Apply(state, block);
    if (slot == 0) roots[0] = block.parent_root;
    roots.resize(next + 1);
    roots[next] = ssz::HashTreeRoot(block);
    slot = next;
  }
  ASSERT_EQ(state.slot, 22u);
  EXPECT_TRUE(state.historical_block_hashes[10].IsZero());
  EXPECT_GE(state.latest_finalized.slot, 10u);
  EXPECT_GE(state.latest_justified.slot, 14u);
  EXPECT_GE(state.justifications_roots.size(), 1u);
  EXPECT_EQ(state.justifications_validators.size(), 4 * state.justifications_roots.size());

  const ssz::ByteVec bytes = ssz::Encode(state);
  absl::StatusOr<State> decoded = ssz::Decode<State>(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_TRUE(*decoded == state);
  EXPECT_EQ(ssz::HashTreeRoot(*decoded), ssz::HashTreeRoot(state));
  EXPECT_EQ(ssz::Encode(*decoded), bytes);

  // The decoded state (cold caches) continues the chain identically.
  const Block b23 = BuildBlock(state, 23);
  const State from_decoded = Apply(*decoded, b23);
  const State from_original = Apply(state, b23);
  EXPECT_EQ(ssz::HashTreeRoot(from_decoded), ssz::HashTreeRoot(from_original));

  // Truncated encodings are rejected as decode errors: cut inside the fixed part,
  // and cut inside the validators (later offsets then point past the end). (Dropping
  // only the final byte can leave a valid, shorter trailing bitlist.)
  for (size_t len : {size_t{100}, bytes.size() - 200}) {
    absl::StatusOr<State> truncated = ssz::Decode<State>(ssz::ByteView(bytes.data(), len));
    ASSERT_FALSE(truncated.ok()) << len;
    EXPECT_EQ(GetRejectionReason(truncated.status()), RejectionReason::kDECODE_ERROR);
  }
}

}  // namespace
}  // namespace beam::consensus
