// 3SF-mini justification helpers (consensus/justification.h), against leanSpec
// forks/lstar/slot.py and containers/state.py.

#include "consensus/justification.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "consensus/rejection.h"

namespace beam::consensus {
namespace {

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

TEST(JustificationTest, IntegerSqrtSmall) {
  EXPECT_EQ(IntegerSqrt(0), 0u);
  EXPECT_EQ(IntegerSqrt(1), 1u);
  EXPECT_EQ(IntegerSqrt(2), 1u);
  EXPECT_EQ(IntegerSqrt(3), 1u);
  EXPECT_EQ(IntegerSqrt(4), 2u);
  EXPECT_EQ(IntegerSqrt(8), 2u);
  EXPECT_EQ(IntegerSqrt(9), 3u);
  EXPECT_EQ(IntegerSqrt(99), 9u);
  EXPECT_EQ(IntegerSqrt(100), 10u);
}

TEST(JustificationTest, IntegerSqrtExactForEveryNearSquare) {
  // Around squares of various magnitudes, including where a double loses precision.
  for (uint64_t r : {uint64_t{1000}, uint64_t{65535}, uint64_t{65536}, uint64_t{94906265},
                     uint64_t{94906266}, uint64_t{3037000499}, uint64_t{3037000500},
                     uint64_t{4294967294}, uint64_t{4294967295}}) {
    const uint64_t sq = r * r;
    EXPECT_EQ(IntegerSqrt(sq), r) << r;
    EXPECT_EQ(IntegerSqrt(sq - 1), r - 1) << r;
    EXPECT_EQ(IntegerSqrt(sq + 1), r) << r;
  }
}

TEST(JustificationTest, IntegerSqrtAtTheTop) {
  const uint64_t r = 4294967295u;  // 2^32 - 1
  EXPECT_EQ(IntegerSqrt(r * r), r);
  EXPECT_EQ(IntegerSqrt(r * r - 1), r - 1);
  EXPECT_EQ(IntegerSqrt(r * r + 2 * r), r);  // (r + 1)^2 - 1 = UINT64_MAX
  EXPECT_EQ(r * r + 2 * r, kMax);
  EXPECT_EQ(IntegerSqrt(kMax), r);
  EXPECT_EQ(IntegerSqrt(kMax - 1), r);
}

TEST(JustificationTest, IsJustifiableAfterSmallDeltas) {
  for (uint64_t finalized : {uint64_t{0}, uint64_t{7}, uint64_t{1000000}}) {
    for (uint64_t delta = 0; delta <= 5; ++delta) {
      EXPECT_TRUE(IsJustifiableAfter(finalized + delta, finalized)) << delta;
    }
    EXPECT_TRUE(IsJustifiableAfter(finalized + 6, finalized));   // pronic 2*3
    EXPECT_FALSE(IsJustifiableAfter(finalized + 7, finalized));
    EXPECT_FALSE(IsJustifiableAfter(finalized + 8, finalized));
    EXPECT_TRUE(IsJustifiableAfter(finalized + 9, finalized));   // square
    EXPECT_FALSE(IsJustifiableAfter(finalized + 10, finalized));
    EXPECT_FALSE(IsJustifiableAfter(finalized + 11, finalized));
    EXPECT_TRUE(IsJustifiableAfter(finalized + 12, finalized));  // pronic 3*4
    EXPECT_FALSE(IsJustifiableAfter(finalized + 13, finalized));
    EXPECT_TRUE(IsJustifiableAfter(finalized + 16, finalized));  // square
    EXPECT_TRUE(IsJustifiableAfter(finalized + 20, finalized));  // pronic 4*5
    EXPECT_TRUE(IsJustifiableAfter(finalized + 25, finalized));
    EXPECT_TRUE(IsJustifiableAfter(finalized + 30, finalized));
    EXPECT_FALSE(IsJustifiableAfter(finalized + 31, finalized));
  }
}

TEST(JustificationTest, IsJustifiableAfterMatchesDefinitionUpTo10000) {
  // Reference: delta <= 5, or x*x == delta, or x*(x+1) == delta for some x.
  std::vector<bool> justifiable(10001, false);
  for (uint64_t d = 0; d <= 5; ++d) justifiable[d] = true;
  for (uint64_t x = 0; x * x <= 10000; ++x) {
    justifiable[x * x] = true;
    if (x * (x + 1) <= 10000) justifiable[x * (x + 1)] = true;
  }
  for (uint64_t d = 0; d <= 10000; ++d) {
    ASSERT_EQ(IsJustifiableAfter(d + 3, 3), justifiable[d]) << "delta " << d;
  }
}

TEST(JustificationTest, IsJustifiableAfterHugeValues) {
  // (2^32 - 1) * 2^32 is pronic; its 4*delta + 1 would overflow uint64.
  const uint64_t pronic = uint64_t{4294967295} * uint64_t{4294967296};
  EXPECT_TRUE(IsJustifiableAfter(pronic, 0));
  EXPECT_FALSE(IsJustifiableAfter(pronic - 1, 0));
  EXPECT_FALSE(IsJustifiableAfter(pronic + 1, 0));
  const uint64_t square = uint64_t{4294967295} * uint64_t{4294967295};
  EXPECT_TRUE(IsJustifiableAfter(square, 0));
  EXPECT_TRUE(IsJustifiableAfter(square + 10, 10));
  EXPECT_FALSE(IsJustifiableAfter(square + 1, 0));
  // The largest pronic below 2^64 with a large finalized slot.
  EXPECT_TRUE(IsJustifiableAfter(kMax, kMax - pronic));
  EXPECT_FALSE(IsJustifiableAfter(kMax, 0));  // 2^64 - 1 is neither
  EXPECT_TRUE(IsJustifiableAfter(kMax, kMax));
  EXPECT_TRUE(IsJustifiableAfter(kMax, kMax - 5));
  EXPECT_TRUE(IsJustifiableAfter(kMax, kMax - 6));
  EXPECT_FALSE(IsJustifiableAfter(kMax, kMax - 7));
}

TEST(JustificationTest, JustifiedIndexAfter) {
  EXPECT_EQ(JustifiedIndexAfter(0, 0), std::nullopt);
  EXPECT_EQ(JustifiedIndexAfter(5, 5), std::nullopt);
  EXPECT_EQ(JustifiedIndexAfter(4, 5), std::nullopt);
  EXPECT_EQ(JustifiedIndexAfter(6, 5), std::optional<uint64_t>(0));
  EXPECT_EQ(JustifiedIndexAfter(1, 0), std::optional<uint64_t>(0));
  EXPECT_EQ(JustifiedIndexAfter(10, 0), std::optional<uint64_t>(9));
  EXPECT_EQ(JustifiedIndexAfter(kMax, 0), std::optional<uint64_t>(kMax - 1));
}

TEST(JustificationTest, IsSlotJustified) {
  JustifiedSlots bits;
  bits.Resize(4);  // slots finalized+1 .. finalized+4
  bits.Set(1, true);
  const Slot finalized = 10;
  // At or before the finalized slot: implicitly justified, whatever the bits.
  for (Slot s : {Slot{0}, Slot{9}, Slot{10}}) {
    absl::StatusOr<bool> r = IsSlotJustified(bits, finalized, s);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_TRUE(*r) << s;
  }
  EXPECT_FALSE(*IsSlotJustified(bits, finalized, 11));
  EXPECT_TRUE(*IsSlotJustified(bits, finalized, 12));
  EXPECT_FALSE(*IsSlotJustified(bits, finalized, 13));
  EXPECT_FALSE(*IsSlotJustified(bits, finalized, 14));
}

TEST(JustificationTest, IsSlotJustifiedOutOfRange) {
  JustifiedSlots bits;
  bits.Resize(4);
  for (Slot s : {Slot{15}, Slot{16}, Slot{1000}, kMax}) {
    absl::StatusOr<bool> r = IsSlotJustified(bits, 10, s);
    ASSERT_FALSE(r.ok()) << s;
    EXPECT_EQ(GetRejectionReason(r.status()), RejectionReason::kJUSTIFIED_SLOT_OUT_OF_RANGE);
    EXPECT_TRUE(absl::StartsWith(r.status().message(), "JUSTIFIED_SLOT_OUT_OF_RANGE"));
  }
  // An empty bitfield tracks nothing past the finalized slot.
  absl::StatusOr<bool> r = IsSlotJustified(JustifiedSlots{}, 0, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(GetRejectionReason(r.status()), RejectionReason::kJUSTIFIED_SLOT_OUT_OF_RANGE);
  EXPECT_TRUE(*IsSlotJustified(JustifiedSlots{}, 0, 0));
}

TEST(RejectionTest, NamesAndPayload) {
  EXPECT_EQ(RejectionReasonName(RejectionReason::kWRONG_PROPOSER), "WRONG_PROPOSER");
  EXPECT_EQ(ParseRejectionReason("STATE_ROOT_MISMATCH"), RejectionReason::kSTATE_ROOT_MISMATCH);
  EXPECT_EQ(ParseRejectionReason("NOT_A_REASON"), std::nullopt);
  const absl::Status s = Reject(RejectionReason::kDECODE_ERROR, "x");
  EXPECT_EQ(GetRejectionReason(s), RejectionReason::kDECODE_ERROR);
  EXPECT_EQ(GetRejectionReason(absl::InvalidArgumentError("ssz decode: bad")),
            RejectionReason::kDECODE_ERROR);
  EXPECT_EQ(GetRejectionReason(absl::InvalidArgumentError("something else")), std::nullopt);
  EXPECT_EQ(GetRejectionReason(absl::OkStatus()), std::nullopt);
}

}  // namespace
}  // namespace beam::consensus
