/* A plain-C test of the C ABI: conventions, every error path it can reach without a
 * network, the standalone helpers, and two nodes that sync a produced block. */
#include <beamcore/beamcore.h>
#include <beamcore/locking.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "c_check.h"

static int published = 0;
static void on_publish(beam_topic_kind kind, const uint8_t* ssz, size_t len, void* user_data) {
  (void)kind;
  (void)ssz;
  (void)len;
  ++*(int*)user_data;
}

/* A host network for req/resp between two nodes: messages are queued and pumped
 * by the test (callbacks must not call back into a node). */
typedef struct message {
  int kind; /* 0 request, 1 response chunk, 2 response end */
  int to;
  beam_req_protocol protocol;
  uint64_t id;
  int32_t result;
  uint8_t* data;
  size_t len;
} message;
static message queue[1024];
static int queue_len = 0;
static int endpoint_ids[2] = {0, 1};
static const char* endpoint_names[2] = {"a", "c"};

static void push(int kind, int to, beam_req_protocol protocol, uint64_t id, int32_t result, const uint8_t* data,
                 size_t len) {
  if (queue_len == 1024) {
    ++failures;
    return;
  }
  message* m = &queue[queue_len++];
  m->kind = kind;
  m->to = to;
  m->protocol = protocol;
  m->id = id;
  m->result = result;
  m->data = (uint8_t*)malloc(len ? len : 1);
  if (len) memcpy(m->data, data, len);
  m->len = len;
}
static void net_send_request(const char* peer_id, beam_req_protocol protocol, const uint8_t* ssz, size_t len,
                             uint64_t request_id, void* user_data) {
  (void)user_data;
  push(0, strcmp(peer_id, "a") == 0 ? 0 : 1, protocol, request_id, 0, ssz, len);
}
static void net_send_chunk(uint64_t request_id, const uint8_t* ssz, size_t len, void* user_data) {
  push(1, 1 - *(int*)user_data, BEAM_REQ_STATUS, request_id, 0, ssz, len);
}
static void net_send_end(uint64_t request_id, int32_t result, void* user_data) {
  push(2, 1 - *(int*)user_data, BEAM_REQ_STATUS, request_id, result, NULL, 0);
}
static int pump(beam_node* nodes[2], int expect_ok) {
  int delivered = 0;
  while (queue_len > 0) {
    message m = queue[0];
    memmove(&queue[0], &queue[1], sizeof(message) * (size_t)(queue_len - 1));
    --queue_len;
    beam_node* to = nodes[m.to];
    beam_status s = BEAM_OK;
    if (m.kind == 0) s = beam_node_on_request(to, endpoint_names[1 - m.to], m.protocol, m.data, m.len, m.id);
    if (m.kind == 1) s = beam_node_on_response_chunk(to, m.id, m.data, m.len);
    if (m.kind == 2) s = beam_node_on_response_end(to, m.id, m.result);
    if (s != BEAM_OK && expect_ok) {
      fprintf(stderr, "pump: message kind %d to node %d failed: %s\n", m.kind, m.to, beam_last_error());
      ++failures;
    }
    free(m.data);
    ++delivered;
  }
  return delivered;
}

static beam_node* make_sync_node(const beam_buffer* genesis, int index, const uint64_t* validators, size_t count) {
  beam_network_vtable network;
  memset(&network, 0, sizeof(network));
  network.struct_size = sizeof(network);
  network.send_request = net_send_request;
  network.send_response_chunk = net_send_chunk;
  network.send_response_end = net_send_end;
  network.user_data = &endpoint_ids[index];
  beam_node_config config;
  memset(&config, 0, sizeof(config));
  config.struct_size = sizeof(config);
  config.anchor_state_ssz = genesis->data;
  config.anchor_state_len = genesis->len;
  config.validator_indices = validators;
  config.validator_count = count;
  config.network = &network;
  beam_node* node = NULL;
  CHECK_STATUS(beam_node_create(&config, &node), BEAM_OK);
  return node;
}

/* Node C starts late: on connecting it asks A for its Status, then fetches A's head
 * and, parent by parent, every block it misses. */
static void test_catch_up_sync(const beam_buffer* genesis) {
  const uint64_t all[4] = {0, 1, 2, 3};
  beam_node* nodes[2];
  nodes[0] = make_sync_node(genesis, 0, all, 4);
  nodes[1] = make_sync_node(genesis, 1, NULL, 0);
  for (uint64_t slot = 1; slot <= 6; ++slot) {
    beam_buffer block = {NULL, 0};
    CHECK_STATUS(beam_node_produce_block(nodes[0], slot, slot % 4, &block), BEAM_OK);
    beam_buffer_free(&block);
  }
  CHECK_STATUS(beam_node_tick(nodes[0], 6 * 5 + 4), BEAM_OK);
  CHECK_STATUS(beam_node_tick(nodes[1], 6 * 5 + 4), BEAM_OK);
  CHECK_STATUS(beam_node_peer_connected(nodes[0], "c"), BEAM_OK);
  CHECK_STATUS(beam_node_peer_connected(nodes[1], "a"), BEAM_OK);
  CHECK(pump(nodes, 1) > 6);
  beam_checkpoint head_a, head_c;
  CHECK_STATUS(beam_node_head(nodes[0], &head_a), BEAM_OK);
  CHECK_STATUS(beam_node_head(nodes[1], &head_c), BEAM_OK);
  CHECK(head_a.slot == 6);
  CHECK(head_c.slot == 6 && memcmp(head_a.root, head_c.root, 32) == 0);
  /* Errors: unknown request ids and protocols. */
  CHECK_STATUS(beam_node_on_response_chunk(nodes[1], 424242, NULL, 0), BEAM_ERR_NOT_FOUND);
  CHECK_STATUS(beam_node_on_response_end(nodes[1], 424242, 0), BEAM_ERR_NOT_FOUND);
  CHECK_STATUS(beam_node_on_request(nodes[0], "c", (beam_req_protocol)9, NULL, 0, 7), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_node_on_request(nodes[0], "c", BEAM_REQ_STATUS, (const uint8_t*)"x", 1, 8), BEAM_ERR_DECODE);
  CHECK_STATUS(beam_node_peer_disconnected(nodes[0], "nobody"), BEAM_ERR_NOT_FOUND);
  CHECK_STATUS(beam_node_peer_disconnected(nodes[0], "c"), BEAM_OK);
  /* The answers to those bad requests go to C, which never sent them: NOT_FOUND. */
  CHECK(pump(nodes, 0) == 2);
  beam_node_destroy(nodes[0]);
  beam_node_destroy(nodes[1]);
}

static beam_node* make_node(const beam_buffer* genesis, const uint64_t* validators, size_t count, int worker) {
  beam_network_vtable network;
  memset(&network, 0, sizeof(network));
  network.struct_size = sizeof(network);
  network.publish_gossip = on_publish;
  network.user_data = &published;
  beam_node_config config;
  memset(&config, 0, sizeof(config));
  config.struct_size = sizeof(config);
  config.anchor_state_ssz = genesis->data;
  config.anchor_state_len = genesis->len;
  config.validator_indices = validators;
  config.validator_count = count;
  config.chain_worker = worker;
  config.xmss_scheme = BEAM_XMSS_TEST;
  config.proof_mode = BEAM_PROOFS_MOCKED;
  config.network = &network;
  beam_node* node = NULL;
  CHECK_STATUS(beam_node_create(&config, &node), BEAM_OK);
  CHECK(node != NULL);
  return node;
}

static int count_visit(const uint8_t* key, size_t key_len, const uint8_t* value, size_t value_len, void* user_data) {
  (void)key;
  (void)value;
  *(size_t*)user_data += key_len + value_len;
  return 0;
}

static void test_primitives(const beam_buffer* block) {
  beam_locked_map* map = NULL;
  CHECK_STATUS(beam_locked_map_create(NULL), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_locked_map_create(&map), BEAM_OK);
  int inserted = -1;
  CHECK_STATUS(beam_locked_map_put(map, (const uint8_t*)"k1", 2, (const uint8_t*)"v1", 2, &inserted), BEAM_OK);
  CHECK(inserted == 1);
  CHECK_STATUS(beam_locked_map_put(map, (const uint8_t*)"k1", 2, (const uint8_t*)"value", 5, &inserted), BEAM_OK);
  CHECK(inserted == 0);
  CHECK_STATUS(beam_locked_map_put(map, (const uint8_t*)"", 0, (const uint8_t*)"e", 1, NULL), BEAM_OK);
  CHECK_STATUS(beam_locked_map_put(NULL, (const uint8_t*)"k", 1, (const uint8_t*)"v", 1, NULL), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_locked_map_put(map, NULL, 3, (const uint8_t*)"v", 1, NULL), BEAM_ERR_INVALID_ARGUMENT);
  beam_buffer v = {NULL, 0};
  CHECK_STATUS(beam_locked_map_get(map, (const uint8_t*)"k1", 2, &v), BEAM_OK);
  CHECK(v.len == 5 && memcmp(v.data, "value", 5) == 0);
  beam_buffer_free(&v);
  CHECK_STATUS(beam_locked_map_get(map, (const uint8_t*)"nope", 4, &v), BEAM_ERR_NOT_FOUND);
  size_t n = 0, bytes = 0;
  CHECK_STATUS(beam_locked_map_count(map, &n), BEAM_OK);
  CHECK(n == 2);
  CHECK_STATUS(beam_locked_map_iterate(map, count_visit, &bytes), BEAM_OK);
  CHECK(bytes == 2 + 5 + 0 + 1);
  CHECK_STATUS(beam_locked_map_fetch_remove(map, (const uint8_t*)"k1", 2, &v), BEAM_OK);
  CHECK(v.len == 5);
  beam_buffer_free(&v);
  CHECK_STATUS(beam_locked_map_remove(map, (const uint8_t*)"k1", 2), BEAM_ERR_NOT_FOUND);
  CHECK_STATUS(beam_locked_map_remove(map, (const uint8_t*)"", 0), BEAM_OK);
  CHECK_STATUS(beam_locked_map_count(map, &n), BEAM_OK);
  CHECK(n == 0);
  beam_locked_map_destroy(map);
  beam_locked_map_destroy(NULL);

  beam_block_cache* cache = NULL;
  CHECK_STATUS(beam_block_cache_create(&cache), BEAM_OK);
  uint8_t root[32];
  CHECK_STATUS(beam_block_cache_insert(cache, (const uint8_t*)"junk", 4, 1, root), BEAM_ERR_DECODE);
  CHECK_STATUS(beam_block_cache_insert(cache, block->data, block->len, 1, root), BEAM_OK);
  CHECK_STATUS(beam_block_cache_insert(cache, block->data, block->len, 1, NULL), BEAM_OK); /* no-op */
  size_t count = 0;
  CHECK_STATUS(beam_block_cache_count(cache, &count), BEAM_OK);
  CHECK(count == 1);
  beam_buffer got = {NULL, 0};
  CHECK_STATUS(beam_block_cache_get(cache, root, &got), BEAM_OK);
  CHECK(got.len == block->len && memcmp(got.data, block->data, got.len) == 0);
  beam_buffer_free(&got);
  /* The cache keys blocks by block root (not the envelope's hash tree root). */
  uint8_t block_root[32], envelope_root[32];
  CHECK_STATUS(beam_block_root(block->data, block->len, block_root), BEAM_OK);
  CHECK(memcmp(block_root, root, 32) == 0);
  CHECK_STATUS(beam_hash_tree_root(BEAM_SSZ_SIGNED_BLOCK, block->data, block->len, envelope_root), BEAM_OK);
  CHECK(memcmp(envelope_root, root, 32) != 0);
  CHECK_STATUS(beam_block_root((const uint8_t*)"junk", 4, block_root), BEAM_ERR_DECODE);
  beam_buffer children = {NULL, 0};
  uint8_t unknown[32] = {7};
  CHECK_STATUS(beam_block_cache_children(cache, unknown, &children), BEAM_OK);
  CHECK(children.len == 0);
  CHECK_STATUS(beam_block_cache_remove(cache, unknown), BEAM_ERR_NOT_FOUND);
  CHECK_STATUS(beam_block_cache_remove(cache, root), BEAM_OK);
  CHECK_STATUS(beam_block_cache_remove(cache, root), BEAM_ERR_NOT_FOUND);
  CHECK_STATUS(beam_block_cache_get(cache, root, &got), BEAM_ERR_NOT_FOUND);
  size_t removed = 99;
  CHECK_STATUS(beam_block_cache_remove_children(cache, unknown, &removed), BEAM_OK);
  CHECK(removed == 0);
  beam_block_cache_destroy(cache);
  beam_block_cache_destroy(NULL);
}

int main(void) {
  /* Version. */
  CHECK(beam_version_number() == ((BEAMCORE_VERSION_MAJOR << 16) | (BEAMCORE_VERSION_MINOR << 8) | BEAMCORE_VERSION_PATCH));

  /* NULL is a no-op for every free/destroy/release. */
  beam_buffer_free(NULL);
  beam_node_destroy(NULL);
  beam_state_borrow_release(NULL);

  /* Standalone helpers and their errors. */
  uint8_t root[32];
  CHECK_STATUS(beam_hash_tree_root(BEAM_SSZ_CHECKPOINT, (const uint8_t*)"x", 1, root), BEAM_ERR_DECODE);
  CHECK(strlen(beam_last_error()) > 0);
  CHECK_STATUS(beam_hash_tree_root(BEAM_SSZ_CHECKPOINT, NULL, 40, root), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_hash_tree_root((beam_ssz_type)99, (const uint8_t*)"x", 1, root), BEAM_ERR_INVALID_ARGUMENT);
  uint8_t checkpoint[40] = {0};
  CHECK_STATUS(beam_hash_tree_root(BEAM_SSZ_CHECKPOINT, checkpoint, sizeof(checkpoint), NULL), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_hash_tree_root(BEAM_SSZ_CHECKPOINT, checkpoint, sizeof(checkpoint), root), BEAM_OK);
  CHECK(strlen(beam_last_error()) == 0);

  beam_buffer genesis = {NULL, 0};
  CHECK_STATUS(beam_genesis_state(0, NULL, NULL, 4, NULL), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_genesis_state(0, NULL, NULL, 100000, &genesis), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_genesis_state(0, NULL, NULL, 4, &genesis), BEAM_OK);
  CHECK(genesis.data != NULL && genesis.len > 0);
  uint8_t genesis_root[32];
  CHECK_STATUS(beam_hash_tree_root(BEAM_SSZ_STATE, genesis.data, genesis.len, genesis_root), BEAM_OK);
  CHECK_STATUS(beam_hash_tree_root(BEAM_SSZ_STATE, genesis.data, genesis.len - 1, genesis_root), BEAM_ERR_DECODE);

  beam_buffer post = {NULL, 0};
  CHECK_STATUS(beam_stf_apply(genesis.data, genesis.len, (const uint8_t*)"junk", 4, &post), BEAM_ERR_DECODE);
  CHECK(post.data == NULL && post.len == 0);
  CHECK_STATUS(beam_stf_apply(NULL, 0, (const uint8_t*)"junk", 4, &post), BEAM_ERR_INVALID_ARGUMENT);

  /* Node creation errors. */
  beam_node* bad = NULL;
  CHECK_STATUS(beam_node_create(NULL, &bad), BEAM_ERR_INVALID_ARGUMENT);
  beam_node_config small;
  memset(&small, 0, sizeof(small));
  small.struct_size = 8;
  CHECK_STATUS(beam_node_create(&small, &bad), BEAM_ERR_INVALID_ARGUMENT);
  beam_node_config junk_state;
  memset(&junk_state, 0, sizeof(junk_state));
  junk_state.struct_size = sizeof(junk_state);
  junk_state.anchor_state_ssz = (const uint8_t*)"junk";
  junk_state.anchor_state_len = 4;
  CHECK_STATUS(beam_node_create(&junk_state, &bad), BEAM_ERR_DECODE);
  CHECK(bad == NULL);

  /* Two nodes: A proposes, the host carries the block to B. */
  const uint64_t all[4] = {0, 1, 2, 3};
  beam_node* a = make_node(&genesis, all, 4, /*worker=*/0);
  beam_node* b = make_node(&genesis, NULL, 0, /*worker=*/1);
  beam_checkpoint head_a, head_b, fin;
  CHECK_STATUS(beam_node_head(a, &head_a), BEAM_OK);
  CHECK(head_a.slot == 0);
  CHECK_STATUS(beam_node_head(NULL, &head_a), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_node_head(a, NULL), BEAM_ERR_INVALID_ARGUMENT);

  beam_buffer block = {NULL, 0};
  CHECK_STATUS(beam_node_produce_block(a, 1, 2, &block), BEAM_ERR_REJECTED);
  CHECK(strcmp(beam_last_rejection(), "WRONG_PROPOSER") == 0);
  CHECK_STATUS(beam_node_produce_block(a, 1, 1, &block), BEAM_OK);
  CHECK(block.len > 0);

  CHECK_STATUS(beam_node_on_gossip(b, BEAM_TOPIC_BLOCK, (const uint8_t*)"junk", 4, "peer-a"), BEAM_ERR_DECODE);
  CHECK_STATUS(beam_node_on_gossip(b, (beam_topic_kind)42, block.data, block.len, "peer-a"), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_node_on_gossip(NULL, BEAM_TOPIC_BLOCK, block.data, block.len, NULL), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_node_tick(b, 1 * 5), BEAM_OK);
  CHECK_STATUS(beam_node_on_gossip(b, BEAM_TOPIC_BLOCK, block.data, block.len, "peer-a"), BEAM_OK);
  CHECK_STATUS(beam_node_wait_idle(b), BEAM_OK);
  /* The producer's own head moves at its next head update (produce_block leaves it). */
  CHECK_STATUS(beam_node_tick(a, 1 * 5 + 4), BEAM_OK);
  CHECK_STATUS(beam_node_head(a, &head_a), BEAM_OK);
  CHECK_STATUS(beam_node_head(b, &head_b), BEAM_OK);
  CHECK(head_a.slot == 1 && head_b.slot == 1);
  CHECK(memcmp(head_a.root, head_b.root, 32) == 0);
  CHECK_STATUS(beam_node_finalized(b, &fin), BEAM_OK);
  CHECK(fin.slot == 0);

  /* A gossiped block that A imported twice is a no-op; an inline node reports
   * rejections directly. */
  CHECK_STATUS(beam_node_on_gossip(a, BEAM_TOPIC_BLOCK, block.data, block.len, NULL), BEAM_OK);

  /* The standalone STF reproduces B's head state. */
  CHECK_STATUS(beam_stf_apply(genesis.data, genesis.len, block.data, block.len, &post), BEAM_OK);
  beam_state_borrow* borrow = NULL;
  CHECK_STATUS(beam_state_borrow_head(b, &borrow), BEAM_OK);
  beam_buffer head_state = {NULL, 0};
  CHECK_STATUS(beam_state_borrow_serialize(borrow, &head_state), BEAM_OK);
  CHECK(head_state.len == post.len && memcmp(head_state.data, post.data, post.len) == 0);
  uint64_t slot = 0, validators = 0;
  CHECK_STATUS(beam_state_borrow_slot(borrow, &slot), BEAM_OK);
  CHECK(slot == 1);
  CHECK_STATUS(beam_state_borrow_validator_count(borrow, &validators), BEAM_OK);
  CHECK(validators == 4);
  CHECK_STATUS(beam_state_borrow_slot(NULL, &slot), BEAM_ERR_INVALID_ARGUMENT);
  uint8_t unknown[32] = {1};
  beam_state_borrow* none = NULL;
  CHECK_STATUS(beam_state_borrow_by_root(b, unknown, &none), BEAM_ERR_NOT_FOUND);
  CHECK(none == NULL);

  /* Votes for the block, then acceptance at interval 4. */
  beam_buffer data = {NULL, 0};
  CHECK_STATUS(beam_node_produce_attestation_data(a, 1, &data), BEAM_OK);
  CHECK(data.len == 8 + 3 * 40);

  /* Metrics. */
  beam_buffer metrics = {NULL, 0};
  CHECK_STATUS(beam_node_metrics_text(b, &metrics), BEAM_OK);
  CHECK(metrics.len > 0);
  {
    char* text = (char*)malloc(metrics.len + 1);
    memcpy(text, metrics.data, metrics.len);
    text[metrics.len] = 0;
    CHECK(strstr(text, "lean_head_slot 1") != NULL);
    CHECK(strstr(text, "beamcore_lock_hold_seconds_bucket") != NULL);
    free(text);
  }

  test_primitives(&block);
  test_catch_up_sync(&genesis);

  /* A borrow outlives its node. */
  beam_node_destroy(b);
  CHECK_STATUS(beam_state_borrow_slot(borrow, &slot), BEAM_OK);
  CHECK(slot == 1);
  beam_state_borrow_release(borrow);
  beam_node_destroy(a);

  beam_buffer_free(&metrics);
  beam_buffer_free(&data);
  beam_buffer_free(&head_state);
  beam_buffer_free(&post);
  beam_buffer_free(&block);
  beam_buffer_free(&genesis);
  CHECK(genesis.data == NULL && genesis.len == 0);

  return report("capi_test");
}
