// RejectionReason: why the spec rejects an input, with names equal to leanSpec's
// `RejectionReason` strings (forks/lstar/errors.py), carried inside absl::Status.

#ifndef BEAMCORE_CONSENSUS_REJECTION_H_
#define BEAMCORE_CONSENSUS_REJECTION_H_

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace beam::consensus {

#define BEAM_REJECTION_REASONS(X)  \
  X(BLOCK_SLOT_NOT_IN_FUTURE)      \
  X(BLOCK_OLDER_THAN_LATEST_HEADER) \
  X(BLOCK_SLOT_MISMATCH)           \
  X(PARENT_ROOT_MISMATCH)          \
  X(STATE_ROOT_MISMATCH)           \
  X(UNKNOWN_PARENT_BLOCK)          \
  X(PROPOSER_INDEX_OUT_OF_RANGE)   \
  X(EMPTY_VALIDATOR_REGISTRY)      \
  X(WRONG_PROPOSER)                \
  X(TOO_MANY_ATTESTATION_DATA)     \
  X(DUPLICATE_ATTESTATION_DATA)    \
  X(EMPTY_AGGREGATION_BITS)        \
  X(UNKNOWN_SOURCE_BLOCK)          \
  X(UNKNOWN_TARGET_BLOCK)          \
  X(UNKNOWN_HEAD_BLOCK)            \
  X(SOURCE_AFTER_TARGET)           \
  X(HEAD_OLDER_THAN_TARGET)        \
  X(SOURCE_SLOT_MISMATCH)          \
  X(TARGET_SLOT_MISMATCH)          \
  X(HEAD_SLOT_MISMATCH)            \
  X(SOURCE_NOT_ANCESTOR_OF_TARGET) \
  X(TARGET_NOT_ANCESTOR_OF_HEAD)   \
  X(ATTESTATION_TOO_FAR_IN_FUTURE) \
  X(ATTESTATION_SLOT_BEFORE_HEAD)  \
  X(VALIDATOR_NOT_IN_STATE)        \
  X(VALIDATOR_INDEX_OUT_OF_RANGE)  \
  X(JUSTIFIED_SLOT_OUT_OF_RANGE)   \
  X(INVALID_SIGNATURE)             \
  X(INVALID_BLOCK_PROOF)           \
  X(ANCHOR_STATE_ROOT_MISMATCH)    \
  X(DECODE_ERROR)

enum class RejectionReason {
#define BEAM_ENUM_ENTRY(name) k##name,
  BEAM_REJECTION_REASONS(BEAM_ENUM_ENTRY)
#undef BEAM_ENUM_ENTRY
};

// The spec's string, e.g. "WRONG_PROPOSER".
absl::string_view RejectionReasonName(RejectionReason reason);
std::optional<RejectionReason> ParseRejectionReason(absl::string_view name);

// An InvalidArgument status that carries `reason`; the message reads "REASON: message".
absl::Status Reject(RejectionReason reason, absl::string_view message);

// The reason carried by `status`, if it is a rejection made by Reject(). Any SSZ decode
// failure (an InvalidArgument with the "ssz decode" prefix) maps to DECODE_ERROR.
std::optional<RejectionReason> GetRejectionReason(const absl::Status& status);

}  // namespace beam::consensus

#endif  // BEAMCORE_CONSENSUS_REJECTION_H_
