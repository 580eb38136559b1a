// beam_last_error, beam_last_rejection, beam_buffer_free.

#include <cstdlib>
#include <string>

#include "capi_internal.h"
#include "consensus/rejection.h"

namespace beam::capi {
namespace {

thread_local std::string last_error;
thread_local std::string last_rejection;

}  // namespace

beam_status Ok() {
  last_error.clear();
  last_rejection.clear();
  return BEAM_OK;
}

beam_status Fail(beam_status code, const std::string& message) {
  last_error = message;
  last_rejection.clear();
  return code;
}

beam_status FailIn(const char* fn, const absl::Status& status) {
  if (status.ok()) return Ok();
  const beam_status code = Fail(status);
  last_error = std::string(fn) + ": " + last_error;
  return code;
}

beam_status Fail(const absl::Status& status) {
  if (status.ok()) return Ok();
  std::optional<consensus::RejectionReason> reason = consensus::GetRejectionReason(status);
  beam_status code = BEAM_ERR_INTERNAL;
  if (reason == consensus::RejectionReason::kDECODE_ERROR) {
    code = BEAM_ERR_DECODE;
  } else if (reason.has_value()) {
    code = BEAM_ERR_REJECTED;
  } else {
    switch (status.code()) {
      case absl::StatusCode::kInvalidArgument:
        code = BEAM_ERR_INVALID_ARGUMENT;
        break;
      case absl::StatusCode::kNotFound:
        code = BEAM_ERR_NOT_FOUND;
        break;
      case absl::StatusCode::kUnavailable:
        code = BEAM_ERR_UNAVAILABLE;
        break;
      case absl::StatusCode::kFailedPrecondition:
        code = BEAM_ERR_FAILED_PRECONDITION;
        break;
      case absl::StatusCode::kResourceExhausted:
        code = BEAM_ERR_RESOURCE_EXHAUSTED;
        break;
      default:
        code = BEAM_ERR_INTERNAL;
    }
  }
  last_error = std::string(status.message());
  last_rejection = code == BEAM_ERR_REJECTED ? std::string(consensus::RejectionReasonName(*reason)) : std::string();
  return code;
}

beam_status ToBuffer(const ssz::ByteVec& bytes, beam_buffer* out) {
  if (out == nullptr) return Fail(BEAM_ERR_INVALID_ARGUMENT, "out buffer is NULL");
  out->data = nullptr;
  out->len = 0;
  if (!bytes.empty()) {
    out->data = static_cast<uint8_t*>(std::malloc(bytes.size()));
    if (out->data == nullptr) return Fail(BEAM_ERR_RESOURCE_EXHAUSTED, "out of memory");
    std::memcpy(out->data, bytes.data(), bytes.size());
    out->len = bytes.size();
  }
  return Ok();
}

}  // namespace beam::capi

extern "C" {

BEAM_EXPORT const char* beam_status_string(beam_status status) {
  switch (status) {
    case BEAM_OK:
      return "BEAM_OK";
    case BEAM_ERR_INVALID_ARGUMENT:
      return "BEAM_ERR_INVALID_ARGUMENT";
    case BEAM_ERR_DECODE:
      return "BEAM_ERR_DECODE";
    case BEAM_ERR_REJECTED:
      return "BEAM_ERR_REJECTED";
    case BEAM_ERR_NOT_FOUND:
      return "BEAM_ERR_NOT_FOUND";
    case BEAM_ERR_UNAVAILABLE:
      return "BEAM_ERR_UNAVAILABLE";
    case BEAM_ERR_FAILED_PRECONDITION:
      return "BEAM_ERR_FAILED_PRECONDITION";
    case BEAM_ERR_RESOURCE_EXHAUSTED:
      return "BEAM_ERR_RESOURCE_EXHAUSTED";
    case BEAM_ERR_INTERNAL:
      return "BEAM_ERR_INTERNAL";
  }
  return "BEAM_ERR_UNKNOWN";
}

BEAM_EXPORT const char* beam_last_error(void) { return beam::capi::last_error.c_str(); }
BEAM_EXPORT const char* beam_last_rejection(void) { return beam::capi::last_rejection.c_str(); }

BEAM_EXPORT void beam_buffer_free(beam_buffer* buffer) {
  if (buffer == nullptr) return;
  std::free(buffer->data);
  buffer->data = nullptr;
  buffer->len = 0;
}

}  // extern "C"
