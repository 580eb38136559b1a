/*
 * common.h — what every header of libbeamcore's C ABI shares: the export and
 * attribute macros, the version, status codes and the thread-local last error, the
 * caller-owned byte buffer, and the network enums (gossip topics, req/resp protocols
 * and response codes). Included by beamcore.h, wire.h and locking.h, which do not
 * include each other.
 *
 * Conventions of the whole C ABI (libbeamcore 1.x):
 *  - Every call that can fail returns a beam_status: BEAM_OK (0) or a negative
 *    BEAM_ERR_* code. The code is also declared BEAM_WARN_UNUSED_RESULT: check it.
 *    On failure beam_last_error() says what went wrong (thread-local, valid until the
 *    next beam_* call on the same thread), and beam_status_string() names the code.
 *  - Byte inputs are (pointer, length) pairs; a NULL pointer is accepted when the
 *    length is 0 and means empty. Fixed-size inputs (roots, keys) are never NULL.
 *  - Bytes returned in a beam_buffer belong to the caller, who releases them with
 *    beam_buffer_free(); on failure the buffer is left {NULL, 0}.
 *  - Handles are opaque; every create has a destroy (or release), and destroy(NULL)
 *    is a no-op.
 *  - Structs passed in are versioned: `size_t struct_size` comes first (set it to
 *    sizeof the struct, best with its _INIT macro, or from FFI with its _init
 *    function, which takes the host's sizeof so that a newer library never writes
 *    past the host's struct), callback structs have `void* user_data` second, and
 *    new fields are only ever appended at the end. A host built against an older header passes a smaller struct_size and
 *    gets the defaults for the fields it does not have; a struct_size smaller than
 *    the first version's is rejected. Every callback receives the struct's user_data
 *    as its last argument.
 *  - No call throws or aborts on bad input; no C++ exception crosses the ABI.
 *  - Within 1.x, symbols and struct layouts are only added, never changed or removed
 *    (checked against abi/libbeamcore.symbols and abi/libbeamcore.abi).
 */
#ifndef BEAMCORE_COMMON_H_
#define BEAMCORE_COMMON_H_

#include <stddef.h>
#include <stdint.h>

/* BEAM_EXPORT marks the ABI's functions: exported from the shared library, imported
 * by its users. */
#ifndef BEAM_EXPORT
#if defined(_WIN32) || defined(__CYGWIN__)
#if defined(BEAMCORE_BUILDING)
#define BEAM_EXPORT __declspec(dllexport)
#else
#define BEAM_EXPORT __declspec(dllimport)
#endif
#elif defined(__GNUC__) || defined(__clang__)
#define BEAM_EXPORT __attribute__((visibility("default")))
#else
#define BEAM_EXPORT
#endif
#endif

/* Marks a function whose beam_status must be checked. */
#ifndef BEAM_WARN_UNUSED_RESULT
#if defined(__GNUC__) || defined(__clang__)
#define BEAM_WARN_UNUSED_RESULT __attribute__((warn_unused_result))
#else
#define BEAM_WARN_UNUSED_RESULT
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Version ------------------------------------------------------------------- */

#define BEAMCORE_VERSION_MAJOR 1
#define BEAMCORE_VERSION_MINOR 3
#define BEAMCORE_VERSION_PATCH 0

/* The library's version as a NUL-terminated "MAJOR.MINOR.PATCH" string in static
 * storage (never NULL, never freed). Compare with the BEAMCORE_VERSION_* this host was
 * built against: the ABI is the same for every 1.x. */
BEAM_EXPORT const char* beam_version_string(void);
/* (MAJOR << 16) | (MINOR << 8) | PATCH, e.g. 0x010000 for 1.0.0. */
BEAM_EXPORT unsigned beam_version_number(void);

/* ---- Status and errors ----------------------------------------------------------- */

typedef int32_t beam_status;
#define BEAM_OK 0
#define BEAM_ERR_INVALID_ARGUMENT (-1)  /* NULL pointer, bad size or enum value */
#define BEAM_ERR_DECODE (-2)            /* malformed SSZ or wire bytes */
#define BEAM_ERR_REJECTED (-3)          /* consensus rejection: see beam_last_rejection() */
#define BEAM_ERR_NOT_FOUND (-4)
#define BEAM_ERR_UNAVAILABLE (-5)       /* not now (e.g. a block waiting for its slot) */
#define BEAM_ERR_FAILED_PRECONDITION (-6)
#define BEAM_ERR_RESOURCE_EXHAUSTED (-7)
#define BEAM_ERR_INTERNAL (-8)

/* The name of a status code ("BEAM_OK", "BEAM_ERR_DECODE", ...; "BEAM_ERR_UNKNOWN"
 * for any other value), in static storage. */
BEAM_EXPORT const char* beam_status_string(beam_status status);
/* Thread-safe. The message of the last failed call on this thread ("" if none). */
BEAM_EXPORT const char* beam_last_error(void);
/* Thread-safe. For BEAM_ERR_REJECTED, the leanSpec RejectionReason name of the last
 * failed call on this thread (e.g. "UNKNOWN_PARENT_BLOCK"); "" otherwise. */
BEAM_EXPORT const char* beam_last_rejection(void);

/* ---- Buffers ------------------------------------------------------------------- */

/* A byte buffer returned by the library: owned by the caller. */
typedef struct beam_buffer {
  uint8_t* data;
  size_t len;
} beam_buffer;
/* Frees the bytes and resets the buffer to {NULL, 0}. NULL is a no-op. */
BEAM_EXPORT void beam_buffer_free(beam_buffer* buffer);

/* ---- Network enums --------------------------------------------------------------- */

typedef enum beam_topic_kind {
  BEAM_TOPIC_BLOCK = 1,        /* SignedBlock */
  BEAM_TOPIC_ATTESTATION = 2,  /* SignedAttestation */
  BEAM_TOPIC_AGGREGATE = 3     /* SignedAggregatedAttestation */
} beam_topic_kind;

/* Req/resp protocols (payloads are SSZ: Status answered by Status;
 * BlocksByRootRequest and BlocksByRangeRequest answered by SignedBlock chunks). */
typedef enum beam_req_protocol {
  BEAM_REQ_STATUS = 1,
  BEAM_REQ_BLOCKS_BY_ROOT = 2,
  BEAM_REQ_BLOCKS_BY_RANGE = 3
} beam_req_protocol;

/* Result of a response stream (leanSpec ResponseCode). */
#define BEAM_RESP_SUCCESS 0
#define BEAM_RESP_INVALID_REQUEST 1
#define BEAM_RESP_SERVER_ERROR 2
#define BEAM_RESP_RESOURCE_UNAVAILABLE 3

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BEAMCORE_COMMON_H_ */
