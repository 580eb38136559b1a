// The proof a block this node produced carries (leanSpec's signed block): the
// single-message proof of each of its attestations, with the attestation keys of
// their participants, merged by the prover with the proposer's part, the block root
// with the proposer's proposal key (the host's prover folds in the proposer's XMSS
// signature; the mocked prover needs none).
//
// Pure function of its inputs; thread-safe.

#ifndef BEAMCORE_NODE_BLOCK_PROOF_H_
#define BEAMCORE_NODE_BLOCK_PROOF_H_

#include "absl/status/statusor.h"
#include "consensus/types/block.h"
#include "crypto/aggregate_prover.h"
#include "forkchoice/store.h"

namespace beam::node {

// InvalidArgument if a proof names a validator the post-state does not have or a key
// in the state does not decode; the prover's error if merging fails.
absl::StatusOr<consensus::SignedBlock> SignProducedBlock(const forkchoice::ProducedBlock& produced,
                                                         const crypto::AggregateProver& prover);

}  // namespace beam::node

#endif  // BEAMCORE_NODE_BLOCK_PROOF_H_
