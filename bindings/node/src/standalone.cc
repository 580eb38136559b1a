// Standalone helpers: version, status names, hash tree roots, the STF, genesis.

#include "beamcore/beamcore.h"
#include "exports.h"

namespace beamnode {
namespace {

napi_value Version(napi_env env, napi_callback_info) { return String(env, beam_version_string()); }

napi_value VersionNumber(napi_env env, napi_callback_info) { return Int(env, beam_version_number()); }

napi_value StatusString(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t status = 0;
  if (!Args(env, info, 1, argv) || !GetI32(env, argv[0], "status", &status)) return nullptr;
  return String(env, beam_status_string(status));
}

napi_value HashTreeRoot(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t type = 0;
  Bytes ssz;
  if (!Args(env, info, 2, argv) || !GetI32(env, argv[0], "type", &type) || !GetBytes(env, argv[1], "ssz", &ssz)) {
    return nullptr;
  }
  uint8_t root[32];
  const beam_status s = beam_hash_tree_root(static_cast<beam_ssz_type>(type), ssz.data, ssz.len, root);
  if (s != BEAM_OK) return ThrowBeam(env, "beam_hash_tree_root", s), nullptr;
  return CopyBuffer(env, root, 32);
}

napi_value BlockRoot(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  Bytes ssz;
  if (!Args(env, info, 1, argv) || !GetBytes(env, argv[0], "signedBlock", &ssz)) return nullptr;
  uint8_t root[32];
  const beam_status s = beam_block_root(ssz.data, ssz.len, root);
  if (s != BEAM_OK) return ThrowBeam(env, "beam_block_root", s), nullptr;
  return CopyBuffer(env, root, 32);
}

napi_value StfApply(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  Bytes pre, block;
  if (!Args(env, info, 2, argv) || !GetBytes(env, argv[0], "preState", &pre) ||
      !GetBytes(env, argv[1], "signedBlock", &block)) {
    return nullptr;
  }
  beam_buffer post{nullptr, 0};
  const beam_status s = beam_stf_apply(pre.data, pre.len, block.data, block.len, &post);
  if (s != BEAM_OK) return ThrowBeam(env, "beam_stf_apply", s), nullptr;
  return TakeBuffer(env, &post);
}

// genesisState(genesisTime, validatorCount, attestationKeys?, proposalKeys?): the keys
// as concatenated 52-byte public keys, or null for all-zero keys.
napi_value GenesisState(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  size_t argc = 4;
  if (!NapiOk(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr), "napi_get_cb_info")) return nullptr;
  if (argc < 2) return ThrowType(env, "genesisState(genesisTime, validatorCount[, attestationKeys, proposalKeys])"), nullptr;
  uint64_t genesis_time = 0, count = 0;
  if (!GetU64(env, argv[0], "genesisTime", &genesis_time) || !GetU64(env, argv[1], "validatorCount", &count)) {
    return nullptr;
  }
  Bytes att, prop;
  const bool keyed = argc >= 4 && !IsNullish(env, argv[2]);
  if (keyed) {
    if (!GetBytes(env, argv[2], "attestationKeys", &att) || !GetBytes(env, argv[3], "proposalKeys", &prop)) return nullptr;
    if (count > SIZE_MAX / BEAM_XMSS_PUBLIC_KEY_SIZE || att.len != count * BEAM_XMSS_PUBLIC_KEY_SIZE ||
        prop.len != count * BEAM_XMSS_PUBLIC_KEY_SIZE) {
      return ThrowRange(env, "each key list must be validatorCount * 52 bytes"), nullptr;
    }
  }
  beam_buffer state{nullptr, 0};
  const beam_status s = beam_genesis_state(genesis_time, keyed ? att.data : nullptr, keyed ? prop.data : nullptr,
                                           static_cast<size_t>(count), &state);
  if (s != BEAM_OK) return ThrowBeam(env, "beam_genesis_state", s), nullptr;
  return TakeBuffer(env, &state);
}

}  // namespace

bool RegisterStandalone(napi_env env, napi_value exports) {
  return AddFunction(env, exports, "version", Version) && AddFunction(env, exports, "versionNumber", VersionNumber) &&
         AddFunction(env, exports, "statusString", StatusString) &&
         AddFunction(env, exports, "hashTreeRoot", HashTreeRoot) && AddFunction(env, exports, "blockRoot", BlockRoot) &&
         AddFunction(env, exports, "stfApply", StfApply) && AddFunction(env, exports, "genesisState", GenesisState) &&
         AddInt(env, exports, "SSZ_STATE", BEAM_SSZ_STATE) && AddInt(env, exports, "SSZ_BLOCK", BEAM_SSZ_BLOCK) &&
         AddInt(env, exports, "SSZ_SIGNED_BLOCK", BEAM_SSZ_SIGNED_BLOCK) &&
         AddInt(env, exports, "SSZ_BLOCK_HEADER", BEAM_SSZ_BLOCK_HEADER) &&
         AddInt(env, exports, "SSZ_CHECKPOINT", BEAM_SSZ_CHECKPOINT) &&
         AddInt(env, exports, "SSZ_ATTESTATION_DATA", BEAM_SSZ_ATTESTATION_DATA) &&
         AddInt(env, exports, "SSZ_SIGNED_ATTESTATION", BEAM_SSZ_SIGNED_ATTESTATION) &&
         AddInt(env, exports, "SSZ_SIGNED_AGGREGATED_ATTESTATION", BEAM_SSZ_SIGNED_AGGREGATED_ATTESTATION) &&
         AddInt(env, exports, "SSZ_STATUS", BEAM_SSZ_STATUS) && AddInt(env, exports, "PUBLIC_KEY_SIZE", BEAM_XMSS_PUBLIC_KEY_SIZE);
}

}  // namespace beamnode
