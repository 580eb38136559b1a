/*
 * A minimal Node.js N-API addon over the C ABI, used by tests/node/test.js to
 * load libbeamcore.so.1 into a Node.js process. Node exports OpenSSL's libcrypto
 * symbols (SHA256, RAND_bytes, ...) from its own binary, so this is the host in
 * which a normal dynamic link to BoringSSL would be interposed.
 *
 * Exports:
 *   version()                          -> string (beam_version_string)
 *   hashTreeRoot(sszType, data)        -> Buffer(32) (beam_hash_tree_root)
 *   blockRoot(signedBlock)             -> Buffer(32) (beam_block_root)
 *   genesisState(genesisTime, count)   -> Buffer (beam_genesis_state, all-zero keys)
 *   xmssSign(seed, slot, message)      -> { publicKey, signature } (TEST scheme)
 *   xmssVerify(publicKey, slot, message, signature) -> boolean
 *   SSZ_* constants (beam_ssz_type)
 * (xmss* only when the header declares the XMSS functions.)
 * Errors throw a JS Error with beam_last_error().
 */
#define NAPI_VERSION 8
#include <node_api.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "beamcore/beamcore.h"

#define CHECK_NAPI(env, call)                                              \
  do {                                                                     \
    if ((call) != napi_ok) {                                               \
      napi_throw_error((env), NULL, "N-API call failed: " #call);          \
      return NULL;                                                         \
    }                                                                      \
  } while (0)

static napi_value ThrowBeam(napi_env env, const char* what, beam_status status) {
  char message[512];
  snprintf(message, sizeof(message), "%s failed (%s): %s", what, beam_status_string(status), beam_last_error());
  napi_throw_error(env, beam_status_string(status), message);
  return NULL;
}

/* Buffer or Uint8Array argument -> pointer and length. */
static int GetBytes(napi_env env, napi_value value, const uint8_t** data, size_t* len) {
  bool is_buffer = false;
  if (napi_is_buffer(env, value, &is_buffer) == napi_ok && is_buffer) {
    void* ptr = NULL;
    if (napi_get_buffer_info(env, value, &ptr, len) != napi_ok) return 0;
    *data = ptr;
    return 1;
  }
  bool is_typed = false;
  if (napi_is_typedarray(env, value, &is_typed) == napi_ok && is_typed) {
    napi_typedarray_type type;
    void* ptr = NULL;
    if (napi_get_typedarray_info(env, value, &type, len, &ptr, NULL, NULL) != napi_ok) return 0;
    if (type != napi_uint8_array) return 0;
    *data = ptr;
    return 1;
  }
  return 0;
}

static int GetBytesArg(napi_env env, napi_value value, const char* name, const uint8_t** data, size_t* len) {
  if (GetBytes(env, value, data, len)) return 1;
  char message[128];
  snprintf(message, sizeof(message), "%s must be a Buffer or Uint8Array", name);
  napi_throw_type_error(env, NULL, message);
  return 0;
}

static int GetRootArg(napi_env env, napi_value value, const char* name, const uint8_t** data) {
  size_t len = 0;
  if (!GetBytesArg(env, value, name, data, &len)) return 0;
  if (len == 32) return 1;
  char message[128];
  snprintf(message, sizeof(message), "%s must be 32 bytes", name);
  napi_throw_range_error(env, NULL, message);
  return 0;
}

/* A non-negative Number or a BigInt -> uint64. */
static int GetU64Arg(napi_env env, napi_value value, const char* name, uint64_t* out) {
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok) return 0;
  if (type == napi_bigint) {
    bool lossless = false;
    if (napi_get_value_bigint_uint64(env, value, out, &lossless) == napi_ok && lossless) return 1;
  } else if (type == napi_number) {
    int64_t v = 0;
    if (napi_get_value_int64(env, value, &v) == napi_ok && v >= 0) {
      *out = (uint64_t)v;
      return 1;
    }
  }
  char message[128];
  snprintf(message, sizeof(message), "%s must be a non-negative integer Number or a BigInt < 2^64", name);
  napi_throw_type_error(env, NULL, message);
  return 0;
}

static napi_value CopyToBuffer(napi_env env, const uint8_t* data, size_t len) {
  napi_value result;
  void* copy = NULL;
  CHECK_NAPI(env, napi_create_buffer_copy(env, len, data, &copy, &result));
  return result;
}

/* Takes ownership of *buffer (freed here). */
static napi_value TakeBuffer(napi_env env, beam_buffer* buffer) {
  napi_value result = CopyToBuffer(env, buffer->data, buffer->len);
  beam_buffer_free(buffer);
  return result;
}

static int GetArgs(napi_env env, napi_callback_info info, size_t want, napi_value* args) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) != napi_ok) return 0;
  if (argc < want) {
    char message[64];
    snprintf(message, sizeof(message), "expected %zu arguments, got %zu", want, argc);
    napi_throw_type_error(env, NULL, message);
    return 0;
  }
  return 1;
}

static napi_value Version(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  CHECK_NAPI(env, napi_create_string_utf8(env, beam_version_string(), NAPI_AUTO_LENGTH, &result));
  return result;
}

static napi_value HashTreeRoot(napi_env env, napi_callback_info info) {
  napi_value args[2];
  if (!GetArgs(env, info, 2, args)) return NULL;
  int32_t type = 0;
  CHECK_NAPI(env, napi_get_value_int32(env, args[0], &type));
  const uint8_t* data = NULL;
  size_t len = 0;
  if (!GetBytesArg(env, args[1], "data", &data, &len)) return NULL;
  uint8_t root[32];
  beam_status status = beam_hash_tree_root((beam_ssz_type)type, data, len, root);
  if (status != BEAM_OK) return ThrowBeam(env, "beam_hash_tree_root", status);
  return CopyToBuffer(env, root, sizeof(root));
}

static napi_value BlockRoot(napi_env env, napi_callback_info info) {
  napi_value args[1];
  if (!GetArgs(env, info, 1, args)) return NULL;
  const uint8_t* data = NULL;
  size_t len = 0;
  if (!GetBytesArg(env, args[0], "signedBlock", &data, &len)) return NULL;
  uint8_t root[32];
  beam_status status = beam_block_root(data, len, root);
  if (status != BEAM_OK) return ThrowBeam(env, "beam_block_root", status);
  return CopyToBuffer(env, root, sizeof(root));
}

static napi_value GenesisState(napi_env env, napi_callback_info info) {
  napi_value args[2];
  if (!GetArgs(env, info, 2, args)) return NULL;
  uint64_t genesis_time = 0, count = 0;
  if (!GetU64Arg(env, args[0], "genesisTime", &genesis_time)) return NULL;
  if (!GetU64Arg(env, args[1], "validatorCount", &count)) return NULL;
  beam_buffer state = {NULL, 0};
  beam_status status = beam_genesis_state(genesis_time, NULL, NULL, (size_t)count, &state);
  if (status != BEAM_OK) return ThrowBeam(env, "beam_genesis_state", status);
  return TakeBuffer(env, &state);
}

#ifdef BEAM_XMSS_PUBLIC_KEY_SIZE
static napi_value XmssSign(napi_env env, napi_callback_info info) {
  napi_value args[3];
  if (!GetArgs(env, info, 3, args)) return NULL;
  const uint8_t* seed = NULL;
  const uint8_t* message = NULL;
  uint64_t slot = 0;
  if (!GetRootArg(env, args[0], "seed", &seed)) return NULL;
  if (!GetU64Arg(env, args[1], "slot", &slot)) return NULL;
  if (!GetRootArg(env, args[2], "message", &message)) return NULL;
  beam_xmss_key* key = NULL;
  beam_status status = beam_xmss_key_generate(BEAM_XMSS_TEST, seed, slot, 1, &key);
  if (status != BEAM_OK) return ThrowBeam(env, "beam_xmss_key_generate", status);
  uint8_t public_key[BEAM_XMSS_PUBLIC_KEY_SIZE];
  status = beam_xmss_key_public(key, public_key);
  beam_buffer signature = {NULL, 0};
  if (status == BEAM_OK) status = beam_xmss_sign(key, slot, message, &signature);
  beam_xmss_key_destroy(key);
  if (status != BEAM_OK) return ThrowBeam(env, "beam_xmss_sign", status);
  napi_value result;
  CHECK_NAPI(env, napi_create_object(env, &result));
  napi_value pk = CopyToBuffer(env, public_key, sizeof(public_key));
  napi_value sig = TakeBuffer(env, &signature);
  if (pk == NULL || sig == NULL) return NULL;
  CHECK_NAPI(env, napi_set_named_property(env, result, "publicKey", pk));
  CHECK_NAPI(env, napi_set_named_property(env, result, "signature", sig));
  return result;
}

static napi_value XmssVerify(napi_env env, napi_callback_info info) {
  napi_value args[4];
  if (!GetArgs(env, info, 4, args)) return NULL;
  const uint8_t* public_key = NULL;
  const uint8_t* message = NULL;
  const uint8_t* signature = NULL;
  size_t public_key_len = 0, signature_len = 0;
  uint64_t slot = 0;
  if (!GetBytesArg(env, args[0], "publicKey", &public_key, &public_key_len)) return NULL;
  if (public_key_len != BEAM_XMSS_PUBLIC_KEY_SIZE) {
    napi_throw_range_error(env, NULL, "publicKey has the wrong size");
    return NULL;
  }
  if (!GetU64Arg(env, args[1], "slot", &slot)) return NULL;
  if (!GetRootArg(env, args[2], "message", &message)) return NULL;
  if (!GetBytesArg(env, args[3], "signature", &signature, &signature_len)) return NULL;
  beam_status status = beam_xmss_verify(BEAM_XMSS_TEST, public_key, slot, message, signature, signature_len);
  if (status != BEAM_OK && status != BEAM_ERR_REJECTED) return ThrowBeam(env, "beam_xmss_verify", status);
  napi_value result;
  CHECK_NAPI(env, napi_get_boolean(env, status == BEAM_OK, &result));
  return result;
}
#endif /* BEAM_XMSS_PUBLIC_KEY_SIZE */

static int SetFunction(napi_env env, napi_value exports, const char* name, napi_callback fn) {
  napi_value value;
  if (napi_create_function(env, name, NAPI_AUTO_LENGTH, fn, NULL, &value) != napi_ok) return 0;
  return napi_set_named_property(env, exports, name, value) == napi_ok;
}

static int SetInt(napi_env env, napi_value exports, const char* name, int32_t v) {
  napi_value value;
  if (napi_create_int32(env, v, &value) != napi_ok) return 0;
  return napi_set_named_property(env, exports, name, value) == napi_ok;
}

static napi_value Init(napi_env env, napi_value exports) {
  int ok = SetFunction(env, exports, "version", Version) &&
           SetFunction(env, exports, "hashTreeRoot", HashTreeRoot) &&
           SetFunction(env, exports, "blockRoot", BlockRoot) &&
           SetFunction(env, exports, "genesisState", GenesisState) &&
#ifdef BEAM_XMSS_PUBLIC_KEY_SIZE
           SetFunction(env, exports, "xmssSign", XmssSign) &&
           SetFunction(env, exports, "xmssVerify", XmssVerify) &&
#endif
           SetInt(env, exports, "SSZ_STATE", BEAM_SSZ_STATE) &&
           SetInt(env, exports, "SSZ_BLOCK", BEAM_SSZ_BLOCK) &&
           SetInt(env, exports, "SSZ_SIGNED_BLOCK", BEAM_SSZ_SIGNED_BLOCK) &&
           SetInt(env, exports, "SSZ_BLOCK_HEADER", BEAM_SSZ_BLOCK_HEADER) &&
           SetInt(env, exports, "SSZ_CHECKPOINT", BEAM_SSZ_CHECKPOINT) &&
           SetInt(env, exports, "SSZ_ATTESTATION_DATA", BEAM_SSZ_ATTESTATION_DATA);
  if (!ok) {
    napi_throw_error(env, NULL, "beamcore addon: cannot set up exports");
    return NULL;
  }
  return exports;
}

NAPI_MODULE(beamcore_addon, Init)
