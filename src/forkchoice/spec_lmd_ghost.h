// The spec's LMD-GHOST, ported line for line (leanSpec fork_choice.py
// _accumulate_ancestor_weights and _compute_lmd_ghost_head): every call re-walks
// every vote to the start slot and rebuilds the children map. It is the reference
// the proto-array is tested and benchmarked against, not the production path.
//
// Pure functions; thread-safe.

#ifndef BEAMCORE_FORKCHOICE_SPEC_LMD_GHOST_H_
#define BEAMCORE_FORKCHOICE_SPEC_LMD_GHOST_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "consensus/config.h"
#include "ssz/bytes.h"

namespace beam::forkchoice {

struct SpecBlock {
  ssz::Root parent_root;
  consensus::Slot slot = 0;
};
using SpecBlockTree = absl::flat_hash_map<ssz::Root, SpecBlock>;

// Votes credit their head and every ancestor above `start_slot`.
absl::flat_hash_map<ssz::Root, int64_t> SpecAccumulateWeights(const SpecBlockTree& blocks,
                                                              const std::vector<ssz::Root>& vote_heads,
                                                              consensus::Slot start_slot);

// Greedy descent from `start_root` to the heaviest child, ties to the larger root;
// with `min_score`, children below it are ignored. `start_root` must be in `blocks`.
ssz::Root SpecLmdGhostHead(const SpecBlockTree& blocks, const ssz::Root& start_root,
                           const std::vector<ssz::Root>& vote_heads, std::optional<int64_t> min_score = std::nullopt);

}  // namespace beam::forkchoice

#endif  // BEAMCORE_FORKCHOICE_SPEC_LMD_GHOST_H_
