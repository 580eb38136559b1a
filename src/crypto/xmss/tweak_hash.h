// The Poseidon-based hashing of generalized XMSS (leanSpec crypto/xmss/poseidon.py):
// compression and sponge modes, tweaks, Winternitz chains and Merkle nodes.
//
// Digests are 8 canonical KoalaBear elements. Pure functions; thread-safe.

#ifndef BEAMCORE_CRYPTO_XMSS_TWEAK_HASH_H_
#define BEAMCORE_CRYPTO_XMSS_TWEAK_HASH_H_

#include <array>
#include <cstddef>
#include <cstdint>

#include "absl/types/span.h"
#include "crypto/poseidon1.h"
#include "crypto/xmss/config.h"

namespace beam::crypto::xmss {

using Digest = std::array<uint32_t, kHashLengthFieldElements>;
using ParameterElems = std::array<uint32_t, kParameterLength>;

// Little-endian base-p limbs of a small integer (int_to_base_p); `value` must fit.
void IntToBaseP(unsigned __int128 value, uint32_t* limbs, size_t num_limbs);

// Poseidon compression: the first `out_len` elements of Permute(x) + x, where x is
// `in` zero-padded to `width` (16 or 24).
void Compress(absl::Span<const uint32_t> in, size_t width, uint32_t* out, size_t out_len);

// One Winternitz chain step: the chain tweak (epoch, chain_index, step) applied to `in`.
Digest ChainStep(const ParameterElems& parameter, uint64_t epoch, uint32_t chain_index, uint32_t step,
                 const Digest& in);

// hash_chain: `num_steps` steps from `start` (at step start_step).
Digest HashChain(const ParameterElems& parameter, uint64_t epoch, uint32_t chain_index, uint32_t start_step,
                 uint32_t num_steps, const Digest& start);

// A chain to advance in a batch: `digest` moves from `start_step` by `num_steps`.
struct ChainJob {
  uint32_t chain_index;
  uint32_t start_step;
  uint32_t num_steps;
  Digest digest;  // in: the start; out: the end
};

// HashChain for many chains of one epoch at once, kPoseidonLanes permutations at a time.
void HashChains(const ParameterElems& parameter, uint64_t epoch, absl::Span<ChainJob> jobs);

// A chain of any key and epoch, so that the chains of several signatures can share
// batches.
struct KeyedChainJob {
  const ParameterElems* parameter;  // not owned; must outlive the call
  uint64_t epoch;
  ChainJob chain;
};

// HashChains for chains of many keys and epochs at once; each job's `chain.digest`
// becomes HashChain(*parameter, epoch, ...) of that job.
void HashChains(absl::Span<KeyedChainJob> jobs);

// A Merkle node: the tree tweak (level, index) over left || right (width-24 compression).
Digest TreeNode(const ParameterElems& parameter, uint32_t level, uint64_t index, const Digest& left,
                const Digest& right);

// A Merkle leaf: the tree tweak (0, epoch) over the chain ends, sponge mode.
Digest TreeLeaf(const XmssConfig& config, const ParameterElems& parameter, uint64_t epoch,
                absl::Span<const Digest> chain_ends);

// One tree per lane (kPoseidonLanes lanes, one batched permutation per hash): lane l
// hashes under parameters[l]. Lanes nobody needs may hold any values.

// out[l] = TreeNode(parameters[l], level, indices[l], lefts[l], rights[l]).
void TreeNodes(const ParameterElems (&parameters)[kPoseidonLanes], uint32_t level,
               const uint64_t (&indices)[kPoseidonLanes], const Digest (&lefts)[kPoseidonLanes],
               const Digest (&rights)[kPoseidonLanes], Digest (&out)[kPoseidonLanes]);

// out[l] = TreeLeaf(config, parameters[l], epochs[l], lane l's chain ends), where
// `chain_ends` holds config.dimension ends per lane, lane after lane.
void TreeLeaves(const XmssConfig& config, const ParameterElems (&parameters)[kPoseidonLanes],
                const uint64_t (&epochs)[kPoseidonLanes], absl::Span<const Digest> chain_ends,
                Digest (&out)[kPoseidonLanes]);

}  // namespace beam::crypto::xmss

#endif  // BEAMCORE_CRYPTO_XMSS_TWEAK_HASH_H_
