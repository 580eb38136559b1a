// SSZ Encode / Decode of a State (4096 validators, 100000 history roots) and of a
// SignedBlock carrying 8 aggregated attestations with 4096-bit aggregation bits.

#include <benchmark/benchmark.h>

#include "synthetic_state.h"

namespace beam::bench {
namespace {

constexpr size_t kValidators = 4096;
constexpr size_t kHistory = 100000;

const State& BigState() {
  static const State state = MakeSyntheticState(kValidators, kHistory, Finality::kAtGenesis);
  return state;
}

const consensus::SignedBlock& BigBlock() {
  static const consensus::SignedBlock block = [] {
    const State pre = MakeSyntheticState(kValidators, 1000, Finality::kRecent);
    consensus::SignedBlock b;
    b.block.slot = pre.slot + 1;
    b.block.proposer_index = b.block.slot % kValidators;
    b.block.body.attestations = MakeFullParticipationAttestations(pre);
    return b;
  }();
  return block;
}

void BM_EncodeState(benchmark::State& bs) {
  const State& state = BigState();
  size_t bytes = 0;
  for (auto _ : bs) {
    ssz::ByteVec out = ssz::Encode(state);
    bytes = out.size();
    benchmark::DoNotOptimize(out.data());
  }
  bs.SetBytesProcessed(static_cast<int64_t>(bytes) * bs.iterations());
  bs.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_EncodeState)->Unit(benchmark::kMicrosecond);

void BM_DecodeState(benchmark::State& bs) {
  const ssz::ByteVec bytes = ssz::Encode(BigState());
  for (auto _ : bs) {
    absl::StatusOr<State> state = ssz::Decode<State>(bytes);
    if (!state.ok()) {
      bs.SkipWithError("decode failed");
      break;
    }
    benchmark::DoNotOptimize(state->slot);
  }
  bs.SetBytesProcessed(static_cast<int64_t>(bytes.size()) * bs.iterations());
  bs.counters["bytes"] = static_cast<double>(bytes.size());
}
BENCHMARK(BM_DecodeState)->Unit(benchmark::kMicrosecond);

void BM_EncodeSignedBlock8Attestations(benchmark::State& bs) {
  const consensus::SignedBlock& block = BigBlock();
  size_t bytes = 0;
  for (auto _ : bs) {
    ssz::ByteVec out = ssz::Encode(block);
    bytes = out.size();
    benchmark::DoNotOptimize(out.data());
  }
  bs.SetBytesProcessed(static_cast<int64_t>(bytes) * bs.iterations());
  bs.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_EncodeSignedBlock8Attestations)->Unit(benchmark::kMicrosecond);

void BM_DecodeSignedBlock8Attestations(benchmark::State& bs) {
  const ssz::ByteVec bytes = ssz::Encode(BigBlock());
  for (auto _ : bs) {
    absl::StatusOr<consensus::SignedBlock> block = ssz::Decode<consensus::SignedBlock>(bytes);
    if (!block.ok()) {
      bs.SkipWithError("decode failed");
      break;
    }
    benchmark::DoNotOptimize(block->block.slot);
  }
  bs.SetBytesProcessed(static_cast<int64_t>(bytes.size()) * bs.iterations());
  bs.counters["bytes"] = static_cast<double>(bytes.size());
}
BENCHMARK(BM_DecodeSignedBlock8Attestations)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace beam::bench
