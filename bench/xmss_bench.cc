// XMSS: verification under TEST and PROD, TEST signing and TEST key generation.
// PROD verification uses a synthetic key (crypto/xmss/synthetic.h): same work as a
// real key, without a PROD key generation.

#include <memory>
#include <random>

#include "benchmark/benchmark.h"
#include "crypto/poseidon1.h"
#include "crypto/xmss/keys.h"
#include "crypto/xmss/synthetic.h"
#include "crypto/xmss/verify.h"

namespace beam::crypto::xmss {
namespace {

RandomBytes SeededRng(uint32_t seed) { return SeededRandomBytes(seed); }

ssz::Bytes32 Message(uint32_t i) {
  ssz::Bytes32 m;
  for (size_t k = 0; k < 32; ++k) m[k] = static_cast<uint8_t>(i * 131 + k);
  return m;
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
  state.SetLabel(Poseidon1Kernel());
}
BENCHMARK(BM_VerifyTest)->Unit(benchmark::kMicrosecond);

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
