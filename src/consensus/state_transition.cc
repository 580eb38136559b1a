#include "consensus/state_transition.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "consensus/justification.h"
#include "consensus/rejection.h"

namespace beam::consensus {
namespace {

// Drops the first `count` bits (the finalized boundary moved forward by `count`).
void DropFrontBits(JustifiedSlots& bits, uint64_t count) {
  const size_t len = bits.size();
  const size_t kept = count >= len ? 0 : len - count;
  const ssz::ByteVec packed = bits.ToPacked();
  ssz::ByteVec shifted((kept + 7) / 8, 0);
  for (size_t i = 0; i < kept; ++i) {
    const size_t from = i + count;
    if ((packed[from / 8] >> (from % 8)) & 1) shifted[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
  }
  bits.AssignPacked(shifted, kept);
}

// Per-target vote tally: one bit per validator (packed like AggregationBits), plus its
// population count.
struct Tally {
  std::vector<uint8_t> votes;
  uint64_t count = 0;
};

}  // namespace

State GenerateGenesis(uint64_t genesis_time, const std::vector<Validator>& validators) {
  State state;
  state.config.genesis_time = genesis_time;
  state.latest_block_header.body_root = ssz::HashTreeRoot(BlockBody{});
  for (const Validator& v : validators) state.validators.PushBack(v);
  return state;
}

absl::Status ProcessSlots(State& state, Slot target_slot) {
  if (state.slot >= target_slot) {
    return Reject(RejectionReason::kBLOCK_SLOT_NOT_IN_FUTURE,
                  absl::StrCat("target slot ", target_slot, " is not after state slot ", state.slot));
  }
  // Only the first empty slot after a block finds an empty state root; later slots
  // reuse it, so the state is hashed at most once here.
  if (state.latest_block_header.state_root.IsZero()) {
    state.latest_block_header.state_root = ssz::HashTreeRoot(state);
  }
  state.slot = target_slot;
  return absl::OkStatus();
}

absl::Status ProcessBlockHeader(State& state, const Block& block) {
  const BlockHeader& parent = state.latest_block_header;
  const Root parent_root = ssz::HashTreeRoot(parent);
  if (block.slot != state.slot) {
    return Reject(RejectionReason::kBLOCK_SLOT_MISMATCH,
                  absl::StrCat("block slot ", block.slot, " != state slot ", state.slot));
  }
  if (block.slot <= parent.slot) {
    return Reject(RejectionReason::kBLOCK_OLDER_THAN_LATEST_HEADER,
                  absl::StrCat("block slot ", block.slot, " <= latest header slot ", parent.slot));
  }
  const uint64_t num_validators = state.validators.size();
  if (num_validators == 0) {
    return Reject(RejectionReason::kEMPTY_VALIDATOR_REGISTRY,
                  "cannot schedule a proposer for an empty validator registry");
  }
  if (block.proposer_index != state.slot % num_validators) {
    return Reject(RejectionReason::kWRONG_PROPOSER,
                  absl::StrCat("proposer ", block.proposer_index, " is not scheduled for slot ",
                               state.slot, " (expected ", state.slot % num_validators, ")"));
  }
  if (block.parent_root != parent_root) {
    return Reject(RejectionReason::kPARENT_ROOT_MISMATCH,
                  absl::StrCat("parent root ", ssz::ToHex(block.parent_root), " != latest header root ",
                               ssz::ToHex(parent_root)));
  }
  // Genesis is the anchor: the first block forces its parent to justified + finalized.
  if (parent.slot == 0) {
    state.latest_justified = Checkpoint{parent_root, 0};
    state.latest_finalized = Checkpoint{parent_root, 0};
  }
  const uint64_t num_empty_slots = block.slot - parent.slot - 1;
  const uint64_t history_len = state.historical_block_hashes.size();
  if (num_empty_slots >= HistoricalBlockHashes::kLimit - history_len) {
    return absl::InvalidArgumentError(
        absl::StrCat("historical_block_hashes would exceed its limit of ", HistoricalBlockHashes::kLimit));
  }
  state.historical_block_hashes.PushBack(parent_root);
  for (uint64_t i = 0; i < num_empty_slots; ++i) state.historical_block_hashes.PushBack(Root{});
  absl::Status s = ExtendJustifiedSlots(state.justified_slots, state.latest_finalized.slot, block.slot - 1);
  if (!s.ok()) return s;
  state.latest_block_header = BlockHeader{block.slot, block.proposer_index, block.parent_root, Root{},
                                          ssz::HashTreeRoot(block.body)};
  return absl::OkStatus();
}

absl::Status ProcessAttestations(State& state, const AggregatedAttestations& attestations) {
  {
    absl::flat_hash_set<AttestationData> distinct;
    for (const AggregatedAttestation& a : attestations.items) distinct.insert(a.data);
    if (distinct.size() > kMaxAttestationsData) {
      return Reject(RejectionReason::kTOO_MANY_ATTESTATION_DATA,
                    absl::StrCat("block carries ", distinct.size(), " distinct AttestationData; maximum is ",
                                 kMaxAttestationsData));
    }
  }
  const uint64_t validator_count = state.validators.size();
  const size_t num_roots = state.justifications_roots.size();
  if (state.justifications_validators.size() != num_roots * validator_count) {
    return absl::InternalError(absl::StrCat("justifications_validators has ",
                                            state.justifications_validators.size(), " bits for ", num_roots,
                                            " roots x ", validator_count, " validators"));
  }

  // Unpacked lazily: an attestation that passes every filter is the first to need it.
  absl::flat_hash_map<Root, Tally> justifications;
  bool unpacked = false;
  auto unpack = [&]() -> absl::Status {
    unpacked = true;
    const ssz::ByteVec flat = state.justifications_validators.ToPacked();
    for (size_t r = 0; r < num_roots; ++r) {
      const Root& root = state.justifications_roots[r];
      if (root.IsZero()) return absl::InternalError("zero hash in justifications_roots");
      Tally tally;
      tally.votes.assign((validator_count + 7) / 8, 0);
      ssz::CopyBits(flat.data(), r * validator_count, tally.votes.data(), 0, validator_count);
      tally.count = ssz::PopCountBytes(tally.votes.data(), tally.votes.size());
      justifications[root] = std::move(tally);
    }
    return absl::OkStatus();
  };

  Checkpoint latest_justified = state.latest_justified;
  Checkpoint latest_finalized = state.latest_finalized;
  Slot finalized_slot = latest_finalized.slot;
  const Slot original_finalized_slot = finalized_slot;
  JustifiedSlots& justified_slots = state.justified_slots;

  // root -> slot over the unfinalized history as the block found it; built on the
  // first finalization only (later entries win, as in the spec's dict).
  absl::flat_hash_map<Root, Slot> root_to_slot;
  bool have_root_to_slot = false;

  for (const AggregatedAttestation& attestation : attestations.items) {
    const Checkpoint& source = attestation.data.source;
    const Checkpoint& target = attestation.data.target;
    absl::StatusOr<bool> source_justified = IsSlotJustified(justified_slots, finalized_slot, source.slot);
    if (!source_justified.ok()) return source_justified.status();
    if (!*source_justified) continue;
    absl::StatusOr<bool> target_justified = IsSlotJustified(justified_slots, finalized_slot, target.slot);
    if (!target_justified.ok()) return target_justified.status();
    if (*target_justified) continue;
    if (!LiesOnChain(attestation.data, state.historical_block_hashes)) continue;
    if (target.slot <= source.slot) continue;
    if (!IsJustifiableAfter(target.slot, finalized_slot)) continue;

    const AggregationBits& bits = attestation.aggregation_bits;
    if (bits.CountOnes() == 0) {
      return Reject(RejectionReason::kEMPTY_AGGREGATION_BITS,
                    "aggregated attestation must reference at least one validator");
    }
    if (bits.size() > validator_count) {
      // Any set bit at or past the registry size names a validator that does not exist.
      ssz::ByteVec beyond((bits.size() - validator_count + 7) / 8, 0);
      ssz::CopyBits(bits.bytes().data(), validator_count, beyond.data(), 0, bits.size() - validator_count);
      if (ssz::PopCountBytes(beyond.data(), beyond.size()) != 0) {
        return Reject(RejectionReason::kVALIDATOR_INDEX_OUT_OF_RANGE,
                      absl::StrCat("aggregation bits reference a validator outside the registry of ",
                                   validator_count));
      }
    }
    if (!unpacked) {
      absl::Status s = unpack();
      if (!s.ok()) return s;
    }
    Tally& tally = justifications[target.root];
    if (tally.votes.empty()) tally.votes.assign((validator_count + 7) / 8, 0);
    // Bits at or past the registry size are zero (checked above), so a bytewise OR
    // over the common prefix marks exactly the voters; re-marking is idempotent.
    const size_t common = std::min(bits.bytes().size(), tally.votes.size());
    for (size_t i = 0; i < common; ++i) tally.votes[i] |= bits.bytes()[i];
    tally.count = ssz::PopCountBytes(tally.votes.data(), tally.votes.size());
    if (3 * tally.count < 2 * validator_count) continue;

    if (target.slot > latest_justified.slot) latest_justified = target;
    justified_slots.Set(*JustifiedIndexAfter(target.slot, finalized_slot), true);
    justifications.erase(target.root);

    if (source.slot <= finalized_slot) continue;
    bool gap_has_justifiable = false;
    for (Slot s = source.slot + 1; s < target.slot; ++s) {
      if (IsJustifiableAfter(s, finalized_slot)) {
        gap_has_justifiable = true;
        break;
      }
    }
    if (gap_has_justifiable) continue;

    const Slot old_finalized_slot = finalized_slot;
    latest_finalized = source;
    finalized_slot = source.slot;
    const uint64_t delta = finalized_slot - old_finalized_slot;
    if (delta == 0) continue;
    DropFrontBits(justified_slots, delta);
    if (!have_root_to_slot) {
      have_root_to_slot = true;
      for (uint64_t i = original_finalized_slot + 1; i < state.historical_block_hashes.size(); ++i) {
        root_to_slot[state.historical_block_hashes[i]] = i;
      }
    }
    for (auto it = justifications.begin(); it != justifications.end();) {
      auto slot_it = root_to_slot.find(it->first);
      if (slot_it == root_to_slot.end()) {
        return absl::InternalError(
            absl::StrCat("justification root ", ssz::ToHex(it->first), " is not in the unfinalized history"));
      }
      if (slot_it->second > finalized_slot) {
        ++it;
      } else {
        justifications.erase(it++);
      }
    }
  }

  state.latest_justified = latest_justified;
  state.latest_finalized = latest_finalized;

  // Re-pack the tallies, roots sorted. Untouched tallies keep their bits, so when no
  // vote counted and the roots are already sorted, nothing below changes.
  if (!unpacked) {
    bool sorted = true;
    for (size_t r = 1; r < num_roots && sorted; ++r) {
      sorted = state.justifications_roots[r - 1] < state.justifications_roots[r];
    }
    if (sorted) return absl::OkStatus();
    absl::Status s = unpack();
    if (!s.ok()) return s;
  }
  std::vector<Root> roots;
  roots.reserve(justifications.size());
  for (const auto& [root, tally] : justifications) roots.push_back(root);
  std::sort(roots.begin(), roots.end());
  const size_t total_bits = roots.size() * validator_count;
  ssz::ByteVec packed((total_bits + 7) / 8, 0);
  for (size_t r = 0; r < roots.size(); ++r) {
    ssz::CopyBits(justifications[roots[r]].votes.data(), 0, packed.data(), r * validator_count, validator_count);
  }
  state.justifications_roots.Assign(roots);
  state.justifications_validators.AssignPacked(packed, total_bits);
  return absl::OkStatus();
}

absl::Status ProcessBlock(State& state, const Block& block) {
  absl::Status s = ProcessBlockHeader(state, block);
  if (!s.ok()) return s;
  return ProcessAttestations(state, block.body.attestations);
}

absl::Status ApplyStateTransition(State& state, const Block& block) {
  absl::Status s = ProcessSlots(state, block.slot);
  if (!s.ok()) return s;
  s = ProcessBlock(state, block);
  if (!s.ok()) return s;
  const Root computed = ssz::HashTreeRoot(state);
  if (block.state_root != computed) {
    return Reject(RejectionReason::kSTATE_ROOT_MISMATCH,
                  absl::StrCat("block state root ", ssz::ToHex(block.state_root), " != computed ",
                               ssz::ToHex(computed)));
  }
  return absl::OkStatus();
}

absl::StatusOr<State> StateTransition(const State& pre, const Block& block) {
  State state = pre;
  absl::Status s = ApplyStateTransition(state, block);
  if (!s.ok()) return s;
  return state;
}

}  // namespace beam::consensus
