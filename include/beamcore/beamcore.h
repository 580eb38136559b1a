/*
 * beamcore.h — public C API of libbeamcore.
 *
 * This header is the stable C ABI contract of the library: everything a host
 * may rely on is declared here, with C linkage and plain C types. Internal C++
 * headers are not part of the contract and may change at any time.
 */
#ifndef BEAMCORE_BEAMCORE_H_
#define BEAMCORE_BEAMCORE_H_

#include <stddef.h>
#include <stdint.h>

#ifndef BEAM_EXPORT
#define BEAM_EXPORT __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Returns the library version as a NUL-terminated "MAJOR.MINOR.PATCH" string
 * (e.g. "0.1.0"). The pointer refers to static storage owned by the library;
 * it is never NULL and must not be freed.
 */
BEAM_EXPORT const char* beam_version_string(void);

/**
 * Returns the library version encoded as (MAJOR << 16) | (MINOR << 8) | PATCH,
 * e.g. 0x000100 for 0.1.0.
 */
BEAM_EXPORT unsigned beam_version_number(void);


/* ------------------------------------------------------------------------- */
/* Conventions                                                               */
/*                                                                           */
/* Every call that can fail returns a beam_status: BEAM_OK (0) or a negative */
/* error code. On failure beam_last_error() describes what went wrong; it is */
/* thread-local and valid until the next beam_* call on the same thread.     */
/* Structs passed in start with `size_t struct_size` (set it to sizeof); a   */
/* larger size than the library knows is accepted, a smaller one rejected.   */
/* Buffers returned in a beam_buffer are owned by the caller and released    */
/* with beam_buffer_free(). destroy/release functions accept NULL.           */
/* No call throws or aborts on bad input.                                    */
/* ------------------------------------------------------------------------- */


#define BEAMCORE_VERSION_MAJOR 0
#define BEAMCORE_VERSION_MINOR 1
#define BEAMCORE_VERSION_PATCH 0

typedef int32_t beam_status;
#define BEAM_OK 0
#define BEAM_ERR_INVALID_ARGUMENT (-1)  /* NULL pointer, bad size or enum value */
#define BEAM_ERR_DECODE (-2)            /* malformed SSZ */
#define BEAM_ERR_REJECTED (-3)          /* consensus rejection: see beam_last_rejection() */
#define BEAM_ERR_NOT_FOUND (-4)
#define BEAM_ERR_UNAVAILABLE (-5)       /* not now (e.g. a block waiting for its slot) */
#define BEAM_ERR_FAILED_PRECONDITION (-6)
#define BEAM_ERR_RESOURCE_EXHAUSTED (-7)
#define BEAM_ERR_INTERNAL (-8)

/* Thread-safe. The message of the last failed call on this thread ("" if none). */
BEAM_EXPORT const char* beam_last_error(void);
/* Thread-safe. For BEAM_ERR_REJECTED, the leanSpec RejectionReason name of the last
 * failed call on this thread (e.g. "UNKNOWN_PARENT_BLOCK"); "" otherwise. */
BEAM_EXPORT const char* beam_last_rejection(void);

/* A byte buffer returned by the library: owned by the caller, freed with
 * beam_buffer_free(), which resets it to {NULL, 0}. */
typedef struct beam_buffer {
  uint8_t* data;
  size_t len;
} beam_buffer;
BEAM_EXPORT void beam_buffer_free(beam_buffer* buffer);

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
BEAM_EXPORT beam_status beam_hash_tree_root(beam_ssz_type type, const uint8_t* ssz, size_t len,
                                            uint8_t out_root[32]);

/* state_transition(pre_state, signed_block.block) — slots, block, state-root check;
 * signatures are not checked. On success *post_state receives the post-state SSZ. */
BEAM_EXPORT beam_status beam_stf_apply(const uint8_t* pre_state_ssz, size_t pre_state_len,
                                       const uint8_t* signed_block_ssz, size_t signed_block_len,
                                       beam_buffer* post_state);

/* The block root (hash_tree_root of the inner Block) of a SignedBlock SSZ value. Not
 * the same as beam_hash_tree_root(BEAM_SSZ_SIGNED_BLOCK, ...), which hashes the
 * envelope. */
BEAM_EXPORT beam_status beam_block_root(const uint8_t* signed_block_ssz, size_t len, uint8_t out_root[32]);

/* generate_genesis: the genesis state (SSZ) for `validator_count` validators whose
 * attestation and proposal public keys are given as consecutive 52-byte SSZ
 * encodings (NULL: all-zero keys, for tests and benchmarks). */
BEAM_EXPORT beam_status beam_genesis_state(uint64_t genesis_time, const uint8_t* attestation_public_keys,
                                           const uint8_t* proposal_public_keys, size_t validator_count,
                                           beam_buffer* state_out);

/* ------------------------------------------------------------------------- */
/* Node                                                                      */
/* ------------------------------------------------------------------------- */

typedef struct beam_node beam_node;

typedef struct beam_checkpoint {
  uint8_t root[32];
  uint64_t slot;
} beam_checkpoint;

typedef enum beam_topic_kind {
  BEAM_TOPIC_BLOCK = 1,        /* SignedBlock */
  BEAM_TOPIC_ATTESTATION = 2,  /* SignedAttestation */
  BEAM_TOPIC_AGGREGATE = 3     /* SignedAggregatedAttestation */
} beam_topic_kind;

/* Req/resp protocols the node speaks (payloads are SSZ: Status; BlocksByRootRequest
 * answered by SignedBlock chunks). */
typedef enum beam_req_protocol {
  BEAM_REQ_STATUS = 1,
  BEAM_REQ_BLOCKS_BY_ROOT = 2
} beam_req_protocol;

/* Host networking. Called from the node's chain thread or from the thread calling
 * into the node; must not block for long
 * and must not call back into the node (in particular, destroying the node from its
 * own callback would make its thread wait for itself). Any callback may be NULL. */
typedef struct beam_network_vtable {
  size_t struct_size;
  /* Publish `ssz` on the gossip topic of `kind`. */
  void (*publish_gossip)(beam_topic_kind kind, const uint8_t* ssz, size_t len, void* user_data);
  /* The node needs the block `root` (a parent it has not seen) and has no connected
   * peer to ask; a host may fetch it by other means. */
  void (*request_block)(const uint8_t root[32], void* user_data);
  void* user_data;
  /* --- Fields below were added after the first version; a host whose struct_size
   * ends before them gets none of them. --- */
  /* Send a request to `peer_id`; answer with beam_node_on_response_chunk/_end and the
   * same request id. */
  void (*send_request)(const char* peer_id, beam_req_protocol protocol, const uint8_t* ssz, size_t len,
                       uint64_t request_id, void* user_data);
  /* Answer to a request the host passed to beam_node_on_request. */
  void (*send_response_chunk)(uint64_t request_id, const uint8_t* ssz, size_t len, void* user_data);
  /* End of the answer; result 0 = success, 1 = invalid request, 2 = server error. */
  void (*send_response_end)(uint64_t request_id, int32_t result, void* user_data);
} beam_network_vtable;

typedef enum beam_xmss_scheme { BEAM_XMSS_TEST = 0, BEAM_XMSS_PROD = 1 } beam_xmss_scheme;
typedef enum beam_proof_mode { BEAM_PROOFS_MOCKED = 0 } beam_proof_mode;

typedef struct beam_node_config {
  size_t struct_size;
  /* The anchor: a state and (optionally) its block. With anchor_block NULL the block
   * is rebuilt from the state's latest header (genesis). */
  const uint8_t* anchor_state_ssz;
  size_t anchor_state_len;
  const uint8_t* anchor_block_ssz;
  size_t anchor_block_len;
  /* Validators this node runs (proposals count as "has_proposal" on ticks). */
  const uint64_t* validator_indices;
  size_t validator_count;
  int is_aggregator;
  int chain_worker;  /* nonzero: mutations run on the node's own thread */
  beam_xmss_scheme xmss_scheme;
  beam_proof_mode proof_mode;
  const beam_network_vtable* network; /* may be NULL; copied */
} beam_node_config;

/* Creates a node; *out receives it. Free with beam_node_destroy. */
BEAM_EXPORT beam_status beam_node_create(const beam_node_config* config, beam_node** out);
/* Stops the node's thread and frees it. NULL is a no-op. Outstanding state borrows
 * stay valid (they hold their own reference). */
BEAM_EXPORT void beam_node_destroy(beam_node* node);

/* Thread-safe. Advances the node's clock to `interval` (intervals since genesis). */
BEAM_EXPORT beam_status beam_node_tick(beam_node* node, uint64_t interval);
/* Thread-safe. A gossip message received from `peer_id` (may be NULL). Decoded here;
 * with the chain worker on it is queued and BEAM_OK means "accepted for processing". */
BEAM_EXPORT beam_status beam_node_on_gossip(beam_node* node, beam_topic_kind kind, const uint8_t* ssz, size_t len,
                                            const char* peer_id);
/* Thread-safe. Peer events: on connect the node asks the peer for its Status and
 * then fetches what it is missing (the peer's head and its unknown ancestors). */
BEAM_EXPORT beam_status beam_node_peer_connected(beam_node* node, const char* peer_id);
BEAM_EXPORT beam_status beam_node_peer_disconnected(beam_node* node, const char* peer_id);
/* Thread-safe. A request from `peer_id`; the node answers through send_response_chunk
 * and send_response_end (before returning). */
BEAM_EXPORT beam_status beam_node_on_request(beam_node* node, const char* peer_id, beam_req_protocol protocol,
                                             const uint8_t* ssz, size_t len, uint64_t request_id);
/* Thread-safe. A response chunk / the end of the response for a request the node sent.
 * BEAM_ERR_NOT_FOUND for an unknown (or finished) request id. */
BEAM_EXPORT beam_status beam_node_on_response_chunk(beam_node* node, uint64_t request_id, const uint8_t* ssz,
                                                    size_t len);
BEAM_EXPORT beam_status beam_node_on_response_end(beam_node* node, uint64_t request_id, int32_t result);

/* Thread-safe. Waits until everything queued so far has been processed. */
BEAM_EXPORT beam_status beam_node_wait_idle(beam_node* node);

/* Thread-safe. Builds the block of `slot` as `proposer` on the node's head (the
 * node imports it) and returns the SignedBlock SSZ, its proof merged by the node's
 * prover (a placeholder in BEAM_PROOFS_MOCKED mode). BEAM_ERR_REJECTED with
 * WRONG_PROPOSER unless `proposer` is the slot's proposer. Advances the node's clock
 * to the slot's start. */
BEAM_EXPORT beam_status beam_node_produce_block(beam_node* node, uint64_t slot, uint64_t proposer,
                                                beam_buffer* signed_block_out);
/* Thread-safe. The AttestationData (SSZ) a validator of this node votes at `slot`
 * (the head is updated first, as before any vote). */
BEAM_EXPORT beam_status beam_node_produce_attestation_data(beam_node* node, uint64_t slot, beam_buffer* out);

/* Thread-safe reads of fork choice. */
BEAM_EXPORT beam_status beam_node_head(beam_node* node, beam_checkpoint* out);
BEAM_EXPORT beam_status beam_node_justified(beam_node* node, beam_checkpoint* out);
BEAM_EXPORT beam_status beam_node_finalized(beam_node* node, beam_checkpoint* out);
/* Thread-safe. Prometheus text of the node's metrics into *out. */
BEAM_EXPORT beam_status beam_node_metrics_text(beam_node* node, beam_buffer* out);

/* A read-only view of a chain state. It holds a reference (never a chain lock), so
 * it never blocks the node, and stays valid after beam_node_destroy. Release with
 * beam_state_borrow_release. Thread-safe to read from any thread. */
typedef struct beam_state_borrow beam_state_borrow;
BEAM_EXPORT beam_status beam_state_borrow_head(beam_node* node, beam_state_borrow** out);
BEAM_EXPORT beam_status beam_state_borrow_finalized(beam_node* node, beam_state_borrow** out);
/* BEAM_ERR_NOT_FOUND when the node keeps no state for `root`. */
BEAM_EXPORT beam_status beam_state_borrow_by_root(beam_node* node, const uint8_t root[32], beam_state_borrow** out);
BEAM_EXPORT beam_status beam_state_borrow_slot(const beam_state_borrow* borrow, uint64_t* out);
BEAM_EXPORT beam_status beam_state_borrow_validator_count(const beam_state_borrow* borrow, uint64_t* out);
BEAM_EXPORT beam_status beam_state_borrow_latest_justified(const beam_state_borrow* borrow, beam_checkpoint* out);
BEAM_EXPORT beam_status beam_state_borrow_latest_finalized(const beam_state_borrow* borrow, beam_checkpoint* out);
/* The state's SSZ encoding into *out. */
BEAM_EXPORT beam_status beam_state_borrow_serialize(const beam_state_borrow* borrow, beam_buffer* out);
/* NULL is a no-op. */
BEAM_EXPORT void beam_state_borrow_release(beam_state_borrow* borrow);

/* ------------------------------------------------------------------------- */
/* The chain's concurrency primitives, for hosts that want them in their     */
/* bridge. All functions are thread-safe.                                    */
/* ------------------------------------------------------------------------- */

/* A mutex-protected hash map of byte strings. Values are copied in and out. */
typedef struct beam_locked_map beam_locked_map;
BEAM_EXPORT beam_status beam_locked_map_create(beam_locked_map** out);
BEAM_EXPORT void beam_locked_map_destroy(beam_locked_map* map); /* NULL is a no-op */
/* *inserted (may be NULL) is 1 if the key was new, 0 if its value was replaced. */
BEAM_EXPORT beam_status beam_locked_map_put(beam_locked_map* map, const uint8_t* key, size_t key_len,
                                            const uint8_t* value, size_t value_len, int* inserted);
/* BEAM_ERR_NOT_FOUND if absent. */
BEAM_EXPORT beam_status beam_locked_map_get(beam_locked_map* map, const uint8_t* key, size_t key_len,
                                            beam_buffer* value);
BEAM_EXPORT beam_status beam_locked_map_remove(beam_locked_map* map, const uint8_t* key, size_t key_len);
BEAM_EXPORT beam_status beam_locked_map_fetch_remove(beam_locked_map* map, const uint8_t* key, size_t key_len,
                                                     beam_buffer* value);
BEAM_EXPORT beam_status beam_locked_map_count(beam_locked_map* map, size_t* count);
/* Calls fn for every entry under the map's lock (pointers valid only during the call;
 * fn must not call into this map). A nonzero return from fn stops the iteration. */
typedef int (*beam_locked_map_visit_fn)(const uint8_t* key, size_t key_len, const uint8_t* value,
                                        size_t value_len, void* user_data);
BEAM_EXPORT beam_status beam_locked_map_iterate(beam_locked_map* map, beam_locked_map_visit_fn fn, void* user_data);

/* Blocks waiting for their parent: block, SSZ bytes and parent link under one lock
 * (at most 1024 blocks). */
typedef struct beam_block_cache beam_block_cache;
BEAM_EXPORT beam_status beam_block_cache_create(beam_block_cache** out);
BEAM_EXPORT void beam_block_cache_destroy(beam_block_cache* cache); /* NULL is a no-op */
/* Inserts the SignedBlock `ssz` under its block root (written to root_out if not
 * NULL); keeps the SSZ bytes too when keep_ssz is nonzero. Re-inserting is a no-op.
 * BEAM_ERR_RESOURCE_EXHAUSTED when full. */
BEAM_EXPORT beam_status beam_block_cache_insert(beam_block_cache* cache, const uint8_t* ssz, size_t len,
                                                int keep_ssz, uint8_t root_out[32]);
/* The block's SignedBlock SSZ (an owned copy). BEAM_ERR_NOT_FOUND if absent. */
BEAM_EXPORT beam_status beam_block_cache_get(beam_block_cache* cache, const uint8_t root[32], beam_buffer* ssz);
/* Removes the block and its parent link. BEAM_ERR_NOT_FOUND if absent. */
BEAM_EXPORT beam_status beam_block_cache_remove(beam_block_cache* cache, const uint8_t root[32]);
/* Removes every cached descendant of `parent_root`; *removed (may be NULL) counts them. */
BEAM_EXPORT beam_status beam_block_cache_remove_children(beam_block_cache* cache, const uint8_t parent_root[32],
                                                         size_t* removed);
/* The roots of the cached children of `parent_root`, concatenated (32 bytes each). */
BEAM_EXPORT beam_status beam_block_cache_children(beam_block_cache* cache, const uint8_t parent_root[32],
                                                  beam_buffer* roots);
BEAM_EXPORT beam_status beam_block_cache_count(beam_block_cache* cache, size_t* count);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BEAMCORE_BEAMCORE_H_ */
