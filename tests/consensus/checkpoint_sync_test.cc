// VerifyCheckpointState (consensus/checkpoint_sync.h) against leanSpec
// node/sync/checkpoint_sync.py verify_checkpoint_state.

#include "consensus/checkpoint_sync.h"

#include <cstdint>

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "consensus/config.h"
#include "consensus/types/state.h"
#include "ssz/codec.h"

namespace beam::consensus {
namespace {

State StateWithValidators(size_t n, Slot slot = 0) {
  State state;
  state.slot = slot;
  for (size_t i = 0; i < n; ++i) {
    Validator v;
    v.index = i;
    v.attestation_public_key[0] = static_cast<uint8_t>(i);
    v.proposal_public_key[1] = static_cast<uint8_t>(i);
    state.validators.PushBack(v);
  }
  return state;
}

TEST(CheckpointSyncTest, AcceptsANonEmptyRegistry) {
  EXPECT_TRUE(VerifyCheckpointState(StateWithValidators(1)).ok());
  EXPECT_TRUE(VerifyCheckpointState(StateWithValidators(4)).ok());
  EXPECT_TRUE(VerifyCheckpointState(StateWithValidators(8, /*slot=*/10)).ok());
}

TEST(CheckpointSyncTest, RejectsAnEmptyRegistry) {
  const absl::Status s = VerifyCheckpointState(StateWithValidators(0, /*slot=*/3));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(s.message(), "validator registry is empty")) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "slot 3")) << s;
}

TEST(CheckpointSyncTest, AcceptsARegistryAtTheLimit) {
  EXPECT_TRUE(VerifyCheckpointState(StateWithValidators(kValidatorRegistryLimit)).ok());
}

TEST(CheckpointSyncTest, RejectsARegistryAboveTheLimit) {
  // Only reachable in memory: decoding enforces the list limit (see below).
  State state = StateWithValidators(kValidatorRegistryLimit);
  state.validators.Resize(kValidatorRegistryLimit + 1);
  const absl::Status s = VerifyCheckpointState(state);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(s.message(), "validator count 4097 exceeds the registry limit 4096")) << s;
}

TEST(CheckpointSyncTest, DecodedStateRoundTripsAndVerifies) {
  const State original = StateWithValidators(4, /*slot=*/5);
  absl::StatusOr<State> decoded = ssz::Decode<State>(ssz::Encode(original));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->validators.size(), 4u);
  EXPECT_EQ(decoded->slot, 5u);
  EXPECT_TRUE(VerifyCheckpointState(*decoded).ok());
}

TEST(CheckpointSyncTest, DecodingRejectsAnOversizedRegistry) {
  State state = StateWithValidators(kValidatorRegistryLimit + 1);
  EXPECT_FALSE(ssz::Decode<State>(ssz::Encode(state)).ok());
}

TEST(CheckpointSyncTest, DecodingRejectsATruncatedState) {
  ssz::ByteVec bytes = ssz::Encode(StateWithValidators(2));
  bytes.resize(bytes.size() - 1);
  EXPECT_FALSE(ssz::Decode<State>(bytes).ok());
}

}  // namespace
}  // namespace beam::consensus
