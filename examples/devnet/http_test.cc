// Drives one node's lean API with a real HTTP client: a node (C ABI) with storage,
// served by the devnet's ApiServer on a free port, queried with cpp-httplib's client.
// Exit status 0 when every check passes.

#include <beamcore/beamcore.h>
#include <httplib.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "api_server.h"

namespace {

int failures = 0;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "CHECK failed: %s\n", what);
    ++failures;
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : "devnet-http-data";
  std::filesystem::remove_all(dir);
  beam_buffer genesis{nullptr, 0};
  if (beam_genesis_state(0, nullptr, nullptr, 4, &genesis) != BEAM_OK) return 2;
  const uint64_t validators[4] = {0, 1, 2, 3};
  beam_node_config config = BEAM_NODE_CONFIG_INIT;
  config.anchor_state_ssz = genesis.data;
  config.anchor_state_len = genesis.len;
  config.validator_indices = validators;
  config.validator_count = 4;
  config.data_dir = dir.c_str();
  beam_node* node = nullptr;
  if (beam_node_create(&config, &node) != BEAM_OK) {
    std::fprintf(stderr, "create: %s\n", beam_last_error());
    return 2;
  }
  for (uint64_t slot = 1; slot <= 3; ++slot) {
    beam_buffer block{nullptr, 0};
    Check(beam_node_produce_block(node, slot, slot % 4, &block) == BEAM_OK, "produce_block");
    beam_buffer_free(&block);
  }

  devnet::ServedNode served;
  served.Set(node);
  {
    devnet::ApiServer server(&served, 0);
    std::string error;
    if (!server.Start(&error)) {
      std::fprintf(stderr, "%s\n", error.c_str());
      return 2;
    }
    httplib::Client client("127.0.0.1", server.port());
    client.set_connection_timeout(5);

    auto health = client.Get("/lean/v0/health");
    Check(health && health->status == 200, "GET /lean/v0/health is 200");
    Check(health && health->get_header_value("Content-Type").find("application/json") == 0, "health is JSON");
    Check(health && health->body.find("healthy") != std::string::npos, "health says healthy");

    auto justified = client.Get("/lean/v0/checkpoints/justified");
    Check(justified && justified->status == 200 && justified->body.find("\"slot\"") != std::string::npos,
          "GET /lean/v0/checkpoints/justified");

    auto fork_choice = client.Get("/lean/v0/fork_choice?verbose=1");
    Check(fork_choice && fork_choice->status == 200 && fork_choice->body.find("\"nodes\"") != std::string::npos,
          "GET /lean/v0/fork_choice (query ignored)");

    // The finalized state over HTTP equals the state borrow's SSZ.
    auto state = client.Get("/lean/v0/states/finalized");
    beam_state_borrow* borrow = nullptr;
    beam_buffer expected{nullptr, 0};
    Check(beam_state_borrow_finalized(node, &borrow) == BEAM_OK, "borrow finalized");
    Check(beam_state_borrow_serialize(borrow, &expected) == BEAM_OK, "serialize");
    Check(state && state->status == 200 && state->get_header_value("Content-Type") == "application/octet-stream",
          "GET /lean/v0/states/finalized is SSZ");
    Check(state && state->body.size() == expected.len &&
              std::memcmp(state->body.data(), expected.data, expected.len) == 0,
          "finalized state bytes equal the borrow's");
    beam_buffer_free(&expected);
    beam_state_borrow_release(borrow);

    auto metrics = client.Get("/metrics");
    beam_checkpoint head{};
    Check(beam_node_head(node, &head) == BEAM_OK, "beam_node_head");
    const std::string head_line = "\nlean_head_slot " + std::to_string(head.slot) + "\n";
    Check(metrics && metrics->status == 200 && metrics->body.find(head_line) != std::string::npos,
          "GET /metrics shows the node's head slot");
    Check(metrics && metrics->body.find("\nlean_current_slot 3\n") != std::string::npos,
          "GET /metrics shows the current slot");

    auto toggle = client.Post("/lean/v0/admin/aggregator", "{\"enabled\": true}", "application/json");
    Check(toggle && toggle->status == 200 && toggle->body.find("\"previous\"") != std::string::npos,
          "POST /lean/v0/admin/aggregator");
    auto status = client.Get("/lean/v0/admin/aggregator");
    Check(status && status->body.find("true") != std::string::npos, "the aggregator role is now on");

    auto bad_body = client.Post("/lean/v0/admin/aggregator", "{not json", "application/json");
    Check(bad_body && bad_body->status == 400, "malformed body is 400");
    auto missing = client.Get("/lean/v0/nothing/here");
    Check(missing && missing->status == 404, "unknown path is 404");
    auto wrong_method = client.Delete("/lean/v0/health");
    Check(wrong_method && wrong_method->status == 405 && !wrong_method->get_header_value("Allow").empty(),
          "wrong method is 405 with Allow");

    // A node being replaced answers 503, never a destroyed node.
    served.Set(nullptr);
    auto restarting = client.Get("/lean/v0/health");
    Check(restarting && restarting->status == 503, "no node: 503");
  }
  beam_node_destroy(node);
  beam_buffer_free(&genesis);
  std::filesystem::remove_all(dir);
  if (failures != 0) {
    std::fprintf(stderr, "devnet_http_test: %d failure(s)\n", failures);
    return 1;
  }
  std::printf("devnet_http_test: all checks passed\n");
  return 0;
}
