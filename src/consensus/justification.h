// 3SF-mini justification rules (leanSpec forks/lstar/slot.py, containers/state.py).

#ifndef BEAMCORE_CONSENSUS_JUSTIFICATION_H_
#define BEAMCORE_CONSENSUS_JUSTIFICATION_H_

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "consensus/config.h"
#include "consensus/types/state.h"

namespace beam::consensus {

// Floor of the square root of n, exact for every uint64 (no floating point).
uint64_t IntegerSqrt(uint64_t n);

// Whether `slot` may be justified given `finalized_slot`: its distance from the
// finalized slot is <= 5, a perfect square, or a pronic number x(x+1).
// Requires slot >= finalized_slot.
bool IsJustifiableAfter(Slot slot, Slot finalized_slot);

// Index of `slot` in the justified_slots bitfield, or nullopt for slots at or before
// the finalized boundary (implicitly justified).
std::optional<uint64_t> JustifiedIndexAfter(Slot slot, Slot finalized_slot);

// JustifiedSlots.is_slot_justified: JUSTIFIED_SLOT_OUT_OF_RANGE when `target` is past
// the tracked window.
absl::StatusOr<bool> IsSlotJustified(const JustifiedSlots& justified_slots, Slot finalized_slot,
                                     Slot target);

// JustifiedSlots.extend_to_slot: grows `bits` so that `target_slot` has an index.
// InvalidArgument if that would pass the list limit.
absl::Status ExtendJustifiedSlots(JustifiedSlots& bits, Slot finalized_slot, Slot target_slot);

// AttestationData.lies_on_chain: every checkpoint names the block the chain view
// (indexed by slot, zero root for empty slots) holds at its slot.
bool LiesOnChain(const AttestationData& data, const HistoricalBlockHashes& history);

}  // namespace beam::consensus

#endif  // BEAMCORE_CONSENSUS_JUSTIFICATION_H_
