// beam_api_handle / beam_api_response_free: the lean HTTP API (src/api/lean_api.h)
// over a node, for hosts that mount it on their own HTTP server.

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>

#include "api/lean_api.h"
#include "capi_internal.h"
#include "struct_versions.h"
#include "node_internal.h"

namespace {

using namespace beam;

// The fields this build fills: the whole first version of the struct.

// A copy of `s` with a trailing NUL that `len` does not count (empty: {NULL, 0}), in
// memory beam_buffer_free releases.
bool ToTextBuffer(const std::string& s, beam_buffer* out) {
  *out = beam_buffer{nullptr, 0};
  if (s.empty()) return true;
  auto* data = static_cast<uint8_t*>(std::malloc(s.size() + 1));
  if (data == nullptr) return false;
  std::memcpy(data, s.data(), s.size());
  data[s.size()] = 0;
  *out = beam_buffer{data, s.size()};
  return true;
}

void Clear(beam_api_response* out) {
  out->status_code = 0;
  out->content_type = beam_buffer{nullptr, 0};
  out->body = beam_buffer{nullptr, 0};
  out->allow = beam_buffer{nullptr, 0};
}

}  // namespace

extern "C" {

BEAM_EXPORT beam_status beam_api_handle(beam_node* node, const char* method, const char* path, const uint8_t* body,
                                        size_t body_len, beam_api_response* out) {
  return capi::Guard([&]() -> beam_status {
    if (!capi::StructSizeOk(out)) {
      return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_api_handle: out is NULL or its struct_size is too small");
    }
    Clear(out);
    if (node == nullptr || node->node == nullptr) {
      return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_api_handle: node is NULL");
    }
    if (method == nullptr || path == nullptr) {
      return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_api_handle: method or path is NULL");
    }
    absl::StatusOr<ssz::ByteView> body_bytes = capi::BytesArg(body, body_len, "body");
    if (!body_bytes.ok()) return capi::FailIn("beam_api_handle", body_bytes.status());
    const absl::string_view request_body(reinterpret_cast<const char*>(body_bytes->data()), body_bytes->size());
    const api::ApiResponse response =
        api::HandleLeanApi(api::ApiSources{&node->node->chain(), &node->node->registry()}, method, path, request_body);
    beam_api_response filled{};
    filled.struct_size = sizeof filled;
    filled.status_code = response.status;
    if (!ToTextBuffer(response.content_type, &filled.content_type) || !ToTextBuffer(response.body, &filled.body) ||
        !ToTextBuffer(response.allow, &filled.allow)) {
      beam_api_response_free(&filled);
      return capi::Fail(BEAM_ERR_RESOURCE_EXHAUSTED, "beam_api_handle: out of memory");
    }
    capi::WriteStruct(filled, out);
    return capi::Ok();
  });
}

BEAM_EXPORT void beam_api_response_free(beam_api_response* response) {
  if (response == nullptr) return;
  // Only the fields the host's struct has (beam_api_handle fills none of a smaller one).
  auto has = [&](size_t offset) { return response->struct_size >= offset + sizeof(beam_buffer); };
  if (has(offsetof(beam_api_response, content_type))) beam_buffer_free(&response->content_type);
  if (has(offsetof(beam_api_response, body))) beam_buffer_free(&response->body);
  if (has(offsetof(beam_api_response, allow))) beam_buffer_free(&response->allow);
}

}  // extern "C"
