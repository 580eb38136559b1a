// Catch-up: how fast a fresh node reaches its peer's head, driven only through the C
// ABI as a host would.
//
// A producer node (inline, mocked aggregate proofs, serving its whole history:
// BEAM_SERVE_HISTORY_ALL) builds BEAM_CATCH_UP_BLOCKS blocks (default 10,000) with every
// validator's vote aggregated into the next block, so the chain justifies and
// finalizes as it goes; it is built once per validator count and shared. A fresh node
// (chain worker on) is connected to it through an in-process message queue the
// benchmark pumps (callbacks only enqueue: a node's callback must not call into a
// node), its clock already at the producer's last slot; the time until its head is
// the producer's is the figure.
//   BM_CatchUpByRange/validators/storage: from genesis by BlocksByRange (storage 0:
//     memory only; 1: a SQLite data_dir, as a real node).
//   BM_CheckpointSync/validators: the finalized state and block fetched from the
//     producer's lean API (GET /lean/v0/states/finalized, /blocks/finalized), a node
//     created on them (storage on), then synced to the head.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "beamcore/beamcore.h"
#include "benchmark/benchmark.h"
#include "consensus/state_transition.h"
#include "consensus/types/attestation.h"
#include "consensus/types/block.h"
#include "crypto/verifier.h"
#include "ssz/codec.h"
#include "validator/block_builder.h"

namespace {

uint64_t BlocksToBuild() {
  const char* env = std::getenv("BEAM_CATCH_UP_BLOCKS");
  return env != nullptr ? std::strtoull(env, nullptr, 10) : 10000;
}

// Messages between the two nodes, delivered by Pump() on the benchmark's thread.
struct Wire {
  enum Kind { kRequest, kChunk, kEnd };
  struct Message {
    Kind kind;
    int to;  // 0 producer, 1 consumer
    beam_req_protocol protocol;
    uint64_t id;
    int32_t result;
    std::vector<uint8_t> bytes;
  };
  std::mutex mu;
  std::deque<Message> queue;
  void Push(Message m) {
    std::lock_guard<std::mutex> lock(mu);
    queue.push_back(std::move(m));
  }
  bool Pop(Message* m) {
    std::lock_guard<std::mutex> lock(mu);
    if (queue.empty()) return false;
    *m = std::move(queue.front());
    queue.pop_front();
    return true;
  }
};

struct Endpoint {
  Wire* wire;
  int self;
};

void SendRequest(const char*, beam_req_protocol protocol, const uint8_t* ssz, size_t len, uint64_t id, void* u) {
  auto* e = static_cast<Endpoint*>(u);
  e->wire->Push({Wire::kRequest, 1 - e->self, protocol, id, 0, std::vector<uint8_t>(ssz, ssz + len)});
}
void SendChunk(uint64_t id, const uint8_t* ssz, size_t len, void* u) {
  auto* e = static_cast<Endpoint*>(u);
  e->wire->Push({Wire::kChunk, 1 - e->self, BEAM_REQ_STATUS, id, 0, std::vector<uint8_t>(ssz, ssz + len)});
}
void SendEnd(uint64_t id, int32_t result, void* u) {
  auto* e = static_cast<Endpoint*>(u);
  e->wire->Push({Wire::kEnd, 1 - e->self, BEAM_REQ_STATUS, id, result, {}});
}

// A node on `anchor_state` (and `anchor_block`, empty for genesis). Logs go to stderr
// with BEAM_CATCH_UP_LOG set.
struct NodeSetup {
  const std::vector<uint8_t>* anchor_state = nullptr;
  const std::vector<uint8_t>* anchor_block = nullptr;
  bool worker = true;
  bool archive = false;     // serve every stored block by range
  std::string data_dir;     // empty: memory only
  const char* name = "consumer";
};

beam_node* MakeNode(const NodeSetup& setup, Endpoint* endpoint) {
  beam_network_vtable net = BEAM_NETWORK_VTABLE_INIT;
  net.user_data = endpoint;
  net.send_request = SendRequest;
  net.send_response_chunk = SendChunk;
  net.send_response_end = SendEnd;
  beam_node_config config = BEAM_NODE_CONFIG_INIT;
  config.anchor_state_ssz = setup.anchor_state->data();
  config.anchor_state_len = setup.anchor_state->size();
  if (setup.anchor_block != nullptr && !setup.anchor_block->empty()) {
    config.anchor_block_ssz = setup.anchor_block->data();
    config.anchor_block_len = setup.anchor_block->size();
  }
  config.chain_worker = setup.worker ? 1 : 0;
  config.network = &net;
  config.range_sync_batch = 256;
  if (setup.archive) config.serve_history_slots = BEAM_SERVE_HISTORY_ALL;
  if (!setup.data_dir.empty()) config.data_dir = setup.data_dir.c_str();
  beam_log_sink sink = BEAM_LOG_SINK_INIT;
  if (std::getenv("BEAM_CATCH_UP_LOG") != nullptr) {
    sink.max_level = BEAM_LOG_DEBUG;
    sink.log = [](beam_log_level, const char* m, void* u) {
      std::fprintf(stderr, "[%s] %s\n", static_cast<const char*>(u), m);
    };
    sink.user_data = const_cast<char*>(setup.name);
    config.log = &sink;
  }
  beam_node* node = nullptr;
  return beam_node_create(&config, &node) == BEAM_OK ? node : nullptr;
}

// Builds the chain on `producer`: a block per slot, each carrying the previous slot's
// votes of every validator (one mocked aggregate).
bool BuildChain(beam_node* producer, uint64_t validators, uint64_t blocks) {
  std::vector<beam::consensus::ValidatorIndex> everyone;
  for (uint64_t v = 0; v < validators; ++v) everyone.push_back(v);
  const beam::consensus::AggregationBits all = beam::validator::AggregationBitsFromIndices(everyone);
  for (uint64_t slot = 1; slot <= blocks; ++slot) {
    beam_buffer block{nullptr, 0}, data{nullptr, 0};
    if (beam_node_tick(producer, slot * 5) != BEAM_OK ||
        beam_node_produce_block(producer, slot, slot % validators, &block) != BEAM_OK) {
      return false;
    }
    beam_buffer_free(&block);
    if (beam_node_tick(producer, slot * 5 + 1) != BEAM_OK ||
        beam_node_produce_attestation_data(producer, slot, &data) != BEAM_OK) {
      return false;
    }
    absl::StatusOr<beam::consensus::AttestationData> decoded =
        beam::ssz::Decode<beam::consensus::AttestationData>(beam::ssz::ByteView(data.data, data.len));
    beam_buffer_free(&data);
    if (!decoded.ok()) return false;
    beam::consensus::SignedAggregatedAttestation aggregate;
    aggregate.data = *decoded;
    aggregate.proof.participants = all;
    aggregate.proof.proof.bytes.assign(beam::crypto::kMockedProofPrefix,
                                       beam::crypto::kMockedProofPrefix + beam::crypto::kMockedProofPrefixLength);
    const beam::ssz::ByteVec bytes = beam::ssz::Encode(aggregate);
    if (beam_node_on_gossip(producer, BEAM_TOPIC_AGGREGATE, bytes.data(), bytes.size(), nullptr) != BEAM_OK) {
      return false;
    }
    if (beam_node_tick(producer, slot * 5 + 4) != BEAM_OK) return false;
  }
  return true;
}

// The producer's chain, built once per validator count.
struct Producer {
  Wire wire;
  Endpoint producer_end{&wire, 0};
  Endpoint consumer_end{&wire, 1};
  std::vector<uint8_t> genesis;
  beam_node* node = nullptr;
  beam_checkpoint head{}, finalized{};
  uint64_t blocks = 0;
  std::string error;
  ~Producer() { beam_node_destroy(node); }
};

Producer* GetProducer(uint64_t validators) {
  static std::map<uint64_t, std::unique_ptr<Producer>> built;
  std::unique_ptr<Producer>& p = built[validators];
  if (p != nullptr) return p.get();
  p = std::make_unique<Producer>();
  p->blocks = BlocksToBuild();
  std::vector<beam::consensus::Validator> registry(validators);
  for (uint64_t v = 0; v < validators; ++v) registry[v].index = v;
  const beam::ssz::ByteVec genesis = beam::ssz::Encode(beam::consensus::GenerateGenesis(0, registry));
  p->genesis.assign(genesis.begin(), genesis.end());
  NodeSetup setup;
  setup.anchor_state = &p->genesis;
  setup.worker = false;
  setup.archive = true;
  setup.name = "producer";
  p->node = MakeNode(setup, &p->producer_end);
  if (p->node == nullptr || !BuildChain(p->node, validators, p->blocks) ||
      beam_node_head(p->node, &p->head) != BEAM_OK || beam_node_finalized(p->node, &p->finalized) != BEAM_OK) {
    p->error = beam_last_error();
  }
  return p.get();
}

// A fresh directory under the system temp dir, removed with this object.
struct TempDir {
  std::string path;
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "beam-catch-up-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path.empty()) std::filesystem::remove_all(path, ignored);
  }
};

// Delivers the wire's messages until `consumer`'s head is the producer's (true) or
// nothing moves for the deadline.
bool SyncToHead(Producer* p, beam_node* consumer) {
  if (beam_node_peer_connected(consumer, "producer") != BEAM_OK) return false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(10);
  beam_checkpoint head{};
  while (std::chrono::steady_clock::now() < deadline) {
    Wire::Message m;
    bool moved = false;
    while (p->wire.Pop(&m)) {
      moved = true;
      beam_node* to = m.to == 0 ? p->node : consumer;
      const char* peer = m.to == 0 ? "consumer" : "producer";
      beam_status s = BEAM_OK;
      if (m.kind == Wire::kRequest) s = beam_node_on_request(to, peer, m.protocol, m.bytes.data(), m.bytes.size(), m.id);
      if (m.kind == Wire::kChunk) s = beam_node_on_response_chunk(to, m.id, m.bytes.data(), m.bytes.size());
      if (m.kind == Wire::kEnd) s = beam_node_on_response_end(to, m.id, m.result);
      (void)s;  // late or refused answers are the sync's business
    }
    if (beam_node_head(consumer, &head) != BEAM_OK) return false;
    if (std::memcmp(head.root, p->head.root, 32) == 0) return true;
    // Let the worker import what came before asking again.
    if (!moved && beam_node_wait_idle(consumer) != BEAM_OK) return false;
  }
  return false;
}

void BM_CatchUpByRange(benchmark::State& state) {
  Producer* p = GetProducer(static_cast<uint64_t>(state.range(0)));
  const bool storage = state.range(1) != 0;
  if (!p->error.empty()) {
    state.SkipWithError(p->error.c_str());
    return;
  }
  double seconds = 0;
  for (auto _ : state) {
    TempDir dir;
    NodeSetup setup;
    setup.anchor_state = &p->genesis;
    if (storage) setup.data_dir = dir.path;
    beam_node* consumer = MakeNode(setup, &p->consumer_end);
    if (consumer == nullptr || beam_node_tick(consumer, p->blocks * 5 + 4) != BEAM_OK ||
        beam_node_wait_idle(consumer) != BEAM_OK) {
      state.SkipWithError(beam_last_error());
      beam_node_destroy(consumer);
      break;
    }
    const auto start = std::chrono::steady_clock::now();
    const bool reached = SyncToHead(p, consumer);
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.SetIterationTime(seconds);
    if (!reached) state.SkipWithError("the consumer did not reach the head");
    beam_node_destroy(consumer);
  }
  state.counters["blocks"] = static_cast<double>(p->blocks);
  state.counters["blocks_per_s"] = seconds > 0 ? static_cast<double>(p->blocks) / seconds : 0;
  state.counters["finalized_slot"] = static_cast<double>(p->finalized.slot);
}
BENCHMARK(BM_CatchUpByRange)
    ->ArgNames({"validators", "storage"})
    ->Args({64, 0})
    ->Args({64, 1})
    ->Args({4096, 0})
    ->Args({4096, 1})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);

// GET `path` from the producer's lean API into `out`.
bool ApiGet(beam_node* node, const char* path, std::vector<uint8_t>* out) {
  beam_api_response response = BEAM_API_RESPONSE_INIT;
  if (beam_api_handle(node, "GET", path, nullptr, 0, &response) != BEAM_OK) return false;
  const bool ok = response.status_code == 200;
  if (ok) out->assign(response.body.data, response.body.data + response.body.len);
  beam_api_response_free(&response);
  return ok;
}

void BM_CheckpointSync(benchmark::State& state) {
  Producer* p = GetProducer(static_cast<uint64_t>(state.range(0)));
  if (!p->error.empty()) {
    state.SkipWithError(p->error.c_str());
    return;
  }
  double seconds = 0;
  size_t state_bytes = 0;
  for (auto _ : state) {
    TempDir dir;
    const auto start = std::chrono::steady_clock::now();
    std::vector<uint8_t> anchor_state, anchor_block;
    if (!ApiGet(p->node, "/lean/v0/states/finalized", &anchor_state) ||
        !ApiGet(p->node, "/lean/v0/blocks/finalized", &anchor_block)) {
      state.SkipWithError("the producer's lean API did not serve its finalized state and block");
      break;
    }
    state_bytes = anchor_state.size();
    // The route serves the signed block; the anchor is its message.
    absl::StatusOr<beam::consensus::SignedBlock> signed_block =
        beam::ssz::Decode<beam::consensus::SignedBlock>(beam::ssz::ByteView(anchor_block.data(), anchor_block.size()));
    if (!signed_block.ok()) {
      state.SkipWithError(std::string(signed_block.status().message()).c_str());
      break;
    }
    const beam::ssz::ByteVec message = beam::ssz::Encode(signed_block->block);
    anchor_block.assign(message.begin(), message.end());
    NodeSetup setup;
    setup.anchor_state = &anchor_state;
    setup.anchor_block = &anchor_block;
    setup.data_dir = dir.path;
    beam_node* consumer = MakeNode(setup, &p->consumer_end);
    if (consumer == nullptr || beam_node_tick(consumer, p->blocks * 5 + 4) != BEAM_OK) {
      state.SkipWithError(beam_last_error());
      beam_node_destroy(consumer);
      break;
    }
    const bool reached = SyncToHead(p, consumer);
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.SetIterationTime(seconds);
    if (!reached) state.SkipWithError("the consumer did not reach the head");
    beam_node_destroy(consumer);
  }
  state.counters["state_bytes"] = static_cast<double>(state_bytes);
  state.counters["blocks_after_anchor"] = static_cast<double>(p->head.slot - p->finalized.slot);
  state.counters["ms"] = seconds * 1e3;
}
BENCHMARK(BM_CheckpointSync)
    ->ArgName("validators")
    ->Arg(64)
    ->Arg(4096)
    ->Iterations(3)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
