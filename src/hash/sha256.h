// SHA-256 for SSZ merkleization, backed by BoringSSL (SHA-NI where the CPU has it).
// BoringSSL is loaded privately at run time (hash/boringssl.h).
//
// Thread-safe: all functions are pure. The compression counter is thread-local so
// benchmarks can report "hash compressions per call" without contention.

#ifndef BEAMCORE_HASH_SHA256_H_
#define BEAMCORE_HASH_SHA256_H_

#include <cstddef>
#include <cstdint>

namespace beam::hash {

inline constexpr size_t kSha256DigestSize = 32;

// out = SHA-256(data[0..len)).
void Sha256(const uint8_t* data, size_t len, uint8_t out[kSha256DigestSize]);

// out = SHA-256(left || right) for two 32-byte inputs: one Merkle node. `out` may
// alias either input. This is the hot path of hash_tree_root.
void Sha256Pair(const uint8_t left[32], const uint8_t right[32], uint8_t out[32]);

// out[32*i .. 32*i+32) = SHA-256(in[64*i .. 64*i+64)) for i < n: a whole Merkle layer
// at once (children contiguous, parents contiguous). `out` may equal `in` (a layer
// hashed in place into its first half); other overlaps are not allowed.
void Sha256Pairs(const uint8_t* in, uint8_t* out, size_t n);

// Number of Merkle-node hashes (Sha256Pair calls and Sha256Pairs messages) made by this thread since it
// started. Read before and after an operation to count its node hashes.
uint64_t NodeHashCount();

// Whether the SHA-NI kernel is in use (chosen once at start-up from CPUID).
bool UsingShaNi();

}  // namespace beam::hash

#endif  // BEAMCORE_HASH_SHA256_H_
