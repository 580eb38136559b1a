/* c_host: a small C host of libbeamcore.
 *
 * Two nodes share four validators (node 0 runs 0 and 1 and aggregates; node 1 runs 2
 * and 3). They know each other only through their network vtables, wired together by
 * an in-memory message queue. Validators hold real TEST-scheme XMSS keys made from a
 * seed; every slot the proposer's node makes a block, every validator signs a vote,
 * the aggregator aggregates, and the nodes justify and finalize. A third node joins
 * late and catches up through Status and BlocksByRange served by node 0.
 *
 * Usage: c_host [slots]   (default 24). Exit status 0 only if finalization advanced
 * and every node agrees on the finalized checkpoint.
 */
#include <beamcore/beamcore.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NODES 3
#define VALIDATORS 4
#define INTERVALS_PER_SLOT 5

/* ------------------------------------------------------------------------- */
/* The in-memory network: callbacks only enqueue (they run on node threads and  */
/* must not call back into a node); the main loop delivers.                   */
/* ------------------------------------------------------------------------- */

typedef enum { MSG_GOSSIP, MSG_REQUEST, MSG_CHUNK, MSG_END } msg_kind;

typedef struct msg {
  msg_kind kind;
  int from, to;
  int topic_or_protocol;
  uint64_t request_id;
  int32_t result;
  uint8_t* data;
  size_t len;
  struct msg* next;
} msg;

/* A call that must succeed: on failure, say which and why, and stop. */
static void must(beam_status s, const char* what) {
  if (s != BEAM_OK) {
    fprintf(stderr, "%s: %s (%s)\n", what, beam_status_string(s), beam_last_error());
    exit(2);
  }
}

static pthread_mutex_t queue_mu = PTHREAD_MUTEX_INITIALIZER;
static msg* queue_head = NULL;
static msg* queue_tail = NULL;

/* One per node: its index, whom it is connected to, how often it reported a peer. */
typedef struct endpoint {
  int index;
  int connected[NODES];
  uint64_t penalties;
  uint64_t requests_sent[4]; /* by beam_req_protocol */
} endpoint;
static endpoint endpoints[NODES];
static beam_node* nodes[NODES];
static const char* peer_names[NODES] = {"node0", "node1", "node2"};

static void enqueue(msg_kind kind, int from, int to, int topic, uint64_t id, int32_t result, const uint8_t* data,
                    size_t len) {
  msg* m = (msg*)calloc(1, sizeof(msg));
  if (m == NULL) abort();
  m->kind = kind;
  m->from = from;
  m->to = to;
  m->topic_or_protocol = topic;
  m->request_id = id;
  m->result = result;
  if (len > 0) {
    m->data = (uint8_t*)malloc(len);
    if (m->data == NULL) abort();
    memcpy(m->data, data, len);
  }
  m->len = len;
  pthread_mutex_lock(&queue_mu);
  if (queue_tail != NULL) {
    queue_tail->next = m;
  } else {
    queue_head = m;
  }
  queue_tail = m;
  pthread_mutex_unlock(&queue_mu);
}

static msg* dequeue(void) {
  pthread_mutex_lock(&queue_mu);
  msg* m = queue_head;
  if (m != NULL) {
    queue_head = m->next;
    if (queue_head == NULL) queue_tail = NULL;
  }
  pthread_mutex_unlock(&queue_mu);
  return m;
}

static int peer_index(const char* name) {
  for (int i = 0; i < NODES; ++i) {
    if (strcmp(name, peer_names[i]) == 0) return i;
  }
  return -1;
}

static void on_publish(beam_topic_kind kind, const uint8_t* ssz, size_t len, void* user_data) {
  const endpoint* self = (const endpoint*)user_data;
  for (int to = 0; to < NODES; ++to) {
    if (to != self->index && self->connected[to]) enqueue(MSG_GOSSIP, self->index, to, (int)kind, 0, 0, ssz, len);
  }
}

static void on_send_request(const char* peer_id, beam_req_protocol protocol, const uint8_t* ssz, size_t len,
                            uint64_t request_id, void* user_data) {
  endpoint* self = (endpoint*)user_data;
  const int to = peer_index(peer_id);
  if ((int)protocol >= 1 && (int)protocol <= 3) ++self->requests_sent[protocol];
  if (to >= 0) enqueue(MSG_REQUEST, self->index, to, (int)protocol, request_id, 0, ssz, len);
}

/* The host gives each inbound request an id of its own, (asker << 48) | asker's id,
 * so the answer finds its way back to the asker with the asker's id. */
static uint64_t inbound_id(int asker, uint64_t id) { return ((uint64_t)asker << 48) | id; }

static void on_send_chunk(uint64_t request_id, const uint8_t* ssz, size_t len, void* user_data) {
  const endpoint* self = (const endpoint*)user_data;
  enqueue(MSG_CHUNK, self->index, (int)(request_id >> 48), 0, request_id & 0xffffffffffffULL, 0, ssz, len);
}

static void on_send_end(uint64_t request_id, int32_t result, void* user_data) {
  const endpoint* self = (const endpoint*)user_data;
  enqueue(MSG_END, self->index, (int)(request_id >> 48), 0, request_id & 0xffffffffffffULL, result, NULL, 0);
}

static void on_report_peer(const char* peer_id, beam_peer_action action, const char* reason, void* user_data) {
  endpoint* self = (endpoint*)user_data;
  ++self->penalties;
  fprintf(stderr, "  [%s] reports %s (action %d): %s\n", peer_names[self->index], peer_id, (int)action, reason);
}

static void on_log(beam_log_level level, const char* message, void* user_data) {
  const endpoint* self = (const endpoint*)user_data;
  if (level <= (getenv("C_HOST_DEBUG") ? BEAM_LOG_DEBUG : BEAM_LOG_WARN)) fprintf(stderr, "  [%s] %s\n", peer_names[self->index], message);
}

/* Delivers queued messages until the network and every node are idle. */
static int pump(void) {
  int failed = 0;
  for (;;) {
    msg* m = dequeue();
    if (m == NULL) {
      for (int i = 0; i < NODES; ++i) {
        if (nodes[i] != NULL) must(beam_node_wait_idle(nodes[i]), "beam_node_wait_idle");
      }
      m = dequeue(); /* the nodes' threads may have published meanwhile */
      if (m == NULL) return failed;
    }
    beam_node* to = nodes[m->to];
    beam_status s = BEAM_OK;
    if (to != NULL) {
      switch (m->kind) {
        case MSG_GOSSIP:
          s = beam_node_on_gossip(to, (beam_topic_kind)m->topic_or_protocol, m->data, m->len, peer_names[m->from]);
          break;
        case MSG_REQUEST:
          s = beam_node_on_request(to, peer_names[m->from], (beam_req_protocol)m->topic_or_protocol, m->data, m->len,
                                   inbound_id(m->from, m->request_id));
          break;
        case MSG_CHUNK:
          s = beam_node_on_response_chunk(to, m->request_id, m->data, m->len);
          break;
        case MSG_END:
          s = beam_node_on_response_end(to, m->request_id, m->result);
          break;
      }
    }
    /* A duplicate or late message is normal on a network; report anything else. */
    if (s != BEAM_OK && s != BEAM_ERR_UNAVAILABLE && strstr(beam_last_error(), "already") == NULL) {
      fprintf(stderr, "  delivery to %s failed (%d): %s\n", peer_names[m->to], (int)s, beam_last_error());
      ++failed;
    }
    free(m->data);
    free(m);
  }
}

static void connect_nodes(int a, int b) {
  endpoints[a].connected[b] = 1;
  endpoints[b].connected[a] = 1;
  must(beam_node_peer_connected(nodes[a], peer_names[b]), "beam_node_peer_connected");
  must(beam_node_peer_connected(nodes[b], peer_names[a]), "beam_node_peer_connected");
}

/* ------------------------------------------------------------------------- */
/* Nodes and validators                                                      */
/* ------------------------------------------------------------------------- */

static beam_node* create_node(int index, const beam_buffer* genesis, const uint64_t* validators, size_t count,
                              int aggregator) {
  endpoints[index].index = index;
  beam_network_vtable network = BEAM_NETWORK_VTABLE_INIT;
  network.publish_gossip = on_publish;
  network.send_request = on_send_request;
  network.send_response_chunk = on_send_chunk;
  network.send_response_end = on_send_end;
  network.report_peer = on_report_peer;
  network.user_data = &endpoints[index];
  beam_log_sink log = BEAM_LOG_SINK_INIT;
  log.log = on_log;
  log.max_level = getenv("C_HOST_DEBUG") ? BEAM_LOG_DEBUG : BEAM_LOG_WARN;
  log.user_data = &endpoints[index];
  beam_node_config config = BEAM_NODE_CONFIG_INIT; /* chain worker on, TEST keys, mocked proofs */
  config.anchor_state_ssz = genesis->data;
  config.anchor_state_len = genesis->len;
  config.validator_indices = validators;
  config.validator_count = count;
  config.is_aggregator = aggregator;
  config.network = &network;
  config.log = &log;
  config.range_sync_batch = 8;
  beam_node* node = NULL;
  if (beam_node_create(&config, &node) != BEAM_OK) {
    fprintf(stderr, "beam_node_create: %s\n", beam_last_error());
    exit(2);
  }
  return node;
}

static beam_xmss_key* make_key(uint64_t validator, int role) {
  uint8_t seed[32] = {0};
  memcpy(seed, "c_host example seed", 19);
  seed[30] = (uint8_t)role;
  seed[31] = (uint8_t)validator;
  beam_xmss_key* key = NULL;
  /* TEST keys live 256 slots; generating a whole lifetime takes ~15 ms. */
  if (beam_xmss_key_generate(BEAM_XMSS_TEST, seed, 0, 256, &key) != BEAM_OK) {
    fprintf(stderr, "beam_xmss_key_generate: %s\n", beam_last_error());
    exit(2);
  }
  return key;
}

static int node_of_validator(uint64_t v) { return v < 2 ? 0 : 1; }

static void tick_all(uint64_t interval) {
  for (int i = 0; i < NODES; ++i) {
    if (nodes[i] != NULL) must(beam_node_tick(nodes[i], interval), "beam_node_tick");
  }
  pump();
}

static void print_checkpoints(uint64_t slot) {
  printf("slot %3llu", (unsigned long long)slot);
  for (int i = 0; i < NODES; ++i) {
    if (nodes[i] == NULL) continue;
    beam_checkpoint head, justified, finalized;
    must(beam_node_head(nodes[i], &head), "beam_node_head");
    must(beam_node_justified(nodes[i], &justified), "beam_node_justified");
    must(beam_node_finalized(nodes[i], &finalized), "beam_node_finalized");
    printf(" | %s head %3llu (%02x%02x..) just %3llu fin %3llu", peer_names[i], (unsigned long long)head.slot,
           head.root[0], head.root[1], (unsigned long long)justified.slot, (unsigned long long)finalized.slot);
  }
  printf("\n");
}

int main(int argc, char** argv) {
  const uint64_t slots = argc > 1 ? strtoull(argv[1], NULL, 10) : 24;
  const uint64_t late_join_slot = slots / 2;
  printf("libbeamcore %s: %d validators, 2 nodes, a third joins at slot %llu\n", beam_version_string(), VALIDATORS,
         (unsigned long long)late_join_slot);

  /* Keys and genesis. */
  beam_xmss_key* attestation_keys[VALIDATORS];
  uint8_t attestation_pubkeys[VALIDATORS * BEAM_XMSS_PUBLIC_KEY_SIZE];
  uint8_t proposal_pubkeys[VALIDATORS * BEAM_XMSS_PUBLIC_KEY_SIZE];
  for (uint64_t v = 0; v < VALIDATORS; ++v) {
    attestation_keys[v] = make_key(v, 0);
    beam_xmss_key* proposal_key = make_key(v, 1);
    must(beam_xmss_key_public(attestation_keys[v], &attestation_pubkeys[v * BEAM_XMSS_PUBLIC_KEY_SIZE]),
         "beam_xmss_key_public");
    must(beam_xmss_key_public(proposal_key, &proposal_pubkeys[v * BEAM_XMSS_PUBLIC_KEY_SIZE]), "beam_xmss_key_public");
    beam_xmss_key_destroy(proposal_key); /* blocks carry mocked proofs in this example */
  }
  beam_buffer genesis = {NULL, 0};
  if (beam_genesis_state(0, attestation_pubkeys, proposal_pubkeys, VALIDATORS, &genesis) != BEAM_OK) {
    fprintf(stderr, "beam_genesis_state: %s\n", beam_last_error());
    return 2;
  }

  const uint64_t node0_validators[2] = {0, 1};
  const uint64_t node1_validators[2] = {2, 3};
  nodes[0] = create_node(0, &genesis, node0_validators, 2, /*aggregator=*/1);
  nodes[1] = create_node(1, &genesis, node1_validators, 2, /*aggregator=*/0);
  connect_nodes(0, 1);
  pump();

  int failed = 0;
  for (uint64_t slot = 1; slot <= slots; ++slot) {
    const uint64_t base = slot * INTERVALS_PER_SLOT;
    if (slot == late_join_slot) {
      nodes[2] = create_node(2, &genesis, NULL, 0, 0);
      must(beam_node_tick(nodes[2], base - 1), "beam_node_tick");
      connect_nodes(2, 0);
      connect_nodes(2, 1);
    }
    /* Interval 0: the proposer's node builds, imports and publishes the block. */
    tick_all(base);
    const uint64_t proposer = slot % VALIDATORS;
    beam_buffer block = {NULL, 0};
    if (beam_node_produce_block(nodes[node_of_validator(proposer)], slot, proposer, &block) != BEAM_OK) {
      fprintf(stderr, "slot %llu: produce_block: %s\n", (unsigned long long)slot, beam_last_error());
      ++failed;
    } else {
      on_publish(BEAM_TOPIC_BLOCK, block.data, block.len, &endpoints[node_of_validator(proposer)]);
      beam_buffer_free(&block);
    }
    failed += pump();

    /* Interval 1: every validator votes, signed with its XMSS key. */
    tick_all(base + 1);
    for (uint64_t v = 0; v < VALIDATORS; ++v) {
      const int home = node_of_validator(v);
      beam_buffer data = {NULL, 0}, vote = {NULL, 0};
      if (beam_node_produce_attestation_data(nodes[home], slot, &data) != BEAM_OK ||
          beam_attestation_sign(attestation_keys[v], v, data.data, data.len, &vote) != BEAM_OK) {
        fprintf(stderr, "slot %llu: vote of %llu: %s\n", (unsigned long long)slot, (unsigned long long)v,
                beam_last_error());
        ++failed;
      } else {
        must(beam_node_on_gossip(nodes[home], BEAM_TOPIC_ATTESTATION, vote.data, vote.len, NULL), "beam_node_on_gossip");
        on_publish(BEAM_TOPIC_ATTESTATION, vote.data, vote.len, &endpoints[home]);
      }
      beam_buffer_free(&data);
      beam_buffer_free(&vote);
    }
    failed += pump();

    /* Intervals 2-4: aggregation (node 0 publishes aggregates), acceptance. */
    for (uint64_t i = 2; i < INTERVALS_PER_SLOT; ++i) tick_all(base + i);
    print_checkpoints(slot);
  }

  /* Verdict: finalization advanced, and all nodes agree. */
  beam_checkpoint first;
  must(beam_node_finalized(nodes[0], &first), "beam_node_finalized");
  int ok = first.slot > 0 && failed == 0;
  for (int i = 1; i < NODES; ++i) {
    beam_checkpoint f, head0, head;
    must(beam_node_finalized(nodes[i], &f), "beam_node_finalized");
    must(beam_node_head(nodes[0], &head0), "beam_node_head");
    must(beam_node_head(nodes[i], &head), "beam_node_head");
    if (f.slot != first.slot || memcmp(f.root, first.root, 32) != 0) ok = 0;
    if (head.slot != head0.slot || memcmp(head.root, head0.root, 32) != 0) ok = 0;
  }
  for (int i = 0; i < NODES; ++i) {
    printf("%s sent %llu status, %llu blocks_by_root, %llu blocks_by_range requests; reported peers %llu times\n",
           peer_names[i], (unsigned long long)endpoints[i].requests_sent[BEAM_REQ_STATUS],
           (unsigned long long)endpoints[i].requests_sent[BEAM_REQ_BLOCKS_BY_ROOT],
           (unsigned long long)endpoints[i].requests_sent[BEAM_REQ_BLOCKS_BY_RANGE],
           (unsigned long long)endpoints[i].penalties);
  }
  /* The late node caught up by range. */
  if (endpoints[2].requests_sent[BEAM_REQ_BLOCKS_BY_RANGE] == 0) ok = 0;
  printf("finalized slot %llu on all nodes: %s (%d delivery failures)\n", (unsigned long long)first.slot,
         ok ? "yes" : "NO", failed);

  for (int i = 0; i < NODES; ++i) beam_node_destroy(nodes[i]);
  for (uint64_t v = 0; v < VALIDATORS; ++v) beam_xmss_key_destroy(attestation_keys[v]);
  beam_buffer_free(&genesis);
  return ok ? 0 : 1;
}
