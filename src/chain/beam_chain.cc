#include "chain/beam_chain.h"

#include <algorithm>
#include <limits>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "consensus/rejection.h"
#include "consensus/state_transition.h"
#include "ssz/codec.h"
#include "ssz/container.h"

namespace beam::chain {
namespace {

using consensus::RejectionReason;

constexpr const char* kFetchOutcomeNames[7] = {"already_in_forkchoice", "already_in_block_cache", "already_pending",
                                               "fetched",               "fetch_no_peers",         "fetch_failed",
                                               "dedup_lost_race"};
constexpr const char* kRootSites[3] = {"chain.onGossip", "chain.onBlock", "chain.processPendingBlocks"};

BEAM_LOCK_SITE(kSiteFcRead, "forkChoice.read");
BEAM_LOCK_SITE(kSiteFcTree, "forkChoice.tree");
BEAM_LOCK_SITE(kSiteFcImport, "forkChoice.onBlock");
BEAM_LOCK_SITE(kSiteFcTick, "forkChoice.onTick");
BEAM_LOCK_SITE(kSiteFcVote, "forkChoice.onAttestation");
BEAM_LOCK_SITE(kSiteFcProduce, "forkChoice.produceBlock");
BEAM_LOCK_SITE(kSiteFcPrune, "forkChoice.prune");
BEAM_LOCK_SITE(kSitePendingAdd, "pendingBlocks.add");
BEAM_LOCK_SITE(kSitePendingDrain, "pendingBlocks.drain");
BEAM_LOCK_SITE(kSiteEvents, "onBlockFollowup.events");
BEAM_LOCK_SITE(kSiteFinalizedState, "getFinalizedState");
BEAM_LOCK_SITE(kSiteFinalizedIndexRead, "finalizedIndex.read");
BEAM_LOCK_SITE(kSiteFinalizedIndexWrite, "finalizedIndex.write");

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

bool IsRejection(const absl::Status& s, RejectionReason r) { return consensus::GetRejectionReason(s) == r; }

}  // namespace

// ---------------------------------------------------------------------------------
// Construction

BeamChain::BeamChain(const ChainConfig& config, const ChainCrypto& crypto, metrics::Registry* registry,
                     ChainObserver* observer)
    : config_(config),
      is_aggregator_(config.is_aggregator),
      own_registry_(registry != nullptr ? nullptr : std::make_unique<metrics::Registry>()),
      registry_(registry != nullptr ? registry : own_registry_.get()),
      observer_(observer),
      lock_metrics_(registry_),
      finalized_index_mu_("finalized_index", kFinalizationTier, &lock_metrics_),
      block_cache_(&lock_metrics_),
      peers_(nullptr, registry_->GetGauge("lean_connected_peers", "Number of connected peers.")),
      pending_mu_("pending_blocks", kPendingBlocksTier, &lock_metrics_),
      events_mu_("events", kEventsTier, &lock_metrics_),
      fc_mu_("fork_choice", kForkChoiceTier, &lock_metrics_),
      coverage_(registry_) {
  crypto_.signature_verifier = crypto.signature_verifier;
  crypto_.aggregate_verifier = crypto.aggregate_verifier;
  crypto_.prover = crypto.prover;
  crypto_.key_cache = &key_cache_;

  metrics::Registry& r = *registry_;
  m_.head_slot = r.GetGauge("lean_head_slot", "Slot of the fork-choice head.");
  m_.justified_slot = r.GetGauge("lean_latest_justified_slot", "Slot of the latest justified checkpoint.");
  m_.finalized_slot = r.GetGauge("lean_latest_finalized_slot", "Slot of the latest finalized checkpoint.");
  m_.current_slot = r.GetGauge("lean_current_slot", "The current slot by the store's clock.");
  m_.safe_target_slot = r.GetGauge("lean_safe_target_slot", "Slot of the safe target.");
  m_.pending_blocks = r.GetGauge("lean_pending_blocks", "Future-slot blocks waiting for their slot.");
  m_.stf_seconds = r.GetHistogram("lean_state_transition_time_seconds",
                                  "Signature checks and state transition of one block.", metrics::DurationBuckets());
  m_.block_processing_seconds = r.GetHistogram("lean_fork_choice_block_processing_time_seconds",
                                               "Fork-choice import of one verified block.", metrics::DurationBuckets());
  // leanMetrics buckets (leanSpec node/metrics/registry.py).
  m_.attestation_validation_seconds =
      r.GetHistogram("lean_attestation_validation_time_seconds",
                     "Validation of one gossip attestation (checks, signature, recording).",
                     {0.005, 0.01, 0.025, 0.05, 0.1, 1});
  // Queueing and verification together, as a host sees it; fine buckets for quantiles.
  const std::vector<double> arrival_buckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                               0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,     10};
  for (int kind = 0; kind < 2; ++kind) {
    m_.vote_arrival_seconds[kind] = r.GetHistogram(
        "lean_vote_arrival_to_fork_choice_seconds",
        "From a gossip vote's arrival (queued for the chain worker) to its acceptance into the fork-choice store.",
        arrival_buckets, {{"kind", kind == 0 ? "attestation" : "aggregate"}});
  }
  m_.reorg_depth = r.GetHistogram("lean_fork_choice_reorg_depth",
                                  "Blocks of the old head's chain that a reorg rolled back.",
                                  {1, 2, 3, 5, 7, 10, 20, 30, 50, 100});
  m_.validators_count = r.GetGauge("lean_validators_count", "Number of validators managed by this node.");
  m_.validators_count->Set(static_cast<double>(config.local_validators.size()));
  m_.pending_drain_iters = r.GetHistogram("lean_pending_blocks_drain_iters",
                                          "Blocks imported per processPendingBlocks call.",
                                          {0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024});
  m_.attestations_valid = r.GetCounter("lean_attestations_valid_total", "Gossip attestations accepted.",
                                       {{"source", "gossip"}});
  m_.attestations_invalid = r.GetCounter("lean_attestations_invalid_total", "Gossip attestations rejected.",
                                         {{"source", "gossip"}});
  m_.aggregates_valid = r.GetCounter("lean_attestations_valid_total", "Gossip attestations accepted.",
                                     {{"source", "aggregate"}});
  m_.aggregates_invalid = r.GetCounter("lean_attestations_invalid_total", "Gossip attestations rejected.",
                                       {{"source", "aggregate"}});
  m_.blocks_imported = r.GetCounter("lean_blocks_imported_total", "Blocks imported into fork choice.");
  m_.blocks_invalid = r.GetCounter("lean_blocks_invalid_total", "Blocks rejected as invalid.");
  m_.reorgs = r.GetCounter("lean_fork_choice_reorgs_total", "Head changes to a block that does not extend the old head.");
  m_.finalizations = r.GetCounter("lean_finalizations_total", "Times the finalized checkpoint advanced.");
  m_.pending_evicted_full = r.GetCounter("lean_pending_blocks_evicted_total", "Pending blocks evicted.",
                                         {{"reason", "full"}});
  m_.pending_evicted_finalized = r.GetCounter("lean_pending_blocks_evicted_total", "Pending blocks evicted.",
                                              {{"reason", "finalized"}});
  m_.blocks_too_far_ahead = r.GetCounter("lean_blocks_too_far_ahead_total",
                                         "Blocks refused for a slot too far ahead of the clock.");
  for (int i = 0; i < 3; ++i) {
    m_.root_compute_skipped[i] =
        r.GetCounter("lean_block_root_compute_skipped_total",
                     "Block roots not recomputed because the producer passed them along.", {{"site", kRootSites[i]}});
  }
  for (int i = 0; i < 7; ++i) {
    m_.fetch_outcomes[i] = r.GetCounter("lean_block_fetch_dedup_total", "Outcome of each block root considered for fetching.",
                                        {{"outcome", kFetchOutcomeNames[i]}});
  }
  m_.pool_entries_pruned = r.GetCounter("lean_attestation_pool_pruned_total",
                                        "Vote pool entries dropped by the retention window before finalization.");
  const char* const kPoolHelp = "Attestation data entries in a fork-choice vote pool.";
  m_.pool_known_entries = r.GetGauge("lean_attestation_pool_entries", kPoolHelp, {{"pool", "known"}});
  m_.pool_new_entries = r.GetGauge("lean_attestation_pool_entries", kPoolHelp, {{"pool", "new"}});
  m_.pool_signature_entries = r.GetGauge("lean_attestation_pool_entries", kPoolHelp, {{"pool", "signatures"}});
}

absl::StatusOr<std::unique_ptr<BeamChain>> BeamChain::Create(consensus::State anchor_state,
                                                             const consensus::Block& configured_anchor_block,
                                                             const ChainConfig& config, const ChainCrypto& crypto,
                                                             metrics::Registry* registry, ChainObserver* observer) {
  consensus::Block anchor_block = configured_anchor_block;
  bool resume = false;
  if (config.db != nullptr) {
    // A data directory belongs to one chain: the anchor it was created with.
    const Root configured_root = ssz::HashTreeRoot(anchor_state);
    absl::StatusOr<std::optional<Root>> recorded = config.db->ConfiguredAnchorStateRoot();
    if (!recorded.ok()) return recorded.status();
    if (!recorded->has_value()) {
      const Checkpoint anchor{ssz::HashTreeRoot(anchor_block), anchor_block.slot};
      if (absl::Status s = config.db->Initialize(configured_root, anchor, ssz::Encode(anchor_state),
                                                 ssz::Encode(anchor_block));
          !s.ok()) {
        return s;
      }
    } else if (**recorded != configured_root) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the data directory holds another chain (its anchor state root is ", ssz::ToHex(**recorded),
          ", the configured one is ", ssz::ToHex(configured_root), ")"));
    } else {
      absl::StatusOr<storage::StoredAnchor> stored = config.db->LoadAnchor();
      if (!stored.ok()) return stored.status();
      absl::StatusOr<consensus::State> state = ssz::Decode<consensus::State>(stored->state_ssz);
      absl::StatusOr<consensus::Block> block = ssz::Decode<consensus::Block>(stored->block_ssz);
      if (!state.ok() || !block.ok()) return absl::DataLossError("storage: the stored anchor does not decode");
      anchor_state = std::move(*state);
      anchor_block = std::move(*block);
      resume = true;
    }
  }

  std::unique_ptr<BeamChain> chain(new BeamChain(config, crypto, registry, observer));
  absl::StatusOr<std::unique_ptr<forkchoice::Store>> store = forkchoice::Store::FromAnchor(
      std::move(anchor_state), anchor_block,
      config.local_validators.empty() ? std::nullopt : std::optional<ValidatorIndex>(config.local_validators[0]),
      chain->crypto_, &chain->lock_metrics_);
  if (!store.ok()) return store.status();
  chain->states_ = &(*store)->states();
  const Root anchor_root = (*store)->head();
  RcState anchor = (*store)->StateOf(anchor_root);
  chain->root_to_slot_.Put(anchor_root, anchor_block.slot);
  chain->stored_anchor_slot_.store(anchor_block.slot, std::memory_order_relaxed);
  {
    TieredMutexLock lock(&chain->events_mu_, kSiteEvents);
    chain->last_emitted_justified_ = (*store)->latest_justified();
    chain->last_emitted_finalized_ = (*store)->latest_finalized();
    chain->last_emitted_head_ = anchor_root;
    chain->cached_finalized_state_ = anchor;
  }
  {
    TieredWriterLock lock(&chain->fc_mu_, kSiteFcImport);
    chain->store_ = std::move(*store);
  }
  if (resume) {
    if (absl::Status s = chain->ReplayStoredBlocks(anchor_block.slot); !s.ok()) return s;
  }
  chain->UpdateSlotGauges(chain->HeadInfo());
  if (config.chain_worker && config.verify_threads > 0 && crypto.signature_verifier != nullptr) {
    chain->verify_pool_ = std::make_unique<VerifyPool>(config.verify_threads, config.verify_queue_limit,
                                                       crypto.signature_verifier, chain->registry_);
  }
  if (config.chain_worker) {
    chain->worker_ = std::make_unique<ChainWorker>(static_cast<ChainWorkHandler*>(chain.get()), config.worker_limits,
                                                   chain->registry_);
  }
  return chain;
}

absl::Status BeamChain::ReplayStoredBlocks(Slot anchor_slot) {
  absl::StatusOr<std::vector<storage::StoredBlock>> blocks = config_.db->BlocksAfterSlot(anchor_slot);
  if (!blocks.ok()) return blocks.status();
  if (blocks->empty()) return absl::OkStatus();
  // The clock to the last stored block's slot, so none of them waits as "future".
  if (absl::Status s = OnTick(blocks->back().slot * consensus::kIntervalsPerSlot); !s.ok()) return s;
  replaying_ = true;
  for (const storage::StoredBlock& stored : *blocks) {
    if (!HasBlock(stored.parent_root)) continue;  // a dead fork's remains
    absl::StatusOr<SignedBlock> block = ssz::Decode<SignedBlock>(stored.ssz);
    if (!block.ok()) continue;  // cannot happen for what we wrote; never fatal
    (void)ImportBlock(*block, stored.root);
  }
  replaying_ = false;
  // The votes a clean shutdown saved (none after a crash).
  absl::StatusOr<std::vector<ssz::ByteVec>> votes = config_.db->LoadVotes();
  if (!votes.ok()) return votes.status();
  TieredWriterLock lock(&fc_mu_, kSiteFcImport);
  for (const ssz::ByteVec& bytes : *votes) {
    absl::StatusOr<SignedAggregatedAttestation> vote = ssz::Decode<SignedAggregatedAttestation>(bytes);
    if (vote.ok() && store_->HasBlock(vote->data.head.root)) store_->AddKnownProof(vote->data, vote->proof);
  }
  store_->UpdateHead();
  return absl::OkStatus();
}

absl::Status BeamChain::Persist(const SignedBlock& block, const Root& root, ssz::ByteVec bytes,
                                const consensus::State* post_state) {
  if (config_.db == nullptr) {
    block_store_.Put(root, std::move(bytes));
    return absl::OkStatus();
  }
  if (replaying_) return absl::OkStatus();  // already stored
  // Blocks only: a restart rebuilds post-states by replaying from the stored anchor
  // (a state per block was most of a catch-up's write volume).
  (void)post_state;
  return config_.db->PutBlock(storage::StoredBlock{root, block.block.slot, block.block.parent_root, std::move(bytes)},
                              ssz::ByteView());
}

std::optional<ssz::ByteVec> BeamChain::GetBlockSsz(const Root& root) const {
  if (config_.db != nullptr) return config_.db->GetBlock(root);
  return block_store_.Get(root);
}

absl::Status BeamChain::RecordProducedBlock(const SignedBlock& block, const Root& root, ssz::ByteVec ssz) {
  RcState state = config_.db != nullptr ? ShareState(root) : nullptr;
  absl::Status stored = Persist(block, root, std::move(ssz), state.get());
  if (!stored.ok()) StorageFailed(stored);
  return stored;
}

std::optional<absl::Status> BeamChain::StorageFault() const {
  MutexLock lock(&fault_mu_);
  return storage_fault_;
}

void BeamChain::StorageFailed(const absl::Status& why) {
  const absl::Status fault(why.code(), absl::StrCat("storage write failed: ", why.message()));
  {
    MutexLock lock(&fault_mu_);
    if (storage_fault_.has_value()) return;  // reported already
    storage_fault_ = fault;
  }
  if (observer_ != nullptr) observer_->OnFault(fault);
}

absl::Status BeamChain::CheckStorageHealthy() const {
  MutexLock lock(&fault_mu_);
  if (!storage_fault_.has_value()) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("the node stopped importing after a ", storage_fault_->message()));
}

BeamChain::~BeamChain() {
  worker_.reset();
  if (config_.db == nullptr) return;
  // A clean shutdown keeps the votes, so a restart finds the same head.
  std::vector<ssz::ByteVec> votes;
  {
    TieredReaderLock lock(&fc_mu_, kSiteFcRead);
    for (const forkchoice::PayloadPool* pool : {&store_->known_payloads(), &store_->new_payloads()}) {
      for (const auto* entry : pool->InOrder()) {
        for (const auto& proof : entry->values) votes.push_back(ssz::Encode(SignedAggregatedAttestation{entry->data, proof}));
      }
    }
  }
  if (absl::Status s = config_.db->SaveVotes(votes); !s.ok()) StorageFailed(s);
}

// ---------------------------------------------------------------------------------
// Ingress

Root BeamChain::BlockRootOf(const SignedBlock& block, std::optional<Root> root, const char* site) {
  if (!root) return ssz::HashTreeRoot(block.block);
  for (int i = 0; i < 3; ++i) {
    if (std::string_view(kRootSites[i]) == site) m_.root_compute_skipped[i]->Increment();
  }
  if (lock_order::kEnabled) {
    // Debug builds: a wrong precomputed root would silently corrupt fork choice.
    const Root actual = ssz::HashTreeRoot(block.block);
    if (actual != *root) {
      std::fprintf(stderr, "beamcore: %s: precomputed block root %s != %s (slot %llu)\n", site,
                   ssz::ToHex(*root).c_str(), ssz::ToHex(actual).c_str(),
                   static_cast<unsigned long long>(block.block.slot));
      std::abort();
    }
  }
  return *root;
}

absl::Status BeamChain::SubmitBlock(SignedBlock block, std::optional<Root> root) {
  const Root r = root ? *root : ssz::HashTreeRoot(block.block);
  if (worker_ == nullptr) return OnBlock(block, r);
  std::shared_ptr<VerifyPool::Ticket> ticket = BlockSignaturesJob(block);
  if (!worker_->EnqueueBlock(std::move(block), r, std::move(ticket))) {
    return absl::ResourceExhaustedError("the block queue is full; the block was dropped");
  }
  return absl::OkStatus();
}

absl::Status BeamChain::SubmitAttestation(SignedAttestation attestation, std::string source) {
  if (worker_ == nullptr) return ProcessAttestation(attestation, source);
  std::shared_ptr<VerifyPool::Ticket> ticket = TicketFor(attestation);
  worker_->EnqueueAttestation(std::move(attestation), std::move(source), std::move(ticket));
  return absl::OkStatus();
}

std::shared_ptr<VerifyPool::Ticket> BeamChain::TicketFor(const SignedAttestation& attestation) {
  if (verify_pool_ == nullptr) return nullptr;
  BorrowedState head = GetHeadState();
  if (!head || attestation.validator_index >= head->validators.size()) return nullptr;
  const ssz::Bytes52 key_ssz = head->validators[attestation.validator_index].attestation_public_key;
  head.Release();
  absl::StatusOr<crypto::xmss::PublicKey> key =
      key_cache_.Get(attestation.validator_index, crypto::KeyRole::kAttestation, key_ssz);
  if (!key.ok()) return nullptr;
  return verify_pool_->Submit(key_ssz, *key, attestation.data.slot, ssz::HashTreeRoot(attestation.data),
                              attestation.signature);
}

absl::Status BeamChain::SubmitAggregate(SignedAggregatedAttestation aggregate, std::string source) {
  if (worker_ == nullptr) return ProcessAggregate(aggregate, source);
  std::shared_ptr<VerifyPool::Ticket> ticket = AggregateProofJob(aggregate);
  worker_->EnqueueAggregate(std::move(aggregate), std::move(source), std::move(ticket));
  return absl::OkStatus();
}

absl::Status BeamChain::SubmitTick(uint64_t interval) {
  if (worker_ == nullptr) return OnTick(interval);
  worker_->EnqueueTick(interval);
  return absl::OkStatus();
}

void BeamChain::WaitIdle() {
  if (worker_ != nullptr) worker_->WaitIdle();
}

size_t BeamChain::BlockQueueRoom() const {
  return worker_ != nullptr ? worker_->block_room() : std::numeric_limits<size_t>::max();
}

size_t BeamChain::BlockQueueCapacity() const {
  return worker_ != nullptr ? worker_->block_capacity() : std::numeric_limits<size_t>::max();
}

absl::Status BeamChain::ProcessAttestation(const SignedAttestation& attestation, const std::string& source,
                                           const std::shared_ptr<VerifyPool::Ticket>& ticket) {
  absl::Status s = OnGossipAttestation(attestation, ticket);
  if (observer_ != nullptr) observer_->OnVoteProcessed(source, /*aggregate=*/false, s);
  return s;
}

template <class Check>
std::shared_ptr<VerifyPool::Ticket> BeamChain::HeadRegistryJob(Check check) {
  if (verify_pool_ == nullptr) return nullptr;
  RcState head = ShareState(HeadInfo().head.root);
  if (head == nullptr) return nullptr;
  const Root registry = ssz::HashTreeRoot(head->validators);
  return verify_pool_->SubmitJob(registry, [head, check = std::move(check)] { return check(*head); });
}

std::shared_ptr<VerifyPool::Ticket> BeamChain::BlockSignaturesJob(const SignedBlock& block) {
  return HeadRegistryJob([this, block, proof_check = config_.block_proof_check](const consensus::State& head) {
    return forkchoice::Store::VerifyBlockSignatures(block, head, crypto_, proof_check);
  });
}

std::shared_ptr<VerifyPool::Ticket> BeamChain::AggregateProofJob(const SignedAggregatedAttestation& aggregate) {
  return HeadRegistryJob([this, aggregate](const consensus::State& head) {
    return forkchoice::Store::VerifyAggregateProof(crypto_, head, aggregate);
  });
}

std::optional<absl::Status> BeamChain::JobAnswerFor(const std::shared_ptr<VerifyPool::Ticket>& ticket,
                                                    const consensus::State& state) {
  // The checks read only the registry (its size and keys): the same registry root,
  // the same answer.
  if (ticket == nullptr || VerifyPool::RegistryOf(*ticket) != ssz::HashTreeRoot(state.validators)) {
    return std::nullopt;
  }
  return verify_pool_->JobResult(*ticket);
}

absl::Status BeamChain::ProcessAggregate(const SignedAggregatedAttestation& aggregate, const std::string& source,
                                         const std::shared_ptr<VerifyPool::Ticket>& ticket) {
  absl::Status s = OnGossipAggregate(aggregate, ticket);
  if (observer_ != nullptr) observer_->OnVoteProcessed(source, /*aggregate=*/true, s);
  return s;
}

void BeamChain::HandleTick(uint64_t interval) { (void)OnTick(interval); }
void BeamChain::HandleBlock(SignedBlock block, const Root& root, std::shared_ptr<VerifyPool::Ticket> ticket) {
  (void)OnBlock(block, root, ticket);
}
void BeamChain::HandleAggregate(SignedAggregatedAttestation aggregate, const std::string& source,
                                std::shared_ptr<VerifyPool::Ticket> ticket, ArrivalTime arrived) {
  if (ProcessAggregate(aggregate, source, ticket).ok()) m_.vote_arrival_seconds[1]->Observe(SecondsSince(arrived));
}
void BeamChain::HandleAttestation(SignedAttestation attestation, const std::string& source,
                                  std::shared_ptr<VerifyPool::Ticket> ticket, ArrivalTime arrived) {
  if (ProcessAttestation(attestation, source, ticket).ok()) {
    m_.vote_arrival_seconds[0]->Observe(SecondsSince(arrived));
  }
}

// ---------------------------------------------------------------------------------
// Blocks

void BeamChain::MarkInvalid(const Root& root, const absl::Status& why) {
  m_.blocks_invalid->Increment();
  if (invalid_blocks_.Count() >= config_.max_invalid_blocks) return;  // bounded; the check is cheap anyway
  invalid_blocks_.Put(root, std::string(why.message()));
}


bool BeamChain::AddPendingBlock(const SignedBlock& block, const Root& root) {
  TieredMutexLock lock(&pending_mu_, kSitePendingAdd);
  if (pending_roots_.contains(root)) return false;
  if (pending_.size() >= config_.max_pending_blocks) {
    pending_roots_.erase(pending_.front().root);  // FIFO eviction
    pending_.pop_front();
    m_.pending_evicted_full->Increment();
  }
  pending_.push_back(PendingBlock{block, root});
  pending_roots_.insert(root);
  m_.pending_blocks->Set(static_cast<double>(pending_.size()));
  return true;
}

absl::Status BeamChain::OnBlock(const SignedBlock& block, std::optional<Root> precomputed_root,
                                const std::shared_ptr<VerifyPool::Ticket>& ticket) {
  const Root root = BlockRootOf(block, precomputed_root, "chain.onBlock");
  pending_block_roots_.Remove(root);  // a fetch for it, if any, has been answered
  absl::Status s = ImportBlock(block, root, ticket);
  if (s.ok()) {
    ImportCachedDescendants(root);
  } else if (observer_ != nullptr && !absl::IsUnavailable(s) && !IsRejection(s, RejectionReason::kUNKNOWN_PARENT_BLOCK)) {
    observer_->OnBlockRejected(root, s);
  }
  return s;
}

absl::Status BeamChain::ImportBlock(const SignedBlock& signed_block, const Root& root,
                                    const std::shared_ptr<VerifyPool::Ticket>& ticket) {
  const consensus::Block& block = signed_block.block;
  if (absl::Status healthy = CheckStorageHealthy(); !healthy.ok()) return healthy;
  if (invalid_blocks_.Contains(root) || invalid_blocks_.Contains(block.parent_root)) {
    const absl::Status why = absl::InvalidArgumentError(
        absl::StrCat("block ", ssz::ToHex(root), " is (or descends from) a block already found invalid"));
    MarkInvalid(root, why);
    return why;
  }

  // Fork-choice checks, under the shared lock.
  Slot finalized_slot = 0;
  uint64_t current_slot = 0;
  absl::StatusOr<forkchoice::Store::BlockPrecheck> pre = absl::InternalError("unset");
  {
    TieredReaderLock lock(&fc_mu_, kSiteFcRead);
    finalized_slot = store_->latest_finalized().slot;
    current_slot = store_->time() / consensus::kIntervalsPerSlot;
    pre = store_->PrecheckBlock(signed_block, root);
  }
  if (pre.ok() && pre->already_known) return absl::OkStatus();
  if (block.slot <= finalized_slot) {
    return absl::FailedPreconditionError(
        absl::StrCat("block at slot ", block.slot, " is not after the finalized slot ", finalized_slot));
  }
  if (block.slot > current_slot + config_.max_future_slots) {
    m_.blocks_too_far_ahead->Increment();
    return absl::OutOfRangeError(absl::StrCat("block at slot ", block.slot, " is more than ", config_.max_future_slots,
                                              " slots ahead of the clock (slot ", current_slot, ")"));
  }
  if (!pre.ok()) {
    if (IsRejection(pre.status(), RejectionReason::kUNKNOWN_PARENT_BLOCK)) {
      // Wait for the parent in the block cache; the host fetches it.
      if (absl::Status cached = block_cache_.Insert(root, signed_block, std::nullopt); cached.ok()) {
        if (observer_ != nullptr) observer_->OnMissingParent(block.parent_root, root);
      }
      return pre.status();
    }
    MarkInvalid(root, pre.status());
    return pre.status();
  }
  if (block.slot > current_slot) {
    // From the future: keep until its slot comes (processPendingBlocks).
    AddPendingBlock(signed_block, root);
    return absl::UnavailableError(absl::StrCat("block at slot ", block.slot, " waits for its slot (now ", current_slot, ")"));
  }

  // Pre-state: borrowed under the states lock, copied, released before the heavy part.
  BorrowedState parent = GetState(block.parent_root);
  if (!parent) {
    return consensus::Reject(RejectionReason::kUNKNOWN_PARENT_BLOCK, "the parent state was pruned");
  }
  absl::StatusOr<consensus::State> pre_state = parent.CloneAndRelease();
  if (!pre_state.ok()) return pre_state.status();

  const auto stf_start = std::chrono::steady_clock::now();
  // The signatures: the pool's answer when it checked them under this registry.
  const std::optional<absl::Status> checked = JobAnswerFor(ticket, *pre_state);
  absl::StatusOr<consensus::State> post =
      !checked.has_value()
          ? forkchoice::Store::VerifyAndTransition(signed_block, *pre_state, crypto_, config_.block_proof_check)
      : checked->ok() ? consensus::StateTransition(*pre_state, signed_block.block)
                      : absl::StatusOr<consensus::State>(*checked);
  m_.stf_seconds->Observe(SecondsSince(stf_start));
  if (!post.ok()) {
    // Invalid for good, unless the failure was ours (e.g. a host verifier error).
    if (consensus::GetRejectionReason(post.status()).has_value()) MarkInvalid(root, post.status());
    return post.status();
  }

  // Stored before fork choice sees it: whatever fork choice finalizes can be replayed.
  if (absl::Status stored = Persist(signed_block, root, ssz::Encode(signed_block), &*post); !stored.ok()) {
    StorageFailed(stored);
    return stored;
  }

  // The Store records the block and its state together (the state's only owner), so
  // no prune can come between them.
  const auto import_start = std::chrono::steady_clock::now();
  absl::Status imported;
  Checkpoint old_head;
  ChainHeadInfo info;
  std::optional<uint64_t> reorg_depth;  // set when the import counts as a reorg
  {
    TieredWriterLock lock(&fc_mu_, kSiteFcImport);
    old_head = Checkpoint{store_->head(), store_->head_slot()};
    imported = store_->ImportVerifiedBlock(signed_block, root, std::make_shared<const consensus::State>(std::move(*post)));
    info = HeadInfoLocked();
    // A reorg: the head moved elsewhere than to the new block, or to the new block on
    // a branch other than the old head's.
    const bool reorg = (info.head.root != old_head.root && info.head.root != root) ||
                       (info.head.root == root && block.parent_root != old_head.root);
    if (imported.ok() && reorg) reorg_depth = ReorgDepthLocked(old_head.root, info.head.root);
  }
  if (!imported.ok()) return imported;  // the parent was pruned between the check and the import
  m_.block_processing_seconds->Observe(SecondsSince(import_start));
  m_.blocks_imported->Increment();
  if (reorg_depth.has_value()) {
    m_.reorgs->Increment();
    m_.reorg_depth->Observe(static_cast<double>(*reorg_depth));
  }
  coverage_.RememberBlock(root, AggregateCoverage::FromBlock(block));
  AfterImport(root, block.slot);
  return absl::OkStatus();
}

void BeamChain::ImportCachedDescendants(const Root& root) {
  // Blocks that waited in the cache for this parent, depth first (a stack): a chain of
  // descendants imports in order without waiting behind its siblings' subtrees.
  std::vector<Root> ready = block_cache_.GetChildrenCopy(root);
  while (!ready.empty()) {
    const Root child = ready.back();
    ready.pop_back();
    std::optional<BlockAndSsz> cached = block_cache_.CloneBlockAndSsz(child);
    block_cache_.RemoveFetchedBlock(child);
    if (!cached) continue;
    if (ImportBlock(cached->block, child).ok()) {
      for (const Root& grandchild : block_cache_.GetChildrenCopy(child)) ready.push_back(grandchild);
    }
  }
}

void BeamChain::AfterImport(const Root& root, Slot slot) {
  root_to_slot_.Put(root, slot);
  const ChainHeadInfo info = HeadInfo();
  UpdateSlotGauges(info);
  bool new_head = false, new_justified = false, new_finalized = false;
  {
    TieredMutexLock lock(&events_mu_, kSiteEvents);
    if (info.head.root != last_emitted_head_) {
      last_emitted_head_ = info.head.root;
      new_head = true;
    }
    if (info.justified.slot > last_emitted_justified_.slot) {
      last_emitted_justified_ = info.justified;
      new_justified = true;
    }
    if (info.finalized.slot > last_emitted_finalized_.slot) {
      last_emitted_finalized_ = info.finalized;
      new_finalized = true;
    }
  }
  if (observer_ != nullptr) {
    observer_->OnBlockImported(root, slot);
    if (new_head) observer_->OnNewHead(info.head);
    if (new_justified) observer_->OnJustified(info.justified);
  }
  if (new_finalized) {
    m_.finalizations->Increment();
    FinalizationFollowup(info.finalized);
    if (observer_ != nullptr) observer_->OnFinalized(info.finalized);
  }
}

void BeamChain::FinalizationFollowup(const Checkpoint& finalized) {
  // The finalized state is kept for readers even after the map is pruned.
  RcState finalized_state = ShareState(finalized.root);
  if (finalized_state != nullptr) {
    TieredMutexLock lock(&events_mu_, kSiteFinalizedState);
    cached_finalized_state_ = finalized_state;
  }
  // Future-slot blocks at or below the finalized slot can never import.
  {
    TieredMutexLock lock(&pending_mu_, kSitePendingDrain);
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (it->block.block.slot <= finalized.slot) {
        pending_roots_.erase(it->root);
        it = pending_.erase(it);
        m_.pending_evicted_finalized->Increment();
      } else {
        ++it;
      }
    }
    m_.pending_blocks->Set(static_cast<double>(pending_.size()));
  }
  for (const Root& stale : block_cache_.CollectCachedBlocksAtOrBelowSlot(finalized.slot)) {
    block_cache_.RemoveChildrenOf(stale);
    block_cache_.RemoveFetchedBlock(stale);
  }
  absl::flat_hash_set<Root> kept;
  std::vector<std::pair<Slot, Root>> finalized_chain;  // leaves fork choice now
  std::vector<Root> dropped;                           // blocks and states pruned
  {
    TieredWriterLock lock(&fc_mu_, kSiteFcPrune);
    for (std::optional<Root> r = finalized.root; r.has_value() && store_->HasBlock(*r); r = store_->ParentRoot(*r)) {
      finalized_chain.emplace_back(*store_->BlockSlot(*r), *r);
    }
    if (config_.prune_on_finalization) dropped = store_->PruneFinalized();
    for (const Root& r : store_->BlockRoots()) kept.insert(r);
  }
  if (config_.db != nullptr) {
    // Before OnFinalized is announced: the finalized index, the pruning and, every
    // storage_anchor_interval_slots of finality, the restart anchor (a state write per
    // finalization would be one per block while finality keeps up).
    const std::vector<Root> live(kept.begin(), kept.end());
    std::optional<storage::ChainDb::AnchorSsz> anchor;
    ssz::ByteVec anchor_block_ssz, anchor_state_ssz;
    const Slot anchor_slot = stored_anchor_slot_.load(std::memory_order_relaxed);
    if (finalized_state != nullptr && finalized.slot >= anchor_slot + config_.storage_anchor_interval_slots) {
      std::optional<ssz::ByteVec> block_ssz = config_.db->GetBlock(finalized.root);
      absl::StatusOr<SignedBlock> block =
          block_ssz ? ssz::Decode<SignedBlock>(*block_ssz) : absl::StatusOr<SignedBlock>(absl::NotFoundError(""));
      if (block.ok()) {
        anchor_block_ssz = ssz::Encode(block->block);
        anchor_state_ssz = ssz::Encode(*finalized_state);
        anchor = storage::ChainDb::AnchorSsz{ssz::ByteView(anchor_block_ssz.data(), anchor_block_ssz.size()),
                                             ssz::ByteView(anchor_state_ssz.data(), anchor_state_ssz.size())};
      }
    }
    const absl::Status s = config_.db->Finalize(
        finalized, anchor, finalized_chain,
        config_.prune_on_finalization ? std::optional<absl::Span<const Root>>(live) : std::nullopt);
    if (!s.ok()) {
      StorageFailed(s);
    } else if (anchor.has_value()) {
      stored_anchor_slot_.store(finalized.slot, std::memory_order_relaxed);
    }
  } else {
    TieredMutexLock lock(&finalized_index_mu_, kSiteFinalizedIndexWrite);
    for (const auto& [slot, root] : finalized_chain) finalized_index_[slot] = root;
  }
  for (const Root& r : dropped) root_to_slot_.Remove(r);
}

std::vector<std::pair<Slot, Root>> BeamChain::CanonicalBlockRoots(Slot start, uint64_t count) const {
  const Slot end = count > std::numeric_limits<Slot>::max() - start ? std::numeric_limits<Slot>::max() : start + count;
  std::vector<std::pair<Slot, Root>> out;
  Slot lowest_in_tree = std::numeric_limits<Slot>::max();
  {
    TieredReaderLock lock(&fc_mu_, kSiteFcRead);
    for (std::optional<Root> r = store_->head(); r.has_value() && store_->HasBlock(*r); r = store_->ParentRoot(*r)) {
      const Slot slot = *store_->BlockSlot(*r);
      lowest_in_tree = slot;
      if (slot < start) break;
      if (slot < end) out.emplace_back(slot, *r);
    }
  }
  if (start < lowest_in_tree && config_.db != nullptr) {
    for (const auto& entry : config_.db->FinalizedRange(start, std::min(end, lowest_in_tree))) out.push_back(entry);
  } else if (start < lowest_in_tree) {
    TieredMutexLock lock(&finalized_index_mu_, kSiteFinalizedIndexRead);
    for (auto it = finalized_index_.lower_bound(start); it != finalized_index_.end() && it->first < end &&
                                                       it->first < lowest_in_tree;
         ++it) {
      out.emplace_back(it->first, it->second);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// ---------------------------------------------------------------------------------
// Pending (future-slot) blocks

void BeamChain::ProcessPendingBlocks() {
  // One at a time: take the first block whose slot has come, release the lock,
  // import it, then scan again (indices are never assumed stable across an unlock).
  uint64_t iterations = 0;
  while (true) {
    const uint64_t current_slot = CurrentSlot();
    std::optional<PendingBlock> next;
    {
      TieredMutexLock lock(&pending_mu_, kSitePendingDrain);
      for (auto it = pending_.begin(); it != pending_.end(); ++it) {
        if (it->block.block.slot <= current_slot) {
          next = std::move(*it);
          pending_roots_.erase(next->root);
          pending_.erase(it);
          break;
        }
      }
      m_.pending_blocks->Set(static_cast<double>(pending_.size()));
    }
    if (!next) break;
    ++iterations;
    const Root root = BlockRootOf(next->block, next->root, "chain.processPendingBlocks");
    if (ImportBlock(next->block, root).ok()) ImportCachedDescendants(root);
  }
  m_.pending_drain_iters->Observe(static_cast<double>(iterations));
}

// ---------------------------------------------------------------------------------
// Votes

absl::Status BeamChain::OnGossipAttestation(const SignedAttestation& attestation,
                                            const std::shared_ptr<VerifyPool::Ticket>& ticket) {
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<RcState> target_state = absl::InternalError("unset");
  {
    TieredReaderLock lock(&fc_mu_, kSiteFcRead);
    const ValidatorIndex who[] = {attestation.validator_index};
    target_state = store_->PrecheckAttestation(attestation.data, who);
  }
  absl::Status s = target_state.status();
  if (s.ok()) {
    const consensus::State& target = **target_state;
    const ValidatorIndex v = attestation.validator_index;
    // The pool's answer stands for the XMSS check when it verified under this key.
    if (ticket != nullptr && v < target.validators.size() &&
        target.validators[v].attestation_public_key == VerifyPool::KeyOf(*ticket)) {
      s = forkchoice::Store::AttestationSignatureVerdict(crypto_, target, attestation,
                                                         [&] { return verify_pool_->Result(*ticket); });
    } else {
      s = forkchoice::Store::VerifyAttestationSignature(crypto_, target, attestation);
    }
  }
  if (s.ok() && IsAggregator()) {
    TieredWriterLock lock(&fc_mu_, kSiteFcVote);
    s = store_->AddGossipSignature(attestation);
  }
  // Timed on success only, as leanSpec's observe_on_attestation does.
  if (s.ok()) m_.attestation_validation_seconds->Observe(SecondsSince(start));
  (s.ok() ? m_.attestations_valid : m_.attestations_invalid)->Increment();
  return s;
}

absl::Status BeamChain::OnGossipAggregate(const SignedAggregatedAttestation& aggregate,
                                          const std::shared_ptr<VerifyPool::Ticket>& ticket) {
  absl::StatusOr<RcState> target_state = absl::InternalError("unset");
  {
    TieredReaderLock lock(&fc_mu_, kSiteFcRead);
    target_state = store_->PrecheckAggregate(aggregate);
  }
  absl::Status s = target_state.status();
  if (s.ok()) {
    const std::optional<absl::Status> checked = JobAnswerFor(ticket, **target_state);
    s = checked.has_value() ? *checked : forkchoice::Store::VerifyAggregateProof(crypto_, **target_state, aggregate);
  }
  if (s.ok()) {
    TieredWriterLock lock(&fc_mu_, kSiteFcVote);
    s = store_->AddGossipAggregate(aggregate);
  }
  (s.ok() ? m_.aggregates_valid : m_.aggregates_invalid)->Increment();
  return s;
}

// ---------------------------------------------------------------------------------
// Time

absl::Status BeamChain::OnTick(uint64_t target) {
  // The first interval-1 boundary this call crosses, where the coverage report of the
  // previous slot's round is taken (once per call: a long catch-up has no new votes
  // or blocks to report after the first).
  std::optional<uint64_t> report_at;
  while (true) {
    uint64_t time = 0;
    bool aggregation_input = false;
    uint64_t validators = 0;
    {
      TieredReaderLock lock(&fc_mu_, kSiteFcRead);
      time = store_->time();
      aggregation_input = store_->HasAggregationInput();
      validators = store_->StateOf(store_->head())->validators.size();
    }
    if (time >= target) break;
    // has_proposal: one of our validators proposes in the target interval's slot.
    bool has_proposal = false;
    if (target % consensus::kIntervalsPerSlot == 0 && validators > 0) {
      const Slot slot = target / consensus::kIntervalsPerSlot;
      for (ValidatorIndex v : config_.local_validators) has_proposal |= (slot % validators == v);
    }
    // The first interval at or after time + 1 that is `phase` within its slot.
    auto next_at_phase = [&](uint64_t phase) {
      uint64_t i = time + 1;
      while (i % consensus::kIntervalsPerSlot != phase) ++i;
      return i;
    };
    if (!report_at.has_value()) report_at = next_at_phase(1);
    // Step to just past the next interval-2 boundary that needs aggregation, if any;
    // the aggregation itself runs without the fork-choice lock (plan, prove, commit).
    // Also stop at this call's report boundary.
    uint64_t stop = target;
    const uint64_t next2 = next_at_phase(2);
    const bool aggregate_here = IsAggregator() && aggregation_input && next2 <= target;
    if (aggregate_here) stop = next2;
    const bool report_here = *report_at > time && *report_at <= stop && *report_at >= consensus::kIntervalsPerSlot;
    if (report_here) stop = *report_at;
    const bool proposal_tick = has_proposal && stop == target;
    {
      TieredWriterLock lock(&fc_mu_, kSiteFcTick);
      // Pending proofs are promoted at interval 4 and on a proposal tick; within one
      // store tick nothing else changes them, so this is what the promotion sees.
      if (next_at_phase(4) <= stop || proposal_tick) {
        coverage_.BeforePromotion(AggregateCoverage::FromPool(store_->new_payloads()));
      }
      (void)store_->OnTick(stop, proposal_tick, /*is_aggregator=*/false);
      const Slot slot_now = stop / consensus::kIntervalsPerSlot;
      if (config_.attestation_retention_slots > 0 && slot_now > time / consensus::kIntervalsPerSlot) {
        const size_t pruned = store_->PruneAttestationPools(slot_now, config_.attestation_retention_slots);
        if (pruned > 0) m_.pool_entries_pruned->Increment(pruned);
      }
      m_.pool_known_entries->Set(static_cast<double>(store_->known_payloads().size()));
      m_.pool_new_entries->Set(static_cast<double>(store_->new_payloads().size()));
      m_.pool_signature_entries->Set(static_cast<double>(store_->attestation_signatures().size()));
    }
    if (report_here) {
      Root head;
      AggregateCoverage::Votes pending;
      size_t validator_count = 0;
      {
        TieredReaderLock lock(&fc_mu_, kSiteFcRead);
        head = store_->head();
        pending = AggregateCoverage::FromPool(store_->new_payloads());
        validator_count = store_->StateOf(head)->validators.size();
      }
      coverage_.ReportRound(stop / consensus::kIntervalsPerSlot - 1, head, pending, validator_count);
    }
    if (aggregate_here && stop == next2) {
      forkchoice::Store::AggregationPlan plan;
      {
        TieredReaderLock lock(&fc_mu_, kSiteFcRead);
        coverage_.OnAggregationStart(AggregateCoverage::FromPool(store_->new_payloads()), validators);
        plan = store_->PlanAggregation();
      }
      absl::StatusOr<std::vector<SignedAggregatedAttestation>> made =
          forkchoice::Store::ExecuteAggregation(plan, crypto_);
      if (made.ok()) {
        {
          TieredWriterLock lock(&fc_mu_, kSiteFcTick);
          store_->CommitAggregation(*made);
        }
        if (observer_ != nullptr && !made->empty()) observer_->OnAggregates(*made);
      }
    }
    if (stop == target) break;
  }
  const ChainHeadInfo info = HeadInfo();
  UpdateSlotGauges(info);
  {
    bool new_head = false;
    {
      TieredMutexLock lock(&events_mu_, kSiteEvents);
      if (info.head.root != last_emitted_head_) {
        last_emitted_head_ = info.head.root;
        new_head = true;
      }
    }
    if (new_head && observer_ != nullptr) observer_->OnNewHead(info.head);
  }
  ProcessPendingBlocks();
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------
// Duties

absl::StatusOr<forkchoice::ProducedBlock> BeamChain::ProduceBlock(Slot slot, ValidatorIndex proposer) {
  if (absl::Status healthy = CheckStorageHealthy(); !healthy.ok()) return healthy;
  absl::StatusOr<forkchoice::Store::ProductionSnapshot> snapshot = absl::InternalError("unset");
  {
    TieredWriterLock lock(&fc_mu_, kSiteFcProduce);
    // Preparing promotes the pending proofs (the coverage report's timely snapshot).
    AggregateCoverage::Votes pending = AggregateCoverage::FromPool(store_->new_payloads());
    snapshot = store_->PrepareProduction(slot, proposer);
    if (snapshot.ok()) coverage_.BeforePromotion(std::move(pending));
  }
  if (!snapshot.ok()) return snapshot.status();
  absl::StatusOr<forkchoice::ProducedBlock> produced = forkchoice::Store::BuildProduction(*snapshot, crypto_);
  if (!produced.ok()) return produced.status();
  {
    TieredWriterLock lock(&fc_mu_, kSiteFcProduce);
    store_->ImportProducedBlock(*produced);
  }
  coverage_.OnProposal(produced->block, *snapshot->candidates, snapshot->parent_state->validators.size());
  coverage_.RememberBlock(produced->block_root, AggregateCoverage::FromBlock(produced->block));
  AfterImport(produced->block_root, slot);
  return produced;
}

absl::StatusOr<AttestationData> BeamChain::ProduceAttestationData(Slot slot) {
  TieredWriterLock lock(&fc_mu_, kSiteFcProduce);
  store_->UpdateHead();
  AttestationData data = store_->ProduceAttestationData(slot, forkchoice::Store::TargetFinality::kHeadState);
  // The spec asserts source <= target here. It can fail on a valid chain: a safe target
  // that lags (votes seen only in blocks) bounds the target walk below the justified
  // checkpoint the head's block just set. Such a vote would be invalid everywhere, so
  // there is none this slot; the next update of the safe target ends it.
  if (data.source.slot > data.target.slot) {
    return absl::FailedPreconditionError(
        absl::StrCat("no vote at slot ", slot, ": the head's justified checkpoint (slot ", data.source.slot,
                     ") is newer than the attestation target (slot ", data.target.slot, "); the safe target lags"));
  }
  return data;
}

// ---------------------------------------------------------------------------------
// Reads

ChainHeadInfo BeamChain::HeadInfo() const {
  TieredReaderLock lock(&fc_mu_, kSiteFcRead);
  return HeadInfoLocked();
}

ChainHeadInfo BeamChain::HeadInfoLocked() const {
  // The Store keeps its safe target in the tree (pruning moves it to the finalized
  // block); the finalized slot is the floor should that ever not hold.
  const std::optional<Slot> safe_slot = store_->BlockSlot(store_->safe_target());
  return ChainHeadInfo{store_->time(), Checkpoint{store_->head(), store_->head_slot()},
                       Checkpoint{store_->safe_target(), safe_slot.value_or(store_->latest_finalized().slot)},
                       store_->latest_justified(), store_->latest_finalized()};
}

uint64_t BeamChain::ReorgDepthLocked(const Root& old_head, const Root& new_head) const {
  const forkchoice::ProtoArray& proto = store_->proto_array();
  const std::optional<forkchoice::ProtoArray::Index> from = proto.IndexOf(old_head);
  const std::optional<forkchoice::ProtoArray::Index> to = proto.IndexOf(new_head);
  if (!from || !to) return 0;
  // |ancestors(old) \ ancestors(new)|: climb from the old head to the common ancestor.
  uint64_t depth = 0;
  for (forkchoice::ProtoArray::Index i = *from; i != forkchoice::ProtoArray::kNone && !proto.IsAncestorOrSelf(i, *to);
       i = proto.parent(i)) {
    ++depth;
  }
  return depth;
}

ForkChoiceTree BeamChain::GetForkChoiceTree() const {
  TieredReaderLock lock(&fc_mu_, kSiteFcTree);
  const forkchoice::Store& store = *store_;
  const forkchoice::ProtoArray& proto = store.proto_array();
  const absl::flat_hash_map<Root, int64_t> weights = store.BlockWeights();
  ForkChoiceTree tree;
  tree.head = store.head();
  tree.justified = store.latest_justified();
  tree.finalized = store.latest_finalized();
  tree.safe_target = store.safe_target();
  // The proto-array holds blocks in import order, as the spec's blocks dict does.
  for (forkchoice::ProtoArray::Index i = 0; i < static_cast<forkchoice::ProtoArray::Index>(proto.size()); ++i) {
    if (proto.slot(i) < tree.finalized.slot) continue;
    ForkChoiceNode node;
    node.root = proto.root(i);
    node.slot = proto.slot(i);
    node.parent_root = proto.parent_root(i);
    // A block's post-state carries its header (the anchor's state is the anchor's).
    if (RcState state = store.StateOf(node.root)) node.proposer_index = state->latest_block_header.proposer_index;
    if (auto w = weights.find(node.root); w != weights.end()) node.weight = w->second;
    tree.nodes.push_back(node);
  }
  if (RcState head_state = store.StateOf(tree.head)) tree.validator_count = head_state->validators.size();
  return tree;
}

void BeamChain::UpdateSlotGauges(const ChainHeadInfo& info) {
  m_.head_slot->Set(static_cast<double>(info.head.slot));
  m_.justified_slot->Set(static_cast<double>(info.justified.slot));
  m_.finalized_slot->Set(static_cast<double>(info.finalized.slot));
  m_.current_slot->Set(static_cast<double>(info.time / consensus::kIntervalsPerSlot));
  m_.safe_target_slot->Set(static_cast<double>(info.safe_target.slot));
}

wire::Status BeamChain::GetStatus() const {
  const ChainHeadInfo info = HeadInfo();
  return wire::Status{info.finalized, info.head};
}

SyncStatus BeamChain::GetSyncStatus() const {
  const ChainHeadInfo info = HeadInfo();
  SyncStatus out;
  out.head_slot = info.head.slot;
  out.current_slot = info.time / consensus::kIntervalsPerSlot;
  out.peers = peers_.Count();  // lock-free
  peers_.IterateLocked([&](const PeerInfo& peer) {
    if (peer.latest_status) out.best_peer_head_slot = std::max(out.best_peer_head_slot, peer.latest_status->head.slot);
  });
  out.synced = out.head_slot + 1 >= out.current_slot && out.head_slot + 1 >= out.best_peer_head_slot;
  return out;
}

bool BeamChain::HasBlock(const Root& root) const {
  TieredReaderLock lock(&fc_mu_, kSiteFcRead);
  return store_->HasBlock(root);
}

void BeamChain::HasBlocksBatch(absl::Span<const Root> roots, absl::Span<bool> out) const {
  TieredReaderLock lock(&fc_mu_, kSiteFcRead);
  for (size_t i = 0; i < roots.size() && i < out.size(); ++i) out[i] = store_->HasBlock(roots[i]);
}

BorrowedState BeamChain::GetState(const Root& root) const ABSL_NO_THREAD_SAFETY_ANALYSIS {
  LockTimer timer;
  RcState state = states_->LockSharedAndFind(root, &timer);
  if (state == nullptr) return BorrowedState();
  // The borrow owns the reader lock from here; its hold time ends at its release.
  return BorrowedState::AdoptStatesShared(states_->mutex(), std::move(state), timer);
}

BorrowedState BeamChain::GetFinalizedState() const ABSL_NO_THREAD_SAFETY_ANALYSIS {
  const Root finalized = Finalized().root;
  if (BorrowedState in_map = GetState(finalized)) return in_map;
  LockTimer timer(events_mu_.stats(), &kSiteFinalizedState);
  events_mu_.Lock();
  timer.Acquired();
  if (cached_finalized_state_ == nullptr) {
    events_mu_.Unlock();
    timer.Released();
    return BorrowedState();
  }
  return BorrowedState::AdoptEventsMutex(&events_mu_, cached_finalized_state_, timer);
}

RcState BeamChain::ShareState(const Root& root) const { return states_->Get(root); }

std::optional<Slot> BeamChain::SlotOf(const Root& root) const { return root_to_slot_.Get(root); }

size_t BeamChain::pending_block_count() const {
  TieredMutexLock lock(&pending_mu_, kSitePendingDrain);
  return pending_.size();
}

size_t BeamChain::state_count() const { return states_->size(); }

// ---------------------------------------------------------------------------------
// Fetch dedup

std::vector<Root> BeamChain::SelectRootsToFetch(absl::Span<const Root> roots) {
  std::vector<char> known(roots.size(), 0);
  {
    TieredReaderLock lock(&fc_mu_, kSiteFcRead);  // one acquisition for the batch
    for (size_t i = 0; i < roots.size(); ++i) known[i] = store_->HasBlock(roots[i]) ? 1 : 0;
  }
  std::vector<Root> to_fetch;
  uint64_t counts[7] = {};
  for (size_t i = 0; i < roots.size(); ++i) {
    if (known[i]) {
      ++counts[static_cast<int>(FetchOutcome::kAlreadyInForkChoice)];
    } else if (block_cache_.Contains(roots[i])) {
      ++counts[static_cast<int>(FetchOutcome::kAlreadyInBlockCache)];
    } else if (pending_block_roots_.Contains(roots[i])) {
      ++counts[static_cast<int>(FetchOutcome::kAlreadyPending)];
    } else if (!pending_block_roots_.Put(roots[i], 0)) {
      // Another thread marked it between our check and our put (benign: one fetch).
      ++counts[static_cast<int>(FetchOutcome::kDedupLostRace)];
    } else {
      to_fetch.push_back(roots[i]);
    }
  }
  for (int i = 0; i < 7; ++i) {
    if (counts[i] != 0) m_.fetch_outcomes[i]->Increment(counts[i]);
  }
  return to_fetch;
}

void BeamChain::ReportFetch(absl::Span<const Root> roots, FetchOutcome outcome) {
  m_.fetch_outcomes[static_cast<int>(outcome)]->Increment(roots.size());
  // A failed dispatch may be retried; a dispatched one stays pending until its
  // response (or timeout) clears it.
  if (outcome != FetchOutcome::kFetched) {
    for (const Root& r : roots) pending_block_roots_.Remove(r);
  }
}

}  // namespace beam::chain
