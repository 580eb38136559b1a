// The versioned structs of the C ABI (common.h): the size each had in ABI 1.0, which
// is the smallest struct_size the library accepts, and how to read, write and
// initialize a host's struct whatever its struct_size. A host built against a newer
// header passes a larger struct (its extra fields are ignored); one built against an
// older 1.x header passes a smaller one (the fields it lacks read as zero, their
// defaults, and are never written).

#ifndef BEAMCORE_CAPI_STRUCT_VERSIONS_H_
#define BEAMCORE_CAPI_STRUCT_VERSIONS_H_

#include <algorithm>
#include <cstddef>
#include <cstring>

#include "beamcore/beamcore.h"

namespace beam::capi {

// Where `field` of `T` ends: the struct_size of a version whose last field it is.
#define BEAM_CAPI_FIELD_END(T, field) (offsetof(T, field) + sizeof(static_cast<T*>(nullptr)->field))

template <class T>
struct StructVersion;
#define BEAM_CAPI_FIRST_VERSION(T, last_field)                            \
  template <>                                                             \
  struct StructVersion<T> {                                               \
    static constexpr size_t kFirstSize = BEAM_CAPI_FIELD_END(T, last_field); \
  }
BEAM_CAPI_FIRST_VERSION(beam_network_vtable, request_block);
BEAM_CAPI_FIRST_VERSION(beam_clock_vtable, now_ms);
BEAM_CAPI_FIRST_VERSION(beam_crypto_vtable, merge_multi_message);
BEAM_CAPI_FIRST_VERSION(beam_log_sink, log);
BEAM_CAPI_FIRST_VERSION(beam_node_config, data_dir);
BEAM_CAPI_FIRST_VERSION(beam_node_health, faults);
BEAM_CAPI_FIRST_VERSION(beam_api_response, allow);
#undef BEAM_CAPI_FIRST_VERSION

// Until a 1.x appends a field, 1.0 is each whole struct. When one does, this check
// fails for that struct: keep its first size and read the new field only where the
// host's struct_size covers it (ReadStruct zeroes it otherwise).
template <class T>
constexpr bool kIsFirstVersion = StructVersion<T>::kFirstSize == sizeof(T);
static_assert(kIsFirstVersion<beam_network_vtable> && kIsFirstVersion<beam_clock_vtable> &&
              kIsFirstVersion<beam_crypto_vtable> && kIsFirstVersion<beam_log_sink> &&
              kIsFirstVersion<beam_node_health> && kIsFirstVersion<beam_api_response>);
// Appended fields: beam_node_config.storage_sync and verify_threads (1.2),
// serve_history_slots (1.3). Zero is each one's default.
static_assert(sizeof(beam_node_config) - BEAM_CAPI_FIELD_END(beam_node_config, serve_history_slots) <
              alignof(beam_node_config));  // the last field (then padding)

// True when `s` is non-NULL and at least as large as the struct's first version.
template <class T>
bool StructSizeOk(const T* s) {
  return s != nullptr && s->struct_size >= StructVersion<T>::kFirstSize;
}

// The host's struct at this build's size: what its struct_size covers, the rest zero.
// Requires StructSizeOk(&host).
template <class T>
T ReadStruct(const T& host) {
  T copy{};
  std::memcpy(&copy, &host, std::min(host.struct_size, sizeof copy));
  copy.struct_size = sizeof copy;
  return copy;
}

// Writes the fields of `value` that the host's struct covers into *out, keeping its
// struct_size. Requires StructSizeOk(out).
template <class T>
void WriteStruct(const T& value, T* out) {
  const size_t host_size = out->struct_size;
  constexpr size_t kHeader = sizeof(out->struct_size);
  std::memcpy(reinterpret_cast<unsigned char*>(out) + kHeader, reinterpret_cast<const unsigned char*>(&value) + kHeader,
              std::min(host_size, sizeof value) - kHeader);
}

// The _init functions: zeroes the host's `struct_size` bytes and sets struct_size.
// False (nothing written) for NULL or a size below the first version's.
template <class T>
bool InitStruct(T* s, size_t struct_size) {
  if (s == nullptr || struct_size < StructVersion<T>::kFirstSize) return false;
  std::memset(s, 0, struct_size);
  s->struct_size = struct_size;
  return true;
}

}  // namespace beam::capi

#endif  // BEAMCORE_CAPI_STRUCT_VERSIONS_H_
