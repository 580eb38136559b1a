// Chain constants of the Lstar fork (leanSpec forks/lstar/config.py, slot.py).

#ifndef BEAMCORE_CONSENSUS_CONFIG_H_
#define BEAMCORE_CONSENSUS_CONFIG_H_

#include <cstddef>
#include <cstdint>

namespace beam::consensus {

using Slot = uint64_t;
using ValidatorIndex = uint64_t;

inline constexpr uint64_t kIntervalsPerSlot = 5;
inline constexpr uint64_t kGossipDisparityIntervals = 1;
inline constexpr uint64_t kSecondsPerSlot = 4;
inline constexpr uint64_t kMillisecondsPerSlot = kSecondsPerSlot * 1000;
inline constexpr uint64_t kMillisecondsPerInterval = kMillisecondsPerSlot / kIntervalsPerSlot;
inline constexpr uint64_t kJustificationLookbackSlots = 3;
inline constexpr size_t kHistoricalRootsLimit = size_t{1} << 18;
inline constexpr uint64_t kAttestationCommitteeCount = 1;
inline constexpr size_t kValidatorRegistryLimit = size_t{1} << 12;
inline constexpr size_t kMaxAttestationsData = 8;
// The first slots after finalization are always justifiable (3SF-mini).
inline constexpr uint64_t kImmediateJustificationWindow = 5;
inline constexpr size_t kMaxProofBytes = 512 * 1024;  // ByteList512KiB

}  // namespace beam::consensus

#endif  // BEAMCORE_CONSENSUS_CONFIG_H_
