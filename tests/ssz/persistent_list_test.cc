// PersistentList / PersistentBitlist (ssz/persistent_list.h): randomized equivalence
// with the plain ssz::List / ssz::Bitlist (root and encoding), copy-on-write
// isolation, incremental hashing cost and concurrent const hashing.

#include "ssz/persistent_list.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "hash/sha256.h"
#include "ssz/bitfields.h"
#include "ssz/collections.h"

namespace beam::ssz {
namespace {

Root RandomRoot(std::mt19937_64& rng) {
  Root r;
  for (size_t i = 0; i < 32; i += 8) {
    const uint64_t v = rng();
    for (size_t b = 0; b < 8; ++b) r[i + b] = static_cast<uint8_t>(v >> (8 * b));
  }
  return r;
}

Root NumberedRoot(uint64_t i) {
  Root r;
  for (size_t b = 0; b < 8; ++b) r[b] = static_cast<uint8_t>((i * 0x9e3779b97f4a7c15ull) >> (8 * b));
  r[31] = 0x5a;
  return r;
}

size_t Uniform(std::mt19937_64& rng, size_t lo, size_t hi) {  // inclusive
  return std::uniform_int_distribution<size_t>(lo, hi)(rng);
}

// ------------------------------------------------------------------ list model

template <size_t N>
struct ListModel {
  using P = PersistentList<Root, N>;
  using Plain = List<Root, N>;
  P p;
  Plain plain;

  void Check(const std::string& where) const {
    ASSERT_EQ(p.size(), plain.size()) << where;
    ASSERT_EQ(p.ToVector(), plain.items) << where;
    ASSERT_EQ(Encode(p), Encode(plain)) << where;
    ASSERT_EQ(HashTreeRoot(p), HashTreeRoot(plain)) << where;
    ASSERT_TRUE(p.IsHashCached()) << where;
  }
};

// Runs `ops` random mutations on a persistent list and its plain mirror, checking
// root and encoding every `check_every` ops. Sizes are kept below `max_size`, with
// occasional large jumps that cross many 256-leaf segments.
template <size_t N>
void RunListProperty(uint64_t seed, int ops, size_t max_size, int check_every) {
  std::mt19937_64 rng(seed);
  ListModel<N> m;
  struct Snapshot {
    PersistentList<Root, N> p;
    List<Root, N> plain;
    Root root;
  };
  std::vector<Snapshot> snapshots;
  const size_t cap = std::min(max_size, N);

  for (int op = 0; op < ops; ++op) {
    const std::string where = "seed " + std::to_string(seed) + " op " + std::to_string(op);
    const size_t size = m.p.size();
    switch (Uniform(rng, 0, 15)) {
      case 0:
      case 1:
      case 2:
      case 3: {  // PushBack a few
        const size_t n = Uniform(rng, 1, 4);
        for (size_t i = 0; i < n && m.p.size() < cap; ++i) {
          const Root r = RandomRoot(rng);
          m.p.PushBack(r);
          m.plain.items.push_back(r);
        }
        break;
      }
      case 4:
      case 5:
      case 6: {  // Set a few
        if (size == 0) break;
        const size_t n = Uniform(rng, 1, 6);
        for (size_t i = 0; i < n; ++i) {
          const size_t idx = Uniform(rng, 0, size - 1);
          const Root r = RandomRoot(rng);
          m.p.Set(idx, r);
          m.plain.items[idx] = r;
        }
        break;
      }
      case 7: {  // Set the same value back (no-op change)
        if (size == 0) break;
        const size_t idx = Uniform(rng, 0, size - 1);
        m.p.Set(idx, m.plain.items[idx]);
        break;
      }
      case 8: {  // shrink: small, segment-crossing or big
        if (size == 0) break;
        const size_t n = Uniform(rng, 0, 3) == 0 ? Uniform(rng, 0, size) : size - std::min(size, Uniform(rng, 1, 300));
        m.p.Resize(n);
        m.plain.items.resize(n);
        break;
      }
      case 9: {  // grow with default values
        const size_t n = std::min(cap, size + (Uniform(rng, 0, 3) == 0 ? Uniform(rng, 0, cap) : Uniform(rng, 0, 300)));
        m.p.Resize(n);
        m.plain.items.resize(n);
        break;
      }
      case 10:
      case 11: {  // Assign: mostly the same contents, some changes, new length
        std::vector<Root> v = m.plain.items;
        const size_t n = std::min(cap, Uniform(rng, 0, 2) == 0 ? Uniform(rng, 0, cap) : v.size() + Uniform(rng, 0, 20) - std::min<size_t>(v.size(), 10));
        v.resize(n);
        for (size_t i = size; i < n; ++i) v[i] = RandomRoot(rng);
        const size_t changes = Uniform(rng, 0, 5);
        for (size_t i = 0; i < changes && n > 0; ++i) v[Uniform(rng, 0, n - 1)] = RandomRoot(rng);
        m.p.Assign(v);
        m.plain.items = v;
        break;
      }
      case 12: {  // Clear (rarely)
        if (Uniform(rng, 0, 4) == 0) {
          m.p.Clear();
          m.plain.items.clear();
        }
        break;
      }
      case 13: {  // hash now, so later writes go through the incremental path
        ASSERT_EQ(HashTreeRoot(m.p), HashTreeRoot(m.plain)) << where;
        break;
      }
      case 14: {  // snapshot: copy, optionally hashed, then keep mutating one side
        if (snapshots.size() >= 6) snapshots.erase(snapshots.begin());
        Snapshot s{m.p, m.plain, HashTreeRoot(m.plain)};
        if (Uniform(rng, 0, 1) == 0) {
          ASSERT_EQ(HashTreeRoot(s.p), s.root) << where;
        }
        if (Uniform(rng, 0, 1) == 0) {
          // Continue on the copy; the original becomes the snapshot.
          std::swap(s.p, m.p);
        }
        snapshots.push_back(std::move(s));
        break;
      }
      case 15: {  // verify snapshots are untouched by later writes
        for (const Snapshot& s : snapshots) {
          ASSERT_EQ(s.p.size(), s.plain.size()) << where;
          ASSERT_EQ(s.p.ToVector(), s.plain.items) << where;
          ASSERT_EQ(HashTreeRoot(s.p), s.root) << where;
        }
        break;
      }
    }
    if (op % check_every == 0) {
      m.Check(where);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
  m.Check("final");
  for (const Snapshot& s : snapshots) {
    ASSERT_EQ(s.p.ToVector(), s.plain.items);
    ASSERT_EQ(HashTreeRoot(s.p), s.root);
    ASSERT_EQ(Encode(s.p), Encode(s.plain));
  }
  // A decoded copy (cold cache) agrees too.
  absl::StatusOr<PersistentList<Root, N>> decoded = Decode<PersistentList<Root, N>>(Encode(m.plain));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(HashTreeRoot(*decoded), HashTreeRoot(m.plain));
}

TEST(PersistentListTest, RandomOpsMatchPlainListLargeLimit) {
  RunListProperty<size_t{1} << 18>(/*seed=*/1, /*ops=*/3000, /*max_size=*/3000, /*check_every=*/5);
}

TEST(PersistentListTest, RandomOpsMatchPlainListLargeLimitSecondSeed) {
  RunListProperty<size_t{1} << 18>(/*seed=*/77, /*ops=*/1500, /*max_size=*/1500, /*check_every=*/3);
}

TEST(PersistentListTest, RandomOpsMatchPlainListSmallLimit) {
  // Limit 64 is below one 256-leaf segment: the root is an inner node of segment 0.
  RunListProperty<64>(/*seed=*/2, /*ops=*/3000, /*max_size=*/64, /*check_every=*/2);
}

TEST(PersistentListTest, RandomOpsMatchPlainListOddLimit) {
  // Limit 600 (tree width 1024) spans three segments.
  RunListProperty<600>(/*seed=*/3, /*ops=*/3000, /*max_size=*/600, /*check_every=*/3);
}

// ---------------------------------------------------------------- bitlist model

template <size_t N>
Bitlist<N> BitlistFromPacked(const ByteVec& packed, size_t len) {
  Bitlist<N> b(len);
  for (size_t i = 0; i < len; ++i) b.Set(i, (packed[i / 8] >> (i % 8)) & 1);
  return b;
}

template <size_t N>
void RunBitlistProperty(uint64_t seed, int ops, size_t max_size, int check_every) {
  std::mt19937_64 rng(seed);
  PersistentBitlist<N> p;
  Bitlist<N> plain;
  struct Snapshot {
    PersistentBitlist<N> p;
    Bitlist<N> plain;
    Root root;
  };
  std::vector<Snapshot> snapshots;
  const size_t cap = std::min(max_size, N);
  auto check = [&](const std::string& where) {
    ASSERT_EQ(p.size(), plain.size()) << where;
    ASSERT_EQ(p.ToPacked(), plain.bytes()) << where;
    ASSERT_EQ(Encode(p), Encode(plain)) << where;
    ASSERT_EQ(HashTreeRoot(p), HashTreeRoot(plain)) << where;
  };

  for (int op = 0; op < ops; ++op) {
    const std::string where = "seed " + std::to_string(seed) + " op " + std::to_string(op);
    const size_t size = p.size();
    switch (Uniform(rng, 0, 14)) {
      case 0:
      case 1:
      case 2: {  // PushBack a run of bits
        const size_t n = Uniform(rng, 1, 40);
        for (size_t i = 0; i < n && p.size() < cap; ++i) {
          const bool v = Uniform(rng, 0, 2) == 0;
          p.PushBack(v);
          plain.PushBack(v);
        }
        break;
      }
      case 3:
      case 4:
      case 5: {  // Set bits (to either value)
        if (size == 0) break;
        const size_t n = Uniform(rng, 1, 10);
        for (size_t i = 0; i < n; ++i) {
          const size_t idx = Uniform(rng, 0, size - 1);
          const bool v = Uniform(rng, 0, 1) == 0;
          p.Set(idx, v);
          plain.Set(idx, v);
        }
        break;
      }
      case 6: {  // shrink
        if (size == 0) break;
        const size_t n = Uniform(rng, 0, 2) == 0 ? Uniform(rng, 0, size) : size - std::min(size, Uniform(rng, 1, 3000));
        p.Resize(n);
        plain.Resize(n);
        break;
      }
      case 7: {  // grow with zero bits
        const size_t n = std::min(cap, size + (Uniform(rng, 0, 3) == 0 ? Uniform(rng, 0, cap) : Uniform(rng, 0, 3000)));
        p.Resize(n);
        plain.Resize(n);
        break;
      }
      case 8:
      case 9: {  // AssignPacked: mostly unchanged with a few flipped bits and a new length
        size_t len = Uniform(rng, 0, 2) == 0 ? Uniform(rng, 0, cap) : std::min(cap, size + Uniform(rng, 0, 600) - std::min<size_t>(size, 300));
        ByteVec packed = plain.bytes();
        packed.resize((len + 7) / 8, 0);
        if (len % 8) packed.back() &= static_cast<uint8_t>((1u << (len % 8)) - 1);
        const size_t flips = Uniform(rng, 0, 8);
        for (size_t i = 0; i < flips && len > 0; ++i) {
          const size_t bit = Uniform(rng, 0, len - 1);
          packed[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
        }
        p.AssignPacked(packed, len);
        plain = BitlistFromPacked<N>(packed, len);
        break;
      }
      case 10: {  // Clear (rarely)
        if (Uniform(rng, 0, 4) == 0) {
          p.Resize(0);
          plain.Resize(0);
        }
        break;
      }
      case 11: {
        ASSERT_EQ(HashTreeRoot(p), HashTreeRoot(plain)) << where;
        break;
      }
      case 12: {  // snapshot
        if (snapshots.size() >= 4) snapshots.erase(snapshots.begin());
        Snapshot s{p, plain, HashTreeRoot(plain)};
        if (Uniform(rng, 0, 1) == 0) {
          ASSERT_EQ(HashTreeRoot(s.p), s.root) << where;
        }
        if (Uniform(rng, 0, 1) == 0) std::swap(s.p, p);
        snapshots.push_back(std::move(s));
        break;
      }
      case 13:
      case 14: {
        for (const Snapshot& s : snapshots) {
          ASSERT_EQ(s.p.ToPacked(), s.plain.bytes()) << where;
          ASSERT_EQ(HashTreeRoot(s.p), s.root) << where;
        }
        break;
      }
    }
    if (op % check_every == 0) {
      check(where);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
  check("final");
  for (const Snapshot& s : snapshots) {
    ASSERT_EQ(HashTreeRoot(s.p), s.root);
    ASSERT_EQ(Encode(s.p), Encode(s.plain));
  }
  absl::StatusOr<PersistentBitlist<N>> decoded = Decode<PersistentBitlist<N>>(Encode(plain));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(HashTreeRoot(*decoded), HashTreeRoot(plain));
  EXPECT_TRUE(*decoded == p);
}

TEST(PersistentBitlistTest, RandomOpsMatchPlainBitlistLargeLimit) {
  // Up to 200000 bits: four 65536-bit segments.
  RunBitlistProperty<size_t{1} << 18>(/*seed=*/11, /*ops=*/2500, /*max_size=*/200000, /*check_every=*/5);
}

TEST(PersistentBitlistTest, RandomOpsMatchPlainBitlistSmallSizes) {
  // Same limit, sizes around one segment boundary.
  RunBitlistProperty<size_t{1} << 18>(/*seed=*/12, /*ops=*/2500, /*max_size=*/70000, /*check_every=*/3);
}

TEST(PersistentBitlistTest, RandomOpsMatchPlainBitlistSmallLimit) {
  // Limit 100 bits: a single chunk, so the root is leaf 0 of segment 0.
  RunBitlistProperty<100>(/*seed=*/13, /*ops=*/3000, /*max_size=*/100, /*check_every=*/2);
}

TEST(PersistentBitlistTest, RandomOpsMatchPlainBitlistHugeLimit) {
  // Limit 2^22 bits (16384 chunks): shrinking by more than 1024 leaves takes the
  // "rebuild everything" path.
  RunBitlistProperty<size_t{1} << 22>(/*seed=*/14, /*ops=*/800, /*max_size=*/600000, /*check_every=*/4);
}

// ------------------------------------------------------------- copy on write

TEST(PersistentListTest, CopyOnWriteIsolatesCopies) {
  PersistentList<Root, 1 << 18> a;
  List<Root, 1 << 18> plain_a;
  for (uint64_t i = 0; i < 1000; ++i) {
    a.PushBack(NumberedRoot(i));
    plain_a.items.push_back(NumberedRoot(i));
  }
  const Root root_a = HashTreeRoot(a);
  ASSERT_EQ(root_a, HashTreeRoot(plain_a));

  PersistentList<Root, 1 << 18> b = a;
  List<Root, 1 << 18> plain_b = plain_a;
  b.Set(3, NumberedRoot(5000));
  plain_b.items[3] = NumberedRoot(5000);
  b.Set(700, NumberedRoot(5001));
  plain_b.items[700] = NumberedRoot(5001);
  b.PushBack(NumberedRoot(5002));
  plain_b.items.push_back(NumberedRoot(5002));

  // The original is untouched: contents, cached root, and a recomputed root.
  EXPECT_EQ(a.ToVector(), plain_a.items);
  EXPECT_TRUE(a.IsHashCached());
  EXPECT_EQ(HashTreeRoot(a), root_a);
  EXPECT_EQ(HashTreeRoot(b), HashTreeRoot(plain_b));
  EXPECT_NE(HashTreeRoot(b), root_a);

  // Now mutate the original; the copy must not see it either.
  const Root root_b = HashTreeRoot(b);
  a.Resize(10);
  plain_a.items.resize(10);
  EXPECT_EQ(HashTreeRoot(a), HashTreeRoot(plain_a));
  EXPECT_EQ(b.ToVector(), plain_b.items);
  EXPECT_EQ(HashTreeRoot(b), root_b);

  // A copy of a never-hashed list, hashed after both sides diverge.
  PersistentList<Root, 1 << 18> c;
  for (uint64_t i = 0; i < 600; ++i) c.PushBack(NumberedRoot(i));
  PersistentList<Root, 1 << 18> d = c;
  d.Set(0, Root{});
  c.Set(599, Root{});
  List<Root, 1 << 18> plain_c, plain_d;
  for (uint64_t i = 0; i < 600; ++i) plain_c.items.push_back(NumberedRoot(i));
  plain_d = plain_c;
  plain_d.items[0] = Root{};
  plain_c.items[599] = Root{};
  EXPECT_EQ(HashTreeRoot(d), HashTreeRoot(plain_d));
  EXPECT_EQ(HashTreeRoot(c), HashTreeRoot(plain_c));
}

TEST(PersistentBitlistTest, CopyOnWriteIsolatesCopies) {
  PersistentBitlist<1 << 18> a;
  Bitlist<1 << 18> plain_a;
  for (size_t i = 0; i < 70000; ++i) {
    a.PushBack(i % 7 == 0);
    plain_a.PushBack(i % 7 == 0);
  }
  const Root root_a = HashTreeRoot(a);
  ASSERT_EQ(root_a, HashTreeRoot(plain_a));
  PersistentBitlist<1 << 18> b = a;
  Bitlist<1 << 18> plain_b = plain_a;
  b.Set(1, true);
  plain_b.Set(1, true);
  b.Set(69999, true);
  plain_b.Set(69999, true);
  b.Resize(100);
  plain_b.Resize(100);
  EXPECT_EQ(HashTreeRoot(b), HashTreeRoot(plain_b));
  EXPECT_EQ(a.ToPacked(), plain_a.bytes());
  EXPECT_EQ(HashTreeRoot(a), root_a);
  EXPECT_TRUE(a.Get(0));
  EXPECT_FALSE(a.Get(1));
}

// ------------------------------------------------------------ incremental cost

TEST(PersistentListTest, IncrementalHashingCost) {
  constexpr size_t kLimit = size_t{1} << 18;
  PersistentList<Root, kLimit> list;
  List<Root, kLimit> plain;
  for (uint64_t i = 0; i < 100000; ++i) {
    list.PushBack(NumberedRoot(i));
    plain.items.push_back(NumberedRoot(i));
  }
  uint64_t before = hash::NodeHashCount();
  const Root cold = HashTreeRoot(list);
  const uint64_t cold_hashes = hash::NodeHashCount() - before;
  ASSERT_EQ(cold, HashTreeRoot(plain));
  // 100000 leaves need at least 99999 inner nodes.
  EXPECT_GE(cold_hashes, 99999u);

  // A cached root costs nothing.
  before = hash::NodeHashCount();
  EXPECT_EQ(HashTreeRoot(list), cold);
  EXPECT_EQ(hash::NodeHashCount() - before, 0u);

  list.PushBack(NumberedRoot(100000));
  plain.items.push_back(NumberedRoot(100000));
  before = hash::NodeHashCount();
  const Root appended = HashTreeRoot(list);
  const uint64_t append_hashes = hash::NodeHashCount() - before;
  EXPECT_LE(append_hashes, 30u);
  EXPECT_EQ(appended, HashTreeRoot(plain));

  list.Set(12345, NumberedRoot(999999));
  plain.items[12345] = NumberedRoot(999999);
  before = hash::NodeHashCount();
  const Root set = HashTreeRoot(list);
  const uint64_t set_hashes = hash::NodeHashCount() - before;
  EXPECT_LE(set_hashes, 30u);
  EXPECT_EQ(set, HashTreeRoot(plain));

  // A copy shares the cache: one write on the copy is incremental as well.
  PersistentList<Root, kLimit> copy = list;
  copy.Set(5, Root{});
  before = hash::NodeHashCount();
  const Root copy_root = HashTreeRoot(copy);
  EXPECT_LE(hash::NodeHashCount() - before, 30u);
  plain.items[5] = Root{};
  EXPECT_EQ(copy_root, HashTreeRoot(plain));
  EXPECT_EQ(HashTreeRoot(list), set);
}

TEST(PersistentBitlistTest, IncrementalHashingCost) {
  PersistentBitlist<size_t{1} << 18> bits;
  bits.Resize(200000);
  HashTreeRoot(bits);
  bits.PushBack(true);
  uint64_t before = hash::NodeHashCount();
  HashTreeRoot(bits);
  EXPECT_LE(hash::NodeHashCount() - before, 20u);
  bits.Set(7, true);
  before = hash::NodeHashCount();
  HashTreeRoot(bits);
  EXPECT_LE(hash::NodeHashCount() - before, 20u);
  Bitlist<size_t{1} << 18> plain(200001);
  plain.Set(200000, true);
  plain.Set(7, true);
  EXPECT_EQ(HashTreeRoot(bits), HashTreeRoot(plain));
}

// ---------------------------------------------------------------- concurrency

template <class L>
void HashConcurrently(const L& list, const Root& expected) {
  constexpr int kThreads = 4;
  std::atomic<int> ready{0};
  std::vector<Root> roots(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ready.fetch_add(1);
      while (ready.load() < kThreads) {
      }
      roots[t] = list.HashTreeRoot();
    });
  }
  for (std::thread& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(roots[t], expected) << "thread " << t;
}

TEST(PersistentListTest, ConcurrentHashTreeRootOnConstDirtyList) {
  constexpr size_t kLimit = size_t{1} << 18;
  PersistentList<Root, kLimit> list;
  List<Root, kLimit> plain;
  for (uint64_t i = 0; i < 5000; ++i) {
    list.PushBack(NumberedRoot(i));
    plain.items.push_back(NumberedRoot(i));
  }
  // Never hashed: every thread races to build the whole tree.
  ASSERT_FALSE(list.IsHashCached());
  const PersistentList<Root, kLimit>& const_list = list;
  HashConcurrently(const_list, HashTreeRoot(plain));

  // Hashed, then a few writes: the threads race on the incremental path, on a copy
  // that shares node segments with the original.
  PersistentList<Root, kLimit> copy = list;
  for (uint64_t i = 0; i < 300; ++i) {
    copy.Set(i * 13, NumberedRoot(i + 100000));
    plain.items[i * 13] = NumberedRoot(i + 100000);
  }
  copy.PushBack(Root{});
  plain.items.push_back(Root{});
  ASSERT_FALSE(copy.IsHashCached());
  HashConcurrently(static_cast<const PersistentList<Root, kLimit>&>(copy), HashTreeRoot(plain));
}

TEST(PersistentBitlistTest, ConcurrentHashTreeRootOnConstDirtyList) {
  PersistentBitlist<size_t{1} << 18> bits;
  Bitlist<size_t{1} << 18> plain;
  for (size_t i = 0; i < 100000; ++i) {
    bits.PushBack(i % 3 == 1);
    plain.PushBack(i % 3 == 1);
  }
  HashConcurrently(bits, HashTreeRoot(plain));
  bits.Set(99999, true);
  plain.Set(99999, true);
  bits.Resize(120000);
  plain.Resize(120000);
  HashConcurrently(bits, HashTreeRoot(plain));
}

// Two copies sharing a segment, mutated on two threads: the thread that clones the
// shared segment drops its reference, and the other (now the sole owner) writes the
// segment in place. Under TSan this checks that the uniqueness test synchronises with
// the clone's reads (CowPtr's acquire/release counting).
TEST(PersistentListThreadsTest, CopiesMutatedOnDifferentThreads) {
  for (int round = 0; round < 50; ++round) {
    PersistentList<Root, 1024> original;
    for (int i = 0; i < 10; ++i) original.PushBack(Root{});
    auto* copy = new PersistentList<Root, 1024>(original);
    std::atomic<bool> cloned{false};
    std::thread other([&] {
      Root r{};
      r[0] = 1;
      copy->Set(3, r);  // clones the shared segment
      EXPECT_EQ((*copy)[3][0], 1);
      delete copy;      // drops the last other reference to the original segment
      cloned.store(true, std::memory_order_relaxed);
    });
    while (!cloned.load(std::memory_order_relaxed)) std::this_thread::yield();
    Root r{};
    r[0] = 2;
    original.Set(4, r);  // sole owner now: writes in place
    other.join();
    EXPECT_EQ(original[3][0], 0);
    EXPECT_EQ(original[4][0], 2);
  }
}

}  // namespace
}  // namespace beam::ssz
