// The state transition of one block on a synthetic state (validators x history), the
// pre-state already hashed (as it is once its own block was verified):
//   - ApplyStateTransition in place on a copy made outside the timed region, for an
//     empty block and for a block of 8 aggregated attestations with distinct data and
//     full participation (they justify 8 recent targets and finalize the source);
//   - StateTransition (the copy of the pre-state included) for the empty block.
// Block state roots are computed beforehand; a failing transition aborts the benchmark.
//
// Counters: node_hashes = Merkle-node hashes per transition; p50_us = per-iteration
// median.

#include <chrono>
#include <string>

#include <benchmark/benchmark.h>

#include "synthetic_state.h"

namespace beam::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct Fixture {
  State pre;
  Block block;
};

// Builds the warm pre-state and the block; false (and SkipWithError) on failure.
bool Setup(benchmark::State& bs, bool with_attestations, Fixture& f) {
  const size_t n = static_cast<size_t>(bs.range(0));
  const size_t h = static_cast<size_t>(bs.range(1));
  f.pre = MakeSyntheticState(n, h, Finality::kRecent);
  ssz::HashTreeRoot(f.pre);
  const AggregatedAttestations atts =
      with_attestations ? MakeFullParticipationAttestations(f.pre) : AggregatedAttestations{};
  absl::StatusOr<Block> block = MakeNextBlock(f.pre, atts);
  if (!block.ok()) {
    bs.SkipWithError(std::string(block.status().message()).c_str());
    return false;
  }
  f.block = *std::move(block);
  if (with_attestations) {
    // The votes must have counted: the last target justified, the source finalized.
    absl::StatusOr<State> post = consensus::StateTransition(f.pre, f.block);
    if (!post.ok() || post->latest_justified.slot != f.pre.latest_justified.slot + 12 ||
        post->latest_finalized != f.pre.latest_justified) {
      bs.SkipWithError("attestations did not justify/finalize as expected");
      return false;
    }
  }
  return true;
}

void RunInPlace(benchmark::State& bs, bool with_attestations) {
  Fixture f;
  if (!Setup(bs, with_attestations, f)) return;
  IterationTimes times;
  uint64_t hashes = 0;
  for (auto _ : bs) {
    State state = f.pre;  // untimed copy (shares storage)
    const uint64_t before = hash::NodeHashCount();
    const auto t0 = Clock::now();
    absl::Status s = consensus::ApplyStateTransition(state, f.block);
    const auto t1 = Clock::now();
    hashes += hash::NodeHashCount() - before;
    if (!s.ok()) {
      bs.SkipWithError(std::string(s.message()).c_str());
      break;
    }
    bs.SetIterationTime(Seconds(t0, t1));
    times.Add(Seconds(t0, t1));
  }
  bs.counters["node_hashes"] = benchmark::Counter(static_cast<double>(hashes), benchmark::Counter::kAvgIterations);
  bs.counters["p50_us"] = times.MedianMicros();
}

void BM_ApplyStateTransitionEmptyBlock(benchmark::State& bs) { RunInPlace(bs, false); }
BENCHMARK(BM_ApplyStateTransitionEmptyBlock)->Apply(StateSizes)->UseManualTime()->Unit(benchmark::kMicrosecond);

void BM_ApplyStateTransition8FullAttestations(benchmark::State& bs) { RunInPlace(bs, true); }
BENCHMARK(BM_ApplyStateTransition8FullAttestations)
    ->Apply(StateSizes)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

void BM_StateTransitionEmptyBlockWithCopy(benchmark::State& bs) {
  Fixture f;
  if (!Setup(bs, false, f)) return;
  IterationTimes times;
  uint64_t hashes = 0;
  for (auto _ : bs) {
    const uint64_t before = hash::NodeHashCount();
    const auto t0 = Clock::now();
    absl::StatusOr<State> post = consensus::StateTransition(f.pre, f.block);
    const auto t1 = Clock::now();
    hashes += hash::NodeHashCount() - before;
    if (!post.ok()) {
      bs.SkipWithError(std::string(post.status().message()).c_str());
      break;
    }
    bs.SetIterationTime(Seconds(t0, t1));
    times.Add(Seconds(t0, t1));
  }  // the post-state is destroyed outside the timed region
  bs.counters["node_hashes"] = benchmark::Counter(static_cast<double>(hashes), benchmark::Counter::kAvgIterations);
  bs.counters["p50_us"] = times.MedianMicros();
}
BENCHMARK(BM_StateTransitionEmptyBlockWithCopy)
    ->Apply(StateSizes)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace beam::bench
