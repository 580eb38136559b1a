#include "demo_crypto.h"

#include <cstring>

namespace devnet {
namespace {

constexpr size_t kKey = BEAM_XMSS_PUBLIC_KEY_SIZE;
constexpr char kSingleTag[8] = {'D', 'E', 'V', 'N', 'E', 'T', 'S', 'M'};
constexpr char kMultiTag[8] = {'D', 'E', 'V', 'N', 'E', 'T', 'M', 'M'};

uint64_t Fnv(const uint8_t* data, size_t len, uint64_t h = 1469598103934665603ULL) {
  for (size_t i = 0; i < len; ++i) h = (h ^ data[i]) * 1099511628211ULL;
  return h;
}

// Order-independent over the keys (participant order and aggregation order differ).
uint64_t KeysDigest(const uint8_t* keys, size_t n) {
  uint64_t sum = 0;
  for (size_t i = 0; i < n; ++i) sum += Fnv(keys + i * kKey, kKey);
  return sum;
}

uint64_t SingleDigest(const uint8_t message[32], uint64_t slot, uint64_t keys_digest) {
  uint64_t h = Fnv(message, 32);
  h = Fnv(reinterpret_cast<const uint8_t*>(&slot), sizeof slot, h);
  return h + keys_digest;
}

int Emit(const char tag[8], uint64_t digest, beam_bytes_sink* out) {
  uint8_t proof[16];
  std::memcpy(proof, tag, 8);
  std::memcpy(proof + 8, &digest, 8);
  return beam_bytes_sink_append(out, proof, sizeof proof) == BEAM_OK ? 0 : 2;
}

bool Matches(const char tag[8], uint64_t digest, const uint8_t* proof, size_t len) {
  return len == 16 && std::memcmp(proof, tag, 8) == 0 && std::memcmp(proof + 8, &digest, 8) == 0;
}

int VerifySingle(const uint8_t* keys, size_t n, const uint8_t message[32], uint64_t slot, const uint8_t* proof,
                 size_t len, void*) {
  return Matches(kSingleTag, SingleDigest(message, slot, KeysDigest(keys, n)), proof, len) ? 0 : 1;
}

// A multi-message proof binds every component's keys to its message and slot.
uint64_t MultiDigest(const uint8_t* keys, const size_t* keys_per_message, const uint8_t* messages,
                     const uint64_t* slots, size_t num_messages) {
  uint64_t sum = 0;
  for (size_t i = 0; i < num_messages; ++i) {
    sum += SingleDigest(messages + 32 * i, slots[i], KeysDigest(keys, keys_per_message[i]));
    keys += keys_per_message[i] * kKey;
  }
  return sum;
}

int VerifyMulti(const uint8_t* keys, const size_t* keys_per_message, size_t num_messages, const uint8_t* messages,
                const uint64_t* slots, const uint8_t* proof, size_t len, void*) {
  return Matches(kMultiTag, MultiDigest(keys, keys_per_message, messages, slots, num_messages), proof, len) ? 0 : 1;
}

int AggregateSingle(const uint8_t*, const size_t*, const uint8_t* child_keys, const size_t* keys_per_child,
                    size_t num_children, const uint8_t* raw_keys, const uint8_t*, const size_t*, size_t num_raw,
                    const uint8_t message[32], uint64_t slot, beam_bytes_sink* out, void*) {
  size_t child_total = 0;
  for (size_t i = 0; i < num_children; ++i) child_total += keys_per_child[i];
  const uint64_t keys = KeysDigest(child_keys, child_total) + KeysDigest(raw_keys, num_raw);
  return Emit(kSingleTag, SingleDigest(message, slot, keys), out);
}

int MergeMulti(const uint8_t*, const size_t*, const uint8_t* keys, const size_t* keys_per_proof,
               const uint8_t* messages, const uint64_t* slots, size_t num_proofs, beam_bytes_sink* out, void*) {
  return Emit(kMultiTag, MultiDigest(keys, keys_per_proof, messages, slots, num_proofs), out);
}

}  // namespace

beam_crypto_vtable DemoCryptoVtable() {
  beam_crypto_vtable v = BEAM_CRYPTO_VTABLE_INIT;
  v.verify_single_message = VerifySingle;
  v.verify_multi_message = VerifyMulti;
  v.aggregate_single_message = AggregateSingle;
  v.merge_multi_message = MergeMulti;
  return v;
}

}  // namespace devnet
