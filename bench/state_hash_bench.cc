// hash_tree_root(State): cold (a freshly decoded state, no cached Merkle nodes) and
// warm (a hashed state after one empty block: ProcessSlots + ProcessBlock applied, only
// the following HashTreeRoot is timed), for validators x history sizes.
//
// Counters: node_hashes = SHA-256 Merkle-node hashes per timed call; nodes (cold) =
// node hashes of a full cold hash (the tree size), ns_per_node = time / nodes;
// p50_us = per-iteration median.

#include <chrono>
#include <map>
#include <random>
#include <vector>
#include <utility>

#include <benchmark/benchmark.h>

#include "synthetic_state.h"

namespace beam::bench {
namespace {

using Clock = std::chrono::steady_clock;

const ssz::ByteVec& EncodedState(size_t n, size_t h) {
  static std::map<std::pair<size_t, size_t>, ssz::ByteVec> cache;
  auto it = cache.find({n, h});
  if (it == cache.end()) {
    it = cache.emplace(std::make_pair(n, h), ssz::Encode(MakeSyntheticState(n, h, Finality::kAtGenesis))).first;
  }
  return it->second;
}

void BM_StateHashTreeRootCold(benchmark::State& bs) {
  const size_t n = static_cast<size_t>(bs.range(0));
  const size_t h = static_cast<size_t>(bs.range(1));
  const ssz::ByteVec& bytes = EncodedState(n, h);
  IterationTimes times;
  uint64_t hashes = 0;
  for (auto _ : bs) {
    absl::StatusOr<State> state = ssz::Decode<State>(bytes);  // untimed: manual time below
    if (!state.ok()) {
      bs.SkipWithError("decode failed");
      break;
    }
    const uint64_t before = hash::NodeHashCount();
    const auto t0 = Clock::now();
    Root root = ssz::HashTreeRoot(*state);
    const auto t1 = Clock::now();
    benchmark::DoNotOptimize(root);
    hashes += hash::NodeHashCount() - before;
    bs.SetIterationTime(Seconds(t0, t1));
    times.Add(Seconds(t0, t1));
  }
  const double iters = static_cast<double>(bs.iterations());
  const double nodes = static_cast<double>(hashes) / iters;
  bs.counters["node_hashes"] = benchmark::Counter(static_cast<double>(hashes), benchmark::Counter::kAvgIterations);
  bs.counters["nodes"] = nodes;
  bs.counters["p50_us"] = times.MedianMicros();
  bs.counters["ns_per_node"] = times.MedianMicros() * 1000.0 / nodes;
}
BENCHMARK(BM_StateHashTreeRootCold)->Apply(StateSizes)->UseManualTime()->Unit(benchmark::kMicrosecond);

void BM_StateHashTreeRootWarmAfterEmptyBlock(benchmark::State& bs) {
  const size_t n = static_cast<size_t>(bs.range(0));
  const size_t h = static_cast<size_t>(bs.range(1));
  State base = MakeSyntheticState(n, h, Finality::kAtGenesis);
  ssz::HashTreeRoot(base);  // warm every cache
  absl::StatusOr<Block> block = MakeNextBlock(base);
  if (!block.ok()) {
    bs.SkipWithError(std::string(block.status().message()).c_str());
    return;
  }
  IterationTimes times;
  uint64_t hashes = 0;
  for (auto _ : bs) {
    State state = base;  // shares storage and caches with base
    if (!consensus::ProcessSlots(state, block->slot).ok() || !consensus::ProcessBlock(state, *block).ok()) {
      bs.SkipWithError("block processing failed");
      break;
    }
    const uint64_t before = hash::NodeHashCount();
    const auto t0 = Clock::now();
    Root root = ssz::HashTreeRoot(state);
    const auto t1 = Clock::now();
    hashes += hash::NodeHashCount() - before;
    if (root != block->state_root) {
      bs.SkipWithError("post-state root mismatch");
      break;
    }
    bs.SetIterationTime(Seconds(t0, t1));
    times.Add(Seconds(t0, t1));
  }
  bs.counters["node_hashes"] = benchmark::Counter(static_cast<double>(hashes), benchmark::Counter::kAvgIterations);
  bs.counters["p50_us"] = times.MedianMicros();
}
BENCHMARK(BM_StateHashTreeRootWarmAfterEmptyBlock)
    ->Apply(StateSizes)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

// ---- reference points for the cold numbers ----

// One Merkle node at a time, each depending on the previous (latency).
void BM_NodeHashLatency(benchmark::State& bs) {
  Root acc{}, sibling{};
  sibling[0] = 1;
  for (auto _ : bs) {
    hash::Sha256Pair(acc.data(), sibling.data(), acc.data());
  }
  benchmark::DoNotOptimize(acc);
  // Seconds per node: printed with an SI prefix, e.g. "40n" = 40 ns.
  bs.counters["s_per_node"] =
      benchmark::Counter(static_cast<double>(bs.iterations()), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_NodeHashLatency);

// A whole layer of independent nodes per call (throughput), as cold hashing does.
void BM_NodeHashLayer(benchmark::State& bs) {
  const size_t pairs = static_cast<size_t>(bs.range(0));
  std::vector<Root> in(2 * pairs), out(pairs);
  for (size_t i = 0; i < in.size(); ++i) in[i][0] = static_cast<uint8_t>(i);
  for (auto _ : bs) {
    hash::Sha256Pairs(in.data()->data(), out.data()->data(), pairs);
    benchmark::DoNotOptimize(out.data());
  }
  bs.counters["s_per_node"] = benchmark::Counter(static_cast<double>(pairs) * static_cast<double>(bs.iterations()),
                                                 benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_NodeHashLayer)->Arg(128)->Arg(65536);

// Cold root of a lone PersistentList<Root, 2^18> of n entries (built untimed), to
// separate list hashing from the rest of the State.
void BM_HistoryListCold(benchmark::State& bs) {
  const size_t n = static_cast<size_t>(bs.range(0));
  std::mt19937_64 rng(n);
  std::vector<Root> roots(n);
  for (Root& r : roots) r = PseudoRandomRoot(rng);
  IterationTimes times;
  uint64_t hashes = 0;
  for (auto _ : bs) {
    consensus::HistoricalBlockHashes list;
    list.Assign(roots);
    const uint64_t before = hash::NodeHashCount();
    const auto t0 = Clock::now();
    Root root = list.HashTreeRoot();
    const auto t1 = Clock::now();
    benchmark::DoNotOptimize(root);
    hashes += hash::NodeHashCount() - before;
    bs.SetIterationTime(Seconds(t0, t1));
    times.Add(Seconds(t0, t1));
  }
  const double nodes = static_cast<double>(hashes) / static_cast<double>(bs.iterations());
  bs.counters["nodes"] = nodes;
  bs.counters["p50_us"] = times.MedianMicros();
  bs.counters["ns_per_node"] = times.MedianMicros() * 1000.0 / nodes;
}
BENCHMARK(BM_HistoryListCold)->Arg(1000)->Arg(100000)->UseManualTime()->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace beam::bench
