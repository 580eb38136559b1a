// The node handle. The library calls the host (network, log) from its own threads
// (chain worker, clock driver) and from the JS thread inside node calls; every such
// call is copied into an Event and queued on one thread-safe function, non-blocking
// and unbounded, so a library thread never waits for the JS event loop and events
// reach JS in the order the library made them (a response's chunks before its end).
// The JS dispatcher runs later on the loop, where calling back into the node is safe.
// The clock, when asked for, is the system clock read on the library's clock thread.
// Host cryptography (BEAM_PROOFS_HOST) is not offered: its callbacks must answer
// synchronously on library threads, which a JS callback cannot do without blocking
// them on the event loop.

#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "beamcore/beamcore.h"
#include "exports.h"
#include "handles.h"

namespace beamnode {
namespace {

enum EventKind : int32_t {
  kPublish = 1,       // a: topic kind, bytes: SSZ
  kSendRequest = 2,   // a: protocol, id, peer, bytes: SSZ
  kSendChunk = 3,     // id, bytes: SSZ
  kSendEnd = 4,       // id, a: result
  kReportPeer = 5,    // peer, a: action, text: reason
  kRequestBlock = 6,  // bytes: root
  kLog = 7,           // a: level, text
};

struct Event {
  EventKind kind;
  int32_t a = 0;
  uint64_t id = 0;
  std::string peer;
  std::string text;
  std::vector<uint8_t> bytes;
  bool has_peer = false;
};

struct NodeBox {
  beam_node* ptr = nullptr;
  napi_threadsafe_function events = nullptr;
  bool cleanup_hook = false;  // registered: closes the node when the environment ends

  // Stops the node (its threads are joined: no callback runs after this), then lets
  // the event queue drain and end.
  void Close() {
    if (ptr != nullptr) beam_node_destroy(ptr);
    ptr = nullptr;
    if (events != nullptr) napi_release_threadsafe_function(events, napi_tsfn_release);
    events = nullptr;
  }
  // Garbage-collected without close(): close now, and the exit hook is not needed.
  void Finalize(napi_env env) {
    Close();
    if (cleanup_hook) napi_remove_env_cleanup_hook(env, CleanupHook, this);
    delete this;
  }
  // At process exit the node's threads must stop before the runtime goes away.
  static void CleanupHook(void* arg) {
    auto* box = static_cast<NodeBox*>(arg);
    box->cleanup_hook = false;
    box->Close();
  }
};

constexpr napi_type_tag kNodeTag = {0x6265616d6e6f6465ULL, 0x2d68616e646c6521ULL};  // "beamnode" "-handle!"

NodeBox* Unwrap(napi_env env, napi_value value, bool open = true) {
  return UnwrapBox<NodeBox>(env, value, kNodeTag, "Node", open);
}

// ---- From library threads ------------------------------------------------------

void Post(void* user_data, Event* event) {
  auto* box = static_cast<NodeBox*>(user_data);
  if (box->events == nullptr ||
      napi_call_threadsafe_function(box->events, event, napi_tsfn_nonblocking) != napi_ok) {
    delete event;  // closing: nobody is listening any more
  }
}

std::vector<uint8_t> Copy(const uint8_t* data, size_t len) {
  return data == nullptr ? std::vector<uint8_t>() : std::vector<uint8_t>(data, data + len);
}

void OnPublish(beam_topic_kind kind, const uint8_t* ssz, size_t len, void* user_data) {
  Post(user_data, new Event{kPublish, kind, 0, {}, {}, Copy(ssz, len)});
}

void OnSendRequest(const char* peer, beam_req_protocol protocol, const uint8_t* ssz, size_t len, uint64_t id,
                   void* user_data) {
  auto* e = new Event{kSendRequest, protocol, id, peer != nullptr ? peer : "", {}, Copy(ssz, len)};
  e->has_peer = peer != nullptr;
  Post(user_data, e);
}

void OnSendChunk(uint64_t id, const uint8_t* ssz, size_t len, void* user_data) {
  Post(user_data, new Event{kSendChunk, 0, id, {}, {}, Copy(ssz, len)});
}

void OnSendEnd(uint64_t id, int32_t result, void* user_data) {
  Post(user_data, new Event{kSendEnd, result, id, {}, {}, {}});
}

void OnReportPeer(const char* peer, beam_peer_action action, const char* reason, void* user_data) {
  auto* e = new Event{kReportPeer, action, 0, peer != nullptr ? peer : "", reason != nullptr ? reason : "", {}};
  e->has_peer = peer != nullptr;
  Post(user_data, e);
}

void OnRequestBlock(const uint8_t root[32], void* user_data) {
  Post(user_data, new Event{kRequestBlock, 0, 0, {}, {}, Copy(root, 32)});
}

void OnLog(beam_log_level level, const char* message, void* user_data) {
  Post(user_data, new Event{kLog, level, 0, {}, message != nullptr ? message : "", {}});
}

uint64_t SystemNowMs(void*) {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

// ---- On the JS thread ---------------------------------------------------------------

// dispatcher(kind, a, id: BigInt, peer: string|null, text: string|null, bytes: Buffer|null)
void CallJs(napi_env env, napi_value dispatcher, void*, void* data) {
  auto* e = static_cast<Event*>(data);
  if (env != nullptr && dispatcher != nullptr) {
    napi_value argv[6] = {Int(env, e->kind), Int(env, e->a), BigU64(env, e->id),
                          e->has_peer ? String(env, e->peer.c_str()) : Null(env),
                          e->kind == kReportPeer || e->kind == kLog ? String(env, e->text.c_str()) : Null(env),
                          e->kind == kSendEnd || e->kind == kReportPeer || e->kind == kLog
                              ? Null(env)
                              : CopyBuffer(env, e->bytes.data(), e->bytes.size())};
    bool ok = true;
    for (napi_value v : argv) ok = ok && v != nullptr;
    napi_value global = nullptr, result = nullptr;
    if (ok && napi_get_global(env, &global) == napi_ok) napi_call_function(env, global, dispatcher, 6, argv, &result);
    // lib/index.js catches what the host's handlers throw; anything left here would
    // otherwise become an uncaught exception far from its cause.
    bool pending = false;
    if (napi_is_exception_pending(env, &pending) == napi_ok && pending) {
      napi_value error = nullptr;
      napi_get_and_clear_last_exception(env, &error);
      napi_fatal_exception(env, error);
    }
  }
  delete e;
}

bool GetBool(napi_env env, napi_value object, const char* name, bool fallback, bool* out) {
  napi_value v = GetProperty(env, object, name);
  if (IsNullish(env, v)) {
    *out = fallback;
    return true;
  }
  if (napi_get_value_bool(env, v, out) != napi_ok) return ThrowType(env, std::string(name) + " must be a boolean"), false;
  return true;
}

bool GetOptionalU64(napi_env env, napi_value object, const char* name, uint64_t* out) {
  napi_value v = GetProperty(env, object, name);
  return IsNullish(env, v) || GetU64(env, v, name, out);
}

// nodeCreate(config, dispatcher) -> handle. See lib/index.js for the config fields.
napi_value Create(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!Args(env, info, 2, argv)) return nullptr;
  napi_value cfg = argv[0];
  beam_node_config config = BEAM_NODE_CONFIG_INIT;
  Bytes state, block;
  if (!GetBytes(env, GetProperty(env, cfg, "anchorState"), "anchorState", &state)) return nullptr;
  config.anchor_state_ssz = state.data;
  config.anchor_state_len = state.len;
  napi_value anchor_block = GetProperty(env, cfg, "anchorBlock");
  if (!IsNullish(env, anchor_block)) {
    if (!GetBytes(env, anchor_block, "anchorBlock", &block)) return nullptr;
    config.anchor_block_ssz = block.data;
    config.anchor_block_len = block.len;
  }
  std::vector<uint64_t> validators;
  napi_value indices = GetProperty(env, cfg, "validatorIndices");
  if (!IsNullish(env, indices)) {
    bool is_array = false;
    uint32_t n = 0;
    if (napi_is_array(env, indices, &is_array) != napi_ok || !is_array ||
        napi_get_array_length(env, indices, &n) != napi_ok) {
      return ThrowType(env, "validatorIndices must be an array"), nullptr;
    }
    validators.resize(n);
    for (uint32_t i = 0; i < n; ++i) {
      napi_value item = nullptr;
      if (!NapiOk(env, napi_get_element(env, indices, i, &item), "napi_get_element") ||
          !GetU64(env, item, "validatorIndices[i]", &validators[i])) {
        return nullptr;
      }
    }
  }
  config.validator_indices = validators.data();
  config.validator_count = validators.size();
  bool aggregator = false, worker = true;
  if (!GetBool(env, cfg, "isAggregator", false, &aggregator) || !GetBool(env, cfg, "chainWorker", true, &worker)) {
    return nullptr;
  }
  config.is_aggregator = aggregator ? 1 : 0;
  config.chain_worker = worker ? 1 : 0;
  uint64_t scheme = BEAM_XMSS_TEST, timeout = 0, batch = 0, log_level = 0;
  if (!GetOptionalU64(env, cfg, "xmssScheme", &scheme) || !GetOptionalU64(env, cfg, "requestTimeoutMs", &timeout) ||
      !GetOptionalU64(env, cfg, "rangeSyncBatch", &batch) || !GetOptionalU64(env, cfg, "logLevel", &log_level)) {
    return nullptr;
  }
  if (timeout > UINT32_MAX || batch > UINT32_MAX || log_level > BEAM_LOG_DEBUG || scheme > BEAM_XMSS_PROD) {
    return ThrowRange(env, "xmssScheme, requestTimeoutMs, rangeSyncBatch or logLevel is out of range"), nullptr;
  }
  config.xmss_scheme = static_cast<beam_xmss_scheme>(scheme);
  config.proof_mode = BEAM_PROOFS_MOCKED;
  config.request_timeout_ms = static_cast<uint32_t>(timeout);
  config.range_sync_batch = static_cast<uint32_t>(batch);
  std::string data_dir;
  napi_value dir = GetProperty(env, cfg, "dataDir");
  if (!IsNullish(env, dir)) {
    if (!GetString(env, dir, "dataDir", &data_dir)) return nullptr;
    config.data_dir = data_dir.c_str();
  }
  std::string storage_sync = "normal";
  napi_value sync_value = GetProperty(env, cfg, "storageSync");
  if (!IsNullish(env, sync_value) && !GetString(env, sync_value, "storageSync", &storage_sync)) return nullptr;
  if (storage_sync != "normal" && storage_sync != "full") {
    return ThrowRange(env, "storageSync must be 'normal' or 'full'"), nullptr;
  }
  config.storage_sync = storage_sync == "full" ? BEAM_STORAGE_SYNC_FULL : BEAM_STORAGE_SYNC_NORMAL;
  std::string clock_kind = "host";
  napi_value clock_value = GetProperty(env, cfg, "clock");
  if (!IsNullish(env, clock_value) && !GetString(env, clock_value, "clock", &clock_kind)) return nullptr;
  if (clock_kind != "host" && clock_kind != "system") return ThrowRange(env, "clock must be 'host' or 'system'"), nullptr;

  auto* box = new NodeBox;
  napi_value name = String(env, "beamcore node events");
  if (name == nullptr ||
      !NapiOk(env, napi_create_threadsafe_function(env, argv[1], nullptr, name, 0, 1, nullptr, nullptr, nullptr, CallJs,
                                                   &box->events),
              "napi_create_threadsafe_function")) {
    box->Finalize(env);
    return nullptr;
  }
  // The host's own handles decide how long the process lives, not the node's queue.
  napi_unref_threadsafe_function(env, box->events);

  beam_network_vtable network = BEAM_NETWORK_VTABLE_INIT;
  network.user_data = box;
  network.publish_gossip = OnPublish;
  network.send_request = OnSendRequest;
  network.send_response_chunk = OnSendChunk;
  network.send_response_end = OnSendEnd;
  network.report_peer = OnReportPeer;
  network.request_block = OnRequestBlock;
  config.network = &network;
  beam_log_sink log = BEAM_LOG_SINK_INIT;
  log.user_data = box;
  log.log = OnLog;
  log.max_level = static_cast<beam_log_level>(log_level);
  if (log_level > 0) config.log = &log;
  beam_clock_vtable clock = BEAM_CLOCK_VTABLE_INIT;
  clock.now_ms = SystemNowMs;
  if (clock_kind == "system") config.clock = &clock;

  const beam_status s = beam_node_create(&config, &box->ptr);
  if (s != BEAM_OK) {
    ThrowBeam(env, "beam_node_create", s);
    box->Finalize(env);
    return nullptr;
  }
  box->cleanup_hook = napi_add_env_cleanup_hook(env, NodeBox::CleanupHook, box) == napi_ok;
  return WrapBox(env, box, kNodeTag);
}

napi_value Close(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!Args(env, info, 1, argv)) return nullptr;
  NodeBox* box = Unwrap(env, argv[0], /*open=*/false);
  if (box == nullptr) return nullptr;
  box->Close();
  return Undefined(env);
}

// The status-returning network inputs: failures are the network's normal life (a
// rejected message, a late answer), so they return the status instead of throwing;
// lastError()/lastRejection() explain a non-zero one.
napi_value Tick(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  uint64_t interval = 0;
  if (!Args(env, info, 2, argv)) return nullptr;
  NodeBox* box = Unwrap(env, argv[0]);
  if (box == nullptr || !GetU64(env, argv[1], "interval", &interval)) return nullptr;
  return Int(env, beam_node_tick(box->ptr, interval));
}

napi_value OnGossip(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  int32_t kind = 0;
  Bytes ssz;
  std::string peer;
  if (!Args(env, info, 4, argv)) return nullptr;
  NodeBox* box = Unwrap(env, argv[0]);
  if (box == nullptr || !GetI32(env, argv[1], "kind", &kind) || !GetBytes(env, argv[2], "ssz", &ssz)) return nullptr;
  const bool has_peer = !IsNullish(env, argv[3]);
  if (has_peer && !GetString(env, argv[3], "peerId", &peer)) return nullptr;
  return Int(env, beam_node_on_gossip(box->ptr, static_cast<beam_topic_kind>(kind), ssz.data, ssz.len,
                                      has_peer ? peer.c_str() : nullptr));
}

napi_value PeerEvent(napi_env env, napi_callback_info info, bool connected) {
  napi_value argv[2];
  std::string peer;
  if (!Args(env, info, 2, argv)) return nullptr;
  NodeBox* box = Unwrap(env, argv[0]);
  if (box == nullptr || !GetString(env, argv[1], "peerId", &peer)) return nullptr;
  return Int(env, connected ? beam_node_peer_connected(box->ptr, peer.c_str())
                            : beam_node_peer_disconnected(box->ptr, peer.c_str()));
}
napi_value PeerConnected(napi_env env, napi_callback_info info) { return PeerEvent(env, info, true); }
napi_value PeerDisconnected(napi_env env, napi_callback_info info) { return PeerEvent(env, info, false); }

napi_value OnRequest(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  std::string peer;
  int32_t protocol = 0;
  Bytes ssz;
  uint64_t id = 0;
  if (!Args(env, info, 5, argv)) return nullptr;
  NodeBox* box = Unwrap(env, argv[0]);
  if (box == nullptr || !GetString(env, argv[1], "peerId", &peer) || !GetI32(env, argv[2], "protocol", &protocol) ||
      !GetBytes(env, argv[3], "ssz", &ssz) || !GetU64(env, argv[4], "requestId", &id)) {
    return nullptr;
  }
  return Int(env, beam_node_on_request(box->ptr, peer.c_str(), static_cast<beam_req_protocol>(protocol), ssz.data,
                                       ssz.len, id));
}

napi_value OnResponseChunk(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  uint64_t id = 0;
  Bytes ssz;
  if (!Args(env, info, 3, argv)) return nullptr;
  NodeBox* box = Unwrap(env, argv[0]);
  if (box == nullptr || !GetU64(env, argv[1], "requestId", &id) || !GetBytes(env, argv[2], "ssz", &ssz)) return nullptr;
  return Int(env, beam_node_on_response_chunk(box->ptr, id, ssz.data, ssz.len));
}

napi_value OnResponseEnd(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  uint64_t id = 0;
  int32_t result = 0;
  if (!Args(env, info, 3, argv)) return nullptr;
  NodeBox* box = Unwrap(env, argv[0]);
  if (box == nullptr || !GetU64(env, argv[1], "requestId", &id) || !GetI32(env, argv[2], "result", &result)) return nullptr;
  return Int(env, beam_node_on_response_end(box->ptr, id, result));
}

napi_value LastError(napi_env env, napi_callback_info) { return String(env, beam_last_error()); }
napi_value LastRejection(napi_env env, napi_callback_info) { return String(env, beam_last_rejection()); }

// ---- Calls that throw on failure -----------------------------------------------------

napi_value WaitIdle(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!Args(env, info, 1, argv)) return nullptr;
  NodeBox* box = Unwrap(env, argv[0]);
  if (box == nullptr) return nullptr;
  const beam_status s = beam_node_wait_idle(box->ptr);
  if (s != BEAM_OK) return ThrowBeam(env, "beam_node_wait_idle", s), nullptr;
  return Undefined(env);
}

napi_value ProduceBlock(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  uint64_t slot = 0, proposer = 0;
  if (!Args(env, info, 3, argv)) return nullptr;
  NodeBox* box = Unwrap(env, argv[0]);
  if (box == nullptr || !GetU64(env, argv[1], "slot", &slot) || !GetU64(env, argv[2], "proposer", &proposer)) {
    return nullptr;
  }
  beam_buffer out{nullptr, 0};
  const beam_status s = beam_node_produce_block(box->ptr, slot, proposer, &out);
  if (s != BEAM_OK) return ThrowBeam(env, "beam_node_produce_block", s), nullptr;
  return TakeBuffer(env, &out);
}

napi_value ProduceAttestationData(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  uint64_t slot = 0;
  if (!Args(env, info, 2, argv)) return nullptr;
  NodeBox* box = Unwrap(env, argv[0]);
  if (box == nullptr || !GetU64(env, argv[1], "slot", &slot)) return nullptr;
  beam_buffer out{nullptr, 0};
  const beam_status s = beam_node_produce_attestation_data(box->ptr, slot, &out);
  if (s != BEAM_OK) return ThrowBeam(env, "beam_node_produce_attestation_data", s), nullptr;
  return TakeBuffer(env, &out);
}

using CheckpointFn = beam_status (*)(beam_node*, beam_checkpoint*);

template <CheckpointFn Fn>
napi_value CheckpointOf(napi_env env, napi_callback_info info, const char* function) {
  napi_value argv[1];
  if (!Args(env, info, 1, argv)) return nullptr;
  NodeBox* box = Unwrap(env, argv[0]);
  if (box == nullptr) return nullptr;
  beam_checkpoint cp;
  const beam_status s = Fn(box->ptr, &cp);
  if (s != BEAM_OK) return ThrowBeam(env, function, s), nullptr;
  napi_value result = Object(env);
  if (result == nullptr || !Set(env, result, "slot", Int(env, static_cast<int64_t>(cp.slot))) ||
      !Set(env, result, "root", CopyBuffer(env, cp.root, 32))) {
    return nullptr;
  }
  return result;
}
napi_value Head(napi_env env, napi_callback_info info) { return CheckpointOf<beam_node_head>(env, info, "beam_node_head"); }
napi_value Justified(napi_env env, napi_callback_info info) {
  return CheckpointOf<beam_node_justified>(env, info, "beam_node_justified");
}
napi_value Finalized(napi_env env, napi_callback_info info) {
  return CheckpointOf<beam_node_finalized>(env, info, "beam_node_finalized");
}

napi_value MetricsText(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!Args(env, info, 1, argv)) return nullptr;
  NodeBox* box = Unwrap(env, argv[0]);
  if (box == nullptr) return nullptr;
  beam_buffer out{nullptr, 0};
  const beam_status s = beam_node_metrics_text(box->ptr, &out);
  if (s != BEAM_OK) return ThrowBeam(env, "beam_node_metrics_text", s), nullptr;
  napi_value text = nullptr;
  napi_create_string_utf8(env, reinterpret_cast<const char*>(out.data), out.len, &text);
  beam_buffer_free(&out);
  return text;
}

napi_value Health(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!Args(env, info, 1, argv)) return nullptr;
  NodeBox* box = Unwrap(env, argv[0]);
  if (box == nullptr) return nullptr;
  beam_node_health health = BEAM_NODE_HEALTH_INIT;
  beam_status s = beam_node_health_get(box->ptr, &health);
  if (s != BEAM_OK) return ThrowBeam(env, "beam_node_health_get", s), nullptr;
  beam_buffer fault{nullptr, 0};
  s = beam_node_last_fault(box->ptr, &fault);
  if (s != BEAM_OK) return ThrowBeam(env, "beam_node_last_fault", s), nullptr;
  napi_value last = nullptr;
  napi_create_string_utf8(env, reinterpret_cast<const char*>(fault.data != nullptr ? fault.data : (const uint8_t*)""),
                          fault.len, &last);
  beam_buffer_free(&fault);
  napi_value result = Object(env);
  if (result == nullptr || !Set(env, result, "storageFailed", Bool(env, health.storage_failed != 0)) ||
      !Set(env, result, "faults", Int(env, static_cast<int64_t>(health.faults))) || !Set(env, result, "lastFault", last)) {
    return nullptr;
  }
  return result;
}

// nodeFinalizedState(handle) -> the finalized state's SSZ (through a state borrow).
napi_value FinalizedState(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!Args(env, info, 1, argv)) return nullptr;
  NodeBox* box = Unwrap(env, argv[0]);
  if (box == nullptr) return nullptr;
  beam_state_borrow* borrow = nullptr;
  beam_status s = beam_state_borrow_finalized(box->ptr, &borrow);
  if (s != BEAM_OK) return ThrowBeam(env, "beam_state_borrow_finalized", s), nullptr;
  beam_buffer out{nullptr, 0};
  s = beam_state_borrow_serialize(borrow, &out);
  beam_state_borrow_release(borrow);
  if (s != BEAM_OK) return ThrowBeam(env, "beam_state_borrow_serialize", s), nullptr;
  return TakeBuffer(env, &out);
}

// nodeApi(handle, method, path, body|null) -> {status, contentType, body: Buffer, allow}
napi_value Api(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  std::string method, path;
  Bytes body;
  if (!Args(env, info, 4, argv)) return nullptr;
  NodeBox* box = Unwrap(env, argv[0]);
  if (box == nullptr || !GetString(env, argv[1], "method", &method) || !GetString(env, argv[2], "path", &path)) {
    return nullptr;
  }
  if (!IsNullish(env, argv[3]) && !GetBytes(env, argv[3], "body", &body)) return nullptr;
  beam_api_response r = BEAM_API_RESPONSE_INIT;
  const beam_status s = beam_api_handle(box->ptr, method.c_str(), path.c_str(), body.data, body.len, &r);
  if (s != BEAM_OK) return ThrowBeam(env, "beam_api_handle", s), nullptr;
  napi_value result = Object(env);
  const bool ok = result != nullptr && Set(env, result, "status", Int(env, r.status_code)) &&
                  Set(env, result, "contentType", String(env, reinterpret_cast<const char*>(r.content_type.data))) &&
                  Set(env, result, "allow", String(env, reinterpret_cast<const char*>(r.allow.data))) &&
                  Set(env, result, "body", CopyBuffer(env, r.body.data, r.body.len));
  beam_api_response_free(&r);
  return ok ? result : nullptr;
}

}  // namespace

bool RegisterNode(napi_env env, napi_value exports) {
  return AddFunction(env, exports, "nodeCreate", Create) && AddFunction(env, exports, "nodeClose", Close) &&
         AddFunction(env, exports, "nodeTick", Tick) && AddFunction(env, exports, "nodeOnGossip", OnGossip) &&
         AddFunction(env, exports, "nodePeerConnected", PeerConnected) &&
         AddFunction(env, exports, "nodePeerDisconnected", PeerDisconnected) &&
         AddFunction(env, exports, "nodeOnRequest", OnRequest) &&
         AddFunction(env, exports, "nodeOnResponseChunk", OnResponseChunk) &&
         AddFunction(env, exports, "nodeOnResponseEnd", OnResponseEnd) && AddFunction(env, exports, "lastError", LastError) &&
         AddFunction(env, exports, "lastRejection", LastRejection) && AddFunction(env, exports, "nodeWaitIdle", WaitIdle) &&
         AddFunction(env, exports, "nodeProduceBlock", ProduceBlock) &&
         AddFunction(env, exports, "nodeProduceAttestationData", ProduceAttestationData) &&
         AddFunction(env, exports, "nodeHead", Head) && AddFunction(env, exports, "nodeJustified", Justified) &&
         AddFunction(env, exports, "nodeFinalized", Finalized) && AddFunction(env, exports, "nodeMetricsText", MetricsText) &&
         AddFunction(env, exports, "nodeHealth", Health) && AddFunction(env, exports, "nodeFinalizedState", FinalizedState) &&
         AddFunction(env, exports, "nodeApi", Api) && AddInt(env, exports, "EVENT_PUBLISH", kPublish) &&
         AddInt(env, exports, "EVENT_SEND_REQUEST", kSendRequest) && AddInt(env, exports, "EVENT_SEND_CHUNK", kSendChunk) &&
         AddInt(env, exports, "EVENT_SEND_END", kSendEnd) && AddInt(env, exports, "EVENT_REPORT_PEER", kReportPeer) &&
         AddInt(env, exports, "EVENT_REQUEST_BLOCK", kRequestBlock) && AddInt(env, exports, "EVENT_LOG", kLog);
}

}  // namespace beamnode
