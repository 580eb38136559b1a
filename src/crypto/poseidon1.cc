// Poseidon1 over KoalaBear: the rearranged round schedule (poseidon1_internal.h), the
// portable kernels, and the choice of kernel.

#include "crypto/poseidon1.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "crypto/koalabear.h"
#include "crypto/poseidon1_internal.h"

namespace beam::crypto {
namespace internal {
namespace {

namespace kb = koalabear;
using U128 = unsigned __int128;

constexpr size_t kHalf = kPoseidon1HalfFullRounds;

// The schedule is derived from constants fixed at compile time, so a failure here is a
// bug in this file; stop rather than compute a wrong permutation.
void Require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "poseidon1: schedule construction failed: %s\n", what);
    std::abort();
  }
}

// s mod p for a sum of at most 2^6 products of canonical values (each below 2^62), so
// the high word of s is below 2^6.
constexpr uint64_t kTwoTo64ModP = uint64_t{kb::kMontR} * kb::kMontR % kb::kP;

inline uint32_t Reduce128(U128 s) {
  const uint64_t lo = static_cast<uint64_t>(s);
  const uint64_t hi = static_cast<uint64_t>(s >> 64);  // < 2^6 for the sums made here
  // 2^32 = kMontR and 2^64 = kTwoTo64ModP (mod p); the folded value is below 2^58.
  return kb::Reduce64((lo >> 32) * kb::kMontR + (lo & 0xffffffffu) + hi * kTwoTo64ModP);
}

// A 128-bit running sum as two words. (GCC keeps an unsigned __int128 running sum in
// memory, one store and reload per addition, which is about three times slower.)
struct Sum128 {
  uint64_t lo = 0, hi = 0;
  void Add(uint64_t v) {
    lo += v;
    hi += lo < v;  // the carry
  }
  uint32_t Reduce() const { return Reduce128((static_cast<U128>(hi) << 64) | lo); }
};

// --- Dense linear algebra over F_p for building the schedule (runs once) ------------

template <size_t N>
using Matrix = std::array<std::array<uint32_t, N>, N>;
template <size_t N>
using Vector = std::array<uint32_t, N>;

template <size_t N>
Matrix<N> MatMul(const Matrix<N>& a, const Matrix<N>& b) {
  Matrix<N> c{};
  for (size_t i = 0; i < N; ++i) {
    for (size_t j = 0; j < N; ++j) {
      Sum128 acc;
      for (size_t k = 0; k < N; ++k) acc.Add(uint64_t{a[i][k]} * b[k][j]);
      c[i][j] = acc.Reduce();
    }
  }
  return c;
}

template <size_t N>
Vector<N> MatVec(const Matrix<N>& a, const Vector<N>& x) {
  Vector<N> y{};
  for (size_t i = 0; i < N; ++i) {
    Sum128 acc;
    for (size_t k = 0; k < N; ++k) acc.Add(uint64_t{a[i][k]} * x[k]);
    y[i] = acc.Reduce();
  }
  return y;
}

// Row vector times matrix.
template <size_t N>
Vector<N> VecMat(const Vector<N>& x, const Matrix<N>& a) {
  Vector<N> y{};
  for (size_t j = 0; j < N; ++j) {
    Sum128 acc;
    for (size_t k = 0; k < N; ++k) acc.Add(uint64_t{x[k]} * a[k][j]);
    y[j] = acc.Reduce();
  }
  return y;
}

template <size_t N>
Matrix<N> MatPow(Matrix<N> a, uint64_t e) {
  Matrix<N> result{};
  for (size_t i = 0; i < N; ++i) result[i][i] = 1;
  for (; e != 0; e >>= 1) {
    if (e & 1) result = MatMul(result, a);
    a = MatMul(a, a);
  }
  return result;
}

// Gauss-Jordan elimination. MDS matrices and all their square sub-blocks are
// invertible; anything else is a bug (Require).
template <size_t N>
Matrix<N> Invert(Matrix<N> a) {
  Matrix<N> inv{};
  for (size_t i = 0; i < N; ++i) inv[i][i] = 1;
  for (size_t col = 0; col < N; ++col) {
    size_t pivot = col;
    while (pivot < N && a[pivot][col] == 0) ++pivot;
    Require(pivot < N, "singular matrix");
    std::swap(a[pivot], a[col]);
    std::swap(inv[pivot], inv[col]);
    const uint32_t scale = kb::Inverse(a[col][col]);
    for (size_t k = 0; k < N; ++k) {
      a[col][k] = kb::Mul(a[col][k], scale);
      inv[col][k] = kb::Mul(inv[col][k], scale);
    }
    for (size_t row = 0; row < N; ++row) {
      if (row == col || a[row][col] == 0) continue;
      const uint32_t f = a[row][col];
      for (size_t k = 0; k < N; ++k) {
        a[row][k] = kb::Sub(a[row][k], kb::Mul(f, a[col][k]));
        inv[row][k] = kb::Sub(inv[row][k], kb::Mul(f, inv[col][k]));
      }
    }
  }
  return inv;
}

template <size_t W>
void BuildSchedule(const uint32_t* round_constants, const uint32_t* mds_row, Poseidon1Schedule<W>& s) {
  constexpr size_t kR = Poseidon1Schedule<W>::kPartialRounds;
  constexpr size_t kN = W - 1;  // size of the lower-right block M^

  Matrix<W> m{};
  for (size_t i = 0; i < W; ++i) {
    for (size_t j = 0; j < W; ++j) {
      m[i][j] = mds_row[(j + W - i) % W];
      s.mds[i][j] = m[i][j];
    }
  }
  auto rc = [&](size_t round, size_t j) { return round_constants[round * W + j]; };
  for (size_t r = 0; r < kHalf; ++r) {
    for (size_t j = 0; j < W; ++j) {
      s.full_rc[r][j] = rc(r, j);
      s.full_rc[kHalf + r][j] = rc(kHalf + kR + r, j);
    }
  }

  // Constants: walk back from the last partial round. `acc` is the constant vector of
  // partial round r with everything pushed back from later rounds; u = M^-1 acc splits
  // into u_0, added after round r - 1's S-box, and the rest, which joins round r - 1's
  // own constant (before its S-box).
  const Matrix<W> m_inv = Invert(m);
  Vector<W> acc{};
  for (size_t j = 0; j < W; ++j) acc[j] = rc(kHalf + kR - 1, j);
  s.partial_rc[kR - 1] = 0;
  for (size_t r = kR - 1; r >= 1; --r) {
    const Vector<W> u = MatVec(m_inv, acc);
    s.partial_rc[r - 1] = u[0];
    acc[0] = rc(kHalf + r - 1, 0);
    for (size_t j = 1; j < W; ++j) acc[j] = kb::Add(rc(kHalf + r - 1, j), u[j]);
  }
  for (size_t j = 0; j < W; ++j) s.first_partial_rc[j] = acc[j];

  // Matrices: partial round r = R-1-k uses row = m_row M^-(k+1), col = M^k m_col.
  Matrix<kN> m_hat{};
  for (size_t i = 0; i < kN; ++i) {
    for (size_t j = 0; j < kN; ++j) m_hat[i][j] = m[i + 1][j + 1];
  }
  const Matrix<kN> m_hat_inv = Invert(m_hat);
  Vector<kN> row{}, col{};
  for (size_t i = 0; i < kN; ++i) {
    row[i] = m[0][i + 1];
    col[i] = m[i + 1][0];
  }
  for (size_t k = 0; k + 1 < kR; ++k) {
    const size_t r = kR - 1 - k;
    row = VecMat(row, m_hat_inv);
    s.sparse_row[r - 1][0] = m[0][0];
    s.sparse_col[r - 1][0] = 0;
    for (size_t i = 0; i < kN; ++i) {
      s.sparse_row[r - 1][i + 1] = row[i];
      s.sparse_col[r - 1][i + 1] = col[i];
    }
    col = MatVec(m_hat, col);
  }

  // D = diag(1, M^(R-1)) * M: row 0 of M, then M^(R-1) times rows 1.. of M.
  const Matrix<kN> m_hat_pow = MatPow(m_hat, kR - 1);
  for (size_t j = 0; j < W; ++j) {
    s.first_partial_mds[0][j] = m[0][j];
    for (size_t i = 0; i < kN; ++i) {
      Sum128 sum;
      for (size_t k = 0; k < kN; ++k) sum.Add(uint64_t{m_hat_pow[i][k]} * m[k + 1][j]);
      s.first_partial_mds[i + 1][j] = sum.Reduce();
    }
  }
}

// --- Scalar kernel -------------------------------------------------------------------
// The state is copied into a local array of 64-bit words: products need no widening,
// and the compiler can see that the state does not alias the tables, so values stay in
// registers instead of being reloaded after every store.

using Word = uint64_t;  // a canonical element, widened

inline Word Cube(Word x) { return kb::Reduce64(kb::Reduce64(x * x) * x); }
inline Word AddC(Word x, uint32_t c) { return kb::Add(static_cast<uint32_t>(x), c); }

// sum_j a[j] * x[j] mod p over canonical values, j in [kFirst, N). A product is below
// (p - 1)^2 < 2^62, so four of them sum without overflow; those partial sums go into a
// two-word total.
static_assert((uint64_t{kb::kP} - 1) * (kb::kP - 1) < (uint64_t{1} << 62));
template <size_t N, size_t kFirst = 0>
inline uint32_t DotMod(const uint32_t* a, const Word* x) {
  Sum128 sum;
#pragma GCC unroll 24
  for (size_t j = kFirst; j < N; j += 4) {
    uint64_t group = 0;
    for (size_t k = j; k < j + 4 && k < N; ++k) group += a[k] * x[k];
    sum.Add(group);
  }
  return sum.Reduce();
}

// x = m * x for a dense matrix of arbitrary entries.
template <size_t W>
inline void DenseMatVec(const uint32_t (&m)[W][W], Word (&x)[W]) {
  Word y[W];
  for (size_t i = 0; i < W; ++i) y[i] = DotMod<W>(m[i], x);
  for (size_t i = 0; i < W; ++i) x[i] = y[i];
}

// The width-16 MDS entries are at most 101 and a row sums to 371, so a row's products
// sum to less than 371 * 2^31 < 2^40: plain 64-bit sums, one reduction per row.
template <size_t W>
inline void SmallMdsMatVec(const uint32_t (&m)[W][W], Word (&x)[W]) {
  Word y[W];
  for (size_t i = 0; i < W; ++i) {
    uint64_t acc = 0;
#pragma GCC unroll 16
    for (size_t j = 0; j < W; ++j) acc += m[i][j] * x[j];
    y[i] = kb::Reduce64(acc);
  }
  for (size_t i = 0; i < W; ++i) x[i] = y[i];
}

template <size_t W>
inline void FullRound(const Poseidon1Schedule<W>& s, const uint32_t (&rc)[W], Word (&x)[W]) {
  for (size_t j = 0; j < W; ++j) x[j] = Cube(AddC(x[j], rc[j]));
  if constexpr (W == 16) {
    SmallMdsMatVec(s.mds, x);
  } else {
    DenseMatVec(s.mds, x);
  }
}

template <size_t W>
void PermuteScalar(const Poseidon1Schedule<W>& s, uint32_t* state) {
  Word x[W];
  for (size_t j = 0; j < W; ++j) x[j] = state[j];

  for (size_t r = 0; r < kHalf; ++r) FullRound(s, s.full_rc[r], x);

  for (size_t j = 0; j < W; ++j) x[j] = AddC(x[j], s.first_partial_rc[j]);
  x[0] = AddC(Cube(x[0]), s.partial_rc[0]);
  DenseMatVec(s.first_partial_mds, x);
  for (size_t r = 1; r < Poseidon1Schedule<W>::kPartialRounds; ++r) {
    const uint32_t(&row)[W] = s.sparse_row[r - 1];
    const uint32_t(&col)[W] = s.sparse_col[r - 1];
    // The products of the elements that are not cubed go first, so they can overlap
    // the cube's latency.
    const uint32_t rest = DotMod<W, 1>(row, x);
    const Word x0 = AddC(Cube(x[0]), s.partial_rc[r]);
#pragma GCC unroll 24
    for (size_t j = 1; j < W; ++j) x[j] = kb::Reduce64(col[j] * x0 + x[j]);  // < 2^62 + 2^31
    x[0] = kb::Reduce64(row[0] * x0 + rest);
  }

  for (size_t r = kHalf; r < 2 * kHalf; ++r) FullRound(s, s.full_rc[r], x);

  for (size_t j = 0; j < W; ++j) state[j] = static_cast<uint32_t>(x[j]);
}

}  // namespace

const Poseidon1Schedule<16>& Poseidon1Schedule16() {
  static const auto* const kSchedule = [] {
    auto* s = new Poseidon1Schedule<16>;
    uint64_t row_sum = 0;
    for (uint32_t e : kPoseidon1MdsRow16) row_sum += e;
    Require(row_sum < 512, "width-16 MDS entries too large for SmallMdsMatVec");
    BuildSchedule<16>(kPoseidon1RoundConstants16, kPoseidon1MdsRow16, *s);
    return s;
  }();
  return *kSchedule;
}

const Poseidon1Schedule<24>& Poseidon1Schedule24() {
  static const auto* const kSchedule = [] {
    auto* s = new Poseidon1Schedule<24>;
    BuildSchedule<24>(kPoseidon1RoundConstants24, kPoseidon1MdsRow24, *s);
    return s;
  }();
  return *kSchedule;
}

void Poseidon1Permute16Scalar(uint32_t state[16]) {
  PermuteScalar(Poseidon1Schedule16(), state);
}

void Poseidon1Permute24Scalar(uint32_t state[24]) {
  PermuteScalar(Poseidon1Schedule24(), state);
}

}  // namespace internal

// --- Dispatch ------------------------------------------------------------------------

namespace {

struct Kernels {
  void (*permute16)(uint32_t*);
  void (*permute24)(uint32_t*);
  void (*permute16xn)(uint32_t (*)[16]);
  void (*permute24xn)(uint32_t (*)[24]);
  const char* name;
  bool vectorised_batch;
};

void Permute16xNScalar(uint32_t states[kPoseidonLanes][16]) {
  for (size_t i = 0; i < kPoseidonLanes; ++i) internal::Poseidon1Permute16Scalar(states[i]);
}

void Permute24xNScalar(uint32_t states[kPoseidonLanes][24]) {
  for (size_t i = 0; i < kPoseidonLanes; ++i) internal::Poseidon1Permute24Scalar(states[i]);
}

constexpr Kernels kScalarKernels = {internal::Poseidon1Permute16Scalar, internal::Poseidon1Permute24Scalar,
                                    Permute16xNScalar, Permute24xNScalar, "scalar", false};
constexpr Kernels kAvx2Kernels = {internal::Poseidon1Permute16Avx2, internal::Poseidon1Permute24Avx2,
                                  internal::Poseidon1Permute16xNAvx2, internal::Poseidon1Permute24xNAvx2, "avx2",
                                  true};
constexpr Kernels kAvx512Kernels = {internal::Poseidon1Permute16Avx2, internal::Poseidon1Permute24Avx2,
                                    internal::Poseidon1Permute16xNAvx512, internal::Poseidon1Permute24xNAvx512,
                                    "avx512", true};

// Chosen once (CPUID and BEAM_POSEIDON_KERNEL), on first use.
const Kernels& Active() {
  static const Kernels kKernels = [] {
    const std::string_view name = internal::Poseidon1ChooseKernel(std::getenv("BEAM_POSEIDON_KERNEL"));
    if (name == "avx512") return kAvx512Kernels;
    if (name == "avx2") return kAvx2Kernels;
    return kScalarKernels;
  }();
  return kKernels;
}

}  // namespace

namespace internal {

const char* Poseidon1ChooseKernel(const char* requested) {
  const bool avx512 = CpuHasAvx512() && CpuHasAvx2();
  const bool avx2 = CpuHasAvx2();
  const std::string_view want = requested == nullptr ? "" : requested;
  if (want == "scalar") return "scalar";
  if (want == "avx2" && avx2) return "avx2";
  if (want == "avx512" && avx512) return "avx512";
  if (!want.empty() && want != "avx2" && want != "avx512") {
    std::fprintf(stderr, "poseidon1: unknown BEAM_POSEIDON_KERNEL=%s, ignored\n", requested);
  }
  // Unset, unknown or not supported here: the fastest this CPU can run.
  if (avx512) return "avx512";
  return avx2 ? "avx2" : "scalar";
}

}  // namespace internal

void Poseidon1Permute16(uint32_t state[16]) { Active().permute16(state); }
void Poseidon1Permute24(uint32_t state[24]) { Active().permute24(state); }
void Poseidon1Permute16xN(uint32_t states[kPoseidonLanes][16]) { Active().permute16xn(states); }
void Poseidon1Permute24xN(uint32_t states[kPoseidonLanes][24]) { Active().permute24xn(states); }
const char* Poseidon1Kernel() { return Active().name; }
bool Poseidon1BatchIsVectorised() { return Active().vectorised_batch; }

}  // namespace beam::crypto
