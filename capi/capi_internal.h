// Helpers shared by the extern "C" layer: status conversion, the thread-local last
// error, argument checks, buffers. Nothing here crosses the ABI.

#ifndef BEAMCORE_CAPI_CAPI_INTERNAL_H_
#define BEAMCORE_CAPI_CAPI_INTERNAL_H_

#include <cstring>
#include <exception>
#include <string>

#include "absl/status/status.h"
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

// A struct's struct_size must cover at least the fields this build knows.
template <class T>
bool StructSizeOk(const T* s, size_t known) {
  return s != nullptr && s->struct_size >= known;
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
