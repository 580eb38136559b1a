// The one error every wire decoder reports for malformed input: a DECODE_ERROR
// rejection (consensus/rejection.h), which the C ABI returns as BEAM_ERR_DECODE.

#ifndef BEAMCORE_WIRE_DECODE_ERROR_H_
#define BEAMCORE_WIRE_DECODE_ERROR_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace beam::wire {

// A DECODE_ERROR rejection whose message reads "DECODE_ERROR: <message>".
absl::Status DecodeError(absl::string_view message);

// A DECODE_ERROR rejection for `cause` seen while decoding something larger:
// "DECODE_ERROR: <context>: <cause's message without its own DECODE_ERROR prefix>".
absl::Status DecodeError(absl::string_view context, const absl::Status& cause);

}  // namespace beam::wire

#endif  // BEAMCORE_WIRE_DECODE_ERROR_H_
