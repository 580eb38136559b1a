// The _init functions of the versioned structs (common.h), for hosts that cannot use
// the _INIT macros (FFI): the host passes its own sizeof, so a library newer than the
// host's header never writes past the host's struct.

#include "beamcore/beamcore.h"
#include "capi_internal.h"
#include "struct_versions.h"

namespace beam::capi {
namespace {

template <class T>
beam_status Init(T* s, size_t struct_size, const char* fn) {
  return Guard([&]() -> beam_status {
    if (InitStruct(s, struct_size)) return Ok();
    return Fail(BEAM_ERR_INVALID_ARGUMENT,
                std::string(fn) + (s == nullptr ? ": the struct is NULL" : ": struct_size is smaller than ABI 1.0's"));
  });
}

}  // namespace
}  // namespace beam::capi

extern "C" {

using beam::capi::Init;

BEAM_EXPORT beam_status beam_network_vtable_init(beam_network_vtable* vtable, size_t struct_size) {
  return Init(vtable, struct_size, "beam_network_vtable_init");
}

BEAM_EXPORT beam_status beam_clock_vtable_init(beam_clock_vtable* vtable, size_t struct_size) {
  return Init(vtable, struct_size, "beam_clock_vtable_init");
}

BEAM_EXPORT beam_status beam_crypto_vtable_init(beam_crypto_vtable* vtable, size_t struct_size) {
  return Init(vtable, struct_size, "beam_crypto_vtable_init");
}

BEAM_EXPORT beam_status beam_api_response_init(beam_api_response* response, size_t struct_size) {
  return Init(response, struct_size, "beam_api_response_init");
}

BEAM_EXPORT beam_status beam_node_health_init(beam_node_health* health, size_t struct_size) {
  return Init(health, struct_size, "beam_node_health_init");
}

BEAM_EXPORT beam_status beam_log_sink_init(beam_log_sink* sink, size_t struct_size) {
  const beam_status status = Init(sink, struct_size, "beam_log_sink_init");
  if (status == BEAM_OK) sink->max_level = BEAM_LOG_INFO;
  return status;
}

BEAM_EXPORT beam_status beam_node_config_init(beam_node_config* config, size_t struct_size) {
  const beam_status status = Init(config, struct_size, "beam_node_config_init");
  if (status != BEAM_OK) return status;
  config->chain_worker = 1;
  config->xmss_scheme = BEAM_XMSS_TEST;
  config->proof_mode = BEAM_PROOFS_MOCKED;
  return status;
}

}  // extern "C"
