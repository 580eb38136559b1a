#include "forkchoice/vote_tracker.h"

#include <algorithm>

namespace beam::forkchoice {

using consensus::ValidatorIndex;

std::vector<ValidatorIndex> VoteTracker::Participants(const Entry* entry) {
  std::vector<ValidatorIndex> out;
  for (const consensus::SingleMessageAggregate& proof : entry->values) {
    std::vector<ValidatorIndex> p = ParticipantIndices(proof.participants);
    out.insert(out.end(), p.begin(), p.end());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

VoteTracker::Voter& VoteTracker::VoterFor(ValidatorIndex v) {
  if (v >= voters_.size()) voters_.resize(v + 1);
  return voters_[v];
}

void VoteTracker::MarkChanged(ValidatorIndex v) {
  Voter& voter = voters_[v];
  if (!voter.changed) {
    voter.changed = true;
    changed_.push_back(v);
  }
}

void VoteTracker::OnProofAdded(Entry* entry, const consensus::AggregationBits& participants) {
  for (ValidatorIndex v : ParticipantIndices(participants)) {
    Voter& voter = VoterFor(v);
    if (std::find(voter.candidates.begin(), voter.candidates.end(), entry) == voter.candidates.end()) {
      voter.candidates.push_back(entry);
    }
    if (voter.vote != entry && Counts(entry) && (voter.vote == nullptr || Newer(entry, voter.vote))) {
      voter.vote = entry;
      MarkChanged(v);
    }
  }
}

void VoteTracker::OnMovedToFront(Entry* entry) {
  if (!Counts(entry)) return;
  for (ValidatorIndex v : Participants(entry)) {
    Voter& voter = voters_[v];
    // Now first in order, it wins every tie at its slot.
    if (voter.vote != entry && voter.vote != nullptr && voter.vote->data.slot == entry->data.slot) {
      voter.vote = entry;
      MarkChanged(v);
    }
  }
}

void VoteTracker::OnErase(Entry* entry) {
  for (ValidatorIndex v : Participants(entry)) {
    Voter& voter = voters_[v];
    voter.candidates.erase(std::remove(voter.candidates.begin(), voter.candidates.end(), entry),
                           voter.candidates.end());
    if (voter.vote == entry) Recompute(v);
  }
}

void VoteTracker::Recompute(ValidatorIndex v) {
  Voter& voter = voters_[v];
  Entry* best = nullptr;
  for (Entry* e : voter.candidates) {
    if (Counts(e) && (best == nullptr || Newer(e, best))) best = e;
  }
  if (best != voter.vote) {
    voter.vote = best;
    MarkChanged(v);
  }
}

void VoteTracker::SetFinalizedSlot(Slot finalized_slot) {
  if (finalized_slot == finalized_slot_) return;
  finalized_slot_ = finalized_slot;
  for (ValidatorIndex v = 0; v < voters_.size(); ++v) Recompute(v);
}

void VoteTracker::Sync(ProtoArray& proto) {
  for (ValidatorIndex v : changed_) {
    Voter& voter = voters_[v];
    voter.changed = false;
    ProtoArray::Index target = ProtoArray::kNone;
    if (voter.vote != nullptr) {
      Entry* vote = voter.vote;
      if (vote->head_node < 0) {  // resolve once per pool entry, not per voter
        vote->head_node = proto.IndexOf(vote->data.head.root).value_or(ProtoArray::kNone);
      }
      target = vote->head_node;
      if (target == ProtoArray::kNone && !voter.unresolved) {
        voter.unresolved = true;
        unresolved_.push_back(v);
      }
    }
    if (target != voter.applied) {
      proto.AddVote(voter.applied, -1);
      proto.AddVote(target, +1);
      voter.applied = target;
    }
  }
  changed_.clear();
}

void VoteTracker::OnBlockInserted(const Root& root) {
  if (unresolved_.empty()) return;
  std::vector<ValidatorIndex> still;
  for (ValidatorIndex v : unresolved_) {
    Voter& voter = voters_[v];
    if (voter.vote != nullptr && voter.applied == ProtoArray::kNone) {
      if (voter.vote->data.head.root == root) {
        voter.unresolved = false;
        MarkChanged(v);
      } else {
        still.push_back(v);
      }
    } else {
      voter.unresolved = false;
    }
  }
  unresolved_ = std::move(still);
}

void VoteTracker::RemapAfterPrune(const std::vector<ProtoArray::Index>& remap) {
  for (ValidatorIndex v = 0; v < voters_.size(); ++v) {
    Voter& voter = voters_[v];
    if (voter.applied != ProtoArray::kNone) voter.applied = remap[voter.applied];
  }
}

const VoteTracker::Entry* VoteTracker::VoteOf(ValidatorIndex v) const {
  return v < voters_.size() ? voters_[v].vote : nullptr;
}

}  // namespace beam::forkchoice
