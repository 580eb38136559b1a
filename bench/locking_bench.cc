// Locking primitives: the cost of LockedMap (TieredMutex, untimed, + flat_hash_map)
// against the bare alternatives, and the BlockCache hot paths.
//
// BM_Map_*: one map of 1024 uint64 -> uint64 entries shared by all threads (1, 2, 4,
// 8); each iteration is one operation on a pseudo-random key (per-thread xorshift):
// Put (always a replace, so the map never grows) with probability put% (the argument,
// 10 or 50), Get otherwise. Compared:
//   - LockedMap<uint64_t, uint64_t>            (std::mutex inside TieredMutex)
//   - absl::Mutex + absl::flat_hash_map        (bare, same map type and hash)
//   - std::mutex + std::unordered_map          (bare, std::hash)
//   - std::mutex + absl::flat_hash_map         (LockedMap's parts without the wrapper)
//   - adaptive pthread mutex + flat_hash_map   (a candidate base for TieredMutex)
// Throughput is items_per_second over wall time (UseRealTime), summed over threads.
// The machine has 2 cores: 4 and 8 threads measure behaviour under oversubscription.
//
// BM_BlockCache_*: a SignedBlock with 4 aggregated attestations (128-validator bitlists,
// 2/3 set) and a 4 KiB proof, and its SSZ encoding. Each iteration inserts a copy under
// a fresh root and removes it again, so the cache stays near-empty:
//   - InsertCloneRemove: Insert(copy + ssz copy) + CloneBlockAndSsz + RemoveFetchedBlock
//   - InsertRemove:      Insert(copy + ssz copy) + RemoveFetchedBlock
//   - CopyOnly:          the two copies Insert's by-value arguments cost the caller
// Clone cost ~= InsertCloneRemove - InsertRemove.

#include <pthread.h>

#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>

#include <benchmark/benchmark.h>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "chain/block_cache.h"
#include "ssz/codec.h"
#include "locking/locked_map.h"

namespace beam::bench {
namespace {

constexpr uint64_t kKeys = 1024;

// ---- the three maps -----------------------------------------------------------------

class AbslMutexMap {
 public:
  std::optional<uint64_t> Get(uint64_t k) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    auto it = map_.find(k);
    if (it == map_.end()) return std::nullopt;
    return it->second;
  }
  bool Put(uint64_t k, uint64_t v) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return map_.insert_or_assign(k, v).second;
  }

 private:
  absl::Mutex mu_;
  absl::flat_hash_map<uint64_t, uint64_t> map_ ABSL_GUARDED_BY(mu_);
};

// The primitives LockedMap is made of, without the wrapper: isolates its own cost.
class StdMutexFlatMap {
 public:
  std::optional<uint64_t> Get(uint64_t k) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = map_.find(k);
    if (it == map_.end()) return std::nullopt;
    return it->second;
  }
  bool Put(uint64_t k, uint64_t v) {
    std::lock_guard<std::mutex> lock(mu_);
    return map_.insert_or_assign(k, v).second;
  }

 private:
  std::mutex mu_;
  absl::flat_hash_map<uint64_t, uint64_t> map_;  // guarded by mu_
};

// As StdMutexFlatMap with glibc's adaptive (spin briefly, then park) mutex: what a
// TieredMutex built on it would cost.
class AdaptiveMutexFlatMap {
 public:
  AdaptiveMutexFlatMap() {
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
    pthread_mutex_init(&mu_, &attr);
    pthread_mutexattr_destroy(&attr);
  }
  std::optional<uint64_t> Get(uint64_t k) {
    pthread_mutex_lock(&mu_);
    auto it = map_.find(k);
    std::optional<uint64_t> v;
    if (it != map_.end()) v = it->second;
    pthread_mutex_unlock(&mu_);
    return v;
  }
  bool Put(uint64_t k, uint64_t v) {
    pthread_mutex_lock(&mu_);
    const bool fresh = map_.insert_or_assign(k, v).second;
    pthread_mutex_unlock(&mu_);
    return fresh;
  }

 private:
  pthread_mutex_t mu_;
  absl::flat_hash_map<uint64_t, uint64_t> map_;  // guarded by mu_
};

class StdMutexMap {
 public:
  std::optional<uint64_t> Get(uint64_t k) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = map_.find(k);
    if (it == map_.end()) return std::nullopt;
    return it->second;
  }
  bool Put(uint64_t k, uint64_t v) {
    std::lock_guard<std::mutex> lock(mu_);
    return map_.insert_or_assign(k, v).second;
  }

 private:
  std::mutex mu_;
  std::unordered_map<uint64_t, uint64_t> map_;  // guarded by mu_
};

class BenchLockedMap : public LockedMap<uint64_t, uint64_t> {
 public:
  BenchLockedMap() : LockedMap("bench_map") {}
};

template <class Map>
Map& SharedMap() {
  static Map* map = [] {
    auto* m = new Map();
    for (uint64_t k = 0; k < kKeys; ++k) m->Put(k, k);
    return m;
  }();
  return *map;
}

template <class Map>
void BM_Map(benchmark::State& state) {
  Map& map = SharedMap<Map>();
  const uint64_t put_percent = static_cast<uint64_t>(state.range(0));
  uint64_t rng = 0x9e3779b97f4a7c15ull * static_cast<uint64_t>(state.thread_index() + 1);
  uint64_t sink = 0;
  for (auto _ : state) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    const uint64_t key = rng % kKeys;
    if ((rng >> 32) % 100 < put_percent) {
      benchmark::DoNotOptimize(map.Put(key, rng));
    } else {
      std::optional<uint64_t> v = map.Get(key);
      sink += v.has_value() ? *v : 0;
    }
  }
  benchmark::DoNotOptimize(sink);
  state.SetItemsProcessed(state.iterations());
}

void MapArgs(benchmark::internal::Benchmark* b) {
  b->ArgName("put%")->Arg(10)->Arg(50)->UseRealTime();
  for (int t : {1, 2, 4, 8}) b->Threads(t);
}

void BM_Map_LockedMap(benchmark::State& state) { BM_Map<BenchLockedMap>(state); }
void BM_Map_AbslMutexFlatHashMap(benchmark::State& state) { BM_Map<AbslMutexMap>(state); }
void BM_Map_StdMutexUnorderedMap(benchmark::State& state) { BM_Map<StdMutexMap>(state); }
void BM_Map_StdMutexFlatHashMap(benchmark::State& state) { BM_Map<StdMutexFlatMap>(state); }
void BM_Map_AdaptiveMutexFlatHashMap(benchmark::State& state) { BM_Map<AdaptiveMutexFlatMap>(state); }
BENCHMARK(BM_Map_LockedMap)->Apply(MapArgs);
BENCHMARK(BM_Map_AbslMutexFlatHashMap)->Apply(MapArgs);
BENCHMARK(BM_Map_StdMutexUnorderedMap)->Apply(MapArgs);
BENCHMARK(BM_Map_StdMutexFlatHashMap)->Apply(MapArgs);
BENCHMARK(BM_Map_AdaptiveMutexFlatHashMap)->Apply(MapArgs);

// ---- BlockCache ---------------------------------------------------------------------

ssz::Root RootOf(uint64_t n) {
  ssz::Root r;
  for (int i = 0; i < 8; ++i) r[i] = static_cast<uint8_t>(n >> (8 * i));
  r[31] = 0x5A;
  return r;
}

const consensus::SignedBlock& RealisticBlock() {
  static const auto* block = [] {
    auto* b = new consensus::SignedBlock();
    b->block.slot = 1000;
    b->block.proposer_index = 17;
    b->block.parent_root = RootOf(999);
    b->block.state_root = RootOf(123456);
    for (int a = 0; a < 4; ++a) {
      consensus::AggregatedAttestation att;
      att.aggregation_bits = consensus::AggregationBits(128);
      for (size_t i = 0; i < 128; ++i) att.aggregation_bits.Set(i, i % 3 != 0);
      att.data.slot = 999 - a;
      att.data.head = {RootOf(999 - a), 999u - a};
      att.data.target = {RootOf(992), 992};
      att.data.source = {RootOf(984), 984};
      b->block.body.attestations.items.push_back(att);
    }
    b->proof.proof.bytes.assign(4096, 0xA5);
    return b;
  }();
  return *block;
}

const ssz::ByteVec& RealisticSsz() {
  static const auto* bytes = new ssz::ByteVec(ssz::Encode(RealisticBlock()));
  return *bytes;
}

void BM_BlockCache_InsertCloneRemove(benchmark::State& state) {
  static auto* cache = new chain::BlockCache();
  const consensus::SignedBlock& block = RealisticBlock();
  const ssz::ByteVec& bytes = RealisticSsz();
  uint64_t n = static_cast<uint64_t>(state.thread_index()) << 40;
  for (auto _ : state) {
    const ssz::Root root = RootOf(++n);
    if (!cache->Insert(root, block, bytes).ok()) state.SkipWithError("insert failed");
    std::optional<chain::BlockAndSsz> clone = cache->CloneBlockAndSsz(root);
    benchmark::DoNotOptimize(clone);
    cache->RemoveFetchedBlock(root);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["ssz_bytes"] = benchmark::Counter(static_cast<double>(bytes.size()), benchmark::Counter::kAvgThreads);
}
BENCHMARK(BM_BlockCache_InsertCloneRemove)->UseRealTime()->Threads(1)->Threads(2);

void BM_BlockCache_InsertRemove(benchmark::State& state) {
  static auto* cache = new chain::BlockCache();
  const consensus::SignedBlock& block = RealisticBlock();
  const ssz::ByteVec& bytes = RealisticSsz();
  uint64_t n = static_cast<uint64_t>(state.thread_index()) << 40;
  for (auto _ : state) {
    const ssz::Root root = RootOf(++n);
    if (!cache->Insert(root, block, bytes).ok()) state.SkipWithError("insert failed");
    benchmark::DoNotOptimize(cache->RemoveFetchedBlock(root));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BlockCache_InsertRemove)->UseRealTime()->Threads(1)->Threads(2);

void BM_BlockCache_CopyOnly(benchmark::State& state) {
  const consensus::SignedBlock& block = RealisticBlock();
  const ssz::ByteVec& bytes = RealisticSsz();
  for (auto _ : state) {
    consensus::SignedBlock b = block;
    ssz::ByteVec s = bytes;
    benchmark::DoNotOptimize(b);
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BlockCache_CopyOnly);

}  // namespace
}  // namespace beam::bench
