// SlotClock (forkchoice/slot_clock.h) against leanSpec node/chain/clock.py and
// containers/interval.py: boundaries, before-genesis, next-interval timing and
// overflow saturation.

#include "forkchoice/slot_clock.h"

#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

#include "consensus/config.h"

namespace beam::forkchoice {
namespace {

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
constexpr uint64_t kGenesis = 1700000000;         // seconds
constexpr uint64_t kGenesisMs = kGenesis * 1000;  // milliseconds

TEST(SlotClockTest, ConstantsMatchTheSpec) {
  EXPECT_EQ(consensus::kMillisecondsPerSlot, 4000u);
  EXPECT_EQ(consensus::kMillisecondsPerInterval, 800u);
  EXPECT_EQ(consensus::kIntervalsPerSlot, 5u);
}

TEST(SlotClockTest, AtGenesisEverythingIsZero) {
  const SlotClock clock(kGenesis);
  EXPECT_EQ(clock.genesis_time(), kGenesis);
  EXPECT_EQ(clock.GenesisMilliseconds(), kGenesisMs);
  EXPECT_EQ(clock.MillisecondsSinceGenesis(kGenesisMs), 0u);
  EXPECT_EQ(clock.CurrentSlot(kGenesisMs), 0u);
  EXPECT_EQ(clock.CurrentInterval(kGenesisMs), 0u);
  EXPECT_EQ(clock.TotalIntervals(kGenesisMs), 0u);
}

TEST(SlotClockTest, BeforeGenesisClampsToZero) {
  const SlotClock clock(kGenesis);
  for (uint64_t now : {uint64_t{0}, uint64_t{1}, kGenesisMs - 10000, kGenesisMs - 1000, kGenesisMs - 1}) {
    EXPECT_EQ(clock.MillisecondsSinceGenesis(now), 0u) << now;
    EXPECT_EQ(clock.CurrentSlot(now), 0u) << now;
    EXPECT_EQ(clock.CurrentInterval(now), 0u) << now;
    EXPECT_EQ(clock.TotalIntervals(now), 0u) << now;
  }
}

TEST(SlotClockTest, SlotBoundaries) {
  const SlotClock clock(kGenesis);
  EXPECT_EQ(clock.CurrentSlot(kGenesisMs + 2000), 0u);
  EXPECT_EQ(clock.CurrentSlot(kGenesisMs + 3999), 0u);
  EXPECT_EQ(clock.CurrentSlot(kGenesisMs + 4000), 1u);
  EXPECT_EQ(clock.CurrentSlot(kGenesisMs + 7999), 1u);
  EXPECT_EQ(clock.CurrentSlot(kGenesisMs + 8000), 2u);
  EXPECT_EQ(clock.CurrentSlot(kGenesisMs + 86400 * 1000), 21600u);  // one day
}

TEST(SlotClockTest, IntervalBoundariesWithinASlot) {
  const SlotClock clock(kGenesis);
  struct {
    uint64_t offset_ms, interval;
  } const cases[] = {{0, 0},    {799, 0},  {800, 1},  {1599, 1}, {1600, 2}, {2399, 2}, {2400, 3},
                     {3199, 3}, {3200, 4}, {3999, 4}, {4000, 0}, {4800, 1}, {7999, 4}, {8000, 0}};
  for (const auto& c : cases) {
    EXPECT_EQ(clock.CurrentInterval(kGenesisMs + c.offset_ms), c.interval) << "offset " << c.offset_ms;
  }
}

TEST(SlotClockTest, TotalIntervalsIsSlotTimesFivePlusInterval) {
  const SlotClock clock(kGenesis);
  EXPECT_EQ(clock.TotalIntervals(kGenesisMs + 14400), 18u);
  EXPECT_EQ(clock.TotalIntervals(kGenesisMs + 799), 0u);
  EXPECT_EQ(clock.TotalIntervals(kGenesisMs + 800), 1u);
  for (uint64_t offset = 0; offset < 3 * 4000; offset += 137) {
    const uint64_t now = kGenesisMs + offset;
    EXPECT_EQ(clock.TotalIntervals(now),
              SlotClock::IntervalFromSlot(clock.CurrentSlot(now)) + clock.CurrentInterval(now))
        << offset;
    EXPECT_LT(clock.CurrentInterval(now), consensus::kIntervalsPerSlot);
  }
}

TEST(SlotClockTest, GenesisAtUnixEpoch) {
  const SlotClock clock(0);
  EXPECT_EQ(clock.TotalIntervals(100 * 1000), 125u);
  EXPECT_EQ(clock.CurrentSlot(100 * 1000), 25u);
  EXPECT_EQ(clock.MillisecondsSinceGenesis(0), 0u);
  EXPECT_EQ(clock.MillisecondsUntilNextInterval(0), 800u);
}

TEST(SlotClockTest, IntervalFromSlot) {
  EXPECT_EQ(SlotClock::IntervalFromSlot(0), 0u);
  EXPECT_EQ(SlotClock::IntervalFromSlot(1), 5u);
  EXPECT_EQ(SlotClock::IntervalFromSlot(10), 50u);
  EXPECT_EQ(SlotClock::IntervalFromSlot(100), 500u);
}

TEST(SlotClockTest, IntervalFromSlotSaturates) {
  const uint64_t last_exact = kMax / 5;
  EXPECT_EQ(SlotClock::IntervalFromSlot(last_exact), last_exact * 5);
  EXPECT_EQ(SlotClock::IntervalFromSlot(last_exact + 1), kMax);
  EXPECT_EQ(SlotClock::IntervalFromSlot(kMax), kMax);
}

TEST(SlotClockTest, NextIntervalMidInterval) {
  const SlotClock clock(kGenesis);
  EXPECT_EQ(clock.MillisecondsUntilNextInterval(kGenesisMs + 1), 799u);
  EXPECT_EQ(clock.MillisecondsUntilNextInterval(kGenesisMs + 500), 300u);
  EXPECT_EQ(clock.MillisecondsUntilNextInterval(kGenesisMs + 799), 1u);
  EXPECT_EQ(clock.MillisecondsUntilNextInterval(kGenesisMs + 3999), 1u);
  EXPECT_EQ(clock.MillisecondsUntilNextInterval(kGenesisMs + 4001), 799u);
}

TEST(SlotClockTest, NextIntervalOnABoundaryIsAFullInterval) {
  const SlotClock clock(kGenesis);
  for (uint64_t k = 0; k < 12; ++k) {
    EXPECT_EQ(clock.MillisecondsUntilNextInterval(kGenesisMs + k * 800), 800u) << k;
  }
}

TEST(SlotClockTest, NextIntervalLandsOnTheNextBoundary) {
  const SlotClock clock(kGenesis);
  for (uint64_t offset = 0; offset < 2 * 4000; offset += 53) {
    const uint64_t now = kGenesisMs + offset;
    const uint64_t wait = clock.MillisecondsUntilNextInterval(now);
    ASSERT_GT(wait, 0u);
    ASSERT_LE(wait, 800u);
    EXPECT_EQ(clock.TotalIntervals(now + wait), clock.TotalIntervals(now) + 1) << offset;
    EXPECT_EQ(clock.MillisecondsSinceGenesis(now + wait) % 800, 0u) << offset;
  }
}

TEST(SlotClockTest, NextIntervalBeforeGenesisIsTimeToGenesis) {
  const SlotClock clock(kGenesis);
  EXPECT_EQ(clock.MillisecondsUntilNextInterval(kGenesisMs - 1), 1u);
  EXPECT_EQ(clock.MillisecondsUntilNextInterval(kGenesisMs - 999), 999u);
  EXPECT_EQ(clock.MillisecondsUntilNextInterval(kGenesisMs - 1000), 1000u);
  EXPECT_EQ(clock.MillisecondsUntilNextInterval(kGenesisMs - 5250), 5250u);
  EXPECT_EQ(clock.MillisecondsUntilNextInterval(0), kGenesisMs);
}

TEST(SlotClockTest, GenesisMillisecondsSaturates) {
  const uint64_t last_exact = kMax / 1000;
  EXPECT_EQ(SlotClock(last_exact).GenesisMilliseconds(), last_exact * 1000);
  EXPECT_EQ(SlotClock(last_exact + 1).GenesisMilliseconds(), kMax);
  EXPECT_EQ(SlotClock(kMax).GenesisMilliseconds(), kMax);
}

TEST(SlotClockTest, UnrepresentableGenesisIsNeverReached) {
  // genesis_time * 1000 does not fit a uint64: every uint64 time is before genesis,
  // including UINT64_MAX itself (which a saturated comparison would call "genesis").
  const SlotClock clock(kMax / 1000 + 1);
  for (uint64_t now : {uint64_t{0}, kGenesisMs, kMax - 1, kMax}) {
    EXPECT_EQ(clock.MillisecondsSinceGenesis(now), 0u) << now;
    EXPECT_EQ(clock.CurrentSlot(now), 0u) << now;
    EXPECT_EQ(clock.TotalIntervals(now), 0u) << now;
  }
  // (kMax / 1000 + 1) * 1000 = kMax + 385, so the exact wait from kMax is 385 ms.
  EXPECT_EQ(clock.MillisecondsUntilNextInterval(kMax), 385u);
  EXPECT_EQ(clock.MillisecondsUntilNextInterval(kMax - 615), 1000u);
  // Waits that do not fit a uint64 saturate.
  EXPECT_EQ(clock.MillisecondsUntilNextInterval(0), kMax);
  EXPECT_EQ(SlotClock(kMax).MillisecondsUntilNextInterval(kMax), kMax);
}

TEST(SlotClockTest, LargestRepresentableGenesisIsExact) {
  const uint64_t genesis = kMax / 1000;  // genesis_ms = kMax - 615
  const SlotClock clock(genesis);
  const uint64_t genesis_ms = genesis * 1000;
  EXPECT_EQ(clock.MillisecondsSinceGenesis(genesis_ms - 1), 0u);
  EXPECT_EQ(clock.MillisecondsUntilNextInterval(genesis_ms - 1), 1u);
  EXPECT_EQ(clock.MillisecondsSinceGenesis(kMax), 615u);
  EXPECT_EQ(clock.CurrentInterval(kMax), 0u);
  EXPECT_EQ(clock.MillisecondsUntilNextInterval(kMax), 185u);
  EXPECT_EQ(clock.CurrentSlot(kMax), 0u);
}

TEST(SlotClockTest, LateTimesDoNotOverflow) {
  const SlotClock clock(0);
  EXPECT_EQ(clock.MillisecondsSinceGenesis(kMax), kMax);
  EXPECT_EQ(clock.CurrentSlot(kMax), kMax / 4000);
  EXPECT_EQ(clock.TotalIntervals(kMax), kMax / 800);
  EXPECT_EQ(clock.CurrentInterval(kMax), kMax % 4000 / 800);
  EXPECT_EQ(clock.MillisecondsUntilNextInterval(kMax), 800 - kMax % 800);
}

TEST(SlotClockTest, IsAComparableValue) {
  EXPECT_EQ(SlotClock(5), SlotClock(5));
  EXPECT_NE(SlotClock(5), SlotClock(6));
  constexpr SlotClock kClock(7);
  static_assert(kClock.genesis_time() == 7);
}

}  // namespace
}  // namespace beam::forkchoice
