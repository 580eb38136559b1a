// SHA-NI kernels for 64-byte SHA-256 messages (Merkle nodes). Internal to sha256.cc.
//
// A Merkle node is one data block plus a constant padding block; the padding block's
// message schedule is precomputed, and two independent nodes are hashed interleaved
// so the CPU's SHA units stay busy.

#ifndef BEAMCORE_HASH_SHA256_SHANI_H_
#define BEAMCORE_HASH_SHA256_SHANI_H_

#include <cstddef>
#include <cstdint>

namespace beam::hash::internal {

// True when the CPU has the SHA extensions (and SSE4.1) this kernel needs.
bool CpuHasShaNi();

// out[32*i .. 32*i+32) = SHA-256(in[64*i .. 64*i+64)) for i < n. `out` may alias `in`
// exactly as a Merkle layer does (out = in): each step reads its inputs before writing.
void Sha256x64ShaNi(const uint8_t* in, uint8_t* out, size_t n);

}  // namespace beam::hash::internal

#endif  // BEAMCORE_HASH_SHA256_SHANI_H_
