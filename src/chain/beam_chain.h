// BeamChain: a node's consensus core — fork choice, the states of imported blocks,
// blocks waiting for their slot or their parent, the caches and the events — behind
// the per-resource locking design (docs/ARCHITECTURE.md, "Locking").
//
// Locks, in tier order (locking/lock_tier.h; simultaneously held locks only increase):
//   1  finalized_index (finalized slot -> root below the fork-choice tree)
//   2  block_cache (parents not yet known), invalid_blocks, pending_block_roots,
//      block_store, connected_peers
//   4  pending_blocks (future-slot blocks)
//   5a pubkey_cache  5b root_to_slot  5c events (never two of them together)
//   6  fork_choice  (the Store)
//   7  states       (a leaf: RcState per block, owned by the Store, which inserts and
//                    prunes them with their blocks; read through BorrowedState)
// The first storage failure (fault_mu_) is a leaf of its own.
// Signatures, the state transition and proving run with no lock held: the chain
// snapshots what they need, releases, computes, then commits.
//
// Threading: with the chain worker on (the default), one thread performs every
// mutation; Submit*() only enqueue (bounded queues, chain/chain_worker.h) and return,
// so network and clock threads never block on consensus work. With it off, Submit*()
// run inline on the caller's thread (tests, single-threaded hosts); concurrent inline
// callers are still safe, each mutation taking its locks. Reads (Head(), GetState(),
// GetStatus(), ...) may be called from any thread at any time.

#ifndef BEAMCORE_CHAIN_BEAM_CHAIN_H_
#define BEAMCORE_CHAIN_BEAM_CHAIN_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "chain/aggregate_coverage.h"
#include "chain/block_cache.h"
#include "chain/borrowed_state.h"
#include "chain/chain_worker.h"
#include "chain/connected_peers.h"
#include "crypto/public_key_cache.h"
#include "forkchoice/store.h"
#include "metrics/registry.h"
#include "storage/chain_db.h"
#include "base/mutex.h"
#include "locking/locked_map.h"
#include "locking/tiered_mutex.h"
#include "wire/messages.h"

namespace beam::chain {

using consensus::AttestationData;
using consensus::Checkpoint;
using consensus::SignedAggregatedAttestation;
using consensus::SignedAttestation;
using consensus::SignedBlock;
using consensus::Slot;
using consensus::ValidatorIndex;
using ssz::Root;

// Notifications from the chain, delivered on the thread that made the change (the
// worker) with no chain lock held. Implementations must not block for long.
class ChainObserver {
 public:
  virtual ~ChainObserver() = default;
  virtual void OnBlockImported(const Root& root, Slot slot) {}
  virtual void OnBlockRejected(const Root& root, const absl::Status& why) {}
  // The block `child_root` waits in the cache for its unknown parent; the host should
  // fetch `parent_root` (best from whoever sent the child).
  virtual void OnMissingParent(const Root& parent_root, const Root& child_root) {}
  virtual void OnNewHead(const Checkpoint& head) {}
  virtual void OnJustified(const Checkpoint& justified) {}
  virtual void OnFinalized(const Checkpoint& finalized) {}
  // Aggregates this node made at interval 2, to publish.
  virtual void OnAggregates(const std::vector<SignedAggregatedAttestation>& aggregates) {}
  // A gossip vote from `source` (empty: local or unknown) was processed; `result` is
  // OK or its rejection (consensus/rejection.h), for the host's peer scoring.
  virtual void OnVoteProcessed(const std::string& source, bool aggregate, const absl::Status& result) {}
  // Something the chain must do failed and nobody else would hear of it (a storage
  // write: the chain then stops importing, see BeamChain::StorageFault()).
  virtual void OnFault(const absl::Status& fault) {}
};

struct ChainConfig {
  bool chain_worker = true;
  ChainWorkerLimits worker_limits;
  bool is_aggregator = false;
  // Validators this node runs: a tick into a slot one of them proposes counts as
  // "has_proposal" (on_tick).
  std::vector<ValidatorIndex> local_validators;
  size_t max_pending_blocks = 1024;
  // A block more than this many slots ahead of the node's clock is refused (OutOfRange;
  // the sender is scored) instead of waiting as pending or fetching its parent: no
  // honest clock is that far off, and it would sit in the bounded pending queue (or
  // send the node after unknown parents) until evicted.
  uint64_t max_future_slots = 16;
  // Threads that verify gossip vote signatures ahead of the worker (VerifyPool; with
  // the worker only). 0: none, the worker verifies each vote itself.
  size_t verify_threads = 0;
  size_t verify_queue_limit = 4096;
  size_t max_invalid_blocks = 4096;
  // Drop fork-choice nodes and states below the finalized block after finalization.
  bool prune_on_finalization = true;
  // With storage: the finalized state is written as the restart anchor once finality
  // has moved this many slots past the stored one (a restart replays at most these
  // finalized blocks more); 0: at every finalization.
  uint64_t storage_anchor_interval_slots = 32;
  // Vote pools are bounded at every slot boundary (Store::PruneAttestationPools):
  // votes older than this many slots are dropped unless they are a validator's latest
  // vote. 0 keeps the spec's behaviour (pools shrink only on finalization). A vote is
  // worth keeping while its target can still gather 2/3: honest validators keep voting
  // for one target at most while the head crosses the gap to the next justifiable slot
  // plus the 3-slot lookback (gap <= 2*sqrt(slots since finalization) + 1: 17 slots at
  // 256, the whole life of a TEST key); 32 slots covers that twice over.
  uint64_t attestation_retention_slots = 32;
  forkchoice::BlockProofCheck block_proof_check = forkchoice::BlockProofCheck::kVerify;
  // Persistent storage (not owned; must outlive the chain). With it, Create() resumes
  // from the stored finalized state and replays the stored blocks above it; every
  // import writes its block and post-state before fork choice sees it; finalization
  // records the finalized index and prunes dead forks. Null: in memory only.
  storage::ChainDb* db = nullptr;
};

// The cryptography the chain uses; all must outlive the chain and be thread-safe.
struct ChainCrypto {
  const crypto::SignatureVerifier* signature_verifier = nullptr;
  const crypto::AggregateProofVerifier* aggregate_verifier = nullptr;
  const crypto::AggregateProver* prover = nullptr;
};

// What became of a block root considered for fetching (lean_block_fetch_dedup_total).
enum class FetchOutcome {
  kAlreadyInForkChoice,
  kAlreadyInBlockCache,
  kAlreadyPending,
  kFetched,
  kFetchNoPeers,
  kFetchFailed,
  kDedupLostRace,
};

struct SyncStatus {
  Slot head_slot = 0;
  Slot current_slot = 0;
  Slot best_peer_head_slot = 0;
  size_t peers = 0;
  bool synced = false;  // head within one slot of the clock and of every peer
};

// A coherent view of fork choice (one lock acquisition).
struct ChainHeadInfo {
  uint64_t time = 0;  // intervals
  Checkpoint head;
  Checkpoint safe_target;
  Checkpoint justified;
  Checkpoint finalized;
};

// One block of the fork-choice tree as the lean API's /lean/v0/fork_choice shows it
// (leanSpec node/api/handlers.py fork_choice).
struct ForkChoiceNode {
  Root root;
  Slot slot = 0;
  Root parent_root;
  ValidatorIndex proposer_index = 0;
  int64_t weight = 0;  // compute_block_weights; 0 at and below the finalized slot
};

// A snapshot of fork choice taken under one lock acquisition.
struct ForkChoiceTree {
  std::vector<ForkChoiceNode> nodes;  // blocks at or above the finalized slot, in import order
  Root head;
  Checkpoint justified;
  Checkpoint finalized;
  Root safe_target;
  std::optional<uint64_t> validator_count;  // of the head state (nullopt: no head state)
};

class BeamChain final : private ChainWorkHandler {
 public:
  static absl::StatusOr<std::unique_ptr<BeamChain>> Create(consensus::State anchor_state,
                                                           const consensus::Block& anchor_block,
                                                           const ChainConfig& config, const ChainCrypto& crypto,
                                                           metrics::Registry* registry,
                                                           ChainObserver* observer = nullptr);
  ~BeamChain() override;
  BeamChain(const BeamChain&) = delete;
  BeamChain& operator=(const BeamChain&) = delete;

  // --- Ingress (any thread) ---
  // The one place that decides between the worker and the caller's thread: with the
  // worker on these enqueue and return OK (ResourceExhausted when a full block queue
  // dropped the block); with it off they run the operation and return its result.
  // `root` is the block root if the caller already computed it (it is trusted;
  // debug builds re-hash and abort on a mismatch). `source` is the peer a vote came
  // from: its outcome is reported to the observer (OnVoteProcessed) either way.
  absl::Status SubmitBlock(SignedBlock block, std::optional<Root> root = std::nullopt);
  absl::Status SubmitAttestation(SignedAttestation attestation, std::string source = {});
  absl::Status SubmitAggregate(SignedAggregatedAttestation aggregate, std::string source = {});
  absl::Status SubmitTick(uint64_t interval);
  // Waits until the worker has processed everything queued (no-op when inline).
  void WaitIdle();
  // Blocks SubmitBlock would queue now, and the most it ever queues (SIZE_MAX for
  // both when inline): range sync asks for no more blocks than fit.
  size_t BlockQueueRoom() const;
  size_t BlockQueueCapacity() const;

  // --- Chain operations (run on the worker; callable directly when it is off) ---
  absl::Status OnBlock(const SignedBlock& block, std::optional<Root> root = std::nullopt,
                       const std::shared_ptr<VerifyPool::Ticket>& ticket = nullptr);
  // `ticket`: the vote's signature verified ahead (VerifyPool), or null to verify here.
  absl::Status OnGossipAttestation(const SignedAttestation& attestation,
                                   const std::shared_ptr<VerifyPool::Ticket>& ticket = nullptr);
  // `ticket`: the proof checked ahead (VerifyPool::SubmitJob), or null to check here.
  absl::Status OnGossipAggregate(const SignedAggregatedAttestation& aggregate,
                                 const std::shared_ptr<VerifyPool::Ticket>& ticket = nullptr);
  absl::Status OnTick(uint64_t interval);
  // Imports future-slot blocks whose slot has come, one at a time.
  void ProcessPendingBlocks();

  // --- Validator duties ---
  absl::StatusOr<forkchoice::ProducedBlock> ProduceBlock(Slot slot, ValidatorIndex proposer);
  // Updates the head first (as the spec's validator service does before attesting),
  // so a proposer votes for the block it just made.
  absl::StatusOr<AttestationData> ProduceAttestationData(Slot slot);

  // --- Reads (any thread) ---
  ChainHeadInfo HeadInfo() const;
  Checkpoint Head() const { return HeadInfo().head; }
  Checkpoint Justified() const { return HeadInfo().justified; }
  Checkpoint Finalized() const { return HeadInfo().finalized; }
  Slot CurrentSlot() const { return HeadInfo().time / consensus::kIntervalsPerSlot; }
  wire::Status GetStatus() const;
  SyncStatus GetSyncStatus() const;
  // The fork-choice tree with the spec's block weights (the lean API's fork_choice).
  ForkChoiceTree GetForkChoiceTree() const ABSL_LOCKS_EXCLUDED(fc_mu_);
  bool HasBlock(const Root& root) const;
  // Presence of every root under one fork-choice lock acquisition.
  void HasBlocksBatch(absl::Span<const Root> roots, absl::Span<bool> out) const;
  // The post-state of `root`, borrowed under the states lock (shared; a leaf: take no
  // other lock while holding the borrow). Empty if unknown.
  BorrowedState GetState(const Root& root) const;
  BorrowedState GetHeadState() const { return GetState(Head().root); }
  // The finalized state: from the states map, else the cached one (events lock).
  BorrowedState GetFinalizedState() const;
  // A reference-counted state for long-lived readers (no lock held). Null if unknown.
  RcState ShareState(const Root& root) const;
  std::optional<Slot> SlotOf(const Root& root) const;  // root-to-slot cache
  size_t pending_block_count() const;
  size_t state_count() const;

  // --- Fetch dedup ---
  // Which of `roots` must be fetched: roots already in fork choice, in the block
  // cache or already requested are counted and skipped; the rest are marked pending.
  // The caller reports each returned root's fate with ReportFetch (fetched,
  // no peers, failed), so the lean_block_fetch_dedup_total outcomes always sum to the
  // number of roots asked for.
  std::vector<Root> SelectRootsToFetch(absl::Span<const Root> roots);
  void ReportFetch(absl::Span<const Root> roots, FetchOutcome outcome);
  // A finished request did not deliver these roots: they may be fetched again.
  void ForgetPendingFetch(absl::Span<const Root> roots) {
    for (const Root& r : roots) pending_block_roots_.Remove(r);
  }

  // The canonical chain's blocks with slots in [start, start + count), ascending: the
  // head's ancestors in fork choice, and below the fork-choice tree the finalized
  // blocks recorded when finalization pruned them. For serving BlocksByRange.
  std::vector<std::pair<Slot, Root>> CanonicalBlockRoots(Slot start, uint64_t count) const
      ABSL_LOCKS_EXCLUDED(fc_mu_, finalized_index_mu_);

  // Imported blocks as SSZ, for serving BlocksByRoot (from storage when configured).
  std::optional<ssz::ByteVec> GetBlockSsz(const Root& root) const;
  // Records a block this node produced and signed (with its post-state, in storage);
  // imports record theirs.
  absl::Status RecordProducedBlock(const SignedBlock& block, const Root& root, ssz::ByteVec ssz);

  BlockCache& block_cache() { return block_cache_; }
  ConnectedPeers& peers() { return peers_; }
  // The configuration the chain was created with; its is_aggregator is the initial
  // role only (IsAggregator() is the current one).
  const ChainConfig& config() const { return config_; }

  // --- Health (any thread) ---
  // The storage write that failed, if one did. From then on the chain refuses to
  // import or produce blocks (FailedPrecondition): what it cannot store it must not
  // count as if it had (a restart would lose it while peers believe we have it).
  std::optional<absl::Status> StorageFault() const ABSL_LOCKS_EXCLUDED(fault_mu_);

  // --- Runtime role (any thread, lock-free) ---
  // The aggregator role: starts as config().is_aggregator and can be switched at run
  // time (the lean API's POST /lean/v0/admin/aggregator). The chain reads it on every
  // gossip attestation (aggregators keep raw signatures) and every tick (aggregation
  // at interval 2), so a switch applies from the next of those. Returns the previous
  // role.
  bool SetAggregator(bool enabled) { return is_aggregator_.exchange(enabled, std::memory_order_acq_rel); }
  bool IsAggregator() const { return is_aggregator_.load(std::memory_order_acquire); }

 private:
  BeamChain(const ChainConfig& config, const ChainCrypto& crypto, metrics::Registry* registry,
            ChainObserver* observer);
  // Replays the stored blocks above the anchor (Create with storage).
  absl::Status ReplayStoredBlocks(Slot anchor_slot);
  // Stores a block (its SSZ `bytes`) and its post-state: in the database when there is
  // one, else the block in memory for serving.
  absl::Status Persist(const SignedBlock& block, const Root& root, ssz::ByteVec bytes, const consensus::State* post_state);

  // ChainWorkHandler.
  void HandleTick(uint64_t interval) override;
  void HandleBlock(SignedBlock block, const Root& root, std::shared_ptr<VerifyPool::Ticket> ticket) override;
  void HandleAggregate(SignedAggregatedAttestation aggregate, const std::string& source,
                       std::shared_ptr<VerifyPool::Ticket> ticket, ArrivalTime arrived) override;
  void HandleAttestation(SignedAttestation attestation, const std::string& source,
                         std::shared_ptr<VerifyPool::Ticket> ticket, ArrivalTime arrived) override;
  absl::Status ProcessAttestation(const SignedAttestation& attestation, const std::string& source,
                                  const std::shared_ptr<VerifyPool::Ticket>& ticket = nullptr);
  // A VerifyPool ticket for the vote under its validator's key in the head state (null
  // without a pool, or when the head has no such validator or key).
  std::shared_ptr<VerifyPool::Ticket> TicketFor(const SignedAttestation& attestation);
  absl::Status ProcessAggregate(const SignedAggregatedAttestation& aggregate, const std::string& source,
                                const std::shared_ptr<VerifyPool::Ticket>& ticket = nullptr);
  // Pool jobs checking a block's signatures / an aggregate's proof under the head
  // state's registry (null without a pool).
  std::shared_ptr<VerifyPool::Ticket> BlockSignaturesJob(const SignedBlock& block);
  std::shared_ptr<VerifyPool::Ticket> AggregateProofJob(const SignedAggregatedAttestation& aggregate);
  // `check(head state)` on the pool, keyed by the head state's registry root.
  template <class Check>
  std::shared_ptr<VerifyPool::Ticket> HeadRegistryJob(Check check);
  // The job's answer if it ran against `state`'s registry, else nullopt (check here).
  std::optional<absl::Status> JobAnswerFor(const std::shared_ptr<VerifyPool::Ticket>& ticket,
                                           const consensus::State& state);

  absl::Status ImportBlock(const SignedBlock& block, const Root& root,
                           const std::shared_ptr<VerifyPool::Ticket>& ticket = nullptr);
  void ImportCachedDescendants(const Root& root);
  void AfterImport(const Root& root, Slot slot) ABSL_LOCKS_EXCLUDED(fc_mu_, events_mu_);
  void FinalizationFollowup(const Checkpoint& finalized) ABSL_LOCKS_EXCLUDED(fc_mu_, events_mu_);
  bool AddPendingBlock(const SignedBlock& block, const Root& root) ABSL_LOCKS_EXCLUDED(pending_mu_);
  void MarkInvalid(const Root& root, const absl::Status& why);
  Root BlockRootOf(const SignedBlock& block, std::optional<Root> root, const char* site);
  void UpdateSlotGauges(const ChainHeadInfo& info);
  // Records a storage write failure (the first one sticks) and tells the observer.
  void StorageFailed(const absl::Status& why) ABSL_LOCKS_EXCLUDED(fault_mu_);
  // FailedPrecondition once storage failed; OK otherwise.
  absl::Status CheckStorageHealthy() const ABSL_LOCKS_EXCLUDED(fault_mu_);
  ChainHeadInfo HeadInfoLocked() const ABSL_SHARED_LOCKS_REQUIRED(fc_mu_);
  // Blocks on the chain of `old_head` that are not on the chain of `new_head` (the
  // blocks a head change rolls back).
  uint64_t ReorgDepthLocked(const Root& old_head, const Root& new_head) const ABSL_SHARED_LOCKS_REQUIRED(fc_mu_);

  const ChainConfig config_;
  // Lock-free: the current aggregator role (SetAggregator / IsAggregator); initialized
  // from config_.is_aggregator, which nothing reads after construction.
  std::atomic<bool> is_aggregator_;
  forkchoice::StoreCrypto crypto_;  // with key_cache_ below
  std::unique_ptr<metrics::Registry> own_registry_;  // when the host passes none
  metrics::Registry* const registry_;
  ChainObserver* const observer_;
  LockMetrics lock_metrics_;
  crypto::PublicKeyCache key_cache_;  // tier 5a

  // Tier 1: finalized slot -> block root, below the fork-choice tree (without storage;
  // with it, the database's finalized index).
  mutable TieredMutex finalized_index_mu_;
  std::map<Slot, Root> finalized_index_ ABSL_GUARDED_BY(finalized_index_mu_);

  // Tier 2.
  BlockCache block_cache_;
  LockedMap<Root, std::string> invalid_blocks_{"invalid_blocks", kNetworkTier};
  LockedMap<Root, uint64_t> pending_block_roots_{"pending_block_roots", kNetworkTier};
  LockedMap<Root, ssz::ByteVec> block_store_{"block_store", kNetworkTier};  // without storage
  bool replaying_ = false;  // Create() only, before any other thread sees the chain
  ConnectedPeers peers_;

  // A leaf: the first storage failure (StorageFault()).
  mutable Mutex fault_mu_;
  std::optional<absl::Status> storage_fault_ ABSL_GUARDED_BY(fault_mu_);

  // Tier 7 (a leaf): the block post-states, owned by the Store (forkchoice/
  // state_table.h), which inserts and prunes them with their blocks; thread-safe, so
  // readers use it without the fork-choice lock. Set once in Create().
  const forkchoice::StateTable* states_ = nullptr;

  // Tier 4.
  struct PendingBlock {
    SignedBlock block;
    Root root;
  };
  mutable TieredMutex pending_mu_;
  std::deque<PendingBlock> pending_ ABSL_GUARDED_BY(pending_mu_);
  absl::flat_hash_set<Root> pending_roots_ ABSL_GUARDED_BY(pending_mu_);

  // Tier 5b.
  LockedMap<Root, Slot> root_to_slot_{"root_to_slot", kRootToSlotTier};
  // The slot of the storage's restart anchor (its state is the one stored).
  std::atomic<Slot> stored_anchor_slot_{0};

  // Tier 5c.
  mutable TieredMutex events_mu_ ABSL_ACQUIRED_AFTER(pending_mu_);
  Checkpoint last_emitted_justified_ ABSL_GUARDED_BY(events_mu_);
  Checkpoint last_emitted_finalized_ ABSL_GUARDED_BY(events_mu_);
  Root last_emitted_head_ ABSL_GUARDED_BY(events_mu_);
  RcState cached_finalized_state_ ABSL_GUARDED_BY(events_mu_);

  // Tier 6.
  mutable TieredSharedMutex fc_mu_ ABSL_ACQUIRED_AFTER(pending_mu_, events_mu_);
  std::unique_ptr<forkchoice::Store> store_ ABSL_GUARDED_BY(fc_mu_);

  // Metrics (resolved once).
  struct Metrics {
    metrics::Gauge *head_slot, *justified_slot, *finalized_slot, *current_slot, *safe_target_slot, *pending_blocks;
    metrics::Histogram *stf_seconds, *block_processing_seconds, *pending_drain_iters;
    metrics::Histogram *attestation_validation_seconds, *reorg_depth;
    metrics::Histogram* vote_arrival_seconds[2];  // attestation, aggregate
    metrics::Gauge* validators_count;
    metrics::Counter *attestations_valid, *attestations_invalid, *aggregates_valid, *aggregates_invalid;
    metrics::Counter *blocks_imported, *blocks_invalid, *reorgs, *finalizations;
    metrics::Counter *pending_evicted_full, *pending_evicted_finalized, *blocks_too_far_ahead;
    metrics::Counter* root_compute_skipped[3];
    metrics::Counter* fetch_outcomes[7];
    metrics::Counter* pool_entries_pruned;
    metrics::Gauge *pool_known_entries, *pool_new_entries, *pool_signature_entries;
  } m_;
  // Attestation aggregate coverage report (its own leaf lock).
  AggregateCoverage coverage_;

  std::unique_ptr<VerifyPool> verify_pool_;  // outlives the worker, which waits on it
  std::unique_ptr<ChainWorker> worker_;  // last: stopped first
};

}  // namespace beam::chain

#endif  // BEAMCORE_CHAIN_BEAM_CHAIN_H_
