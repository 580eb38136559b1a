// Store: the fork-choice store of the Lstar fork (leanSpec forks/lstar/fork_choice.py,
// timeline.py, aggregation.py, validator_duties.py), with the spec's observable
// behaviour and a proto-array underneath.
//
// Every mutating call either succeeds or returns a rejection (consensus/rejection.h,
// the spec's RejectionReason) and leaves the store exactly as it was. Blocks and
// post-states are kept as the spec keeps them (all of them) until PruneFinalized(),
// which a node calls to drop what finalization made unreachable.
//
// Thread-compatible: the owner (BeamChain's chain worker) serialises all calls, except
// StateOf() and states(), which are thread-safe. The states it hands out are immutable
// and shared, safe to read from any thread.

#ifndef BEAMCORE_FORKCHOICE_STORE_H_
#define BEAMCORE_FORKCHOICE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "consensus/types/attestation.h"
#include "consensus/types/block.h"
#include "consensus/types/state.h"
#include "crypto/aggregate_prover.h"
#include "crypto/public_key_cache.h"
#include "crypto/verifier.h"
#include "forkchoice/attestation_pool.h"
#include "forkchoice/proto_array.h"
#include "forkchoice/state_table.h"
#include "forkchoice/vote_tracker.h"
#include "validator/attestation_selection.h"

namespace beam::forkchoice {

using consensus::AggregatedAttestation;
using consensus::Block;
using consensus::Checkpoint;
using consensus::SignedAggregatedAttestation;
using consensus::SignedAttestation;
using consensus::SignedBlock;
using consensus::SingleMessageAggregate;
using consensus::State;
using consensus::ValidatorIndex;

// The cryptography the store calls. The verifiers and the prover must outlive the
// store; a null key cache means the store keeps its own.
struct StoreCrypto {
  const crypto::SignatureVerifier* signature_verifier = nullptr;   // gossip attestations
  const crypto::AggregateProofVerifier* aggregate_verifier = nullptr;  // aggregates, block proofs
  const crypto::AggregateProver* prover = nullptr;                 // aggregation, block production
  crypto::PublicKeyCache* key_cache = nullptr;
};

// A block this store produced, with the single-message proof of each of its
// attestations (in body order) for the proposer to merge into the block proof.
struct ProducedBlock {
  Block block;
  Root block_root;
  std::shared_ptr<const State> post_state;
  std::vector<SingleMessageAggregate> attestation_proofs;
};

// How on_block treats the block's merged proof. The chain always verifies; a
// conformance runner replaying unsigned fixture blocks checks everything else.
enum class BlockProofCheck { kVerify, kSkipProofOnly };

class Store {
 public:
  // create_store: ANCHOR_STATE_ROOT_MISMATCH unless anchor_block.state_root is the
  // anchor state's root. The anchor is both justified and finalized.
  // `lock_metrics` (optional, must outlive the store) records the states lock.
  static absl::StatusOr<std::unique_ptr<Store>> FromAnchor(State anchor_state, const Block& anchor_block,
                                                           std::optional<ValidatorIndex> validator_index,
                                                           const StoreCrypto& crypto,
                                                           LockMetrics* lock_metrics = nullptr);

  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  ~Store();

  // --- Events (the spec's handlers) ---

  // on_tick: steps one interval at a time up to `target_interval`, running each
  // interval's duty; aggregates made at interval 2 (when `is_aggregator`) are
  // appended to `new_aggregates` if given, for the caller to publish.
  absl::Status OnTick(uint64_t target_interval, bool has_proposal, bool is_aggregator,
                      std::vector<SignedAggregatedAttestation>* new_aggregates = nullptr);
  absl::Status OnBlock(const SignedBlock& signed_block, BlockProofCheck proof_check = BlockProofCheck::kVerify);

  // on_block in three parts, so a caller can run the expensive middle without holding
  // the lock that guards the store: PrecheckBlock (the store's checks), then
  // VerifyAndTransition (signatures and the state transition; touches no store),
  // then ImportVerifiedBlock. A block already in the store prechecks as
  // `already_known` (importing it again changes nothing).
  struct BlockPrecheck {
    bool already_known = false;
    std::shared_ptr<const State> parent_state;
  };
  absl::StatusOr<BlockPrecheck> PrecheckBlock(const SignedBlock& signed_block, const Root& block_root) const;
  // The signature part of VerifyAndTransition: reads only the registry of
  // `parent_state` (its size and keys).
  static absl::Status VerifyBlockSignatures(const SignedBlock& signed_block, const State& parent_state,
                                            const StoreCrypto& crypto, BlockProofCheck proof_check);
  static absl::StatusOr<State> VerifyAndTransition(const SignedBlock& signed_block, const State& parent_state,
                                                   const StoreCrypto& crypto, BlockProofCheck proof_check);
  absl::Status ImportVerifiedBlock(const SignedBlock& signed_block, const Root& block_root,
                                   std::shared_ptr<const State> post_state);
  const StoreCrypto& crypto() const { return crypto_; }
  absl::Status OnGossipAttestation(const SignedAttestation& attestation, bool is_aggregator);
  absl::Status OnGossipAggregatedAttestation(const SignedAggregatedAttestation& aggregate);

  // The gossip handlers in parts, for callers that verify outside their lock:
  // PrecheckAttestation (validation + registry range; returns the target post-state),
  // then the Verify* (no store access), then Add* (validates again: the store may
  // have moved on meanwhile) to record the vote.
  absl::StatusOr<std::shared_ptr<const State>> PrecheckAttestation(const consensus::AttestationData& data,
                                                                   absl::Span<const ValidatorIndex> validators) const;
  // PrecheckAttestation for an aggregate's participants, plus EMPTY_AGGREGATION_BITS.
  absl::StatusOr<std::shared_ptr<const State>> PrecheckAggregate(const SignedAggregatedAttestation& aggregate) const;
  static absl::Status VerifyAttestationSignature(const StoreCrypto& crypto, const State& target_state,
                                                 const SignedAttestation& attestation);
  // VerifyAttestationSignature with the XMSS check made elsewhere (the chain's
  // verification pool, under the key `target_state` holds for the validator):
  // `signature_valid` is asked only when the key checks pass. The same status.
  static absl::Status AttestationSignatureVerdict(const StoreCrypto& crypto, const State& target_state,
                                                  const SignedAttestation& attestation,
                                                  absl::FunctionRef<bool()> signature_valid);
  // The validator's key in `state` for `role`, decoded (through crypto.key_cache):
  // VALIDATOR_NOT_IN_STATE or INVALID_SIGNATURE (undecodable key) otherwise.
  static absl::StatusOr<crypto::xmss::PublicKey> PublicKeyOf(const StoreCrypto& crypto, const State& state,
                                                             ValidatorIndex index, crypto::KeyRole role);
  // PublicKeyOf for each of `indices` in order, under one cache lock; the error is the
  // one the first failing PublicKeyOf call would give.
  static absl::StatusOr<std::vector<crypto::xmss::PublicKey>> PublicKeysOf(const StoreCrypto& crypto,
                                                                           const State& state,
                                                                           absl::Span<const ValidatorIndex> indices,
                                                                           crypto::KeyRole role);
  static absl::Status VerifyAggregateProof(const StoreCrypto& crypto, const State& target_state,
                                           const SignedAggregatedAttestation& aggregate);
  absl::Status AddGossipSignature(const SignedAttestation& attestation);
  absl::Status AddGossipAggregate(const SignedAggregatedAttestation& aggregate);

  // validate_attestation: the gossip rules on the data alone.
  absl::Status ValidateAttestation(const consensus::AttestationData& data) const;

  // --- Steps the handlers are made of, public for callers that drive them ---
  void AcceptNewAttestations();
  void UpdateSafeTarget();
  void UpdateHead();
  absl::StatusOr<std::vector<SignedAggregatedAttestation>> Aggregate();
  // Aggregate() in parts: plan (reads the store), execute (keys and the prover; no
  // store access), commit (replaces the pending pool, drops absorbed raw votes).
  struct AggregationJob {
    consensus::AttestationData data;
    std::vector<SingleMessageAggregate> children;
    std::vector<SignatureEntry> raw;
    std::vector<ValidatorIndex> participants;  // ascending
  };
  struct AggregationPlan {
    std::shared_ptr<const State> head_state;
    std::vector<AggregationJob> jobs;
  };
  AggregationPlan PlanAggregation() const;
  static absl::StatusOr<std::vector<SignedAggregatedAttestation>> ExecuteAggregation(const AggregationPlan& plan,
                                                                                     const StoreCrypto& crypto);
  void CommitAggregation(const std::vector<SignedAggregatedAttestation>& made);
  // Whether an aggregation round would have anything to do (or anything to clear).
  bool HasAggregationInput() const { return !new_payloads_.empty() || !signatures_.empty(); }
  // Adds a proof to the counted pool, as a block's proposer (or a replay) does.
  void AddKnownProof(const consensus::AttestationData& data, const SingleMessageAggregate& proof);

  // --- Validator duties (validator_duties.py, block_production.py) ---

  // Which finalized slot decides the justifiable slots a vote may target. The spec
  // uses the store's. A node that pruned on finalization can hold a finalized
  // checkpoint newer than the head chain's state (it finalized on a fork that lost,
  // and cannot step back to blocks it dropped); the state transition that will count
  // the vote uses the head state's, so targets chosen by the store's miss the
  // justifiable slots, and nodes that finalized and nodes that did not vote for
  // different targets: neither reaches 2/3, a deadlock (seen in the devnet after a
  // partition healed). kHeadState takes the lower of the two.
  enum class TargetFinality { kStore, kHeadState };
  Checkpoint GetAttestationTarget(TargetFinality finality = TargetFinality::kStore) const;
  consensus::AttestationData ProduceAttestationData(Slot slot, TargetFinality finality = TargetFinality::kStore) const;
  // produce_block_with_signatures: ticks to the slot, accepts new attestations,
  // builds on the head, and keeps the block and its post-state. WRONG_PROPOSER unless
  // `proposer` is slot % validators.
  absl::StatusOr<ProducedBlock> ProduceBlock(Slot slot, ValidatorIndex proposer);
  // ProduceBlock in parts: prepare (WRONG_PROPOSER check, tick, accept; snapshots the
  // parent and the counted pool), build (no store access), import.
  struct ProductionSnapshot {
    Slot slot = 0;
    ValidatorIndex proposer = 0;
    Root parent_root;
    std::shared_ptr<const State> parent_state;
    std::shared_ptr<const absl::flat_hash_set<Root>> known_blocks;
    // The counted pool's votes with their proofs, in pool order.
    std::shared_ptr<const std::vector<validator::AttestationCandidate>> candidates;
  };
  absl::StatusOr<ProductionSnapshot> PrepareProduction(Slot slot, ValidatorIndex proposer);
  static absl::StatusOr<ProducedBlock> BuildProduction(const ProductionSnapshot& snapshot, const StoreCrypto& crypto);
  void ImportProducedBlock(const ProducedBlock& produced);

  // --- Reads ---
  uint64_t time() const { return time_; }
  const consensus::GenesisConfig& config() const { return config_; }
  std::optional<ValidatorIndex> validator_index() const { return validator_index_; }
  const Root& head() const { return head_; }
  const Root& safe_target() const { return safe_target_; }
  const Checkpoint& latest_justified() const { return latest_justified_; }
  const Checkpoint& latest_finalized() const { return latest_finalized_; }
  Slot head_slot() const;
  bool HasBlock(const Root& root) const { return proto_.Contains(root); }
  std::optional<Slot> BlockSlot(const Root& root) const;
  std::optional<Root> ParentRoot(const Root& root) const;
  // The post-state of a block in the store, or null. Thread-safe (the states table has
  // its own lock), unlike the rest of the Store.
  std::shared_ptr<const State> StateOf(const Root& root) const { return states_.Get(root); }
  // The block post-states (their only owner): readers on any thread use it directly.
  const StateTable& states() const { return states_; }
  std::vector<Root> BlockRoots() const;  // unordered
  size_t block_count() const { return proto_.size(); }
  // compute_block_weights: weight of every block above the finalized slot.
  absl::flat_hash_map<Root, int64_t> BlockWeights() const;
  // _checkpoint_is_ancestor.
  bool CheckpointIsAncestor(const Checkpoint& ancestor, const Checkpoint& descendant) const;

  const SignaturePool& attestation_signatures() const { return signatures_; }
  const PayloadPool& new_payloads() const { return new_payloads_; }
  const PayloadPool& known_payloads() const { return known_payloads_; }
  const ProtoArray& proto_array() const { return proto_; }

  // Bounds the vote pools without waiting for finalization (a node's policy: the spec
  // prunes them only when finalization advances, so a long stretch without it lets
  // them grow without limit). Drops raw signatures and pending proofs whose
  // attestation slot is more than `retention_slots` before `current_slot`, and counted
  // entries that are that old or whose source is behind the head chain's justified
  // checkpoint (no block on it can use them), except an entry that is some validator's
  // latest vote: those keep their fork-choice weight, so the head never changes
  // (there is at most one per validator). Returns the number of entries dropped.
  size_t PruneAttestationPools(Slot current_slot, uint64_t retention_slots);

  // Drops blocks and states that are not the finalized block or its descendants,
  // keeping the spec's answers for everything still reachable. Does nothing unless
  // the justified block descends from the finalized one. Returns the roots dropped.
  std::vector<Root> PruneFinalized();

 private:
  Store(State anchor_state, const Block& anchor_block, const Root& anchor_root,
        std::optional<ValidatorIndex> validator_index, const StoreCrypto& crypto, LockMetrics* lock_metrics);
  const State& HeadState() const { return *states_.Get(head_); }  // the head always has one

  void TickInterval(bool has_proposal, bool is_aggregator, std::vector<SignedAggregatedAttestation>* out);
  void PruneStaleAttestationData();
  absl::StatusOr<crypto::xmss::PublicKey> PublicKeyOf(const State& state, ValidatorIndex index,
                                                      crypto::KeyRole role) const {
    return PublicKeyOf(crypto_, state, index, role);
  }
  ProtoArray::Index NodeOf(const Root& root) const { return *proto_.IndexOf(root); }
  // Vote weight per node above `start_slot` from `pool`'s latest votes, computed
  // from scratch (safe target, diagnostics).
  absl::flat_hash_map<ProtoArray::Index, int64_t> WeightsFromScratch(const PayloadPool& pool, Slot start_slot) const;
  void InsertBlock(const Root& root, const Block& block, std::shared_ptr<const State> post_state);
  // Known-pool mutations go through these so the vote tracker follows.
  void KnownAdd(const consensus::AttestationData& data, const SingleMessageAggregate& proof, bool front);
  void KnownEraseIf(const std::function<bool(const PayloadPool::Entry&)>& stale);

  uint64_t time_ = 0;
  consensus::GenesisConfig config_;
  Root head_;
  Root safe_target_;
  Checkpoint latest_justified_;
  Checkpoint latest_finalized_;
  std::optional<ValidatorIndex> validator_index_;

  ProtoArray proto_;
  StateTable states_;
  SignaturePool signatures_;
  PayloadPool new_payloads_;
  PayloadPool known_payloads_;
  VoteTracker votes_;

  StoreCrypto crypto_;
  std::unique_ptr<crypto::PublicKeyCache> own_key_cache_;
};

}  // namespace beam::forkchoice

#endif  // BEAMCORE_FORKCHOICE_STORE_H_
