#include "napi_util.h"

#include <cmath>
#include <cstring>

namespace beamnode {

bool NapiOk(napi_env env, napi_status status, const char* what) {
  if (status == napi_ok) return true;
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) napi_throw_error(env, "BEAM_ERR_INTERNAL", (std::string("N-API call failed: ") + what).c_str());
  return false;
}

void ThrowBeam(napi_env env, const char* function, beam_status status) {
  const std::string message = std::string(function) + ": " + beam_last_error();
  napi_value msg = nullptr, code = nullptr, error = nullptr, number = nullptr, name = nullptr;
  if (napi_create_string_utf8(env, message.c_str(), message.size(), &msg) != napi_ok ||
      napi_create_string_utf8(env, beam_status_string(status), NAPI_AUTO_LENGTH, &code) != napi_ok ||
      napi_create_error(env, code, msg, &error) != napi_ok) {
    napi_throw_error(env, beam_status_string(status), message.c_str());
    return;
  }
  if (napi_create_int32(env, status, &number) == napi_ok) napi_set_named_property(env, error, "status", number);
  if (napi_create_string_utf8(env, "BeamError", NAPI_AUTO_LENGTH, &name) == napi_ok) {
    napi_set_named_property(env, error, "name", name);
  }
  const char* rejection = beam_last_rejection();
  napi_value reason = nullptr;
  if (rejection != nullptr && rejection[0] != '\0' &&
      napi_create_string_utf8(env, rejection, NAPI_AUTO_LENGTH, &reason) == napi_ok) {
    napi_set_named_property(env, error, "rejection", reason);
  }
  napi_throw(env, error);
}

void ThrowType(napi_env env, const std::string& message) { napi_throw_type_error(env, nullptr, message.c_str()); }
void ThrowRange(napi_env env, const std::string& message) { napi_throw_range_error(env, nullptr, message.c_str()); }

bool Args(napi_env env, napi_callback_info info, size_t want, napi_value* argv, napi_value* self, void** data) {
  size_t argc = want;
  if (!NapiOk(env, napi_get_cb_info(env, info, &argc, argv, self, data), "napi_get_cb_info")) return false;
  if (argc < want) {
    ThrowType(env, "expected " + std::to_string(want) + " arguments, got " + std::to_string(argc));
    return false;
  }
  return true;
}

bool GetBytes(napi_env env, napi_value value, const char* name, Bytes* out) {
  bool is_typed = false;
  if (napi_is_typedarray(env, value, &is_typed) == napi_ok && is_typed) {
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    if (napi_get_typedarray_info(env, value, &type, &length, &data, nullptr, nullptr) == napi_ok &&
        type == napi_uint8_array) {
      out->data = static_cast<const uint8_t*>(data);
      out->len = length;
      return true;
    }
  }
  ThrowType(env, std::string(name) + " must be a Buffer or Uint8Array");
  return false;
}

bool GetFixedBytes(napi_env env, napi_value value, const char* name, size_t len, const uint8_t** out) {
  Bytes bytes;
  if (!GetBytes(env, value, name, &bytes)) return false;
  if (bytes.len != len) {
    ThrowRange(env, std::string(name) + " must be " + std::to_string(len) + " bytes");
    return false;
  }
  *out = bytes.data;
  return true;
}

bool GetU64(napi_env env, napi_value value, const char* name, uint64_t* out) {
  napi_valuetype type;
  if (napi_typeof(env, value, &type) == napi_ok) {
    if (type == napi_bigint) {
      bool lossless = false;
      if (napi_get_value_bigint_uint64(env, value, out, &lossless) == napi_ok && lossless) return true;
    } else if (type == napi_number) {
      double d = 0;
      if (napi_get_value_double(env, value, &d) == napi_ok && d >= 0 && d <= 9007199254740991.0 &&
          std::floor(d) == d) {
        *out = static_cast<uint64_t>(d);
        return true;
      }
    }
  }
  ThrowType(env, std::string(name) + " must be a non-negative integer (Number or BigInt below 2^64)");
  return false;
}

bool GetI32(napi_env env, napi_value value, const char* name, int32_t* out) {
  napi_valuetype type;
  double d = 0;
  if (napi_typeof(env, value, &type) == napi_ok && type == napi_number && napi_get_value_double(env, value, &d) == napi_ok &&
      std::floor(d) == d && d >= INT32_MIN && d <= INT32_MAX) {
    *out = static_cast<int32_t>(d);
    return true;
  }
  ThrowType(env, std::string(name) + " must be a 32-bit integer");
  return false;
}

bool GetString(napi_env env, napi_value value, const char* name, std::string* out) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, value, nullptr, 0, &len) != napi_ok) {
    ThrowType(env, std::string(name) + " must be a string");
    return false;
  }
  std::string s(len + 1, '\0');
  if (!NapiOk(env, napi_get_value_string_utf8(env, value, s.data(), s.size(), &len), "napi_get_value_string_utf8")) {
    return false;
  }
  s.resize(len);
  if (s.find('\0') != std::string::npos) {
    ThrowType(env, std::string(name) + " must not contain NUL");
    return false;
  }
  *out = std::move(s);
  return true;
}

bool IsNullish(napi_env env, napi_value value) {
  napi_valuetype type = napi_undefined;
  if (value == nullptr || napi_typeof(env, value, &type) != napi_ok) return true;
  return type == napi_undefined || type == napi_null;
}

napi_value GetProperty(napi_env env, napi_value object, const char* name) {
  napi_value result = nullptr;
  if (napi_get_named_property(env, object, name, &result) != napi_ok) return nullptr;
  return result;
}

napi_value CopyBuffer(napi_env env, const uint8_t* data, size_t len) {
  napi_value result = nullptr;
  void* copy = nullptr;
  static const uint8_t kEmpty = 0;
  if (!NapiOk(env, napi_create_buffer_copy(env, len, data != nullptr ? data : &kEmpty, &copy, &result),
              "napi_create_buffer_copy")) {
    return nullptr;
  }
  return result;
}

napi_value TakeBuffer(napi_env env, beam_buffer* buffer) {
  napi_value result = CopyBuffer(env, buffer->data, buffer->len);
  beam_buffer_free(buffer);
  return result;
}

napi_value BigU64(napi_env env, uint64_t value) {
  napi_value result = nullptr;
  if (!NapiOk(env, napi_create_bigint_uint64(env, value, &result), "napi_create_bigint_uint64")) return nullptr;
  return result;
}

napi_value Int(napi_env env, int64_t value) {
  napi_value result = nullptr;
  if (!NapiOk(env, napi_create_int64(env, value, &result), "napi_create_int64")) return nullptr;
  return result;
}

napi_value String(napi_env env, const char* utf8) {
  napi_value result = nullptr;
  if (!NapiOk(env, napi_create_string_utf8(env, utf8 != nullptr ? utf8 : "", NAPI_AUTO_LENGTH, &result),
              "napi_create_string_utf8")) {
    return nullptr;
  }
  return result;
}

napi_value Bool(napi_env env, bool value) {
  napi_value result = nullptr;
  if (!NapiOk(env, napi_get_boolean(env, value, &result), "napi_get_boolean")) return nullptr;
  return result;
}

napi_value Undefined(napi_env env) {
  napi_value result = nullptr;
  napi_get_undefined(env, &result);
  return result;
}

napi_value Null(napi_env env) {
  napi_value result = nullptr;
  napi_get_null(env, &result);
  return result;
}

napi_value Object(napi_env env) {
  napi_value result = nullptr;
  if (!NapiOk(env, napi_create_object(env, &result), "napi_create_object")) return nullptr;
  return result;
}

bool Set(napi_env env, napi_value object, const char* name, napi_value value) {
  if (value == nullptr) return false;
  return NapiOk(env, napi_set_named_property(env, object, name, value), name);
}

}  // namespace beamnode
