#include "locking/lock_tier.h"

#include <chrono>
#include <string>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "metrics/registry.h"
#include "locking/lock_timer.h"
#include "locking/tiered_mutex.h"

namespace beam {
namespace {

using ::testing::HasSubstr;

// Takes `first` then `second`, then releases both (in reverse order).
void HoldBoth(TieredMutex* first, TieredMutex* second) {
  first->Lock();
  second->Lock();
  second->Unlock();
  first->Unlock();
}

TEST(LockTierDeathTest, LowerTierWhileHoldingHigherAborts) {
#if defined(BEAM_LOCK_CHECKS) && BEAM_LOCK_CHECKS
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  TieredMutex network("network_lock", kNetworkTier);
  TieredMutex pending("pending_blocks_lock", kPendingBlocksTier);
  EXPECT_DEATH(HoldBoth(&pending, &network),
               "tiers must increase: taking \"network_lock\" \\(tier 2 *\\) while holding "
               "\"pending_blocks_lock\" \\(tier 4 *\\)");
  // The states lock is a leaf above fork choice: nothing may be taken under it.
  TieredMutex states("states_lock", kStatesTier);
  TieredMutex fork_choice("fork_choice_lock", kForkChoiceTier);
  EXPECT_DEATH(HoldBoth(&states, &fork_choice),
               "taking \"fork_choice_lock\" \\(tier 6 *\\) while holding \"states_lock\" \\(tier 7 *\\)");
#else
  GTEST_SKIP() << "lock order checks are compiled out (BEAM_LOCK_CHECKS is off in release builds)";
#endif
}

TEST(LockTierDeathTest, TwoTier5SiblingsAbort) {
#if defined(BEAM_LOCK_CHECKS) && BEAM_LOCK_CHECKS
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  TieredMutex pubkeys("pubkey_cache_lock", kPubkeyCacheTier);
  TieredMutex events("events_lock", kEventsTier);
  EXPECT_DEATH(HoldBoth(&pubkeys, &events),
               "tier-5 siblings are never held together: taking \"events_lock\" \\(tier 5c\\) while holding "
               "\"pubkey_cache_lock\" \\(tier 5a\\)");
  // Order does not matter for siblings (5c before 5a is no better).
  EXPECT_DEATH(HoldBoth(&events, &pubkeys), "taking \"pubkey_cache_lock\".*holding \"events_lock\"");
#else
  GTEST_SKIP() << "lock order checks are compiled out (BEAM_LOCK_CHECKS is off in release builds)";
#endif
}

TEST(LockTierDeathTest, SameTierTwiceAborts) {
#if defined(BEAM_LOCK_CHECKS) && BEAM_LOCK_CHECKS
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  TieredMutex cache("block_cache", kNetworkTier);
  TieredMutex peers("connected_peers", kNetworkTier);
  EXPECT_DEATH(HoldBoth(&cache, &peers), "taking \"connected_peers\".*holding \"block_cache\"");
#else
  GTEST_SKIP() << "lock order checks are compiled out (BEAM_LOCK_CHECKS is off in release builds)";
#endif
}

TEST(LockTierDeathTest, AssertHeldChecksThisThreadsHolds) {
#if defined(BEAM_LOCK_CHECKS) && BEAM_LOCK_CHECKS
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  TieredMutex pending("pending_blocks_lock", kPendingBlocksTier);
  TieredSharedMutex fork_choice("fork_choice_lock", kForkChoiceTier);
  EXPECT_DEATH(pending.AssertHeld(), "\"pending_blocks_lock\" is not held exclusively by this thread");
  pending.Lock();
  pending.AssertHeld();  // fine
  pending.Unlock();
  fork_choice.ReaderLock();
  fork_choice.AssertReaderHeld();  // fine
  EXPECT_DEATH(fork_choice.AssertHeld(), "\"fork_choice_lock\" is not held exclusively");
  fork_choice.ReaderUnlock();
  EXPECT_DEATH(fork_choice.AssertReaderHeld(), "\"fork_choice_lock\" is not held by this thread");
#else
  GTEST_SKIP() << "lock order checks are compiled out (BEAM_LOCK_CHECKS is off in release builds)";
#endif
}

TEST(LockTierTest, IncreasingOrderIsFine) {
  TieredMutex finalization("finalization", kFinalizationTier);
  TieredMutex network("network", kNetworkTier);
  TieredSharedMutex states("states", kStatesTier);
  TieredMutex pending("pending", kPendingBlocksTier);
  TieredMutex root_to_slot("root_to_slot", kRootToSlotTier);
  TieredSharedMutex fork_choice("fork_choice", kForkChoiceTier);

  finalization.Lock();
  network.Lock();
  pending.Lock();
  root_to_slot.Lock();
  fork_choice.Lock();
  states.ReaderLock();
  if (lock_order::kEnabled) {
    EXPECT_EQ(lock_order::HeldCount(), 6);
    EXPECT_EQ(lock_order::Tier5Depth(), 1);
  }
  fork_choice.Unlock();
  root_to_slot.Unlock();
  // Out-of-order release is fine too.
  network.Unlock();
  pending.Unlock();
  states.ReaderUnlock();
  finalization.Unlock();
  EXPECT_EQ(lock_order::HeldCount(), 0);
  EXPECT_EQ(lock_order::Tier5Depth(), 0);
}

TEST(LockTierTest, ReleaseThenLowerTierIsFine) {
  TieredMutex network("network", kNetworkTier);
  TieredMutex states("states", kStatesTier);
  TieredMutex pubkeys("pubkey_cache", kPubkeyCacheTier);
  TieredMutex events("events", kEventsTier);

  HoldBoth(&pubkeys, &states);
  // Everything released: lower tiers and the other sibling may be taken now.
  network.Lock();
  network.Unlock();
  events.Lock();
  EXPECT_EQ(lock_order::Tier5Depth(), lock_order::kEnabled ? 1 : 0);
  events.Unlock();
  pubkeys.Lock();
  pubkeys.Unlock();
  // A failed TryLock leaves nothing recorded.
  states.Lock();
  bool other_got_it = true;
  std::thread([&] {
    if (states.TryLock()) {
      states.Unlock();
    } else {
      other_got_it = false;
      EXPECT_EQ(lock_order::HeldCount(), 0);
    }
  }).join();
  states.Unlock();
  EXPECT_FALSE(other_got_it);
  EXPECT_EQ(lock_order::HeldCount(), 0);
}

TEST(LockTimerTest, TimedHoldIsExportedPerLockAndSiteAndInTheLegacySeries) {
  metrics::Registry registry;
  LockMetrics lock_metrics(&registry);
  TieredMutex mu("lock_timer_test_lock", kStatesTier, &lock_metrics);
  BEAM_LOCK_SITE(site, "lock_timer_test.hold");
  {
    TieredMutexLock lock(&mu, site);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  const std::string text = registry.RenderText();
  EXPECT_THAT(text, HasSubstr("beamcore_lock_wait_seconds_bucket{lock=\"lock_timer_test_lock\","
                              "site=\"lock_timer_test.hold\",le="));
  EXPECT_THAT(text, HasSubstr("beamcore_lock_hold_seconds_count{lock=\"lock_timer_test_lock\","
                              "site=\"lock_timer_test.hold\"} 1"));
  // The 2 ms hold is above the 1 ms bucket and within the 5 ms one.
  EXPECT_THAT(text, HasSubstr("beamcore_lock_hold_seconds_bucket{lock=\"lock_timer_test_lock\","
                              "site=\"lock_timer_test.hold\",le=\"0.001\"} 0"));
  EXPECT_THAT(text, HasSubstr("beamcore_node_mutex_hold_time_seconds_bucket{site=\"lock_timer_test.hold\",le="));
  EXPECT_THAT(text, HasSubstr("beamcore_node_mutex_hold_time_seconds_count{site=\"lock_timer_test.hold\"} 1"));
  EXPECT_THAT(text, HasSubstr("beamcore_node_mutex_wait_time_seconds_count{site=\"lock_timer_test.hold\"} 1"));
}

TEST(LockTimerTest, ReaderAndWriterGuardsAreTimedToo) {
  metrics::Registry registry;
  LockMetrics lock_metrics(&registry);
  TieredSharedMutex mu("lock_timer_test_rw", kStatesTier, &lock_metrics);
  BEAM_LOCK_SITE(read_site, "lock_timer_test.read");
  BEAM_LOCK_SITE(write_site, "lock_timer_test.write");
  { TieredReaderLock lock(&mu, read_site); }
  { TieredReaderLock lock(&mu, read_site); }
  { TieredWriterLock lock(&mu, write_site); }
  const std::string text = registry.RenderText();
  EXPECT_THAT(text, HasSubstr("beamcore_lock_hold_seconds_count{lock=\"lock_timer_test_rw\","
                              "site=\"lock_timer_test.read\"} 2"));
  EXPECT_THAT(text, HasSubstr("beamcore_lock_hold_seconds_count{lock=\"lock_timer_test_rw\","
                              "site=\"lock_timer_test.write\"} 1"));
}

TEST(LockTimerTest, UnregisteredLockDisappearsFromTheRegistry) {
  metrics::Registry registry;
  LockMetrics lock_metrics(&registry);
  BEAM_LOCK_SITE(site, "lock_timer_test.gone");
  {
    TieredMutex mu("lock_timer_test_gone", kStatesTier, &lock_metrics);
    TieredMutexLock lock(&mu, site);
  }
  EXPECT_THAT(registry.RenderText(), ::testing::Not(HasSubstr("lock_timer_test_gone")));
}

}  // namespace
}  // namespace beam
