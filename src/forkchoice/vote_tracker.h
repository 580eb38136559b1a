// VoteTracker: each validator's latest vote in the counted ("known") proof pool, kept
// up to date as the pool changes, and mirrored into ProtoArray weights.
//
// The spec recomputes the votes from the whole pool on every head update
// (fork_choice.py _extract_attestations_from_aggregated_payloads): a validator's vote
// is the data with the highest slot among the entries whose proofs name it, ties to
// the entry first in pool order, ignoring entries whose head is at or below the
// finalized slot. This tracker gets the same answer incrementally: each pool change
// touches only the validators it names, and only a change of the finalized slot
// re-evaluates everyone.
//
// Thread-compatible: owned by the Store.

#ifndef BEAMCORE_FORKCHOICE_VOTE_TRACKER_H_
#define BEAMCORE_FORKCHOICE_VOTE_TRACKER_H_

#include <vector>

#include "consensus/types/aggregation.h"
#include "forkchoice/attestation_pool.h"
#include "forkchoice/proto_array.h"

namespace beam::forkchoice {

using consensus::ParticipantIndices;

class VoteTracker {
 public:
  using Entry = PayloadPool::Entry;

  // A proof naming `participants` was added to `entry`.
  void OnProofAdded(Entry* entry, const consensus::AggregationBits& participants);
  // `entry` moved to the front of the pool.
  void OnMovedToFront(Entry* entry);
  // `entry` is about to be erased from the pool.
  void OnErase(Entry* entry);
  // The finalized slot the votes are filtered by.
  void SetFinalizedSlot(Slot finalized_slot);

  // Turns the changed votes into weight deltas on `proto` (votes whose head block is
  // not in `proto` carry no weight until it is inserted).
  void Sync(ProtoArray& proto);
  // A block was inserted: votes waiting for it now count. Call Sync afterwards.
  void OnBlockInserted(const Root& root);
  // `proto` was pruned with this old -> new index map.
  void RemapAfterPrune(const std::vector<ProtoArray::Index>& remap);

  // The latest vote of `validator`, or null.
  const Entry* VoteOf(consensus::ValidatorIndex validator) const;

 private:
  struct Voter {
    std::vector<Entry*> candidates;  // entries whose proofs name this validator
    Entry* vote = nullptr;
    ProtoArray::Index applied = ProtoArray::kNone;  // node holding its +1
    bool changed = false;
    bool unresolved = false;  // has a vote whose head block is unknown
  };

  bool Counts(const Entry* e) const { return e->data.head.slot > finalized_slot_; }
  static bool Newer(const Entry* a, const Entry* b) {
    return a->data.slot > b->data.slot || (a->data.slot == b->data.slot && a->order < b->order);
  }
  Voter& VoterFor(consensus::ValidatorIndex v);
  void MarkChanged(consensus::ValidatorIndex v);
  void Recompute(consensus::ValidatorIndex v);
  static std::vector<consensus::ValidatorIndex> Participants(const Entry* entry);

  std::vector<Voter> voters_;
  std::vector<consensus::ValidatorIndex> changed_;
  std::vector<consensus::ValidatorIndex> unresolved_;
  Slot finalized_slot_ = 0;
};

}  // namespace beam::forkchoice

#endif  // BEAMCORE_FORKCHOICE_VOTE_TRACKER_H_
