// beam_hash_tree_root and beam_stf_apply: consensus helpers that need no node.

#include "capi_internal.h"
#include "consensus/state_transition.h"
#include "consensus/types/state.h"
#include "ssz/codec.h"
#include "ssz/container.h"
#include "wire/messages.h"

namespace beam::capi {
namespace {

template <class T>
beam_status RootOf(const uint8_t* ssz, size_t len, uint8_t out[32]) {
  absl::StatusOr<T> value = ssz::Decode<T>(ssz::ByteView(ssz, len));
  if (!value.ok()) return Fail(BEAM_ERR_DECODE, std::string(value.status().message()));
  const ssz::Root root = ssz::HashTreeRoot(*value);
  std::memcpy(out, root.data(), 32);
  return Ok();
}

}  // namespace
}  // namespace beam::capi

extern "C" {

BEAM_EXPORT beam_status beam_hash_tree_root(beam_ssz_type type, const uint8_t* ssz, size_t len, uint8_t out_root[32]) {
  using namespace beam;
  return capi::Guard([&]() -> beam_status {
    absl::StatusOr<ssz::ByteView> input = capi::BytesArg(ssz, len, "ssz");
    if (!input.ok()) return capi::FailIn("beam_hash_tree_root", input.status());
    if (out_root == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_hash_tree_root: out_root is NULL");
    ssz = input->data();
    switch (capi::RawEnum(type)) {
      case BEAM_SSZ_STATE:
        return capi::RootOf<consensus::State>(ssz, len, out_root);
      case BEAM_SSZ_BLOCK:
        return capi::RootOf<consensus::Block>(ssz, len, out_root);
      case BEAM_SSZ_SIGNED_BLOCK:
        return capi::RootOf<consensus::SignedBlock>(ssz, len, out_root);
      case BEAM_SSZ_BLOCK_HEADER:
        return capi::RootOf<consensus::BlockHeader>(ssz, len, out_root);
      case BEAM_SSZ_CHECKPOINT:
        return capi::RootOf<consensus::Checkpoint>(ssz, len, out_root);
      case BEAM_SSZ_ATTESTATION_DATA:
        return capi::RootOf<consensus::AttestationData>(ssz, len, out_root);
      case BEAM_SSZ_SIGNED_ATTESTATION:
        return capi::RootOf<consensus::SignedAttestation>(ssz, len, out_root);
      case BEAM_SSZ_SIGNED_AGGREGATED_ATTESTATION:
        return capi::RootOf<consensus::SignedAggregatedAttestation>(ssz, len, out_root);
      case BEAM_SSZ_STATUS:
        return capi::RootOf<wire::Status>(ssz, len, out_root);
    }
    return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_hash_tree_root: unknown type " + std::to_string(capi::RawEnum(type)));
  });
}

BEAM_EXPORT beam_status beam_stf_apply(const uint8_t* pre_state_ssz, size_t pre_state_len,
                                       const uint8_t* signed_block_ssz, size_t signed_block_len,
                                       beam_buffer* post_state) {
  using namespace beam;
  return capi::Guard([&]() -> beam_status {
    if (post_state != nullptr) *post_state = beam_buffer{nullptr, 0};
    if (pre_state_ssz == nullptr || signed_block_ssz == nullptr || post_state == nullptr) {
      return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_stf_apply: NULL argument");
    }
    absl::StatusOr<consensus::State> pre = ssz::Decode<consensus::State>(ssz::ByteView(pre_state_ssz, pre_state_len));
    if (!pre.ok()) return capi::Fail(BEAM_ERR_DECODE, "pre-state: " + std::string(pre.status().message()));
    absl::StatusOr<consensus::SignedBlock> block =
        ssz::Decode<consensus::SignedBlock>(ssz::ByteView(signed_block_ssz, signed_block_len));
    if (!block.ok()) return capi::Fail(BEAM_ERR_DECODE, "signed block: " + std::string(block.status().message()));
    if (absl::Status s = consensus::ApplyStateTransition(*pre, block->block); !s.ok()) return capi::Fail(s);
    return capi::ToBuffer(ssz::Encode(*pre), post_state);
  });
}

BEAM_EXPORT beam_status beam_block_root(const uint8_t* signed_block_ssz, size_t len, uint8_t out_root[32]) {
  using namespace beam;
  return capi::Guard([&]() -> beam_status {
    if (signed_block_ssz == nullptr || out_root == nullptr) {
      return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_block_root: NULL argument");
    }
    absl::StatusOr<consensus::SignedBlock> block =
        ssz::Decode<consensus::SignedBlock>(ssz::ByteView(signed_block_ssz, len));
    if (!block.ok()) return capi::Fail(BEAM_ERR_DECODE, std::string(block.status().message()));
    const ssz::Root root = ssz::HashTreeRoot(block->block);
    std::memcpy(out_root, root.data(), 32);
    return capi::Ok();
  });
}

BEAM_EXPORT beam_status beam_genesis_state(uint64_t genesis_time, const uint8_t* attestation_public_keys,
                                           const uint8_t* proposal_public_keys, size_t validator_count,
                                           beam_buffer* state_out) {
  using namespace beam;
  return capi::Guard([&]() -> beam_status {
    if (state_out != nullptr) *state_out = beam_buffer{nullptr, 0};
    if (state_out == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_genesis_state: out is NULL");
    if (validator_count > consensus::kValidatorRegistryLimit) {
      return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_genesis_state: more validators than the registry limit");
    }
    std::vector<consensus::Validator> validators(validator_count);
    for (size_t i = 0; i < validator_count; ++i) {
      validators[i].index = i;
      if (attestation_public_keys != nullptr) {
        validators[i].attestation_public_key = ssz::Bytes52::FromSpan(ssz::ByteView(attestation_public_keys + 52 * i, 52));
      }
      if (proposal_public_keys != nullptr) {
        validators[i].proposal_public_key = ssz::Bytes52::FromSpan(ssz::ByteView(proposal_public_keys + 52 * i, 52));
      }
    }
    return capi::ToBuffer(ssz::Encode(consensus::GenerateGenesis(genesis_time, validators)), state_out);
  });
}

}  // extern "C"
