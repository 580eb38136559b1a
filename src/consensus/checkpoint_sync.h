// Checkpoint sync: structural checks on an anchor State downloaded from a checkpoint
// provider before it seeds a fork-choice store (leanSpec node/sync/checkpoint_sync.py
// verify_checkpoint_state).
//
// The state comes from an untrusted peer, so it is checked for the invariants the
// rest of the node relies on. Decoding the SSZ bytes (ssz::Decode<State>) already
// enforces the schema, including the registry's list limit; this check also guards
// states built or modified in memory.
//
// Thread-safety: a pure function of its argument; safe to call concurrently.

#ifndef BEAMCORE_CONSENSUS_CHECKPOINT_SYNC_H_
#define BEAMCORE_CONSENSUS_CHECKPOINT_SYNC_H_

#include "absl/status/status.h"
#include "consensus/types/state.h"

namespace beam::consensus {

// OK when `state` may serve as a checkpoint anchor. InvalidArgument when its
// validator registry is empty (no block could ever be proposed) or holds more than
// kValidatorRegistryLimit validators; the message names the violated invariant.
absl::Status VerifyCheckpointState(const State& state);

}  // namespace beam::consensus

#endif  // BEAMCORE_CONSENSUS_CHECKPOINT_SYNC_H_
