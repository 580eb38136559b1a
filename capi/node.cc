// beam_node_* (lifecycle, ingress, duties, reads) and beam_state_borrow_*: each entry
// point checks and translates its arguments and calls one method of node::Node
// (src/node/node.h). Peers and req/resp are in reqresp.cc.

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "capi_internal.h"
#include "struct_versions.h"
#include "chain/beam_chain.h"
#include "crypto/xmss/config.h"
#include "node_internal.h"
#include "ssz/codec.h"
#include "ssz/container.h"
#include "wire/messages.h"

struct beam_state_borrow {
  beam::chain::RcState state;
};

namespace {

using namespace beam;

void ToC(const consensus::Checkpoint& c, beam_checkpoint* out) {
  std::memcpy(out->root, c.root.data(), 32);
  out->slot = c.slot;
}

beam_status Borrow(chain::RcState state, beam_state_borrow** out, const char* what) {
  if (state == nullptr) return capi::Fail(BEAM_ERR_NOT_FOUND, std::string("no state for the ") + what);
  *out = new beam_state_borrow{std::move(state)};
  return capi::Ok();
}

// The host's beam_node_config as NodeOptions and the adapters behind them; an error
// for an inconsistent config (nothing is created then).
beam_status TranslateConfig(const beam_node_config* host_config, beam_node* handle, node::NodeOptions* options) {
  if (!capi::StructSizeOk(host_config)) {
    return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_create: config is NULL or its struct_size is too small");
  }
  const beam_node_config copy = capi::ReadStruct(*host_config);
  const beam_node_config* config = &copy;
  if (config->validator_count != 0 && config->validator_indices == nullptr) {
    return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_create: validator_indices is NULL");
  }
  const int scheme = capi::RawEnum(config->xmss_scheme);
  if (scheme != BEAM_XMSS_TEST && scheme != BEAM_XMSS_PROD) {
    return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_create: unknown xmss_scheme");
  }
  const int proof_mode = capi::RawEnum(config->proof_mode);
  if (proof_mode != BEAM_PROOFS_MOCKED && proof_mode != BEAM_PROOFS_HOST) {
    return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_create: unknown proof_mode");
  }
  absl::StatusOr<consensus::State> state =
      capi::DecodeArg<consensus::State>(config->anchor_state_ssz, config->anchor_state_len, "anchor state");
  if (!state.ok()) return capi::Fail(state.status());
  options->anchor_state = std::move(*state);
  if (config->anchor_block_ssz != nullptr) {
    absl::StatusOr<consensus::Block> block =
        capi::DecodeArg<consensus::Block>(config->anchor_block_ssz, config->anchor_block_len, "anchor block");
    if (!block.ok()) return capi::Fail(block.status());
    options->anchor_block = std::move(*block);
  }
  if (config->network != nullptr && !capi::StructSizeOk(config->network)) {
    return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_create: network vtable struct_size is too small");
  }
  if (config->clock != nullptr &&
      (!capi::StructSizeOk(config->clock) || config->clock->now_ms == nullptr)) {
    return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_create: clock vtable is too small or has no now_ms");
  }
  if (config->log != nullptr && !capi::StructSizeOk(config->log)) {
    return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_create: log sink struct_size is too small");
  }
  const bool host_proofs = proof_mode == BEAM_PROOFS_HOST;
  if (host_proofs) {
    const beam_crypto_vtable* crypto = config->crypto;
    if (crypto == nullptr || !capi::StructSizeOk(crypto)) {
      return capi::Fail(BEAM_ERR_INVALID_ARGUMENT,
                        "beam_node_create: BEAM_PROOFS_HOST needs a crypto vtable (with a full struct_size)");
    }
    if (crypto->verify_single_message == nullptr || crypto->verify_multi_message == nullptr ||
        crypto->aggregate_single_message == nullptr || crypto->merge_multi_message == nullptr) {
      return capi::Fail(BEAM_ERR_INVALID_ARGUMENT,
                        "beam_node_create: BEAM_PROOFS_HOST needs all four crypto callbacks");
    }
  }
  const int storage_sync = capi::RawEnum(config->storage_sync);
  if (storage_sync != BEAM_STORAGE_SYNC_NORMAL && storage_sync != BEAM_STORAGE_SYNC_FULL) {
    return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_create: unknown storage_sync");
  }
  if (config->range_sync_batch > wire::kMaxRequestBlocks) {
    return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_create: range_sync_batch is above 1024");
  }

  options->validators.assign(config->validator_indices, config->validator_indices + config->validator_count);
  options->is_aggregator = config->is_aggregator != 0;
  options->chain_worker = config->chain_worker != 0;
  options->xmss = scheme == BEAM_XMSS_PROD ? &crypto::xmss::kProdConfig : &crypto::xmss::kTestConfig;
  if (config->request_timeout_ms != 0) options->request_timeout_ms = config->request_timeout_ms;
  if (config->range_sync_batch != 0) options->range_sync_batch = config->range_sync_batch;
  if (config->data_dir != nullptr) options->data_dir = config->data_dir;
  options->verify_threads = config->verify_threads == BEAM_VERIFY_THREADS_NONE ? node::NodeOptions::kNoVerifyThreads
                                                                              : config->verify_threads;
  if (config->serve_history_slots != 0) options->serve_history_slots = config->serve_history_slots;
  options->storage.sync =
      storage_sync == BEAM_STORAGE_SYNC_FULL ? storage::SyncMode::kFull : storage::SyncMode::kNormal;
  if (config->network != nullptr) {
    handle->network = std::make_unique<capi::HostNetwork>(*config->network);
    options->network = handle->network.get();
  }
  if (config->log != nullptr) {
    handle->log = std::make_unique<capi::HostLog>(*config->log);
    options->log = handle->log.get();
  }
  if (config->clock != nullptr) {
    handle->clock = std::make_unique<capi::HostClock>(*config->clock);
    options->clock = handle->clock.get();
  }
  if (host_proofs) {
    handle->host_crypto = std::make_unique<capi::HostCrypto>(*config->crypto);
    options->aggregate_verifier = &handle->host_crypto->verifier();
    options->prover = handle->host_crypto.get();
  }
  return BEAM_OK;
}

}  // namespace

extern "C" {

BEAM_EXPORT beam_status beam_node_create(const beam_node_config* config, beam_node** out) {
  return capi::Guard([&]() -> beam_status {
    if (out == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_create: out is NULL");
    *out = nullptr;
    auto handle = std::make_unique<beam_node>();
    node::NodeOptions options;
    if (beam_status s = TranslateConfig(config, handle.get(), &options); s != BEAM_OK) return s;
    absl::StatusOr<std::unique_ptr<node::Node>> created = node::Node::Create(std::move(options));
    if (!created.ok()) return capi::Fail(created.status());
    handle->node = std::move(*created);
    handle->node->log().Log(node::LogLevel::kInfo,
                            absl::StrCat("node created: ", config->validator_count, " local validators, aggregator ",
                                         config->is_aggregator != 0 ? "yes" : "no", ", proofs ",
                                         handle->host_crypto != nullptr ? "host" : "mocked"));
    *out = handle.release();
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
    return capi::Fail(node->node->Tick(interval));
  });
}

BEAM_EXPORT beam_status beam_node_on_gossip(beam_node* node, beam_topic_kind kind, const uint8_t* ssz, size_t len,
                                            const char* peer_id) {
  return capi::Guard([&]() -> beam_status {
    if (beam_status s = capi::NodeArg(node, "beam_node_on_gossip"); s != BEAM_OK) return s;
    const int topic = capi::RawEnum(kind);
    if (topic != BEAM_TOPIC_BLOCK && topic != BEAM_TOPIC_ATTESTATION && topic != BEAM_TOPIC_AGGREGATE) {
      return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_on_gossip: unknown topic kind " + std::to_string(topic));
    }
    absl::StatusOr<ssz::ByteView> bytes = capi::BytesArg(ssz, len, "gossip message");
    if (!bytes.ok()) return capi::FailIn("beam_node_on_gossip", bytes.status());
    return capi::Fail(node->node->OnGossip(static_cast<node::GossipTopic>(topic), *bytes, peer_id != nullptr ? peer_id : ""));
  });
}

BEAM_EXPORT beam_status beam_node_wait_idle(beam_node* node) {
  return capi::Guard([&]() -> beam_status {
    if (beam_status s = capi::NodeArg(node, "beam_node_wait_idle"); s != BEAM_OK) return s;
    node->node->WaitIdle();
    return capi::Ok();
  });
}

BEAM_EXPORT beam_status beam_node_produce_block(beam_node* node, uint64_t slot, uint64_t proposer,
                                                beam_buffer* signed_block_out) {
  return capi::Guard([&]() -> beam_status {
    if (signed_block_out != nullptr) *signed_block_out = beam_buffer{nullptr, 0};
    if (beam_status s = capi::NodeArg(node, "beam_node_produce_block"); s != BEAM_OK) return s;
    if (signed_block_out == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_produce_block: out is NULL");
    absl::StatusOr<ssz::ByteVec> block = node->node->ProduceBlock(slot, proposer);
    if (!block.ok()) return capi::Fail(block.status());
    return capi::ToBuffer(*block, signed_block_out);
  });
}

BEAM_EXPORT beam_status beam_node_produce_attestation_data(beam_node* node, uint64_t slot, beam_buffer* out) {
  return capi::Guard([&]() -> beam_status {
    if (out != nullptr) *out = beam_buffer{nullptr, 0};
    if (beam_status s = capi::NodeArg(node, "beam_node_produce_attestation_data"); s != BEAM_OK) return s;
    absl::StatusOr<consensus::AttestationData> data = node->node->ProduceAttestationData(slot);
    if (!data.ok()) return capi::Fail(data.status());
    return capi::ToBuffer(ssz::Encode(*data), out);
  });
}

#define BEAM_CHECKPOINT_GETTER(fn, expr)                                                      \
  BEAM_EXPORT beam_status fn(beam_node* node, beam_checkpoint* out) {                        \
    return capi::Guard([&]() -> beam_status {                                                 \
      if (beam_status s = capi::NodeArg(node, #fn); s != BEAM_OK) return s;                   \
      if (out == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, #fn ": out is NULL"); \
      const chain::ChainHeadInfo info = node->node->HeadInfo();                               \
      ToC(expr, out);                                                                         \
      return capi::Ok();                                                                      \
    });                                                                                       \
  }
BEAM_CHECKPOINT_GETTER(beam_node_head, info.head)
BEAM_CHECKPOINT_GETTER(beam_node_justified, info.justified)
BEAM_CHECKPOINT_GETTER(beam_node_finalized, info.finalized)
#undef BEAM_CHECKPOINT_GETTER

BEAM_EXPORT beam_status beam_node_health_get(beam_node* node, beam_node_health* out) {
  return capi::Guard([&]() -> beam_status {
    if (beam_status s = capi::NodeArg(node, "beam_node_health_get"); s != BEAM_OK) return s;
    if (!capi::StructSizeOk(out)) {
      return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_node_health_get: out is NULL or its struct_size is too small");
    }
    const node::NodeHealth health = node->node->Health();
    beam_node_health filled{};
    filled.storage_failed = health.storage_failed ? 1 : 0;
    filled.faults = health.faults;
    capi::WriteStruct(filled, out);
    return capi::Ok();
  });
}

BEAM_EXPORT beam_status beam_node_last_fault(beam_node* node, beam_buffer* message) {
  return capi::Guard([&]() -> beam_status {
    capi::ResetBuffer(message);
    if (beam_status s = capi::NodeArg(node, "beam_node_last_fault"); s != BEAM_OK) return s;
    const std::string text = node->node->Health().last_fault;
    return capi::ToBuffer(ssz::ByteVec(text.begin(), text.end()), message);
  });
}

BEAM_EXPORT beam_status beam_node_metrics_text(beam_node* node, beam_buffer* out) {
  return capi::Guard([&]() -> beam_status {
    if (beam_status s = capi::NodeArg(node, "beam_node_metrics_text"); s != BEAM_OK) return s;
    const std::string text = node->node->MetricsText();
    return capi::ToBuffer(ssz::ByteVec(text.begin(), text.end()), out);
  });
}

BEAM_EXPORT beam_status beam_state_borrow_head(beam_node* node, beam_state_borrow** out) {
  return capi::Guard([&]() -> beam_status {
    if (beam_status s = capi::NodeArg(node, "beam_state_borrow_head"); s != BEAM_OK) return s;
    if (out == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_state_borrow_head: out is NULL");
    *out = nullptr;
    return Borrow(node->node->chain().ShareState(node->node->chain().Head().root), out, "head");
  });
}

BEAM_EXPORT beam_status beam_state_borrow_finalized(beam_node* node, beam_state_borrow** out) {
  return capi::Guard([&]() -> beam_status {
    if (beam_status s = capi::NodeArg(node, "beam_state_borrow_finalized"); s != BEAM_OK) return s;
    if (out == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_state_borrow_finalized: out is NULL");
    *out = nullptr;
    chain::BorrowedState borrow = node->node->chain().GetFinalizedState();
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
    return Borrow(node->node->chain().ShareState(ssz::Root::FromSpan(ssz::ByteView(root, 32))), out, "block root");
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
