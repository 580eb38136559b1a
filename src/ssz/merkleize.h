// SSZ merkleization primitives: zero-subtree table, merkleize with a limit, mix_in_length.
//
// Pure functions; thread-safe.

#ifndef BEAMCORE_SSZ_MERKLEIZE_H_
#define BEAMCORE_SSZ_MERKLEIZE_H_

#include <cstddef>
#include <cstdint>

#include "absl/types/span.h"
#include "ssz/bytes.h"

namespace beam::ssz {

inline constexpr size_t kBytesPerChunk = 32;
inline constexpr size_t kBitsPerChunk = 256;
inline constexpr int kMaxTreeDepth = 64;

// Root of a perfect binary tree of 2^depth zero chunks; depth in [0, 64].
const Root& ZeroHash(int depth);

// Parent node: SHA-256(left || right).
Root HashPair(const Root& left, const Root& right);

// Smallest d with 2^d >= n (0 for n <= 1).
int CeilLog2(uint64_t n);

// merkleize(chunks, limit) as the spec defines it: the tree width is next_pow2(limit)
// (next_pow2(len(chunks)) when limit_chunks < 0). Requires chunks.size() <= limit.
// Missing leaves use the zero-subtree table, so the cost is O(len + depth) hashes.
Root Merkleize(absl::Span<const Root> chunks, int64_t limit_chunks = -1);

// Same, over serialized bytes right-padded to whole chunks (pack).
Root MerkleizeBytes(ByteView bytes, int64_t limit_chunks = -1);

// Hashes `root` up through zero siblings from `from_depth` to `to_depth`: the root of
// a tree of 2^to_depth leaves whose leftmost 2^from_depth-leaf subtree is `root`.
Root ExtendWithZeros(Root root, int from_depth, int to_depth);

// SHA-256(root || uint256_le(length)).
Root MixInLength(const Root& root, uint64_t length);

}  // namespace beam::ssz

#endif  // BEAMCORE_SSZ_MERKLEIZE_H_
