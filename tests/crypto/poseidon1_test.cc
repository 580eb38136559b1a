#include "crypto/poseidon1.h"

#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "crypto/koalabear.h"
#include "crypto/poseidon1_internal.h"
#include "gtest/gtest.h"

namespace beam::crypto {
namespace {

namespace kb = koalabear;
using internal::CpuHasAvx2;
using internal::CpuHasAvx512;

template <size_t W>
using State = std::array<uint32_t, W>;

// The spec's algorithm written out literally (leanSpec crypto/poseidon.py, _permute_jit):
// every round adds its constants, applies the S-box (to all elements in full rounds,
// element 0 in partial rounds) and multiplies by the dense circulant MDS matrix. It is
// independent of the rearranged schedule the kernels run.
template <size_t W>
State<W> ReferencePermute(State<W> x) {
  const uint32_t* rc = W == 16 ? internal::kPoseidon1RoundConstants16 : internal::kPoseidon1RoundConstants24;
  const uint32_t* row = W == 16 ? internal::kPoseidon1MdsRow16 : internal::kPoseidon1MdsRow24;
  constexpr size_t kPartial = internal::kPoseidon1PartialRounds<W>;
  constexpr size_t kRounds = 8 + kPartial;
  for (size_t r = 0; r < kRounds; ++r) {
    for (size_t j = 0; j < W; ++j) x[j] = kb::Add(x[j], rc[r * W + j]);
    const bool full = r < 4 || r >= 4 + kPartial;
    for (size_t j = 0; j < (full ? W : 1); ++j) x[j] = kb::Pow(x[j], 3);
    State<W> y{};
    for (size_t i = 0; i < W; ++i) {
      uint64_t acc = 0;
      for (size_t j = 0; j < W; ++j) acc = (acc + uint64_t{row[(j + W - i) % W]} * x[j]) % kb::kP;
      y[i] = static_cast<uint32_t>(acc);
    }
    x = y;
  }
  return x;
}

template <size_t W>
std::vector<State<W>> RandomStates(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<uint32_t> dist(0, kb::kP - 1);
  std::vector<State<W>> out(n);
  for (State<W>& s : out) {
    for (uint32_t& v : s) v = dist(rng);
  }
  // Extremes: all zero, all p - 1, alternating, and the largest centred values.
  if (n >= 4) {
    out[0].fill(0);
    out[1].fill(kb::kP - 1);
    for (size_t i = 0; i < W; ++i) out[2][i] = i % 2 ? 0 : kb::kP - 1;
    out[3].fill((kb::kP - 1) / 2 + (seed & 1));
  }
  return out;
}

void PermuteScalar(State<16>& s) { internal::Poseidon1Permute16Scalar(s.data()); }
void PermuteScalar(State<24>& s) { internal::Poseidon1Permute24Scalar(s.data()); }
void PermuteAvx2(State<16>& s) { internal::Poseidon1Permute16Avx2(s.data()); }
void PermuteAvx2(State<24>& s) { internal::Poseidon1Permute24Avx2(s.data()); }
void PermuteDispatch(State<16>& s) { Poseidon1Permute16(s.data()); }
void PermuteDispatch(State<24>& s) { Poseidon1Permute24(s.data()); }
void PermuteAvx2xN(uint32_t (*s)[16]) { internal::Poseidon1Permute16xNAvx2(s); }
void PermuteAvx2xN(uint32_t (*s)[24]) { internal::Poseidon1Permute24xNAvx2(s); }
void PermuteAvx512xN(uint32_t (*s)[16]) { internal::Poseidon1Permute16xNAvx512(s); }
void PermuteAvx512xN(uint32_t (*s)[24]) { internal::Poseidon1Permute24xNAvx512(s); }
void PermuteDispatchxN(uint32_t (*s)[16]) { Poseidon1Permute16xN(s); }
void PermuteDispatchxN(uint32_t (*s)[24]) { Poseidon1Permute24xN(s); }

// Runs `states` through an xN function, kPoseidonLanes at a time (the last batch
// padded with copies of the first state).
template <size_t W>
std::vector<State<W>> Batched(const std::vector<State<W>>& states, void (*fn)(uint32_t (*)[W])) {
  std::vector<State<W>> out(states.size());
  for (size_t base = 0; base < states.size(); base += kPoseidonLanes) {
    uint32_t batch[kPoseidonLanes][W];
    for (size_t l = 0; l < kPoseidonLanes; ++l) {
      const State<W>& s = base + l < states.size() ? states[base + l] : states[0];
      std::memcpy(batch[l], s.data(), sizeof(batch[l]));
    }
    fn(batch);
    for (size_t l = 0; l < kPoseidonLanes && base + l < states.size(); ++l) {
      std::memcpy(out[base + l].data(), batch[l], sizeof(batch[l]));
    }
  }
  return out;
}

template <size_t W>
std::vector<State<W>> Singly(std::vector<State<W>> states, void (*fn)(State<W>&)) {
  for (State<W>& s : states) fn(s);
  return states;
}

// Known answers: the "incremental_index" cases of the leanSpec fixtures,
//   consensus/poseidon_permutation/lstar/poseidon/test_permutation_width16/
//     test_permutation_width16_incremental_index.json
//   consensus/poseidon_permutation/lstar/poseidon/test_permutation_width24/
//     test_permutation_width24_incremental_index.json
// (input [0, 1, ..., width - 1]).
constexpr State<16> kIncrementalOutput16 = {610090613,  935319874,  1893335292, 796792199, 356405232,  552237741,
                                            55134556,   1215104204, 1823723405, 1133298033, 1780633798, 1453946561,
                                            710069176,  1128629550, 1917333254, 1175481618};
constexpr State<24> kIncrementalOutput24 = {
    511672087,  215882318,  237782537,  740528428,  712760904,  54615367,   751514671,  110231969,
    1905276435, 992525666,  918312360,  18628693,   749929200,  1916418953, 691276896,  1112901727,
    1163558623, 882867603,  673396520,  1480278156, 1402044758, 1693467175, 1766273044, 433841551};

template <size_t W>
State<W> Incremental() {
  State<W> s{};
  for (size_t i = 0; i < W; ++i) s[i] = static_cast<uint32_t>(i);
  return s;
}

TEST(Poseidon1, KnownAnswerWidth16) {
  EXPECT_EQ(ReferencePermute<16>(Incremental<16>()), kIncrementalOutput16);
  State<16> s = Incremental<16>();
  PermuteScalar(s);
  EXPECT_EQ(s, kIncrementalOutput16);
  s = Incremental<16>();
  PermuteDispatch(s);
  EXPECT_EQ(s, kIncrementalOutput16) << "kernel " << Poseidon1Kernel();
  EXPECT_EQ(Batched<16>({Incremental<16>()}, PermuteDispatchxN)[0], kIncrementalOutput16);
}

TEST(Poseidon1, KnownAnswerWidth24) {
  EXPECT_EQ(ReferencePermute<24>(Incremental<24>()), kIncrementalOutput24);
  State<24> s = Incremental<24>();
  PermuteScalar(s);
  EXPECT_EQ(s, kIncrementalOutput24);
  s = Incremental<24>();
  PermuteDispatch(s);
  EXPECT_EQ(s, kIncrementalOutput24) << "kernel " << Poseidon1Kernel();
  EXPECT_EQ(Batched<24>({Incremental<24>()}, PermuteDispatchxN)[0], kIncrementalOutput24);
}

// The rearranged schedule (constants pushed back, sparse partial-round matrices) must
// be the spec's permutation on arbitrary inputs, not just on the fixtures.
TEST(Poseidon1, ScalarMatchesLiteralSpecAlgorithm) {
  for (const State<16>& s : RandomStates<16>(300, 1)) {
    State<16> x = s;
    PermuteScalar(x);
    ASSERT_EQ(x, ReferencePermute<16>(s));
  }
  for (const State<24>& s : RandomStates<24>(300, 2)) {
    State<24> x = s;
    PermuteScalar(x);
    ASSERT_EQ(x, ReferencePermute<24>(s));
  }
}

template <size_t W>
void ExpectAvx2MatchesScalar(uint64_t seed) {
  const std::vector<State<W>> in = RandomStates<W>(1000, seed);
  const std::vector<State<W>> want = Singly<W>(in, PermuteScalar);
  const std::vector<State<W>> single = Singly<W>(in, PermuteAvx2);
  const std::vector<State<W>> batched = Batched<W>(in, PermuteAvx2xN);
  for (size_t i = 0; i < in.size(); ++i) {
    ASSERT_EQ(single[i], want[i]) << "single-state AVX2, state " << i;
    ASSERT_EQ(batched[i], want[i]) << "xN AVX2, state " << i;
  }
}

TEST(Poseidon1, Avx2MatchesScalarWidth16) {
  if (!CpuHasAvx2()) GTEST_SKIP() << "this CPU has no AVX2, so the AVX2 kernels cannot run";
  ExpectAvx2MatchesScalar<16>(3);
}

TEST(Poseidon1, Avx2MatchesScalarWidth24) {
  if (!CpuHasAvx2()) GTEST_SKIP() << "this CPU has no AVX2, so the AVX2 kernels cannot run";
  ExpectAvx2MatchesScalar<24>(4);
}

// States built from the values where the kernels' range reductions change behaviour:
// 0, 1, p - 1 and around p/2 (where centring flips sign), each lane a different mix,
// plus single-element perturbations of an all-zero state.
template <size_t W>
std::vector<State<W>> EdgeStates() {
  constexpr uint32_t kHalf = (kb::kP - 1) / 2;
  const uint32_t values[] = {0, 1, 2, kHalf - 1, kHalf, kHalf + 1, kHalf + 2, kb::kP - 2, kb::kP - 1};
  constexpr size_t kValues = sizeof(values) / sizeof(values[0]);
  std::vector<State<W>> out;
  for (size_t a = 0; a < kValues; ++a) {
    for (size_t b = 0; b < kValues; ++b) {
      State<W> s;
      for (size_t i = 0; i < W; ++i) s[i] = i % 3 == 0 ? values[a] : values[(b + i) % kValues];
      out.push_back(s);
    }
  }
  for (size_t i = 0; i < W; ++i) {
    for (uint32_t v : {uint32_t{1}, kb::kP - 1, kHalf + 1}) {
      State<W> s{};
      s[i] = v;
      out.push_back(s);
    }
  }
  return out;
}

template <size_t W>
void ExpectAvx512MatchesScalar(uint64_t seed) {
  std::vector<State<W>> in = RandomStates<W>(2000, seed);
  const std::vector<State<W>> edges = EdgeStates<W>();
  in.insert(in.end(), edges.begin(), edges.end());
  const std::vector<State<W>> want = Singly<W>(in, PermuteScalar);
  const std::vector<State<W>> got = Batched<W>(in, PermuteAvx512xN);
  for (size_t i = 0; i < in.size(); ++i) ASSERT_EQ(got[i], want[i]) << "xN AVX-512, state " << i;
  // Chained: each output is the next input, as in a hash chain.
  uint32_t batch[kPoseidonLanes][W];
  uint32_t expect[kPoseidonLanes][W];
  for (size_t l = 0; l < kPoseidonLanes; ++l) {
    std::memcpy(batch[l], in[l].data(), sizeof(batch[l]));
    std::memcpy(expect[l], in[l].data(), sizeof(expect[l]));
  }
  for (int step = 0; step < 200; ++step) {
    PermuteAvx512xN(batch);
    for (auto& e : expect) {
      if constexpr (W == 16) {
        internal::Poseidon1Permute16Scalar(e);
      } else {
        internal::Poseidon1Permute24Scalar(e);
      }
    }
    ASSERT_EQ(std::memcmp(batch, expect, sizeof(batch)), 0) << "step " << step;
  }
}

TEST(Poseidon1, Avx512MatchesScalarWidth16) {
  if (!CpuHasAvx512()) GTEST_SKIP() << "this CPU has no AVX-512, so the AVX-512 kernels cannot run";
  ExpectAvx512MatchesScalar<16>(12);
}

TEST(Poseidon1, Avx512MatchesScalarWidth24) {
  if (!CpuHasAvx512()) GTEST_SKIP() << "this CPU has no AVX-512, so the AVX-512 kernels cannot run";
  ExpectAvx512MatchesScalar<24>(13);
}

TEST(Poseidon1, Avx512KnownAnswers) {
  if (!CpuHasAvx512()) GTEST_SKIP() << "this CPU has no AVX-512, so the AVX-512 kernels cannot run";
  EXPECT_EQ(Batched<16>({Incremental<16>()}, PermuteAvx512xN)[0], kIncrementalOutput16);
  EXPECT_EQ(Batched<24>({Incremental<24>()}, PermuteAvx512xN)[0], kIncrementalOutput24);
}

TEST(Poseidon1, EdgeStatesMatchLiteralSpecAlgorithm) {
  for (const State<16>& s : EdgeStates<16>()) ASSERT_EQ(Singly<16>({s}, PermuteScalar)[0], ReferencePermute<16>(s));
  for (const State<24>& s : EdgeStates<24>()) ASSERT_EQ(Singly<24>({s}, PermuteScalar)[0], ReferencePermute<24>(s));
}

TEST(Poseidon1, ChooseKernelHonoursSupportedRequests) {
  const char* best = CpuHasAvx512() ? "avx512" : CpuHasAvx2() ? "avx2" : "scalar";
  EXPECT_STREQ(internal::Poseidon1ChooseKernel(nullptr), best);
  EXPECT_STREQ(internal::Poseidon1ChooseKernel(""), best);
  EXPECT_STREQ(internal::Poseidon1ChooseKernel("no-such-kernel"), best);
  EXPECT_STREQ(internal::Poseidon1ChooseKernel("scalar"), "scalar");
  EXPECT_STREQ(internal::Poseidon1ChooseKernel("avx2"), CpuHasAvx2() ? "avx2" : "scalar");
  EXPECT_STREQ(internal::Poseidon1ChooseKernel("avx512"), best);
}

TEST(Poseidon1, DispatchReportsKernelAndMatchesScalar) {
  EXPECT_STREQ(Poseidon1Kernel(), internal::Poseidon1ChooseKernel(std::getenv("BEAM_POSEIDON_KERNEL")));
  const std::vector<State<16>> in16 = RandomStates<16>(64, 5);
  EXPECT_EQ(Singly<16>(in16, PermuteDispatch), Singly<16>(in16, PermuteScalar));
  EXPECT_EQ(Batched<16>(in16, PermuteDispatchxN), Singly<16>(in16, PermuteScalar));
  const std::vector<State<24>> in24 = RandomStates<24>(64, 6);
  EXPECT_EQ(Singly<24>(in24, PermuteDispatch), Singly<24>(in24, PermuteScalar));
  EXPECT_EQ(Batched<24>(in24, PermuteDispatchxN), Singly<24>(in24, PermuteScalar));
}

TEST(Poseidon1, BatchLanesAreIndependent) {
  // Changing one lane's input must not change the other lanes' outputs.
  std::vector<State<24>> in = RandomStates<24>(kPoseidonLanes, 8);
  const std::vector<State<24>> before = Batched<24>(in, PermuteDispatchxN);
  in[3][7] = kb::Add(in[3][7], 1);
  const std::vector<State<24>> after = Batched<24>(in, PermuteDispatchxN);
  for (size_t l = 0; l < kPoseidonLanes; ++l) {
    if (l == 3) {
      EXPECT_NE(after[l], before[l]);
    } else {
      EXPECT_EQ(after[l], before[l]) << "lane " << l;
    }
  }
}

TEST(Poseidon1, OutputsAreCanonical) {
  for (const State<16>& s : Batched<16>(RandomStates<16>(64, 9), PermuteDispatchxN)) {
    for (uint32_t v : s) ASSERT_LT(v, kb::kP);
  }
  for (const State<24>& s : Singly<24>(RandomStates<24>(64, 10), PermuteDispatch)) {
    for (uint32_t v : s) ASSERT_LT(v, kb::kP);
  }
}

TEST(Poseidon1, ConcurrentCallersAgree) {
  // Threads share the lazily built tables (when this test runs alone, they are built
  // concurrently); under TSan this also checks the kernels write only their own states.
  const std::vector<State<24>> in = RandomStates<24>(40, 11);
  const std::vector<State<24>> want = Singly<24>(in, PermuteScalar);
  std::vector<std::vector<State<24>>> got(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < got.size(); ++t) {
    threads.emplace_back([&, t] {
      got[t] = t % 2 ? Batched<24>(in, PermuteDispatchxN) : Singly<24>(in, PermuteDispatch);
    });
  }
  for (std::thread& th : threads) th.join();
  for (const auto& g : got) EXPECT_EQ(g, want);
}

}  // namespace
}  // namespace beam::crypto
