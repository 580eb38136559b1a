#include "api/lean_api.h"

#include <algorithm>
#include <exception>
#include <new>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_join.h"
#include "api/request_target.h"
#include "nlohmann/json.hpp"
#include "ssz/codec.h"
#include "ssz/container.h"

namespace beam::api {
namespace {

// Keys keep their insertion order: the spec's pydantic models dump fields in
// declaration order.
using Json = nlohmann::ordered_json;

ApiResponse JsonResponse(int status, const Json& body) {
  return ApiResponse{status, std::string(kJsonContentType), body.dump(), ""};
}

ApiResponse Error(int status, absl::string_view message) {
  Json body;
  body["code"] = status;
  body["message"] = std::string(message);
  return JsonResponse(status, body);
}

ApiResponse Bytes(const ssz::ByteVec& bytes) {
  return ApiResponse{200, std::string(kSszContentType), std::string(bytes.begin(), bytes.end()), ""};
}

Json CheckpointJson(const consensus::Checkpoint& c) {
  Json j;
  j["slot"] = c.slot;
  j["root"] = ssz::ToHex(c.root);
  return j;
}

// --- Handlers (leanSpec node/api/handlers.py) ---

ApiResponse Health(const ApiSources&, absl::string_view) {
  Json j;
  j["status"] = "healthy";
  j["service"] = "lean-rpc-api";
  return JsonResponse(200, j);
}

ApiResponse Metrics(const ApiSources& s, absl::string_view) {
  return ApiResponse{200, std::string(kMetricsContentType), s.registry->RenderText(), ""};
}

ApiResponse JustifiedCheckpoint(const ApiSources& s, absl::string_view) {
  return JsonResponse(200, CheckpointJson(s.chain->Justified()));
}

ApiResponse ForkChoice(const ApiSources& s, absl::string_view) {
  const chain::ForkChoiceTree tree = s.chain->GetForkChoiceTree();
  Json nodes = Json::array();
  for (const chain::ForkChoiceNode& n : tree.nodes) {
    Json node;
    node["root"] = ssz::ToHex(n.root);
    node["slot"] = n.slot;
    node["parent_root"] = ssz::ToHex(n.parent_root);
    node["proposer_index"] = n.proposer_index;
    node["weight"] = n.weight;
    nodes.push_back(std::move(node));
  }
  Json j;
  j["nodes"] = std::move(nodes);
  j["head"] = ssz::ToHex(tree.head);
  j["justified"] = CheckpointJson(tree.justified);
  j["finalized"] = CheckpointJson(tree.finalized);
  j["safe_target"] = ssz::ToHex(tree.safe_target);
  // A missing head state is null, not 0 ("no validators").
  j["validator_count"] = tree.validator_count.has_value() ? Json(*tree.validator_count) : Json(nullptr);
  return JsonResponse(200, j);
}

ApiResponse FinalizedState(const ApiSources& s, absl::string_view) {
  chain::BorrowedState borrow = s.chain->GetFinalizedState();
  chain::RcState state = borrow.share();
  borrow.Release();  // encode holding only the reference, never a chain lock
  if (state == nullptr) return Error(404, "Finalized state not available");
  return Bytes(ssz::Encode(*state));
}

ApiResponse FinalizedBlock(const ApiSources& s, absl::string_view) {
  std::optional<ssz::ByteVec> block = s.chain->GetBlockSsz(s.chain->Finalized().root);
  if (!block.has_value()) return Error(404, "Finalized signed block not available");
  return Bytes(*block);
}

ApiResponse AggregatorStatus(const ApiSources& s, absl::string_view) {
  Json j;
  j["is_aggregator"] = s.chain->IsAggregator();
  return JsonResponse(200, j);
}

ApiResponse AggregatorToggle(const ApiSources& s, absl::string_view body) {
  const Json request = Json::parse(body.begin(), body.end(), /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (request.is_discarded()) return Error(400, "Invalid JSON body");
  if (!request.is_object() || !request.contains("enabled")) return Error(400, "Missing 'enabled' field in body");
  // Only true/false: 0 and 1 are not booleans here, as in the spec.
  if (!request["enabled"].is_boolean()) return Error(400, "'enabled' must be a boolean");
  const bool enabled = request["enabled"].get<bool>();
  const bool previous = s.chain->SetAggregator(enabled);
  Json j;
  j["is_aggregator"] = enabled;
  j["previous"] = previous;
  return JsonResponse(200, j);
}

// --- Routing (leanSpec node/api/server.py) ---

using Handler = ApiResponse (*)(const ApiSources&, absl::string_view body);

struct Route {
  absl::string_view path;
  absl::string_view method;
  Handler handler;
};

constexpr Route kRoutes[] = {
    {"/lean/v0/health", "GET", Health},
    {"/lean/v0/states/finalized", "GET", FinalizedState},
    {"/lean/v0/blocks/finalized", "GET", FinalizedBlock},
    {"/lean/v0/checkpoints/justified", "GET", JustifiedCheckpoint},
    {"/lean/v0/fork_choice", "GET", ForkChoice},
    {"/metrics", "GET", Metrics},
    {"/lean/v0/admin/aggregator", "GET", AggregatorStatus},
    {"/lean/v0/admin/aggregator", "POST", AggregatorToggle},
};

}  // namespace

ApiResponse HandleLeanApi(const ApiSources& sources, absl::string_view method, absl::string_view target,
                          absl::string_view body) {
  const std::string path = RequestPath(target);
  // HEAD is answered wherever GET is, without the body.
  const bool head = method == "HEAD";
  std::set<std::string> allowed;  // sorted, for the Allow list
  for (const Route& route : kRoutes) {
    if (route.path != path) continue;
    allowed.insert(std::string(route.method));
    if (route.method == "GET") allowed.insert("HEAD");
    if (route.method != method && !(head && route.method == "GET")) continue;
    ApiResponse response;
    try {
      response = route.handler(sources, body);
    } catch (const std::bad_alloc&) {
      throw;  // the caller reports resource exhaustion
    } catch (const std::exception& e) {
      response = Error(500, std::string("Internal Server Error: ") + e.what());
    }
    if (head) response.body.clear();
    return response;
  }
  if (allowed.empty()) return Error(404, "Not Found");
  ApiResponse response = Error(405, "Method Not Allowed");
  response.allow = absl::StrJoin(allowed, ", ");
  return response;
}

}  // namespace beam::api
