#include "locking/locked_map.h"

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace beam {
namespace {

using ::testing::Optional;

// True if another thread can take `mu` right now (it is released again at once).
bool LockFreeFromOtherThread(TieredMutex& mu) {
  bool acquired = false;
  std::thread other([&] {
    if (mu.TryLock()) {
      acquired = true;
      mu.Unlock();
    }
  });
  other.join();
  return acquired;
}

TEST(LockedMapTest, GetPutRemoveCount) {
  LockedMap<uint64_t, std::string> map("test_map");
  EXPECT_EQ(map.Count(), 0u);
  EXPECT_EQ(map.Get(1), std::nullopt);
  EXPECT_FALSE(map.Contains(1));

  EXPECT_TRUE(map.Put(1, "one"));
  EXPECT_TRUE(map.Put(2, "two"));
  EXPECT_EQ(map.Count(), 2u);
  EXPECT_THAT(map.Get(1), Optional(std::string("one")));
  EXPECT_TRUE(map.Contains(2));

  // Replace: not new, value updated, count unchanged.
  EXPECT_FALSE(map.Put(1, "uno"));
  EXPECT_THAT(map.Get(1), Optional(std::string("uno")));
  EXPECT_EQ(map.Count(), 2u);

  EXPECT_TRUE(map.Remove(1));
  EXPECT_FALSE(map.Remove(1));
  EXPECT_FALSE(map.Contains(1));
  EXPECT_EQ(map.Get(1), std::nullopt);
  EXPECT_EQ(map.Count(), 1u);
}

TEST(LockedMapTest, GetReturnsACopy) {
  LockedMap<int, std::vector<int>> map("test_map");
  map.Put(7, {1, 2, 3});
  std::optional<std::vector<int>> copy = map.Get(7);
  ASSERT_TRUE(copy.has_value());
  copy->push_back(4);
  map.Put(7, {9});  // the copy is unaffected by later writes
  EXPECT_EQ(*copy, (std::vector<int>{1, 2, 3, 4}));
  EXPECT_THAT(map.Get(7), Optional(std::vector<int>{9}));
}

TEST(LockedMapTest, FetchRemoveReturnsThePriorEntry) {
  LockedMap<std::string, std::string> map("test_map");
  map.Put("a", "alpha");
  map.Put("b", "beta");
  EXPECT_THAT(map.FetchRemove("a"), Optional(std::string("alpha")));
  EXPECT_EQ(map.FetchRemove("a"), std::nullopt);
  EXPECT_FALSE(map.Contains("a"));
  EXPECT_EQ(map.Count(), 1u);
}

TEST(LockedMapTest, FetchRemoveWorksForMoveOnlyValues) {
  LockedMap<int, std::unique_ptr<int>> map("test_map");
  map.Put(1, std::make_unique<int>(42));
  std::optional<std::unique_ptr<int>> v = map.FetchRemove(1);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(**v, 42);
  EXPECT_EQ(map.Count(), 0u);
}

TEST(LockedMapTest, IterateLockedSeesEveryEntryUnderTheLock) {
  LockedMap<int, int> map("test_map");
  for (int i = 0; i < 100; ++i) map.Put(i, i * i);
  std::map<int, int> seen;
  bool lock_free_during_iteration = true;
  map.IterateLocked([&](const int& k, const int& v) {
    seen[k] = v;
    if (k == 50) lock_free_during_iteration = LockFreeFromOtherThread(map.mutex_for_testing());
  });
  ASSERT_EQ(seen.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(seen[i], i * i);
  EXPECT_FALSE(lock_free_during_iteration);
  EXPECT_TRUE(LockFreeFromOtherThread(map.mutex_for_testing()));
}

TEST(LockedMapTest, IterateLockedOnEmptyMapCallsNothing) {
  LockedMap<int, int> map("test_map");
  int calls = 0;
  map.IterateLocked([&](const int&, const int&) { ++calls; });
  EXPECT_EQ(calls, 0);
}

TEST(LockedMapTest, WithValueLockedHoldsTheLockDuringTheCallback) {
  LockedMap<int, std::string> map("test_map");
  map.Put(1, "peer-a");
  bool free_inside = true;
  std::string copied = map.WithValueLocked(1, [&](const std::string* v) {
    free_inside = LockFreeFromOtherThread(map.mutex_for_testing());
    return v == nullptr ? std::string() : *v;
  });
  EXPECT_FALSE(free_inside);
  EXPECT_EQ(copied, "peer-a");
  EXPECT_TRUE(LockFreeFromOtherThread(map.mutex_for_testing()));
}

TEST(LockedMapTest, WithValueLockedPassesNullForAMissingKey) {
  LockedMap<int, std::string> map("test_map");
  map.Put(1, "x");
  bool free_inside = true;
  const bool was_null = map.WithValueLocked(2, [&](const std::string* v) {
    free_inside = LockFreeFromOtherThread(map.mutex_for_testing());
    return v == nullptr;
  });
  EXPECT_TRUE(was_null);
  EXPECT_FALSE(free_inside);
  EXPECT_TRUE(LockFreeFromOtherThread(map.mutex_for_testing()));
}

TEST(LockedMapTest, WithValueLockedReleasesOnTheErrorPath) {
  LockedMap<int, int> map("test_map");
  map.Put(1, 10);
  absl::Status status = map.WithValueLocked(1, [](const int* v) -> absl::Status {
    if (v != nullptr && *v == 10) return absl::FailedPreconditionError("early exit");
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(LockFreeFromOtherThread(map.mutex_for_testing()));
  // And the map is usable again from this thread (no self-deadlock, no order abort).
  EXPECT_FALSE(map.Put(1, 11));
  EXPECT_THAT(map.Get(1), Optional(11));
}

TEST(LockedMapTest, WithValueLockedVoidCallback) {
  LockedMap<int, int> map("test_map");
  map.Put(3, 30);
  int seen = 0;
  map.WithValueLocked(3, [&](const int* v) { seen = *v; });
  EXPECT_EQ(seen, 30);
  EXPECT_TRUE(LockFreeFromOtherThread(map.mutex_for_testing()));
}

#if defined(__cpp_exceptions)
TEST(LockedMapTest, WithValueLockedReleasesWhenTheCallbackThrows) {
  LockedMap<int, int> map("test_map");
  map.Put(1, 10);
  EXPECT_THROW(map.WithValueLocked(1, [](const int*) -> int { throw std::runtime_error("boom"); }),
               std::runtime_error);
  EXPECT_TRUE(LockFreeFromOtherThread(map.mutex_for_testing()));
  EXPECT_TRUE(map.Contains(1));
}
#endif

TEST(LockedMapTest, CustomHash) {
  struct Mod16Hash {
    size_t operator()(uint64_t k) const { return k % 16; }
  };
  LockedMap<uint64_t, int, Mod16Hash> map("test_map");
  for (uint64_t i = 0; i < 64; ++i) map.Put(i, static_cast<int>(i));
  EXPECT_EQ(map.Count(), 64u);
  EXPECT_THAT(map.Get(33), Optional(33));
}

// 4 threads x 1024 ops of put/get/remove/iterate. Each thread owns a key range whose
// final content is deterministic; all threads also churn a shared range whose values
// must always be consistent with their key.
TEST(LockedMapTest, ConcurrentPutGetRemoveSmoke) {
  constexpr int kThreads = 4;
  constexpr uint64_t kOps = 1024;
  constexpr uint64_t kShared = 32;
  constexpr uint64_t kOwnBase = uint64_t{1} << 20;  // thread t owns [t+1, t+2) * kOwnBase
  LockedMap<uint64_t, uint64_t> map("test_map");
  std::atomic<int> bad_values{0};
  std::atomic<int> bad_iterations{0};

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      uint64_t rng = 0x9e3779b97f4a7c15ull * (t + 1);
      for (uint64_t i = 0; i < kOps; ++i) {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        const uint64_t shared = rng % kShared;
        switch (rng % 4) {
          case 0:
            map.Put(shared, shared * 3);
            break;
          case 1:
            if (auto v = map.Get(shared); v.has_value() && *v != shared * 3) bad_values.fetch_add(1);
            break;
          case 2:
            if (auto v = map.FetchRemove(shared); v.has_value() && *v != shared * 3) bad_values.fetch_add(1);
            break;
          default:
            map.IterateLocked([&](const uint64_t& k, const uint64_t& v) {
              if (k < kShared && v != k * 3) bad_iterations.fetch_add(1);
            });
        }
        // Own range: put every key, remove the odd ones again.
        const uint64_t own = kOwnBase * (t + 1) + i;
        EXPECT_TRUE(map.Put(own, own));
        if (own % 2 == 1) {
          EXPECT_TRUE(map.Remove(own));
        }
      }
    });
  }
  for (auto& th : threads) th.join();

  EXPECT_EQ(bad_values.load(), 0);
  EXPECT_EQ(bad_iterations.load(), 0);
  size_t shared_left = 0;
  size_t own_left = 0;
  map.IterateLocked([&](const uint64_t& k, const uint64_t&) { (k < kShared ? shared_left : own_left) += 1; });
  EXPECT_EQ(own_left, kThreads * kOps / 2);
  EXPECT_LE(shared_left, kShared);
  EXPECT_EQ(map.Count(), own_left + shared_left);
  for (int t = 0; t < kThreads; ++t) {
    for (uint64_t i = 0; i < kOps; ++i) {
      const uint64_t own = kOwnBase * (t + 1) + i;
      ASSERT_EQ(map.Contains(own), own % 2 == 0) << own;
    }
  }
}

}  // namespace
}  // namespace beam
