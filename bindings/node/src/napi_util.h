// Small helpers over N-API for the addon: argument reading with JS-side type errors,
// BeamError throwing (message, `code` = the status name, `status` = the number), and
// Buffer creation. Every helper returns false / nullptr with a pending JS exception on
// failure; callers return nullptr to JS at once.

#ifndef BEAMCORE_BINDINGS_NODE_NAPI_UTIL_H_
#define BEAMCORE_BINDINGS_NODE_NAPI_UTIL_H_

#define NAPI_VERSION 8
#include <node_api.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "beamcore/common.h"

namespace beamnode {

// A pending exception when `status` failed; true when it succeeded.
bool NapiOk(napi_env env, napi_status status, const char* what);

// Throws a BeamError for a failed beam_* call (beam_last_error() of this thread).
void ThrowBeam(napi_env env, const char* function, beam_status status);
void ThrowType(napi_env env, const std::string& message);
void ThrowRange(napi_env env, const std::string& message);

// The call's arguments; throws a TypeError when fewer than `want` were passed.
bool Args(napi_env env, napi_callback_info info, size_t want, napi_value* argv, napi_value* self = nullptr,
          void** data = nullptr);

// A view of a Buffer / Uint8Array argument (valid during the call).
struct Bytes {
  const uint8_t* data = nullptr;
  size_t len = 0;
};
bool GetBytes(napi_env env, napi_value value, const char* name, Bytes* out);
// Exactly `len` bytes (a root, a key).
bool GetFixedBytes(napi_env env, napi_value value, const char* name, size_t len, const uint8_t** out);
// A non-negative safe-integer Number or a BigInt below 2^64.
bool GetU64(napi_env env, napi_value value, const char* name, uint64_t* out);
bool GetI32(napi_env env, napi_value value, const char* name, int32_t* out);
bool GetString(napi_env env, napi_value value, const char* name, std::string* out);
bool IsNullish(napi_env env, napi_value value);
// Reads property `name` of `object` (undefined when missing).
napi_value GetProperty(napi_env env, napi_value object, const char* name);

// New JS values (nullptr with a pending exception on failure).
napi_value CopyBuffer(napi_env env, const uint8_t* data, size_t len);
// Copies and frees `buffer`.
napi_value TakeBuffer(napi_env env, beam_buffer* buffer);
napi_value BigU64(napi_env env, uint64_t value);
napi_value Int(napi_env env, int64_t value);
napi_value String(napi_env env, const char* utf8);
napi_value Bool(napi_env env, bool value);
napi_value Undefined(napi_env env);
napi_value Null(napi_env env);
napi_value Object(napi_env env);
bool Set(napi_env env, napi_value object, const char* name, napi_value value);

}  // namespace beamnode

#endif  // BEAMCORE_BINDINGS_NODE_NAPI_UTIL_H_
