#include "chain/block_cache.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "metrics/registry.h"
#include "ssz/codec.h"
#include "locking/lock_tier.h"

namespace beam::chain {
namespace {

using consensus::SignedBlock;
using consensus::Slot;
using ssz::ByteVec;
using ssz::Root;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr size_t kMax = BlockCache::kMaxCachedBlocks;

Root R(uint64_t n) {
  Root r;
  for (int i = 0; i < 8; ++i) r[i] = static_cast<uint8_t>(n >> (8 * i));
  r[31] = 0xB1;  // never the zero root
  return r;
}

SignedBlock MakeBlock(Slot slot, const Root& parent) {
  SignedBlock b;
  b.block.slot = slot;
  b.block.proposer_index = slot % 5;
  b.block.parent_root = parent;
  b.block.state_root = R(slot * 1000 + 7);
  consensus::AggregatedAttestation att;
  att.aggregation_bits = consensus::AggregationBits(8);
  att.aggregation_bits.Set(slot % 8, true);
  att.data.slot = slot;
  att.data.head.root = parent;
  b.block.body.attestations.items.push_back(att);
  b.proof.proof.bytes.assign(16, static_cast<uint8_t>(slot));
  return b;
}

ByteVec SszOf(const SignedBlock& b) { return ssz::Encode(b); }

// Spins (yielding) until pred() or `limit` passes; returns pred().
bool WaitFor(const std::function<bool()>& pred, std::chrono::microseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return pred();
    std::this_thread::yield();
  }
  return true;
}

TEST(BlockCacheTest, InsertAndCloneWithAndWithoutSsz) {
  BlockCache cache;
  const SignedBlock a = MakeBlock(1, R(0));
  const SignedBlock b = MakeBlock(2, R(1));
  ASSERT_TRUE(cache.Insert(R(1), a, SszOf(a)).ok());
  ASSERT_TRUE(cache.Insert(R(2), b, std::nullopt).ok());
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(cache.Contains(R(1)));
  EXPECT_FALSE(cache.Contains(R(3)));

  std::optional<BlockAndSsz> ca = cache.CloneBlockAndSsz(R(1));
  ASSERT_TRUE(ca.has_value());
  EXPECT_EQ(ca->block, a);
  EXPECT_EQ(ca->ssz, SszOf(a));

  std::optional<BlockAndSsz> cb = cache.CloneBlockAndSsz(R(2));
  ASSERT_TRUE(cb.has_value());
  EXPECT_EQ(cb->block, b);
  EXPECT_EQ(cb->ssz, std::nullopt);

  EXPECT_TRUE(cache.AttachSsz(R(2), SszOf(b)));
  EXPECT_EQ(cache.CloneBlockAndSsz(R(2))->ssz, SszOf(b));
  EXPECT_FALSE(cache.AttachSsz(R(9), SszOf(b)));
  EXPECT_FALSE(cache.Contains(R(9)));
  EXPECT_EQ(cache.CloneBlockAndSsz(R(9)), std::nullopt);
  EXPECT_TRUE(cache.CheckInvariants().ok());
}

TEST(BlockCacheTest, CloneIsAnOwnedDeepCopy) {
  BlockCache cache;
  const SignedBlock a = MakeBlock(3, R(0));
  ASSERT_TRUE(cache.Insert(R(3), a, SszOf(a)).ok());
  std::optional<BlockAndSsz> c = cache.CloneBlockAndSsz(R(3));
  ASSERT_TRUE(c.has_value());
  // Removing the cached entry must not affect the clone.
  ASSERT_TRUE(cache.RemoveFetchedBlock(R(3)));
  EXPECT_EQ(c->block, a);
  EXPECT_EQ(c->ssz, SszOf(a));
  c->block.block.body.attestations.items.clear();
  c->ssz->clear();
  ASSERT_TRUE(cache.Insert(R(3), a, SszOf(a)).ok());
  EXPECT_EQ(cache.CloneBlockAndSsz(R(3))->block, a);
}

TEST(BlockCacheTest, ParentLinks) {
  BlockCache cache;
  const Root p = R(100);
  ASSERT_TRUE(cache.Insert(R(1), MakeBlock(1, p), std::nullopt).ok());
  ASSERT_TRUE(cache.Insert(R(2), MakeBlock(1, p), std::nullopt).ok());
  ASSERT_TRUE(cache.Insert(R(3), MakeBlock(2, R(1)), std::nullopt).ok());
  EXPECT_THAT(cache.GetChildrenCopy(p), ElementsAre(R(1), R(2)));  // insertion order
  EXPECT_THAT(cache.GetChildrenCopy(R(1)), ElementsAre(R(3)));
  EXPECT_THAT(cache.GetChildrenCopy(R(3)), IsEmpty());
  EXPECT_TRUE(cache.HasChildren(p));
  EXPECT_TRUE(cache.HasChildren(R(1)));
  EXPECT_FALSE(cache.HasChildren(R(2)));
  EXPECT_TRUE(cache.CheckInvariants().ok());
}

// The walk a sync uses to find what an orphaned chain needs: the first ancestor that
// is not cached.
TEST(BlockCacheTest, FirstUncachedAncestorFollowsParentLinks) {
  BlockCache cache;
  EXPECT_EQ(cache.FirstUncachedAncestor(R(1)), std::nullopt);  // not cached
  ASSERT_TRUE(cache.Insert(R(1), MakeBlock(5, R(100)), std::nullopt).ok());
  ASSERT_TRUE(cache.Insert(R(2), MakeBlock(6, R(1)), std::nullopt).ok());
  ASSERT_TRUE(cache.Insert(R(3), MakeBlock(7, R(2)), std::nullopt).ok());
  ASSERT_TRUE(cache.Insert(R(4), MakeBlock(7, R(200)), std::nullopt).ok());
  EXPECT_EQ(cache.FirstUncachedAncestor(R(3)), R(100));
  EXPECT_EQ(cache.FirstUncachedAncestor(R(1)), R(100));
  EXPECT_EQ(cache.FirstUncachedAncestor(R(4)), R(200));
  ASSERT_TRUE(cache.RemoveFetchedBlock(R(1)));  // imported: the gap moves up
  EXPECT_EQ(cache.FirstUncachedAncestor(R(3)), R(1));
}

TEST(BlockCacheTest, ReinsertIsANoOpAndLeavesNoOrphans) {
  BlockCache cache;
  const SignedBlock first = MakeBlock(5, R(50));
  ASSERT_TRUE(cache.Insert(R(5), first, std::nullopt).ok());
  // Same root again, claiming another parent and carrying bytes: ignored entirely.
  const SignedBlock other = MakeBlock(6, R(60));
  ASSERT_TRUE(cache.Insert(R(5), other, SszOf(other)).ok());
  ASSERT_TRUE(cache.Insert(R(5), first, std::nullopt).ok());
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_THAT(cache.GetChildrenCopy(R(50)), ElementsAre(R(5)));  // one link, not three
  EXPECT_FALSE(cache.HasChildren(R(60)));
  std::optional<BlockAndSsz> c = cache.CloneBlockAndSsz(R(5));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->block, first);
  EXPECT_EQ(c->ssz, std::nullopt);
  EXPECT_TRUE(cache.CheckInvariants().ok());

  // Removing it once leaves nothing behind.
  EXPECT_TRUE(cache.RemoveFetchedBlock(R(5)));
  EXPECT_FALSE(cache.HasChildren(R(50)));
  EXPECT_FALSE(cache.HasChildren(R(60)));
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_TRUE(cache.CheckInvariants().ok());
}

TEST(BlockCacheTest, RemoveFetchedBlockClearsEntrySszAndParentLinkIdempotently) {
  BlockCache cache;
  const Root p = R(100);
  const SignedBlock a = MakeBlock(1, p);
  ASSERT_TRUE(cache.Insert(R(1), a, SszOf(a)).ok());
  ASSERT_TRUE(cache.Insert(R(2), MakeBlock(1, p), std::nullopt).ok());
  ASSERT_TRUE(cache.Insert(R(3), MakeBlock(2, R(1)), std::nullopt).ok());

  EXPECT_TRUE(cache.RemoveFetchedBlock(R(1)));
  EXPECT_FALSE(cache.Contains(R(1)));
  EXPECT_EQ(cache.CloneBlockAndSsz(R(1)), std::nullopt);
  EXPECT_THAT(cache.GetChildrenCopy(p), ElementsAre(R(2)));  // sibling kept
  // The removed block's own children stay linked to it (they replay once it is imported).
  EXPECT_THAT(cache.GetChildrenCopy(R(1)), ElementsAre(R(3)));
  EXPECT_TRUE(cache.CheckInvariants().ok());

  EXPECT_FALSE(cache.RemoveFetchedBlock(R(1)));  // idempotent
  EXPECT_EQ(cache.size(), 2u);

  EXPECT_TRUE(cache.RemoveFetchedBlock(R(2)));
  EXPECT_FALSE(cache.HasChildren(p));  // last child gone: the link list is gone too
  EXPECT_FALSE(cache.RemoveFetchedBlock(R(2)));
  EXPECT_TRUE(cache.CheckInvariants().ok());
  // A later insert under the same root starts clean.
  ASSERT_TRUE(cache.Insert(R(1), a, std::nullopt).ok());
  EXPECT_EQ(cache.CloneBlockAndSsz(R(1))->ssz, std::nullopt);
}

TEST(BlockCacheTest, RemoveChildrenOfRemovesADeepChainFillingTheCache) {
  BlockCache cache;
  const Root anchor = R(0);
  Root parent = anchor;
  for (uint64_t i = 1; i <= kMax; ++i) {
    ASSERT_TRUE(cache.Insert(R(i), MakeBlock(i, parent), std::nullopt).ok()) << i;
    parent = R(i);
  }
  ASSERT_EQ(cache.size(), kMax);
  EXPECT_EQ(cache.RemoveChildrenOf(anchor), kMax);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_FALSE(cache.HasChildren(anchor));
  EXPECT_TRUE(cache.CheckInvariants().ok());
  EXPECT_EQ(cache.RemoveChildrenOf(anchor), 0u);
}

TEST(BlockCacheTest, RemoveChildrenOfRemovesOnlyTheSubtree) {
  BlockCache cache;
  // anchor -> 1 -> {2, 3}; 2 -> 4; 3 -> {5, 6}; anchor -> 7; other -> 8
  const Root anchor = R(1000);
  ASSERT_TRUE(cache.Insert(R(1), MakeBlock(1, anchor), std::nullopt).ok());
  ASSERT_TRUE(cache.Insert(R(2), MakeBlock(2, R(1)), std::nullopt).ok());
  ASSERT_TRUE(cache.Insert(R(3), MakeBlock(2, R(1)), std::nullopt).ok());
  ASSERT_TRUE(cache.Insert(R(4), MakeBlock(3, R(2)), std::nullopt).ok());
  ASSERT_TRUE(cache.Insert(R(5), MakeBlock(3, R(3)), std::nullopt).ok());
  ASSERT_TRUE(cache.Insert(R(6), MakeBlock(4, R(3)), std::nullopt).ok());
  ASSERT_TRUE(cache.Insert(R(7), MakeBlock(1, anchor), std::nullopt).ok());
  ASSERT_TRUE(cache.Insert(R(8), MakeBlock(1, R(2000)), std::nullopt).ok());

  EXPECT_EQ(cache.RemoveChildrenOf(R(1)), 5u);  // 2, 3, 4, 5, 6; not 1 itself
  EXPECT_TRUE(cache.Contains(R(1)));
  for (uint64_t gone : {2, 3, 4, 5, 6}) EXPECT_FALSE(cache.Contains(R(gone))) << gone;
  EXPECT_FALSE(cache.HasChildren(R(1)));
  EXPECT_THAT(cache.GetChildrenCopy(anchor), ElementsAre(R(1), R(7)));
  EXPECT_TRUE(cache.Contains(R(8)));
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_TRUE(cache.CheckInvariants().ok());
}

TEST(BlockCacheTest, RemoveChildrenOfIsBoundedOnCycles) {
  BlockCache cache;
  // Roots are the caller's claim, so a hostile or buggy caller can build cycles:
  // 1 <-> 2, and 3 -> 3.
  ASSERT_TRUE(cache.Insert(R(1), MakeBlock(1, R(2)), std::nullopt).ok());
  ASSERT_TRUE(cache.Insert(R(2), MakeBlock(2, R(1)), std::nullopt).ok());
  ASSERT_TRUE(cache.Insert(R(3), MakeBlock(3, R(3)), std::nullopt).ok());
  ASSERT_TRUE(cache.CheckInvariants().ok());
  EXPECT_EQ(cache.RemoveChildrenOf(R(1)), 2u);
  EXPECT_EQ(cache.RemoveChildrenOf(R(3)), 1u);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_TRUE(cache.CheckInvariants().ok());
}

TEST(BlockCacheTest, CapacityLimit) {
  BlockCache cache;
  for (uint64_t i = 1; i <= kMax; ++i) ASSERT_TRUE(cache.Insert(R(i), MakeBlock(i, R(0)), std::nullopt).ok());
  const absl::Status full = cache.Insert(R(kMax + 1), MakeBlock(1, R(77)), std::nullopt);
  EXPECT_EQ(full.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(full.message()), HasSubstr("1024"));
  EXPECT_EQ(cache.size(), kMax);
  EXPECT_FALSE(cache.Contains(R(kMax + 1)));
  EXPECT_FALSE(cache.HasChildren(R(77)));  // the refused block left no link
  // Re-inserting a cached root is still a no-op success when full.
  EXPECT_TRUE(cache.Insert(R(1), MakeBlock(1, R(0)), std::nullopt).ok());
  // Making room makes inserts work again.
  ASSERT_TRUE(cache.RemoveFetchedBlock(R(1)));
  EXPECT_TRUE(cache.Insert(R(kMax + 1), MakeBlock(1, R(77)), std::nullopt).ok());
  EXPECT_EQ(cache.size(), kMax);
  EXPECT_TRUE(cache.CheckInvariants().ok());
}

TEST(BlockCacheTest, CollectAtOrBelowSlotIsSortedBySlot) {
  BlockCache cache;
  ASSERT_TRUE(cache.Insert(R(30), MakeBlock(3, R(0)), std::nullopt).ok());
  ASSERT_TRUE(cache.Insert(R(10), MakeBlock(1, R(0)), std::nullopt).ok());
  ASSERT_TRUE(cache.Insert(R(50), MakeBlock(5, R(0)), std::nullopt).ok());
  ASSERT_TRUE(cache.Insert(R(20), MakeBlock(2, R(0)), std::nullopt).ok());
  EXPECT_THAT(cache.CollectCachedBlocksAtOrBelowSlot(3), ElementsAre(R(10), R(20), R(30)));
  EXPECT_THAT(cache.CollectCachedBlocksAtOrBelowSlot(0), IsEmpty());
  EXPECT_THAT(cache.CollectCachedBlocksAtOrBelowSlot(100), ElementsAre(R(10), R(20), R(30), R(50)));
}

TEST(BlockCacheTest, CollectReadyCachedBlocks) {
  BlockCache cache;
  const Root known = R(900);
  const Root unknown = R(901);
  ASSERT_TRUE(cache.Insert(R(2), MakeBlock(2, known), std::nullopt).ok());
  ASSERT_TRUE(cache.Insert(R(1), MakeBlock(1, known), std::nullopt).ok());
  ASSERT_TRUE(cache.Insert(R(3), MakeBlock(3, unknown), std::nullopt).ok());
  ASSERT_TRUE(cache.Insert(R(4), MakeBlock(4, R(1)), std::nullopt).ok());  // parent is cached, not known

  absl::flat_hash_set<Root> asked;
  int calls = 0;
  int held_during_call = -1;
  std::vector<Root> ready = cache.CollectReadyCachedBlocks([&](const Root& parent) {
    ++calls;
    asked.insert(parent);
    held_during_call = lock_order::HeldCount();
    return parent == known;
  });
  EXPECT_THAT(ready, ElementsAre(R(1), R(2)));  // by slot
  EXPECT_EQ(calls, 3);                          // once per distinct parent
  EXPECT_THAT(asked, UnorderedElementsAre(known, unknown, R(1)));
  if (lock_order::kEnabled) {
    EXPECT_EQ(held_during_call, 1);  // the cache lock
  }

  EXPECT_THAT(cache.CollectReadyCachedBlocks([](const Root&) { return false; }), IsEmpty());
}

TEST(BlockCacheTest, ForEachBlockVisitsEveryBlockUnderTheLock) {
  BlockCache cache;
  for (uint64_t i = 1; i <= 10; ++i) ASSERT_TRUE(cache.Insert(R(i), MakeBlock(i, R(i - 1)), std::nullopt).ok());
  absl::flat_hash_set<Root> seen;
  bool slots_match = true;
  int max_held = 0;
  cache.ForEachBlock([&](const Root& root, const SignedBlock& block) {
    seen.insert(root);
    slots_match = slots_match && root == R(block.block.slot);
    max_held = std::max(max_held, lock_order::HeldCount());
  });
  EXPECT_EQ(seen.size(), 10u);
  EXPECT_TRUE(slots_match);
  if (lock_order::kEnabled) {
    EXPECT_EQ(max_held, 1);
  }
  EXPECT_EQ(lock_order::HeldCount(), 0);
}

TEST(BlockCacheTest, ExportsLockMetricsPerSite) {
  metrics::Registry registry;
  LockMetrics lock_metrics(&registry);
  BlockCache cache(&lock_metrics);
  ASSERT_TRUE(cache.Insert(R(1), MakeBlock(1, R(0)), std::nullopt).ok());
  ASSERT_TRUE(cache.CloneBlockAndSsz(R(1)).has_value());
  const std::string text = registry.RenderText();
  EXPECT_THAT(text, HasSubstr("beamcore_lock_hold_seconds_count{lock=\"block_cache\",site=\"block_cache.insert\"} 1"));
  EXPECT_THAT(text, HasSubstr("beamcore_lock_wait_seconds_count{lock=\"block_cache\",site=\"block_cache.clone\"} 1"));
}

// Writer inserts block + ssz in one call while a reader clones the newest block and a
// remover drops older ones. The reader must never see a block without its bytes, nor
// bytes that are not the block's.
TEST(BlockCacheTest, InsertWithSszIsAtomicForARacingReader) {
  constexpr uint64_t kIters = 1500;
  std::vector<SignedBlock> blocks;
  std::vector<ByteVec> ssz;
  for (uint64_t i = 0; i < kIters; ++i) {
    blocks.push_back(MakeBlock(i + 1, R(1'000'000 + i)));
    ssz.push_back(SszOf(blocks.back()));
  }
  BlockCache cache;
  std::atomic<int64_t> published{-1};
  std::atomic<bool> done{false};
  std::atomic<int> full{0}, partial{0}, corrupt{0}, remove_failures{0};
  std::atomic<uint64_t> removed{0};

  std::thread writer([&] {
    for (uint64_t i = 0; i < kIters; ++i) {
      // Stay well below kMaxCachedBlocks if the remover falls behind.
      while (i - removed.load(std::memory_order_acquire) >= kMax / 2) std::this_thread::yield();
      EXPECT_TRUE(cache.Insert(R(i + 1), blocks[i], ssz[i]).ok());
      published.store(static_cast<int64_t>(i), std::memory_order_release);
    }
  });
  std::thread reader([&] {
    uint64_t probe = 0;
    while (!done.load(std::memory_order_acquire)) {
      // Alternate between the newest published block and the one being inserted.
      const int64_t i = published.load(std::memory_order_acquire) + static_cast<int64_t>(++probe % 2);
      if (i < 0 || i >= static_cast<int64_t>(kIters)) continue;
      std::optional<BlockAndSsz> got = cache.CloneBlockAndSsz(R(i + 1));
      if (!got.has_value()) continue;  // not inserted yet, or already removed: fine
      if (!got->ssz.has_value()) {
        partial.fetch_add(1);
      } else if (got->block != blocks[i] || *got->ssz != ssz[i]) {
        corrupt.fetch_add(1);
      } else {
        full.fetch_add(1);
      }
    }
  });
  std::thread remover([&] {
    for (uint64_t j = 0; j + 1 < kIters; ++j) {
      while (published.load(std::memory_order_acquire) <= static_cast<int64_t>(j)) std::this_thread::yield();
      if (!cache.RemoveFetchedBlock(R(j + 1))) remove_failures.fetch_add(1);  // only this thread removes
      removed.store(j + 1, std::memory_order_release);
    }
  });
  writer.join();
  remover.join();
  // Let the reader see the last block (never removed) at least once.
  WaitFor([&] { return full.load() > 0; }, std::chrono::seconds(5));
  done.store(true, std::memory_order_release);
  reader.join();

  EXPECT_EQ(partial.load(), 0);
  EXPECT_EQ(corrupt.load(), 0);
  EXPECT_EQ(remove_failures.load(), 0);
  EXPECT_GT(full.load(), 0);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_FALSE(cache.HasChildren(R(1'000'000)));
  EXPECT_TRUE(cache.CheckInvariants().ok());
}

// Insert without bytes then AttachSsz: two critical sections, so a racing reader may
// see the block alone (ssz == nullopt) and then block + bytes; never anything else.
// The writer pauses (bounded) in each window until the reader has been there, so the
// test fails if either state is not observable.
TEST(BlockCacheTest, InsertThenAttachSszShowsBothStatesToARacingReader) {
  constexpr uint64_t kIters = 300;
  std::vector<SignedBlock> blocks;
  std::vector<ByteVec> ssz;
  for (uint64_t i = 0; i < kIters; ++i) {
    blocks.push_back(MakeBlock(i + 1, R(2'000'000)));
    ssz.push_back(SszOf(blocks.back()));
  }
  BlockCache cache;
  std::atomic<int64_t> published{-1};
  std::atomic<int64_t> attached{-1};
  std::atomic<int64_t> last_partial{-1}, last_full{-1};
  std::atomic<bool> done{false};
  std::atomic<int> partial{0}, full{0}, corrupt{0}, remove_failures{0};

  std::thread writer([&] {
    for (uint64_t i = 0; i < kIters; ++i) {
      const int64_t n = static_cast<int64_t>(i);
      EXPECT_TRUE(cache.Insert(R(i + 1), blocks[i], std::nullopt).ok());
      published.store(n, std::memory_order_release);
      WaitFor([&] { return last_partial.load() >= n; },
              partial.load() == 0 ? std::chrono::microseconds(2'000'000) : std::chrono::microseconds(100));
      EXPECT_TRUE(cache.AttachSsz(R(i + 1), ssz[i]));
      attached.store(n, std::memory_order_release);
      WaitFor([&] { return last_full.load() >= n; },
              full.load() == 0 ? std::chrono::microseconds(2'000'000) : std::chrono::microseconds(100));
    }
  });
  std::thread reader([&] {
    while (!done.load(std::memory_order_acquire)) {
      const int64_t i = published.load(std::memory_order_acquire);
      if (i < 0) continue;
      std::optional<BlockAndSsz> got = cache.CloneBlockAndSsz(R(i + 1));
      if (!got.has_value()) continue;
      if (got->block != blocks[i]) {
        corrupt.fetch_add(1);
      } else if (!got->ssz.has_value()) {
        partial.fetch_add(1);
        last_partial.store(i);
      } else if (*got->ssz != ssz[i]) {
        corrupt.fetch_add(1);
      } else {
        full.fetch_add(1);
        last_full.store(i);
      }
    }
  });
  std::thread remover([&] {
    for (uint64_t j = 0; j + 1 < kIters; ++j) {
      while (attached.load(std::memory_order_acquire) <= static_cast<int64_t>(j)) std::this_thread::yield();
      if (!cache.RemoveFetchedBlock(R(j + 1))) remove_failures.fetch_add(1);
    }
  });
  writer.join();
  remover.join();
  done.store(true, std::memory_order_release);
  reader.join();

  EXPECT_GT(partial.load(), 0) << "the block-without-ssz window was never observed";
  EXPECT_GT(full.load(), 0) << "the attached state was never observed";
  EXPECT_EQ(corrupt.load(), 0);
  EXPECT_EQ(remove_failures.load(), 0);
  EXPECT_THAT(cache.GetChildrenCopy(R(2'000'000)), ElementsAre(R(kIters)));
  EXPECT_TRUE(cache.CheckInvariants().ok());
}

// Inserters, pruners and readers together; the structure must stay consistent.
TEST(BlockCacheTest, ConcurrentInsertPruneCollectKeepsInvariants) {
  constexpr uint64_t kChains = 4;
  constexpr uint64_t kLength = 64;
  BlockCache cache;
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};

  std::thread inserter([&] {
    for (uint64_t round = 0; round < 8; ++round) {
      for (uint64_t c = 0; c < kChains; ++c) {
        Root parent = R(5'000'000 + c);  // anchors are never cached
        for (uint64_t i = 1; i <= kLength; ++i) {
          const Root root = R(c * 10'000 + i);
          const absl::Status s = cache.Insert(root, MakeBlock(i, parent), std::nullopt);
          if (!s.ok()) bad.fetch_add(1);  // 4 * 64 < kMax: never full
          parent = root;
        }
      }
    }
  });
  std::thread pruner([&] {
    uint64_t n = 0;
    while (!done.load(std::memory_order_acquire)) {
      const uint64_t c = n % kChains;
      if (n % 3 == 0) {
        cache.RemoveChildrenOf(R(c * 10'000 + (n % kLength)));
      } else {
        cache.RemoveFetchedBlock(R(c * 10'000 + 1 + (n % kLength)));
      }
      ++n;
    }
  });
  std::thread reader([&] {
    while (!done.load(std::memory_order_acquire)) {
      for (const Root& r : cache.CollectCachedBlocksAtOrBelowSlot(kLength / 2)) {
        std::optional<BlockAndSsz> got = cache.CloneBlockAndSsz(r);
        if (got.has_value() && got->block.block.slot > kLength / 2) bad.fetch_add(1);
      }
      cache.CollectReadyCachedBlocks([](const Root& p) { return p[31] == 0xB1; });
      if (!cache.CheckInvariants().ok()) bad.fetch_add(1);
    }
  });
  inserter.join();
  done.store(true, std::memory_order_release);
  pruner.join();
  reader.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_TRUE(cache.CheckInvariants().ok());
  // Pruning may have cut chains; drop what is left block by block.
  for (const Root& r : cache.CollectCachedBlocksAtOrBelowSlot(kLength)) EXPECT_TRUE(cache.RemoveFetchedBlock(r));
  EXPECT_EQ(cache.size(), 0u);
  for (uint64_t c = 0; c < kChains; ++c) EXPECT_FALSE(cache.HasChildren(R(5'000'000 + c)));
  EXPECT_TRUE(cache.CheckInvariants().ok());
}

}  // namespace
}  // namespace beam::chain
