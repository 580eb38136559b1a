/*
 * locking.h — the chain's concurrency primitives in the C ABI, for hosts that want
 * them in their own bridge code: a locked map of byte strings and the block cache
 * (blocks waiting for their parent: block, SSZ and parent link under one lock). The
 * conventions of common.h hold. Every function is thread-safe.
 */
#ifndef BEAMCORE_LOCKING_H_
#define BEAMCORE_LOCKING_H_

#include "beamcore/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A mutex-protected hash map of byte strings. Values are copied in and out. */
typedef struct beam_locked_map beam_locked_map;
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_locked_map_create(beam_locked_map** out);
BEAM_EXPORT void beam_locked_map_destroy(beam_locked_map* map); /* NULL is a no-op */
/* *inserted (may be NULL) is 1 if the key was new, 0 if its value was replaced. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_locked_map_put(beam_locked_map* map, const uint8_t* key, size_t key_len,
                                            const uint8_t* value, size_t value_len, int* inserted);
/* BEAM_ERR_NOT_FOUND if absent. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_locked_map_get(beam_locked_map* map, const uint8_t* key, size_t key_len,
                                            beam_buffer* value);
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_locked_map_remove(beam_locked_map* map, const uint8_t* key, size_t key_len);
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_locked_map_fetch_remove(beam_locked_map* map, const uint8_t* key, size_t key_len,
                                                     beam_buffer* value);
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_locked_map_count(beam_locked_map* map, size_t* count);
/* Calls fn for every entry under the map's lock (pointers valid only during the call;
 * fn must not call into this map). A nonzero return from fn stops the iteration. */
typedef int (*beam_locked_map_visit_fn)(const uint8_t* key, size_t key_len, const uint8_t* value,
                                        size_t value_len, void* user_data);
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_locked_map_iterate(beam_locked_map* map, beam_locked_map_visit_fn fn, void* user_data);

/* Blocks waiting for their parent: block, SSZ bytes and parent link under one lock
 * (at most 1024 blocks). */
typedef struct beam_block_cache beam_block_cache;
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_block_cache_create(beam_block_cache** out);
BEAM_EXPORT void beam_block_cache_destroy(beam_block_cache* cache); /* NULL is a no-op */
/* Inserts the SignedBlock `ssz` under its block root (written to root_out if not
 * NULL); keeps the SSZ bytes too when keep_ssz is nonzero. Re-inserting is a no-op.
 * BEAM_ERR_RESOURCE_EXHAUSTED when full. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_block_cache_insert(beam_block_cache* cache, const uint8_t* ssz, size_t len,
                                                int keep_ssz, uint8_t root_out[32]);
/* The block's SignedBlock SSZ (an owned copy). BEAM_ERR_NOT_FOUND if absent. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_block_cache_get(beam_block_cache* cache, const uint8_t root[32], beam_buffer* ssz);
/* Removes the block and its parent link. BEAM_ERR_NOT_FOUND if absent. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_block_cache_remove(beam_block_cache* cache, const uint8_t root[32]);
/* Removes every cached descendant of `parent_root`; *removed (may be NULL) counts them. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_block_cache_remove_children(beam_block_cache* cache, const uint8_t parent_root[32],
                                                         size_t* removed);
/* The roots of the cached children of `parent_root`, concatenated (32 bytes each). */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_block_cache_children(beam_block_cache* cache, const uint8_t parent_root[32],
                                                  beam_buffer* roots);
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_block_cache_count(beam_block_cache* cache, size_t* count);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BEAMCORE_LOCKING_H_ */
