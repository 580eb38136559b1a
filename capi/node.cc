// beam_node_* and beam_state_borrow_*: a BeamChain behind an opaque handle.

#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "capi_internal.h"
#include "chain/beam_chain.h"
#include "consensus/rejection.h"
#include "crypto/aggregate_prover.h"
#include "crypto/verifier.h"
#include "crypto/xmss/config.h"
#include "ssz/codec.h"
#include "ssz/container.h"
#include "wire/messages.h"

struct beam_state_borrow {
  beam::chain::RcState state;
};

namespace beam::capi {

// Asks a connected peer for `roots` (deduplicated), or tells the host it must.
void FetchBlocks(beam_node* node, const std::vector<ssz::Root>& roots);

inline void ToC(const consensus::Checkpoint& c, beam_checkpoint* out) {
  std::memcpy(out->root, c.root.data(), 32);
  out->slot = c.slot;
}

namespace {

// Forwards chain events to the host's network vtable.
class NetworkObserver final : public chain::ChainObserver {
 public:
  NetworkObserver(const beam_network_vtable& network, beam_node* node) : network_(network), node_(node) {}
  void OnAggregates(const std::vector<consensus::SignedAggregatedAttestation>& aggregates) override {
    if (network_.publish_gossip == nullptr) return;
    for (const auto& a : aggregates) {
      const ssz::ByteVec bytes = ssz::Encode(a);
      network_.publish_gossip(BEAM_TOPIC_AGGREGATE, bytes.data(), bytes.size(), network_.user_data);
    }
  }
  void OnMissingParent(const ssz::Root& parent_root) override { FetchBlocks(node_, {parent_root}); }

 private:
  const beam_network_vtable network_;
  beam_node* const node_;
};

}  // namespace
}  // namespace beam::capi

struct PendingRequest {
  std::string peer;
  beam_req_protocol protocol = BEAM_REQ_STATUS;
  std::vector<beam::ssz::Root> roots;  // BlocksByRoot: what was asked for
};

struct beam_node {
  bool inline_mode = false;
  std::atomic<uint64_t> next_request_id{1};
  beam::LockedMap<uint64_t, PendingRequest> requests{"pending_requests"};
  beam_network_vtable network{};
  std::unique_ptr<beam::crypto::XmssSignatureVerifier> signature_verifier;
  beam::crypto::MockedAggregateVerifier aggregate_verifier;
  beam::crypto::MockedAggregateProver prover;
  beam::metrics::Registry registry;
  std::unique_ptr<beam::capi::NetworkObserver> observer;
  std::unique_ptr<beam::chain::BeamChain> chain;  // last: destroyed first
  ~beam_node() { chain.reset(); }
};

namespace beam::capi {

uint64_t SendRequest(beam_node* node, const std::string& peer, beam_req_protocol protocol, const ssz::ByteVec& payload,
                     std::vector<ssz::Root> roots = {}) {
  const uint64_t id = node->next_request_id.fetch_add(1);
  node->requests.Put(id, PendingRequest{peer, protocol, std::move(roots)});
  node->network.send_request(peer.c_str(), protocol, payload.data(), payload.size(), id, node->network.user_data);
  return id;
}

void FetchBlocks(beam_node* node, const std::vector<ssz::Root>& roots) {
  chain::BeamChain& chain = *node->chain;
  std::vector<ssz::Root> to_fetch = chain.SelectRootsToFetch(roots);
  if (to_fetch.empty()) return;
  std::optional<std::string> peer = chain.peers().SelectPeer();
  if (!peer || node->network.send_request == nullptr) {
    chain.ReportFetch(to_fetch, chain::FetchOutcome::kFetchNoPeers);
    if (node->network.request_block != nullptr) {
      for (const ssz::Root& r : to_fetch) node->network.request_block(r.data(), node->network.user_data);
    }
    return;
  }
  wire::BlocksByRootRequest request;
  request.roots.items = to_fetch;
  SendRequest(node, *peer, BEAM_REQ_BLOCKS_BY_ROOT, ssz::Encode(request), to_fetch);
  chain.ReportFetch(to_fetch, chain::FetchOutcome::kFetched);
}

}  // namespace beam::capi

namespace {

using namespace beam;
using capi::ToC;

beam_status NodeArg(const beam_node* node, const char* fn) {
  if (node == nullptr || node->chain == nullptr) {
    return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, std::string(fn) + ": node is NULL");
  }
  return BEAM_OK;
}

template <class T>
absl::StatusOr<T> DecodeArg(const uint8_t* ssz, size_t len, const char* what) {
  if (ssz == nullptr && len != 0) return absl::InvalidArgumentError(std::string(what) + " is NULL");
  absl::StatusOr<T> v = ssz::Decode<T>(ssz::ByteView(ssz == nullptr ? reinterpret_cast<const uint8_t*>("") : ssz, len));
  if (!v.ok()) {
    return consensus::Reject(consensus::RejectionReason::kDECODE_ERROR,
                             std::string(what) + ": " + std::string(v.status().message()));
  }
  return v;
}

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
    if (capi::RawEnum(config->proof_mode) != BEAM_PROOFS_MOCKED) {
      return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_create: unknown proof_mode");
    }
    absl::StatusOr<consensus::State> state =
        DecodeArg<consensus::State>(config->anchor_state_ssz, config->anchor_state_len, "anchor state");
    if (!state.ok()) return capi::Fail(state.status());
    consensus::Block anchor_block;
    if (config->anchor_block_ssz != nullptr) {
      absl::StatusOr<consensus::Block> block =
          DecodeArg<consensus::Block>(config->anchor_block_ssz, config->anchor_block_len, "anchor block");
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

    auto node = std::make_unique<beam_node>();
    if (config->network != nullptr) {
      // Versioned: copy what the host's struct has; later fields stay NULL.
      std::memcpy(&node->network, config->network, std::min(config->network->struct_size, sizeof(beam_network_vtable)));
    }
    node->signature_verifier = std::make_unique<crypto::XmssSignatureVerifier>(
        capi::RawEnum(config->xmss_scheme) == BEAM_XMSS_PROD ? crypto::xmss::kProdConfig : crypto::xmss::kTestConfig);
    node->observer = std::make_unique<capi::NetworkObserver>(node->network, node.get());
    chain::ChainConfig chain_config;
    chain_config.chain_worker = config->chain_worker != 0;
    chain_config.is_aggregator = config->is_aggregator != 0;
    chain_config.local_validators.assign(config->validator_indices,
                                         config->validator_indices + config->validator_count);
    node->inline_mode = !chain_config.chain_worker;
    absl::StatusOr<std::unique_ptr<chain::BeamChain>> chain = chain::BeamChain::Create(
        std::move(*state), anchor_block, chain_config,
        chain::ChainCrypto{node->signature_verifier.get(), &node->aggregate_verifier, &node->prover}, &node->registry,
        node->observer.get());
    if (!chain.ok()) return capi::Fail(chain.status());
    node->chain = std::move(*chain);
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
    if (beam_status s = NodeArg(node, "beam_node_tick"); s != BEAM_OK) return s;
    if (node->inline_mode) return capi::Fail(node->chain->OnTick(interval));
    node->chain->SubmitTick(interval);
    return capi::Ok();
  });
}

BEAM_EXPORT beam_status beam_node_on_gossip(beam_node* node, beam_topic_kind kind, const uint8_t* ssz, size_t len,
                                            const char* peer_id) {
  (void)peer_id;
  return capi::Guard([&]() -> beam_status {
    if (beam_status s = NodeArg(node, "beam_node_on_gossip"); s != BEAM_OK) return s;
    chain::BeamChain& chain = *node->chain;
    switch (capi::RawEnum(kind)) {
      case BEAM_TOPIC_BLOCK: {
        absl::StatusOr<consensus::SignedBlock> block = DecodeArg<consensus::SignedBlock>(ssz, len, "gossip block");
        if (!block.ok()) return capi::Fail(block.status());
        const ssz::Root root = ssz::HashTreeRoot(block->block);  // once, at ingress
        if (node->inline_mode) return capi::Fail(chain.OnBlock(*block, root));
        if (!chain.SubmitBlock(std::move(*block), root)) {
          return capi::Fail(BEAM_ERR_RESOURCE_EXHAUSTED, "the block queue is full; the block was dropped");
        }
        return capi::Ok();
      }
      case BEAM_TOPIC_ATTESTATION: {
        absl::StatusOr<consensus::SignedAttestation> a =
            DecodeArg<consensus::SignedAttestation>(ssz, len, "gossip attestation");
        if (!a.ok()) return capi::Fail(a.status());
        if (node->inline_mode) return capi::Fail(chain.OnGossipAttestation(*a));
        chain.SubmitAttestation(std::move(*a));
        return capi::Ok();
      }
      case BEAM_TOPIC_AGGREGATE: {
        absl::StatusOr<consensus::SignedAggregatedAttestation> a =
            DecodeArg<consensus::SignedAggregatedAttestation>(ssz, len, "gossip aggregate");
        if (!a.ok()) return capi::Fail(a.status());
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
    if (beam_status s = NodeArg(node, "beam_node_wait_idle"); s != BEAM_OK) return s;
    node->chain->WaitIdle();
    return capi::Ok();
  });
}

BEAM_EXPORT beam_status beam_node_produce_block(beam_node* node, uint64_t slot, uint64_t proposer,
                                                beam_buffer* signed_block_out) {
  return capi::Guard([&]() -> beam_status {
    if (signed_block_out != nullptr) *signed_block_out = beam_buffer{nullptr, 0};
    if (beam_status s = NodeArg(node, "beam_node_produce_block"); s != BEAM_OK) return s;
    if (signed_block_out == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_produce_block: out is NULL");
    absl::StatusOr<forkchoice::ProducedBlock> produced = node->chain->ProduceBlock(slot, proposer);
    if (!produced.ok()) return capi::Fail(produced.status());
    // The block proof: the attestation proofs merged with the proposer's (the
    // proposer's XMSS signature is the host's part; mocked mode needs none).
    std::vector<crypto::ChildProof> components;
    for (const auto& p : produced->attestation_proofs) {
      components.push_back(crypto::ChildProof{ssz::ByteView(p.proof.bytes.data(), p.proof.bytes.size()), {}});
    }
    components.push_back(crypto::ChildProof{ssz::ByteView(produced->block_root.data(), 32), {}});
    absl::StatusOr<ssz::ByteVec> proof = node->prover.MergeMultiMessage(components);
    if (!proof.ok()) return capi::Fail(proof.status());
    consensus::SignedBlock signed_block{produced->block, {}};
    signed_block.proof.proof.bytes = std::move(*proof);
    ssz::ByteVec bytes = ssz::Encode(signed_block);
    node->chain->RecordBlockSsz(produced->block_root, bytes);  // served to peers
    return capi::ToBuffer(bytes, signed_block_out);
  });
}

BEAM_EXPORT beam_status beam_node_produce_attestation_data(beam_node* node, uint64_t slot, beam_buffer* out) {
  return capi::Guard([&]() -> beam_status {
    if (out != nullptr) *out = beam_buffer{nullptr, 0};
    if (beam_status s = NodeArg(node, "beam_node_produce_attestation_data"); s != BEAM_OK) return s;
    absl::StatusOr<consensus::AttestationData> data = node->chain->ProduceAttestationData(slot);
    if (!data.ok()) return capi::Fail(data.status());
    return capi::ToBuffer(ssz::Encode(*data), out);
  });
}

BEAM_EXPORT beam_status beam_node_peer_connected(beam_node* node, const char* peer_id) {
  return capi::Guard([&]() -> beam_status {
    if (beam_status s = NodeArg(node, "beam_node_peer_connected"); s != BEAM_OK) return s;
    if (peer_id == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_peer_connected: peer_id is NULL");
    node->chain->peers().Connect(peer_id, 0);
    if (node->network.send_request != nullptr) {
      capi::SendRequest(node, peer_id, BEAM_REQ_STATUS, ssz::Encode(node->chain->GetStatus()));
    }
    return capi::Ok();
  });
}

BEAM_EXPORT beam_status beam_node_peer_disconnected(beam_node* node, const char* peer_id) {
  return capi::Guard([&]() -> beam_status {
    if (beam_status s = NodeArg(node, "beam_node_peer_disconnected"); s != BEAM_OK) return s;
    if (peer_id == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_peer_disconnected: peer_id is NULL");
    if (!node->chain->peers().Disconnect(peer_id)) return capi::Fail(BEAM_ERR_NOT_FOUND, "unknown peer");
    return capi::Ok();
  });
}

BEAM_EXPORT beam_status beam_node_on_request(beam_node* node, const char* peer_id, beam_req_protocol protocol,
                                             const uint8_t* ssz, size_t len, uint64_t request_id) {
  return capi::Guard([&]() -> beam_status {
    if (beam_status s = NodeArg(node, "beam_node_on_request"); s != BEAM_OK) return s;
    const beam_network_vtable& net = node->network;
    auto end = [&](int32_t result) {
      if (net.send_response_end != nullptr) net.send_response_end(request_id, result, net.user_data);
    };
    auto chunk = [&](const ssz::ByteVec& bytes) {
      if (net.send_response_chunk != nullptr) net.send_response_chunk(request_id, bytes.data(), bytes.size(), net.user_data);
    };
    switch (capi::RawEnum(protocol)) {
      case BEAM_REQ_STATUS: {
        absl::StatusOr<wire::Status> theirs = DecodeArg<wire::Status>(ssz, len, "status request");
        if (!theirs.ok()) {
          end(1);
          return capi::Fail(theirs.status());
        }
        if (peer_id != nullptr) node->chain->peers().SetLatestStatus(peer_id, *theirs);
        chunk(ssz::Encode(node->chain->GetStatus()));
        end(0);
        return capi::Ok();
      }
      case BEAM_REQ_BLOCKS_BY_ROOT: {
        absl::StatusOr<wire::BlocksByRootRequest> request =
            DecodeArg<wire::BlocksByRootRequest>(ssz, len, "blocks_by_root request");
        if (!request.ok()) {
          end(1);
          return capi::Fail(request.status());
        }
        for (const ssz::Root& root : request->roots.items) {
          if (std::optional<ssz::ByteVec> block = node->chain->GetBlockSsz(root)) chunk(*block);
        }
        end(0);
        return capi::Ok();
      }
    }
    end(1);
    return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_on_request: unknown protocol");
  });
}

BEAM_EXPORT beam_status beam_node_on_response_chunk(beam_node* node, uint64_t request_id, const uint8_t* ssz,
                                                    size_t len) {
  return capi::Guard([&]() -> beam_status {
    if (beam_status s = NodeArg(node, "beam_node_on_response_chunk"); s != BEAM_OK) return s;
    std::optional<PendingRequest> request = node->requests.Get(request_id);
    if (!request) return capi::Fail(BEAM_ERR_NOT_FOUND, "beam_node_on_response_chunk: unknown request id");
    chain::BeamChain& chain = *node->chain;
    if (request->protocol == BEAM_REQ_STATUS) {
      absl::StatusOr<wire::Status> status = DecodeArg<wire::Status>(ssz, len, "status response");
      if (!status.ok()) return capi::Fail(status.status());
      chain.peers().SetLatestStatus(request->peer, *status);
      if (!chain.HasBlock(status->head.root)) capi::FetchBlocks(node, {status->head.root});
      return capi::Ok();
    }
    absl::StatusOr<consensus::SignedBlock> block = DecodeArg<consensus::SignedBlock>(ssz, len, "block response");
    if (!block.ok()) return capi::Fail(block.status());
    const ssz::Root root = ssz::HashTreeRoot(block->block);
    if (std::find(request->roots.begin(), request->roots.end(), root) == request->roots.end()) {
      return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_on_response_chunk: a block that was not requested");
    }
    if (node->inline_mode) {
      absl::Status s = chain.OnBlock(*block, root);
      // A block waiting for its parent is fine: the parent is being fetched.
      if (!s.ok() && consensus::GetRejectionReason(s) != consensus::RejectionReason::kUNKNOWN_PARENT_BLOCK &&
          !absl::IsUnavailable(s)) {
        return capi::Fail(s);
      }
      return capi::Ok();
    }
    if (!chain.SubmitBlock(std::move(*block), root)) {
      return capi::Fail(BEAM_ERR_RESOURCE_EXHAUSTED, "the block queue is full; the block was dropped");
    }
    return capi::Ok();
  });
}

BEAM_EXPORT beam_status beam_node_on_response_end(beam_node* node, uint64_t request_id, int32_t result) {
  return capi::Guard([&]() -> beam_status {
    if (beam_status s = NodeArg(node, "beam_node_on_response_end"); s != BEAM_OK) return s;
    std::optional<PendingRequest> request = node->requests.FetchRemove(request_id);
    if (!request) return capi::Fail(BEAM_ERR_NOT_FOUND, "beam_node_on_response_end: unknown request id");
    // Roots the answer did not deliver may be asked for again (from another peer).
    std::vector<ssz::Root> missing;
    for (const ssz::Root& r : request->roots) {
      if (!node->chain->HasBlock(r) && !node->chain->block_cache().Contains(r)) missing.push_back(r);
    }
    node->chain->ForgetPendingFetch(missing);
    (void)result;
    return capi::Ok();
  });
}

#define BEAM_CHECKPOINT_GETTER(fn, expr)                                                      \
  BEAM_EXPORT beam_status fn(beam_node* node, beam_checkpoint* out) {                        \
    return capi::Guard([&]() -> beam_status {                                                 \
      if (beam_status s = NodeArg(node, #fn); s != BEAM_OK) return s;                         \
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
    if (beam_status s = NodeArg(node, "beam_node_metrics_text"); s != BEAM_OK) return s;
    const std::string text = node->registry.RenderText();
    return capi::ToBuffer(ssz::ByteVec(text.begin(), text.end()), out);
  });
}

BEAM_EXPORT beam_status beam_state_borrow_head(beam_node* node, beam_state_borrow** out) {
  return capi::Guard([&]() -> beam_status {
    if (beam_status s = NodeArg(node, "beam_state_borrow_head"); s != BEAM_OK) return s;
    if (out == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_state_borrow_head: out is NULL");
    *out = nullptr;
    return Borrow(node->chain->ShareState(node->chain->Head().root), out, "head");
  });
}

BEAM_EXPORT beam_status beam_state_borrow_finalized(beam_node* node, beam_state_borrow** out) {
  return capi::Guard([&]() -> beam_status {
    if (beam_status s = NodeArg(node, "beam_state_borrow_finalized"); s != BEAM_OK) return s;
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
    if (beam_status s = NodeArg(node, "beam_state_borrow_by_root"); s != BEAM_OK) return s;
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
