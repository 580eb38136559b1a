// Internals of the Poseidon1 permutation (see poseidon1.h), shared by poseidon1.cc
// (schedule, scalar kernels, dispatch), poseidon1_avx2.cc (AVX2 kernels),
// poseidon1_avx512.cc (AVX-512 batched kernels) and poseidon1_constants.cc (the spec's tables). The tests use it to run every kernel
// directly. Not part of the library's API.

#ifndef BEAMCORE_CRYPTO_POSEIDON1_INTERNAL_H_
#define BEAMCORE_CRYPTO_POSEIDON1_INTERNAL_H_

#include <cstddef>
#include <cstdint>

#include "crypto/poseidon1.h"

namespace beam::crypto::internal {

// --- The spec's parameters (poseidon1_constants.cc, generated) --------------------

// Round constants, `width` per round: 4 initial full rounds, the partial rounds, then
// 4 terminal full rounds.
extern const uint32_t kPoseidon1RoundConstants16[(8 + 20) * 16];
extern const uint32_t kPoseidon1RoundConstants24[(8 + 23) * 24];
// First rows of the circulant MDS matrices: C[i][j] = row[(j - i) mod width].
extern const uint32_t kPoseidon1MdsRow16[16];
extern const uint32_t kPoseidon1MdsRow24[24];

inline constexpr size_t kPoseidon1HalfFullRounds = 4;

template <size_t W>
inline constexpr size_t kPoseidon1PartialRounds = W == 16 ? 20 : 23;

// --- The permutation rearranged for speed ------------------------------------------
//
// The spec runs every round as AddRoundConstants, S-box, dense MDS multiply. Partial
// rounds cube only element 0, so most of their work is linear and can be regrouped
// (Poseidon paper, appendix B) without changing the permutation:
//
//  * Round constants. The constant c of a partial round is added right after the
//    previous round's matrix: M*z + c = M*(z + u) with u = M^-1 c. Of u, all but
//    element 0 commute with the previous round's S-box (which touches element 0 only)
//    and join that round's constant; u_0 stays behind, added to element 0 just after
//    that S-box. Walking back from the last partial round leaves one full vector
//    before the first partial S-box and one scalar after each partial S-box but the
//    last.
//  * Matrices. Write M = [[m00, r], [c, M^]] (M^ is the lower-right block). Then
//    M = S * diag(1, M^) with S = [[m00, r M^-1], [c, I]], a sparse matrix, and
//    diag(1, M^) commutes with the preceding S-box and scalar constant, so it moves
//    into the previous round's matrix (it also commutes with the scalar constant, which
//    is added to element 0 before it). Repeated from the last partial round back,
//    partial round k from the end (k = 0 is the last) uses
//      S_k = [[m00, r M^-(k+1)], [M^k c, I]],
//    and the first partial round uses the dense D = diag(1, M^(R-1)) * M.
//
// A sparse round costs 2W - 1 products instead of W^2.
template <size_t W>
struct Poseidon1Schedule {
  static constexpr size_t kWidth = W;
  static constexpr size_t kPartialRounds = kPoseidon1PartialRounds<W>;

  // The circulant MDS matrix, row-major (the full rounds' linear layer).
  uint32_t mds[W][W];
  // Round constants of the 4 initial, then the 4 terminal, full rounds.
  uint32_t full_rc[2 * kPoseidon1HalfFullRounds][W];
  // Added to the whole state before the first partial round's S-box.
  uint32_t first_partial_rc[W];
  // Added to element 0 right after the S-box of partial round r (the last is zero).
  uint32_t partial_rc[kPartialRounds];
  // The first partial round's matrix D, row-major.
  uint32_t first_partial_mds[W][W];
  // Partial rounds r = 1 .. R-1, after the S-box and constant:
  //   y0 = sum_j sparse_row[r - 1][j] * x_j   and   y_i = sparse_col[r - 1][i] * x_0 + x_i
  // for i >= 1 (sparse_col[..][0] is unused and zero).
  uint32_t sparse_row[kPartialRounds - 1][W];
  uint32_t sparse_col[kPartialRounds - 1][W];
};

// Built once, on first use, from the spec's tables (thread-safe).
const Poseidon1Schedule<16>& Poseidon1Schedule16();
const Poseidon1Schedule<24>& Poseidon1Schedule24();

// --- Kernels -------------------------------------------------------------------------
// Same contract as the functions in poseidon1.h.

// Portable.
void Poseidon1Permute16Scalar(uint32_t state[16]);
void Poseidon1Permute24Scalar(uint32_t state[24]);

// AVX2. Call only when CpuHasAvx2() (other x86 CPUs would fault on them; builds for other
// architectures forward them to the scalar kernels).
bool CpuHasAvx2();
void Poseidon1Permute16Avx2(uint32_t state[16]);
void Poseidon1Permute24Avx2(uint32_t state[24]);
void Poseidon1Permute16xNAvx2(uint32_t states[kPoseidonLanes][16]);
void Poseidon1Permute24xNAvx2(uint32_t states[kPoseidonLanes][24]);

// AVX-512 (F, VL, DQ, BW), batched only: with AVX-512 the single-state functions keep
// the AVX2 kernels (a single permutation is latency-bound). Call only when CpuHasAvx512() (builds
// for other architectures forward them to the scalar kernels).
bool CpuHasAvx512();
void Poseidon1Permute16xNAvx512(uint32_t states[kPoseidonLanes][16]);
void Poseidon1Permute24xNAvx512(uint32_t states[kPoseidonLanes][24]);

// The kernel the dispatching functions use for a BEAM_POSEIDON_KERNEL value
// (nullptr when unset): the requested one when this CPU can run it, else the fastest
// it can. Returns "avx512", "avx2" or "scalar".
const char* Poseidon1ChooseKernel(const char* requested);

}  // namespace beam::crypto::internal

#endif  // BEAMCORE_CRYPTO_POSEIDON1_INTERNAL_H_
