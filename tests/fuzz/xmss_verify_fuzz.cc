// XMSS signature verification (TEST and PROD) with fuzzed key, signature, message and
// slot, through the C ABI a host calls (beam_xmss_verify) and the C++ verifier the
// chain calls.
//
// The first byte picks the scheme (bit 0) and the mode (bit 1):
//  - raw: slot (8 bytes LE), message (32), public key (52), signature SSZ (the rest).
//    Properties: beam_xmss_verify returns OK, REJECTED or DECODE only; DECODE exactly
//    when the key or signature does not decode; the answer is that of the C++
//    verifier and the same when asked twice.
//  - tamper: a valid signature (a real one-time key with a random authentication path,
//    xmss/synthetic.h) made from the next 4 bytes, then byte edits of the key, the
//    signature, the message or the slot, 4 input bytes each (where, offset, offset,
//    xor). Properties: the untouched signature verifies; once any byte differs, no
//    edited triple verifies (a forgery) except another message with the same codeword
//    (the scheme cannot tell those apart; TEST's 12-bit codewords collide now and
//    then), and the C ABI agrees.
// Every decodable triple is also verified batched (VerifyBatch), in a lane beside
// seven valid signatures: the same answer, and the others stay valid.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <utility>
#include <vector>

#include "beamcore/beamcore.h"
#include "crypto/xmss/config.h"
#include "crypto/xmss/containers.h"
#include "crypto/xmss/encoding.h"
#include "crypto/xmss/synthetic.h"
#include "crypto/xmss/verify.h"
#include "crypto/xmss/verify_batch.h"
#include "ssz/codec.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace xmss = beam::crypto::xmss;

struct Triple {
  std::vector<uint8_t> public_key;  // 52 bytes of SSZ
  std::vector<uint8_t> signature;   // SSZ
  uint8_t message[32];
  uint64_t slot;
};

const Triple& ValidTriple(const xmss::XmssConfig& config, uint32_t seed);

// The batched verifier gives the same answer for the triple in any lane, beside valid
// signatures in the other lanes (which must stay valid).
void CheckBatched(const xmss::XmssConfig& config, const xmss::PublicKey& key, uint64_t slot,
                  const beam::ssz::Bytes32& message, const xmss::Signature& signature, bool valid) {
  const Triple& other = ValidTriple(config, 1);
  const xmss::PublicKey other_key =
      *beam::ssz::Decode<xmss::PublicKey>(beam::ssz::ByteView(other.public_key.data(), other.public_key.size()));
  const xmss::Signature other_signature =
      *beam::ssz::Decode<xmss::Signature>(beam::ssz::ByteView(other.signature.data(), other.signature.size()));
  beam::ssz::Bytes32 other_message;
  std::memcpy(other_message.data(), other.message, 32);
  const size_t lane = slot % 8;
  std::vector<xmss::VerifyItem> items(8, xmss::VerifyItem{&other_key, other.slot, &other_message, &other_signature});
  items[lane] = xmss::VerifyItem{&key, slot, &message, &signature};
  bool results[8];
  xmss::VerifyBatch(config, items, absl::MakeSpan(results, 8));
  BEAM_FUZZ_CHECK(results[lane] == valid, "the batched verifier disagrees with Verify");
  for (size_t i = 0; i < 8; ++i) {
    if (i != lane) BEAM_FUZZ_CHECK(results[i], "a valid signature beside the fuzzed one failed in a batch");
  }
}

// Verifies the encoded triple both ways; returns true iff valid. Checks that the C ABI
// and the C++ verifier agree and that the status is one the header documents.
bool VerifyBothWays(const xmss::XmssConfig& config, beam_xmss_scheme scheme, const Triple& t) {
  const beam_status status = beam_xmss_verify(scheme, t.public_key.data(), t.slot, t.message,
                                              t.signature.data(), t.signature.size());
  BEAM_FUZZ_CHECK(status == BEAM_OK || status == BEAM_ERR_REJECTED || status == BEAM_ERR_DECODE,
                  "beam_xmss_verify returned an undocumented status");
  if (status != BEAM_OK) BEAM_FUZZ_CHECK(beam_last_error()[0] != '\0', "a failure without a message");

  absl::StatusOr<xmss::PublicKey> key =
      beam::ssz::Decode<xmss::PublicKey>(beam::ssz::ByteView(t.public_key.data(), t.public_key.size()));
  absl::StatusOr<xmss::Signature> signature =
      beam::ssz::Decode<xmss::Signature>(beam::ssz::ByteView(t.signature.data(), t.signature.size()));
  if (!key.ok() || !signature.ok()) {
    BEAM_FUZZ_CHECK(status == BEAM_ERR_DECODE, "an undecodable key or signature was not reported as DECODE");
    return false;
  }
  BEAM_FUZZ_CHECK(status != BEAM_ERR_DECODE, "a decodable key and signature were reported as DECODE");
  beam::ssz::Bytes32 message;
  std::memcpy(message.data(), t.message, 32);
  const bool valid = xmss::Verify(config, *key, t.slot, message, *signature);
  BEAM_FUZZ_CHECK(valid == xmss::Verify(config, *key, t.slot, message, *signature), "verification is not deterministic");
  BEAM_FUZZ_CHECK(valid == (status == BEAM_OK), "the C ABI and the C++ verifier disagree");
  CheckBatched(config, *key, t.slot, message, *signature, valid);
  return valid;
}

// A valid triple per (scheme, seed); made once (a PROD one costs ~0.3 ms).
const Triple& ValidTriple(const xmss::XmssConfig& config, uint32_t seed) {
  static std::map<std::pair<const xmss::XmssConfig*, uint32_t>, Triple> cache;
  auto [it, fresh] = cache.try_emplace({&config, seed});
  Triple& t = it->second;
  if (fresh) {
    const xmss::RandomBytes rng = xmss::SeededRandomBytes(seed);
    uint8_t slot_bytes[8];
    rng(slot_bytes, sizeof slot_bytes);
    std::memcpy(&t.slot, slot_bytes, 8);
    t.slot %= config.lifetime();
    rng(t.message, 32);
    beam::ssz::Bytes32 message;
    std::memcpy(message.data(), t.message, 32);
    const xmss::SyntheticSignature s = xmss::SignWithRandomPath(config, t.slot, message, rng);
    const beam::ssz::ByteVec key = beam::ssz::Encode(s.public_key);
    const beam::ssz::ByteVec signature = beam::ssz::Encode(s.signature);
    t.public_key.assign(key.begin(), key.end());
    t.signature.assign(signature.begin(), signature.end());
  }
  return t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const bool prod = data[0] & 1;
  const xmss::XmssConfig& config = prod ? xmss::kProdConfig : xmss::kTestConfig;
  const beam_xmss_scheme scheme = prod ? BEAM_XMSS_PROD : BEAM_XMSS_TEST;
  const bool tamper = data[0] & 2;
  ++data;
  --size;

  if (!tamper) {
    if (size < 8 + 32 + BEAM_XMSS_PUBLIC_KEY_SIZE) return 0;
    Triple t;
    std::memcpy(&t.slot, data, 8);
    std::memcpy(t.message, data + 8, 32);
    t.public_key.assign(data + 40, data + 40 + BEAM_XMSS_PUBLIC_KEY_SIZE);
    t.signature.assign(data + 40 + BEAM_XMSS_PUBLIC_KEY_SIZE, data + size);
    VerifyBothWays(config, scheme, t);
    return 0;
  }

  if (size < 4) return 0;
  uint32_t seed;
  std::memcpy(&seed, data, 4);
  seed %= 64;  // a small set of valid signatures keeps the cache small and the runs fast
  Triple t = ValidTriple(config, seed);
  BEAM_FUZZ_CHECK(VerifyBothWays(config, scheme, t), "a valid signature does not verify");
  const Triple original = t;
  for (size_t i = 4; i + 4 <= size; i += 4) {
    const uint8_t where = data[i] % 4;
    const size_t offset = static_cast<size_t>(data[i + 1]) << 8 | data[i + 2];
    const uint8_t flip = data[i + 3];
    switch (where) {
      case 0: t.public_key[offset % t.public_key.size()] ^= flip; break;
      case 1: t.signature[offset % t.signature.size()] ^= flip; break;
      case 2: t.message[offset % 32] ^= flip; break;
      case 3: t.slot ^= uint64_t{flip} << (8 * (offset % 8)); break;
    }
  }
  const bool changed = t.public_key != original.public_key || t.signature != original.signature ||
                       std::memcmp(t.message, original.message, 32) != 0 || t.slot != original.slot;
  const bool valid = VerifyBothWays(config, scheme, t);
  if (changed && valid) {
    // Only what the scheme itself cannot tell apart may still verify: the same key,
    // signature and slot over another message that encodes to the same codeword (a
    // TEST signature uses 12 bits of the message hash: 4 chains of base 8, so about one
    // message edit in a few thousand collides; PROD uses 138 bits).
    const bool message_only = t.public_key == original.public_key && t.signature == original.signature &&
                              t.slot == original.slot;
    BEAM_FUZZ_CHECK(message_only, "an edited signature, key or slot verifies (a forgery)");
    absl::StatusOr<xmss::PublicKey> key =
        beam::ssz::Decode<xmss::PublicKey>(beam::ssz::ByteView(t.public_key.data(), t.public_key.size()));
    absl::StatusOr<xmss::Signature> signature =
        beam::ssz::Decode<xmss::Signature>(beam::ssz::ByteView(t.signature.data(), t.signature.size()));
    BEAM_FUZZ_CHECK(key.ok() && signature.ok(), "a verifying triple does not decode");
    xmss::ParameterElems parameter{};
    for (size_t i = 0; i < parameter.size(); ++i) parameter[i] = key->parameter.items[i].value;
    xmss::RandomnessElems rho{};
    for (size_t i = 0; i < rho.size(); ++i) rho[i] = signature->rho.items[i].value;
    beam::ssz::Bytes32 before, after;
    std::memcpy(before.data(), original.message, 32);
    std::memcpy(after.data(), t.message, 32);
    const auto codeword_before = xmss::TargetSumEncode(config, parameter, t.slot, rho, before);
    const auto codeword_after = xmss::TargetSumEncode(config, parameter, t.slot, rho, after);
    BEAM_FUZZ_CHECK(codeword_before.has_value() && codeword_before == codeword_after,
                    "another message verifies under a signature whose codeword it does not share (a forgery)");
  }
  return 0;
}
