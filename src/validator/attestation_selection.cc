#include "validator/attestation_selection.h"

#include <algorithm>
#include <optional>
#include <tuple>
#include <utility>

#include "consensus/justification.h"
#include "ssz/bitfields.h"
#include "validator/block_builder.h"

namespace beam::validator {

using consensus::AttestationData;
using consensus::Slot;
using consensus::ValidatorIndex;
using ssz::Root;

void VoterSet::Add(ValidatorIndex v) {
  const size_t w = v / 64;
  if (w >= words_.size()) words_.resize(w + 1, 0);
  words_[w] |= uint64_t{1} << (v % 64);
}

bool VoterSet::Contains(ValidatorIndex v) const {
  const size_t w = v / 64;
  return w < words_.size() && ((words_[w] >> (v % 64)) & 1) != 0;
}

void VoterSet::AddAll(const VoterSet& other) {
  if (other.words_.size() > words_.size()) words_.resize(other.words_.size(), 0);
  for (size_t i = 0; i < other.words_.size(); ++i) words_[i] |= other.words_[i];
}

size_t VoterSet::Count() const {
  size_t n = 0;
  for (uint64_t w : words_) n += ssz::PopCount64(w);
  return n;
}

size_t VoterSet::CountNotIn(const VoterSet& other) const {
  size_t n = 0;
  for (size_t i = 0; i < words_.size(); ++i) {
    n += ssz::PopCount64(words_[i] & ~(i < other.words_.size() ? other.words_[i] : 0));
  }
  return n;
}

absl::StatusOr<absl::flat_hash_map<Root, VoterSet>> PendingJustificationVotes(const consensus::State& state) {
  const size_t validators = state.validators.size();
  const size_t roots = state.justifications_roots.size();
  if (state.justifications_validators.size() != roots * validators) {
    return absl::InternalError("justifications_validators does not match justifications_roots x validators");
  }
  absl::flat_hash_map<Root, VoterSet> out;
  if (roots == 0) return out;
  const ssz::ByteVec flat = state.justifications_validators.ToPacked();
  for (size_t r = 0; r < roots; ++r) {
    VoterSet votes(validators);
    for (size_t v = 0; v < validators; ++v) {
      if (ssz::GetBit(flat.data(), r * validators + v)) votes.Add(v);
    }
    out.emplace(state.justifications_roots[r], std::move(votes));
  }
  return out;
}

AttestationSelector::AttestationSelector(absl::Span<const AttestationCandidate> candidates, Slot block_slot,
                                         uint64_t validator_count,
                                         std::function<bool(const Root&)> is_known_block)
    : validator_count_(validator_count), is_known_block_(std::move(is_known_block)) {
  // The block's own proposal signature is the block slot's message.
  used_slots_.insert(block_slot);
  candidates_.reserve(candidates.size());
  for (const AttestationCandidate& entry : candidates) {
    Candidate c{&entry, {}, VoterSet(validator_count), false};
    std::vector<ValidatorIndex> covered;
    c.proofs = SelectProofsForCoverage(&entry.proofs, nullptr, &covered);
    for (ValidatorIndex v : covered) c.voters.Add(v);
    if (c.proofs.empty()) continue;  // a block's vote seeded without proofs: nothing to include
    candidates_.push_back(std::move(c));
  }
}

absl::StatusOr<std::vector<AttestationSelector::Pick>> AttestationSelector::NextRound(const Round& round) {
  // The spec's eligibility rules.
  std::vector<size_t> counting;  // votes the state transition counts toward their target
  std::vector<size_t> genesis;   // genesis self-votes: kept, justify nothing
  for (size_t i = 0; i < candidates_.size(); ++i) {
    const Candidate& c = candidates_[i];
    const AttestationData& d = c.entry->data;
    if (c.picked || used_slots_.contains(d.slot)) continue;
    if (!is_known_block_(d.head.root)) continue;
    if (d.source.slot != round.justified.slot) continue;
    if (!round.lies_on_chain(d)) continue;
    absl::StatusOr<bool> source_justified =
        consensus::IsSlotJustified(*round.justified_slots, round.finalized_slot, d.source.slot);
    if (!source_justified.ok()) return source_justified.status();
    if (!*source_justified) continue;
    if (d.source.slot == 0 && d.target.slot == 0) {
      genesis.push_back(i);
      continue;
    }
    absl::StatusOr<bool> target_justified =
        consensus::IsSlotJustified(*round.justified_slots, round.finalized_slot, d.target.slot);
    if (!target_justified.ok()) return target_justified.status();
    if (*target_justified) continue;
    // What the state transition would skip adds nothing to the block.
    if (d.target.slot <= d.source.slot || d.target.slot < round.finalized_slot ||
        !consensus::IsJustifiableAfter(d.target.slot, round.finalized_slot)) continue;
    counting.push_back(i);
  }

  absl::StatusOr<absl::flat_hash_map<Root, VoterSet>> pending = PendingJustificationVotes(*round.state);
  if (!pending.ok()) return pending.status();
  absl::flat_hash_map<Root, VoterSet>& tally = *pending;  // votes counted so far, per target
  absl::flat_hash_map<Root, size_t> available;             // counted + every eligible vote, per target
  {
    absl::flat_hash_map<Root, VoterSet> all;
    for (size_t i : counting) {
      const Root& t = candidates_[i].entry->data.target.root;
      auto [it, inserted] = all.try_emplace(t, VoterSet(validator_count_));
      if (inserted) {
        if (auto p = tally.find(t); p != tally.end()) it->second.AddAll(p->second);
      }
      it->second.AddAll(candidates_[i].voters);
    }
    for (const auto& [t, voters] : all) available[t] = voters.Count();
  }

  std::vector<size_t> picked;
  size_t budget = round.budget;
  while (budget > 0) {
    // (reaches 2/3, weight toward the target, attestation slot, new voters); ties by data root.
    using Key = std::tuple<bool, size_t, Slot, size_t>;
    std::optional<size_t> best;
    Key best_key{};
    for (size_t i : counting) {
      const Candidate& c = candidates_[i];
      const AttestationData& d = c.entry->data;
      if (c.picked || used_slots_.contains(d.slot)) continue;
      auto t = tally.find(d.target.root);
      const size_t gain = t == tally.end() ? c.voters.Count() : c.voters.CountNotIn(t->second);
      if (gain == 0) continue;
      const size_t weight = available[d.target.root];
      const Key key{3 * weight >= 2 * validator_count_, weight, d.slot, gain};
      if (!best || key > best_key || (key == best_key && c.entry->data_root < candidates_[*best].entry->data_root)) {
        best = i;
        best_key = key;
      }
    }
    if (!best) break;
    Candidate& c = candidates_[*best];
    c.picked = true;
    used_slots_.insert(c.entry->data.slot);
    tally.try_emplace(c.entry->data.target.root, VoterSet(validator_count_)).first->second.AddAll(c.voters);
    picked.push_back(*best);
    --budget;
  }
  for (size_t i : genesis) {
    if (budget == 0) break;
    Candidate& c = candidates_[i];
    if (used_slots_.contains(c.entry->data.slot)) continue;
    c.picked = true;
    used_slots_.insert(c.entry->data.slot);
    picked.push_back(i);
    --budget;
  }

  std::stable_sort(picked.begin(), picked.end(), [&](size_t a, size_t b) {
    return candidates_[a].entry->data.target.slot < candidates_[b].entry->data.target.slot;
  });
  std::vector<Pick> out;
  out.reserve(picked.size());
  for (size_t i : picked) out.push_back(Pick{candidates_[i].entry, candidates_[i].proofs});
  return out;
}

}  // namespace beam::validator
