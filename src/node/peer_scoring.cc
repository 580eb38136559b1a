#include "node/peer_scoring.h"

#include "consensus/rejection.h"

namespace beam::node {

using consensus::RejectionReason;

std::optional<PeerAction> VotePenalty(const absl::Status& outcome) {
  if (outcome.ok()) return std::nullopt;
  const std::optional<RejectionReason> reason = consensus::GetRejectionReason(outcome);
  if (!reason) return std::nullopt;  // our own failure, not the peer's
  switch (*reason) {
    case RejectionReason::kUNKNOWN_SOURCE_BLOCK:
    case RejectionReason::kUNKNOWN_TARGET_BLOCK:
    case RejectionReason::kUNKNOWN_HEAD_BLOCK:        // we may not have the block yet
    case RejectionReason::kATTESTATION_TOO_FAR_IN_FUTURE:  // clock skew
      return std::nullopt;
    default:
      return PeerAction::kLowTolerance;  // signatures, slots, ancestry: provably invalid
  }
}

std::optional<PeerAction> BlockPenalty(const absl::Status& outcome) {
  if (outcome.ok()) return std::nullopt;
  // Late blocks (at or below the finalized slot) are not the sender's fault.
  if (absl::IsFailedPrecondition(outcome)) return std::nullopt;
  const std::optional<RejectionReason> reason = consensus::GetRejectionReason(outcome);
  if (reason == RejectionReason::kUNKNOWN_PARENT_BLOCK) return std::nullopt;
  return PeerAction::kLowTolerance;
}

}  // namespace beam::node
