#include "consensus/rejection.h"

#include <array>

#include "absl/strings/cord.h"
#include "absl/types/optional.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace beam::consensus {
namespace {

constexpr absl::string_view kPayloadUrl = "beamcore/rejection-reason";

constexpr std::array kNames = {
#define BEAM_NAME_ENTRY(name) absl::string_view(#name),
    BEAM_REJECTION_REASONS(BEAM_NAME_ENTRY)
#undef BEAM_NAME_ENTRY
};

}  // namespace

absl::string_view RejectionReasonName(RejectionReason reason) {
  return kNames[static_cast<size_t>(reason)];
}

std::optional<RejectionReason> ParseRejectionReason(absl::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<RejectionReason>(i);
  }
  return std::nullopt;
}

absl::Status Reject(RejectionReason reason, absl::string_view message) {
  absl::Status status =
      absl::InvalidArgumentError(absl::StrCat(RejectionReasonName(reason), ": ", message));
  status.SetPayload(kPayloadUrl, absl::Cord(RejectionReasonName(reason)));
  return status;
}

std::optional<RejectionReason> GetRejectionReason(const absl::Status& status) {
  if (absl::optional<absl::Cord> payload = status.GetPayload(kPayloadUrl)) {
    return ParseRejectionReason(std::string(*payload));
  }
  if (status.code() == absl::StatusCode::kInvalidArgument &&
      absl::StartsWith(status.message(), "ssz decode")) {
    return RejectionReason::kDECODE_ERROR;
  }
  return std::nullopt;
}

}  // namespace beam::consensus
