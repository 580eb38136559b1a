// What a peer's gossip earns it: the report (if any) for the host's peer scoring,
// from the outcome of processing what it sent. Provably invalid data is reported;
// what may be our own lag (an unknown block, a vote from slightly in our future, a
// block at or below our finalized slot) is not.

#ifndef BEAMCORE_NODE_PEER_SCORING_H_
#define BEAMCORE_NODE_PEER_SCORING_H_

#include <optional>

#include "absl/status/status.h"
#include "node/network.h"

namespace beam::node {

// A gossip attestation or aggregate's outcome.
std::optional<PeerAction> VotePenalty(const absl::Status& outcome);
// A gossip block's outcome (an import failure).
std::optional<PeerAction> BlockPenalty(const absl::Status& outcome);

}  // namespace beam::node

#endif  // BEAMCORE_NODE_PEER_SCORING_H_
