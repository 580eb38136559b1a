// beam_node_* (lifecycle, ingress, duties, reads) and beam_state_borrow_*: a BeamChain
// behind an opaque handle. Peers and req/resp are in reqresp.cc.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "capi_internal.h"
#include "chain/beam_chain.h"
#include "node_internal.h"
#include "consensus/rejection.h"
#include "crypto/aggregate_prover.h"
#include "crypto/verifier.h"
#include "crypto/xmss/config.h"
#include "forkchoice/vote_tracker.h"
#include "ssz/codec.h"
#include "ssz/container.h"
#include "wire/messages.h"

struct beam_state_borrow {
  beam::chain::RcState state;
};

namespace beam::capi {

inline void ToC(const consensus::Checkpoint& c, beam_checkpoint* out) {
  std::memcpy(out->root, c.root.data(), 32);
  out->slot = c.slot;
}

namespace {

// Forwards chain events to the host: aggregates to publish, parents to fetch, the
// peers of invalid gossip blocks to report, and log lines.
class NodeObserver final : public chain::ChainObserver {
 public:
  explicit NodeObserver(beam_node* node) : node_(node) {}
  void OnAggregates(const std::vector<consensus::SignedAggregatedAttestation>& aggregates) override {
    const beam_network_vtable& net = node_->network;
    if (net.publish_gossip == nullptr) return;
    for (const auto& a : aggregates) {
      const ssz::ByteVec bytes = ssz::Encode(a);
      net.publish_gossip(BEAM_TOPIC_AGGREGATE, bytes.data(), bytes.size(), net.user_data);
    }
  }
  void OnMissingParent(const ssz::Root& parent_root, const ssz::Root& child_root) override {
    FetchBlocks(node_, {parent_root}, node_->block_sources.Get(child_root));
  }
  void OnBlockImported(const ssz::Root& root, uint64_t slot) override {
    node_->block_sources.Remove(root);
    if (node_->LogEnabled(BEAM_LOG_DEBUG)) {
      node_->Log(BEAM_LOG_DEBUG, absl::StrCat("imported block ", ssz::ToHex(root), " at slot ", slot));
    }
  }
  void OnBlockRejected(const ssz::Root& root, const absl::Status& why) override {
    std::optional<std::string> peer = node_->block_sources.FetchRemove(root);
    node_->Log(BEAM_LOG_WARN, absl::StrCat("rejected block ", ssz::ToHex(root), ": ", why.message()));
    // Late blocks (at or below the finalized slot) are not the sender's fault.
    if (peer && !absl::IsFailedPrecondition(why)) {
      node_->ReportPeer(*peer, BEAM_PEER_LOW_TOLERANCE, absl::StrCat("invalid block: ", why.message()));
    }
  }
  void OnJustified(const consensus::Checkpoint& c) override {
    node_->Log(BEAM_LOG_INFO, absl::StrCat("justified slot ", c.slot, " root ", ssz::ToHex(c.root)));
  }
  void OnFinalized(const consensus::Checkpoint& c) override {
    node_->Log(BEAM_LOG_INFO, absl::StrCat("finalized slot ", c.slot, " root ", ssz::ToHex(c.root)));
  }

 private:
  beam_node* const node_;
};

}  // namespace

HostClockDriver::HostClockDriver(const beam_clock_vtable& clock, uint64_t genesis_time_s,
                                 std::function<void(uint64_t)> tick)
    : clock_(clock), genesis_ms_(genesis_time_s * 1000), tick_(std::move(tick)), thread_([this] { Run(); }) {}

HostClockDriver::~HostClockDriver() {
  {
    MutexLock lock(&mu_);
    stop_ = true;
  }
  cv_.SignalAll();
  thread_.join();
}

void HostClockDriver::Run() {
  uint64_t last = 0;
  bool ticked = false;
  MutexLock lock(&mu_);
  while (!stop_) {
    const uint64_t now = clock_.now_ms(clock_.user_data);
    const uint64_t since = now > genesis_ms_ ? now - genesis_ms_ : 0;
    const uint64_t interval = since / consensus::kMillisecondsPerInterval;
    if (!ticked || interval > last) {
      mu_.Unlock();  // never call into the node holding our lock (destroy waits on it)
      tick_(interval);
      mu_.Lock();
      last = interval;
      ticked = true;
    }
    const uint64_t until_next = consensus::kMillisecondsPerInterval - since % consensus::kMillisecondsPerInterval;
    cv_.WaitFor(&mu_, std::chrono::milliseconds(std::min<uint64_t>(until_next, 100)));
  }
}

}  // namespace beam::capi

namespace {

using namespace beam;
using capi::ToC;

beam_status Borrow(chain::RcState state, beam_state_borrow** out, const char* what) {
  if (state == nullptr) return capi::Fail(BEAM_ERR_NOT_FOUND, std::string("no state for the ") + what);
  *out = new beam_state_borrow{std::move(state)};
  return capi::Ok();
}

}  // namespace

extern "C" {

BEAM_EXPORT beam_status beam_node_create(const beam_node_config* config, beam_node** out) {
  return capi::Guard([&]() -> beam_status {
    if (out == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_create: out is NULL");
    *out = nullptr;
    if (!capi::StructSizeOk(config, offsetof(beam_node_config, network) + sizeof(config->network))) {
      return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_create: config is NULL or its struct_size is too small");
    }
    if (config->validator_count != 0 && config->validator_indices == nullptr) {
      return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_create: validator_indices is NULL");
    }
    if (capi::RawEnum(config->xmss_scheme) != BEAM_XMSS_TEST && capi::RawEnum(config->xmss_scheme) != BEAM_XMSS_PROD) {
      return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_create: unknown xmss_scheme");
    }
    if (capi::RawEnum(config->proof_mode) != BEAM_PROOFS_MOCKED && capi::RawEnum(config->proof_mode) != BEAM_PROOFS_HOST) {
      return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_create: unknown proof_mode");
    }
    absl::StatusOr<consensus::State> state =
        capi::DecodeArg<consensus::State>(config->anchor_state_ssz, config->anchor_state_len, "anchor state");
    if (!state.ok()) return capi::Fail(state.status());
    consensus::Block anchor_block;
    if (config->anchor_block_ssz != nullptr) {
      absl::StatusOr<consensus::Block> block =
          capi::DecodeArg<consensus::Block>(config->anchor_block_ssz, config->anchor_block_len, "anchor block");
      if (!block.ok()) return capi::Fail(block.status());
      anchor_block = std::move(*block);
    } else {
      // The block the state's latest header describes (the genesis block).
      const consensus::BlockHeader& h = state->latest_block_header;
      anchor_block.slot = h.slot;
      anchor_block.proposer_index = h.proposer_index;
      anchor_block.parent_root = h.parent_root;
      anchor_block.state_root = ssz::HashTreeRoot(*state);
    }
    if (config->network != nullptr &&
        !capi::StructSizeOk(config->network, offsetof(beam_network_vtable, user_data) + sizeof(void*))) {
      return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_create: network vtable struct_size is too small");
    }
    // Fields after `network` exist only when the host's struct_size covers them.
    auto has = [&](size_t offset, size_t size) { return config->struct_size >= offset + size; };
    const beam_clock_vtable* clock = has(offsetof(beam_node_config, clock), sizeof(void*)) ? config->clock : nullptr;
    const beam_crypto_vtable* host_crypto =
        has(offsetof(beam_node_config, crypto), sizeof(void*)) ? config->crypto : nullptr;
    const beam_log_sink* log = has(offsetof(beam_node_config, log), sizeof(void*)) ? config->log : nullptr;
    const uint32_t timeout_ms =
        has(offsetof(beam_node_config, request_timeout_ms), sizeof(uint32_t)) ? config->request_timeout_ms : 0;
    const uint32_t range_batch =
        has(offsetof(beam_node_config, range_sync_batch), sizeof(uint32_t)) ? config->range_sync_batch : 0;
    const char* data_dir = has(offsetof(beam_node_config, data_dir), sizeof(void*)) ? config->data_dir : nullptr;
    if (clock != nullptr && (!capi::StructSizeOk(clock, offsetof(beam_clock_vtable, user_data) + sizeof(void*)) ||
                             clock->now_ms == nullptr)) {
      return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_create: clock vtable is too small or has no now_ms");
    }
    if (log != nullptr && !capi::StructSizeOk(log, offsetof(beam_log_sink, user_data) + sizeof(void*))) {
      return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_create: log sink struct_size is too small");
    }
    const bool host_proofs = capi::RawEnum(config->proof_mode) == BEAM_PROOFS_HOST;
    if (host_proofs && (host_crypto == nullptr ||
                        !capi::StructSizeOk(host_crypto, offsetof(beam_crypto_vtable, user_data) + sizeof(void*)))) {
      return capi::Fail(BEAM_ERR_INVALID_ARGUMENT,
                        "beam_node_create: BEAM_PROOFS_HOST needs a crypto vtable (with a full struct_size)");
    }
    if (range_batch > wire::kMaxRequestBlocks) {
      return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_create: range_sync_batch is above 1024");
    }

    auto node = std::make_unique<beam_node>();
    if (config->network != nullptr) {
      // Versioned: copy what the host's struct has; later fields stay NULL.
      std::memcpy(&node->network, config->network, std::min(config->network->struct_size, sizeof(beam_network_vtable)));
    }
    if (log != nullptr) std::memcpy(&node->log, log, std::min(log->struct_size, sizeof(beam_log_sink)));
    const uint64_t timeout = timeout_ms != 0 ? timeout_ms : 10000;
    node->request_timeout_intervals =
        (timeout + consensus::kMillisecondsPerInterval - 1) / consensus::kMillisecondsPerInterval;
    if (range_batch != 0) node->range_sync_batch = range_batch;
    node->signature_verifier = std::make_unique<crypto::XmssSignatureVerifier>(
        capi::RawEnum(config->xmss_scheme) == BEAM_XMSS_PROD ? crypto::xmss::kProdConfig : crypto::xmss::kTestConfig);
    const crypto::AggregateProofVerifier* aggregate_verifier = &node->mocked_verifier;
    node->prover = &node->mocked_prover;
    if (host_proofs) {
      node->host_crypto = std::make_unique<capi::HostCrypto>(*host_crypto);
      aggregate_verifier = &node->host_crypto->verifier();
      node->prover = node->host_crypto.get();
    }
    node->observer = std::make_unique<capi::NodeObserver>(node.get());
    chain::ChainConfig chain_config;
    chain_config.chain_worker = config->chain_worker != 0;
    chain_config.is_aggregator = config->is_aggregator != 0;
    chain_config.local_validators.assign(config->validator_indices,
                                         config->validator_indices + config->validator_count);
    node->inline_mode = !chain_config.chain_worker;
    if (data_dir != nullptr) {
      absl::StatusOr<std::unique_ptr<storage::ChainDb>> db = storage::ChainDb::Open(data_dir);
      if (!db.ok()) return capi::Fail(db.status());
      node->db = std::move(*db);
      chain_config.db = node->db.get();
    }
    const uint64_t genesis_time = state->config.genesis_time;
    absl::StatusOr<std::unique_ptr<chain::BeamChain>> chain = chain::BeamChain::Create(
        std::move(*state), anchor_block, chain_config,
        chain::ChainCrypto{node->signature_verifier.get(), aggregate_verifier, node->prover}, &node->registry,
        node->observer.get());
    if (!chain.ok()) return capi::Fail(chain.status());
    node->chain = std::move(*chain);
    // leanMetrics node info: who this is (always 1) and when it started (Unix seconds).
    node->registry.GetGauge("lean_node_info", "Node information (always 1).",
                            {{"name", "libbeamcore"}, {"version", beam_version_string()}})
        ->Set(1);
    node->registry.GetGauge("lean_node_start_time_seconds", "Start timestamp.")
        ->Set(std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
    if (clock != nullptr) {
      beam_clock_vtable copy{};
      std::memcpy(&copy, clock, std::min(clock->struct_size, sizeof copy));
      beam_node* raw = node.get();
      node->clock_driver = std::make_unique<capi::HostClockDriver>(copy, genesis_time, [raw](uint64_t interval) {
        if (raw->inline_mode) {
          (void)raw->chain->OnTick(interval);
        } else {
          raw->chain->SubmitTick(interval);
        }
        capi::OnNodeTime(raw, interval);
      });
    }
    node->Log(BEAM_LOG_INFO, absl::StrCat("node created: ", config->validator_count, " local validators, aggregator ",
                                          config->is_aggregator != 0 ? "yes" : "no", ", proofs ",
                                          host_proofs ? "host" : "mocked"));
    *out = node.release();
    return capi::Ok();
  });
}

BEAM_EXPORT void beam_node_destroy(beam_node* node) {
  if (node == nullptr) return;
  try {
    delete node;
  } catch (...) {
    // A destructor does not throw; nothing may unwind into C anyway.
  }
}

BEAM_EXPORT beam_status beam_node_tick(beam_node* node, uint64_t interval) {
  return capi::Guard([&]() -> beam_status {
    if (beam_status s = capi::NodeArg(node, "beam_node_tick"); s != BEAM_OK) return s;
    if (node->inline_mode) {
      absl::Status s = node->chain->OnTick(interval);
      capi::OnNodeTime(node, interval);
      return capi::Fail(s);
    }
    node->chain->SubmitTick(interval);
    capi::OnNodeTime(node, interval);
    return capi::Ok();
  });
}

BEAM_EXPORT beam_status beam_node_on_gossip(beam_node* node, beam_topic_kind kind, const uint8_t* ssz, size_t len,
                                            const char* peer_id) {
  return capi::Guard([&]() -> beam_status {
    if (beam_status s = capi::NodeArg(node, "beam_node_on_gossip"); s != BEAM_OK) return s;
    chain::BeamChain& chain = *node->chain;
    auto undecodable = [&](const absl::Status& why) {
      if (peer_id != nullptr) {
        node->ReportPeer(peer_id, BEAM_PEER_LOW_TOLERANCE, absl::StrCat("undecodable gossip: ", why.message()));
      }
      return capi::Fail(why);
    };
    switch (capi::RawEnum(kind)) {
      case BEAM_TOPIC_BLOCK: {
        absl::StatusOr<consensus::SignedBlock> block = capi::DecodeArg<consensus::SignedBlock>(ssz, len, "gossip block");
        if (!block.ok()) return undecodable(block.status());
        const ssz::Root root = ssz::HashTreeRoot(block->block);  // once, at ingress
        // Remember the sender until the block's fate is known (bounded).
        if (peer_id != nullptr) capi::RememberBlockSource(node, root, peer_id);
        if (node->inline_mode) return capi::Fail(chain.OnBlock(*block, root));
        if (!chain.SubmitBlock(std::move(*block), root)) {
          return capi::Fail(BEAM_ERR_RESOURCE_EXHAUSTED, "the block queue is full; the block was dropped");
        }
        return capi::Ok();
      }
      case BEAM_TOPIC_ATTESTATION: {
        absl::StatusOr<consensus::SignedAttestation> a =
            capi::DecodeArg<consensus::SignedAttestation>(ssz, len, "gossip attestation");
        if (!a.ok()) return undecodable(a.status());
        if (node->inline_mode) return capi::Fail(chain.OnGossipAttestation(*a));
        chain.SubmitAttestation(std::move(*a));
        return capi::Ok();
      }
      case BEAM_TOPIC_AGGREGATE: {
        absl::StatusOr<consensus::SignedAggregatedAttestation> a =
            capi::DecodeArg<consensus::SignedAggregatedAttestation>(ssz, len, "gossip aggregate");
        if (!a.ok()) return undecodable(a.status());
        if (node->inline_mode) return capi::Fail(chain.OnGossipAggregate(*a));
        chain.SubmitAggregate(std::move(*a));
        return capi::Ok();
      }
    }
    return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_on_gossip: unknown topic kind " + std::to_string(capi::RawEnum(kind)));
  });
}

BEAM_EXPORT beam_status beam_node_wait_idle(beam_node* node) {
  return capi::Guard([&]() -> beam_status {
    if (beam_status s = capi::NodeArg(node, "beam_node_wait_idle"); s != BEAM_OK) return s;
    node->chain->WaitIdle();
    return capi::Ok();
  });
}

BEAM_EXPORT beam_status beam_node_produce_block(beam_node* node, uint64_t slot, uint64_t proposer,
                                                beam_buffer* signed_block_out) {
  return capi::Guard([&]() -> beam_status {
    if (signed_block_out != nullptr) *signed_block_out = beam_buffer{nullptr, 0};
    if (beam_status s = capi::NodeArg(node, "beam_node_produce_block"); s != BEAM_OK) return s;
    if (signed_block_out == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_produce_block: out is NULL");
    absl::StatusOr<forkchoice::ProducedBlock> produced = node->chain->ProduceBlock(slot, proposer);
    if (!produced.ok()) return capi::Fail(produced.status());
    // The block proof: the attestation proofs (with their participants' attestation
    // keys) merged with the proposer's part over the block root (with the proposer's
    // proposal key; its XMSS signature is the host's to fold in, mocked mode needs none).
    const consensus::State& state = *produced->post_state;
    auto key_of = [&](const ssz::Bytes52& bytes) -> absl::StatusOr<crypto::xmss::PublicKey> {
      return ssz::Decode<crypto::xmss::PublicKey>(ssz::ByteView(bytes.data(), bytes.size()));
    };
    std::vector<crypto::ChildProof> components;
    for (const auto& p : produced->attestation_proofs) {
      crypto::ChildProof child{ssz::ByteView(p.proof.bytes.data(), p.proof.bytes.size()), {}};
      for (consensus::ValidatorIndex v : forkchoice::ParticipantIndices(p.participants)) {
        if (v >= state.validators.size()) return capi::Fail(BEAM_ERR_INTERNAL, "a proof names an unknown validator");
        absl::StatusOr<crypto::xmss::PublicKey> key = key_of(state.validators[v].attestation_public_key);
        if (!key.ok()) return capi::Fail(BEAM_ERR_INTERNAL, "undecodable attestation key in the state");
        child.public_keys.push_back(*key);
      }
      components.push_back(std::move(child));
    }
    crypto::ChildProof proposer_part{ssz::ByteView(produced->block_root.data(), 32), {}};
    if (absl::StatusOr<crypto::xmss::PublicKey> key = key_of(state.validators[proposer].proposal_public_key); key.ok()) {
      proposer_part.public_keys.push_back(*key);
    }
    components.push_back(std::move(proposer_part));
    absl::StatusOr<ssz::ByteVec> proof = node->prover->MergeMultiMessage(components);
    if (!proof.ok()) return capi::Fail(proof.status());
    consensus::SignedBlock signed_block{produced->block, {}};
    signed_block.proof.proof.bytes = std::move(*proof);
    ssz::ByteVec bytes = ssz::Encode(signed_block);
    // Served to peers, and stored (with its post-state) when the node has storage.
    if (absl::Status s = node->chain->RecordProducedBlock(signed_block, produced->block_root, bytes); !s.ok()) {
      return capi::Fail(s);
    }
    return capi::ToBuffer(bytes, signed_block_out);
  });
}

BEAM_EXPORT beam_status beam_node_produce_attestation_data(beam_node* node, uint64_t slot, beam_buffer* out) {
  return capi::Guard([&]() -> beam_status {
    if (out != nullptr) *out = beam_buffer{nullptr, 0};
    if (beam_status s = capi::NodeArg(node, "beam_node_produce_attestation_data"); s != BEAM_OK) return s;
    absl::StatusOr<consensus::AttestationData> data = node->chain->ProduceAttestationData(slot);
    if (!data.ok()) return capi::Fail(data.status());
    return capi::ToBuffer(ssz::Encode(*data), out);
  });
}

#define BEAM_CHECKPOINT_GETTER(fn, expr)                                                      \
  BEAM_EXPORT beam_status fn(beam_node* node, beam_checkpoint* out) {                        \
    return capi::Guard([&]() -> beam_status {                                                 \
      if (beam_status s = capi::NodeArg(node, #fn); s != BEAM_OK) return s;                         \
      if (out == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, #fn ": out is NULL"); \
      const chain::ChainHeadInfo info = node->chain->HeadInfo();                              \
      ToC(expr, out);                                                                         \
      return capi::Ok();                                                                      \
    });                                                                                       \
  }
BEAM_CHECKPOINT_GETTER(beam_node_head, info.head)
BEAM_CHECKPOINT_GETTER(beam_node_justified, info.justified)
BEAM_CHECKPOINT_GETTER(beam_node_finalized, info.finalized)
#undef BEAM_CHECKPOINT_GETTER

BEAM_EXPORT beam_status beam_node_metrics_text(beam_node* node, beam_buffer* out) {
  return capi::Guard([&]() -> beam_status {
    if (beam_status s = capi::NodeArg(node, "beam_node_metrics_text"); s != BEAM_OK) return s;
    const std::string text = node->registry.RenderText();
    return capi::ToBuffer(ssz::ByteVec(text.begin(), text.end()), out);
  });
}

BEAM_EXPORT beam_status beam_state_borrow_head(beam_node* node, beam_state_borrow** out) {
  return capi::Guard([&]() -> beam_status {
    if (beam_status s = capi::NodeArg(node, "beam_state_borrow_head"); s != BEAM_OK) return s;
    if (out == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_state_borrow_head: out is NULL");
    *out = nullptr;
    return Borrow(node->chain->ShareState(node->chain->Head().root), out, "head");
  });
}

BEAM_EXPORT beam_status beam_state_borrow_finalized(beam_node* node, beam_state_borrow** out) {
  return capi::Guard([&]() -> beam_status {
    if (beam_status s = capi::NodeArg(node, "beam_state_borrow_finalized"); s != BEAM_OK) return s;
    if (out == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_state_borrow_finalized: out is NULL");
    *out = nullptr;
    chain::BorrowedState borrow = node->chain->GetFinalizedState();
    chain::RcState state = borrow.share();
    borrow.Release();  // the C borrow keeps only the reference: it never blocks the node
    return Borrow(std::move(state), out, "finalized checkpoint");
  });
}

BEAM_EXPORT beam_status beam_state_borrow_by_root(beam_node* node, const uint8_t root[32], beam_state_borrow** out) {
  return capi::Guard([&]() -> beam_status {
    if (beam_status s = capi::NodeArg(node, "beam_state_borrow_by_root"); s != BEAM_OK) return s;
    if (out == nullptr || root == nullptr) {
      return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_state_borrow_by_root: NULL argument");
    }
    *out = nullptr;
    return Borrow(node->chain->ShareState(ssz::Root::FromSpan(ssz::ByteView(root, 32))), out, "block root");
  });
}

#define BEAM_BORROW_CHECK(fn)                                                                      \
  if (borrow == nullptr || out == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, #fn ": NULL argument");

BEAM_EXPORT beam_status beam_state_borrow_slot(const beam_state_borrow* borrow, uint64_t* out) {
  BEAM_BORROW_CHECK(beam_state_borrow_slot)
  *out = borrow->state->slot;
  return capi::Ok();
}

BEAM_EXPORT beam_status beam_state_borrow_validator_count(const beam_state_borrow* borrow, uint64_t* out) {
  BEAM_BORROW_CHECK(beam_state_borrow_validator_count)
  *out = borrow->state->validators.size();
  return capi::Ok();
}

BEAM_EXPORT beam_status beam_state_borrow_latest_justified(const beam_state_borrow* borrow, beam_checkpoint* out) {
  BEAM_BORROW_CHECK(beam_state_borrow_latest_justified)
  ToC(borrow->state->latest_justified, out);
  return capi::Ok();
}

BEAM_EXPORT beam_status beam_state_borrow_latest_finalized(const beam_state_borrow* borrow, beam_checkpoint* out) {
  BEAM_BORROW_CHECK(beam_state_borrow_latest_finalized)
  ToC(borrow->state->latest_finalized, out);
  return capi::Ok();
}

BEAM_EXPORT beam_status beam_state_borrow_serialize(const beam_state_borrow* borrow, beam_buffer* out) {
  return capi::Guard([&]() -> beam_status {
    BEAM_BORROW_CHECK(beam_state_borrow_serialize)
    return capi::ToBuffer(ssz::Encode(*borrow->state), out);
  });
}
#undef BEAM_BORROW_CHECK

BEAM_EXPORT void beam_state_borrow_release(beam_state_borrow* borrow) { delete borrow; }

}  // extern "C"
