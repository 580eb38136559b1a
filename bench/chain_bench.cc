// BeamChain benchmarks: BorrowedState acquire+release against a bare shared lock,
// chain-worker enqueue latency while the worker imports blocks, and end-to-end block
// import throughput.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <shared_mutex>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "benchmark/benchmark.h"
#include "chain/beam_chain.h"
#include "tests/testing/chain_fixture.h"

namespace beam::chain {
namespace {

struct Fixture {
  explicit Fixture(uint64_t validators, uint64_t slots) : genesis(testing::MakeGenesis(validators)) {
    input = testing::ProduceChain(genesis, validators, slots);
  }
  std::unique_ptr<BeamChain> Chain(bool worker, metrics::Registry* registry) {
    ChainConfig config;
    config.chain_worker = worker;
    auto chain = BeamChain::Create(genesis.state, genesis.block, config,
                                   ChainCrypto{&signatures, &aggregates, &prover}, registry);
    return std::move(*chain);
  }
  testing::Genesis genesis;
  testing::ProducedChain input;
  testing::AcceptAllSignatures signatures;
  crypto::MockedAggregateVerifier aggregates;
  crypto::MockedAggregateProver prover;
};

// GetState + Release: reader lock, map lookup, refcount copy, timer, unlock.
void BM_BorrowedStateAcquireRelease(benchmark::State& state) {
  Fixture f(8, 4);
  metrics::Registry registry;
  auto chain = f.Chain(false, &registry);
  (void)chain->SubmitTick(4 * 5);
  for (const auto& b : f.input.blocks) (void)chain->SubmitBlock(b);
  const Root head = chain->Head().root;
  for (auto _ : state) {
    BorrowedState b = chain->GetState(head);
    benchmark::DoNotOptimize(b->slot);
    b.Release();
  }
}
BENCHMARK(BM_BorrowedStateAcquireRelease)->Threads(1)->Threads(2)->UseRealTime();

// The same lookup under a bare std::shared_mutex (no tiers, no timing, no borrow).
void BM_RawSharedLockLookup(benchmark::State& state) {
  static std::shared_mutex mu;
  static absl::flat_hash_map<ssz::Root, std::shared_ptr<const consensus::State>> map;
  static const ssz::Root key = [] {
    ssz::Root r;
    r.bytes[0] = 1;
    map[r] = std::make_shared<consensus::State>();
    return r;
  }();
  for (auto _ : state) {
    std::shared_lock<std::shared_mutex> lock(mu);
    auto it = map.find(key);
    benchmark::DoNotOptimize(it->second->slot);
  }
}
BENCHMARK(BM_RawSharedLockLookup)->Threads(1)->Threads(2)->UseRealTime();

// Enqueue latency (what a network thread pays) while the worker imports blocks.
void BM_WorkerEnqueueLatencyWhileImporting(benchmark::State& state) {
  const uint64_t validators = static_cast<uint64_t>(state.range(0));
  Fixture f(validators, 32);
  std::vector<double> latencies;
  for (auto _ : state) {
    state.PauseTiming();
    metrics::Registry registry;
    auto chain = f.Chain(true, &registry);
    (void)chain->SubmitTick(32 * 5);
    chain->WaitIdle();
    for (const auto& b : f.input.blocks) (void)chain->SubmitBlock(b);  // the worker is busy importing
    state.ResumeTiming();
    for (int i = 0; i < 2000; ++i) {
      SignedAttestation a;
      a.data.slot = static_cast<uint64_t>(i);
      const auto t0 = std::chrono::steady_clock::now();
      (void)chain->SubmitAttestation(a);
      latencies.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    }
    state.PauseTiming();
    chain->WaitIdle();
    state.ResumeTiming();
  }
  std::sort(latencies.begin(), latencies.end());
  state.counters["p50_us"] = latencies[latencies.size() / 2];
  state.counters["p99_us"] = latencies[latencies.size() * 99 / 100];
  state.counters["max_us"] = latencies.back();
}
BENCHMARK(BM_WorkerEnqueueLatencyWhileImporting)->Arg(64)->Arg(4096)->Iterations(5)->Unit(benchmark::kMillisecond);

// End-to-end import (inline): precheck, pre-state borrow, signatures (mocked
// aggregates), STF, commit, fork choice, follow-up. Blocks carry every validator's vote.
void BM_ImportThroughput(benchmark::State& state) {
  const uint64_t validators = static_cast<uint64_t>(state.range(0));
  const uint64_t slots = 32;
  Fixture f(validators, slots);
  uint64_t blocks = 0;
  for (auto _ : state) {
    state.PauseTiming();
    metrics::Registry registry;
    auto chain = f.Chain(false, &registry);
    (void)chain->SubmitTick(slots * 5);
    state.ResumeTiming();
    for (const auto& b : f.input.blocks) (void)chain->SubmitBlock(b);
    blocks += f.input.blocks.size();
    state.PauseTiming();
    if (chain->Head().root != f.input.head) state.SkipWithError("import did not reach the produced head");
    chain.reset();
    state.ResumeTiming();
  }
  state.counters["blocks_per_s"] = benchmark::Counter(static_cast<double>(blocks), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ImportThroughput)->Arg(64)->Arg(4096)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace beam::chain
