/* A plain-C test of the wire codecs (include/beamcore/wire.h) against the shared
 * library: leanSpec vectors for every beam_wire_* function, stream walking, and the
 * NULL, malformed and oversize inputs each one must refuse cleanly. */
#include <beamcore/wire.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "c_check.h"

/* Hex string to bytes; returns the length. */
static size_t unhex(const char* hex, uint8_t* out) {
  size_t n = strlen(hex) / 2;
  for (size_t i = 0; i < n; ++i) {
    unsigned v;
    sscanf(hex + 2 * i, "%2x", &v);
    out[i] = (uint8_t)v;
  }
  return n;
}

/* Whether buf holds exactly the bytes of `hex`. */
static int equals_hex(const beam_buffer* buf, const char* hex) {
  uint8_t want[512];
  size_t n = unhex(hex, want);
  return buf->len == n && (n == 0 || memcmp(buf->data, want, n) == 0);
}

static int is_cleared(const beam_buffer* buf) { return buf->data == NULL && buf->len == 0; }

static void test_varint(void) {
  uint8_t out[BEAM_WIRE_VARINT_MAX_LEN];
  size_t len = 0;
  CHECK_STATUS(beam_wire_varint_encode(300, out, &len), BEAM_OK);
  CHECK(len == 2 && out[0] == 0xac && out[1] == 0x02);
  CHECK_STATUS(beam_wire_varint_encode(UINT64_MAX, out, &len), BEAM_OK);
  CHECK(len == 10 && out[9] == 0x01);

  uint64_t value = 0;
  size_t consumed = 0;
  CHECK_STATUS(beam_wire_varint_decode(out, len, &value, &consumed), BEAM_OK);
  CHECK(value == UINT64_MAX && consumed == 10);
  const uint8_t with_tail[] = {0x96, 0x01, 0xff};
  CHECK_STATUS(beam_wire_varint_decode(with_tail, sizeof with_tail, &value, &consumed), BEAM_OK);
  CHECK(value == 150 && consumed == 2);

  const uint8_t truncated[] = {0x80};
  CHECK_STATUS(beam_wire_varint_decode(truncated, 1, &value, &consumed), BEAM_ERR_DECODE);
  CHECK(strstr(beam_last_error(), "truncated varint") != NULL);
  const uint8_t overlong[11] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80};
  CHECK_STATUS(beam_wire_varint_decode(overlong, 11, &value, &consumed), BEAM_ERR_DECODE);
  const uint8_t overflow[10] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
  CHECK_STATUS(beam_wire_varint_decode(overflow, 10, &value, &consumed), BEAM_ERR_DECODE);
  CHECK_STATUS(beam_wire_varint_decode(NULL, 0, &value, &consumed), BEAM_ERR_DECODE);

  CHECK_STATUS(beam_wire_varint_encode(1, NULL, &len), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_wire_varint_encode(1, out, NULL), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_wire_varint_decode(NULL, 3, &value, &consumed), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_wire_varint_decode(with_tail, 3, NULL, &consumed), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_wire_varint_decode(with_tail, 3, &value, NULL), BEAM_ERR_INVALID_ARGUMENT);
}

static void test_snappy_block(void) {
  const char* text = "Hello, Ethereum!";
  beam_buffer c = {NULL, 0}, d = {NULL, 0};
  CHECK_STATUS(beam_wire_snappy_compress((const uint8_t*)text, strlen(text), &c), BEAM_OK);
  CHECK(equals_hex(&c, "103c48656c6c6f2c20457468657265756d21"));
  CHECK_STATUS(beam_wire_snappy_decompress(c.data, c.len, &d), BEAM_OK);
  CHECK(d.len == strlen(text) && memcmp(d.data, text, d.len) == 0);
  beam_buffer_free(&c);
  beam_buffer_free(&d);
  CHECK(is_cleared(&c));

  CHECK_STATUS(beam_wire_snappy_compress(NULL, 0, &c), BEAM_OK);
  CHECK(equals_hex(&c, "00"));
  CHECK_STATUS(beam_wire_snappy_decompress(c.data, c.len, &d), BEAM_OK);
  CHECK(is_cleared(&d));
  beam_buffer_free(&c);

  uint8_t bad[16];
  size_t n = unhex("040101", bad); /* a copy before the start of the output */
  CHECK_STATUS(beam_wire_snappy_decompress(bad, n, &d), BEAM_ERR_DECODE);
  CHECK(is_cleared(&d));
  n = unhex("ffffffff0f00", bad); /* declares 4 GiB: refused before allocating */
  CHECK_STATUS(beam_wire_snappy_decompress(bad, n, &d), BEAM_ERR_DECODE);
  CHECK_STATUS(beam_wire_snappy_decompress(NULL, 0, &d), BEAM_ERR_DECODE);
  n = unhex("01004100", bad); /* bytes after the declared length */
  CHECK_STATUS(beam_wire_snappy_decompress(bad, n, &d), BEAM_ERR_DECODE);

  CHECK_STATUS(beam_wire_snappy_compress(NULL, 5, &c), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_wire_snappy_compress((const uint8_t*)text, 3, NULL), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_wire_snappy_decompress(bad, n, NULL), BEAM_ERR_INVALID_ARGUMENT);
}

static void test_snappy_frame(void) {
  const uint8_t data[] = {1, 2, 3, 4};
  beam_buffer f = {NULL, 0}, d = {NULL, 0};
  CHECK_STATUS(beam_wire_snappy_frame_encode(data, sizeof data, &f), BEAM_OK);
  CHECK(equals_hex(&f, "ff060000734e6150705901080000393d6bbc01020304"));
  CHECK_STATUS(beam_wire_snappy_frame_decode(f.data, f.len, &d), BEAM_OK);
  CHECK(d.len == 4 && memcmp(d.data, data, 4) == 0);
  beam_buffer_free(&d);

  f.data[f.len - 1] ^= 1; /* CRC mismatch */
  CHECK_STATUS(beam_wire_snappy_frame_decode(f.data, f.len, &d), BEAM_ERR_DECODE);
  CHECK(is_cleared(&d));
  beam_buffer_free(&f);

  uint8_t bad[32];
  size_t n = unhex("ff060000734e6150705903000000", bad); /* reserved unskippable chunk */
  CHECK_STATUS(beam_wire_snappy_frame_decode(bad, n, &d), BEAM_ERR_DECODE);
  n = unhex("00000000000000000000", bad); /* wrong stream identifier */
  CHECK_STATUS(beam_wire_snappy_frame_decode(bad, n, &d), BEAM_ERR_DECODE);
  n = unhex("ff060000734e6150705901100000", bad); /* chunk past the end */
  CHECK_STATUS(beam_wire_snappy_frame_decode(bad, n, &d), BEAM_ERR_DECODE);
  CHECK_STATUS(beam_wire_snappy_frame_decode(NULL, 0, &d), BEAM_ERR_DECODE);

  CHECK_STATUS(beam_wire_snappy_frame_encode(NULL, 0, &f), BEAM_OK);
  CHECK(equals_hex(&f, "ff060000734e61507059"));
  CHECK_STATUS(beam_wire_snappy_frame_decode(f.data, f.len, &d), BEAM_OK);
  CHECK(is_cleared(&d));
  beam_buffer_free(&f);

  CHECK_STATUS(beam_wire_snappy_frame_encode(NULL, 1, &f), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_wire_snappy_frame_encode(data, 4, NULL), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_wire_snappy_frame_decode(NULL, 1, &d), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_wire_snappy_frame_decode(data, 4, NULL), BEAM_ERR_INVALID_ARGUMENT);
}

static void test_request(void) {
  const uint8_t ssz[] = {1, 2, 3, 4};
  beam_buffer w = {NULL, 0}, d = {NULL, 0};
  CHECK_STATUS(beam_wire_request_encode(ssz, sizeof ssz, &w), BEAM_OK);
  CHECK(equals_hex(&w, "04ff060000734e6150705901080000393d6bbc01020304"));
  CHECK_STATUS(beam_wire_request_decode(w.data, w.len, &d), BEAM_OK);
  CHECK(d.len == 4 && memcmp(d.data, ssz, 4) == 0);
  beam_buffer_free(&d);
  w.data[0] = 5; /* declared length no longer matches */
  CHECK_STATUS(beam_wire_request_decode(w.data, w.len, &d), BEAM_ERR_DECODE);
  CHECK(is_cleared(&d));
  beam_buffer_free(&w);

  uint8_t bad[8];
  size_t n = unhex("81808005", bad); /* MAX_PAYLOAD_SIZE + 1 */
  CHECK_STATUS(beam_wire_request_decode(bad, n, &d), BEAM_ERR_DECODE);
  n = unhex("8080", bad);
  CHECK_STATUS(beam_wire_request_decode(bad, n, &d), BEAM_ERR_DECODE);
  CHECK_STATUS(beam_wire_request_decode(NULL, 0, &d), BEAM_ERR_DECODE);

  uint8_t* big = (uint8_t*)calloc(BEAM_WIRE_MAX_PAYLOAD_SIZE + 1, 1);
  CHECK(big != NULL);
  if (big != NULL) {
    CHECK_STATUS(beam_wire_request_encode(big, BEAM_WIRE_MAX_PAYLOAD_SIZE + 1, &w), BEAM_ERR_INVALID_ARGUMENT);
    CHECK(is_cleared(&w));
    CHECK_STATUS(beam_wire_request_encode(big, BEAM_WIRE_MAX_PAYLOAD_SIZE, &w), BEAM_OK);
    CHECK_STATUS(beam_wire_request_decode(w.data, w.len, &d), BEAM_OK);
    CHECK(d.len == BEAM_WIRE_MAX_PAYLOAD_SIZE);
    beam_buffer_free(&w);
    beam_buffer_free(&d);
    free(big);
  }

  CHECK_STATUS(beam_wire_request_encode(NULL, 4, &w), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_wire_request_encode(ssz, 4, NULL), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_wire_request_decode(NULL, 4, &d), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_wire_request_decode(ssz, 4, NULL), BEAM_ERR_INVALID_ARGUMENT);
}

static void test_response(void) {
  const char* msg = "bad request";
  beam_buffer w = {NULL, 0}, p = {NULL, 0};
  int32_t code = -1;
  size_t consumed = 0;
  CHECK_STATUS(beam_wire_response_chunk_encode(BEAM_RESP_INVALID_REQUEST, (const uint8_t*)msg, strlen(msg), &w),
               BEAM_OK);
  CHECK(equals_hex(&w, "010bff060000734e61507059010f00008a23d9c16261642072657175657374"));
  CHECK_STATUS(beam_wire_response_chunk_decode(w.data, w.len, &code, &p, &consumed), BEAM_OK);
  CHECK(code == BEAM_RESP_INVALID_REQUEST && consumed == w.len);
  CHECK(p.len == strlen(msg) && memcmp(p.data, msg, p.len) == 0);
  beam_buffer_free(&p);

  /* Every proper prefix is "not yet": BEAM_ERR_UNAVAILABLE. */
  for (size_t cut = 0; cut < w.len; ++cut) {
    CHECK_STATUS(beam_wire_response_chunk_decode(w.data, cut, &code, &p, &consumed), BEAM_ERR_UNAVAILABLE);
    CHECK(is_cleared(&p));
  }
  beam_buffer_free(&w);

  /* Walk a stream of two success chunks (leanSpec test_stream_two_success_chunks). */
  uint8_t stream[64];
  size_t n = unhex(
      "0004ff060000734e615070590108000090cea091deadbeef"
      "0004ff060000734e615070590108000047925c87cafebabe",
      stream);
  const char* payloads[] = {"deadbeef", "cafebabe"};
  size_t pos = 0;
  for (int i = 0; i < 2; ++i) {
    CHECK_STATUS(beam_wire_response_chunk_decode(stream + pos, n - pos, &code, &p, &consumed), BEAM_OK);
    CHECK(code == BEAM_RESP_SUCCESS && equals_hex(&p, payloads[i]));
    beam_buffer_free(&p);
    pos += consumed;
  }
  CHECK(pos == n);

  /* Unknown code bytes read as the spec says. */
  stream[0] = 0x80;
  CHECK_STATUS(beam_wire_response_chunk_decode(stream, n, &code, &p, &consumed), BEAM_OK);
  CHECK(code == BEAM_RESP_INVALID_REQUEST);
  beam_buffer_free(&p);
  stream[0] = 0x10;
  CHECK_STATUS(beam_wire_response_chunk_decode(stream, n, &code, &p, &consumed), BEAM_OK);
  CHECK(code == BEAM_RESP_SERVER_ERROR);
  beam_buffer_free(&p);

  uint8_t bad[16];
  n = unhex("0081808005", bad); /* declared length above the limit */
  CHECK_STATUS(beam_wire_response_chunk_decode(bad, n, &code, &p, &consumed), BEAM_ERR_DECODE);
  n = unhex("0004fe060000", bad); /* not a stream identifier */
  CHECK_STATUS(beam_wire_response_chunk_decode(bad, n, &code, &p, &consumed), BEAM_ERR_DECODE);

  CHECK_STATUS(beam_wire_response_chunk_encode(4, NULL, 0, &w), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_wire_response_chunk_encode(-1, NULL, 0, &w), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_wire_response_chunk_encode(BEAM_RESP_SUCCESS, NULL, 2, &w), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_wire_response_chunk_encode(BEAM_RESP_SUCCESS, NULL, 0, NULL), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_wire_response_chunk_decode(NULL, 2, &code, &p, &consumed), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_wire_response_chunk_decode(stream, 2, NULL, &p, &consumed), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_wire_response_chunk_decode(stream, 2, &code, NULL, &consumed), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_wire_response_chunk_decode(stream, 2, &code, &p, NULL), BEAM_ERR_INVALID_ARGUMENT);
}

static void test_error_chunk(void) {
  char long_msg[301];
  memset(long_msg, 'x', 300);
  long_msg[300] = '\0';
  beam_buffer w = {NULL, 0}, p = {NULL, 0};
  int32_t code = -1;
  size_t consumed = 0;
  CHECK_STATUS(beam_wire_response_error_encode(BEAM_RESP_SERVER_ERROR, long_msg, &w), BEAM_OK);
  CHECK_STATUS(beam_wire_response_chunk_decode(w.data, w.len, &code, &p, &consumed), BEAM_OK);
  CHECK(code == BEAM_RESP_SERVER_ERROR && p.len == BEAM_WIRE_MAX_ERROR_MESSAGE_SIZE);
  beam_buffer_free(&w);
  beam_buffer_free(&p);

  CHECK_STATUS(beam_wire_response_error_encode(BEAM_RESP_RESOURCE_UNAVAILABLE, "block not found", &w), BEAM_OK);
  CHECK(equals_hex(&w, "030fff060000734e615070590113000011defbac626c6f636b206e6f7420666f756e64"));
  beam_buffer_free(&w);

  CHECK_STATUS(beam_wire_response_error_encode(BEAM_RESP_SERVER_ERROR, "\xff\xfe", &w), BEAM_ERR_INVALID_ARGUMENT);
  CHECK(is_cleared(&w));
  CHECK_STATUS(beam_wire_response_error_encode(BEAM_RESP_SUCCESS, "ok", &w), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_wire_response_error_encode(7, "x", &w), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_wire_response_error_encode(BEAM_RESP_SERVER_ERROR, NULL, &w), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_wire_response_error_encode(BEAM_RESP_SERVER_ERROR, "x", NULL), BEAM_ERR_INVALID_ARGUMENT);
}

static void test_gossip_topic(void) {
  beam_buffer t = {NULL, 0};
  CHECK_STATUS(beam_wire_gossip_topic("12345678", BEAM_TOPIC_BLOCK, 0, &t), BEAM_OK);
  CHECK(t.len == strlen("/leanconsensus/12345678/block/ssz_snappy"));
  CHECK(strcmp((const char*)t.data, "/leanconsensus/12345678/block/ssz_snappy") == 0); /* NUL-terminated */
  beam_buffer_free(&t);
  CHECK_STATUS(beam_wire_gossip_topic("0xabcdef01", BEAM_TOPIC_ATTESTATION, 7, &t), BEAM_OK);
  CHECK(strcmp((const char*)t.data, "/leanconsensus/0xabcdef01/attestation_7/ssz_snappy") == 0);
  beam_buffer_free(&t);
  CHECK_STATUS(beam_wire_gossip_topic("12345678", BEAM_TOPIC_AGGREGATE, 99, &t), BEAM_OK);
  CHECK(strcmp((const char*)t.data, "/leanconsensus/12345678/aggregation/ssz_snappy") == 0);
  beam_buffer_free(&t);

  CHECK_STATUS(beam_wire_gossip_topic("12345678", (beam_topic_kind)99, 0, &t), BEAM_ERR_INVALID_ARGUMENT);
  CHECK(is_cleared(&t));
  CHECK_STATUS(beam_wire_gossip_topic("a/b", BEAM_TOPIC_BLOCK, 0, &t), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_wire_gossip_topic("\xff", BEAM_TOPIC_BLOCK, 0, &t), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_wire_gossip_topic(NULL, BEAM_TOPIC_BLOCK, 0, &t), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_wire_gossip_topic("x", BEAM_TOPIC_BLOCK, 0, NULL), BEAM_ERR_INVALID_ARGUMENT);
}

static void test_gossip_message_id(void) {
  const char* topic = "/leanconsensus/12345678/block/ssz_snappy";
  uint8_t id[BEAM_WIRE_MESSAGE_ID_LEN], want[BEAM_WIRE_MESSAGE_ID_LEN];
  uint8_t raw[8];
  int valid = -1;

  /* Not snappy: the raw bytes under the invalid domain (test_message_id_invalid_snappy). */
  size_t n = unhex("deadbeef", raw);
  CHECK_STATUS(beam_wire_gossip_message_id(topic, raw, n, id, &valid), BEAM_OK);
  unhex("2aff5124db8064dd9ddcdd7fc251397ab02527c7", want);
  CHECK(valid == 0 && memcmp(id, want, sizeof id) == 0);

  /* Snappy of deadbeef: the decompressed bytes under the valid domain
   * (test_message_id_valid_snappy). */
  n = unhex("040cdeadbeef", raw);
  CHECK_STATUS(beam_wire_gossip_message_id(topic, raw, n, id, &valid), BEAM_OK);
  unhex("8505fa518a9a5bb8376e4aba7bce5eae12a3dd48", want);
  CHECK(valid == 1 && memcmp(id, want, sizeof id) == 0);
  CHECK_STATUS(beam_wire_gossip_message_id(topic, raw, n, id, NULL), BEAM_OK);

  /* Too large to hash: leanSpec drops it. */
  uint8_t* big = (uint8_t*)malloc(BEAM_WIRE_MAX_PAYLOAD_SIZE + 1);
  CHECK(big != NULL);
  if (big != NULL) {
    memset(big, 0xff, BEAM_WIRE_MAX_PAYLOAD_SIZE + 1);
    CHECK_STATUS(beam_wire_gossip_message_id(topic, big, BEAM_WIRE_MAX_PAYLOAD_SIZE + 1, id, &valid),
                 BEAM_ERR_RESOURCE_EXHAUSTED);
    free(big);
  }

  CHECK_STATUS(beam_wire_gossip_message_id(NULL, raw, n, id, &valid), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_wire_gossip_message_id(topic, NULL, 3, id, &valid), BEAM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(beam_wire_gossip_message_id(topic, raw, n, NULL, &valid), BEAM_ERR_INVALID_ARGUMENT);
  /* Empty topic and message: not snappy (a block needs its length prefix). */
  CHECK_STATUS(beam_wire_gossip_message_id("", NULL, 0, id, &valid), BEAM_OK);
  unhex("15ec7bf0b50732b49f8228e07d24365338f9e3ab", want);
  CHECK(valid == 0 && memcmp(id, want, sizeof id) == 0);
}

int main(void) {
  test_varint();
  test_snappy_block();
  test_snappy_frame();
  test_request();
  test_response();
  test_error_chunk();
  test_gossip_topic();
  test_gossip_message_id();
  return report("wire_capi_test");
}
