// Catch-up: how fast a fresh node imports a chain by range sync from one peer, both
// driven only through the C ABI as a host would (Status, then BlocksByRange batches).
//
// A producer node (inline, mocked aggregate proofs) builds BEAM_CATCH_UP_BLOCKS blocks
// (default 10,000) with every validator's vote aggregated into the next block, so the
// chain justifies and finalizes as it goes. A fresh node (chain worker on) is then
// connected to it through an in-process message queue the benchmark pumps (callbacks
// only enqueue: a node's callback must not call into a node), its clock already at
// the producer's last slot; the time until its head is the producer's is the figure.
// Arg: validators (64, 4096).

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "beamcore/beamcore.h"
#include "benchmark/benchmark.h"
#include "consensus/state_transition.h"
#include "consensus/types/attestation.h"
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

beam_node* MakeNode(const std::vector<uint8_t>& genesis, Endpoint* endpoint, bool worker) {
  beam_network_vtable net = BEAM_NETWORK_VTABLE_INIT;
  net.user_data = endpoint;
  net.send_request = SendRequest;
  net.send_response_chunk = SendChunk;
  net.send_response_end = SendEnd;
  beam_node_config config = BEAM_NODE_CONFIG_INIT;
  config.anchor_state_ssz = genesis.data();
  config.anchor_state_len = genesis.size();
  config.chain_worker = worker ? 1 : 0;
  config.network = &net;
  config.range_sync_batch = 256;
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

void BM_CatchUpByRange(benchmark::State& state) {
  const uint64_t validators = static_cast<uint64_t>(state.range(0));
  const uint64_t blocks = BlocksToBuild();
  std::vector<beam::consensus::Validator> registry(validators);
  for (uint64_t v = 0; v < validators; ++v) registry[v].index = v;
  const beam::ssz::ByteVec genesis_bytes = beam::ssz::Encode(beam::consensus::GenerateGenesis(0, registry));
  const std::vector<uint8_t> genesis(genesis_bytes.begin(), genesis_bytes.end());

  Wire wire;
  Endpoint producer_end{&wire, 0}, consumer_end{&wire, 1};
  beam_node* producer = MakeNode(genesis, &producer_end, /*worker=*/false);
  if (producer == nullptr || !BuildChain(producer, validators, blocks)) {
    state.SkipWithError(beam_last_error());
    beam_node_destroy(producer);
    return;
  }
  beam_checkpoint target{}, finalized{};
  if (beam_node_head(producer, &target) != BEAM_OK || beam_node_finalized(producer, &finalized) != BEAM_OK) {
    state.SkipWithError(beam_last_error());
    beam_node_destroy(producer);
    return;
  }

  double seconds = 0;
  for (auto _ : state) {
    beam_node* consumer = MakeNode(genesis, &consumer_end, /*worker=*/true);
    if (consumer == nullptr || beam_node_tick(consumer, blocks * 5 + 4) != BEAM_OK) {
      state.SkipWithError(beam_last_error());
      break;
    }
    if (beam_node_wait_idle(consumer) != BEAM_OK) state.SkipWithError(beam_last_error());
    const auto start = std::chrono::steady_clock::now();
    if (beam_node_peer_connected(consumer, "producer") != BEAM_OK) state.SkipWithError(beam_last_error());
    beam_checkpoint head{};
    const auto deadline = start + std::chrono::minutes(10);
    while (std::chrono::steady_clock::now() < deadline) {
      Wire::Message m;
      bool moved = false;
      while (wire.Pop(&m)) {
        moved = true;
        beam_node* to = m.to == 0 ? producer : consumer;
        const char* peer = m.to == 0 ? "consumer" : "producer";
        beam_status s = BEAM_OK;
        if (m.kind == Wire::kRequest) s = beam_node_on_request(to, peer, m.protocol, m.bytes.data(), m.bytes.size(), m.id);
        if (m.kind == Wire::kChunk) s = beam_node_on_response_chunk(to, m.id, m.bytes.data(), m.bytes.size());
        if (m.kind == Wire::kEnd) s = beam_node_on_response_end(to, m.id, m.result);
        (void)s;  // late or refused answers are the sync's business
      }
      if (beam_node_head(consumer, &head) != BEAM_OK) break;
      if (std::memcmp(head.root, target.root, 32) == 0) break;
      // Let the worker import what came before asking again.
      if (!moved && beam_node_wait_idle(consumer) != BEAM_OK) break;
    }
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.SetIterationTime(seconds);
    if (std::memcmp(head.root, target.root, 32) != 0) state.SkipWithError("the consumer did not reach the head");
    beam_node_destroy(consumer);
  }
  state.counters["blocks"] = static_cast<double>(blocks);
  state.counters["blocks_per_s"] = seconds > 0 ? static_cast<double>(blocks) / seconds : 0;
  state.counters["finalized_slot"] = static_cast<double>(finalized.slot);
  beam_node_destroy(producer);
}
BENCHMARK(BM_CatchUpByRange)->ArgName("validators")->Arg(64)->Arg(4096)->Iterations(1)->UseManualTime()
    ->Unit(benchmark::kSecond);

}  // namespace
