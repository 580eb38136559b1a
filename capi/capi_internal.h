// Helpers shared by the extern "C" layer: status conversion, the thread-local last
// error, argument checks, buffers. Nothing here crosses the ABI.

#ifndef BEAMCORE_CAPI_CAPI_INTERNAL_H_
#define BEAMCORE_CAPI_CAPI_INTERNAL_H_

#include <cstring>
#include <exception>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "beamcore/beamcore.h"
#include "ssz/bytes.h"

namespace beam::capi {

// Records `status` as this thread's last error and returns its beam_status.
beam_status Fail(const absl::Status& status);
beam_status Fail(beam_status code, const std::string& message);
// Fail(status) with "fn: " in front of the message, so the host sees which call failed.
beam_status FailIn(const char* fn, const absl::Status& status);
// Clears the last error; returns BEAM_OK.
beam_status Ok();

// Copies `bytes` into a freshly allocated beam_buffer.
beam_status ToBuffer(const ssz::ByteVec& bytes, beam_buffer* out);

// Clears an output buffer first, so that it is {NULL, 0} on every failure.
inline void ResetBuffer(beam_buffer* out) {
  if (out != nullptr) *out = beam_buffer{nullptr, 0};
}

// A host byte argument (common.h: NULL is accepted with length 0 and means empty) as a
// view; InvalidArgument "<what> is NULL" for NULL with a nonzero length.
inline absl::StatusOr<ssz::ByteView> BytesArg(const uint8_t* data, size_t len, const char* what) {
  if (data == nullptr && len != 0) return absl::InvalidArgumentError(std::string(what) + " is NULL");
  static const uint8_t kEmpty[1] = {0};
  return ssz::ByteView(data == nullptr ? kEmpty : data, len);
}

// The integer value of a C enum argument, read without loading it as the enum type:
// hosts may pass any int, and an out-of-range enum load is undefined behaviour.
template <class E>
int RawEnum(const E& e) {
  static_assert(sizeof(E) == sizeof(int), "C enums are int-sized");
  int v;
  std::memcpy(&v, &e, sizeof v);
  return v;
}

// Runs `fn` (returning beam_status) and turns any C++ exception into an error, so
// nothing unwinds across the C boundary.
template <class Fn>
beam_status Guard(Fn fn) noexcept {
  try {
    return fn();
  } catch (const std::bad_alloc&) {
    return Fail(BEAM_ERR_RESOURCE_EXHAUSTED, "out of memory");
  } catch (const std::exception& e) {
    return Fail(BEAM_ERR_INTERNAL, std::string("internal error: ") + e.what());
  } catch (...) {
    return Fail(BEAM_ERR_INTERNAL, "internal error");
  }
}

}  // namespace beam::capi

#endif  // BEAMCORE_CAPI_CAPI_INTERNAL_H_
