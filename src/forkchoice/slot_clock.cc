#include "forkchoice/slot_clock.h"

#include <limits>

namespace beam::forkchoice {
namespace {

using consensus::kIntervalsPerSlot;
using consensus::kMillisecondsPerInterval;
using consensus::kMillisecondsPerSlot;

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
constexpr uint64_t kMillisecondsPerSecond = 1000;

static_assert(kMillisecondsPerInterval * kIntervalsPerSlot == kMillisecondsPerSlot,
              "a slot must be a whole number of intervals");

uint64_t SaturatingMul(uint64_t a, uint64_t b) {
  uint64_t out = 0;
  return __builtin_mul_overflow(a, b, &out) ? kMax : out;
}

uint64_t SaturatingAdd(uint64_t a, uint64_t b) {
  uint64_t out = 0;
  return __builtin_add_overflow(a, b, &out) ? kMax : out;
}

}  // namespace

uint64_t SlotClock::GenesisMilliseconds() const { return SaturatingMul(genesis_time_, kMillisecondsPerSecond); }

// now_ms < genesis_time * 1000  <=>  floor(now_ms / 1000) < genesis_time, and the
// right-hand side cannot overflow.
bool SlotClock::BeforeGenesis(uint64_t now_ms) const { return now_ms / kMillisecondsPerSecond < genesis_time_; }

uint64_t SlotClock::MillisecondsSinceGenesis(uint64_t now_ms) const {
  if (BeforeGenesis(now_ms)) return 0;
  // genesis_time <= now_ms / 1000, so genesis_time * 1000 <= now_ms: no overflow.
  return now_ms - genesis_time_ * kMillisecondsPerSecond;
}

consensus::Slot SlotClock::CurrentSlot(uint64_t now_ms) const {
  return MillisecondsSinceGenesis(now_ms) / kMillisecondsPerSlot;
}

uint64_t SlotClock::CurrentInterval(uint64_t now_ms) const {
  return MillisecondsSinceGenesis(now_ms) % kMillisecondsPerSlot / kMillisecondsPerInterval;
}

uint64_t SlotClock::TotalIntervals(uint64_t now_ms) const {
  return MillisecondsSinceGenesis(now_ms) / kMillisecondsPerInterval;
}

uint64_t SlotClock::MillisecondsUntilNextInterval(uint64_t now_ms) const {
  if (BeforeGenesis(now_ms)) {
    // genesis_time * 1000 - now_ms, written as (d - 1) * 1000 + (1000 - r) with
    // d = genesis_time - now_ms / 1000 >= 1 and r = now_ms % 1000, so that only the
    // final value (not an intermediate) can exceed a uint64; then it saturates.
    const uint64_t whole_seconds = genesis_time_ - now_ms / kMillisecondsPerSecond;
    const uint64_t into_second = now_ms % kMillisecondsPerSecond;
    return SaturatingAdd(SaturatingMul(whole_seconds - 1, kMillisecondsPerSecond),
                         kMillisecondsPerSecond - into_second);
  }
  return kMillisecondsPerInterval - MillisecondsSinceGenesis(now_ms) % kMillisecondsPerInterval;
}

uint64_t SlotClock::IntervalFromSlot(consensus::Slot slot) { return SaturatingMul(slot, kIntervalsPerSlot); }

}  // namespace beam::forkchoice
