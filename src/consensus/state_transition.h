// The Lstar state transition (leanSpec forks/lstar/state_transition.py).
//
// The in-place functions mutate `state`; when they return an error the state is left
// valid but partially updated, so a caller that needs the pre-state works on a copy
// (State copies share storage, see types/state.h). StateTransition() does exactly that.
// Signatures are verified outside, before the transition. Pure functions otherwise:
// thread-safe on distinct states.

#ifndef BEAMCORE_CONSENSUS_STATE_TRANSITION_H_
#define BEAMCORE_CONSENSUS_STATE_TRANSITION_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "consensus/types/block.h"
#include "consensus/types/state.h"

namespace beam::consensus {

// generate_genesis: empty history, zero checkpoints, the given registry.
State GenerateGenesis(uint64_t genesis_time, const std::vector<Validator>& validators);

// process_slots: advances through empty slots up to (excluding) target_slot, caching
// the pre-block state root in the latest header. BLOCK_SLOT_NOT_IN_FUTURE unless
// state.slot < target_slot.
absl::Status ProcessSlots(State& state, Slot target_slot);

// process_block_header: BLOCK_SLOT_MISMATCH, BLOCK_OLDER_THAN_LATEST_HEADER,
// EMPTY_VALIDATOR_REGISTRY, WRONG_PROPOSER, PARENT_ROOT_MISMATCH.
absl::Status ProcessBlockHeader(State& state, const Block& block);

// process_attestations: 3SF-mini justification and finalization.
// TOO_MANY_ATTESTATION_DATA, EMPTY_AGGREGATION_BITS, VALIDATOR_INDEX_OUT_OF_RANGE,
// JUSTIFIED_SLOT_OUT_OF_RANGE.
absl::Status ProcessAttestations(State& state, const AggregatedAttestations& attestations);

// process_block: header, then attestations.
absl::Status ProcessBlock(State& state, const Block& block);

// state_transition in place: slots, block, then STATE_ROOT_MISMATCH unless the block
// commits to the post-state root.
absl::Status ApplyStateTransition(State& state, const Block& block);

// state_transition on a copy: the pre-state is never modified.
absl::StatusOr<State> StateTransition(const State& pre, const Block& block);

}  // namespace beam::consensus

#endif  // BEAMCORE_CONSENSUS_STATE_TRANSITION_H_
