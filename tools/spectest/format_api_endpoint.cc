// The "api_endpoint" format: the lean HTTP API and /metrics (leanSpec
// consensus_testing/test_fixtures/api_endpoint.py). Each case names a request
// (endpoint, method, optional requestBody) against a node built from genesisParams
// with initialIsAggregator, and the expected status code, content type and body.
//
// The node is built as the filler built its store (genesis.py build_anchor, then
// create_store with no validator identity): the genesis state of numValidators
// validators with the spec's pre-generated test-scheme keys (test_keys.h) at
// genesisTime, its block rebuilt from the state's header, then one empty block per slot
// up to anchorSlot built by the proposer of each slot (build_block with only the parent
// known), and the last (state, block) pair is the anchor. The request goes through
// beam_api_handle, the C function hosts call. Bodies are compared by content type:
// JSON as parsed values, SSZ (application/octet-stream) as bytes against the hex
// string, and for /metrics every name of expectedBody.required_metric_names must be
// an exported family (a # TYPE line and at least one sample).

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "beamcore/beamcore.h"
#include "consensus/state_transition.h"
#include "ssz/codec.h"
#include "ssz/container.h"
#include "tools/spectest/compare.h"
#include "tools/spectest/json_ssz.h"
#include "tools/spectest/runner.h"
#include "tools/spectest/test_keys.h"
#include "validator/block_builder.h"

namespace beam::spectest {
namespace {

struct Anchor {
  consensus::State state;
  consensus::Block block;
};

// genesis.py build_anchor(num_validators, anchor_slot, genesis_time, keyed=True).
absl::StatusOr<Anchor> BuildAnchor(uint64_t num_validators, uint64_t anchor_slot, uint64_t genesis_time) {
  absl::StatusOr<std::vector<consensus::Validator>> validators = TestSchemeValidators(num_validators);
  if (!validators.ok()) return validators.status();
  Anchor a{consensus::GenerateGenesis(genesis_time, *validators), {}};
  // reconstruct_block_from_header.
  a.block.slot = a.state.latest_block_header.slot;
  a.block.proposer_index = a.state.latest_block_header.proposer_index;
  a.block.parent_root = a.state.latest_block_header.parent_root;
  a.block.state_root = ssz::HashTreeRoot(a.state);
  for (uint64_t slot = 1; slot <= anchor_slot; ++slot) {
    const ssz::Root parent_root = ssz::HashTreeRoot(a.block);
    validator::BlockBuildInputs in;
    in.pre_state = &a.state;
    in.slot = slot;
    in.proposer_index = slot % num_validators;  // ValidatorIndex.proposer_for_slot
    in.parent_root = parent_root;
    in.is_known_block = [&](const ssz::Root& r) { return r == parent_root; };
    absl::StatusOr<validator::BuiltBlock> built = validator::BuildBlock(in);
    if (!built.ok()) return built.status();
    a.block = std::move(built->block);
    a.state = std::move(built->post_state);
  }
  return a;
}

// A node over `anchor` (memory only, no chain thread, mocked proofs as the fixtures'
// proofSetting 0), released with beam_node_destroy.
using NodePtr = std::unique_ptr<beam_node, void (*)(beam_node*)>;
absl::StatusOr<NodePtr> MakeNode(const Anchor& anchor, bool is_aggregator) {
  const ssz::ByteVec state = ssz::Encode(anchor.state);
  const ssz::ByteVec block = ssz::Encode(anchor.block);
  beam_node_config config = BEAM_NODE_CONFIG_INIT;
  config.anchor_state_ssz = state.data();
  config.anchor_state_len = state.size();
  config.anchor_block_ssz = block.data();
  config.anchor_block_len = block.size();
  config.is_aggregator = is_aggregator ? 1 : 0;
  config.chain_worker = 0;
  config.xmss_scheme = BEAM_XMSS_TEST;
  config.proof_mode = BEAM_PROOFS_MOCKED;
  beam_node* node = nullptr;
  if (beam_node_create(&config, &node) != BEAM_OK) {
    return absl::InternalError(absl::StrCat("beam_node_create: ", beam_last_error()));
  }
  return NodePtr(node, beam_node_destroy);
}

struct Response {
  int status = 0;
  std::string content_type;
  std::string body;
};

absl::StatusOr<Response> Send(beam_node* node, const std::string& method, const std::string& path,
                              const std::string& body) {
  beam_api_response out = BEAM_API_RESPONSE_INIT;
  if (beam_api_handle(node, method.c_str(), path.c_str(), reinterpret_cast<const uint8_t*>(body.data()), body.size(),
                      &out) != BEAM_OK) {
    return absl::InternalError(absl::StrCat("beam_api_handle: ", beam_last_error()));
  }
  Response r{out.status_code,
             std::string(reinterpret_cast<const char*>(out.content_type.data), out.content_type.len),
             std::string(reinterpret_cast<const char*>(out.body.data), out.body.len)};
  beam_api_response_free(&out);
  return r;
}

// Prometheus text: families with a # TYPE line and at least one sample.
std::set<std::string> ExportedFamilies(const std::string& text) {
  std::map<std::string, std::string> types;  // family -> type
  std::set<std::string> sampled;             // sample names
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    if (absl::ConsumePrefix(&line, "# TYPE ")) {
      std::vector<std::string> parts = absl::StrSplit(line, ' ');
      if (parts.size() == 2) types[parts[0]] = parts[1];
      continue;
    }
    if (absl::StartsWith(line, "#")) continue;
    sampled.insert(std::string(line.substr(0, line.find_first_of("{ "))));
  }
  std::set<std::string> out;
  for (const auto& [family, type] : types) {
    bool has_sample = sampled.count(family) != 0;
    if (type == "histogram" || type == "summary") {
      for (const char* suffix : {"_bucket", "_sum", "_count"}) has_sample |= sampled.count(family + suffix) != 0;
    }
    if (has_sample) out.insert(family);
  }
  return out;
}

std::string BodyDifference(const std::string& content_type, const Json& expected, const std::string& got) {
  if (content_type == "application/json") {
    const Json parsed = Json::parse(got, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) return absl::StrCat("body is not JSON: ", got);
    if (parsed != expected) return absl::StrCat("body: expected ", expected.dump(), ", got ", parsed.dump());
    return "";
  }
  if (content_type == "application/octet-stream") {
    absl::StatusOr<ssz::ByteVec> want = ParseHex(expected);
    if (!want.ok()) return absl::StrCat("expectedBody: ", want.status().message());
    const ssz::ByteView have(reinterpret_cast<const uint8_t*>(got.data()), got.size());
    if (std::string diff = FirstByteDifference(*want, have); !diff.empty()) return absl::StrCat("body: ", diff);
    return "";
  }
  if (absl::StartsWith(content_type, "text/plain; version=0.0.4")) {
    if (!expected.is_object() || !expected.contains("required_metric_names") ||
        !expected["required_metric_names"].is_array() || expected.size() != 1) {
      return absl::StrCat("unknown metrics expectation: ", expected.dump());
    }
    const std::set<std::string> exported = ExportedFamilies(got);
    std::vector<std::string> missing;
    for (const Json& name : expected["required_metric_names"]) {
      if (!exported.count(name.get<std::string>())) missing.push_back(name.get<std::string>());
    }
    if (!missing.empty()) return absl::StrCat("metrics not exported: ", absl::StrJoin(missing, ", "));
    return "";
  }
  if (!expected.is_string()) return absl::StrCat("no rule to compare a ", content_type, " body with ", expected.dump());
  if (expected.get<std::string>() != got) return absl::StrCat("body: expected ", expected.dump(), ", got ", got);
  return "";
}

}  // namespace

CaseOutcome RunApiEndpointCase(const std::string& test_id, const Json& c) {
  const std::string endpoint = c.at("endpoint").get<std::string>();
  const std::string method = c.at("method").get<std::string>();

  // genesisParams, with the filler's defaults.
  const Json& params = c.at("genesisParams");
  for (const auto& [key, _] : params.items()) {
    if (key != "numValidators" && key != "genesisTime" && key != "anchorSlot") {
      return CaseOutcome::Fail(absl::StrCat("genesisParams has an unknown field ", key));
    }
  }
  absl::StatusOr<uint64_t> validators = ParseUint(params.value("numValidators", Json(4)));
  absl::StatusOr<uint64_t> genesis_time = ParseUint(params.value("genesisTime", Json(0)));
  absl::StatusOr<uint64_t> anchor_slot = ParseUint(params.value("anchorSlot", Json(0)));
  if (!validators.ok() || !genesis_time.ok() || !anchor_slot.ok()) {
    return CaseOutcome::Fail(absl::StrCat("genesisParams are not unsigned integers: ", params.dump()));
  }
  if (*validators == 0) return CaseOutcome::Fail("genesisParams.numValidators is 0");
  if (!c.at("initialIsAggregator").is_boolean()) return CaseOutcome::Fail("initialIsAggregator is not a boolean");

  absl::StatusOr<Anchor> anchor = BuildAnchor(*validators, *anchor_slot, *genesis_time);
  if (!anchor.ok()) return CaseOutcome::Fail(absl::StrCat("building the anchor: ", anchor.status().message()));
  absl::StatusOr<NodePtr> node = MakeNode(*anchor, c["initialIsAggregator"].get<bool>());
  if (!node.ok()) return CaseOutcome::Fail(std::string(node.status().message()));

  // The request body as the filler's client would send it: the JSON value, if any.
  std::string body;
  if (auto it = c.find("requestBody"); it != c.end() && !it->is_null()) body = it->dump();
  absl::StatusOr<Response> got = Send(node->get(), method, endpoint, body);
  if (!got.ok()) return CaseOutcome::Fail(std::string(got.status().message()));

  absl::StatusOr<uint64_t> want_status = ParseUint(c.at("expectedStatusCode"));
  if (!want_status.ok()) return CaseOutcome::Fail("expectedStatusCode is not an unsigned integer");
  const std::string want_type = c.at("expectedContentType").get<std::string>();
  const std::string request = absl::StrCat(method, " ", endpoint);
  if (static_cast<uint64_t>(got->status) != *want_status) {
    return CaseOutcome::Fail(absl::StrCat(request, ": status expected ", *want_status, ", got ", got->status,
                                          " (body ", got->body.substr(0, 200), ")"));
  }
  if (got->content_type != want_type) {
    return CaseOutcome::Fail(
        absl::StrCat(request, ": content type expected '", want_type, "', got '", got->content_type, "'"));
  }
  const Json expected = c.value("expectedBody", Json(nullptr));
  if (std::string diff = BodyDifference(want_type, expected, got->body); !diff.empty()) {
    return CaseOutcome::Fail(absl::StrCat(request, ": ", diff));
  }
  return CaseOutcome::Pass();
}

}  // namespace beam::spectest
