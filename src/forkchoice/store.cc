#include "forkchoice/store.h"

#include <algorithm>
#include <functional>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "consensus/justification.h"
#include "consensus/rejection.h"
#include "consensus/state_transition.h"
#include "ssz/codec.h"
#include "ssz/container.h"
#include "validator/block_builder.h"

namespace beam::forkchoice {

using consensus::AttestationData;
using consensus::Reject;
using consensus::RejectionReason;

namespace {

std::string Hex(const Root& r) { return ssz::ToHex(r); }

// Each validator's latest vote in `pool` (the spec's extraction), as head roots.
absl::flat_hash_map<ValidatorIndex, const PayloadPool::Entry*> ExtractLatestVotes(const PayloadPool& pool,
                                                                                 Slot finalized_slot) {
  absl::flat_hash_map<ValidatorIndex, const PayloadPool::Entry*> latest;
  pool.ForEach([&](const PayloadPool::Entry& e) {
    if (e.data.head.slot <= finalized_slot) return;
    for (const SingleMessageAggregate& proof : e.values) {
      for (ValidatorIndex v : ParticipantIndices(proof.participants)) {
        auto [it, inserted] = latest.try_emplace(v, &e);
        if (!inserted && it->second->data.slot < e.data.slot) it->second = &e;
      }
    }
  });
  return latest;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> Store::FromAnchor(State anchor_state, const Block& anchor_block,
                                                         std::optional<ValidatorIndex> validator_index,
                                                         const StoreCrypto& crypto, LockMetrics* lock_metrics) {
  const Root state_root = ssz::HashTreeRoot(anchor_state);
  if (anchor_block.state_root != state_root) {
    return Reject(RejectionReason::kANCHOR_STATE_ROOT_MISMATCH,
                  absl::StrCat("anchor block commits to state ", Hex(anchor_block.state_root), " but the state is ",
                               Hex(state_root)));
  }
  const Root anchor_root = ssz::HashTreeRoot(anchor_block);
  return std::unique_ptr<Store>(
      new Store(std::move(anchor_state), anchor_block, anchor_root, validator_index, crypto, lock_metrics));
}

Store::Store(State anchor_state, const Block& anchor_block, const Root& anchor_root,
             std::optional<ValidatorIndex> validator_index, const StoreCrypto& crypto, LockMetrics* lock_metrics)
    : time_(anchor_block.slot * consensus::kIntervalsPerSlot),
      config_(anchor_state.config),
      head_(anchor_root),
      safe_target_(anchor_root),
      latest_justified_{anchor_root, anchor_block.slot},
      latest_finalized_{anchor_root, anchor_block.slot},
      validator_index_(validator_index),
      states_(lock_metrics),
      crypto_(crypto) {
  if (crypto_.key_cache == nullptr) {
    own_key_cache_ = std::make_unique<crypto::PublicKeyCache>();
    crypto_.key_cache = own_key_cache_.get();
  }
  votes_.SetFinalizedSlot(latest_finalized_.slot);
  InsertBlock(anchor_root, anchor_block, std::make_shared<const State>(std::move(anchor_state)));
}

Store::~Store() = default;

// ---------------------------------------------------------------------------------
// Reads

Slot Store::head_slot() const { return proto_.slot(NodeOf(head_)); }

std::optional<Slot> Store::BlockSlot(const Root& root) const {
  std::optional<ProtoArray::Index> i = proto_.IndexOf(root);
  if (!i) return std::nullopt;
  return proto_.slot(*i);
}

std::optional<Root> Store::ParentRoot(const Root& root) const {
  std::optional<ProtoArray::Index> i = proto_.IndexOf(root);
  if (!i) return std::nullopt;
  return proto_.parent_root(*i);
}

std::vector<Root> Store::BlockRoots() const {
  std::vector<Root> out;
  out.reserve(proto_.size());
  for (size_t i = 0; i < proto_.size(); ++i) out.push_back(proto_.root(static_cast<ProtoArray::Index>(i)));
  return out;
}

bool Store::CheckpointIsAncestor(const Checkpoint& ancestor, const Checkpoint& descendant) const {
  if (ancestor.slot > descendant.slot) return false;
  std::optional<ProtoArray::Index> d = proto_.IndexOf(descendant.root);
  if (!d) return false;
  const ProtoArray::Index a = proto_.AncestorAtOrBelowSlot(*d, ancestor.slot);
  return a != ProtoArray::kNone && proto_.slot(a) == ancestor.slot && proto_.root(a) == ancestor.root;
}

absl::flat_hash_map<ProtoArray::Index, int64_t> Store::WeightsFromScratch(const PayloadPool& pool,
                                                                         Slot start_slot) const {
  // The spec's _accumulate_ancestor_weights: count the latest votes per head, then
  // credit each head and its ancestors above the start slot.
  absl::flat_hash_map<ProtoArray::Index, int64_t> per_head;
  for (const auto& [v, entry] : ExtractLatestVotes(pool, latest_finalized_.slot)) {
    if (std::optional<ProtoArray::Index> i = proto_.IndexOf(entry->data.head.root)) ++per_head[*i];
  }
  absl::flat_hash_map<ProtoArray::Index, int64_t> weights;
  for (const auto& [head, count] : per_head) {
    for (ProtoArray::Index n = head; n != ProtoArray::kNone && proto_.slot(n) > start_slot; n = proto_.parent(n)) {
      weights[n] += count;
    }
  }
  return weights;
}

absl::flat_hash_map<Root, int64_t> Store::BlockWeights() const {
  // From scratch, as the spec does: this is a diagnostic, not the head path.
  absl::flat_hash_map<Root, int64_t> weights;
  for (const auto& [n, w] : WeightsFromScratch(known_payloads_, latest_finalized_.slot)) weights[proto_.root(n)] = w;
  return weights;
}

// ---------------------------------------------------------------------------------
// Time

absl::Status Store::OnTick(uint64_t target_interval, bool has_proposal, bool is_aggregator,
                           std::vector<SignedAggregatedAttestation>* new_aggregates) {
  // A long gap with nothing pending reaches a fixed point within one slot: every
  // duty then leaves the store unchanged, so the remaining intervals are skipped.
  int quiet_intervals = 0;
  while (time_ < target_interval) {
    const bool last = time_ + 1 == target_interval;
    if (!last && quiet_intervals >= static_cast<int>(consensus::kIntervalsPerSlot) && new_payloads_.empty() &&
        signatures_.empty()) {
      time_ = target_interval - 1;
      continue;
    }
    const Root head = head_, safe = safe_target_;
    const Checkpoint justified = latest_justified_, finalized = latest_finalized_;
    const size_t known = known_payloads_.size(), fresh = new_payloads_.size(), sigs = signatures_.size();
    std::vector<SignedAggregatedAttestation> made;
    TickInterval(has_proposal && last, is_aggregator, &made);
    const bool quiet = made.empty() && head == head_ && safe == safe_target_ && justified == latest_justified_ &&
                       finalized == latest_finalized_ && known == known_payloads_.size() &&
                       fresh == new_payloads_.size() && sigs == signatures_.size();
    quiet_intervals = quiet ? quiet_intervals + 1 : 0;
    if (new_aggregates != nullptr) {
      new_aggregates->insert(new_aggregates->end(), made.begin(), made.end());
    }
  }
  return absl::OkStatus();
}

void Store::TickInterval(bool has_proposal, bool is_aggregator, std::vector<SignedAggregatedAttestation>* out) {
  ++time_;
  switch (time_ % consensus::kIntervalsPerSlot) {
    case 0:
      if (has_proposal) AcceptNewAttestations();
      break;
    case 2:
      if (is_aggregator) {
        absl::StatusOr<std::vector<SignedAggregatedAttestation>> made = Aggregate();
        // A prover failure leaves the pools as they were; the votes stay raw and
        // the next aggregation round retries them.
        if (made.ok()) *out = std::move(*made);
      }
      break;
    case 3:
      UpdateSafeTarget();
      break;
    case 4:
      AcceptNewAttestations();
      break;
  }
}

// ---------------------------------------------------------------------------------
// Head, safe target, pools

void Store::KnownAdd(const AttestationData& data, const SingleMessageAggregate& proof, bool front) {
  auto [entry, inserted] = front ? known_payloads_.MoveToFront(data) : known_payloads_.FindOrAppend(data);
  if (front && !inserted) votes_.OnMovedToFront(entry);
  if (!proof.participants.empty() || !proof.proof.bytes.empty()) {
    if (PayloadPool::AddValue(entry, proof)) votes_.OnProofAdded(entry, proof.participants);
  }
}

void Store::AddKnownProof(const AttestationData& data, const SingleMessageAggregate& proof) {
  KnownAdd(data, proof, /*front=*/false);
}

void Store::KnownEraseIf(const std::function<bool(const PayloadPool::Entry&)>& stale) {
  for (PayloadPool::Entry* e : known_payloads_.InOrder()) {
    if (!stale(*e)) continue;
    votes_.OnErase(e);
    known_payloads_.Erase(e);
  }
}

void Store::AcceptNewAttestations() {
  for (PayloadPool::Entry* e : new_payloads_.InOrder()) {
    auto [known, inserted] = known_payloads_.FindOrAppend(e->data);
    for (const SingleMessageAggregate& proof : e->values) {
      if (PayloadPool::AddValue(known, proof)) votes_.OnProofAdded(known, proof.participants);
    }
  }
  new_payloads_.Clear();
  UpdateHead();
}

void Store::UpdateHead() {
  votes_.SetFinalizedSlot(latest_finalized_.slot);
  votes_.Sync(proto_);
  proto_.ApplyDeltas();
  const std::optional<ProtoArray::Index> start = proto_.IndexOf(latest_justified_.root);
  if (!start) return;  // cannot happen: justified roots come from imported chains
  const ProtoArray::Index head = proto_.FindHead(*start);
  head_ = proto_.root(head);

  // Keep the finalized checkpoint on the head's chain.
  const Slot finalized_slot = HeadState().latest_finalized.slot;
  const ProtoArray::Index f = proto_.AncestorAtOrBelowSlot(head, finalized_slot);
  // A fresh checkpoint-sync anchor has no block at that slot: keep the trusted anchor.
  if (f != ProtoArray::kNone && proto_.slot(f) == finalized_slot) {
    latest_finalized_ = Checkpoint{proto_.root(f), finalized_slot};
  }
}

void Store::UpdateSafeTarget() {
  const uint64_t num_validators = HeadState().validators.size();
  const int64_t min_score = static_cast<int64_t>((num_validators * 2 + 2) / 3);
  const ProtoArray::Index start = NodeOf(latest_justified_.root);
  // Weights from the pending pool only.
  const absl::flat_hash_map<ProtoArray::Index, int64_t> weights = WeightsFromScratch(new_payloads_, proto_.slot(start));
  const ProtoArray::Index safe = proto_.FindHeadWithThreshold(start, min_score, [&](ProtoArray::Index n) {
    auto it = weights.find(n);
    return it == weights.end() ? int64_t{0} : it->second;
  });
  safe_target_ = proto_.root(safe);
}

void Store::PruneStaleAttestationData() {
  auto stale = [this](const AttestationData& data) {
    return !(data.head.slot > latest_finalized_.slot && CheckpointIsAncestor(latest_finalized_, data.head));
  };
  for (SignaturePool::Entry* e : signatures_.InOrder()) {
    if (stale(e->data)) signatures_.Erase(e);
  }
  for (PayloadPool::Entry* e : new_payloads_.InOrder()) {
    if (stale(e->data)) new_payloads_.Erase(e);
  }
  KnownEraseIf([&](const PayloadPool::Entry& e) { return stale(e.data); });
}

size_t Store::PruneAttestationPools(Slot current_slot, uint64_t retention_slots) {
  auto expired = [&](const AttestationData& data) { return data.slot + retention_slots < current_slot; };
  size_t dropped = 0;
  for (SignaturePool::Entry* e : signatures_.InOrder()) {
    if (!expired(e->data)) continue;
    signatures_.Erase(e);
    ++dropped;
  }
  for (PayloadPool::Entry* e : new_payloads_.InOrder()) {
    if (!expired(e->data)) continue;
    new_payloads_.Erase(e);
    ++dropped;
  }
  // The head chain's justified checkpoint is what a block on it builds on (it can be
  // older than the store's, which may come from a fork that lost).
  const Slot justified_slot = std::min(latest_justified_.slot, HeadState().latest_justified.slot);
  KnownEraseIf([&](const PayloadPool::Entry& e) {
    if (!expired(e.data) && e.data.source.slot >= justified_slot) return false;
    for (const SingleMessageAggregate& proof : e.values) {
      for (ValidatorIndex v : ParticipantIndices(proof.participants)) {
        if (votes_.VoteOf(v) == &e) return false;  // still counts for fork choice
      }
    }
    ++dropped;
    return true;
  });
  return dropped;
}

Store::AggregationPlan Store::PlanAggregation() const {
  AggregationPlan plan;
  plan.head_state = states_.Get(head_);
  // Data with fresh evidence, in the spec's order: pending proofs, then raw votes.
  std::vector<const AttestationData*> order;
  absl::flat_hash_set<AttestationData> seen;
  new_payloads_.ForEach([&](const PayloadPool::Entry& e) {
    if (seen.insert(e.data).second) order.push_back(&e.data);
  });
  signatures_.ForEach([&](const SignaturePool::Entry& e) {
    if (seen.insert(e.data).second) order.push_back(&e.data);
  });
  for (const AttestationData* data : order) {
    const PayloadPool::Entry* fresh = new_payloads_.Find(*data);
    const PayloadPool::Entry* known = known_payloads_.Find(*data);
    AggregationJob job;
    job.data = *data;
    std::vector<const SingleMessageAggregate*> children = validator::SelectProofsForCoverage(
        fresh ? &fresh->values : nullptr, known ? &known->values : nullptr, &job.participants);
    if (const SignaturePool::Entry* sigs = signatures_.Find(*data)) {
      for (const SignatureEntry& s : sigs->values) {
        if (!std::binary_search(job.participants.begin(), job.participants.end(), s.validator_index)) {
          job.raw.push_back(s);
        }
      }
    }
    std::stable_sort(job.raw.begin(), job.raw.end(),
                     [](const SignatureEntry& a, const SignatureEntry& b) { return a.validator_index < b.validator_index; });
    if (job.raw.empty() && children.size() < 2) continue;
    for (const SingleMessageAggregate* c : children) job.children.push_back(*c);
    for (const SignatureEntry& r : job.raw) job.participants.push_back(r.validator_index);
    std::sort(job.participants.begin(), job.participants.end());
    job.participants.erase(std::unique(job.participants.begin(), job.participants.end()), job.participants.end());
    plan.jobs.push_back(std::move(job));
  }
  return plan;
}

absl::StatusOr<std::vector<SignedAggregatedAttestation>> Store::ExecuteAggregation(const AggregationPlan& plan,
                                                                                   const StoreCrypto& crypto) {
  if (plan.jobs.empty()) return std::vector<SignedAggregatedAttestation>{};
  if (crypto.prover == nullptr) return absl::FailedPreconditionError("aggregation needs a prover");
  std::vector<SignedAggregatedAttestation> made;
  for (const AggregationJob& job : plan.jobs) {
    std::vector<crypto::RawSignature> raw;
    for (const SignatureEntry& s : job.raw) {
      absl::StatusOr<crypto::xmss::PublicKey> key =
          PublicKeyOf(crypto, *plan.head_state, s.validator_index, crypto::KeyRole::kAttestation);
      if (!key.ok()) return key.status();
      raw.push_back(crypto::RawSignature{s.validator_index, *key, &s.signature});
    }
    std::vector<crypto::ChildProof> child_proofs;
    const auto key_of = [&](ValidatorIndex v) {
      return PublicKeyOf(crypto, *plan.head_state, v, crypto::KeyRole::kAttestation);
    };
    for (const SingleMessageAggregate& c : job.children) {
      absl::StatusOr<crypto::ChildProof> child = validator::ChildProofWithKeys(c, key_of);
      if (!child.ok()) return child.status();
      child_proofs.push_back(std::move(*child));
    }
    absl::StatusOr<ssz::ByteVec> proof =
        crypto.prover->AggregateSingleMessage(child_proofs, raw, ssz::HashTreeRoot(job.data), job.data.slot);
    if (!proof.ok()) return proof.status();
    SignedAggregatedAttestation out;
    out.data = job.data;
    out.proof.participants = validator::AggregationBitsFromIndices(job.participants);
    out.proof.proof.bytes = std::move(*proof);
    made.push_back(std::move(out));
  }
  return made;
}

void Store::CommitAggregation(const std::vector<SignedAggregatedAttestation>& made) {
  // This round's proofs replace the pending pool and absorb their raw votes.
  new_payloads_.Clear();
  for (const SignedAggregatedAttestation& a : made) {
    PayloadPool::AddValue(new_payloads_.FindOrAppend(a.data).first, a.proof);
    if (SignaturePool::Entry* e = signatures_.Find(a.data)) signatures_.Erase(e);
  }
}

absl::StatusOr<std::vector<SignedAggregatedAttestation>> Store::Aggregate() {
  absl::StatusOr<std::vector<SignedAggregatedAttestation>> made = ExecuteAggregation(PlanAggregation(), crypto_);
  if (!made.ok()) return made.status();
  CommitAggregation(*made);
  return made;
}

// ---------------------------------------------------------------------------------
// Attestations

absl::StatusOr<crypto::xmss::PublicKey> Store::PublicKeyOf(const StoreCrypto& crypto, const State& state,
                                                           ValidatorIndex index, crypto::KeyRole role) {
  if (index >= state.validators.size()) {
    return Reject(RejectionReason::kVALIDATOR_NOT_IN_STATE,
                  absl::StrCat("validator ", index, " is not in a registry of ", state.validators.size()));
  }
  const consensus::Validator& v = state.validators[index];
  absl::StatusOr<crypto::xmss::PublicKey> key = crypto.key_cache->Get(
      index, role, role == crypto::KeyRole::kAttestation ? v.attestation_public_key : v.proposal_public_key);
  if (!key.ok()) {
    return Reject(RejectionReason::kINVALID_SIGNATURE,
                  absl::StrCat("validator ", index, " has an undecodable public key: ", key.status().message()));
  }
  return key;
}

absl::StatusOr<std::vector<crypto::xmss::PublicKey>> Store::PublicKeysOf(const StoreCrypto& crypto,
                                                                         const State& state,
                                                                         absl::Span<const ValidatorIndex> indices,
                                                                         crypto::KeyRole role) {
  // The keys up to the first index outside the registry; a key before it that does
  // not decode is the first failure PublicKeyOf would meet.
  size_t in_range = 0;
  while (in_range < indices.size() && indices[in_range] < state.validators.size()) ++in_range;
  std::vector<std::pair<uint64_t, const ssz::Bytes52*>> wanted;
  wanted.reserve(in_range);
  for (size_t i = 0; i < in_range; ++i) {
    const consensus::Validator& v = state.validators[indices[i]];
    wanted.emplace_back(indices[i], role == crypto::KeyRole::kAttestation ? &v.attestation_public_key
                                                                          : &v.proposal_public_key);
  }
  std::vector<crypto::xmss::PublicKey> keys;
  keys.reserve(indices.size());
  size_t failed_at = 0;
  if (absl::Status s = crypto.key_cache->GetMany(role, wanted, &keys, &failed_at); !s.ok()) {
    return Reject(RejectionReason::kINVALID_SIGNATURE, absl::StrCat("validator ", indices[failed_at],
                                                                    " has an undecodable public key: ", s.message()));
  }
  if (in_range < indices.size()) {
    return Reject(RejectionReason::kVALIDATOR_NOT_IN_STATE, absl::StrCat("validator ", indices[in_range],
                                                                         " is not in a registry of ",
                                                                         state.validators.size()));
  }
  return keys;
}

absl::Status Store::ValidateAttestation(const AttestationData& data) const {
  const std::optional<ProtoArray::Index> source = proto_.IndexOf(data.source.root);
  if (!source) return Reject(RejectionReason::kUNKNOWN_SOURCE_BLOCK, "unknown source block " + Hex(data.source.root));
  const std::optional<ProtoArray::Index> target = proto_.IndexOf(data.target.root);
  if (!target) return Reject(RejectionReason::kUNKNOWN_TARGET_BLOCK, "unknown target block " + Hex(data.target.root));
  const std::optional<ProtoArray::Index> head = proto_.IndexOf(data.head.root);
  if (!head) return Reject(RejectionReason::kUNKNOWN_HEAD_BLOCK, "unknown head block " + Hex(data.head.root));

  if (data.source.slot > data.target.slot) {
    return Reject(RejectionReason::kSOURCE_AFTER_TARGET, "source checkpoint slot exceeds the target's");
  }
  if (data.head.slot < data.target.slot) {
    return Reject(RejectionReason::kHEAD_OLDER_THAN_TARGET, "head checkpoint is older than the target");
  }
  if (proto_.slot(*source) != data.source.slot) {
    return Reject(RejectionReason::kSOURCE_SLOT_MISMATCH,
                  absl::StrCat("source slot ", data.source.slot, " but its block is at ", proto_.slot(*source)));
  }
  if (proto_.slot(*target) != data.target.slot) {
    return Reject(RejectionReason::kTARGET_SLOT_MISMATCH,
                  absl::StrCat("target slot ", data.target.slot, " but its block is at ", proto_.slot(*target)));
  }
  if (proto_.slot(*head) != data.head.slot) {
    return Reject(RejectionReason::kHEAD_SLOT_MISMATCH,
                  absl::StrCat("head slot ", data.head.slot, " but its block is at ", proto_.slot(*head)));
  }
  if (!CheckpointIsAncestor(data.source, data.target)) {
    return Reject(RejectionReason::kSOURCE_NOT_ANCESTOR_OF_TARGET, "source is not an ancestor of the target");
  }
  if (!CheckpointIsAncestor(data.target, data.head)) {
    return Reject(RejectionReason::kTARGET_NOT_ANCESTOR_OF_HEAD, "target is not an ancestor of the head");
  }
  if (data.slot < data.head.slot) {
    return Reject(RejectionReason::kATTESTATION_SLOT_BEFORE_HEAD, "attestation slot precedes its head");
  }
  // One interval of clock-skew margin; in slot units so a huge wire slot cannot overflow.
  const uint64_t max_admissible_slot = (time_ + consensus::kGossipDisparityIntervals) / consensus::kIntervalsPerSlot;
  if (data.slot > max_admissible_slot) {
    return Reject(RejectionReason::kATTESTATION_TOO_FAR_IN_FUTURE,
                  absl::StrCat("attestation slot ", data.slot, " is beyond the admissible slot ", max_admissible_slot));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const State>> Store::PrecheckAttestation(
    const AttestationData& data, absl::Span<const ValidatorIndex> validators) const {
  if (absl::Status s = ValidateAttestation(data); !s.ok()) return s;
  std::shared_ptr<const State> target_state = StateOf(data.target.root);
  if (target_state == nullptr) {
    return absl::FailedPreconditionError("no post-state for the target block " + Hex(data.target.root));
  }
  for (ValidatorIndex v : validators) {
    if (v >= target_state->validators.size()) {
      return Reject(RejectionReason::kVALIDATOR_NOT_IN_STATE,
                    absl::StrCat("validator ", v, " is not in a registry of ", target_state->validators.size()));
    }
  }
  return target_state;
}

absl::StatusOr<std::shared_ptr<const State>> Store::PrecheckAggregate(
    const SignedAggregatedAttestation& aggregate) const {
  // The spec's order: validation, then an empty participant set, then the registry.
  const std::vector<ValidatorIndex> participants = ParticipantIndices(aggregate.proof.participants);
  absl::StatusOr<std::shared_ptr<const State>> target_state = PrecheckAttestation(aggregate.data, participants);
  if (target_state.ok() && participants.empty()) {
    return Reject(RejectionReason::kEMPTY_AGGREGATION_BITS, "aggregate names no participants");
  }
  return target_state;
}

namespace {

template <class Check>
absl::Status AttestationSignatureStatus(const StoreCrypto& crypto, const State& target_state,
                                        const SignedAttestation& attestation, Check signature_valid) {
  absl::StatusOr<crypto::xmss::PublicKey> key =
      Store::PublicKeyOf(crypto, target_state, attestation.validator_index, crypto::KeyRole::kAttestation);
  if (!key.ok()) return key.status();
  if (crypto.signature_verifier == nullptr) return absl::FailedPreconditionError("no signature verifier");
  if (!signature_valid(*key)) {
    return Reject(RejectionReason::kINVALID_SIGNATURE,
                  absl::StrCat("signature of validator ", attestation.validator_index, " does not verify"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Store::VerifyAttestationSignature(const StoreCrypto& crypto, const State& target_state,
                                               const SignedAttestation& attestation) {
  return AttestationSignatureStatus(crypto, target_state, attestation, [&](const crypto::xmss::PublicKey& key) {
    return crypto.signature_verifier->Verify(key, attestation.data.slot, ssz::HashTreeRoot(attestation.data),
                                             attestation.signature);
  });
}

absl::Status Store::AttestationSignatureVerdict(const StoreCrypto& crypto, const State& target_state,
                                                const SignedAttestation& attestation,
                                                absl::FunctionRef<bool()> signature_valid) {
  return AttestationSignatureStatus(crypto, target_state, attestation,
                                    [&](const crypto::xmss::PublicKey&) { return signature_valid(); });
}

absl::Status Store::VerifyAggregateProof(const StoreCrypto& crypto, const State& target_state,
                                         const SignedAggregatedAttestation& aggregate) {
  absl::StatusOr<std::vector<crypto::xmss::PublicKey>> keys = PublicKeysOf(
      crypto, target_state, ParticipantIndices(aggregate.proof.participants), crypto::KeyRole::kAttestation);
  if (!keys.ok()) return keys.status();
  if (crypto.aggregate_verifier == nullptr) return absl::FailedPreconditionError("no aggregate verifier");
  const absl::Status verified = crypto.aggregate_verifier->VerifySingleMessage(
      *keys, ssz::HashTreeRoot(aggregate.data), aggregate.data.slot,
      ssz::ByteView(aggregate.proof.proof.bytes.data(), aggregate.proof.proof.bytes.size()));
  if (!verified.ok()) {
    if (verified.code() != absl::StatusCode::kInvalidArgument) return verified;  // could not check
    return Reject(RejectionReason::kINVALID_SIGNATURE,
                  absl::StrCat("aggregate proof does not verify: ", verified.message()));
  }
  return absl::OkStatus();
}

absl::Status Store::AddGossipSignature(const SignedAttestation& attestation) {
  if (absl::Status s = ValidateAttestation(attestation.data); !s.ok()) return s;
  SignaturePool::AddValue(signatures_.FindOrAppend(attestation.data).first,
                          SignatureEntry{attestation.validator_index, attestation.signature});
  return absl::OkStatus();
}

absl::Status Store::AddGossipAggregate(const SignedAggregatedAttestation& aggregate) {
  if (absl::Status s = ValidateAttestation(aggregate.data); !s.ok()) return s;
  PayloadPool::AddValue(new_payloads_.FindOrAppend(aggregate.data).first, aggregate.proof);
  return absl::OkStatus();
}

absl::Status Store::OnGossipAttestation(const SignedAttestation& attestation, bool is_aggregator) {
  const ValidatorIndex who[] = {attestation.validator_index};
  absl::StatusOr<std::shared_ptr<const State>> target_state = PrecheckAttestation(attestation.data, who);
  if (!target_state.ok()) return target_state.status();
  if (absl::Status s = VerifyAttestationSignature(crypto_, **target_state, attestation); !s.ok()) return s;
  if (!is_aggregator) return absl::OkStatus();
  return AddGossipSignature(attestation);
}

absl::Status Store::OnGossipAggregatedAttestation(const SignedAggregatedAttestation& aggregate) {
  absl::StatusOr<std::shared_ptr<const State>> target_state = PrecheckAggregate(aggregate);
  if (!target_state.ok()) return target_state.status();
  if (absl::Status s = VerifyAggregateProof(crypto_, **target_state, aggregate); !s.ok()) return s;
  return AddGossipAggregate(aggregate);
}

// ---------------------------------------------------------------------------------
// Blocks

absl::Status Store::VerifyBlockSignatures(const SignedBlock& signed_block, const State& parent_state,
                                          const StoreCrypto& crypto, BlockProofCheck proof_check) {
  const Block& block = signed_block.block;
  const uint64_t n = parent_state.validators.size();
  const bool verify = proof_check == BlockProofCheck::kVerify;
  std::vector<std::vector<crypto::xmss::PublicKey>> keys_per_message;
  std::vector<crypto::MessageBinding> bindings;
  for (const consensus::AggregatedAttestation& a : block.body.attestations) {
    const std::vector<ValidatorIndex> voters = ParticipantIndices(a.aggregation_bits);
    if (voters.empty()) {
      return Reject(RejectionReason::kEMPTY_AGGREGATION_BITS, "a block attestation names no validators");
    }
    for (ValidatorIndex v : voters) {
      if (v >= n) {
        return Reject(RejectionReason::kVALIDATOR_INDEX_OUT_OF_RANGE,
                      absl::StrCat("attester ", v, " is outside a registry of ", n));
      }
    }
    if (!verify) continue;
    absl::StatusOr<std::vector<crypto::xmss::PublicKey>> keys =
        PublicKeysOf(crypto, parent_state, voters, crypto::KeyRole::kAttestation);
    if (!keys.ok()) return keys.status();
    keys_per_message.push_back(std::move(*keys));
    bindings.push_back(crypto::MessageBinding{ssz::HashTreeRoot(a.data), a.data.slot});
  }
  if (block.proposer_index >= n) {
    return Reject(RejectionReason::kPROPOSER_INDEX_OUT_OF_RANGE,
                  absl::StrCat("proposer ", block.proposer_index, " is outside a registry of ", n));
  }
  if (!verify) return absl::OkStatus();
  absl::StatusOr<crypto::xmss::PublicKey> proposer_key =
      PublicKeyOf(crypto, parent_state, block.proposer_index, crypto::KeyRole::kProposal);
  if (!proposer_key.ok()) return proposer_key.status();
  keys_per_message.push_back({*proposer_key});
  bindings.push_back(crypto::MessageBinding{ssz::HashTreeRoot(block), block.slot});
  if (crypto.aggregate_verifier == nullptr) return absl::FailedPreconditionError("no aggregate verifier");
  const absl::Status verified = crypto.aggregate_verifier->VerifyMultiMessage(
      keys_per_message, bindings,
      ssz::ByteView(signed_block.proof.proof.bytes.data(), signed_block.proof.proof.bytes.size()));
  if (!verified.ok()) {
    if (verified.code() != absl::StatusCode::kInvalidArgument) return verified;
    return Reject(RejectionReason::kINVALID_BLOCK_PROOF, absl::StrCat("block proof does not verify: ", verified.message()));
  }
  return absl::OkStatus();
}

void Store::InsertBlock(const Root& root, const Block& block, std::shared_ptr<const State> post_state) {
  proto_.Insert(root, block.parent_root, block.slot);
  states_.InsertKeepExisting(root, std::move(post_state));
  votes_.OnBlockInserted(root);
}

absl::StatusOr<Store::BlockPrecheck> Store::PrecheckBlock(const SignedBlock& signed_block,
                                                         const Root& block_root) const {
  const Block& block = signed_block.block;
  BlockPrecheck out;
  if (proto_.Contains(block_root)) {
    out.already_known = true;
    return out;
  }
  out.parent_state = StateOf(block.parent_root);
  if (out.parent_state == nullptr) {
    return Reject(RejectionReason::kUNKNOWN_PARENT_BLOCK,
                  absl::StrCat("no state for parent ", Hex(block.parent_root), " of the block at slot ", block.slot));
  }
  absl::flat_hash_set<AttestationData> distinct;
  for (const consensus::AggregatedAttestation& a : block.body.attestations) {
    if (!distinct.insert(a.data).second) {
      return Reject(RejectionReason::kDUPLICATE_ATTESTATION_DATA, "the block repeats an attestation data");
    }
  }
  return out;
}

absl::StatusOr<State> Store::VerifyAndTransition(const SignedBlock& signed_block, const State& parent_state,
                                                 const StoreCrypto& crypto, BlockProofCheck proof_check) {
  if (absl::Status s = VerifyBlockSignatures(signed_block, parent_state, crypto, proof_check); !s.ok()) return s;
  return consensus::StateTransition(parent_state, signed_block.block);
}

absl::Status Store::ImportVerifiedBlock(const SignedBlock& signed_block, const Root& block_root,
                                        std::shared_ptr<const State> post_state) {
  const Block& block = signed_block.block;
  if (proto_.Contains(block_root)) return absl::OkStatus();
  if (!proto_.Contains(block.parent_root)) {
    return Reject(RejectionReason::kUNKNOWN_PARENT_BLOCK, "the parent left the store before the import");
  }
  const Slot previous_finalized_slot = latest_finalized_.slot;
  if (post_state->latest_justified.slot > latest_justified_.slot) latest_justified_ = post_state->latest_justified;
  // The block's votes move to the front of the counted pool (no proofs of their own
  // yet); existing entries keep their proofs.
  const auto& attestations = block.body.attestations.items;
  for (auto it = attestations.rbegin(); it != attestations.rend(); ++it) {
    KnownAdd(it->data, SingleMessageAggregate{}, /*front=*/true);
  }
  InsertBlock(block_root, block, std::move(post_state));
  UpdateHead();
  if (latest_finalized_.slot > previous_finalized_slot) PruneStaleAttestationData();
  return absl::OkStatus();
}

absl::Status Store::OnBlock(const SignedBlock& signed_block, BlockProofCheck proof_check) {
  const Root block_root = ssz::HashTreeRoot(signed_block.block);
  absl::StatusOr<BlockPrecheck> pre = PrecheckBlock(signed_block, block_root);
  if (!pre.ok()) return pre.status();
  if (pre->already_known) return absl::OkStatus();  // nothing changes
  absl::StatusOr<State> post = VerifyAndTransition(signed_block, *pre->parent_state, crypto_, proof_check);
  if (!post.ok()) return post.status();
  return ImportVerifiedBlock(signed_block, block_root, std::make_shared<const State>(std::move(*post)));
}

// ---------------------------------------------------------------------------------
// Validator duties

Checkpoint Store::GetAttestationTarget(TargetFinality finality) const {
  ProtoArray::Index target = NodeOf(head_);
  const Slot finalized_slot = finality == TargetFinality::kHeadState
                                  ? std::min(latest_finalized_.slot, HeadState().latest_finalized.slot)
                                  : latest_finalized_.slot;
  // A safe target below the finalized block is gone after pruning (the spec keeps every
  // block); the finalized slot bounds the walk then, exactly as the max() would.
  const std::optional<ProtoArray::Index> safe = proto_.IndexOf(safe_target_);
  const Slot lower_bound = safe ? std::max(proto_.slot(*safe), finalized_slot) : finalized_slot;
  for (uint64_t i = 0; i < consensus::kJustificationLookbackSlots; ++i) {
    if (proto_.slot(target) <= lower_bound || proto_.parent(target) == ProtoArray::kNone) break;
    target = proto_.parent(target);
  }
  while (proto_.slot(target) > finalized_slot && !consensus::IsJustifiableAfter(proto_.slot(target), finalized_slot) &&
         proto_.parent(target) != ProtoArray::kNone) {
    target = proto_.parent(target);
  }
  return Checkpoint{proto_.root(target), proto_.slot(target)};
}

AttestationData Store::ProduceAttestationData(Slot slot, TargetFinality finality) const {
  AttestationData data;
  data.slot = slot;
  data.head = Checkpoint{head_, head_slot()};
  data.target = GetAttestationTarget(finality);
  data.source = HeadState().latest_justified;
  if (data.source.root.IsZero()) data.source.root = head_;  // genesis placeholder
  return data;
}

absl::StatusOr<Store::ProductionSnapshot> Store::PrepareProduction(Slot slot, ValidatorIndex proposer) {
  // The registry is fixed in this fork, so the proposer can be checked before time moves.
  const uint64_t n = HeadState().validators.size();
  if (n == 0 || proposer != slot % n) {
    return Reject(RejectionReason::kWRONG_PROPOSER,
                  absl::StrCat("validator ", proposer, " is not the proposer of slot ", slot));
  }
  if (absl::Status s = OnTick(slot * consensus::kIntervalsPerSlot, /*has_proposal=*/true, /*is_aggregator=*/false);
      !s.ok()) {
    return s;
  }
  AcceptNewAttestations();
  ProductionSnapshot snap;
  snap.slot = slot;
  snap.proposer = proposer;
  snap.parent_root = head_;
  snap.parent_state = states_.Get(head_);
  auto known = std::make_shared<absl::flat_hash_set<Root>>();
  for (const Root& r : BlockRoots()) known->insert(r);
  snap.known_blocks = std::move(known);
  auto candidates = std::make_shared<std::vector<validator::AttestationCandidate>>();
  candidates->reserve(known_payloads_.size());
  known_payloads_.ForEach([&](const PayloadPool::Entry& e) {
    candidates->push_back(validator::AttestationCandidate{e.data, e.data_root, e.values});
  });
  snap.candidates = std::move(candidates);
  return snap;
}

absl::StatusOr<ProducedBlock> Store::BuildProduction(const ProductionSnapshot& snap, const StoreCrypto& crypto) {
  validator::BlockBuildInputs in;
  in.pre_state = snap.parent_state.get();
  in.slot = snap.slot;
  in.proposer_index = snap.proposer;
  in.parent_root = snap.parent_root;
  in.is_known_block = [&](const Root& r) { return snap.known_blocks->contains(r); };
  in.candidates = *snap.candidates;
  in.prover = crypto.prover;
  in.attestation_key = [&](ValidatorIndex v) {
    return PublicKeyOf(crypto, *snap.parent_state, v, crypto::KeyRole::kAttestation);
  };
  absl::StatusOr<validator::BuiltBlock> built = validator::BuildBlock(in);
  if (!built.ok()) return built.status();
  ProducedBlock out;
  out.block = std::move(built->block);
  out.block_root = ssz::HashTreeRoot(out.block);
  out.post_state = std::make_shared<const State>(std::move(built->post_state));
  out.attestation_proofs = std::move(built->attestation_proofs);
  return out;
}

void Store::ImportProducedBlock(const ProducedBlock& produced) {
  // A locally produced block skips on_block: justification advances here, and the
  // head is left to the next update (produce_block_with_signatures).
  if (proto_.Contains(produced.block_root) || !proto_.Contains(produced.block.parent_root)) return;
  if (produced.post_state->latest_justified.slot > latest_justified_.slot) {
    latest_justified_ = produced.post_state->latest_justified;
  }
  InsertBlock(produced.block_root, produced.block, produced.post_state);
}

absl::StatusOr<ProducedBlock> Store::ProduceBlock(Slot slot, ValidatorIndex proposer) {
  absl::StatusOr<ProductionSnapshot> snap = PrepareProduction(slot, proposer);
  if (!snap.ok()) return snap.status();
  absl::StatusOr<ProducedBlock> produced = BuildProduction(*snap, crypto_);
  if (!produced.ok()) return produced.status();
  ImportProducedBlock(*produced);
  return produced;
}

// ---------------------------------------------------------------------------------
// Pruning

std::vector<Root> Store::PruneFinalized() {
  const std::optional<ProtoArray::Index> finalized = proto_.IndexOf(latest_finalized_.root);
  const std::optional<ProtoArray::Index> justified = proto_.IndexOf(latest_justified_.root);
  if (!finalized || !justified || *finalized == 0 || !proto_.IsAncestorOrSelf(*finalized, *justified)) return {};
  votes_.Sync(proto_);
  const std::vector<ProtoArray::Index> remap = proto_.Prune(*finalized);
  votes_.RemapAfterPrune(remap);
  known_payloads_.ForEachMutable([](PayloadPool::Entry& e) { e.head_node = -2; });  // indices moved
  // A safe target below the finalized block (or on a pruned fork) is gone now; until
  // the next interval-3 update the finalized block stands in for it, which bounds the
  // attestation target walk exactly as the spec's max() with the finalized slot does.
  if (!proto_.Contains(safe_target_)) safe_target_ = latest_finalized_.root;
  return states_.EraseIf([&](const Root& root) { return !proto_.Contains(root); });
}

}  // namespace beam::forkchoice
