/*
 * beamcore.h — the C ABI of libbeamcore 1.x: a lean consensus (Beam chain) node for
 * the leanSpec fork Lstar that a host drives, plus standalone consensus helpers, the
 * lean HTTP API and XMSS keys.
 *
 * This header is the stable contract: everything a host may rely on is declared here
 * (and in wire.h and locking.h), with C linkage and plain C types. The conventions
 * (status codes, buffers, versioned structs, NULL with length 0) are in common.h.
 * Internal C++ headers are not part of the contract.
 */
#ifndef BEAMCORE_BEAMCORE_H_
#define BEAMCORE_BEAMCORE_H_

#include "beamcore/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------- */
/* Standalone consensus helpers (thread-safe, no node needed)                */
/* ------------------------------------------------------------------------- */

typedef enum beam_ssz_type {
  BEAM_SSZ_STATE = 1,
  BEAM_SSZ_BLOCK = 2,
  BEAM_SSZ_SIGNED_BLOCK = 3,
  BEAM_SSZ_BLOCK_HEADER = 4,
  BEAM_SSZ_CHECKPOINT = 5,
  BEAM_SSZ_ATTESTATION_DATA = 6,
  BEAM_SSZ_SIGNED_ATTESTATION = 7,
  BEAM_SSZ_SIGNED_AGGREGATED_ATTESTATION = 8,
  BEAM_SSZ_STATUS = 9
} beam_ssz_type;

/* hash_tree_root of the SSZ value `ssz[0..len)` of `type` into out_root. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_hash_tree_root(beam_ssz_type type, const uint8_t* ssz,
                                                                    size_t len, uint8_t out_root[32]);

/* state_transition(pre_state, signed_block.block) — slots, block, state-root check;
 * signatures are not checked. On success *post_state receives the post-state SSZ. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_stf_apply(const uint8_t* pre_state_ssz, size_t pre_state_len,
                                                               const uint8_t* signed_block_ssz,
                                                               size_t signed_block_len, beam_buffer* post_state);

/* The block root (hash_tree_root of the inner Block) of a SignedBlock SSZ value. Not
 * the same as beam_hash_tree_root(BEAM_SSZ_SIGNED_BLOCK, ...), which hashes the
 * envelope. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_block_root(const uint8_t* signed_block_ssz, size_t len,
                                                                uint8_t out_root[32]);

/* generate_genesis: the genesis state (SSZ) for `validator_count` validators whose
 * attestation and proposal public keys are given as consecutive 52-byte SSZ
 * encodings (NULL: all-zero keys, for tests and benchmarks). */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_genesis_state(uint64_t genesis_time,
                                                                   const uint8_t* attestation_public_keys,
                                                                   const uint8_t* proposal_public_keys,
                                                                   size_t validator_count, beam_buffer* state_out);

/* ------------------------------------------------------------------------- */
/* Host interfaces                                                           */
/* ------------------------------------------------------------------------- */

typedef struct beam_checkpoint {
  uint8_t root[32];
  uint64_t slot;
} beam_checkpoint;

/* How bad a peer's misbehaviour was, for the host's peer scoring. */
typedef enum beam_peer_action {
  BEAM_PEER_FATAL = 1,           /* disconnect and ban */
  BEAM_PEER_LOW_TOLERANCE = 2,   /* provably invalid data (an invalid block or vote, undecodable bytes) */
  BEAM_PEER_MID_TOLERANCE = 3,   /* a request timed out; an unrequested response */
  BEAM_PEER_HIGH_TOLERANCE = 4   /* a server error; an empty answer */
} beam_peer_action;

/* Host networking. Called from the node's chain thread, its clock thread (request
 * timeouts) or the thread calling into the node; a callback must not block for long
 * and must not call back into the node (in particular, destroying the node from its
 * own callback would make its thread wait for itself). Any callback may be NULL. */
typedef struct beam_network_vtable {
  size_t struct_size;
  void* user_data; /* passed to every callback */
  /* Publish `ssz` on the gossip topic of `kind`. */
  void (*publish_gossip)(beam_topic_kind kind, const uint8_t* ssz, size_t len, void* user_data);
  /* Send a request to `peer_id`; answer with beam_node_on_response_chunk/_end and the
   * same request id. Without it the node cannot sync from peers. */
  void (*send_request)(const char* peer_id, beam_req_protocol protocol, const uint8_t* ssz, size_t len,
                       uint64_t request_id, void* user_data);
  /* Answer to a request the host passed to beam_node_on_request. */
  void (*send_response_chunk)(uint64_t request_id, const uint8_t* ssz, size_t len, void* user_data);
  /* End of the answer; result is a BEAM_RESP_* code. */
  void (*send_response_end)(uint64_t request_id, int32_t result, void* user_data);
  /* The peer misbehaved (`reason` is a short English sentence, valid during the call). */
  void (*report_peer)(const char* peer_id, beam_peer_action action, const char* reason, void* user_data);
  /* The node needs the block `root` (a parent it has not seen) and has no connected
   * peer to ask; a host may fetch it by other means. */
  void (*request_block)(const uint8_t root[32], void* user_data);
} beam_network_vtable;
#define BEAM_NETWORK_VTABLE_INIT {sizeof(beam_network_vtable), NULL, NULL, NULL, NULL, NULL, NULL, NULL}
/* For hosts that cannot use the macro (FFI): zeroes `struct_size` bytes at *vtable
 * (pass the host's own sizeof) and sets its struct_size; BEAM_ERR_INVALID_ARGUMENT for
 * NULL or a size below ABI 1.0's. Every _init function below works the same way. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_network_vtable_init(beam_network_vtable* vtable,
                                                                          size_t struct_size);

/* Host clock. With a clock the node runs a small thread that reads it and ticks the
 * node at every interval boundary (slot = 4 s, 5 intervals); without one the host
 * calls beam_node_tick. now_ms is called from that thread only. */
typedef struct beam_clock_vtable {
  size_t struct_size;
  void* user_data;
  uint64_t (*now_ms)(void* user_data); /* Unix time in milliseconds; required */
} beam_clock_vtable;
#define BEAM_CLOCK_VTABLE_INIT {sizeof(beam_clock_vtable), NULL, NULL}
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_clock_vtable_init(beam_clock_vtable* vtable, size_t struct_size);

/* A growable byte buffer the library owns; a host callback writes its output into it. */
typedef struct beam_bytes_sink beam_bytes_sink;
/* Appends `len` bytes. Valid only during the callback that received the sink. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_bytes_sink_append(beam_bytes_sink* sink, const uint8_t* data,
                                                                       size_t len);

/* Host aggregate-signature cryptography (leanMultisig), for BEAM_PROOFS_HOST. Public
 * keys are 52-byte SSZ encodings, concatenated; messages are 32-byte roots,
 * concatenated. Every callback may be called from several threads at once and returns
 * 0 on success (for verify: valid), 1 when the proof / input is invalid, anything else
 * when it could not do the work. All pointers are valid only during the call. All four
 * callbacks are required with BEAM_PROOFS_HOST. */
typedef struct beam_crypto_vtable {
  size_t struct_size;
  void* user_data;
  /* A single-message proof: every key in `public_keys` signed (message, slot). */
  int (*verify_single_message)(const uint8_t* public_keys, size_t num_public_keys, const uint8_t message[32],
                               uint64_t slot, const uint8_t* proof, size_t proof_len, void* user_data);
  /* A block's multi-message proof: component i binds keys_per_message[i] consecutive
   * keys of `public_keys` to messages[32*i..] at slots[i]. */
  int (*verify_multi_message)(const uint8_t* public_keys, const size_t* keys_per_message, size_t num_messages,
                              const uint8_t* messages, const uint64_t* slots, const uint8_t* proof, size_t proof_len,
                              void* user_data);
  /* Aggregates existing single-message proofs (child i: child_proof_lens[i] bytes of
   * `child_proofs`, keys_per_child[i] keys of `child_public_keys`) and raw XMSS
   * signatures (signature i: raw_signature_lens[i] bytes of `raw_signatures`, key i of
   * `raw_public_keys`) over (message, slot) into one proof, written to proof_out. */
  int (*aggregate_single_message)(const uint8_t* child_proofs, const size_t* child_proof_lens,
                                  const uint8_t* child_public_keys, const size_t* keys_per_child, size_t num_children,
                                  const uint8_t* raw_public_keys, const uint8_t* raw_signatures,
                                  const size_t* raw_signature_lens, size_t num_raw, const uint8_t message[32],
                                  uint64_t slot, beam_bytes_sink* proof_out, void* user_data);
  /* Merges single-message proofs into a block's multi-message proof: component i is
   * proof_lens[i] bytes of `proofs` over messages[32*i..] at slots[i], signed by
   * keys_per_proof[i] keys of `public_keys` (each attestation proof with its
   * participants' attestation keys). The last component of a produced block is the
   * proposer's part: an empty proof over the block root at the block's slot with the
   * proposer's proposal key, which the host signs and folds in. */
  int (*merge_multi_message)(const uint8_t* proofs, const size_t* proof_lens, const uint8_t* public_keys,
                             const size_t* keys_per_proof, const uint8_t* messages, const uint64_t* slots,
                             size_t num_proofs, beam_bytes_sink* proof_out, void* user_data);
} beam_crypto_vtable;
#define BEAM_CRYPTO_VTABLE_INIT {sizeof(beam_crypto_vtable), NULL, NULL, NULL, NULL, NULL}
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_crypto_vtable_init(beam_crypto_vtable* vtable,
                                                                         size_t struct_size);

typedef enum beam_log_level {
  BEAM_LOG_ERROR = 1,
  BEAM_LOG_WARN = 2,
  BEAM_LOG_INFO = 3,
  BEAM_LOG_DEBUG = 4
} beam_log_level;

/* Where the node's log lines go. `message` is one line without a newline, valid
 * during the call. Called from the node's threads and from host threads inside
 * beam_node_* calls; must not call back into the node. */
typedef struct beam_log_sink {
  size_t struct_size;
  void* user_data;
  beam_log_level max_level; /* lines above this level are not formatted at all */
  void (*log)(beam_log_level level, const char* message, void* user_data);
} beam_log_sink;
#define BEAM_LOG_SINK_INIT {sizeof(beam_log_sink), NULL, BEAM_LOG_INFO, NULL}
/* Also sets max_level to BEAM_LOG_INFO. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_log_sink_init(beam_log_sink* sink, size_t struct_size);

/* ------------------------------------------------------------------------- */
/* Node                                                                      */
/* ------------------------------------------------------------------------- */

typedef struct beam_node beam_node;

typedef enum beam_xmss_scheme { BEAM_XMSS_TEST = 0, BEAM_XMSS_PROD = 1 } beam_xmss_scheme;
/* Aggregate proofs: the spec's placeholder proofs (test networks), or the host's
 * prover and verifier through beam_node_config.crypto. */
typedef enum beam_proof_mode { BEAM_PROOFS_MOCKED = 0, BEAM_PROOFS_HOST = 1 } beam_proof_mode;
/* What a stored block survives (ABI 1.2). Either way a killed process loses nothing
 * the node stored and the database stays consistent (SQLite WAL).
 * NORMAL: commits are synced to disk at WAL checkpoints, not one by one: a power loss
 *   or OS crash may roll back the latest blocks and finalizations, and the node then
 *   restarts behind and syncs them again from peers. No fsync per block.
 * FULL: every block and finalization is synced before the node counts it: what the
 *   node reported survives a power loss. One fsync per stored block. */
typedef enum beam_storage_sync { BEAM_STORAGE_SYNC_NORMAL = 0, BEAM_STORAGE_SYNC_FULL = 1 } beam_storage_sync;

typedef struct beam_node_config {
  size_t struct_size;
  /* The anchor: a state and (optionally) its block. With anchor_block_ssz NULL the
   * block is rebuilt from the state's latest header, which only works for a block
   * with an empty body (genesis); any other state without its block is refused with
   * BEAM_ERR_FAILED_PRECONDITION. Checkpoint sync passes the finalized block's
   * message (the `block` of GET /lean/v0/blocks/finalized). Required. */
  const uint8_t* anchor_state_ssz;
  size_t anchor_state_len;
  const uint8_t* anchor_block_ssz;
  size_t anchor_block_len;
  /* Validators this node runs (their proposal slots count as has_proposal on ticks). */
  const uint64_t* validator_indices;
  size_t validator_count;
  int is_aggregator; /* the initial role; the lean API can switch it */
  int chain_worker;  /* nonzero (the default): mutations run on the node's own thread */
  beam_xmss_scheme xmss_scheme;
  beam_proof_mode proof_mode;
  /* Host interfaces, each copied at create and each may be NULL (crypto is required
   * with BEAM_PROOFS_HOST). Without a clock the host calls beam_node_tick. */
  const beam_network_vtable* network;
  const beam_clock_vtable* clock;
  const beam_crypto_vtable* crypto;
  const beam_log_sink* log;
  uint32_t request_timeout_ms; /* 0: 10000 (leanSpec RESP_TIMEOUT), in node time */
  uint32_t range_sync_batch;   /* blocks per BlocksByRange request; 0: 64 (max 1024) */
  /* Storage: a directory for the node's SQLite database (created if missing), or NULL
   * for memory only. A directory is used by one node at a time (another process's is
   * refused with BEAM_ERR_FAILED_PRECONDITION); it belongs to the chain of the anchor
   * it was created with. Reopening resumes from the stored finalized state and
   * replays the stored blocks above it. */
  const char* data_dir;
  /* ABI 1.2: how data_dir is synced (see beam_storage_sync); a 1.0/1.1 host's struct
   * ends before it and gets NORMAL. */
  beam_storage_sync storage_sync;
  /* ABI 1.2: threads verifying gossip vote signatures ahead of the chain worker (the
   * worker still decides every vote, in order, with the same result, and verifies
   * itself a vote no thread has started); 0: one per core; BEAM_VERIFY_THREADS_NONE:
   * no such thread. Unused with chain_worker 0. */
  uint32_t verify_threads;
  /* ABI 1.3: how far back BlocksByRange requests are served, in slots before the
   * current slot; older start slots are answered RESOURCE_UNAVAILABLE. 0: leanSpec's
   * MIN_SLOTS_FOR_BLOCK_REQUESTS (3600); BEAM_SERVE_HISTORY_ALL: every stored block
   * (an archive node, which lets a node further behind catch up by range). */
  uint64_t serve_history_slots;
} beam_node_config;
#define BEAM_VERIFY_THREADS_NONE 0xFFFFFFFFu
#define BEAM_SERVE_HISTORY_ALL UINT64_MAX
#define BEAM_NODE_CONFIG_INIT                                                                                    \
  {sizeof(beam_node_config), NULL, 0, NULL, 0, NULL, 0, 0, 1, BEAM_XMSS_TEST, BEAM_PROOFS_MOCKED, NULL, NULL, NULL, \
   NULL, 0, 0, NULL, BEAM_STORAGE_SYNC_NORMAL, 0, 0}
/* Zeroes `struct_size` bytes at *config, sets struct_size and the defaults: chain
 * worker on, TEST XMSS scheme, mocked proofs (as BEAM_NODE_CONFIG_INIT). */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_node_config_init(beam_node_config* config, size_t struct_size);

/* Creates a node; *out receives it. Free with beam_node_destroy. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_node_create(const beam_node_config* config, beam_node** out);
/* Stops the node's threads and frees it. NULL is a no-op. Outstanding state borrows
 * stay valid (they hold their own reference). */
BEAM_EXPORT void beam_node_destroy(beam_node* node);

/* Thread-safe. Advances the node's clock to `interval` (intervals since genesis). */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_node_tick(beam_node* node, uint64_t interval);
/* Thread-safe. A gossip message received from `peer_id` (may be NULL). Decoded here;
 * with the chain worker on it is queued and BEAM_OK means "accepted for processing":
 * the outcome reaches report_peer later (invalid blocks and provably invalid votes). */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_node_on_gossip(beam_node* node, beam_topic_kind kind,
                                                                    const uint8_t* ssz, size_t len,
                                                                    const char* peer_id);
/* Thread-safe. Peer events: on connect the node asks the peer for its Status (and
 * again every 8 slots) and then fetches what it is missing: far behind, by
 * BlocksByRange batches from its finalized slot; near, the peer's head by root and
 * then unknown parents by root, asking distinct peers in turn. Requests not answered
 * within request_timeout_ms of node time (ticks) expire: the peer is reported
 * (MID_TOLERANCE) and what it owed is asked of another peer. Disconnecting an unknown
 * peer is BEAM_ERR_NOT_FOUND. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_node_peer_connected(beam_node* node, const char* peer_id);
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_node_peer_disconnected(beam_node* node, const char* peer_id);
/* Thread-safe. A request from `peer_id`; the node answers through send_response_chunk
 * and send_response_end (before returning). BlocksByRange serves canonical blocks of
 * [start_slot, start_slot + count) in slot order (count 1..1024, else
 * BEAM_RESP_INVALID_REQUEST). */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_node_on_request(beam_node* node, const char* peer_id,
                                                                     beam_req_protocol protocol, const uint8_t* ssz,
                                                                     size_t len, uint64_t request_id);
/* Thread-safe. A response chunk / the end of the response for a request the node sent.
 * BEAM_ERR_NOT_FOUND for an unknown, finished or expired request id. A chunk that does
 * not answer the request (a block not asked for, out of the range or out of order,
 * undecodable) is refused and the peer reported. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_node_on_response_chunk(beam_node* node, uint64_t request_id,
                                                                            const uint8_t* ssz, size_t len);
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_node_on_response_end(beam_node* node, uint64_t request_id,
                                                                          int32_t result);

/* Thread-safe. Waits until everything queued so far has been processed. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_node_wait_idle(beam_node* node);

/* Thread-safe. Builds the block of `slot` as `proposer` on the node's head (the
 * node imports it) and returns the SignedBlock SSZ, its proof merged by the node's
 * prover (a placeholder in BEAM_PROOFS_MOCKED mode). BEAM_ERR_REJECTED with
 * WRONG_PROPOSER unless `proposer` is the slot's proposer. Advances the node's clock
 * to the slot's start. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_node_produce_block(beam_node* node, uint64_t slot,
                                                                        uint64_t proposer,
                                                                        beam_buffer* signed_block_out);
/* Thread-safe. The AttestationData (SSZ) a validator of this node votes at `slot`
 * (the head is updated first, as before any vote). BEAM_ERR_FAILED_PRECONDITION when
 * no valid vote exists this slot: the head's justified source is newer than the target
 * a lagging safe target allows (the spec asserts there); skip the vote. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_node_produce_attestation_data(beam_node* node, uint64_t slot,
                                                                                   beam_buffer* out);

/* Thread-safe reads of fork choice. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_node_head(beam_node* node, beam_checkpoint* out);
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_node_justified(beam_node* node, beam_checkpoint* out);
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_node_finalized(beam_node* node, beam_checkpoint* out);
/* Thread-safe. Prometheus text of the node's metrics into *out. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_node_metrics_text(beam_node* node, beam_buffer* out);

/* The node's own failures, each also sent to the log sink as an error line. After a
 * storage write failed the node refuses to import or produce blocks
 * (BEAM_ERR_FAILED_PRECONDITION): it does not count what it could not store. The call
 * that hit the failure itself, if the host made one, returns BEAM_ERR_INTERNAL with
 * the storage error. */
typedef struct beam_node_health {
  size_t struct_size;
  int storage_failed; /* 1 once a storage write failed */
  uint64_t faults;    /* failures so far */
} beam_node_health;
#define BEAM_NODE_HEALTH_INIT {sizeof(beam_node_health), 0, 0}
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_node_health_init(beam_node_health* health, size_t struct_size);
/* Thread-safe. Fills the fields *out's struct_size covers (the host sets it). */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_node_health_get(beam_node* node, beam_node_health* out);
/* Thread-safe. The last failure's message into *message (empty if none). */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_node_last_fault(beam_node* node, beam_buffer* message);

/* A read-only view of a chain state. It holds a reference (never a chain lock), so
 * it never blocks the node, and stays valid after beam_node_destroy. Release with
 * beam_state_borrow_release. Thread-safe to read from any thread. */
typedef struct beam_state_borrow beam_state_borrow;
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_state_borrow_head(beam_node* node, beam_state_borrow** out);
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_state_borrow_finalized(beam_node* node, beam_state_borrow** out);
/* BEAM_ERR_NOT_FOUND when the node keeps no state for `root`. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_state_borrow_by_root(beam_node* node, const uint8_t root[32],
                                                                          beam_state_borrow** out);
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_state_borrow_slot(const beam_state_borrow* borrow,
                                                                       uint64_t* out);
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_state_borrow_validator_count(const beam_state_borrow* borrow,
                                                                                  uint64_t* out);
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_state_borrow_latest_justified(const beam_state_borrow* borrow,
                                                                                   beam_checkpoint* out);
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_state_borrow_latest_finalized(const beam_state_borrow* borrow,
                                                                                   beam_checkpoint* out);
/* The state's SSZ encoding into *out. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_state_borrow_serialize(const beam_state_borrow* borrow,
                                                                            beam_buffer* out);
/* NULL is a no-op. */
BEAM_EXPORT void beam_state_borrow_release(beam_state_borrow* borrow);

/* ------------------------------------------------------------------------- */
/* Lean HTTP API (/lean/v0/... and /metrics), for the host's HTTP server     */
/* ------------------------------------------------------------------------- */

/* One HTTP response. The host sets struct_size (BEAM_API_RESPONSE_INIT); the library
 * fills the fields and the host releases them with beam_api_response_free (or each
 * buffer with beam_buffer_free). content_type and allow are also NUL-terminated (len
 * excludes the NUL); body is bytes (SSZ for the state and block routes). */
typedef struct beam_api_response {
  size_t struct_size;
  int32_t status_code;      /* 200, 400, 404, 405, 500 */
  beam_buffer content_type; /* e.g. "application/json" */
  beam_buffer body;         /* empty for HEAD */
  beam_buffer allow;        /* 405 only: the path's methods for the Allow header ("GET, HEAD, POST"); else empty */
} beam_api_response;
#define BEAM_API_RESPONSE_INIT {sizeof(beam_api_response), 0, {NULL, 0}, {NULL, 0}, {NULL, 0}}
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_api_response_init(beam_api_response* response,
                                                                        size_t struct_size);

/* Thread-safe (call it from any number of server threads; not from node callbacks).
 * Answers one request of leanSpec's lean API: `method` ("GET", case-sensitive; HEAD
 * wherever GET), `path` the request target in origin form ("/lean/v0/fork_choice"; a
 * "?query" is ignored), `body` the request body. Routes: GET /lean/v0/health,
 * /lean/v0/checkpoints/justified, /lean/v0/fork_choice (JSON); GET
 * /lean/v0/states/finalized, /lean/v0/blocks/finalized (SSZ,
 * application/octet-stream); GET and POST /lean/v0/admin/aggregator (JSON; POST
 * {"enabled": true|false} switches the node's aggregator role at run time and returns
 * {"is_aggregator": ..., "previous": ...}); GET /metrics (Prometheus text,
 * "text/plain; version=0.0.4; charset=utf-8"). Every HTTP answer, errors included, is
 * BEAM_OK with its status_code: unknown path 404, known path with another method 405,
 * malformed POST body 400, each with a JSON body {"code": N, "message": "..."}. The
 * admin route is unauthenticated (as in leanSpec): expose it only to trusted clients.
 * BEAM_ERR_INVALID_ARGUMENT for a NULL node/method/path/out or a too-small
 * struct_size. On every failure *out holds no buffers (with a too-small struct_size
 * it is not written at all). */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_api_handle(beam_node* node, const char* method,
                                                                const char* path, const uint8_t* body,
                                                                size_t body_len, beam_api_response* out);
/* Frees the response's buffers and resets them to {NULL, 0}. NULL is a no-op. */
BEAM_EXPORT void beam_api_response_free(beam_api_response* response);

/* ------------------------------------------------------------------------- */
/* XMSS keys and signing (validator duties)                                  */
/* ------------------------------------------------------------------------- */

/* A validator's XMSS secret key. Thread-safe (signing serializes on the key). */
typedef struct beam_xmss_key beam_xmss_key;
/* Public-key SSZ size (both schemes). */
#define BEAM_XMSS_PUBLIC_KEY_SIZE 52

/* Generates a key active for at least [activation_slot, activation_slot +
 * num_active_slots), deterministically from `seed` (the same seed gives the same key;
 * use 32 secret random bytes in production). TEST keys take milliseconds; PROD keys
 * take tens of seconds per bottom tree. Free with beam_xmss_key_destroy. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_xmss_key_generate(beam_xmss_scheme scheme,
                                                                       const uint8_t seed[32],
                                                                       uint64_t activation_slot,
                                                                       uint64_t num_active_slots,
                                                                       beam_xmss_key** out);
/* Loads a secret key from its SSZ encoding: leanSpec's SecretKey container, the
 * content of a validator key file (`*_sk.ssz` in the cross-client `hash-sig-keys/`
 * layout). The key's shape is checked (BEAM_ERR_DECODE when it is malformed or its
 * trees do not fit together); its hashes are not: compare beam_xmss_key_public with
 * the expected public key. Free with beam_xmss_key_destroy. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_xmss_key_from_ssz(beam_xmss_scheme scheme, const uint8_t* ssz,
                                                                       size_t len, beam_xmss_key** out);
/* The key's SSZ encoding (as beam_xmss_key_from_ssz reads it) into *out. It includes
 * the prepared window, which signing slides forward: save it again after signing if
 * the file is the key's only copy. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_xmss_key_to_ssz(beam_xmss_key* key, beam_buffer* out);
BEAM_EXPORT void beam_xmss_key_destroy(beam_xmss_key* key); /* NULL is a no-op */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_xmss_key_public(const beam_xmss_key* key,
                                                                     uint8_t out[BEAM_XMSS_PUBLIC_KEY_SIZE]);
/* Signs `message` for `slot` (the signature's SSZ into *signature_out). Never sign two
 * messages for one slot. BEAM_ERR_FAILED_PRECONDITION outside the key's active range. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_xmss_sign(beam_xmss_key* key, uint64_t slot,
                                                               const uint8_t message[32],
                                                               beam_buffer* signature_out);
/* BEAM_OK when valid, BEAM_ERR_REJECTED when not, BEAM_ERR_DECODE for malformed input. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_xmss_verify(beam_xmss_scheme scheme,
                                                                 const uint8_t public_key[BEAM_XMSS_PUBLIC_KEY_SIZE],
                                                                 uint64_t slot, const uint8_t message[32],
                                                                 const uint8_t* signature, size_t signature_len);
/* A validator's vote: signs hash_tree_root(attestation data) for data.slot with
 * `key` and returns the SignedAttestation SSZ, ready for beam_node_on_gossip on the
 * validator's own node and for publishing. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_attestation_sign(beam_xmss_key* key, uint64_t validator_index,
                                                                      const uint8_t* attestation_data_ssz,
                                                                      size_t len,
                                                                      beam_buffer* signed_attestation_out);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BEAMCORE_BEAMCORE_H_ */
