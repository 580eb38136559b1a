// The "state_transition" format: apply each block to the pre state in order; either the
// last block is rejected for `rejectionReason`, or the final state hashes to
// `postStateRoot` and matches every field the sparse `post` names.

#include <functional>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "consensus/rejection.h"
#include "consensus/state_transition.h"
#include "tools/spectest/json_ssz.h"
#include "tools/spectest/runner.h"

namespace beam::spectest {
namespace {

using consensus::Block;
using consensus::State;

// Cases the filler produced with steps the JSON cannot express (fixtures README).
const std::map<std::string, std::string>& NotReplayable() {
  static const auto* kCases = new std::map<std::string, std::string>{
      {"test_block_with_wrong_slot", "the filler skipped slot processing before this block"},
      {"test_block_at_parent_slot_rejected_when_slot_processing_skipped",
       "the filler skipped slot processing before this block"},
      {"test_process_slots_target_equal_to_state_slot_rejected",
       "the filler recorded a process_slots rejection with no block to replay"},
      {"test_proposer_scheduling_on_empty_registry_rejected",
       "the filler recorded a proposer-scheduling rejection with no block to replay"},
  };
  return *kCases;
}

std::optional<std::string> NotReplayableReason(const std::string& test_id) {
  for (const auto& [name, reason] : NotReplayable()) {
    if (absl::StrContains(test_id, "::" + name + "[")) return reason;
  }
  return std::nullopt;
}

// Resolves "block_<slot>" to the root of the applied block at that slot.
std::optional<ssz::Root> ResolveLabel(const std::string& label, const std::vector<Block>& blocks) {
  uint64_t slot = 0;
  if (!absl::StartsWith(label, "block_") || !absl::SimpleAtoi(label.substr(6), &slot)) return std::nullopt;
  for (const Block& b : blocks) {
    if (b.slot == slot) return ssz::HashTreeRoot(b);
  }
  return std::nullopt;
}

std::string Hex(const ssz::Root& r) { return ssz::ToHex(r); }

// Compares one `post` entry; returns the difference, "" when equal, or an error when
// the key is unknown (a check never silently ignored).
absl::StatusOr<std::string> CheckField(const std::string& key, const Json& expected, const State& s,
                                       const std::vector<Block>& blocks) {
  auto uint_check = [&](uint64_t actual) -> absl::StatusOr<std::string> {
    absl::StatusOr<uint64_t> want = ParseUint(expected);
    if (!want.ok()) return want.status();
    return *want == actual ? "" : absl::StrCat(key, ": expected ", *want, ", got ", actual);
  };
  auto root_check = [&](const ssz::Root& actual) -> absl::StatusOr<std::string> {
    absl::StatusOr<ssz::Root> want = ValueFromJson<ssz::Root>(expected);
    if (!want.ok()) return want.status();
    return *want == actual ? "" : absl::StrCat(key, ": expected ", Hex(*want), ", got ", Hex(actual));
  };
  auto label_check = [&](const ssz::Root& actual) -> absl::StatusOr<std::string> {
    const std::string label = expected.get<std::string>();
    std::optional<ssz::Root> want = ResolveLabel(label, blocks);
    if (!want) return absl::NotFoundError(absl::StrCat("label ", label, " names no block of this case"));
    return *want == actual ? "" : absl::StrCat(key, " (", label, "): expected ", Hex(*want), ", got ", Hex(actual));
  };
  auto value_check = [&](const auto& actual) -> absl::StatusOr<std::string> {
    using T = std::remove_cvref_t<decltype(actual)>;
    absl::StatusOr<T> want = ValueFromJson<T>(expected);
    if (!want.ok()) return want.status();
    if (*want == actual) return std::string();
    return absl::StrCat(key, ": expected root ", Hex(ssz::HashTreeRoot(*want)), " (", want->size(),
                        " entries), got root ", Hex(ssz::HashTreeRoot(actual)), " (", actual.size(), " entries)");
  };

  if (key == "slot") return uint_check(s.slot);
  if (key == "latestJustifiedSlot") return uint_check(s.latest_justified.slot);
  if (key == "latestJustifiedRoot") return root_check(s.latest_justified.root);
  if (key == "latestJustifiedRootLabel") return label_check(s.latest_justified.root);
  if (key == "latestFinalizedSlot") return uint_check(s.latest_finalized.slot);
  if (key == "latestFinalizedRoot") return root_check(s.latest_finalized.root);
  if (key == "latestFinalizedRootLabel") return label_check(s.latest_finalized.root);
  if (key == "validatorCount") return uint_check(s.validators.size());
  if (key == "validators") return value_check(s.validators);
  if (key == "configGenesisTime") return uint_check(s.config.genesis_time);
  if (key == "latestBlockHeaderSlot") return uint_check(s.latest_block_header.slot);
  if (key == "latestBlockHeaderProposerIndex") return uint_check(s.latest_block_header.proposer_index);
  if (key == "latestBlockHeaderParentRoot") return root_check(s.latest_block_header.parent_root);
  if (key == "latestBlockHeaderStateRoot") return root_check(s.latest_block_header.state_root);
  if (key == "latestBlockHeaderBodyRoot") return root_check(s.latest_block_header.body_root);
  if (key == "historicalBlockHashesCount") return uint_check(s.historical_block_hashes.size());
  if (key == "historicalBlockHashes") return value_check(s.historical_block_hashes);
  if (key == "justifiedSlots") return value_check(s.justified_slots);
  if (key == "justificationsRoots") return value_check(s.justifications_roots);
  if (key == "justificationsRootsCount") return uint_check(s.justifications_roots.size());
  if (key == "justificationsValidators") return value_check(s.justifications_validators);
  if (key == "justificationsValidatorsCount") return uint_check(s.justifications_validators.size());
  if (key == "justificationsRootsLabels") {
    std::vector<ssz::Root> want;
    for (const Json& label : expected) {
      std::optional<ssz::Root> r = ResolveLabel(label.get<std::string>(), blocks);
      if (!r) return absl::NotFoundError(absl::StrCat("label ", label.get<std::string>(), " names no block"));
      want.push_back(*r);
    }
    std::sort(want.begin(), want.end());
    std::vector<ssz::Root> got = s.justifications_roots.ToVector();
    std::sort(got.begin(), got.end());
    return want == got ? "" : absl::StrCat(key, ": expected ", want.size(), " roots, got ", got.size(),
                                           " (or different roots)");
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown post field ", key));
}

}  // namespace

CaseOutcome RunStateTransitionCase(const std::string& test_id, const Json& c) {
  if (std::optional<std::string> reason = NotReplayableReason(test_id)) {
    return CaseOutcome::Skip(*reason);
  }
  absl::StatusOr<State> pre = ValueFromJson<State>(c["pre"]);
  if (!pre.ok()) return CaseOutcome::Fail(absl::StrCat("cannot read pre state: ", pre.status().message()));
  std::vector<Block> blocks;
  for (const Json& b : c["blocks"]) {
    absl::StatusOr<Block> block = ValueFromJson<Block>(b);
    if (!block.ok()) return CaseOutcome::Fail(absl::StrCat("cannot read block: ", block.status().message()));
    blocks.push_back(std::move(*block));
  }
  const bool expect_rejection = c.contains("rejectionReason") && !c["rejectionReason"].is_null();
  State state = std::move(*pre);
  for (size_t i = 0; i < blocks.size(); ++i) {
    absl::StatusOr<State> next = consensus::StateTransition(state, blocks[i]);
    const bool last = i + 1 == blocks.size();
    if (expect_rejection && last) {
      const std::string expected = c["rejectionReason"].get<std::string>();
      if (next.ok()) return CaseOutcome::Fail(absl::StrCat("block ", i, " applied, expected ", expected));
      const auto reason = consensus::GetRejectionReason(next.status());
      const std::string got = reason ? std::string(consensus::RejectionReasonName(*reason)) : "(no reason)";
      if (got != expected) {
        return CaseOutcome::Fail(absl::StrCat("block ", i, " rejected with ", got, " (", next.status().message(),
                                              "), expected ", expected));
      }
      return CaseOutcome::Pass();
    }
    if (!next.ok()) {
      return CaseOutcome::Fail(absl::StrCat("block ", i, " (slot ", blocks[i].slot, ") rejected: ",
                                            next.status().message()));
    }
    state = std::move(*next);
  }
  if (expect_rejection) return CaseOutcome::Fail("expected a rejection but the case has no blocks");

  if (c.contains("postStateRoot")) {
    absl::StatusOr<ssz::Root> want = ValueFromJson<ssz::Root>(c["postStateRoot"]);
    if (!want.ok()) return CaseOutcome::Fail("bad postStateRoot");
    const ssz::Root got = ssz::HashTreeRoot(state);
    if (!(*want == got)) {
      return CaseOutcome::Fail(absl::StrCat("postStateRoot: expected ", Hex(*want), ", got ", Hex(got)));
    }
  }
  if (c.contains("post") && c["post"].is_object()) {
    for (const auto& [key, expected] : c["post"].items()) {
      absl::StatusOr<std::string> diff = CheckField(key, expected, state, blocks);
      if (!diff.ok()) {
        if (diff.status().code() == absl::StatusCode::kNotFound) {
          return CaseOutcome::Skip(absl::StrCat("cannot resolve from the JSON: ", diff.status().message()));
        }
        return CaseOutcome::Fail(absl::StrCat("post.", key, ": ", diff.status().message()));
      }
      if (!diff->empty()) return CaseOutcome::Fail("post." + *diff);
    }
  }
  return CaseOutcome::Pass();
}

}  // namespace beam::spectest
