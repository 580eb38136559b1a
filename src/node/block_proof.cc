#include "node/block_proof.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ssz/codec.h"
#include "ssz/container.h"

namespace beam::node {
namespace {

absl::StatusOr<crypto::xmss::PublicKey> DecodeKey(const ssz::Bytes52& bytes, consensus::ValidatorIndex v,
                                                  const char* role) {
  absl::StatusOr<crypto::xmss::PublicKey> key =
      ssz::Decode<crypto::xmss::PublicKey>(ssz::ByteView(bytes.data(), bytes.size()));
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the ", role, " key of validator ", v, " in the state does not decode: ", key.status().message()));
  }
  return key;
}

}  // namespace

absl::StatusOr<consensus::SignedBlock> SignProducedBlock(const forkchoice::ProducedBlock& produced,
                                                         const crypto::AggregateProver& prover) {
  const consensus::State& state = *produced.post_state;
  const uint64_t n = state.validators.size();
  const auto& attestations = produced.block.body.attestations.items;
  if (attestations.size() != produced.attestation_proofs.size()) {
    return absl::InternalError("a produced block's attestations and their proofs differ in number");
  }
  std::vector<crypto::ChildProof> components;
  components.reserve(attestations.size() + 1);
  for (size_t i = 0; i < attestations.size(); ++i) {
    const consensus::SingleMessageAggregate& p = produced.attestation_proofs[i];
    crypto::ChildProof child{ssz::ByteView(p.proof.bytes.data(), p.proof.bytes.size()), {},
                             ssz::HashTreeRoot(attestations[i].data), attestations[i].data.slot};
    for (consensus::ValidatorIndex v : consensus::ParticipantIndices(p.participants)) {
      if (v >= n) return absl::InvalidArgumentError(absl::StrCat("a proof names validator ", v, " of ", n));
      absl::StatusOr<crypto::xmss::PublicKey> key = DecodeKey(state.validators[v].attestation_public_key, v, "attestation");
      if (!key.ok()) return key.status();
      child.public_keys.push_back(*key);
    }
    components.push_back(std::move(child));
  }
  const consensus::ValidatorIndex proposer = produced.block.proposer_index;
  if (proposer >= n) return absl::InvalidArgumentError(absl::StrCat("the proposer ", proposer, " is not in the state"));
  absl::StatusOr<crypto::xmss::PublicKey> proposer_key = DecodeKey(state.validators[proposer].proposal_public_key, proposer, "proposal");
  if (!proposer_key.ok()) return proposer_key.status();
  // The proposer's part: no proof yet (the host's prover signs and folds it in) over
  // the block root at the block's slot.
  components.push_back(crypto::ChildProof{ssz::ByteView(), {*proposer_key}, produced.block_root, produced.block.slot});
  absl::StatusOr<ssz::ByteVec> proof = prover.MergeMultiMessage(components);
  if (!proof.ok()) return proof.status();
  consensus::SignedBlock signed_block{produced.block, {}};
  signed_block.proof.proof.bytes = std::move(*proof);
  return signed_block;
}

}  // namespace beam::node
