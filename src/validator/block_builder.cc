#include "validator/block_builder.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "consensus/config.h"
#include "consensus/justification.h"
#include "consensus/state_transition.h"
#include "ssz/codec.h"
#include "ssz/container.h"

namespace beam::validator {

using consensus::AggregatedAttestation;
using consensus::AttestationData;
using consensus::Checkpoint;
using consensus::SingleMessageAggregate;
using consensus::Slot;
using consensus::ValidatorIndex;
using consensus::ParticipantIndices;
using ssz::Root;

consensus::AggregationBits AggregationBitsFromIndices(const std::vector<ValidatorIndex>& indices) {
  consensus::AggregationBits bits(indices.empty() ? 0 : indices.back() + 1);
  for (ValidatorIndex v : indices) bits.Set(v, true);
  return bits;
}

absl::StatusOr<crypto::ChildProof> ChildProofWithKeys(
    const SingleMessageAggregate& proof,
    const std::function<absl::StatusOr<crypto::xmss::PublicKey>(ValidatorIndex)>& attestation_key) {
  crypto::ChildProof child;
  child.proof = ssz::ByteView(proof.proof.bytes.data(), proof.proof.bytes.size());
  for (ValidatorIndex v : ParticipantIndices(proof.participants)) {
    absl::StatusOr<crypto::xmss::PublicKey> key = attestation_key(v);
    if (!key.ok()) return key.status();
    child.public_keys.push_back(*key);
  }
  return child;
}

std::vector<const SingleMessageAggregate*> SelectProofsForCoverage(const std::vector<SingleMessageAggregate>* priority,
                                                                   const std::vector<SingleMessageAggregate>* fallback,
                                                                   std::vector<ValidatorIndex>* covered_out) {
  std::vector<const SingleMessageAggregate*> selected;
  absl::flat_hash_set<ValidatorIndex> covered;
  for (const std::vector<SingleMessageAggregate>* pool : {priority, fallback}) {
    if (pool == nullptr || pool->empty()) continue;
    struct Candidate {
      const SingleMessageAggregate* proof;
      std::vector<ValidatorIndex> validators;
      ssz::ByteVec encoding;
    };
    std::vector<Candidate> candidates;
    for (const SingleMessageAggregate& p : *pool) {
      candidates.push_back({&p, ParticipantIndices(p.participants), ssz::Encode(p)});
    }
    while (!candidates.empty()) {
      size_t best = 0;
      size_t best_new = 0;
      for (size_t i = 0; i < candidates.size(); ++i) {
        size_t fresh = 0;
        for (ValidatorIndex v : candidates[i].validators) fresh += covered.contains(v) ? 0 : 1;
        if (i == 0 || fresh > best_new || (fresh == best_new && candidates[i].encoding > candidates[best].encoding)) {
          best = i;
          best_new = fresh;
        }
      }
      if (best_new == 0) break;
      selected.push_back(candidates[best].proof);
      covered.insert(candidates[best].validators.begin(), candidates[best].validators.end());
      candidates.erase(candidates.begin() + static_cast<ptrdiff_t>(best));
    }
  }
  if (covered_out != nullptr) {
    covered_out->assign(covered.begin(), covered.end());
    std::sort(covered_out->begin(), covered_out->end());
  }
  return selected;
}

namespace {

// The chain view the block extends: the parent's history, the parent, then empty slots.
class ExtendedHistory {
 public:
  ExtendedHistory(const consensus::HistoricalBlockHashes& history, const Root& parent_root, Slot slot)
      : history_(history), parent_root_(parent_root), length_(slot) {}

  bool LiesOnChain(const AttestationData& d) const {
    if (d.source.root.IsZero() || d.target.root.IsZero() || d.head.root.IsZero()) return false;
    if (d.source.slot >= length_ || d.target.slot >= length_ || d.head.slot >= length_) return false;
    return d.source.root == At(d.source.slot) && d.target.root == At(d.target.slot) && d.head.root == At(d.head.slot);
  }

 private:
  Root At(uint64_t i) const {
    if (i < history_.size()) return history_[i];
    if (i == history_.size()) return parent_root_;
    return Root{};
  }
  const consensus::HistoricalBlockHashes& history_;
  Root parent_root_;
  uint64_t length_;  // history + parent + empty slots = the block's slot
};

absl::StatusOr<consensus::State> RunBlock(const consensus::State& advanced, const consensus::Block& block) {
  consensus::State post = advanced;
  absl::Status s = consensus::ProcessBlock(post, block);
  if (!s.ok()) return s;
  return post;
}

}  // namespace

absl::StatusOr<BuiltBlock> BuildBlock(const BlockBuildInputs& in) {
  const consensus::State& state = *in.pre_state;
  consensus::State advanced = state;
  if (absl::Status s = consensus::ProcessSlots(advanced, in.slot); !s.ok()) return s;

  consensus::Block block;
  block.slot = in.slot;
  block.proposer_index = in.proposer_index;
  block.parent_root = in.parent_root;

  std::vector<consensus::SingleMessageAggregate> merged_proofs;
  if (!in.candidates.empty()) {
    std::vector<AggregatedAttestation> attestations;
    std::vector<const SingleMessageAggregate*> proofs;

    Checkpoint justified =
        state.latest_block_header.slot == 0 ? Checkpoint{in.parent_root, 0} : state.latest_justified;
    Slot finalized_slot = state.latest_finalized.slot;
    consensus::JustifiedSlots justified_slots = state.justified_slots;
    if (absl::Status s = consensus::ExtendJustifiedSlots(justified_slots, finalized_slot, in.slot - 1); !s.ok()) {
      return s;
    }
    const ExtendedHistory history(state.historical_block_hashes, in.parent_root, in.slot);

    AttestationSelector selector(in.candidates, in.slot, state.validators.size(), in.is_known_block);
    const consensus::State* round_state = &advanced;
    absl::StatusOr<consensus::State> post = absl::InternalError("unset");
    size_t included = 0;

    while (true) {
      AttestationSelector::Round round;
      round.justified = justified;
      round.finalized_slot = finalized_slot;
      round.justified_slots = &justified_slots;
      round.state = round_state;
      round.lies_on_chain = [&](const AttestationData& d) { return history.LiesOnChain(d); };
      round.budget = consensus::kMaxAttestationsData - included;
      absl::StatusOr<std::vector<AttestationSelector::Pick>> picks = selector.NextRound(round);
      if (!picks.ok()) return picks.status();
      if (picks->empty()) break;
      included += picks->size();
      for (const AttestationSelector::Pick& pick : *picks) {
        for (const SingleMessageAggregate* proof : pick.proofs) {
          proofs.push_back(proof);
          attestations.push_back(AggregatedAttestation{proof->participants, pick.entry->data});
        }
      }

      // The trial block's post-state shows whether this round moved justification.
      consensus::Block candidate = block;
      for (const AggregatedAttestation& a : attestations) candidate.body.attestations.items.push_back(a);
      post = RunBlock(advanced, candidate);
      if (!post.ok()) return post.status();
      round_state = &*post;
      if (post->latest_justified != justified || post->latest_finalized.slot != finalized_slot) {
        justified = post->latest_justified;
        justified_slots = post->justified_slots;
        finalized_slot = post->latest_finalized.slot;
        continue;
      }
      break;
    }

    // One attestation per vote: merge the proofs chosen for the same data.
    std::vector<const AttestationData*> order;
    absl::flat_hash_map<AttestationData, std::vector<const SingleMessageAggregate*>> grouped;
    for (size_t i = 0; i < attestations.size(); ++i) {
      auto [it, inserted] = grouped.try_emplace(attestations[i].data);
      if (inserted) order.push_back(&attestations[i].data);
      it->second.push_back(proofs[i]);
    }
    for (const AttestationData* data : order) {
      const std::vector<const SingleMessageAggregate*>& group = grouped[*data];
      SingleMessageAggregate merged;
      if (group.size() == 1) {
        merged = *group[0];
      } else {
        if (in.prover == nullptr) return absl::FailedPreconditionError("block building needs a prover to merge proofs");
        std::vector<crypto::ChildProof> children;
        std::vector<ValidatorIndex> all;
        for (const SingleMessageAggregate* p : group) {
          absl::StatusOr<crypto::ChildProof> child = ChildProofWithKeys(*p, in.attestation_key);
          if (!child.ok()) return child.status();
          children.push_back(std::move(*child));
          for (ValidatorIndex v : ParticipantIndices(p->participants)) all.push_back(v);
        }
        absl::StatusOr<ssz::ByteVec> bytes =
            in.prover->AggregateSingleMessage(children, {}, ssz::HashTreeRoot(*data), data->slot);
        if (!bytes.ok()) return bytes.status();
        std::sort(all.begin(), all.end());
        all.erase(std::unique(all.begin(), all.end()), all.end());
        merged.participants = AggregationBitsFromIndices(all);
        merged.proof.bytes = std::move(*bytes);
      }
      block.body.attestations.items.push_back(AggregatedAttestation{merged.participants, *data});
      merged_proofs.push_back(std::move(merged));
    }
  }

  absl::StatusOr<consensus::State> post = RunBlock(advanced, block);
  if (!post.ok()) return post.status();
  block.state_root = ssz::HashTreeRoot(*post);
  return BuiltBlock{std::move(block), std::move(*post), std::move(merged_proofs)};
}

}  // namespace beam::validator
