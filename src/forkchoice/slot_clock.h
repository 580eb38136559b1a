// SlotClock: converts wall-clock time to consensus slots and intervals (leanSpec
// node/chain/clock.py SlotClock, spec/forks/lstar/containers/interval.py Interval).
//
// A SlotClock is a value holding only the genesis time. It never reads a clock
// itself: every method takes the current wall time `now_ms`, in milliseconds since
// the unix epoch, so the caller (the host's clock callback, a test) owns the time
// source. Slots last kMillisecondsPerSlot (4000 ms) and are split into
// kIntervalsPerSlot (5) intervals of kMillisecondsPerInterval (800 ms).
//
// All arithmetic is exact unsigned integer arithmetic on milliseconds (no floating
// point), so results never depend on rounding:
//   - Any time before genesis counts as genesis: slot 0, interval 0, 0 intervals.
//   - No method overflows silently. Genesis is compared as `now_ms / 1000 <
//     genesis_time`, so a genesis_time whose millisecond value does not fit in a
//     uint64 (past year ~584 million) is simply a genesis that is never reached.
//     Where a result itself cannot be represented it saturates at UINT64_MAX:
//     GenesisMilliseconds(), MillisecondsUntilNextInterval() before such a genesis,
//     and IntervalFromSlot() for slots above UINT64_MAX / kIntervalsPerSlot.
//
// Thread-safety: immutable after construction, so a SlotClock may be shared and
// used from any number of threads without synchronization.

#ifndef BEAMCORE_FORKCHOICE_SLOT_CLOCK_H_
#define BEAMCORE_FORKCHOICE_SLOT_CLOCK_H_

#include <cstdint>

#include "consensus/config.h"

namespace beam::forkchoice {

class SlotClock {
 public:
  // `genesis_time`: unix time, in seconds, at which slot 0 begins.
  explicit constexpr SlotClock(uint64_t genesis_time) : genesis_time_(genesis_time) {}

  constexpr uint64_t genesis_time() const { return genesis_time_; }

  // genesis_time * 1000, saturating at UINT64_MAX.
  uint64_t GenesisMilliseconds() const;

  // Milliseconds elapsed since genesis at `now_ms`; 0 at or before genesis.
  uint64_t MillisecondsSinceGenesis(uint64_t now_ms) const;

  // The slot `now_ms` falls in; 0 before genesis.
  consensus::Slot CurrentSlot(uint64_t now_ms) const;

  // The interval within the current slot, in [0, kIntervalsPerSlot); 0 before genesis.
  uint64_t CurrentInterval(uint64_t now_ms) const;

  // Whole intervals elapsed since genesis (the spec's Interval count); 0 before
  // genesis. Equals IntervalFromSlot(CurrentSlot(now_ms)) + CurrentInterval(now_ms).
  uint64_t TotalIntervals(uint64_t now_ms) const;

  // Milliseconds from `now_ms` to the next interval boundary: to genesis itself when
  // `now_ms` is before genesis (saturating at UINT64_MAX), and a full
  // kMillisecondsPerInterval when `now_ms` lies exactly on a boundary. Never 0.
  uint64_t MillisecondsUntilNextInterval(uint64_t now_ms) const;

  // The interval at which `slot` begins: slot * kIntervalsPerSlot, saturating at
  // UINT64_MAX for slots above UINT64_MAX / kIntervalsPerSlot.
  static uint64_t IntervalFromSlot(consensus::Slot slot);

  friend bool operator==(const SlotClock&, const SlotClock&) = default;

 private:
  // Whether `now_ms` is strictly before genesis, computed without overflow.
  bool BeforeGenesis(uint64_t now_ms) const;

  uint64_t genesis_time_;
};

}  // namespace beam::forkchoice

#endif  // BEAMCORE_FORKCHOICE_SLOT_CLOCK_H_
