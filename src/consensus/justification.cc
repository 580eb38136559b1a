#include "consensus/justification.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "consensus/rejection.h"

namespace beam::consensus {

uint64_t IntegerSqrt(uint64_t n) {
  uint64_t r = static_cast<uint64_t>(std::sqrt(static_cast<long double>(n)));
  // Correct the floating-point estimate in integer arithmetic.
  while (r > 0 && (r > UINT32_MAX || r * r > n)) --r;
  while (r + 1 <= UINT32_MAX && (r + 1) * (r + 1) <= n) ++r;
  return r;
}

bool IsJustifiableAfter(Slot slot, Slot finalized_slot) {
  const uint64_t delta = slot - finalized_slot;
  if (delta <= kImmediateJustificationWindow) return true;
  const uint64_t root = IntegerSqrt(delta);
  if (root * root == delta) return true;
  // delta = x(x+1)  <=>  4*delta + 1 is an odd perfect square. 4*delta+1 can overflow
  // uint64 for huge deltas; x(x+1) = delta has x = floor(sqrt(delta)) in that case.
  return root * (root + 1) == delta;
}

std::optional<uint64_t> JustifiedIndexAfter(Slot slot, Slot finalized_slot) {
  if (slot <= finalized_slot) return std::nullopt;
  return slot - finalized_slot - 1;
}

absl::StatusOr<bool> IsSlotJustified(const JustifiedSlots& justified_slots, Slot finalized_slot,
                                     Slot target) {
  const std::optional<uint64_t> index = JustifiedIndexAfter(target, finalized_slot);
  if (!index.has_value()) return true;
  if (*index >= justified_slots.size()) {
    return Reject(RejectionReason::kJUSTIFIED_SLOT_OUT_OF_RANGE,
                  absl::StrCat("slot ", target, " is outside the tracked range (finalized ",
                               finalized_slot, ", tracked ", justified_slots.size(), ")"));
  }
  return justified_slots.Get(*index);
}

absl::Status ExtendJustifiedSlots(JustifiedSlots& bits, Slot finalized_slot, Slot target_slot) {
  const std::optional<uint64_t> index = JustifiedIndexAfter(target_slot, finalized_slot);
  if (!index.has_value() || *index < bits.size()) return absl::OkStatus();
  if (*index >= JustifiedSlots::kLimit) {
    return absl::InvalidArgumentError(absl::StrCat("justified_slots would exceed its limit at slot ",
                                                   target_slot));
  }
  bits.Resize(*index + 1);
  return absl::OkStatus();
}


bool LiesOnChain(const AttestationData& data, const HistoricalBlockHashes& history) {
  if (data.source.root.IsZero() || data.target.root.IsZero() || data.head.root.IsZero()) return false;
  const uint64_t n = history.size();
  if (data.source.slot >= n || data.target.slot >= n || data.head.slot >= n) return false;
  return data.source.root == history[data.source.slot] && data.target.root == history[data.target.slot] &&
         data.head.root == history[data.head.slot];
}

}  // namespace beam::consensus
