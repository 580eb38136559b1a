// XMSS: verification under TEST and PROD (one at a time, and batched: VerifyBatch),
// TEST signing and TEST key generation. PROD verification uses a synthetic key
// (crypto/xmss/synthetic.h): same work as a real key, without a PROD key generation.
//
// Counter: time_per_signature = time per verified signature (for the batched
// benchmarks, the time of a call divided by its signatures).

#include <algorithm>
#include <memory>
#include <random>
#include <vector>

#include "benchmark/benchmark.h"
#include "crypto/poseidon1.h"
#include "crypto/xmss/keys.h"
#include "crypto/xmss/synthetic.h"
#include "crypto/xmss/verify.h"
#include "crypto/xmss/verify_batch.h"

namespace beam::crypto::xmss {
namespace {

RandomBytes SeededRng(uint32_t seed) { return SeededRandomBytes(seed); }

ssz::Bytes32 Message(uint32_t i) {
  ssz::Bytes32 m;
  for (size_t k = 0; k < 32; ++k) m[k] = static_cast<uint8_t>(i * 131 + k);
  return m;
}

void SetTimePerSignature(benchmark::State& state, size_t signatures_per_iteration) {
  const auto signatures = static_cast<int64_t>(state.iterations() * signatures_per_iteration);
  state.SetItemsProcessed(signatures);
  state.counters["time_per_signature"] =
      benchmark::Counter(static_cast<double>(signatures), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_VerifyProd(benchmark::State& state) {
  std::vector<SyntheticSignature> sigs;
  for (uint32_t i = 0; i < 8; ++i) sigs.push_back(SignWithRandomPath(kProdConfig, 1000 + i, Message(i), SeededRng(i)));
  size_t i = 0;
  for (auto _ : state) {
    const SyntheticSignature& s = sigs[i % sigs.size()];
    if (!Verify(kProdConfig, s.public_key, 1000 + i % sigs.size(), Message(i % sigs.size()), s.signature)) {
      state.SkipWithError("PROD signature did not verify");
      break;
    }
    ++i;
  }
  SetTimePerSignature(state, 1);
  state.SetLabel(Poseidon1Kernel());
}
BENCHMARK(BM_VerifyProd)->Unit(benchmark::kMicrosecond);

void BM_VerifyTest(benchmark::State& state) {
  absl::StatusOr<KeyPair> pair = KeyGen(kTestConfig, 0, 32, SeededRng(1));
  std::vector<Signature> sigs;
  for (uint32_t slot = 0; slot < 8; ++slot) sigs.push_back(*Sign(pair->secret_key, slot, Message(slot)));
  size_t i = 0;
  for (auto _ : state) {
    const uint32_t slot = static_cast<uint32_t>(i % sigs.size());
    if (!Verify(kTestConfig, pair->public_key, slot, Message(slot), sigs[slot])) {
      state.SkipWithError("TEST signature did not verify");
      break;
    }
    ++i;
  }
  SetTimePerSignature(state, 1);
  state.SetLabel(Poseidon1Kernel());
}
BENCHMARK(BM_VerifyTest)->Unit(benchmark::kMicrosecond);

// One VerifyBatch call over `items` per iteration; every item must verify.
void RunVerifyBatch(benchmark::State& state, const XmssConfig& config, const std::vector<VerifyItem>& items) {
  std::unique_ptr<bool[]> results(new bool[items.size()]);
  for (auto _ : state) {
    VerifyBatch(config, items, absl::MakeSpan(results.get(), items.size()));
    if (!std::all_of(results.get(), results.get() + items.size(), [](bool ok) { return ok; })) {
      state.SkipWithError("a batched signature did not verify");
      break;
    }
  }
  SetTimePerSignature(state, items.size());
  state.SetLabel(Poseidon1Kernel());
}

// `count` PROD signatures per call, each its own key, epoch and message.
void VerifyProdBatch(benchmark::State& state, size_t count) {
  std::vector<SyntheticSignature> sigs;
  std::vector<ssz::Bytes32> messages;
  for (uint32_t i = 0; i < count; ++i) {
    messages.push_back(Message(i));
    sigs.push_back(SignWithRandomPath(kProdConfig, 1000 + i, messages.back(), SeededRng(i)));
  }
  std::vector<VerifyItem> items;
  for (uint32_t i = 0; i < count; ++i) {
    items.push_back(VerifyItem{&sigs[i].public_key, 1000 + i, &messages[i], &sigs[i].signature});
  }
  RunVerifyBatch(state, kProdConfig, items);
}

void BM_VerifyProdBatch8(benchmark::State& state) { VerifyProdBatch(state, kPoseidonLanes); }
BENCHMARK(BM_VerifyProdBatch8)->Unit(benchmark::kMicrosecond);

// Part-filled batches (state.range(0) signatures).
void BM_VerifyProdBatchPartial(benchmark::State& state) { VerifyProdBatch(state, static_cast<size_t>(state.range(0))); }
BENCHMARK(BM_VerifyProdBatchPartial)->DenseRange(1, kPoseidonLanes - 1)->Unit(benchmark::kMicrosecond);

// kPoseidonLanes TEST signatures of one real key per call, as BM_VerifyTest.
void BM_VerifyTestBatch8(benchmark::State& state) {
  absl::StatusOr<KeyPair> pair = KeyGen(kTestConfig, 0, 32, SeededRng(1));
  std::vector<Signature> sigs;
  std::vector<ssz::Bytes32> messages;
  for (uint32_t slot = 0; slot < kPoseidonLanes; ++slot) {
    messages.push_back(Message(slot));
    sigs.push_back(*Sign(pair->secret_key, slot, messages.back()));
  }
  std::vector<VerifyItem> items;
  for (uint32_t slot = 0; slot < kPoseidonLanes; ++slot) {
    items.push_back(VerifyItem{&pair->public_key, slot, &messages[slot], &sigs[slot]});
  }
  RunVerifyBatch(state, kTestConfig, items);
}
BENCHMARK(BM_VerifyTestBatch8)->Unit(benchmark::kMicrosecond);

void BM_SignTest(benchmark::State& state) {
  absl::StatusOr<KeyPair> pair = KeyGen(kTestConfig, 0, 32, SeededRng(2));
  uint32_t i = 0;
  for (auto _ : state) {
    absl::StatusOr<Signature> sig = Sign(pair->secret_key, i % 32, Message(i));
    benchmark::DoNotOptimize(sig);
    ++i;
  }
}
BENCHMARK(BM_SignTest)->Unit(benchmark::kMicrosecond);

// Key generation over the whole TEST lifetime (256 slots, 16 bottom trees) and over the
// minimum two bottom trees.
void BM_KeyGenTest(benchmark::State& state) {
  const uint64_t slots = static_cast<uint64_t>(state.range(0));
  uint32_t seed = 0;
  for (auto _ : state) {
    absl::StatusOr<KeyPair> pair = KeyGen(kTestConfig, 0, slots, SeededRng(++seed));
    benchmark::DoNotOptimize(pair);
  }
}
BENCHMARK(BM_KeyGenTest)->Arg(32)->Arg(256)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace beam::crypto::xmss
