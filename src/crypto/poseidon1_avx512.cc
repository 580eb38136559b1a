// AVX-512 kernels for the batched Poseidon1 permutations (poseidon1_internal.h). Only
// the functions here are compiled for AVX-512 (target attribute, not a global -m flag),
// and poseidon1.cc calls them only after CPUID reports every feature used.
//
// Layout. A 512-bit vector holds one state element of all 8 states, each in a 64-bit
// lane with the value in the low half, so every lane is a 32x32->64 multiply operand
// (_mm512_mul_epi32) without the even/odd split of the AVX2 kernel, and the 32
// registers hold most of a state and its accumulators.
//
// Arithmetic. Values between rounds are signed residues in (-p, p) (low halves, as
// int32), the direct output of a signed Montgomery reduction: nothing is made canonical
// until the end. The S-box is two Montgomery multiplications (x^3 * R^-2). A matrix row
// is a sum of 64-bit products plus a constant, reduced once (R^-1). The round constant
// of the next round is folded into that sum, so rounds need no separate additions.
//  * Width 16: the MDS entries are at most 101, so a row of products of uncentred
//    S-box outputs stays below 2^40 and needs neither centring nor folding. The
//    entries cannot carry Montgomery factors, so the state drifts by a known factor per
//    round (lambda' = lambda^3 * R^-3); the round constants and the partial-round
//    matrices are stored pre-multiplied by it, and the last round undoes it.
//  * Width 24 and the partial rounds: entries are centred and pre-multiplied by R^3
//    (where they meet a cube) or R, inputs are centred, and sums are folded
//    (hi * 2^32 + lo -> hi * (2^32 mod p) + lo) where the bounds require it.
//  * Partial rounds: the state's elements >= 1 are not updated round by round. With
//    s^0 the state after the first partial round and z_q the S-box output of round q,
//    round r's element 0 is m00 z_r + row_r . s^0 + sum_{q<r} (row_r . col_q) z_q,
//    and the final elements are s^0_i + sum_q col_q,i z_q: one reduction per output
//    instead of one per element per round.
// Every bound is checked at compile time or (for sums of run-time length) kept by a
// fold counter.

#include "crypto/poseidon1_internal.h"

#if defined(__x86_64__)
// GCC 12's AVX-512 intrinsics start from _mm512_undefined_*(), which it then reports
// as maybe uninitialised wherever they are inlined (GCC bug 105593, fixed in 13).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#endif

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "crypto/koalabear.h"

namespace beam::crypto::internal {

#if defined(__x86_64__)

#define BEAM_AVX512 __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw")))
#define BEAM_AVX512_INLINE __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw"), always_inline)) inline

namespace {

namespace kb = koalabear;

constexpr uint32_t kP = kb::kP;
constexpr uint32_t kHalfP = (kP - 1) / 2;  // centred values lie in [-kHalfP, kHalfP]
constexpr uint32_t kR1 = kb::kMontR;        // 2^32 mod p, also the fold factor
constexpr uint64_t kInt64Max = ~uint64_t{0} >> 1;
constexpr uint64_t kMaxProduct = uint64_t{kHalfP} * kHalfP;  // |centred * centred|
// |lo + hi * kR1| for lo in [0, 2^32), hi in [-2^31, 2^31).
constexpr uint64_t kMaxAfterFold = (uint64_t{1} << 31) * kR1 + (uint64_t{1} << 32);
// The signed Montgomery reduction lands in (-p, p) when |a| < p * 2^31.
constexpr uint64_t kMaxForReduce = uint64_t{kP} << 31;

// Sums of centred products: how many may follow a fold (or a start below p) before the
// next fold, and how many may follow the last fold when the sum is reduced.
constexpr uint64_t kTermsPerFold = (kInt64Max - kMaxAfterFold) / kMaxProduct;
constexpr uint64_t kTermsBeforeReduce = (kMaxForReduce - 1 - kMaxAfterFold) / kMaxProduct;
static_assert(kTermsPerFold >= 4 && kTermsBeforeReduce >= 1 && kTermsBeforeReduce < kTermsPerFold);
static_assert(kP < kMaxAfterFold);
// S-box: products of two values in (-p, p).
static_assert(uint64_t{kP} * kP < kMaxForReduce);
// A partial round's element 0: a sum folded at most one product ago, plus a value in
// (-p, p) times a centred one.
static_assert(kMaxAfterFold + kMaxProduct + uint64_t{kP} * kHalfP < kMaxForReduce);

constexpr uint32_t Centre(uint32_t v) { return v > kHalfP ? v - kP : v; }

// The width-16 rows: products of values in (-p, p) with entries summing to kMaxSmallRowSum,
// plus a constant below p.
constexpr uint64_t kMaxSmallRowSum = 512;
static_assert(kMaxSmallRowSum * kP + kP < kMaxForReduce);

void Require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "poseidon1 avx512: table construction failed: %s\n", what);
    std::abort();
  }
}

// --- Constant tables -------------------------------------------------------------------
// Signed 64-bit entries, so a product operand is one broadcast load; "centred" entries
// are in [-kHalfP, kHalfP], "canonical" ones in [0, p).

template <size_t W>
struct Tables {
  static constexpr size_t kPartial = kPoseidon1PartialRounds<W>;
  static constexpr size_t kHalf = kPoseidon1HalfFullRounds;
  // Width 16's MDS entries are used as they are (see the top of the file).
  static constexpr bool kSmallMds = W == 16;

  uint32_t first_rc[W];    // round 0's constants, added to the canonical input
  int64_t mds_row[W];      // small entries, or centred * R^3
  int64_t full_k[2 * kHalf][W];  // canonical: the next constants, added to round r's sums
  bool rescale_out;         // whether the output still carries the drift factor
  int64_t out_scale;        // centred (drift^-1 * R)

  // First partial round: D (poseidon1_internal.h) for the cube in column 0 and the
  // drifted state elsewhere, and D's column 0 times partial_rc[0].
  int64_t dense[W][W];
  int64_t dense_k[W];
  // Sparse rounds r = 1 .. kPartial - 1 (index r; index 0 unused).
  int64_t m00[kPartial];             // centred * R^3
  int64_t m00_pinv[kPartial];        // m00 * p^-1 mod 2^32 (see PartialRounds)
  int64_t row[kPartial][W];          // entries >= 1, centred * R (they meet s^0)
  int64_t tri[kPartial][kPartial];   // [r][q], q < r: centred (row_r . col_q) * R^3
  int64_t y0_k[kPartial];            // canonical: every constant's share of element 0
  int64_t final_col[W][kPartial];    // [i][q]: centred col_q,i * R^3
  int64_t final_k[W];                // canonical: the constants' shares of element i,
                                     // plus the next full round's constant
};

template <size_t W>
const Tables<W>* BuildTables(const Poseidon1Schedule<W>& s) {
  using T = Tables<W>;
  constexpr size_t kHalf = T::kHalf;
  constexpr size_t kPartial = T::kPartial;
  const uint32_t r3 = kb::Pow(kR1, 3);
  const uint32_t r_inv = kb::Inverse(kR1);
  auto mul = [](uint32_t a, uint32_t b) { return kb::Mul(a, b); };
  auto centred = [](uint32_t v) { return static_cast<int64_t>(static_cast<int32_t>(Centre(v))); };

  auto* t = new T;
  // A round multiplies the drift by lambda^2 (cube), R^-2 (two Montgomery products),
  // the matrix scale and R^-1 (the row's reduction).
  const uint32_t mds_scale = T::kSmallMds ? 1 : r3;
  uint64_t row_sum = 0;
  for (size_t k = 0; k < W; ++k) {
    t->mds_row[k] = centred(mul(s.mds[0][k], mds_scale));
    row_sum += s.mds[0][k];
  }
  if (T::kSmallMds) Require(row_sum <= kMaxSmallRowSum, "width-16 MDS entries too large");
  uint32_t lambda[kHalf + 1];  // the drift of the S-box inputs of round r (mod kHalf)
  lambda[0] = 1;
  for (size_t r = 0; r < kHalf; ++r) {
    lambda[r + 1] = mul(mul(kb::Pow(lambda[r], 3), mds_scale), kb::Pow(r_inv, 3));
  }
  const uint32_t drift = lambda[kHalf];  // of the partial rounds' and the output's input
  for (size_t j = 0; j < W; ++j) t->first_rc[j] = s.full_rc[0][j];
  for (size_t r = 0; r < 2 * kHalf; ++r) {
    for (size_t j = 0; j < W; ++j) {
      uint32_t next = 0;  // after the last round: nothing
      if (r + 1 == kHalf) {
        next = s.first_partial_rc[j];
      } else if (r + 1 < 2 * kHalf && r + 1 != kHalf) {
        next = s.full_rc[r + 1][j];
      }
      t->full_k[r][j] = mul(mul(next, lambda[r % kHalf + 1]), kR1);
    }
  }
  t->rescale_out = drift != 1;
  t->out_scale = centred(mul(kb::Inverse(drift), kR1));

  // The first partial round's inputs: the cube of element 0, drift^3 * R^-2, and the
  // other elements, drift.
  const uint32_t cube_drift = mul(kb::Pow(drift, 3), mul(r_inv, r_inv));
  const uint32_t cube_col_scale = mul(kb::Inverse(cube_drift), kR1);
  const uint32_t col_scale = mul(kb::Inverse(drift), kR1);
  for (size_t i = 0; i < W; ++i) {
    t->dense[i][0] = centred(mul(s.first_partial_mds[i][0], cube_col_scale));
    for (size_t j = 1; j < W; ++j) t->dense[i][j] = centred(mul(s.first_partial_mds[i][j], col_scale));
    t->dense_k[i] = mul(mul(s.first_partial_mds[i][0], s.partial_rc[0]), kR1);
  }

  // Sparse round r uses sparse_row[r - 1] and sparse_col[r - 1]; its S-box output z_r
  // (true value) is the kernel's cube (* R^-2) plus partial_rc[r].
  auto row = [&](size_t r, size_t i) { return s.sparse_row[r - 1][i]; };
  auto col = [&](size_t r, size_t i) { return s.sparse_col[r - 1][i]; };
  auto dot = [&](size_t r, size_t q) {
    uint32_t d = 0;
    for (size_t i = 1; i < W; ++i) d = kb::Add(d, mul(row(r, i), col(q, i)));
    return d;
  };
  for (size_t r = 0; r < kPartial; ++r) {
    t->m00[r] = 0;
    t->m00_pinv[r] = 0;
    t->y0_k[r] = 0;
    for (size_t i = 0; i < W; ++i) t->row[r][i] = 0;
    for (size_t q = 0; q < kPartial; ++q) t->tri[r][q] = 0;
  }
  for (size_t r = 1; r < kPartial; ++r) {
    t->m00[r] = centred(mul(row(r, 0), r3));
    t->m00_pinv[r] = static_cast<uint32_t>(t->m00[r]) * kb::kPInv;
    uint32_t k = mul(row(r, 0), s.partial_rc[r]);
    for (size_t i = 1; i < W; ++i) t->row[r][i] = centred(mul(row(r, i), kR1));
    for (size_t q = 1; q < r; ++q) {
      const uint32_t d = dot(r, q);
      t->tri[r][q] = centred(mul(d, r3));
      k = kb::Add(k, mul(d, s.partial_rc[q]));
    }
    if (r + 1 == kPartial) k = kb::Add(k, s.full_rc[kHalf][0]);
    t->y0_k[r] = mul(k, kR1);
  }
  for (size_t i = 0; i < W; ++i) {
    uint32_t k = s.full_rc[kHalf][i];
    t->final_col[i][0] = 0;
    for (size_t q = 1; q < kPartial; ++q) {
      t->final_col[i][q] = i == 0 ? 0 : centred(mul(col(q, i), r3));
      k = kb::Add(k, mul(col(q, i), s.partial_rc[q]));
    }
    t->final_k[i] = mul(k, kR1);
  }
  return t;
}

template <size_t W>
const Tables<W>& TablesFor() {
  if constexpr (W == 16) {
    static const Tables<16>* const kTables = BuildTables(Poseidon1Schedule16());
    return *kTables;
  } else {
    static const Tables<24>* const kTables = BuildTables(Poseidon1Schedule24());
    return *kTables;
  }
}

// --- Vector arithmetic -------------------------------------------------------------------
// Every vector below keeps its high halves zero, so the 32-bit operations on the low
// halves never disturb them.

BEAM_AVX512_INLINE __m512i Set32(uint32_t v) { return _mm512_set1_epi32(static_cast<int32_t>(v)); }
BEAM_AVX512_INLINE __m512i Set64(int64_t v) { return _mm512_set1_epi64(v); }

// See the AVX2 kernel: keeps the compiler from turning running sums into trees.
BEAM_AVX512_INLINE void Opaque(__m512i& v) { asm("" : "+v"(v)); }

// Signed Montgomery reduction of a (|a| < kMaxForReduce): a * R^-1 in (-p, p).
BEAM_AVX512_INLINE __m512i Reduce(__m512i a) {
  const __m512i q = _mm512_mul_epu32(a, Set32(kb::kPInv));
  return _mm512_srli_epi64(_mm512_sub_epi64(a, _mm512_mul_epi32(q, Set32(kP))), 32);
}

// x^3 * R^-2 for x in (-p, p), in (-p, p).
BEAM_AVX512_INLINE __m512i Cube(__m512i x) {
  const __m512i sq = Reduce(_mm512_mul_epi32(x, x));
  return Reduce(_mm512_mul_epi32(sq, x));
}

// (-p, p) -> [0, p).
BEAM_AVX512_INLINE __m512i Canonicalise(__m512i t) { return _mm512_min_epu32(t, _mm512_add_epi32(t, Set32(kP))); }

// (-p, p) -> [-kHalfP, kHalfP].
BEAM_AVX512_INLINE __m512i CentreSigned(__m512i t) {
  t = _mm512_mask_sub_epi32(t, _mm512_cmpgt_epi32_mask(t, Set32(kHalfP)), t, Set32(kP));
  return _mm512_mask_add_epi32(t, _mm512_cmplt_epi32_mask(t, Set32(-kHalfP)), t, Set32(kP));
}

// a -> lo + hi * (2^32 mod p): the same residue, below kMaxAfterFold. mul_epi32 reads
// the shifted-down high half as signed, the arithmetic high part of a.
BEAM_AVX512_INLINE __m512i Fold(__m512i a) {
  const __m512i lo = _mm512_maskz_mov_epi32(0x5555, a);
  return _mm512_add_epi64(lo, _mm512_mul_epi32(_mm512_srli_epi64(a, 32), Set32(kR1)));
}

// A running sum of centred products (after a constant below p), folded as it goes.
// The counter is a compile-time constant wherever the loops are unrolled.
struct Sum {
  __m512i v;
  uint32_t since_fold = 0;

  BEAM_AVX512_INLINE explicit Sum(int64_t k) : v(Set64(k)) {}
  BEAM_AVX512_INLINE void Add(__m512i x, __m512i c) {
    if (since_fold == kTermsPerFold) {
      v = Fold(v);
      since_fold = 0;
    }
    v = _mm512_add_epi64(v, _mm512_mul_epi32(x, c));
    ++since_fold;
  }
  BEAM_AVX512_INLINE __m512i Reduced() {
    if (since_fold > kTermsBeforeReduce) v = Fold(v);
    return Reduce(v);
  }
};

// --- Rounds ---------------------------------------------------------------------------

// y_i = k_i + sum_j row[j] * x_{(i + j) mod W}, reduced, for the circulant MDS.
// A constant serves a diagonal, so rows go kRows at a time and each broadcast serves
// all of them.
template <size_t W>
BEAM_AVX512_INLINE void CirculantMatVec(const Tables<W>& t, const int64_t* k, const __m512i* x, __m512i* y) {
  constexpr size_t kRows = 8;
  static_assert(W % kRows == 0);
  __m512i xx[2 * W];  // two copies back to back: x_{(i + j) mod W} = xx[i + j]
  for (size_t j = 0; j < W; ++j) {
    xx[j] = Tables<W>::kSmallMds ? x[j] : CentreSigned(x[j]);
    xx[W + j] = xx[j];
  }
  for (size_t i0 = 0; i0 < W; i0 += kRows) {
    if constexpr (Tables<W>::kSmallMds) {
      __m512i acc[kRows];
      for (size_t r = 0; r < kRows; ++r) acc[r] = Set64(k[i0 + r]);
      for (size_t j = 0; j < W; ++j) {
        const __m512i c = Set64(t.mds_row[j]);
        for (size_t r = 0; r < kRows; ++r) {
          acc[r] = _mm512_add_epi64(acc[r], _mm512_mul_epi32(xx[i0 + r + j], c));
          Opaque(acc[r]);
        }
      }
      for (size_t r = 0; r < kRows; ++r) y[i0 + r] = Reduce(acc[r]);
    } else {
      Sum acc[kRows] = {Sum(k[i0]),     Sum(k[i0 + 1]), Sum(k[i0 + 2]), Sum(k[i0 + 3]),
                        Sum(k[i0 + 4]), Sum(k[i0 + 5]), Sum(k[i0 + 6]), Sum(k[i0 + 7])};
      for (size_t j = 0; j < W; ++j) {
        const __m512i c = Set64(t.mds_row[j]);
        for (size_t r = 0; r < kRows; ++r) {
          acc[r].Add(xx[i0 + r + j], c);
          Opaque(acc[r].v);
        }
      }
      for (size_t r = 0; r < kRows; ++r) y[i0 + r] = acc[r].Reduced();
    }
  }
}

template <size_t W>
BEAM_AVX512_INLINE void FullRound(const Tables<W>& t, size_t r, __m512i* s) {
  __m512i cubes[W];
  for (size_t j = 0; j < W; ++j) cubes[j] = Cube(s[j]);
  CirculantMatVec<W>(t, t.full_k[r], cubes, s);
}

template <size_t W>
BEAM_AVX512_INLINE void PartialRounds(const Tables<W>& t, __m512i* s) {
  constexpr size_t kPartial = Tables<W>::kPartial;
  // The first partial round: dense matrix.
  __m512i x[W];
  x[0] = CentreSigned(Cube(s[0]));
  for (size_t j = 1; j < W; ++j) x[j] = CentreSigned(s[j]);
  __m512i s0[W];  // s^0, centred (element 0 is only cubed: left as it is)
  for (size_t i = 0; i < W; ++i) {
    Sum acc(t.dense_k[i]);
    for (size_t j = 0; j < W; ++j) acc.Add(x[j], Set64(t.dense[i][j]));
    s0[i] = acc.Reduced();
    if (i > 0) s0[i] = CentreSigned(s0[i]);
  }

  // Sparse rounds: only element 0 is computed; z[r] is round r's centred cube. The
  // rounds are a chain of dependent steps, so element 0 is computed as
  // m00 * x^3 = ((x^2 * m00) * x), each product reduced with the Montgomery quotient
  // q = T * p^-1 mod 2^32 assembled from parts known early (T's other terms, x * p^-1,
  // m00 * p^-1), not computed from T: two multiplications deep instead of three. The
  // cube itself, needed only by later rounds, is computed off that chain.
  __m512i z[kPartial];
  __m512i e0 = s0[0];
  for (size_t r = 1; r < kPartial; ++r) {
    const __m512i x = CentreSigned(e0);
    const __m512i x_pinv = _mm512_mul_epu32(x, Set32(kb::kPInv));
    const __m512i sq = Reduce(_mm512_mul_epi32(e0, e0));
    z[r] = CentreSigned(Reduce(_mm512_mul_epi32(sq, e0)));
    const __m512i w_q = _mm512_mul_epu32(sq, Set64(t.m00_pinv[r]));
    const __m512i w = _mm512_srli_epi64(
        _mm512_sub_epi64(_mm512_mul_epi32(sq, Set64(t.m00[r])), _mm512_mul_epi32(w_q, Set32(kP))), 32);
    // Everything but m00 * x^3, folded down to below kMaxAfterFold + kMaxProduct.
    Sum rest(t.y0_k[r]);
    for (size_t i = 1; i < W; ++i) rest.Add(s0[i], Set64(t.row[r][i]));
    for (size_t q = 1; q < r; ++q) rest.Add(z[q], Set64(t.tri[r][q]));
    if (rest.since_fold > 1) rest.v = Fold(rest.v);
    const __m512i sum = _mm512_add_epi64(rest.v, _mm512_mul_epi32(w, x));
    const __m512i q = _mm512_add_epi32(_mm512_mul_epu32(rest.v, Set32(kb::kPInv)), _mm512_mul_epu32(w, x_pinv));
    e0 = _mm512_srli_epi64(_mm512_sub_epi64(sum, _mm512_mul_epi32(q, Set32(kP))), 32);
  }
  s[0] = e0;
  for (size_t i = 1; i < W; ++i) {
    Sum acc(t.final_k[i]);
    acc.Add(s0[i], Set32(kR1));
    for (size_t q = 1; q < kPartial; ++q) acc.Add(z[q], Set64(t.final_col[i][q]));
    s[i] = acc.Reduced();
  }
}

// In-register transpose of an 8x8 block of 32-bit values.
BEAM_AVX512_INLINE void Transpose8x8(__m256i (&r)[8]) {
  const __m256i t0 = _mm256_unpacklo_epi32(r[0], r[1]), t1 = _mm256_unpackhi_epi32(r[0], r[1]);
  const __m256i t2 = _mm256_unpacklo_epi32(r[2], r[3]), t3 = _mm256_unpackhi_epi32(r[2], r[3]);
  const __m256i t4 = _mm256_unpacklo_epi32(r[4], r[5]), t5 = _mm256_unpackhi_epi32(r[4], r[5]);
  const __m256i t6 = _mm256_unpacklo_epi32(r[6], r[7]), t7 = _mm256_unpackhi_epi32(r[6], r[7]);
  const __m256i u0 = _mm256_unpacklo_epi64(t0, t2), u1 = _mm256_unpackhi_epi64(t0, t2);
  const __m256i u2 = _mm256_unpacklo_epi64(t1, t3), u3 = _mm256_unpackhi_epi64(t1, t3);
  const __m256i u4 = _mm256_unpacklo_epi64(t4, t6), u5 = _mm256_unpackhi_epi64(t4, t6);
  const __m256i u6 = _mm256_unpacklo_epi64(t5, t7), u7 = _mm256_unpackhi_epi64(t5, t7);
  r[0] = _mm256_permute2x128_si256(u0, u4, 0x20);
  r[1] = _mm256_permute2x128_si256(u1, u5, 0x20);
  r[2] = _mm256_permute2x128_si256(u2, u6, 0x20);
  r[3] = _mm256_permute2x128_si256(u3, u7, 0x20);
  r[4] = _mm256_permute2x128_si256(u0, u4, 0x31);
  r[5] = _mm256_permute2x128_si256(u1, u5, 0x31);
  r[6] = _mm256_permute2x128_si256(u2, u6, 0x31);
  r[7] = _mm256_permute2x128_si256(u3, u7, 0x31);
}

template <size_t W>
BEAM_AVX512 void PermuteXN(uint32_t (*states)[W]) {
  const Tables<W>& t = TablesFor<W>();
  constexpr size_t kHalf = Tables<W>::kHalf;
  __m512i s[W];
  for (size_t c = 0; c < W; c += 8) {
    __m256i block[8];
    for (size_t k = 0; k < 8; ++k) block[k] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(states[k] + c));
    Transpose8x8(block);
    for (size_t k = 0; k < 8; ++k) s[c + k] = _mm512_cvtepu32_epi64(block[k]);
  }
  // Inputs are canonical, so input + constant is below 2^32: one min makes it
  // canonical (the first S-box input).
  for (size_t j = 0; j < W; ++j) {
    const __m512i sum = _mm512_add_epi32(s[j], Set64(t.first_rc[j]));
    s[j] = _mm512_min_epu32(sum, _mm512_sub_epi32(sum, Set64(kP)));
  }

  for (size_t r = 0; r < kHalf; ++r) FullRound<W>(t, r, s);
  PartialRounds<W>(t, s);
  for (size_t r = kHalf; r < 2 * kHalf; ++r) FullRound<W>(t, r, s);

  if (t.rescale_out) {
    for (size_t j = 0; j < W; ++j) s[j] = Reduce(_mm512_mul_epi32(s[j], Set64(t.out_scale)));
  }
  for (size_t c = 0; c < W; c += 8) {
    __m256i block[8];
    for (size_t k = 0; k < 8; ++k) block[k] = _mm512_cvtepi64_epi32(Canonicalise(s[c + k]));
    Transpose8x8(block);
    for (size_t k = 0; k < 8; ++k) _mm256_storeu_si256(reinterpret_cast<__m256i*>(states[k] + c), block[k]);
  }
}

}  // namespace

bool CpuHasAvx512() {
  __builtin_cpu_init();  // in case this runs before the runtime's own initialisation
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
         __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw");
}

void Poseidon1Permute16xNAvx512(uint32_t states[kPoseidonLanes][16]) { PermuteXN<16>(states); }
void Poseidon1Permute24xNAvx512(uint32_t states[kPoseidonLanes][24]) { PermuteXN<24>(states); }

#undef BEAM_AVX512
#undef BEAM_AVX512_INLINE

#else  // !__x86_64__

bool CpuHasAvx512() { return false; }
void Poseidon1Permute16xNAvx512(uint32_t states[kPoseidonLanes][16]) {
  for (size_t i = 0; i < kPoseidonLanes; ++i) Poseidon1Permute16Scalar(states[i]);
}
void Poseidon1Permute24xNAvx512(uint32_t states[kPoseidonLanes][24]) {
  for (size_t i = 0; i < kPoseidonLanes; ++i) Poseidon1Permute24Scalar(states[i]);
}

#endif  // __x86_64__

}  // namespace beam::crypto::internal
