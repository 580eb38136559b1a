// The "fork_choice" format: a Store created from anchorState/anchorBlock, then steps
// (tick, block, attestation, gossipAggregatedAttestation). Every step's `valid` flag
// and rejection reason, every `checks` entry of a valid step, and the whole
// `storeSnapshot` after every step are compared.
//
// Replay rules (fixtures README): ticks act as an aggregator; a valid block step
// ticks to its slot with a proposal (if tickToSlot), puts each body attestation into
// the counted pool as a proof over its aggregation bits (unless that participant set
// is already there), then imports the block; a rejected block step only ticks.
// Block proofs are mocked placeholders and are not verified; everything else in
// on_block is, and gossip attestation signatures are verified with real XMSS.

#include <algorithm>
#include <map>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "consensus/rejection.h"
#include "crypto/aggregate_prover.h"
#include "crypto/verifier.h"
#include "crypto/xmss/config.h"
#include "forkchoice/slot_clock.h"
#include "forkchoice/store.h"
#include "forkchoice/vote_tracker.h"
#include "ssz/codec.h"
#include "tools/spectest/json_ssz.h"
#include "tools/spectest/runner.h"

namespace beam::spectest {
namespace {

using consensus::AttestationData;
using consensus::Block;
using consensus::Checkpoint;
using consensus::SignedAggregatedAttestation;
using consensus::SignedAttestation;
using consensus::SignedBlock;
using consensus::SingleMessageAggregate;
using consensus::State;
using consensus::ValidatorIndex;
using forkchoice::ParticipantIndices;
using forkchoice::PayloadPool;
using forkchoice::Store;
using ssz::Root;

std::string Hex(const Root& r) { return ssz::ToHex(r); }

template <class T>
absl::StatusOr<T> Parse(const Json& j, const char* what) {
  T out;
  if (absl::Status s = FromJson(j, out); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": ", s.message()));
  }
  return out;
}

absl::StatusOr<Root> ParseRoot(const Json& j) { return Parse<Root>(j, "root"); }

struct Context {
  Store* store = nullptr;
  std::map<std::string, Root> labels;
  const Block* step_block = nullptr;  // the block of this step, if any
  Root old_head;
  std::set<Root> input_data_roots;  // every AttestationData any step so far carried
};

absl::StatusOr<Root> Resolve(const Context& ctx, const Json& label) {
  if (!label.is_string()) return absl::InvalidArgumentError("a label must be a string");
  auto it = ctx.labels.find(label.get<std::string>());
  if (it == ctx.labels.end()) return absl::InvalidArgumentError("unknown label " + label.get<std::string>());
  return it->second;
}

// ---------------------------------------------------------------------------------
// Snapshot

std::vector<std::vector<uint64_t>> ParticipantSets(const PayloadPool::Entry& e) {
  std::vector<std::vector<uint64_t>> sets;
  for (const SingleMessageAggregate& p : e.values) sets.push_back(ParticipantIndices(p.participants));
  std::sort(sets.begin(), sets.end());
  return sets;
}

Json PoolJson(const PayloadPool& pool) {
  std::vector<const PayloadPool::Entry*> entries;
  pool.ForEach([&](const PayloadPool::Entry& e) { entries.push_back(&e); });
  std::sort(entries.begin(), entries.end(), [](auto* a, auto* b) { return a->data_root < b->data_root; });
  Json out = Json::array();
  for (const PayloadPool::Entry* e : entries) {
    out.push_back({{"dataRoot", Hex(e->data_root)}, {"participantSets", ParticipantSets(*e)}});
  }
  return out;
}

Json CheckpointJson(const Checkpoint& c) { return {{"root", Hex(c.root)}, {"slot", c.slot}}; }

Json Snapshot(const Store& store) {
  Json s;
  s["time"] = store.time();
  s["headRoot"] = Hex(store.head());
  s["safeTargetRoot"] = Hex(store.safe_target());
  s["latestJustified"] = CheckpointJson(store.latest_justified());
  s["latestFinalized"] = CheckpointJson(store.latest_finalized());
  std::vector<Root> roots = store.BlockRoots();
  std::sort(roots.begin(), roots.end());
  Json block_roots = Json::array();
  for (const Root& r : roots) block_roots.push_back(Hex(r));
  s["blockRoots"] = block_roots;
  const absl::flat_hash_map<Root, int64_t> weights = store.BlockWeights();
  Json block_weights = Json::array();
  for (const Root& r : roots) {
    if (*store.BlockSlot(r) <= store.latest_finalized().slot) continue;
    auto it = weights.find(r);
    block_weights.push_back({{"root", Hex(r)}, {"weight", it == weights.end() ? 0 : it->second}});
  }
  s["blockWeights"] = block_weights;
  std::vector<const forkchoice::SignaturePool::Entry*> sig_entries;
  store.attestation_signatures().ForEach([&](const auto& e) { sig_entries.push_back(&e); });
  std::sort(sig_entries.begin(), sig_entries.end(), [](auto* a, auto* b) { return a->data_root < b->data_root; });
  Json sigs = Json::array();
  for (const auto* e : sig_entries) {
    std::vector<uint64_t> indices;
    for (const auto& v : e->values) indices.push_back(v.validator_index);
    std::sort(indices.begin(), indices.end());
    sigs.push_back({{"dataRoot", Hex(e->data_root)}, {"validatorIndices", indices}});
  }
  s["attestationSignatures"] = sigs;
  s["newAggregatedPayloads"] = PoolJson(store.new_payloads());
  s["knownAggregatedPayloads"] = PoolJson(store.known_payloads());
  return s;
}

// The differing fields of two snapshots (all named, the first shown), or "".
std::string SnapshotDiff(const Json& expected, const Json& actual) {
  std::string first;
  std::vector<std::string> keys;
  for (const auto& [key, want] : expected.items()) {
    if (!actual.contains(key)) return "storeSnapshot." + key + ": unknown field";
    Json w = want;
    if (w.is_number()) w = w.get<uint64_t>();
    if (w != actual[key]) {
      keys.push_back(key);
      if (first.empty()) first = absl::StrCat(": expected ", w.dump(), ", got ", actual[key].dump());
    }
  }
  if (keys.empty()) return "";
  return absl::StrCat("storeSnapshot differs in ", absl::StrJoin(keys, ", "), "; ", keys[0], first);
}

// ---------------------------------------------------------------------------------
// Checks

// Each validator's latest vote in a pool (the checks' extraction).
template <class Pool, class IndicesOf>
std::map<ValidatorIndex, AttestationData> LatestByValidator(const Pool& pool, IndicesOf indices_of) {
  std::map<ValidatorIndex, AttestationData> out;
  pool.ForEach([&](const auto& e) {
    for (const auto& value : e.values) {
      for (ValidatorIndex v : indices_of(value)) {
        auto it = out.find(v);
        if (it == out.end() || it->second.slot < e.data.slot) out[v] = e.data;
      }
    }
  });
  return out;
}

template <class Pool>
std::vector<uint64_t> TargetSlots(const Pool& pool) {
  std::set<uint64_t> slots;
  pool.ForEach([&](const auto& e) { slots.insert(e.data.target.slot); });
  return {slots.begin(), slots.end()};
}

std::set<Root> AncestorSet(const Store& store, Root root) {
  std::set<Root> seen;
  while (store.HasBlock(root)) {
    seen.insert(root);
    const Root parent = *store.ParentRoot(root);
    if (parent.IsZero()) break;
    root = parent;
  }
  return seen;
}

absl::StatusOr<std::string> CheckAttestation(const Context& ctx, const Json& check) {
  absl::StatusOr<uint64_t> validator = ParseUint(check.at("validator"));
  if (!validator.ok()) return validator.status();
  const std::string location = check.at("location").get<std::string>();
  std::map<ValidatorIndex, AttestationData> latest;
  const auto proof_indices = [](const SingleMessageAggregate& p) { return ParticipantIndices(p.participants); };
  if (location == "signatures") {
    latest = LatestByValidator(ctx.store->attestation_signatures(), [](const forkchoice::SignatureEntry& s) {
      return std::vector<ValidatorIndex>{s.validator_index};
    });
  } else if (location == "new") {
    latest = LatestByValidator(ctx.store->new_payloads(), proof_indices);
  } else if (location == "known") {
    latest = LatestByValidator(ctx.store->known_payloads(), proof_indices);
  } else {
    return absl::InvalidArgumentError("unknown attestation check location " + location);
  }
  auto it = latest.find(*validator);
  if (it == latest.end()) return absl::StrCat("validator ", *validator, " has no vote in the ", location, " pool");
  const AttestationData& d = it->second;
  for (const auto& [key, want] : check.items()) {
    uint64_t actual = 0;
    if (key == "validator" || key == "location") continue;
    if (key == "sourceRootLabel") {
      absl::StatusOr<Root> root = Resolve(ctx, want);
      if (!root.ok()) return root.status();
      if (d.source.root != *root) return absl::StrCat("validator ", *validator, " source root ", Hex(d.source.root));
      continue;
    }
    if (key == "attestationSlot") {
      actual = d.slot;
    } else if (key == "headSlot") {
      actual = d.head.slot;
    } else if (key == "sourceSlot") {
      actual = d.source.slot;
    } else if (key == "targetSlot") {
      actual = d.target.slot;
    } else {
      return absl::InvalidArgumentError("unknown attestation check field " + key);
    }
    absl::StatusOr<uint64_t> expected = ParseUint(want);
    if (!expected.ok()) return expected.status();
    if (actual != *expected) {
      return absl::StrCat("validator ", *validator, " ", location, " ", key, " = ", actual, ", expected ", *expected);
    }
  }
  return std::string();
}

// Returns the first failed check, "" when all hold, or an error for an unknown check.
absl::StatusOr<std::string> RunChecks(const Context& ctx, const Json& checks) {
  const Store& store = *ctx.store;
  auto mismatch = [](const std::string& name, const auto& actual, const auto& expected) {
    return absl::StrCat(name, " = ", actual, ", expected ", expected);
  };
  std::optional<Checkpoint> attestation_target;
  auto target = [&]() -> const Checkpoint& {
    if (!attestation_target) attestation_target = store.GetAttestationTarget();
    return *attestation_target;
  };
  for (const auto& [key, want] : checks.items()) {
    // Scalars.
    std::optional<uint64_t> actual_uint;
    std::optional<Root> actual_root;
    if (key == "time") actual_uint = store.time();
    if (key == "headSlot") actual_uint = store.head_slot();
    if (key == "latestJustifiedSlot") actual_uint = store.latest_justified().slot;
    if (key == "latestFinalizedSlot") actual_uint = store.latest_finalized().slot;
    if (key == "safeTargetSlot") actual_uint = *store.BlockSlot(store.safe_target());
    if (key == "attestationTargetSlot") actual_uint = target().slot;
    if (key == "blockAttestationCount") {
      if (ctx.step_block == nullptr) return absl::InvalidArgumentError("blockAttestationCount without a block");
      actual_uint = ctx.step_block->body.attestations.size();
    }
    if (key == "headRoot" || key == "headRootLabel") actual_root = store.head();
    if (key == "latestJustifiedRoot" || key == "latestJustifiedRootLabel") actual_root = store.latest_justified().root;
    if (key == "latestFinalizedRoot" || key == "latestFinalizedRootLabel") actual_root = store.latest_finalized().root;
    if (key == "safeTarget" || key == "safeTargetRootLabel") actual_root = store.safe_target();
    if (key == "attestationTargetRootLabel") actual_root = target().root;
    if (key == "filledBlockRootLabel") {
      if (ctx.step_block == nullptr) return absl::InvalidArgumentError("filledBlockRootLabel without a block");
      actual_root = ssz::HashTreeRoot(*ctx.step_block);
    }
    if (actual_uint) {
      absl::StatusOr<uint64_t> expected = ParseUint(want);
      if (!expected.ok()) return expected.status();
      if (*actual_uint != *expected) return mismatch(key, *actual_uint, *expected);
      if (key == "attestationTargetSlot" && store.BlockSlot(target().root) != *expected) {
        return absl::StrCat("attestation target ", Hex(target().root), " is not a block at slot ", *expected);
      }
      continue;
    }
    if (actual_root) {
      absl::StatusOr<Root> expected = absl::EndsWith(key, "Label") ? Resolve(ctx, want) : ParseRoot(want);
      if (!expected.ok()) return expected.status();
      if (*actual_root != *expected) return mismatch(key, Hex(*actual_root), Hex(*expected));
      continue;
    }
    // Structured checks.
    if (key == "attestationChecks") {
      for (const Json& check : want) {
        absl::StatusOr<std::string> r = CheckAttestation(ctx, check);
        if (!r.ok() || !r->empty()) return r;
      }
    } else if (key == "attestationSignatureTargetSlots" || key == "latestNewAggregatedTargetSlots" ||
               key == "latestKnownAggregatedTargetSlots") {
      std::vector<uint64_t> actual = key == "attestationSignatureTargetSlots" ? TargetSlots(store.attestation_signatures())
                                     : key == "latestNewAggregatedTargetSlots" ? TargetSlots(store.new_payloads())
                                                                               : TargetSlots(store.known_payloads());
      std::vector<uint64_t> expected;
      for (const Json& s : want) expected.push_back(*ParseUint(s));
      std::sort(expected.begin(), expected.end());
      if (actual != expected) return mismatch(key, absl::StrJoin(actual, ","), absl::StrJoin(expected, ","));
    } else if (key == "newPoolProofParticipants") {
      std::map<uint64_t, std::set<uint64_t>> actual;
      store.new_payloads().ForEach([&](const PayloadPool::Entry& e) {
        auto& set = actual[e.data.target.slot];
        for (const auto& p : e.values) {
          for (uint64_t v : ParticipantIndices(p.participants)) set.insert(v);
        }
      });
      for (const auto& [slot_text, indices] : want.items()) {
        uint64_t slot = *ParseUint(Json(slot_text));
        std::set<uint64_t> expected;
        for (const Json& v : indices) expected.insert(*ParseUint(v));
        if (actual[slot] != expected) {
          return mismatch(absl::StrCat(key, "[", slot, "]"), absl::StrJoin(actual[slot], ","),
                          absl::StrJoin(expected, ","));
        }
      }
    } else if (key == "blockAttestations") {
      if (ctx.step_block == nullptr) return absl::InvalidArgumentError("blockAttestations without a block");
      for (const Json& check : want) {
        std::set<uint64_t> participants;
        for (const Json& v : DataOf(check.at("participants"))) participants.insert(*ParseUint(v));
        const consensus::AggregatedAttestation* match = nullptr;
        for (const auto& a : ctx.step_block->body.attestations) {
          std::vector<uint64_t> p = ParticipantIndices(a.aggregation_bits);
          if (std::set<uint64_t>(p.begin(), p.end()) == participants) {
            match = &a;
            break;
          }
        }
        if (match == nullptr) return absl::StrCat("no block attestation with participants ", absl::StrJoin(participants, ","));
        for (const auto& [field, value] : check.items()) {
          if (field == "participants") continue;
          const uint64_t actual = field == "attestationSlot" ? match->data.slot
                                  : field == "targetSlot"    ? match->data.target.slot
                                                             : UINT64_MAX;
          if (actual == UINT64_MAX) return absl::InvalidArgumentError("unknown block attestation check " + field);
          if (actual != *ParseUint(value)) return mismatch("block attestation " + field, actual, *ParseUint(value));
        }
      }
    } else if (key == "lexicographicHeadAmong") {
      const absl::flat_hash_map<Root, int64_t> weights = store.BlockWeights();
      std::set<int64_t> distinct;
      Root best;
      for (const Json& label : want) {
        absl::StatusOr<Root> root = Resolve(ctx, label);
        if (!root.ok()) return root.status();
        auto it = weights.find(*root);
        distinct.insert(it == weights.end() ? 0 : it->second);
        best = std::max(best, *root);
      }
      if (distinct.size() > 1) return std::string("lexicographicHeadAmong: the forks have unequal weights");
      if (store.head() != best) return mismatch("lexicographic head", Hex(store.head()), Hex(best));
    } else if (key == "reorgDepth") {
      const std::set<Root> old_chain = AncestorSet(store, ctx.old_head);
      const std::set<Root> new_chain = AncestorSet(store, store.head());
      uint64_t depth = 0;
      for (const Root& r : old_chain) depth += new_chain.count(r) ? 0 : 1;
      if (depth != *ParseUint(want)) return mismatch(key, depth, *ParseUint(want));
    } else if (key == "labelsInStore") {
      for (const Json& label : want) {
        absl::StatusOr<Root> root = Resolve(ctx, label);
        if (!root.ok()) return root.status();
        if (!store.HasBlock(*root)) return absl::StrCat("block ", label.get<std::string>(), " is not in the store");
      }
    } else {
      return absl::InvalidArgumentError("unknown check " + key);
    }
  }
  return std::string();
}

// ---------------------------------------------------------------------------------
// Steps

// A placeholder proof for a block attestation replayed into the counted pool.
SingleMessageAggregate ReplayedProof(const consensus::AggregatedAttestation& a) {
  SingleMessageAggregate p;
  p.participants = a.aggregation_bits;
  p.proof.bytes.assign(crypto::kMockedProofPrefix, crypto::kMockedProofPrefix + crypto::kMockedProofPrefixLength);
  return p;
}

bool PoolHasParticipants(const Store& store, const AttestationData& data, const consensus::AggregationBits& bits) {
  const PayloadPool::Entry* e = store.known_payloads().Find(data);
  if (e == nullptr) return false;
  const std::vector<uint64_t> want = ParticipantIndices(bits);
  for (const SingleMessageAggregate& p : e->values) {
    if (ParticipantIndices(p.participants) == want) return true;
  }
  return false;
}

absl::StatusOr<absl::Status> RunStep(Context& ctx, const Json& step, std::optional<Block>& block_holder) {
  Store& store = *ctx.store;
  const std::string type = step.at("stepType").get<std::string>();
  const bool valid = step.at("valid").get<bool>();
  if (type == "tick") {
    uint64_t target = 0;
    if (step.contains("interval") && !step["interval"].is_null()) {
      absl::StatusOr<uint64_t> i = ParseUint(step["interval"]);
      if (!i.ok()) return i.status();
      target = *i;
    } else {
      absl::StatusOr<uint64_t> t = ParseUint(step.at("time"));
      if (!t.ok()) return t.status();
      target = forkchoice::SlotClock(store.config().genesis_time).TotalIntervals(*t * 1000);
    }
    return store.OnTick(target, step.value("hasProposal", false), /*is_aggregator=*/true);
  }
  if (type == "block") {
    absl::StatusOr<Block> block = Parse<Block>(step.at("block"), "block");
    if (!block.ok()) return block.status();
    block_holder = std::move(*block);
    ctx.step_block = &*block_holder;
    if (step.at("block").contains("blockRootLabel")) {
      ctx.labels[step["block"]["blockRootLabel"].get<std::string>()] = ssz::HashTreeRoot(*block_holder);
    }
    if (step.value("tickToSlot", true)) {
      if (absl::Status s = store.OnTick(block_holder->slot * consensus::kIntervalsPerSlot, true, true); !s.ok()) {
        return s;
      }
    }
    for (const auto& a : block_holder->body.attestations) ctx.input_data_roots.insert(ssz::HashTreeRoot(a.data));
    if (valid) {
      for (const auto& a : block_holder->body.attestations) {
        if (!PoolHasParticipants(store, a.data, a.aggregation_bits)) store.AddKnownProof(a.data, ReplayedProof(a));
      }
    }
    return store.OnBlock(SignedBlock{*block_holder, {}}, forkchoice::BlockProofCheck::kSkipProofOnly);
  }
  if (type == "attestation") {
    absl::StatusOr<SignedAttestation> a = Parse<SignedAttestation>(step.at("attestation"), "attestation");
    if (!a.ok()) return a.status();
    ctx.input_data_roots.insert(ssz::HashTreeRoot(a->data));
    return store.OnGossipAttestation(*a, step.value("isAggregator", false));
  }
  if (type == "gossipAggregatedAttestation") {
    absl::StatusOr<SignedAggregatedAttestation> a =
        Parse<SignedAggregatedAttestation>(step.at("attestation"), "aggregated attestation");
    if (!a.ok()) return a.status();
    ctx.input_data_roots.insert(ssz::HashTreeRoot(a->data));
    return store.OnGossipAggregatedAttestation(*a);
  }
  return absl::InvalidArgumentError("unknown step type " + type);
}

// The proof that a snapshot cannot be reproduced from the JSON: the expected payload
// pools hold a vote that no step of the case ever carried (the filler's block builder
// aggregated it, then left it out of the block, and kept its proof; fixtures README).
std::optional<std::string> UnreplayableVote(const Context& ctx, const Json& snapshot) {
  for (const char* pool : {"knownAggregatedPayloads", "newAggregatedPayloads"}) {
    for (const Json& entry : snapshot.value(pool, Json::array())) {
      absl::StatusOr<Root> root = ParseRoot(entry.at("dataRoot"));
      if (root.ok() && !ctx.input_data_roots.count(*root)) {
        return absl::StrCat("not replayable from the JSON: the expected ", pool, " holds a proof for attestation data ",
                            Hex(*root), " that no block or gossip step of this case carries (the filler kept a vote "
                            "its block builder dropped from the block)");
      }
    }
  }
  return std::nullopt;
}

}  // namespace

CaseOutcome RunForkChoiceCase(const std::string& test_id, const Json& c) {
  (void)test_id;
  const std::string env = c.value("leanEnv", "test");
  const crypto::xmss::XmssConfig& config = env == "prod" ? crypto::xmss::kProdConfig : crypto::xmss::kTestConfig;
  if (c.value("proofSetting", 0) != 0) return CaseOutcome::Skip("real aggregation proofs (proofSetting != 0)");
  const crypto::XmssSignatureVerifier signature_verifier(config);
  const crypto::MockedAggregateVerifier aggregate_verifier;
  const crypto::MockedAggregateProver prover;
  forkchoice::StoreCrypto crypto{&signature_verifier, &aggregate_verifier, &prover, nullptr};

  absl::StatusOr<State> anchor_state = Parse<State>(c.at("anchorState"), "anchorState");
  if (!anchor_state.ok()) return CaseOutcome::Fail(std::string(anchor_state.status().message()));
  absl::StatusOr<Block> anchor_block = Parse<Block>(c.at("anchorBlock"), "anchorBlock");
  if (!anchor_block.ok()) return CaseOutcome::Fail(std::string(anchor_block.status().message()));
  const Root anchor_root = ssz::HashTreeRoot(*anchor_block);

  absl::StatusOr<std::unique_ptr<Store>> store =
      Store::FromAnchor(std::move(*anchor_state), *anchor_block, ValidatorIndex{0}, crypto);
  if (c.contains("rejectionReason") && !c["rejectionReason"].is_null()) {
    const std::string want = c["rejectionReason"].get<std::string>();
    if (store.ok()) return CaseOutcome::Fail("store creation succeeded, expected " + want);
    std::optional<consensus::RejectionReason> got = consensus::GetRejectionReason(store.status());
    if (!got || consensus::RejectionReasonName(*got) != want) {
      return CaseOutcome::Fail(absl::StrCat("store creation failed with ", store.status().ToString(), ", expected ", want));
    }
    return CaseOutcome::Pass();
  }
  if (!store.ok()) return CaseOutcome::Fail("store creation failed: " + store.status().ToString());

  Context ctx;
  ctx.store = store->get();
  ctx.labels["genesis"] = anchor_root;
  const Json& steps = c.at("steps");
  for (size_t i = 0; i < steps.size(); ++i) {
    const Json& step = steps[i];
    const std::string where = absl::StrCat("step ", i, " (", step.at("stepType").get<std::string>(), "): ");
    ctx.old_head = ctx.store->head();
    ctx.step_block = nullptr;
    std::optional<Block> block_holder;
    absl::StatusOr<absl::Status> result = RunStep(ctx, step, block_holder);
    if (!result.ok()) return CaseOutcome::Fail(where + "malformed step: " + std::string(result.status().message()));
    const bool valid = step.at("valid").get<bool>();
    if (valid && !result->ok()) return CaseOutcome::Fail(where + "rejected: " + result->ToString());
    if (!valid) {
      const std::string want = step.value("rejectionReason", "");
      if (result->ok()) return CaseOutcome::Fail(where + "accepted, expected rejection " + want);
      std::optional<consensus::RejectionReason> got = consensus::GetRejectionReason(*result);
      if (!got || consensus::RejectionReasonName(*got) != want) {
        return CaseOutcome::Fail(where + "rejected with " + result->ToString() + ", expected " + want);
      }
    }
    if (valid && step.contains("checks") && !step["checks"].is_null()) {
      absl::StatusOr<std::string> diff = RunChecks(ctx, step["checks"]);
      if (!diff.ok()) return CaseOutcome::Fail(where + "bad check: " + std::string(diff.status().message()));
      if (!diff->empty()) return CaseOutcome::Fail(where + "check failed: " + *diff);
    }
    if (step.contains("storeSnapshot")) {
      const std::string diff = SnapshotDiff(step["storeSnapshot"], Snapshot(*ctx.store));
      if (!diff.empty()) {
        if (std::optional<std::string> why = UnreplayableVote(ctx, step["storeSnapshot"])) {
          return CaseOutcome::Skip(where + *why);
        }
        return CaseOutcome::Fail(where + diff);
      }
    }
  }
  return CaseOutcome::Pass();
}

}  // namespace beam::spectest
