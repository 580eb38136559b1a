// beam_xmss_* and beam_attestation_sign: validator keys and signing for hosts.

#include <cstring>
#include <memory>
#include <mutex>

#include "capi_internal.h"
#include "consensus/types/attestation.h"
#include "hash/sha256.h"
#include "crypto/xmss/config.h"
#include "crypto/xmss/keys.h"
#include "crypto/xmss/secret_key_ssz.h"
#include "crypto/xmss/verify.h"
#include "ssz/codec.h"
#include "ssz/container.h"

struct beam_xmss_key {
  // Signing slides the key's prepared window (AdvancePreparation): one signer at a time.
  std::mutex mu;
  beam::crypto::xmss::SecretKey secret;
  beam::crypto::xmss::PublicKey public_key;
};

namespace beam::capi {
namespace {

// Takes the enum by reference: a host may pass any int, and loading an out-of-range
// value as the enum type would be undefined behaviour.
const crypto::xmss::XmssConfig* SchemeConfig(const beam_xmss_scheme& scheme) {
  switch (RawEnum(scheme)) {
    case BEAM_XMSS_TEST:
      return &crypto::xmss::kTestConfig;
    case BEAM_XMSS_PROD:
      return &crypto::xmss::kProdConfig;
  }
  return nullptr;
}

// A deterministic byte stream from a 32-byte seed: SHA-256(seed || counter) blocks.
// Deterministic keys let a host (or a devnet) recreate its validators from a seed.
crypto::xmss::RandomBytes SeededStream(const uint8_t seed[32]) {
  struct Stream {
    uint8_t input[40];
    uint64_t counter = 0;
    uint8_t block[32];
    size_t used = 32;
  };
  auto stream = std::make_shared<Stream>();
  std::memcpy(stream->input, seed, 32);
  return [stream](uint8_t* out, size_t len) {
    for (size_t i = 0; i < len; ++i) {
      if (stream->used == 32) {
        for (int b = 0; b < 8; ++b) stream->input[32 + b] = static_cast<uint8_t>(stream->counter >> (8 * b));
        ++stream->counter;
        hash::Sha256(stream->input, sizeof stream->input, stream->block);
        stream->used = 0;
      }
      out[i] = stream->block[stream->used++];
    }
  };
}

// Signs under the key's lock, sliding its prepared window forward when `slot` is past it.
absl::StatusOr<crypto::xmss::Signature> SignLocked(beam_xmss_key* key, uint64_t slot, const ssz::Bytes32& message) {
  std::lock_guard<std::mutex> lock(key->mu);
  while (slot >= crypto::xmss::PreparedEnd(key->secret)) {
    const uint64_t before = crypto::xmss::PreparedEnd(key->secret);
    crypto::xmss::AdvancePreparation(key->secret);
    if (crypto::xmss::PreparedEnd(key->secret) == before) break;  // activation range exhausted
  }
  return crypto::xmss::Sign(key->secret, slot, message);
}

}  // namespace
}  // namespace beam::capi

extern "C" {

BEAM_EXPORT beam_status beam_xmss_key_generate(beam_xmss_scheme scheme, const uint8_t seed[32],
                                               uint64_t activation_slot, uint64_t num_active_slots,
                                               beam_xmss_key** out) {
  using namespace beam;
  return capi::Guard([&]() -> beam_status {
    if (out == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_xmss_key_generate: out is NULL");
    *out = nullptr;
    if (seed == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_xmss_key_generate: seed is NULL");
    const crypto::xmss::XmssConfig* config = capi::SchemeConfig(scheme);
    if (config == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_xmss_key_generate: unknown scheme");
    absl::StatusOr<crypto::xmss::KeyPair> pair =
        crypto::xmss::KeyGen(*config, activation_slot, num_active_slots, capi::SeededStream(seed));
    if (!pair.ok()) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, std::string(pair.status().message()));
    auto key = std::make_unique<beam_xmss_key>();
    key->secret = std::move(pair->secret_key);
    key->public_key = pair->public_key;
    *out = key.release();
    return capi::Ok();
  });
}

BEAM_EXPORT beam_status beam_xmss_key_from_ssz(beam_xmss_scheme scheme, const uint8_t* ssz, size_t len,
                                               beam_xmss_key** out) {
  using namespace beam;
  return capi::Guard([&]() -> beam_status {
    if (out == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_xmss_key_from_ssz: out is NULL");
    *out = nullptr;
    absl::StatusOr<ssz::ByteView> bytes = capi::BytesArg(ssz, len, "ssz");
    if (!bytes.ok()) return capi::FailIn("beam_xmss_key_from_ssz", bytes.status());
    const crypto::xmss::XmssConfig* config = capi::SchemeConfig(scheme);
    if (config == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_xmss_key_from_ssz: unknown scheme");
    absl::StatusOr<crypto::xmss::SecretKey> secret = crypto::xmss::DecodeSecretKey(*config, *bytes);
    if (!secret.ok()) {
      return capi::Fail(BEAM_ERR_DECODE, "beam_xmss_key_from_ssz: " + std::string(secret.status().message()));
    }
    auto key = std::make_unique<beam_xmss_key>();
    key->public_key = crypto::xmss::PublicKeyOf(*secret);
    key->secret = *std::move(secret);
    *out = key.release();
    return capi::Ok();
  });
}

BEAM_EXPORT beam_status beam_xmss_key_to_ssz(beam_xmss_key* key, beam_buffer* out) {
  using namespace beam;
  return capi::Guard([&]() -> beam_status {
    capi::ResetBuffer(out);
    if (key == nullptr || out == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_xmss_key_to_ssz: NULL argument");
    ssz::ByteVec bytes;
    {
      std::lock_guard<std::mutex> lock(key->mu);  // signing may be sliding the window
      bytes = crypto::xmss::EncodeSecretKey(key->secret);
    }
    return capi::ToBuffer(bytes, out);
  });
}

BEAM_EXPORT void beam_xmss_key_destroy(beam_xmss_key* key) { delete key; }

BEAM_EXPORT beam_status beam_xmss_key_public(const beam_xmss_key* key, uint8_t out[BEAM_XMSS_PUBLIC_KEY_SIZE]) {
  using namespace beam;
  return capi::Guard([&]() -> beam_status {
    if (key == nullptr || out == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_xmss_key_public: NULL argument");
    const ssz::ByteVec bytes = ssz::Encode(key->public_key);
    if (bytes.size() != BEAM_XMSS_PUBLIC_KEY_SIZE) return capi::Fail(BEAM_ERR_INTERNAL, "unexpected public key size");
    std::memcpy(out, bytes.data(), bytes.size());
    return capi::Ok();
  });
}

BEAM_EXPORT beam_status beam_xmss_sign(beam_xmss_key* key, uint64_t slot, const uint8_t message[32],
                                       beam_buffer* signature_out) {
  using namespace beam;
  return capi::Guard([&]() -> beam_status {
    if (signature_out != nullptr) *signature_out = beam_buffer{nullptr, 0};
    if (key == nullptr || message == nullptr || signature_out == nullptr) {
      return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_xmss_sign: NULL argument");
    }
    absl::StatusOr<crypto::xmss::Signature> signature =
        capi::SignLocked(key, slot, ssz::Bytes32::FromSpan(ssz::ByteView(message, 32)));
    if (!signature.ok()) return capi::Fail(signature.status());
    return capi::ToBuffer(ssz::Encode(*signature), signature_out);
  });
}

BEAM_EXPORT beam_status beam_xmss_verify(beam_xmss_scheme scheme, const uint8_t public_key[BEAM_XMSS_PUBLIC_KEY_SIZE],
                                         uint64_t slot, const uint8_t message[32], const uint8_t* signature,
                                         size_t signature_len) {
  using namespace beam;
  return capi::Guard([&]() -> beam_status {
    absl::StatusOr<ssz::ByteView> signature_bytes = capi::BytesArg(signature, signature_len, "signature");
    if (!signature_bytes.ok()) return capi::FailIn("beam_xmss_verify", signature_bytes.status());
    if (public_key == nullptr || message == nullptr) {
      return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_xmss_verify: NULL argument");
    }
    const crypto::xmss::XmssConfig* config = capi::SchemeConfig(scheme);
    if (config == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_xmss_verify: unknown scheme");
    absl::StatusOr<crypto::xmss::PublicKey> pk =
        ssz::Decode<crypto::xmss::PublicKey>(ssz::ByteView(public_key, BEAM_XMSS_PUBLIC_KEY_SIZE));
    if (!pk.ok()) return capi::Fail(BEAM_ERR_DECODE, "public key: " + std::string(pk.status().message()));
    absl::StatusOr<crypto::xmss::Signature> sig = ssz::Decode<crypto::xmss::Signature>(*signature_bytes);
    if (!sig.ok()) return capi::Fail(BEAM_ERR_DECODE, "signature: " + std::string(sig.status().message()));
    if (!crypto::xmss::Verify(*config, *pk, slot, ssz::Bytes32::FromSpan(ssz::ByteView(message, 32)), *sig)) {
      return capi::Fail(BEAM_ERR_REJECTED, "the signature does not verify");
    }
    return capi::Ok();
  });
}

BEAM_EXPORT beam_status beam_attestation_sign(beam_xmss_key* key, uint64_t validator_index,
                                              const uint8_t* attestation_data_ssz, size_t len,
                                              beam_buffer* signed_attestation_out) {
  using namespace beam;
  return capi::Guard([&]() -> beam_status {
    if (signed_attestation_out != nullptr) *signed_attestation_out = beam_buffer{nullptr, 0};
    absl::StatusOr<ssz::ByteView> data_bytes = capi::BytesArg(attestation_data_ssz, len, "attestation data");
    if (!data_bytes.ok()) return capi::FailIn("beam_attestation_sign", data_bytes.status());
    if (key == nullptr || signed_attestation_out == nullptr) {
      return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_attestation_sign: NULL argument");
    }
    absl::StatusOr<consensus::AttestationData> data = ssz::Decode<consensus::AttestationData>(*data_bytes);
    if (!data.ok()) return capi::Fail(BEAM_ERR_DECODE, "attestation data: " + std::string(data.status().message()));
    consensus::SignedAttestation signed_attestation;
    signed_attestation.validator_index = validator_index;
    signed_attestation.data = *data;
    absl::StatusOr<crypto::xmss::Signature> signature = capi::SignLocked(key, data->slot, ssz::HashTreeRoot(*data));
    if (!signature.ok()) return capi::Fail(signature.status());
    signed_attestation.signature = std::move(*signature);
    return capi::ToBuffer(ssz::Encode(signed_attestation), signed_attestation_out);
  });
}

}  // extern "C"
