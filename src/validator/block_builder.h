// BuildBlock: the proposer's block building (leanSpec forks/lstar/block_production.py
// build_block). Attestations are chosen in rounds: a vote may only build on a
// justified source, and including votes justifies sources, so each round re-runs the
// block on the pre-state and re-anchors on any new justification until nothing new
// is eligible. Which eligible votes fill the MAX_ATTESTATIONS_DATA budget is the
// proposer's policy, AttestationSelector (attestation_selection.h), not the spec's
// target-slot order (that order deadlocks finality after a partition). Several proofs
// for one vote are merged into one by the prover.
//
// Pure function of its inputs; thread-safe.

#ifndef BEAMCORE_VALIDATOR_BLOCK_BUILDER_H_
#define BEAMCORE_VALIDATOR_BLOCK_BUILDER_H_

#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "consensus/types/block.h"
#include "consensus/types/state.h"
#include "crypto/aggregate_prover.h"
#include "validator/attestation_selection.h"

namespace beam::validator {

struct BuiltBlock {
  consensus::Block block;  // state_root set
  consensus::State post_state;
  // One merged single-message proof per body attestation, in body order.
  std::vector<consensus::SingleMessageAggregate> attestation_proofs;
};

struct BlockBuildInputs {
  const consensus::State* pre_state = nullptr;  // the parent's post-state
  consensus::Slot slot = 0;
  consensus::ValidatorIndex proposer_index = 0;
  ssz::Root parent_root;
  // Whether a block root is known to the proposer (votes for unknown heads are skipped).
  std::function<bool(const ssz::Root&)> is_known_block;
  // The votes at hand with their proofs (the proposer's counted pool).
  absl::Span<const AttestationCandidate> candidates;
  const crypto::AggregateProver* prover = nullptr;  // needed only to merge proofs
  // Attestation public key of a validator in the pre-state's registry.
  std::function<absl::StatusOr<crypto::xmss::PublicKey>(consensus::ValidatorIndex)> attestation_key;
};

absl::StatusOr<BuiltBlock> BuildBlock(const BlockBuildInputs& in);

// select_proofs_for_coverage: greedily picks proofs covering the most validators not
// yet covered, `priority` before `fallback`; ties go to the larger SSZ encoding.
// Returns the picks and writes the covered validators (ascending) if asked.
std::vector<const consensus::SingleMessageAggregate*> SelectProofsForCoverage(
    const std::vector<consensus::SingleMessageAggregate>* priority,
    const std::vector<consensus::SingleMessageAggregate>* fallback,
    std::vector<consensus::ValidatorIndex>* covered = nullptr);

// A proof as a prover input: its bytes (borrowed from `proof`) and the attestation keys
// of its participants, in participant order, looked up with `attestation_key`.
absl::StatusOr<crypto::ChildProof> ChildProofWithKeys(
    const consensus::SingleMessageAggregate& proof,
    const std::function<absl::StatusOr<crypto::xmss::PublicKey>(consensus::ValidatorIndex)>& attestation_key);

// AggregationBits.from_indices: `indices` must be ascending and non-empty.
consensus::AggregationBits AggregationBitsFromIndices(const std::vector<consensus::ValidatorIndex>& indices);

}  // namespace beam::validator

#endif  // BEAMCORE_VALIDATOR_BLOCK_BUILDER_H_
