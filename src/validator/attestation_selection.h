// AttestationSelector: which pool entries a proposer puts into its block.
//
// The choice is the proposer's, not a consensus rule: any selection makes a valid
// block. The spec's builder takes eligible entries in target-slot order until the
// block holds MAX_ATTESTATIONS_DATA of them. After a partition in which no side had
// 2/3, that order fills every block with the same old entries whose votes the state
// already counted (their targets can no longer reach 2/3), fresh votes never get in,
// and finalization, the only thing that prunes the pool, never comes: a deadlock.
//
// This selector keeps the spec's eligibility rules (known head, source = the
// justified checkpoint, on the block's chain, target not yet justified) and changes
// only what fills the budget:
//   - an entry must add a voter the state has not yet counted for its target
//     (re-including counted votes changes nothing but the block's size);
//   - entries whose target can still reach 2/3 with the votes at hand come first,
//     then the targets with most weight, then fresh before stale;
//   - at most one entry per attestation slot, and none at the block's own slot: an
//     aggregate prover carries one message per slot (leanSpec issue 1209); of two
//     entries with one slot the one that adds more wins;
//   - genesis self-votes (source and target at slot 0) justify nothing; they are
//     kept, as the spec keeps them, after everything else.
//
// Thread-compatible.

#ifndef BEAMCORE_VALIDATOR_ATTESTATION_SELECTION_H_
#define BEAMCORE_VALIDATOR_ATTESTATION_SELECTION_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "consensus/types/aggregation.h"
#include "consensus/types/attestation.h"
#include "consensus/types/state.h"

namespace beam::validator {

// One vote a proposer may include: its data and the proofs at hand for it.
struct AttestationCandidate {
  consensus::AttestationData data;
  ssz::Root data_root;  // hash_tree_root(data)
  std::vector<consensus::SingleMessageAggregate> proofs;
};

// A set of validator indices as a bitmap (registry-sized).
class VoterSet {
 public:
  VoterSet() = default;
  explicit VoterSet(size_t validators) : words_((validators + 63) / 64, 0) {}
  void Add(consensus::ValidatorIndex v);
  bool Contains(consensus::ValidatorIndex v) const;
  void AddAll(const VoterSet& other);
  size_t Count() const;
  // |this \ other|
  size_t CountNotIn(const VoterSet& other) const;

 private:
  std::vector<uint64_t> words_;
};

// The votes a state has recorded toward each not-yet-justified target root
// (justifications_roots / justifications_validators).
absl::StatusOr<absl::flat_hash_map<ssz::Root, VoterSet>> PendingJustificationVotes(const consensus::State& state);

class AttestationSelector {
 public:
  struct Pick {
    const AttestationCandidate* entry;
    std::vector<const consensus::SingleMessageAggregate*> proofs;  // the coverage choice
  };

  // What the block building round knows when it asks for picks.
  struct Round {
    consensus::Checkpoint justified;     // votes must have this source
    consensus::Slot finalized_slot = 0;  // of the state the round builds on
    const consensus::JustifiedSlots* justified_slots = nullptr;  // extended to block slot - 1
    const consensus::State* state = nullptr;  // the state so far: its pending votes count
    std::function<bool(const consensus::AttestationData&)> lies_on_chain;
    size_t budget = 0;  // entries still allowed in the block
  };

  // `candidates` must outlive the selector; `is_known_block`: votes for unknown heads are skipped.
  AttestationSelector(absl::Span<const AttestationCandidate> candidates, consensus::Slot block_slot,
                      uint64_t validator_count, std::function<bool(const ssz::Root&)> is_known_block);

  // The next round's picks, in block order (target slot ascending, as the spec orders
  // them); empty when nothing eligible is left. Picked entries and their slots are
  // remembered across rounds.
  absl::StatusOr<std::vector<Pick>> NextRound(const Round& round);

 private:
  struct Candidate {
    const AttestationCandidate* entry;
    std::vector<const consensus::SingleMessageAggregate*> proofs;
    VoterSet voters;
    bool picked = false;
  };

  std::vector<Candidate> candidates_;
  const uint64_t validator_count_;
  std::function<bool(const ssz::Root&)> is_known_block_;
  absl::flat_hash_set<consensus::Slot> used_slots_;
};

}  // namespace beam::validator

#endif  // BEAMCORE_VALIDATOR_ATTESTATION_SELECTION_H_
