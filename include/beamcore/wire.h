/*
 * wire.h — the lean-consensus wire codecs of libbeamcore, for hosts that run the
 * libp2p side themselves (leanSpec node/networking and node/snappy):
 *
 *   - unsigned LEB128 varints;
 *   - snappy blocks (gossip payloads) and the snappy framing format;
 *   - req/resp requests [varint length][snappy frame] and response chunks
 *     [code][varint length][snappy frame];
 *   - gossip topic strings and gossip message ids.
 *
 * Part of the C ABI; includes only common.h, whose conventions hold (status codes
 * and beam_last_error(), caller-owned buffers, NULL with length 0). Malformed input
 * is BEAM_ERR_DECODE (beam_last_error() says what is wrong), a bad argument
 * BEAM_ERR_INVALID_ARGUMENT. Nothing larger than BEAM_WIRE_MAX_PAYLOAD_SIZE is ever
 * decoded or allocated from a length a peer declared. Every function is thread-safe
 * (no shared state) and needs no node.
 *
 * Encoders produce the same bytes as leanSpec, byte for byte.
 */
#ifndef BEAMCORE_WIRE_H_
#define BEAMCORE_WIRE_H_

#include "beamcore/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* MAX_PAYLOAD_SIZE: the largest uncompressed req/resp or gossip payload (10 MiB). */
#define BEAM_WIRE_MAX_PAYLOAD_SIZE (10u * 1024u * 1024u)
/* MAX_ERROR_MESSAGE_SIZE: error messages in response chunks are cut to this many bytes. */
#define BEAM_WIRE_MAX_ERROR_MESSAGE_SIZE 256u
/* The longest varint (a uint64). */
#define BEAM_WIRE_VARINT_MAX_LEN 10u
/* A gossip message id. */
#define BEAM_WIRE_MESSAGE_ID_LEN 20u

/* ---- Varints ------------------------------------------------------------------ */

/* Writes the 1..10-byte LEB128 encoding of `value` to out[0..*out_len). */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_wire_varint_encode(uint64_t value, uint8_t out[BEAM_WIRE_VARINT_MAX_LEN], size_t* out_len);

/* Decodes the varint at the start of data[0..len) (later bytes are ignored): its value
 * and how many bytes it took (*consumed). BEAM_ERR_DECODE when the input ends inside
 * the varint, runs past 10 bytes, or overflows 64 bits. Non-minimal encodings are
 * accepted, as in leanSpec. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_wire_varint_decode(const uint8_t* data, size_t len, uint64_t* value, size_t* consumed);

/* ---- Snappy blocks (gossip) ------------------------------------------------------ */

/* Compresses data[0..len) into one snappy block ([varint length][elements]). *out
 * receives the block (caller-owned, free with beam_buffer_free). Input longer than
 * 2^32 - 1 bytes is BEAM_ERR_INVALID_ARGUMENT. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_wire_snappy_compress(const uint8_t* data, size_t len, beam_buffer* out);

/* Decompresses one snappy block. *out receives the data (caller-owned, free with
 * beam_buffer_free). BEAM_ERR_DECODE for an empty or malformed block, one declaring
 * more than BEAM_WIRE_MAX_PAYLOAD_SIZE bytes (checked before allocating), or one with
 * bytes after its declared length. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_wire_snappy_decompress(const uint8_t* data, size_t len, beam_buffer* out);

/* ---- Snappy framing format (req/resp payloads) ------------------------------------ */

/* Encodes data[0..len) as a framed stream: the stream identifier, then one chunk per
 * 64 KiB with its masked CRC-32C. *out receives the stream (caller-owned, free with
 * beam_buffer_free). */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_wire_snappy_frame_encode(const uint8_t* data, size_t len, beam_buffer* out);

/* Decodes all of data[0..len) as one framed stream. *out receives the data
 * (caller-owned, free with beam_buffer_free). BEAM_ERR_DECODE for a missing or wrong
 * stream identifier, a truncated chunk, a CRC mismatch, a chunk over 64 KiB, a
 * malformed snappy block, a reserved unskippable chunk type (0x02..0x7f), or more than
 * BEAM_WIRE_MAX_PAYLOAD_SIZE bytes of output. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_wire_snappy_frame_decode(const uint8_t* data, size_t len, beam_buffer* out);

/* ---- Req/resp ------------------------------------------------------------------- */

/* A request: [varint len(ssz)][snappy frame of ssz]. *out receives the wire bytes
 * (caller-owned, free with beam_buffer_free). BEAM_ERR_INVALID_ARGUMENT when `len` is
 * above BEAM_WIRE_MAX_PAYLOAD_SIZE. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_wire_request_encode(const uint8_t* ssz, size_t len, beam_buffer* out);

/* Decodes all of data[0..len) as one request. *ssz_out receives the SSZ payload
 * (caller-owned, free with beam_buffer_free). BEAM_ERR_DECODE for empty input, a
 * malformed length, a declared length above BEAM_WIRE_MAX_PAYLOAD_SIZE, a malformed
 * frame, or a payload whose size differs from the declared length. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_wire_request_decode(const uint8_t* data, size_t len, beam_buffer* ssz_out);

/* One response chunk: [code][varint len(payload)][snappy frame of payload], where
 * `code` is a BEAM_RESP_* value (common.h). *out receives the wire bytes
 * (caller-owned, free with beam_buffer_free). BEAM_ERR_INVALID_ARGUMENT for another
 * code or a payload above BEAM_WIRE_MAX_PAYLOAD_SIZE. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_wire_response_chunk_encode(int32_t code, const uint8_t* payload, size_t len,
                                                        beam_buffer* out);

/* An error chunk carrying the NUL-terminated UTF-8 `message`, cut to at most
 * BEAM_WIRE_MAX_ERROR_MESSAGE_SIZE bytes without splitting a character. `code` must be
 * BEAM_RESP_INVALID_REQUEST, BEAM_RESP_SERVER_ERROR or BEAM_RESP_RESOURCE_UNAVAILABLE.
 * *out receives the wire bytes (caller-owned, free with beam_buffer_free).
 * BEAM_ERR_INVALID_ARGUMENT for another code, a NULL message or invalid UTF-8. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_wire_response_error_encode(int32_t code, const char* message, beam_buffer* out);

/* Reads the response chunk at the start of data[0..len), so that a host can walk a
 * stream of chunks: on success *code is its BEAM_RESP_* code (unknown code bytes read
 * as leanSpec does: 4..127 as BEAM_RESP_SERVER_ERROR, 128..255 as
 * BEAM_RESP_INVALID_REQUEST), *payload its payload (caller-owned, free with
 * beam_buffer_free; SSZ for success, the error message's bytes otherwise, not
 * NUL-terminated) and *consumed the bytes it took: the next chunk starts at
 * data + *consumed. The chunk's frame ends with the frame chunk that completes its
 * declared length.
 * BEAM_ERR_UNAVAILABLE when data[0..len) is only the beginning of a chunk: call again
 * with more bytes, or, if the stream has ended, treat the response as truncated.
 * BEAM_ERR_DECODE for a malformed chunk (bad length, declared length above
 * BEAM_WIRE_MAX_PAYLOAD_SIZE, bad frame, a frame producing more than declared). */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_wire_response_chunk_decode(const uint8_t* data, size_t len, int32_t* code,
                                                        beam_buffer* payload, size_t* consumed);

/* ---- Gossip --------------------------------------------------------------------- */

/* The gossip topic string "/leanconsensus/<network_name>/<name>/ssz_snappy", where
 * <name> is "block", "aggregation" or, for BEAM_TOPIC_ATTESTATION,
 * "attestation_<subnet_id>" (subnet_id is ignored for the other kinds). network_name
 * is a NUL-terminated UTF-8 string used as given (a network name or a fork digest in
 * hex, with or without "0x") and must not contain '/'. *out receives the string
 * (caller-owned, free with beam_buffer_free): out->len bytes, followed by a NUL that
 * out->len does not count. BEAM_ERR_INVALID_ARGUMENT for a NULL or invalid name or an
 * unknown kind. */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_wire_gossip_topic(const char* network_name, beam_topic_kind kind, uint64_t subnet_id,
                                               beam_buffer* out);

/* The 20-byte gossipsub message id of a gossip message: SHA-256 over the 4-byte domain,
 * the topic length (uint64 little-endian), the topic and the data, truncated. When the
 * raw message (`data`, as received or as published: snappy block compressed)
 * decompresses, the data is the decompressed message and the domain 01000000
 * (*valid_snappy = 1); otherwise the raw bytes with domain 00000000 (*valid_snappy =
 * 0). `topic` is the NUL-terminated topic string; valid_snappy may be NULL.
 * BEAM_ERR_RESOURCE_EXHAUSTED when the data to hash would exceed
 * BEAM_WIRE_MAX_PAYLOAD_SIZE (leanSpec drops such messages). */
BEAM_EXPORT BEAM_WARN_UNUSED_RESULT beam_status beam_wire_gossip_message_id(const char* topic, const uint8_t* data, size_t len,
                                                    uint8_t out_id[BEAM_WIRE_MESSAGE_ID_LEN], int* valid_snappy);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BEAMCORE_WIRE_H_ */
