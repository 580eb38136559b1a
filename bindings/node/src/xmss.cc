// XMSS validator keys: generate, load and save key files (leanSpec SecretKey SSZ),
// sign messages and votes, verify signatures.

#include "beamcore/beamcore.h"
#include "exports.h"
#include "handles.h"

namespace beamnode {
namespace {

using KeyBox = Box<beam_xmss_key, beam_xmss_key_destroy>;
constexpr napi_type_tag kKeyTag = {0x6265616d786d7373ULL, 0x6b65792d68616e64ULL};  // "beamxmss" "key-hand"

KeyBox* Key(napi_env env, napi_value value) { return UnwrapBox<KeyBox>(env, value, kKeyTag, "XmssKey"); }

napi_value Wrap(napi_env env, beam_xmss_key* key) { return WrapBox(env, new KeyBox{key}, kKeyTag); }

// xmssKeyGenerate(scheme, seed32, activationSlot, numActiveSlots) -> handle
napi_value Generate(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  int32_t scheme = 0;
  const uint8_t* seed = nullptr;
  uint64_t activation = 0, count = 0;
  if (!Args(env, info, 4, argv) || !GetI32(env, argv[0], "scheme", &scheme) ||
      !GetFixedBytes(env, argv[1], "seed", 32, &seed) || !GetU64(env, argv[2], "activationSlot", &activation) ||
      !GetU64(env, argv[3], "numActiveSlots", &count)) {
    return nullptr;
  }
  beam_xmss_key* key = nullptr;
  const beam_status s = beam_xmss_key_generate(static_cast<beam_xmss_scheme>(scheme), seed, activation, count, &key);
  if (s != BEAM_OK) return ThrowBeam(env, "beam_xmss_key_generate", s), nullptr;
  return Wrap(env, key);
}

// xmssKeyFromSsz(scheme, bytes) -> handle
napi_value FromSsz(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t scheme = 0;
  Bytes ssz;
  if (!Args(env, info, 2, argv) || !GetI32(env, argv[0], "scheme", &scheme) || !GetBytes(env, argv[1], "ssz", &ssz)) {
    return nullptr;
  }
  beam_xmss_key* key = nullptr;
  const beam_status s = beam_xmss_key_from_ssz(static_cast<beam_xmss_scheme>(scheme), ssz.data, ssz.len, &key);
  if (s != BEAM_OK) return ThrowBeam(env, "beam_xmss_key_from_ssz", s), nullptr;
  return Wrap(env, key);
}

napi_value ToSsz(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!Args(env, info, 1, argv)) return nullptr;
  KeyBox* box = Key(env, argv[0]);
  if (box == nullptr) return nullptr;
  beam_buffer out{nullptr, 0};
  const beam_status s = beam_xmss_key_to_ssz(box->ptr, &out);
  if (s != BEAM_OK) return ThrowBeam(env, "beam_xmss_key_to_ssz", s), nullptr;
  return TakeBuffer(env, &out);
}

napi_value PublicKey(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!Args(env, info, 1, argv)) return nullptr;
  KeyBox* box = Key(env, argv[0]);
  if (box == nullptr) return nullptr;
  uint8_t pk[BEAM_XMSS_PUBLIC_KEY_SIZE];
  const beam_status s = beam_xmss_key_public(box->ptr, pk);
  if (s != BEAM_OK) return ThrowBeam(env, "beam_xmss_key_public", s), nullptr;
  return CopyBuffer(env, pk, sizeof pk);
}

// xmssSign(handle, slot, message32) -> signature SSZ
napi_value Sign(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  uint64_t slot = 0;
  const uint8_t* message = nullptr;
  if (!Args(env, info, 3, argv)) return nullptr;
  KeyBox* box = Key(env, argv[0]);
  if (box == nullptr || !GetU64(env, argv[1], "slot", &slot) || !GetFixedBytes(env, argv[2], "message", 32, &message)) {
    return nullptr;
  }
  beam_buffer out{nullptr, 0};
  const beam_status s = beam_xmss_sign(box->ptr, slot, message, &out);
  if (s != BEAM_OK) return ThrowBeam(env, "beam_xmss_sign", s), nullptr;
  return TakeBuffer(env, &out);
}

// attestationSign(handle, validatorIndex, attestationDataSsz) -> SignedAttestation SSZ
napi_value AttestationSign(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  uint64_t index = 0;
  Bytes data;
  if (!Args(env, info, 3, argv)) return nullptr;
  KeyBox* box = Key(env, argv[0]);
  if (box == nullptr || !GetU64(env, argv[1], "validatorIndex", &index) ||
      !GetBytes(env, argv[2], "attestationData", &data)) {
    return nullptr;
  }
  beam_buffer out{nullptr, 0};
  const beam_status s = beam_attestation_sign(box->ptr, index, data.data, data.len, &out);
  if (s != BEAM_OK) return ThrowBeam(env, "beam_attestation_sign", s), nullptr;
  return TakeBuffer(env, &out);
}

napi_value Destroy(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!Args(env, info, 1, argv)) return nullptr;
  KeyBox* box = UnwrapBox<KeyBox>(env, argv[0], kKeyTag, "XmssKey", /*open=*/false);
  if (box == nullptr) return nullptr;
  box->Close();
  return Undefined(env);
}

// xmssVerify(scheme, publicKey52, slot, message32, signature) -> boolean
napi_value Verify(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  int32_t scheme = 0;
  const uint8_t* pk = nullptr;
  uint64_t slot = 0;
  const uint8_t* message = nullptr;
  Bytes signature;
  if (!Args(env, info, 5, argv) || !GetI32(env, argv[0], "scheme", &scheme) ||
      !GetFixedBytes(env, argv[1], "publicKey", BEAM_XMSS_PUBLIC_KEY_SIZE, &pk) || !GetU64(env, argv[2], "slot", &slot) ||
      !GetFixedBytes(env, argv[3], "message", 32, &message) || !GetBytes(env, argv[4], "signature", &signature)) {
    return nullptr;
  }
  const beam_status s =
      beam_xmss_verify(static_cast<beam_xmss_scheme>(scheme), pk, slot, message, signature.data, signature.len);
  if (s == BEAM_ERR_REJECTED) return Bool(env, false);
  if (s != BEAM_OK) return ThrowBeam(env, "beam_xmss_verify", s), nullptr;
  return Bool(env, true);
}

}  // namespace

bool RegisterXmss(napi_env env, napi_value exports) {
  return AddFunction(env, exports, "xmssKeyGenerate", Generate) && AddFunction(env, exports, "xmssKeyFromSsz", FromSsz) &&
         AddFunction(env, exports, "xmssKeyToSsz", ToSsz) && AddFunction(env, exports, "xmssKeyPublic", PublicKey) &&
         AddFunction(env, exports, "xmssSign", Sign) && AddFunction(env, exports, "attestationSign", AttestationSign) &&
         AddFunction(env, exports, "xmssKeyDestroy", Destroy) && AddFunction(env, exports, "xmssVerify", Verify) &&
         AddInt(env, exports, "XMSS_TEST", BEAM_XMSS_TEST) && AddInt(env, exports, "XMSS_PROD", BEAM_XMSS_PROD);
}

}  // namespace beamnode
