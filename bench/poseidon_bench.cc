// Poseidon1 permutations, widths 16 and 24: the scalar kernel, the AVX2 kernels, the
// AVX-512 batched kernels, and whatever the dispatching API picks, one state at a time and kPoseidonLanes at once.
// Each call's output feeds the next call, so single-state numbers are latencies (as in
// a Merkle path or a sponge) and xN numbers are per-permutation throughput over
// independent states (as across the hash chains).
//
// Counters: items_per_second = permutations per second; time_per_perm = seconds per
// permutation (e.g. "310n" = 310 ns).
//
// BM_XmssProdVerifyMix runs the permutation mix of one XMSS PROD verification:
// ~122 width-16 (chain steps, batched kPoseidonLanes at a time) and ~60 width-24
// (sponge and Merkle path, sequential, single-state).

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstring>

#include "crypto/poseidon1.h"
#include "crypto/poseidon1_internal.h"

namespace beam::crypto {
namespace {

template <size_t W>
void Fill(uint32_t* s, uint32_t seed) {
  for (size_t i = 0; i < W; ++i) s[i] = (seed * 2654435761u + static_cast<uint32_t>(i) * 40503u) % 0x7f000001u;
}

void Report(benchmark::State& bs, size_t perms_per_iteration) {
  const auto perms = static_cast<double>(bs.iterations() * perms_per_iteration);
  bs.SetItemsProcessed(static_cast<int64_t>(perms));
  bs.counters["time_per_perm"] = benchmark::Counter(perms, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

bool NeedAvx2(benchmark::State& bs) {
  if (internal::CpuHasAvx2()) return true;
  bs.SkipWithError("no AVX2 on this CPU");
  return false;
}

bool NeedAvx512(benchmark::State& bs) {
  if (internal::CpuHasAvx512()) return true;
  bs.SkipWithError("no AVX-512 on this CPU");
  return false;
}

template <size_t W>
void BM_Single(benchmark::State& bs, void (*permute)(uint32_t*)) {
  uint32_t s[W];
  Fill<W>(s, 1);
  for (auto _ : bs) {
    permute(s);
    benchmark::DoNotOptimize(s);
  }
  Report(bs, 1);
}

template <size_t W>
void BM_Batch(benchmark::State& bs, void (*permute)(uint32_t (*)[W])) {
  uint32_t s[kPoseidonLanes][W];
  for (size_t l = 0; l < kPoseidonLanes; ++l) Fill<W>(s[l], static_cast<uint32_t>(l));
  for (auto _ : bs) {
    permute(s);
    benchmark::DoNotOptimize(s);
  }
  Report(bs, kPoseidonLanes);
}

template <size_t W>
void ScalarLoop(uint32_t (*s)[W]) {
  for (size_t l = 0; l < kPoseidonLanes; ++l) {
    if constexpr (W == 16) {
      internal::Poseidon1Permute16Scalar(s[l]);
    } else {
      internal::Poseidon1Permute24Scalar(s[l]);
    }
  }
}

// --- width 16 ---
void BM_Permute16_Scalar(benchmark::State& bs) { BM_Single<16>(bs, internal::Poseidon1Permute16Scalar); }
void BM_Permute16_Avx2(benchmark::State& bs) {
  if (NeedAvx2(bs)) BM_Single<16>(bs, internal::Poseidon1Permute16Avx2);
}
void BM_Permute16_Dispatch(benchmark::State& bs) {
  bs.SetLabel(Poseidon1Kernel());
  BM_Single<16>(bs, Poseidon1Permute16);
}
void BM_Permute16xN_ScalarLoop(benchmark::State& bs) { BM_Batch<16>(bs, ScalarLoop<16>); }
void BM_Permute16xN_Avx2(benchmark::State& bs) {
  if (NeedAvx2(bs)) BM_Batch<16>(bs, internal::Poseidon1Permute16xNAvx2);
}
void BM_Permute16xN_Avx512(benchmark::State& bs) {
  if (NeedAvx512(bs)) BM_Batch<16>(bs, internal::Poseidon1Permute16xNAvx512);
}
void BM_Permute16xN_Dispatch(benchmark::State& bs) {
  bs.SetLabel(Poseidon1Kernel());
  BM_Batch<16>(bs, Poseidon1Permute16xN);
}

// --- width 24 ---
void BM_Permute24_Scalar(benchmark::State& bs) { BM_Single<24>(bs, internal::Poseidon1Permute24Scalar); }
void BM_Permute24_Avx2(benchmark::State& bs) {
  if (NeedAvx2(bs)) BM_Single<24>(bs, internal::Poseidon1Permute24Avx2);
}
void BM_Permute24_Dispatch(benchmark::State& bs) {
  bs.SetLabel(Poseidon1Kernel());
  BM_Single<24>(bs, Poseidon1Permute24);
}
void BM_Permute24xN_ScalarLoop(benchmark::State& bs) { BM_Batch<24>(bs, ScalarLoop<24>); }
void BM_Permute24xN_Avx2(benchmark::State& bs) {
  if (NeedAvx2(bs)) BM_Batch<24>(bs, internal::Poseidon1Permute24xNAvx2);
}
void BM_Permute24xN_Avx512(benchmark::State& bs) {
  if (NeedAvx512(bs)) BM_Batch<24>(bs, internal::Poseidon1Permute24xNAvx512);
}
void BM_Permute24xN_Dispatch(benchmark::State& bs) {
  bs.SetLabel(Poseidon1Kernel());
  BM_Batch<24>(bs, Poseidon1Permute24xN);
}

BENCHMARK(BM_Permute16_Scalar);
BENCHMARK(BM_Permute16_Avx2);
BENCHMARK(BM_Permute16_Dispatch);
BENCHMARK(BM_Permute16xN_ScalarLoop);
BENCHMARK(BM_Permute16xN_Avx2);
BENCHMARK(BM_Permute16xN_Avx512);
BENCHMARK(BM_Permute16xN_Dispatch);
BENCHMARK(BM_Permute24_Scalar);
BENCHMARK(BM_Permute24_Avx2);
BENCHMARK(BM_Permute24_Dispatch);
BENCHMARK(BM_Permute24xN_ScalarLoop);
BENCHMARK(BM_Permute24xN_Avx2);
BENCHMARK(BM_Permute24xN_Avx512);
BENCHMARK(BM_Permute24xN_Dispatch);

// --- one XMSS PROD verification's permutations ---
constexpr size_t kVerifyWidth16 = 122;
constexpr size_t kVerifyWidth24 = 60;

void BM_XmssProdVerifyMix(benchmark::State& bs) {
  bs.SetLabel(Poseidon1Kernel());
  uint32_t chains[kPoseidonLanes][16];
  for (size_t l = 0; l < kPoseidonLanes; ++l) Fill<16>(chains[l], static_cast<uint32_t>(l));
  uint32_t node[24];
  Fill<24>(node, 99);
  constexpr size_t kBatches = (kVerifyWidth16 + kPoseidonLanes - 1) / kPoseidonLanes;
  for (auto _ : bs) {
    for (size_t b = 0; b < kBatches; ++b) Poseidon1Permute16xN(chains);
    for (size_t i = 0; i < kVerifyWidth24; ++i) Poseidon1Permute24(node);
    benchmark::DoNotOptimize(chains);
    benchmark::DoNotOptimize(node);
  }
  bs.counters["width16_batches"] = static_cast<double>(kBatches);
  bs.counters["width24_single"] = static_cast<double>(kVerifyWidth24);
}
BENCHMARK(BM_XmssProdVerifyMix)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace beam::crypto
