// The lean HTTP API (leanSpec node/api/: server.py routes, handlers.py, responses.py)
// as a transport-free request handler: a host's HTTP server passes the method, the
// request target and the body, and sends back the status, content type and body.
//
// Routes (JSON bodies are compact, with the spec's snake_case keys in its order):
//   GET  /lean/v0/health                {"status":"healthy","service":"lean-rpc-api"}
//   GET  /lean/v0/checkpoints/justified {"slot":N,"root":"0x.."}
//   GET  /lean/v0/states/finalized      the finalized state, SSZ (application/octet-stream)
//   GET  /lean/v0/blocks/finalized      the finalized SignedBlock, SSZ; 404 when the node
//                                       has none (an anchor it did not import)
//   GET  /lean/v0/fork_choice           {"nodes":[{"root","slot","parent_root",
//                                       "proposer_index","weight"}..],"head","justified",
//                                       "finalized","safe_target","validator_count"}
//   GET  /lean/v0/admin/aggregator      {"is_aggregator":B}
//   POST /lean/v0/admin/aggregator      body {"enabled":B} -> {"is_aggregator":B,"previous":B}
//   GET  /metrics                       Prometheus text (text/plain; version=0.0.4; charset=utf-8)
// HEAD is accepted wherever GET is (aiohttp's default) and answers without a body. An
// unknown path is 404, a known path with another method 405 (with the allowed
// methods), a malformed POST body 400; errors are JSON {"code":N,"message":"..."}.
// The admin routes are unauthenticated, as in the spec: hosts must restrict them.
//
// Thread-safe: handlers only use the chain's thread-safe reads and its aggregator
// switch, and the registry's rendering.

#ifndef BEAMCORE_API_LEAN_API_H_
#define BEAMCORE_API_LEAN_API_H_

#include <string>

#include "absl/strings/string_view.h"
#include "chain/beam_chain.h"
#include "metrics/registry.h"

namespace beam::api {

inline constexpr absl::string_view kJsonContentType = "application/json";
inline constexpr absl::string_view kSszContentType = "application/octet-stream";
inline constexpr absl::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

struct ApiResponse {
  int status = 200;
  std::string content_type;
  std::string body;
  std::string allow;  // 405 only: the methods the path accepts, e.g. "GET, HEAD, POST"
};

// What the handlers read. Both must outlive the call.
struct ApiSources {
  chain::BeamChain* chain = nullptr;
  const metrics::Registry* registry = nullptr;
};

// Answers one request. `target` is the request target in origin form (a query is
// ignored); `method` is case-sensitive, as HTTP methods are.
ApiResponse HandleLeanApi(const ApiSources& sources, absl::string_view method, absl::string_view target,
                          absl::string_view body);

}  // namespace beam::api

#endif  // BEAMCORE_API_LEAN_API_H_
