// The Poseidon1 permutation over KoalaBear (leanSpec crypto/poseidon.py): S-box x^3,
// dense circulant MDS, 8 full rounds plus 20 (width 16) or 23 (width 24) partial rounds,
// no initial linear layer.
//
// States are canonical field elements (uint32 values below p). Pure functions;
// thread-safe. The implementation is chosen once, on first use: AVX-512 for the batched
// functions (AVX2 for the single-state ones) when the CPU has AVX-512 F/VL/DQ/BW, else
// AVX2 when it has that, else portable scalar; all give identical results. The
// environment variable BEAM_POSEIDON_KERNEL=avx512|avx2|scalar, read at that moment,
// forces a kernel (for tests and benchmarks); one this CPU cannot run is ignored.

#ifndef BEAMCORE_CRYPTO_POSEIDON1_H_
#define BEAMCORE_CRYPTO_POSEIDON1_H_

#include <cstddef>
#include <cstdint>

namespace beam::crypto {

inline constexpr size_t kPoseidonLanes = 8;  // states per batched call

// One permutation, in place.
void Poseidon1Permute16(uint32_t state[16]);
void Poseidon1Permute24(uint32_t state[24]);

// kPoseidonLanes independent permutations at once (the same result as calling the
// single-state function on each); states[i] is the i-th state.
void Poseidon1Permute16xN(uint32_t states[kPoseidonLanes][16]);
void Poseidon1Permute24xN(uint32_t states[kPoseidonLanes][24]);

// Which kernel the dispatching functions above use ("avx512", "avx2" or "scalar").
const char* Poseidon1Kernel();

// True when the xN functions run a vector kernel (a batch costs less than
// kPoseidonLanes single permutations); false when they loop the scalar kernel.
bool Poseidon1BatchIsVectorised();

}  // namespace beam::crypto

#endif  // BEAMCORE_CRYPTO_POSEIDON1_H_
