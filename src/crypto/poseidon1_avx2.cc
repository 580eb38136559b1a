// AVX2 kernels for Poseidon1 (poseidon1_internal.h). Only the functions here are
// compiled for AVX2 (target attribute, not a global -mavx2), and poseidon1.cc calls
// them only after CPUID reports AVX2.
//
// Arithmetic. Lanes hold canonical values. Products use the 32x32->64 multiplies
// (_mm256_mul_epu32 / _mm256_mul_epi32), which read the even 32-bit lanes, so 8 lanes
// are handled as an even and an odd half. The S-box is two Montgomery multiplications
// (x*x*R^-1, then *x*R^-1 = x^3 * R^-2). A matrix row is a sum of 64-bit signed
// products reduced once at the end, by Montgomery reduction (another R^-1); the matrix
// constants are stored pre-multiplied by R^3 where they meet a cubed input and by R
// elsewhere, which cancels both factors, so no state ever needs converting. Inputs
// and constants are centred into (-p/2, p/2) first so that each product is below
// 2^60 in magnitude and eight fit in a signed 64-bit sum; longer sums are "folded"
// (hi * 2^32 + lo -> hi * (2^32 mod p) + lo, exact mod p) when the bound requires it.
// The fold points and every bound are computed and checked at compile time.
//
// Two layouts:
//  * xN: 8 independent states, one per 32-bit lane (struct of arrays: vector j holds
//    element j of every state), transposed in and out with 8x8 transposes.
//  * single state: the W elements in W/4 vectors of four 64-bit lanes (value in the
//    low half), so a row-vectorised matrix product needs no even/odd split. Partial
//    rounds are latency-bound here, so everything that does not depend on the
//    current cube (the constant's shares, the next round's dot product) is computed
//    ahead, leaving one product and one reduction between consecutive cubes.

#include "crypto/poseidon1_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <cstdint>

#include "crypto/koalabear.h"

namespace beam::crypto::internal {

#if defined(__x86_64__)

#define BEAM_AVX2 __attribute__((target("avx2")))
#define BEAM_AVX2_INLINE __attribute__((target("avx2"), always_inline)) inline

namespace {

namespace kb = koalabear;

constexpr uint32_t kP = kb::kP;
constexpr uint32_t kHalfP = (kP - 1) / 2;               // centred values lie in [-kHalfP, kHalfP]
constexpr uint32_t kFoldFactor = kb::kMontR;              // 2^32 mod p = 2^25 - 2
constexpr uint64_t kMaxProduct = uint64_t{kHalfP} * kHalfP;  // |centred * centred|
constexpr uint64_t kInt64Max = ~uint64_t{0} >> 1;
// |lo + hi * kFoldFactor| for lo in [0, 2^32), hi in [-2^31, 2^31).
constexpr uint64_t kMaxAfterFold = (uint64_t{1} << 31) * kFoldFactor + (uint64_t{1} << 32);
// Signed Montgomery reduction of a (q taken signed, |q * p| <= 2^31 p) lands in (-p, p)
// when |a| < p * 2^31.
constexpr uint64_t kMaxForReduce = uint64_t{kP} << 31;
static_assert(kMaxProduct < kMaxForReduce && kMaxAfterFold < kMaxForReduce);

// Where a sum of n centred products needs folding: before product j when adding it
// could overflow int64, and once more at the end if the total is too big to reduce.
struct FoldPlan {
  bool before[32] = {};
  bool at_end = false;
};

constexpr FoldPlan MakeFoldPlan(size_t n) {
  FoldPlan plan;
  uint64_t bound = 0;
  for (size_t j = 0; j < n; ++j) {
    if (bound > kInt64Max - kMaxProduct) {
      plan.before[j] = true;
      bound = kMaxAfterFold;
    }
    bound += kMaxProduct;
  }
  plan.at_end = bound >= kMaxForReduce;
  return plan;
}

// The single-state partial round sums W/4 products (and a constant below p) per lane,
// folds, adds the four lanes, then one product of a signed S-box output in (-p, p)
// with a centred constant.
constexpr uint64_t kMaxSignedProduct = uint64_t{kP - 1} * kHalfP;
static_assert(24 / 4 * kMaxProduct + kP <= kInt64Max);
static_assert(4 * kMaxAfterFold + kP + kMaxSignedProduct < kMaxForReduce);
// ... and for the dot product computed a round ahead, plus the previous cube's product,
// folded again before the current cube's product is added.
static_assert(4 * kMaxAfterFold + kP + kMaxSignedProduct <= kInt64Max);
static_assert(kMaxAfterFold + kMaxSignedProduct < kMaxForReduce);
// Cube4Signed reduces (-p, p) * [0, p).
static_assert(uint64_t{kP} * kP < kMaxForReduce);

// v in [0, p) -> the representative in [-(p-1)/2, (p-1)/2], as an int32 bit pattern.
constexpr uint32_t Centre(uint32_t v) { return v > kHalfP ? v - kP : v; }

// --- Constant tables -------------------------------------------------------------------

template <size_t W>
struct Tables {
  static constexpr size_t kPartial = kPoseidon1PartialRounds<W>;
  static constexpr size_t kBlocks = W / 4;
  static_assert(W % 8 == 0);

  // Round constants added before an S-box: canonical, as in the schedule.
  uint32_t full_rc[2 * kPoseidon1HalfFullRounds][W];
  uint32_t first_partial_rc[W];
  // The scalars added after a partial S-box meet x^3 * R^-2, so they are * R^-2 too.
  uint32_t partial_rc[kPartial];

  // xN kernel: centred scaled matrix entries, broadcast one at a time.
  int32_t mds[W][W];                // * R^3 (every input is cubed); circulant, row 0 says all
  int32_t first_partial_mds[W][W];  // column 0 * R^3, the rest * R
  int32_t sparse_row[kPartial - 1][W];
  int32_t sparse_col[kPartial - 1][W];  // * R^3 (they multiply the cube)

  // Single-state kernel: the same values as 64-bit lanes, matrices by column
  // (mds_cols[j][i] = entry (i, j)), so one column is W/4 vectors.
  alignas(32) int64_t mds_cols[W][W];
  alignas(32) int64_t first_partial_cols[W][W];
  alignas(32) int64_t sparse_row64[kPartial - 1][W];  // entry 0 zeroed: added separately
  alignas(32) int64_t sparse_col64[kPartial - 1][W];
  int64_t sparse_m00[kPartial - 1];  // the entry-0 weight, * R^3
  // The shares of the constant k added after the S-box, so the cube can be used before
  // k is added: col_i * k for elements i >= 1 (canonical, entry 0 zero), and for y0
  // everything constant: m00 * k plus row . (the previous round's col * k), as an
  // integer whose Montgomery reduction is that value.
  alignas(32) uint64_t sparse_col_k64[kPartial - 1][W];
  int64_t sparse_y0_const[kPartial - 1];
  // row_r . col_(r-1) (entries >= 1), * R^3: the previous cube's weight in y0 once the
  // row is applied to the state from before the previous round's column update.
  int64_t sparse_row_dot_prev_col[kPartial - 1];
  alignas(32) uint64_t full_rc64[2 * kPoseidon1HalfFullRounds][W];
  alignas(32) uint64_t first_partial_rc64[W];
};

template <size_t W>
const Tables<W>* BuildTables(const Poseidon1Schedule<W>& s) {
  using T = Tables<W>;
  constexpr uint32_t kR1 = kb::kMontR;
  constexpr uint32_t kR3 = kb::Pow(kb::kMontR, 3);
  const uint32_t r_inv2 = kb::Inverse(kb::Mul(kb::kMontR, kb::kMontR));
  auto scaled = [](uint32_t v, uint32_t factor) { return static_cast<int32_t>(Centre(kb::Mul(v, factor))); };

  auto* t = new T;
  for (size_t r = 0; r < 2 * kPoseidon1HalfFullRounds; ++r) {
    for (size_t j = 0; j < W; ++j) {
      t->full_rc[r][j] = s.full_rc[r][j];
      t->full_rc64[r][j] = s.full_rc[r][j];
    }
  }
  for (size_t j = 0; j < W; ++j) {
    t->first_partial_rc[j] = s.first_partial_rc[j];
    t->first_partial_rc64[j] = s.first_partial_rc[j];
  }
  for (size_t i = 0; i < W; ++i) {
    for (size_t j = 0; j < W; ++j) {
      t->mds[i][j] = scaled(s.mds[i][j], kR3);
      t->first_partial_mds[i][j] = scaled(s.first_partial_mds[i][j], j == 0 ? kR3 : kR1);
      t->mds_cols[j][i] = t->mds[i][j];
      t->first_partial_cols[j][i] = t->first_partial_mds[i][j];
    }
  }
  for (size_t r = 0; r < T::kPartial; ++r) t->partial_rc[r] = kb::Mul(s.partial_rc[r], r_inv2);
  for (size_t r = 0; r + 1 < T::kPartial; ++r) {
    for (size_t j = 0; j < W; ++j) {
      t->sparse_row[r][j] = scaled(s.sparse_row[r][j], j == 0 ? kR3 : kR1);
      t->sparse_col[r][j] = scaled(s.sparse_col[r][j], kR3);
      t->sparse_row64[r][j] = j == 0 ? 0 : t->sparse_row[r][j];
      t->sparse_col64[r][j] = t->sparse_col[r][j];
    }
    t->sparse_m00[r] = t->sparse_row[r][0];
    // Sparse round r + 1 adds k = partial_rc[r + 1] after its S-box (true values here).
    const uint32_t k = s.partial_rc[r + 1];
    for (size_t j = 0; j < W; ++j) t->sparse_col_k64[r][j] = kb::Mul(s.sparse_col[r][j], k);
    // y0's constant is m00 * k, plus row . (the previous round's col * k). A term T of
    // a sum that is Montgomery-reduced must be stored as T * R.
    uint32_t y0_const = kb::Mul(kb::Mul(s.sparse_row[r][0], k), kR1);
    uint32_t dot_prev_col = 0;
    if (r > 0) {
      uint32_t dot_prev_col_k = 0;
      for (size_t j = 1; j < W; ++j) {
        const uint32_t row_j = s.sparse_row[r][j];
        dot_prev_col = kb::Add(dot_prev_col, kb::Mul(row_j, s.sparse_col[r - 1][j]));
        dot_prev_col_k = kb::Add(dot_prev_col_k, kb::Mul(row_j, static_cast<uint32_t>(t->sparse_col_k64[r - 1][j])));
      }
      y0_const = kb::Add(y0_const, kb::Mul(dot_prev_col_k, kR1));
    }
    t->sparse_y0_const[r] = y0_const;
    t->sparse_row_dot_prev_col[r] = scaled(dot_prev_col, kR3);
  }
  return t;
}

const Tables<16>& Tables16() {
  static const Tables<16>* const kTables = BuildTables(Poseidon1Schedule16());
  return *kTables;
}

const Tables<24>& Tables24() {
  static const Tables<24>* const kTables = BuildTables(Poseidon1Schedule24());
  return *kTables;
}

template <size_t W>
const Tables<W>& TablesFor() {
  if constexpr (W == 16) {
    return Tables16();
  } else {
    return Tables24();
  }
}

// --- Vector arithmetic (both layouts) -----------------------------------------------------
// "Canonical" vectors hold values in [0, p) in every 32-bit lane they use; the 64-bit
// layout keeps its high halves zero, which every function below preserves.

BEAM_AVX2_INLINE __m256i Broadcast32(uint32_t v) { return _mm256_set1_epi32(static_cast<int32_t>(v)); }

// An empty asm that "changes" v: the compiler must materialise v here and cannot
// reassociate additions across it. Without it GCC turns each running sum into a tree,
// computes all products first and spills them, which costs more than it saves.
BEAM_AVX2_INLINE void Opaque(__m256i& v) { asm("" : "+x"(v)); }

// (a + b) mod p for canonical a, b: a + b < 2^32, and min picks a + b - p unless that
// wrapped.
BEAM_AVX2_INLINE __m256i AddMod(__m256i a, __m256i b) {
  const __m256i s = _mm256_add_epi32(a, b);
  return _mm256_min_epu32(s, _mm256_sub_epi32(s, Broadcast32(kP)));
}

// t in (-p, p) (as int32 lanes) -> [0, p).
BEAM_AVX2_INLINE __m256i Canonicalise(__m256i t) {
  return _mm256_min_epu32(t, _mm256_add_epi32(t, Broadcast32(kP)));
}

// Canonical -> centred, lane-wise.
BEAM_AVX2_INLINE __m256i CentreV(__m256i v) {
  const __m256i big = _mm256_cmpgt_epi32(v, Broadcast32(kHalfP));
  return _mm256_sub_epi32(v, _mm256_and_si256(big, Broadcast32(kP)));
}

// Montgomery product of the even 32-bit lanes of canonical a and b, left in the high
// halves of the 64-bit lanes as a value in (-p, p): a*b < p^2 and q*p < 2^32 p, whose
// low halves are equal, so the difference is exact.
BEAM_AVX2_INLINE __m256i MontMulEvenHigh(__m256i a, __m256i b) {
  const __m256i prod = _mm256_mul_epu32(a, b);
  const __m256i q = _mm256_mul_epu32(prod, Broadcast32(kb::kPInv));
  return _mm256_sub_epi64(prod, _mm256_mul_epu32(q, Broadcast32(kP)));
}

// Signed Montgomery reduction of 64-bit sums a with |a| < p * 2^31 (kMaxForReduce):
// the result, in (-p, p), is left in the high halves.
BEAM_AVX2_INLINE __m256i MontReduceSignedHigh(__m256i a) {
  const __m256i q = _mm256_mul_epu32(a, Broadcast32(kb::kPInv));
  return _mm256_sub_epi64(a, _mm256_mul_epi32(q, Broadcast32(kP)));
}

// a -> lo + hi * (2^32 mod p), the same residue with magnitude below kMaxAfterFold.
// _mm256_mul_epi32 reads the shifted-down high half as a signed 32-bit value, which is
// exactly the arithmetic high part of a.
BEAM_AVX2_INLINE __m256i Fold(__m256i a) {
  const __m256i lo = _mm256_blend_epi32(a, _mm256_setzero_si256(), 0xAA);
  const __m256i hi = _mm256_srli_epi64(a, 32);
  return _mm256_add_epi64(lo, _mm256_mul_epi32(hi, Broadcast32(kFoldFactor)));
}

// 8-lane layout: merge an even-lane result and an odd-lane result (both in high halves).
BEAM_AVX2_INLINE __m256i MergeHigh(__m256i even, __m256i odd) {
  return Canonicalise(_mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA));
}

// 8 lanes: a * b * R^-1.
BEAM_AVX2_INLINE __m256i MontMul8(__m256i a, __m256i b) {
  const __m256i even = MontMulEvenHigh(a, b);
  const __m256i odd = MontMulEvenHigh(_mm256_srli_epi64(a, 32), _mm256_srli_epi64(b, 32));
  return MergeHigh(even, odd);
}

// 8 lanes: x^3 * R^-2.
BEAM_AVX2_INLINE __m256i Cube8(__m256i x) { return MontMul8(MontMul8(x, x), x); }

// 64-bit layout: a * b * R^-1.
BEAM_AVX2_INLINE __m256i MontMul4(__m256i a, __m256i b) {
  return Canonicalise(_mm256_srli_epi64(MontMulEvenHigh(a, b), 32));
}

// 64-bit layout: x^3 * R^-2.
BEAM_AVX2_INLINE __m256i Cube4(__m256i x) { return MontMul4(MontMul4(x, x), x); }

// 64-bit layout: x^3 * R^-2 for canonical x, as a value in (-p, p) (low halves, signed):
// the square is left unreduced in (-p, p) and multiplied signed (|x^2 * x| < p^2).
BEAM_AVX2_INLINE __m256i Cube4Signed(__m256i x) {
  const __m256i sq = _mm256_srli_epi64(MontMulEvenHigh(x, x), 32);
  return _mm256_srli_epi64(MontReduceSignedHigh(_mm256_mul_epi32(sq, x)), 32);
}

// 64-bit layout: a sum (|a| < kMaxForReduce) -> canonical a * R^-1.
BEAM_AVX2_INLINE __m256i Reduce4(__m256i a) { return Canonicalise(_mm256_srli_epi64(MontReduceSignedHigh(a), 32)); }

// --- xN kernel -------------------------------------------------------------------------

// The sums below are unrolled by compile-time recursion rather than left to the
// compiler's loop unroller, so the fold points are fixed whatever the compiler and
// optimisation level.
template <size_t W>
inline constexpr FoldPlan kFoldPlan = MakeFoldPlan(W);

// Adds c[j] * x_j for j >= J to the even/odd accumulators.
template <size_t W, size_t J = 0>
BEAM_AVX2_INLINE void RowStepsXN(const int32_t* c, const __m256i* xe, const __m256i* xo, __m256i& ae, __m256i& ao) {
  if constexpr (J < W) {
    if constexpr (kFoldPlan<W>.before[J]) {
      ae = Fold(ae);
      ao = Fold(ao);
    }
    const __m256i k = _mm256_set1_epi32(c[J]);
    ae = _mm256_add_epi64(ae, _mm256_mul_epi32(xe[J], k));
    ao = _mm256_add_epi64(ao, _mm256_mul_epi32(xo[J], k));
    RowStepsXN<W, J + 1>(c, xe, xo, ae, ao);
  }
}

// One matrix row over 8 states: sum_j c[j] * x_j, for centred inputs split into even
// (xe) and odd (xo) halves; canonical result.
template <size_t W>
BEAM_AVX2_INLINE __m256i RowXN(const int32_t* c, const __m256i* xe, const __m256i* xo) {
  __m256i ae = _mm256_setzero_si256();
  __m256i ao = _mm256_setzero_si256();
  RowStepsXN<W>(c, xe, xo, ae, ao);
  if constexpr (kFoldPlan<W>.at_end) {
    ae = Fold(ae);
    ao = Fold(ao);
  }
  return MergeHigh(MontReduceSignedHigh(ae), MontReduceSignedHigh(ao));
}

template <size_t W>
BEAM_AVX2_INLINE void SplitCentred(const __m256i* s, __m256i* xe, __m256i* xo) {
  for (size_t j = 0; j < W; ++j) {
    xe[j] = CentreV(s[j]);
    xo[j] = _mm256_srli_epi64(xe[j], 32);
  }
}

// s = m * s.
template <size_t W>
BEAM_AVX2 void MatVecXN(const int32_t (&m)[W][W], __m256i* s) {
  __m256i xe[W], xo[W];
  SplitCentred<W>(s, xe, xo);
  for (size_t i = 0; i < W; ++i) s[i] = RowXN<W>(m[i], xe, xo);
}

// s = C * s for the circulant C[i][j] = row[(j - i) mod W], i.e.
// y_i = sum_k row[k] * x_{(i + k) mod W}. A constant is shared by a whole diagonal, so
// rows go kRows at a time and each broadcast serves all of them (kRows = W/4 keeps the
// 2 * kRows accumulators in registers).
// Adds row[k] * x_{i + k} for k >= K to the accumulators of rows i < kRows (x already
// offset to the block's first row).
template <size_t W, size_t kRows, size_t K = 0>
BEAM_AVX2_INLINE void DiagonalStepsXN(const int32_t* row, const __m256i* xe, const __m256i* xo, __m256i* ae,
                                      __m256i* ao) {
  if constexpr (K < W) {
    if constexpr (kFoldPlan<W>.before[K]) {
      for (size_t r = 0; r < kRows; ++r) {
        ae[r] = Fold(ae[r]);
        ao[r] = Fold(ao[r]);
      }
    }
    const __m256i c = _mm256_set1_epi32(row[K]);
    for (size_t r = 0; r < kRows; ++r) {
      ae[r] = _mm256_add_epi64(ae[r], _mm256_mul_epi32(xe[r + K], c));
      ao[r] = _mm256_add_epi64(ao[r], _mm256_mul_epi32(xo[r + K], c));
      Opaque(ae[r]);
      Opaque(ao[r]);
    }
    DiagonalStepsXN<W, kRows, K + 1>(row, xe, xo, ae, ao);
  }
}

template <size_t W>
BEAM_AVX2 void CirculantMatVecXN(const int32_t (&row)[W], __m256i* s) {
  constexpr size_t kRows = W / 4;
  // Two copies back to back, so x_{(i + k) mod W} is x[i + k].
  __m256i xe[2 * W], xo[2 * W];
  SplitCentred<W>(s, xe, xo);
  for (size_t j = 0; j < W; ++j) {
    xe[W + j] = xe[j];
    xo[W + j] = xo[j];
  }
  for (size_t i0 = 0; i0 < W; i0 += kRows) {
    __m256i ae[kRows], ao[kRows];
    for (size_t r = 0; r < kRows; ++r) ae[r] = ao[r] = _mm256_setzero_si256();
    DiagonalStepsXN<W, kRows>(row, xe + i0, xo + i0, ae, ao);
    for (size_t r = 0; r < kRows; ++r) {
      if constexpr (kFoldPlan<W>.at_end) {
        ae[r] = Fold(ae[r]);
        ao[r] = Fold(ao[r]);
      }
      s[i0 + r] = MergeHigh(MontReduceSignedHigh(ae[r]), MontReduceSignedHigh(ao[r]));
    }
  }
}

template <size_t W>
BEAM_AVX2_INLINE void FullRoundXN(const Tables<W>& t, const uint32_t (&rc)[W], __m256i* s) {
  for (size_t j = 0; j < W; ++j) s[j] = Cube8(AddMod(s[j], Broadcast32(rc[j])));
  CirculantMatVecXN<W>(t.mds[0], s);
}

// In-register transpose of an 8x8 block of 32-bit values.
BEAM_AVX2_INLINE void Transpose8x8(__m256i (&r)[8]) {
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
BEAM_AVX2 void PermuteXN(uint32_t (*states)[W]) {
  const Tables<W>& t = TablesFor<W>();
  constexpr size_t kHalf = kPoseidon1HalfFullRounds;
  __m256i s[W];
  for (size_t c = 0; c < W; c += 8) {
    __m256i block[8];
    for (size_t k = 0; k < 8; ++k) block[k] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(states[k] + c));
    Transpose8x8(block);
    for (size_t k = 0; k < 8; ++k) s[c + k] = block[k];
  }

  for (size_t r = 0; r < kHalf; ++r) FullRoundXN(t, t.full_rc[r], s);

  for (size_t j = 0; j < W; ++j) s[j] = AddMod(s[j], Broadcast32(t.first_partial_rc[j]));
  s[0] = AddMod(Cube8(s[0]), Broadcast32(t.partial_rc[0]));
  MatVecXN<W>(t.first_partial_mds, s);
  for (size_t r = 1; r < Tables<W>::kPartial; ++r) {
    __m256i xe[W], xo[W];
    s[0] = AddMod(Cube8(s[0]), Broadcast32(t.partial_rc[r]));
    SplitCentred<W>(s, xe, xo);
    s[0] = RowXN<W>(t.sparse_row[r - 1], xe, xo);
    for (size_t i = 1; i < W; ++i) {
      const __m256i k = _mm256_set1_epi32(t.sparse_col[r - 1][i]);
      const __m256i prod = MergeHigh(MontReduceSignedHigh(_mm256_mul_epi32(xe[0], k)),
                                     MontReduceSignedHigh(_mm256_mul_epi32(xo[0], k)));
      s[i] = AddMod(s[i], prod);
    }
  }

  for (size_t r = kHalf; r < 2 * kHalf; ++r) FullRoundXN(t, t.full_rc[r], s);

  for (size_t c = 0; c < W; c += 8) {
    __m256i block[8];
    for (size_t k = 0; k < 8; ++k) block[k] = s[c + k];
    Transpose8x8(block);
    for (size_t k = 0; k < 8; ++k) _mm256_storeu_si256(reinterpret_cast<__m256i*>(states[k] + c), block[k]);
  }
}

// --- Single-state kernel ----------------------------------------------------------------

// Adds column j times x_j, j >= J, to the accumulators (one per block of 4 rows).
template <size_t W, size_t J = 0>
BEAM_AVX2_INLINE void ColumnStepsSingle(const int64_t (&cols)[W][W], const int64_t* x, __m256i* acc) {
  if constexpr (J < W) {
    constexpr size_t kBlocks = W / 4;
    if constexpr (kFoldPlan<W>.before[J]) {
      for (size_t b = 0; b < kBlocks; ++b) acc[b] = Fold(acc[b]);
    }
    const __m256i xj = _mm256_set1_epi64x(x[J]);
    for (size_t b = 0; b < kBlocks; ++b) {
      const __m256i c = _mm256_load_si256(reinterpret_cast<const __m256i*>(cols[J] + 4 * b));
      acc[b] = _mm256_add_epi64(acc[b], _mm256_mul_epi32(xj, c));
      Opaque(acc[b]);
    }
    ColumnStepsSingle<W, J + 1>(cols, x, acc);
  }
}

// v = m * v, m given by columns (cols[j][i] = entry (i, j)).
template <size_t W>
BEAM_AVX2 void MatVecSingle(const int64_t (&cols)[W][W], __m256i* v) {
  constexpr size_t kBlocks = W / 4;
  alignas(32) int64_t x[W];
  for (size_t b = 0; b < kBlocks; ++b) _mm256_store_si256(reinterpret_cast<__m256i*>(x + 4 * b), CentreV(v[b]));
  __m256i acc[kBlocks];
  for (size_t b = 0; b < kBlocks; ++b) acc[b] = _mm256_setzero_si256();
  ColumnStepsSingle<W>(cols, x, acc);
  for (size_t b = 0; b < kBlocks; ++b) {
    if constexpr (kFoldPlan<W>.at_end) acc[b] = Fold(acc[b]);
    v[b] = Reduce4(acc[b]);
  }
}

// Round q + 1's row . v (entries >= 1) plus its constant part, in every lane, folded:
// magnitude below 4 * kMaxAfterFold + p.
template <size_t W>
BEAM_AVX2_INLINE __m256i SparseDotSingle(const Tables<W>& t, size_t q, const __m256i* v) {
  __m256i dot = _mm256_set_epi64x(0, 0, 0, t.sparse_y0_const[q]);
  for (size_t b = 0; b < W / 4; ++b) {
    const __m256i row = _mm256_load_si256(reinterpret_cast<const __m256i*>(t.sparse_row64[q] + 4 * b));
    dot = _mm256_add_epi64(dot, _mm256_mul_epi32(CentreV(v[b]), row));
  }
  dot = Fold(dot);
  dot = _mm256_add_epi64(dot, _mm256_permute4x64_epi64(dot, 0x4E));
  return _mm256_add_epi64(dot, _mm256_shuffle_epi32(dot, 0x4E));  // the total in every lane
}

template <size_t W>
BEAM_AVX2 void PermuteSingle(uint32_t* state) {
  const Tables<W>& t = TablesFor<W>();
  constexpr size_t kHalf = kPoseidon1HalfFullRounds;
  constexpr size_t kBlocks = W / 4;
  __m256i v[kBlocks];
  for (size_t b = 0; b < kBlocks; ++b) {
    v[b] = _mm256_cvtepu32_epi64(_mm_loadu_si128(reinterpret_cast<const __m128i*>(state + 4 * b)));
  }

  for (size_t r = 0; r < 2 * kHalf; ++r) {
    if (r == kHalf) {
      // The partial rounds, between the two halves of the full rounds.
      for (size_t b = 0; b < kBlocks; ++b) {
        v[b] = AddMod(v[b], _mm256_load_si256(reinterpret_cast<const __m256i*>(t.first_partial_rc64 + 4 * b)));
      }
      v[0] = _mm256_blend_epi32(v[0], AddMod(Cube4(v[0]), _mm256_set_epi64x(0, 0, 0, t.partial_rc[0])), 0x03);
      MatVecSingle<W>(t.first_partial_cols, v);
      // Element 0 lives in all four lanes of x0 during the sparse rounds, so the S-box
      // input needs no cross-lane shuffle; lane 0 of v[0] is stale (its row and column
      // entries are zero) until it is written back after the last round.
      __m256i x0 = _mm256_permute4x64_epi64(v[0], 0x00);
      //
      // Round r's y0 is m00 * z_r plus row_r . y, where y (elements >= 1) is the state
      // after round r - 1's column update y += col_(r-1) * z_(r-1). Splitting that dot
      // product as row_r . (y before the update) + (row_r . col_(r-1)) * z_(r-1) lets it
      // be computed a round ahead, so the only work between one cube and the next is one
      // product and one reduction; the column updates run alongside.
      __m256i dot = SparseDotSingle(t, 0, v);  // round 1's, on the state after round 0
      for (size_t p = 1; p < Tables<W>::kPartial; ++p) {
        const size_t q = p - 1;  // table index of round p
        const bool last = p + 1 == Tables<W>::kPartial;
        // Off the critical path: round p + 1's dot product on the state before this
        // round's update, and the constant's share of this round's update.
        const __m256i next = last ? _mm256_setzero_si256() : SparseDotSingle(t, q + 1, v);
        for (size_t b = 0; b < kBlocks; ++b) {
          v[b] = AddMod(v[b], _mm256_load_si256(reinterpret_cast<const __m256i*>(t.sparse_col_k64[q] + 4 * b)));
        }
        // The critical path: cube, one product, reduction.
        const __m256i z = Cube4Signed(x0);
        x0 = Reduce4(_mm256_add_epi64(dot, _mm256_mul_epi32(z, _mm256_set1_epi64x(t.sparse_m00[q]))));
        for (size_t b = 0; b < kBlocks; ++b) {
          const __m256i col = _mm256_load_si256(reinterpret_cast<const __m256i*>(t.sparse_col64[q] + 4 * b));
          v[b] = AddMod(v[b], Reduce4(_mm256_mul_epi32(z, col)));
        }
        if (!last) {
          dot = Fold(_mm256_add_epi64(next, _mm256_mul_epi32(z, _mm256_set1_epi64x(t.sparse_row_dot_prev_col[q + 1]))));
        }
      }
      v[0] = _mm256_blend_epi32(v[0], x0, 0x03);
    }
    for (size_t b = 0; b < kBlocks; ++b) {
      v[b] = Cube4(AddMod(v[b], _mm256_load_si256(reinterpret_cast<const __m256i*>(t.full_rc64[r] + 4 * b))));
    }
    MatVecSingle<W>(t.mds_cols, v);
  }

  const __m256i pack = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
  for (size_t b = 0; b < kBlocks; ++b) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(state + 4 * b),
                     _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(v[b], pack)));
  }
}

}  // namespace

bool CpuHasAvx2() {
  __builtin_cpu_init();  // in case this runs before the runtime's own initialisation
  return __builtin_cpu_supports("avx2");
}

void Poseidon1Permute16Avx2(uint32_t state[16]) { PermuteSingle<16>(state); }
void Poseidon1Permute24Avx2(uint32_t state[24]) { PermuteSingle<24>(state); }
void Poseidon1Permute16xNAvx2(uint32_t states[kPoseidonLanes][16]) { PermuteXN<16>(states); }
void Poseidon1Permute24xNAvx2(uint32_t states[kPoseidonLanes][24]) { PermuteXN<24>(states); }

#undef BEAM_AVX2
#undef BEAM_AVX2_INLINE

#else  // !__x86_64__

bool CpuHasAvx2() { return false; }
void Poseidon1Permute16Avx2(uint32_t state[16]) { Poseidon1Permute16Scalar(state); }
void Poseidon1Permute24Avx2(uint32_t state[24]) { Poseidon1Permute24Scalar(state); }
void Poseidon1Permute16xNAvx2(uint32_t states[kPoseidonLanes][16]) {
  for (size_t i = 0; i < kPoseidonLanes; ++i) Poseidon1Permute16Scalar(states[i]);
}
void Poseidon1Permute24xNAvx2(uint32_t states[kPoseidonLanes][24]) {
  for (size_t i = 0; i < kPoseidonLanes; ++i) Poseidon1Permute24Scalar(states[i]);
}

#endif  // __x86_64__

}  // namespace beam::crypto::internal
