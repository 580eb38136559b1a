/* The lean HTTP API (beam_api_handle) from plain C against the shared library: every
 * route, the HTTP error answers, argument errors, the finalized state's bytes, and the
 * aggregator switch deciding whether a node aggregates a real signed attestation. */
#include <beamcore/beamcore.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "c_check.h"

enum { kValidators = 4 };

static int aggregates_published = 0;
static void on_publish(beam_topic_kind kind, const uint8_t* ssz, size_t len, void* user_data) {
  (void)ssz;
  (void)len;
  if (kind == BEAM_TOPIC_AGGREGATE) ++*(int*)user_data;
}

/* One request; the response stays in *out for the caller to inspect and free. */
static beam_status request(beam_node* node, const char* method, const char* path, const char* body,
                           beam_api_response* out) {
  memset(out, 0, sizeof(*out));
  out->struct_size = sizeof(*out);
  return beam_api_handle(node, method, path, (const uint8_t*)body, body != NULL ? strlen(body) : 0, out);
}

/* The body as a NUL-terminated string (JSON and text bodies). */
static char* body_text(const beam_api_response* r) {
  char* s = malloc(r->body.len + 1);
  if (s == NULL) abort();
  if (r->body.len != 0) memcpy(s, r->body.data, r->body.len);
  s[r->body.len] = 0;
  return s;
}

/* Checks status, content type and (if `body` is not NULL) the exact body. */
static void expect(beam_node* node, const char* method, const char* path, const char* send, int status,
                   const char* content_type, const char* body) {
  beam_api_response r;
  CHECK_STATUS(request(node, method, path, send, &r), BEAM_OK);
  if (r.status_code != status) {
    fprintf(stderr, "%s %s: status %d, want %d\n", method, path, (int)r.status_code, status);
    ++failures;
  }
  CHECK(r.content_type.data != NULL && strcmp((const char*)r.content_type.data, content_type) == 0);
  if (body != NULL) {
    char* got = body_text(&r);
    if (strcmp(got, body) != 0) {
      fprintf(stderr, "%s %s: body %s, want %s\n", method, path, got, body);
      ++failures;
    }
    free(got);
  }
  beam_api_response_free(&r);
  CHECK(r.body.data == NULL && r.content_type.data == NULL && r.allow.data == NULL);
}

static void test_routes(beam_node* node) {
  expect(node, "GET", "/lean/v0/health", NULL, 200, "application/json",
         "{\"status\":\"healthy\",\"service\":\"lean-rpc-api\"}");
  expect(node, "GET", "/lean/v0/health?probe=1", NULL, 200, "application/json",
         "{\"status\":\"healthy\",\"service\":\"lean-rpc-api\"}");

  /* Justified checkpoint and fork choice agree with beam_node_justified / _head. */
  beam_checkpoint justified, head;
  CHECK_STATUS(beam_node_justified(node, &justified), BEAM_OK);
  CHECK_STATUS(beam_node_head(node, &head), BEAM_OK);
  char root_hex[67] = "0x";
  for (int i = 0; i < 32; ++i) sprintf(root_hex + 2 + 2 * i, "%02x", justified.root[i]);
  char want[256];
  snprintf(want, sizeof want, "{\"slot\":%llu,\"root\":\"%s\"}", (unsigned long long)justified.slot, root_hex);
  expect(node, "GET", "/lean/v0/checkpoints/justified", NULL, 200, "application/json", want);

  beam_api_response r;
  CHECK_STATUS(request(node, "GET", "/lean/v0/fork_choice", NULL, &r), BEAM_OK);
  CHECK(r.status_code == 200);
  char* tree = body_text(&r);
  char head_hex[80] = "\"head\":\"0x";
  for (int i = 0; i < 32; ++i) sprintf(head_hex + 10 + 2 * i, "%02x", head.root[i]);
  CHECK(strncmp(tree, "{\"nodes\":[{\"root\":\"0x", 20) == 0);
  CHECK(strstr(tree, head_hex) != NULL);
  CHECK(strstr(tree, "\"validator_count\":4}") != NULL);
  free(tree);
  beam_api_response_free(&r);

  /* The finalized state: the same bytes as a finalized borrow, serialized. */
  CHECK_STATUS(request(node, "GET", "/lean/v0/states/finalized", NULL, &r), BEAM_OK);
  CHECK(r.status_code == 200);
  CHECK(strcmp((const char*)r.content_type.data, "application/octet-stream") == 0);
  beam_state_borrow* borrow = NULL;
  CHECK_STATUS(beam_state_borrow_finalized(node, &borrow), BEAM_OK);
  beam_buffer state = {NULL, 0};
  CHECK_STATUS(beam_state_borrow_serialize(borrow, &state), BEAM_OK);
  CHECK(state.len == r.body.len && state.len > 0 && memcmp(state.data, r.body.data, state.len) == 0);
  beam_buffer_free(&state);
  beam_state_borrow_release(borrow);
  beam_api_response_free(&r);

  /* The genesis anchor has no signed block. */
  expect(node, "GET", "/lean/v0/blocks/finalized", NULL, 404, "application/json", NULL);

  /* Metrics: the Prometheus content type and the series a node must export. */
  CHECK_STATUS(request(node, "GET", "/metrics", NULL, &r), BEAM_OK);
  CHECK(r.status_code == 200);
  CHECK(strcmp((const char*)r.content_type.data, "text/plain; version=0.0.4; charset=utf-8") == 0);
  char* metrics = body_text(&r);
  static const char* const required[] = {"lean_node_info{", "lean_node_start_time_seconds ",
                                         "lean_validators_count ", "lean_connected_peers ",
                                         "lean_fork_choice_reorg_depth_count ",
                                         "lean_attestation_validation_time_seconds_count ",
                                         "lean_attestation_aggregate_coverage_subnets{"};
  for (size_t i = 0; i < sizeof required / sizeof required[0]; ++i) {
    if (strstr(metrics, required[i]) == NULL) {
      fprintf(stderr, "/metrics lacks %s\n", required[i]);
      ++failures;
    }
  }
  free(metrics);
  beam_api_response_free(&r);
  /* HEAD: the GET answer without its body. */
  CHECK_STATUS(request(node, "HEAD", "/metrics", NULL, &r), BEAM_OK);
  CHECK(r.status_code == 200 && r.body.len == 0 && r.content_type.len > 0);
  beam_api_response_free(&r);
}

static void test_errors(beam_node* node) {
  expect(node, "GET", "/lean/v0/nope", NULL, 404, "application/json", "{\"code\":404,\"message\":\"Not Found\"}");
  expect(node, "POST", "/lean/v0/nope", "{}", 404, "application/json", NULL);

  beam_api_response r;
  CHECK_STATUS(request(node, "DELETE", "/lean/v0/admin/aggregator", NULL, &r), BEAM_OK);
  CHECK(r.status_code == 405);
  CHECK(r.allow.data != NULL && strcmp((const char*)r.allow.data, "GET, HEAD, POST") == 0);
  beam_api_response_free(&r);
  CHECK_STATUS(request(node, "POST", "/metrics", NULL, &r), BEAM_OK);
  CHECK(r.status_code == 405 && r.allow.data != NULL && strcmp((const char*)r.allow.data, "GET, HEAD") == 0);
  beam_api_response_free(&r);

  expect(node, "POST", "/lean/v0/admin/aggregator", "not json", 400, "application/json",
         "{\"code\":400,\"message\":\"Invalid JSON body\"}");
  expect(node, "POST", "/lean/v0/admin/aggregator", "{\"on\":true}", 400, "application/json",
         "{\"code\":400,\"message\":\"Missing 'enabled' field in body\"}");
  expect(node, "POST", "/lean/v0/admin/aggregator", "{\"enabled\":0}", 400, "application/json",
         "{\"code\":400,\"message\":\"'enabled' must be a boolean\"}");

  /* Argument errors leave no buffers behind. */
  CHECK_STATUS(beam_api_handle(NULL, "GET", "/lean/v0/health", NULL, 0, &r), BEAM_ERR_INVALID_ARGUMENT);
  CHECK(r.body.data == NULL && r.content_type.data == NULL);
  CHECK_STATUS(beam_api_handle(node, NULL, "/lean/v0/health", NULL, 0, &r), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_api_handle(node, "GET", NULL, NULL, 0, &r), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_api_handle(node, "POST", "/lean/v0/admin/aggregator", NULL, 5, &r), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_api_handle(node, "GET", "/lean/v0/health", NULL, 0, NULL), BEAM_ERR_INVALID_ARGUMENT);
  r.struct_size = sizeof(size_t);
  CHECK_STATUS(beam_api_handle(node, "GET", "/lean/v0/health", NULL, 0, &r), BEAM_ERR_INVALID_ARGUMENT);
  CHECK(strlen(beam_last_error()) > 0);
  beam_api_response_free(NULL);
}

/* Gossips validator 1's signed vote for `slot` and ticks through interval 2. */
static void vote_and_tick(beam_node* node, beam_xmss_key* key, uint64_t slot) {
  CHECK_STATUS(beam_node_tick(node, slot * 5 + 1), BEAM_OK);
  beam_buffer data = {NULL, 0}, signed_vote = {NULL, 0};
  CHECK_STATUS(beam_node_produce_attestation_data(node, slot, &data), BEAM_OK);
  CHECK_STATUS(beam_attestation_sign(key, 1, data.data, data.len, &signed_vote), BEAM_OK);
  CHECK_STATUS(beam_node_on_gossip(node, BEAM_TOPIC_ATTESTATION, signed_vote.data, signed_vote.len, "peer"), BEAM_OK);
  CHECK_STATUS(beam_node_tick(node, slot * 5 + 3), BEAM_OK);
  beam_buffer_free(&data);
  beam_buffer_free(&signed_vote);
}

int main(void) {
  /* TEST-scheme keys, so gossip attestations carry real signatures. */
  beam_xmss_key* keys[kValidators];
  uint8_t public_keys[kValidators * BEAM_XMSS_PUBLIC_KEY_SIZE];
  for (int i = 0; i < kValidators; ++i) {
    uint8_t seed[32];
    memset(seed, i + 1, sizeof seed);
    CHECK_STATUS(beam_xmss_key_generate(BEAM_XMSS_TEST, seed, 0, 16, &keys[i]), BEAM_OK);
    CHECK_STATUS(beam_xmss_key_public(keys[i], public_keys + i * BEAM_XMSS_PUBLIC_KEY_SIZE), BEAM_OK);
  }
  beam_buffer genesis = {NULL, 0};
  CHECK_STATUS(beam_genesis_state(0, public_keys, public_keys, kValidators, &genesis), BEAM_OK);

  beam_network_vtable network;
  memset(&network, 0, sizeof network);
  network.struct_size = sizeof network;
  network.publish_gossip = on_publish;
  network.user_data = &aggregates_published;
  beam_node_config config;
  memset(&config, 0, sizeof config);
  config.struct_size = sizeof config;
  config.anchor_state_ssz = genesis.data;
  config.anchor_state_len = genesis.len;
  config.is_aggregator = 0;
  config.chain_worker = 0;
  config.xmss_scheme = BEAM_XMSS_TEST;
  config.proof_mode = BEAM_PROOFS_MOCKED;
  config.network = &network;
  beam_node* node = NULL;
  CHECK_STATUS(beam_node_create(&config, &node), BEAM_OK);
  if (node == NULL) return 1;

  test_routes(node);
  test_errors(node);

  /* The aggregator switch: off, a valid vote is not aggregated; on, it is. */
  expect(node, "GET", "/lean/v0/admin/aggregator", NULL, 200, "application/json", "{\"is_aggregator\":false}");
  vote_and_tick(node, keys[1], 1);
  CHECK(aggregates_published == 0);
  expect(node, "POST", "/lean/v0/admin/aggregator", "{\"enabled\": true}", 200, "application/json",
         "{\"is_aggregator\":true,\"previous\":false}");
  expect(node, "GET", "/lean/v0/admin/aggregator", NULL, 200, "application/json", "{\"is_aggregator\":true}");
  vote_and_tick(node, keys[1], 2);
  CHECK(aggregates_published == 1);
  expect(node, "POST", "/lean/v0/admin/aggregator", "{\"enabled\": false}", 200, "application/json",
         "{\"is_aggregator\":false,\"previous\":true}");
  vote_and_tick(node, keys[1], 3);
  CHECK(aggregates_published == 1);

  /* Valid after the node moved on, too. */
  test_routes(node);

  beam_node_destroy(node);
  for (int i = 0; i < kValidators; ++i) beam_xmss_key_destroy(keys[i]);
  beam_buffer_free(&genesis);
  return report("api_capi_test");
}
