#include "chain/borrowed_state.h"

#include <atomic>
#include <new>
#include <thread>

#include "gtest/gtest.h"

namespace beam::chain {
namespace {

RcState SomeState(uint64_t slot) {
  auto s = std::make_shared<consensus::State>();
  s->slot = slot;
  return s;
}

BEAM_LOCK_SITE(kTestSite, "test.borrow");

class BorrowedStateTest : public ::testing::Test {
 protected:
  BorrowedState SharedBorrow(RcState s) ABSL_NO_THREAD_SAFETY_ANALYSIS {
    LockTimer t(states_.stats(), &kTestSite);
    states_.ReaderLock();
    t.Acquired();
    return BorrowedState::AdoptStatesShared(&states_, std::move(s), t);
  }
  BorrowedState ExclusiveBorrow(RcState s) ABSL_NO_THREAD_SAFETY_ANALYSIS {
    LockTimer t(states_.stats(), &kTestSite);
    states_.Lock();
    t.Acquired();
    return BorrowedState::AdoptStatesExclusive(&states_, std::move(s), t);
  }
  BorrowedState EventsBorrow(RcState s) ABSL_NO_THREAD_SAFETY_ANALYSIS {
    LockTimer t(events_.stats(), &kTestSite);
    events_.Lock();
    t.Acquired();
    return BorrowedState::AdoptEventsMutex(&events_, std::move(s), t);
  }
  bool StatesFree() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    if (!states_.TryLock()) return false;
    states_.Unlock();
    return true;
  }

  TieredSharedMutex states_{"states", kStatesTier};
  TieredMutex events_{"events", kEventsTier};
};

TEST_F(BorrowedStateTest, ReleaseIsIdempotentAndUnlocks) {
  BorrowedState b = SharedBorrow(SomeState(7));
  EXPECT_EQ(b->slot, 7u);
  EXPECT_EQ(b.backing(), BorrowedState::Backing::kStatesShared);
  EXPECT_FALSE(StatesFree());
  b.Release();
  EXPECT_TRUE(b.released());
  EXPECT_TRUE(StatesFree());
  b.Release();  // no double unlock
  EXPECT_TRUE(StatesFree());
}

TEST_F(BorrowedStateTest, DestructionReleases) {
  { BorrowedState b = ExclusiveBorrow(SomeState(1)); }
  EXPECT_TRUE(StatesFree());
}

TEST_F(BorrowedStateTest, MoveTransfersTheHold) {
  BorrowedState a = SharedBorrow(SomeState(3));
  BorrowedState b = std::move(a);
  EXPECT_TRUE(a.released());
  EXPECT_FALSE(b.released());
  EXPECT_FALSE(StatesFree());
  b = BorrowedState();  // assigning releases the old hold
  EXPECT_TRUE(StatesFree());
}

TEST_F(BorrowedStateTest, CloneAndReleaseCopiesThenReleases) {
  BorrowedState b = SharedBorrow(SomeState(42));
  absl::StatusOr<consensus::State> copy = b.CloneAndRelease();
  ASSERT_TRUE(copy.ok());
  EXPECT_EQ(copy->slot, 42u);
  EXPECT_TRUE(b.released());
  EXPECT_TRUE(StatesFree());
}

TEST_F(BorrowedStateTest, CloneAndReleaseReleasesWhenTheCopyFails) {
  BorrowedState b = ExclusiveBorrow(SomeState(5));
  absl::StatusOr<consensus::State> copy =
      b.CloneAndRelease([](const consensus::State&) -> consensus::State { throw std::bad_alloc(); });
  EXPECT_EQ(copy.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(b.released());
  EXPECT_TRUE(StatesFree());
}

TEST_F(BorrowedStateTest, ExclusiveBorrowBlocksAWriterUntilReleased) {
  BorrowedState b = ExclusiveBorrow(SomeState(9));
  std::atomic<bool> acquired{false};
  std::thread pruner([&] {
    TieredWriterLock lock(&states_, kTestSite);  // what a pruner does
    acquired = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(acquired.load());
  b.Release();
  pruner.join();
  EXPECT_TRUE(acquired.load());
}

TEST_F(BorrowedStateTest, EventsBorrowHoldsTier5ForItsLife) {
  BorrowedState b = EventsBorrow(SomeState(2));
  EXPECT_TRUE(b.tier5_held());
  if (lock_order::kEnabled) {
    EXPECT_EQ(lock_order::Tier5Depth(), 1);
  }
  b.Release();
  EXPECT_FALSE(b.tier5_held());
  EXPECT_EQ(lock_order::Tier5Depth(), 0);
}

TEST_F(BorrowedStateTest, RefcountBorrowKeepsTheStateAliveWithoutALock) {
  RcState s = SomeState(11);
  BorrowedState b = BorrowedState::FromRefcount(s);
  s.reset();
  EXPECT_EQ(b->slot, 11u);
  EXPECT_TRUE(StatesFree());
  RcState shared = b.share();
  b.Release();
  EXPECT_EQ(shared->slot, 11u);
}

TEST_F(BorrowedStateTest, HoldTimeIsRecordedAtRelease) {
  BorrowedState b = SharedBorrow(SomeState(1));
  EXPECT_EQ(states_.stats()->hold(kTestSite.id()), nullptr);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  b.Release();
  const metrics::Histogram* hold = states_.stats()->hold(kTestSite.id());
  ASSERT_NE(hold, nullptr);
  EXPECT_EQ(hold->count(), 1u);
  EXPECT_GE(hold->sum(), 0.015);
}

TEST_F(BorrowedStateTest, CloningTwiceIsRejected) {
  BorrowedState b = SharedBorrow(SomeState(1));
  ASSERT_TRUE(b.CloneAndRelease().ok());
  if (lock_order::kEnabled) {
    EXPECT_DEATH((void)b.CloneAndRelease(), "cloned twice");
  } else {
    EXPECT_EQ(b.CloneAndRelease().status().code(), absl::StatusCode::kFailedPrecondition);
  }
}

TEST_F(BorrowedStateTest, ExplicitReleaseCheckFiresInDebugBuilds) {
  if (!lock_order::kEnabled) GTEST_SKIP() << "the check is compiled into BEAM_LOCK_CHECKS builds only";
  EXPECT_DEATH(
      {
        BorrowedState b = BorrowedState::FromRefcount(SomeState(1));
        b.ExpectExplicitRelease();
      },
      "without an explicit release");
  BorrowedState ok = BorrowedState::FromRefcount(SomeState(1));
  ok.ExpectExplicitRelease();
  ok.Release();
}

}  // namespace
}  // namespace beam::chain
