#include "wire/decode_error.h"

#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "consensus/rejection.h"

namespace beam::wire {

absl::Status DecodeError(absl::string_view message) {
  return consensus::Reject(consensus::RejectionReason::kDECODE_ERROR, message);
}

absl::Status DecodeError(absl::string_view context, const absl::Status& cause) {
  absl::string_view inner = cause.message();
  absl::ConsumePrefix(&inner, "DECODE_ERROR: ");
  return DecodeError(absl::StrCat(context, ": ", inner));
}

}  // namespace beam::wire
