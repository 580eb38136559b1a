// The lean HTTP API: every route through beam_api_handle on a node fed a real chain,
// the HTTP error answers, the C argument checks, the aggregator switch changing what
// the chain does, and the metrics a node must export.

#include "api/lean_api.h"

#include <atomic>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "beamcore/beamcore.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "ssz/codec.h"
#include "tests/testing/chain_fixture.h"
#include "validator/block_builder.h"

namespace beam {
namespace {

using Json = nlohmann::json;

constexpr uint64_t kValidators = 4;

// leanSpec consensus_testing/test_fixtures/api_endpoint.py REQUIRED_METRIC_NAMES.
constexpr const char* kRequiredMetrics[] = {
    "lean_node_info",
    "lean_node_start_time_seconds",
    "lean_head_slot",
    "lean_current_slot",
    "lean_safe_target_slot",
    "lean_fork_choice_block_processing_time_seconds",
    "lean_attestations_valid_total",
    "lean_attestations_invalid_total",
    "lean_attestation_validation_time_seconds",
    "lean_fork_choice_reorgs_total",
    "lean_fork_choice_reorg_depth",
    "lean_attestation_aggregate_coverage_validators",
    "lean_attestation_aggregate_coverage_subnets",
    "lean_attestation_aggregate_coverage_diff_validators",
    "lean_latest_justified_slot",
    "lean_latest_finalized_slot",
    "lean_state_transition_time_seconds",
    "lean_validators_count",
    "lean_connected_peers",
};

struct Reply {
  beam_status status = BEAM_OK;
  int code = 0;
  std::string content_type, body, allow;
  Json json() const { return Json::parse(body); }
};

Reply Call(beam_node* node, const char* method, const char* path, const std::string& body = "") {
  beam_api_response out{};
  out.struct_size = sizeof out;
  Reply r;
  r.status = beam_api_handle(node, method, path, reinterpret_cast<const uint8_t*>(body.data()), body.size(), &out);
  r.code = out.status_code;
  auto text = [](const beam_buffer& b) { return std::string(reinterpret_cast<const char*>(b.data), b.len); };
  r.content_type = text(out.content_type);
  r.body = text(out.body);
  r.allow = text(out.allow);
  // Text fields are NUL-terminated for C hosts.
  if (out.content_type.data != nullptr) {
    EXPECT_EQ(out.content_type.data[out.content_type.len], 0);
  }
  if (out.allow.data != nullptr) {
    EXPECT_EQ(out.allow.data[out.allow.len], 0);
  }
  beam_api_response_free(&out);
  EXPECT_EQ(out.body.data, nullptr);
  return r;
}

std::string Hex(const ssz::Root& r) { return ssz::ToHex(r); }

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const ssz::ByteVec state = ssz::Encode(genesis_.state);
    const ssz::ByteVec block = ssz::Encode(genesis_.block);
    beam_node_config config = BEAM_NODE_CONFIG_INIT;
    config.anchor_state_ssz = state.data();
    config.anchor_state_len = state.size();
    config.anchor_block_ssz = block.data();
    config.anchor_block_len = block.size();
    config.validator_indices = local_;
    config.validator_count = 2;
    config.chain_worker = 0;
    config.xmss_scheme = BEAM_XMSS_TEST;
    config.proof_mode = BEAM_PROOFS_MOCKED;
    ASSERT_EQ(beam_node_create(&config, &node_), BEAM_OK) << beam_last_error();
  }
  void TearDown() override { beam_node_destroy(node_); }

  // Feeds `slots` slots of a produced chain (with a losing fork block every 5 slots).
  testing::ProducedChain FeedChain(uint64_t slots) {
    testing::ProducedChain input = testing::ProduceChain(genesis_, kValidators, slots, /*fork_every=*/5);
    for (uint64_t slot = 1; slot <= slots; ++slot) {
      EXPECT_EQ(beam_node_tick(node_, slot * 5), BEAM_OK);
      for (const auto& b : input.blocks) {
        if (b.block.slot != slot) continue;
        const ssz::ByteVec bytes = ssz::Encode(b);
        EXPECT_EQ(beam_node_on_gossip(node_, BEAM_TOPIC_BLOCK, bytes.data(), bytes.size(), nullptr), BEAM_OK) << beam_last_error();
      }
      EXPECT_EQ(beam_node_tick(node_, slot * 5 + 1), BEAM_OK);
      for (const auto& a : input.aggregates) {
        if (a.data.slot != slot) continue;
        const ssz::ByteVec bytes = ssz::Encode(a);
        EXPECT_EQ(beam_node_on_gossip(node_, BEAM_TOPIC_AGGREGATE, bytes.data(), bytes.size(), nullptr), BEAM_OK) << beam_last_error();
      }
      EXPECT_EQ(beam_node_tick(node_, slot * 5 + 4), BEAM_OK);
    }
    return input;
  }

  testing::Genesis genesis_ = testing::MakeGenesis(kValidators);
  const uint64_t local_[2] = {0, 1};
  beam_node* node_ = nullptr;
};

TEST_F(ApiTest, HealthIsTheSpecsFixedBody) {
  const Reply r = Call(node_, "GET", "/lean/v0/health");
  EXPECT_EQ(r.status, BEAM_OK);
  EXPECT_EQ(r.code, 200);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"status":"healthy","service":"lean-rpc-api"})");  // pydantic's field order, compact
  EXPECT_EQ(r.allow, "");
}

TEST_F(ApiTest, CheckpointsAndForkChoiceAtGenesis) {
  const std::string root = Hex(ssz::HashTreeRoot(genesis_.block));
  EXPECT_EQ(Call(node_, "GET", "/lean/v0/checkpoints/justified").body, R"({"slot":0,"root":")" + root + R"("})");
  const Reply r = Call(node_, "GET", "/lean/v0/fork_choice");
  EXPECT_EQ(r.code, 200);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"nodes":[{"root":")" + root +
                        R"(","slot":0,"parent_root":"0x0000000000000000000000000000000000000000000000000000000000000000",)"
                        R"("proposer_index":0,"weight":0}],"head":")" +
                        root + R"(","justified":{"slot":0,"root":")" + root + R"("},"finalized":{"slot":0,"root":")" +
                        root + R"("},"safe_target":")" + root + R"(","validator_count":4})");
}

TEST_F(ApiTest, FinalizedStateIsTheBorrowedFinalizedStateSsz) {
  for (int round = 0; round < 2; ++round) {
    const Reply r = Call(node_, "GET", "/lean/v0/states/finalized");
    EXPECT_EQ(r.code, 200);
    EXPECT_EQ(r.content_type, "application/octet-stream");
    beam_state_borrow* borrow = nullptr;
    ASSERT_EQ(beam_state_borrow_finalized(node_, &borrow), BEAM_OK);
    beam_buffer bytes{};
    ASSERT_EQ(beam_state_borrow_serialize(borrow, &bytes), BEAM_OK);
    EXPECT_EQ(r.body, std::string(reinterpret_cast<const char*>(bytes.data), bytes.len));
    beam_buffer_free(&bytes);
    beam_state_borrow_release(borrow);
    if (round == 0) FeedChain(16);  // again once the chain has finalized past genesis
  }
  beam_checkpoint finalized{};
  ASSERT_EQ(beam_node_finalized(node_, &finalized), BEAM_OK);
  EXPECT_GT(finalized.slot, 0u);
}

TEST_F(ApiTest, FinalizedBlockIsItsSignedBlockSszOnceImported) {
  // The genesis anchor was never imported as a signed block.
  Reply r = Call(node_, "GET", "/lean/v0/blocks/finalized");
  EXPECT_EQ(r.code, 404);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.json()["code"], 404);
  const testing::ProducedChain input = FeedChain(16);
  ASSERT_GT(input.finalized.slot, 0u);
  r = Call(node_, "GET", "/lean/v0/blocks/finalized");
  EXPECT_EQ(r.code, 200);
  EXPECT_EQ(r.content_type, "application/octet-stream");
  bool found = false;
  for (const auto& b : input.blocks) {
    if (ssz::HashTreeRoot(b.block) != input.finalized.root) continue;
    const ssz::ByteVec want = ssz::Encode(b);
    EXPECT_EQ(r.body, std::string(want.begin(), want.end()));
    found = true;
  }
  EXPECT_TRUE(found);
}

TEST_F(ApiTest, ForkChoiceTreeHasTheSpecsWeightsAndOrder) {
  const testing::ProducedChain input = FeedChain(16);
  const Json j = Call(node_, "GET", "/lean/v0/fork_choice").json();
  beam_checkpoint head{}, justified{}, finalized{};
  ASSERT_EQ(beam_node_head(node_, &head), BEAM_OK);
  ASSERT_EQ(beam_node_justified(node_, &justified), BEAM_OK);
  ASSERT_EQ(beam_node_finalized(node_, &finalized), BEAM_OK);
  auto hex = [](const uint8_t* r) { return ssz::ToHex(ssz::ByteView(r, 32)); };
  EXPECT_EQ(j["head"], hex(head.root));
  EXPECT_EQ(j["head"], Hex(input.head));
  EXPECT_EQ(j["justified"], (Json{{"slot", justified.slot}, {"root", hex(justified.root)}}));
  EXPECT_EQ(j["finalized"], (Json{{"slot", finalized.slot}, {"root", hex(finalized.root)}}));
  EXPECT_EQ(j["validator_count"], kValidators);
  ASSERT_TRUE(j["safe_target"].is_string());

  // Every node at or above the finalized slot, parents before children, the finalized
  // block first; the latest votes (every validator's, all on one block) weigh that
  // block and its ancestors above the finalized slot, and nothing else.
  const Json& nodes = j["nodes"];
  ASSERT_GE(nodes.size(), head.slot - finalized.slot + 1);
  EXPECT_EQ(nodes[0]["root"], hex(finalized.root));
  std::map<std::string, const Json*> by_root;
  for (const Json& n : nodes) {
    EXPECT_GE(n["slot"].get<uint64_t>(), finalized.slot);
    if (&n != &nodes[0]) {
      EXPECT_TRUE(by_root.count(n["parent_root"])) << n.dump();
    }
    by_root[n["root"]] = &n;
    EXPECT_EQ(n["proposer_index"], n["slot"].get<uint64_t>() % kValidators);  // the round-robin proposer
  }
  ASSERT_FALSE(input.aggregates.empty());
  const consensus::SignedAggregatedAttestation& latest = input.aggregates.back();
  ASSERT_EQ(latest.proof.participants.CountOnes(), kValidators);
  std::set<std::string> voted_chain;
  for (std::string r = Hex(latest.data.head.root); by_root.count(r); r = (*by_root[r])["parent_root"]) {
    voted_chain.insert(r);
  }
  ASSERT_GT(voted_chain.size(), 1u);
  for (const Json& n : nodes) {
    const bool counted = voted_chain.count(n["root"]) && n["slot"].get<uint64_t>() > finalized.slot;
    EXPECT_EQ(n["weight"], counted ? kValidators : 0) << n.dump();
  }
  // Field order is the spec's.
  EXPECT_EQ(Call(node_, "GET", "/lean/v0/fork_choice").body.rfind(R"({"nodes":[{"root":")", 0), 0u);
}

TEST_F(ApiTest, MetricsExportEveryRequiredFamily) {
  FeedChain(3);
  const Reply r = Call(node_, "GET", "/metrics");
  EXPECT_EQ(r.code, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  for (const char* name : kRequiredMetrics) {
    EXPECT_NE(r.body.find(std::string("# TYPE ") + name + " "), std::string::npos) << name;
  }
  EXPECT_NE(r.body.find("lean_node_info{name=\"libbeamcore\",version=\"" + std::string(beam_version_string()) + "\"} 1\n"),
            std::string::npos);
  EXPECT_NE(r.body.find("lean_validators_count 2\n"), std::string::npos);  // the node runs validators 0 and 1
  EXPECT_NE(r.body.find("lean_connected_peers 0\n"), std::string::npos);
  EXPECT_NE(r.body.find("lean_head_slot 3\n"), std::string::npos);
  // Blocks of slots 2 and 3 carried every validator's vote of the round before.
  EXPECT_NE(r.body.find("lean_attestation_aggregate_coverage_validators{section=\"block\",subnet=\"combined\"} 4\n"),
            std::string::npos);
  // The same text as beam_node_metrics_text.
  beam_buffer text{};
  ASSERT_EQ(beam_node_metrics_text(node_, &text), BEAM_OK);
  const std::string direct(reinterpret_cast<const char*>(text.data), text.len);
  beam_buffer_free(&text);
  EXPECT_NE(direct.find("lean_node_start_time_seconds "), std::string::npos);
  EXPECT_EQ(beam_node_peer_connected(node_, "peer-a"), BEAM_OK);
  EXPECT_NE(Call(node_, "GET", "/metrics").body.find("lean_connected_peers 1\n"), std::string::npos);
  EXPECT_EQ(beam_node_peer_disconnected(node_, "peer-a"), BEAM_OK);
  EXPECT_NE(Call(node_, "GET", "/metrics").body.find("lean_connected_peers 0\n"), std::string::npos);
}

TEST_F(ApiTest, AggregatorRoleReadsAndSwitches) {
  EXPECT_EQ(Call(node_, "GET", "/lean/v0/admin/aggregator").body, R"({"is_aggregator":false})");
  Reply r = Call(node_, "POST", "/lean/v0/admin/aggregator", R"({"enabled": true})");
  EXPECT_EQ(r.code, 200);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"is_aggregator":true,"previous":false})");
  EXPECT_EQ(Call(node_, "GET", "/lean/v0/admin/aggregator").body, R"({"is_aggregator":true})");
  EXPECT_EQ(Call(node_, "POST", "/lean/v0/admin/aggregator", R"({"enabled":true})").body,
            R"({"is_aggregator":true,"previous":true})");
  EXPECT_EQ(Call(node_, "POST", "/lean/v0/admin/aggregator", R"({"enabled":false,"extra":1})").body,
            R"({"is_aggregator":false,"previous":true})");
  EXPECT_EQ(Call(node_, "GET", "/lean/v0/admin/aggregator").body, R"({"is_aggregator":false})");
}

TEST_F(ApiTest, MalformedToggleBodiesAre400AndChangeNothing) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "Invalid JSON body"},
      {"{", "Invalid JSON body"},
      {"enabled=true", "Invalid JSON body"},
      {"{}", "Missing 'enabled' field in body"},
      {"[true]", "Missing 'enabled' field in body"},
      {"true", "Missing 'enabled' field in body"},
      {R"({"enabled": 1})", "'enabled' must be a boolean"},
      {R"({"enabled": "true"})", "'enabled' must be a boolean"},
      {R"({"enabled": null})", "'enabled' must be a boolean"},
  };
  for (const auto& [body, message] : cases) {
    const Reply r = Call(node_, "POST", "/lean/v0/admin/aggregator", body);
    EXPECT_EQ(r.status, BEAM_OK);  // an HTTP answer, not a library failure
    EXPECT_EQ(r.code, 400) << body;
    EXPECT_EQ(r.content_type, "application/json");
    EXPECT_EQ(r.json(), (Json{{"code", 400}, {"message", message}})) << body;
  }
  EXPECT_EQ(Call(node_, "GET", "/lean/v0/admin/aggregator").body, R"({"is_aggregator":false})");
}

TEST_F(ApiTest, UnknownPathsAre404AndOtherMethods405) {
  for (const char* path : {"/", "", "/lean/v0", "/lean/v0/health/", "/lean/v0/checkpoints/finalized",
                           "/LEAN/V0/HEALTH", "/lean/v0%2Fhealth", "/metrics/x"}) {
    const Reply r = Call(node_, "GET", path);
    EXPECT_EQ(r.status, BEAM_OK);
    EXPECT_EQ(r.code, 404) << path;
    EXPECT_EQ(r.content_type, "application/json");
    EXPECT_EQ(r.json(), (Json{{"code", 404}, {"message", "Not Found"}})) << path;
  }
  // Methods are case-sensitive; the Allow list names what the path accepts.
  struct Case {
    const char* method;
    const char* path;
    const char* allow;
  };
  for (const Case& c : {Case{"POST", "/lean/v0/health", "GET, HEAD"}, Case{"get", "/lean/v0/fork_choice", "GET, HEAD"},
                        Case{"PUT", "/metrics", "GET, HEAD"},
                        Case{"DELETE", "/lean/v0/admin/aggregator", "GET, HEAD, POST"},
                        Case{"POST", "/lean/v0/states/finalized", "GET, HEAD"}}) {
    const Reply r = Call(node_, c.method, c.path);
    EXPECT_EQ(r.status, BEAM_OK);
    EXPECT_EQ(r.code, 405) << c.method << " " << c.path;
    EXPECT_EQ(r.content_type, "application/json");
    EXPECT_EQ(r.json()["code"], 405);
    EXPECT_EQ(r.allow, c.allow);
  }
}

TEST_F(ApiTest, QueriesAreIgnoredEscapesDecodedAndHeadHasNoBody) {
  const std::string health = Call(node_, "GET", "/lean/v0/health").body;
  EXPECT_EQ(Call(node_, "GET", "/lean/v0/health?verbose=1&x").body, health);
  EXPECT_EQ(Call(node_, "GET", "/lean/v0/health#top").body, health);
  EXPECT_EQ(Call(node_, "GET", "/lean/v0/heal%74h").body, health);
  EXPECT_EQ(Call(node_, "GET", "/lean/v0/admin/aggregator?enabled=true").body, R"({"is_aggregator":false})");
  const Reply head = Call(node_, "HEAD", "/metrics");
  EXPECT_EQ(head.code, 200);
  EXPECT_EQ(head.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(Call(node_, "HEAD", "/lean/v0/nothing").code, 404);
  // A GET body is ignored.
  EXPECT_EQ(Call(node_, "GET", "/lean/v0/health", "ignored").body, health);
}

TEST_F(ApiTest, ArgumentErrors) {
  beam_api_response out{};
  out.struct_size = sizeof out;
  const uint8_t body[1] = {'x'};
  EXPECT_EQ(beam_api_handle(nullptr, "GET", "/lean/v0/health", nullptr, 0, &out), BEAM_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(out.body.data, nullptr);
  EXPECT_EQ(beam_api_handle(node_, nullptr, "/lean/v0/health", nullptr, 0, &out), BEAM_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(beam_api_handle(node_, "GET", nullptr, nullptr, 0, &out), BEAM_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(beam_api_handle(node_, "POST", "/lean/v0/admin/aggregator", nullptr, 3, &out), BEAM_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(beam_api_handle(node_, "GET", "/lean/v0/health", body, 1, nullptr), BEAM_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(beam_last_error()), "");
  out.struct_size = offsetof(beam_api_response, allow);  // a struct without the last field
  EXPECT_EQ(beam_api_handle(node_, "GET", "/lean/v0/health", nullptr, 0, &out), BEAM_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(out.status_code, 0);
  out.struct_size = sizeof out + 16;  // a newer host's larger struct is fine
  EXPECT_EQ(beam_api_handle(node_, "GET", "/lean/v0/health", nullptr, 0, &out), BEAM_OK);
  EXPECT_EQ(out.status_code, 200);
  EXPECT_EQ(std::string(beam_last_error()), "");
  beam_api_response_free(&out);
  EXPECT_EQ(out.content_type.data, nullptr);
  EXPECT_EQ(out.content_type.len, 0u);
  beam_api_response_free(nullptr);
}

// Requests from several threads while the node imports and the role flips.
TEST_F(ApiTest, ConcurrentRequests) {
  std::atomic<bool> stop{false};
  std::vector<std::thread> readers;
  for (const char* path : {"/lean/v0/fork_choice", "/metrics", "/lean/v0/states/finalized"}) {
    readers.emplace_back([&, path] {
      while (!stop.load()) {
        const Reply r = Call(node_, "GET", path);
        EXPECT_EQ(r.code, 200) << path;
      }
    });
  }
  readers.emplace_back([&] {
    for (int i = 0; !stop.load(); ++i) {
      EXPECT_EQ(Call(node_, "POST", "/lean/v0/admin/aggregator", i % 2 ? R"({"enabled":true})" : R"({"enabled":false})")
                    .code,
                200);
    }
  });
  FeedChain(8);
  stop = true;
  for (std::thread& t : readers) t.join();
}

// The switch changes what the chain does: only an aggregator keeps gossip signatures
// and aggregates them at interval 2.
TEST(ApiChainTest, AggregatorSwitchDecidesWhetherTheChainAggregates) {
  struct Aggregates final : chain::ChainObserver {
    void OnAggregates(const std::vector<consensus::SignedAggregatedAttestation>& made) override { count += made.size(); }
    size_t count = 0;
  } observer;
  const testing::Genesis genesis = testing::MakeGenesis(kValidators);
  testing::AcceptAllSignatures signatures;
  crypto::MockedAggregateVerifier verifier;
  crypto::MockedAggregateProver prover;
  metrics::Registry registry;
  chain::ChainConfig config;
  config.chain_worker = false;
  auto made = chain::BeamChain::Create(genesis.state, genesis.block, config,
                                       chain::ChainCrypto{&signatures, &verifier, &prover}, &registry, &observer);
  ASSERT_TRUE(made.ok()) << made.status();
  chain::BeamChain& chain = **made;
  const api::ApiSources sources{&chain, &registry};

  auto vote_and_tick = [&](uint64_t slot) {
    ASSERT_TRUE(chain.OnTick(slot * 5 + 1).ok());
    consensus::SignedAttestation a;
    a.validator_index = 1;
    a.data = *chain.ProduceAttestationData(slot);
    EXPECT_TRUE(chain.OnGossipAttestation(a).ok());
    ASSERT_TRUE(chain.OnTick(slot * 5 + 3).ok());  // through interval 2
  };
  vote_and_tick(1);
  EXPECT_EQ(observer.count, 0u);  // not an aggregator: the signature was not kept

  EXPECT_EQ(api::HandleLeanApi(sources, "POST", "/lean/v0/admin/aggregator", R"({"enabled":true})").body,
            R"({"is_aggregator":true,"previous":false})");
  EXPECT_TRUE(chain.IsAggregator());
  EXPECT_FALSE(chain.config().is_aggregator);  // the configuration keeps the initial role
  vote_and_tick(2);
  EXPECT_EQ(observer.count, 1u);
  // The aggregation round was reported as coverage.
  // Its start was reported: no pending proofs then (the vote was a raw signature).
  EXPECT_NE(registry.RenderText().find(
                "lean_attestation_aggregate_coverage_validators{section=\"aggregate_start_new\",subnet=\"subnet_0\"} 0\n"),
            std::string::npos);

  EXPECT_EQ(api::HandleLeanApi(sources, "POST", "/lean/v0/admin/aggregator", R"({"enabled":false})").body,
            R"({"is_aggregator":false,"previous":true})");
  vote_and_tick(3);
  EXPECT_EQ(observer.count, 1u);
}

// Reorgs are measured in rolled-back blocks, and gossip attestations are timed.
TEST(ApiChainTest, ReorgDepthAndAttestationTiming) {
  const testing::Genesis genesis = testing::MakeGenesis(kValidators);
  testing::AcceptAllSignatures signatures;
  crypto::MockedAggregateVerifier verifier;
  crypto::MockedAggregateProver prover;
  metrics::Registry registry;
  chain::ChainConfig config;
  config.chain_worker = false;
  auto made = chain::BeamChain::Create(genesis.state, genesis.block, config,
                                       chain::ChainCrypto{&signatures, &verifier, &prover}, &registry);
  ASSERT_TRUE(made.ok()) << made.status();
  chain::BeamChain& chain = **made;
  auto build = [&](const ssz::Root& parent, uint64_t slot) {
    chain::RcState pre = chain.ShareState(parent);
    validator::BlockBuildInputs in;
    in.pre_state = pre.get();
    in.slot = slot;
    in.proposer_index = slot % kValidators;
    in.parent_root = parent;
    in.is_known_block = [&](const ssz::Root& r) { return chain.HasBlock(r); };
    absl::StatusOr<validator::BuiltBlock> built = validator::BuildBlock(in);
    EXPECT_TRUE(built.ok()) << built.status();
    return testing::MockSigned(built->block);
  };
  ASSERT_TRUE(chain.OnTick(4 * 5).ok());

  // Two children of genesis with no votes: the head goes to the larger root (the
  // spec's tie-break). Import the smaller one with a child first, then the larger:
  // the head leaves that two-block branch.
  const ssz::Root genesis_root = ssz::HashTreeRoot(genesis.block);
  consensus::SignedBlock small = build(genesis_root, 1), large = build(genesis_root, 2);
  if (ssz::HashTreeRoot(small.block) > ssz::HashTreeRoot(large.block)) std::swap(small, large);
  ASSERT_TRUE(chain.OnBlock(small).ok());
  const consensus::SignedBlock child = build(ssz::HashTreeRoot(small.block), 3);
  ASSERT_TRUE(chain.OnBlock(child).ok());
  ASSERT_EQ(chain.Head().root, ssz::HashTreeRoot(child.block));
  std::string text = registry.RenderText();
  EXPECT_NE(text.find("lean_fork_choice_reorgs_total 0\n"), std::string::npos);
  EXPECT_NE(text.find("lean_fork_choice_reorg_depth_count 0\n"), std::string::npos);
  ASSERT_TRUE(chain.OnBlock(large).ok());
  ASSERT_EQ(chain.Head().root, ssz::HashTreeRoot(large.block));
  text = registry.RenderText();
  EXPECT_NE(text.find("lean_fork_choice_reorgs_total 1\n"), std::string::npos);
  EXPECT_NE(text.find("lean_fork_choice_reorg_depth_count 1\n"), std::string::npos);
  EXPECT_NE(text.find("lean_fork_choice_reorg_depth_sum 2\n"), std::string::npos);  // the child and its parent
  EXPECT_NE(text.find("lean_fork_choice_reorg_depth_bucket{le=\"1\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("lean_fork_choice_reorg_depth_bucket{le=\"2\"} 1\n"), std::string::npos);

  // A gossip attestation that validates is timed; one that does not is not.
  EXPECT_NE(text.find("lean_attestation_validation_time_seconds_count 0\n"), std::string::npos);
  consensus::SignedAttestation a;
  a.validator_index = 2;
  a.data = *chain.ProduceAttestationData(4);
  ASSERT_TRUE(chain.OnGossipAttestation(a).ok());
  a.validator_index = 99;  // not in the registry
  EXPECT_FALSE(chain.OnGossipAttestation(a).ok());
  text = registry.RenderText();
  EXPECT_NE(text.find("lean_attestation_validation_time_seconds_count 1\n"), std::string::npos);
  EXPECT_NE(text.find("lean_attestation_validation_time_seconds_bucket{le=\"0.005\"}"), std::string::npos);
}

}  // namespace
}  // namespace beam
