// Gossip ingest: sustained attestations per second through beam_node_on_gossip (the C
// ABI a host calls), PROD XMSS signatures, 4096 validators, with the chain worker and
// 0, 1 or 2 verification-pool threads (verify_threads; the worker also verifies a vote
// no pool thread has started, so 0 threads = 1 verifier, 1 thread = 2 verifiers).
//
// The keys are synthetic (crypto/xmss/synthetic.h): a real one-time key and a random
// authentication path, the same verification work as a real key. A key's public root
// does not depend on the message, so the genesis is made first and the votes for its
// attestation data signed afterwards with the same seeds.
//
// Each iteration feeds every validator's vote (fresh SSZ each time: the node verifies
// each one again, it is not an aggregator) in chunks of 1000 (the worker's vote queue
// holds 1024; a drop fails the benchmark) and waits until the node is idle. Latency
// (p50_ms, p99_ms): from arrival to acceptance into the fork-choice store, read from
// the node's lean_vote_arrival_to_fork_choice_seconds histogram (bursts of 1000 votes:
// a vote waits behind those before it).

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "beamcore/beamcore.h"
#include "benchmark/benchmark.h"
#include "consensus/state_transition.h"
#include "consensus/types/attestation.h"
#include "crypto/xmss/config.h"
#include "crypto/xmss/synthetic.h"
#include "ssz/codec.h"

namespace {

namespace xmss = beam::crypto::xmss;

constexpr uint64_t kValidators = 4096;
constexpr uint64_t kSlot = 1;
constexpr size_t kChunk = 1000;

struct Network {
  std::vector<uint8_t> genesis;
  std::vector<std::vector<uint8_t>> votes;  // SignedAttestation SSZ, one per validator
};

double MetricValue(beam_node* node, const std::string& sample) {
  beam_buffer text{nullptr, 0};
  if (beam_node_metrics_text(node, &text) != BEAM_OK) return -1;
  const std::string body(reinterpret_cast<const char*>(text.data), text.len);
  beam_buffer_free(&text);
  const size_t at = body.find("\n" + sample + " ");
  return at == std::string::npos ? 0 : std::stod(body.substr(at + sample.size() + 2));
}

// The q-quantile of a histogram's samples, interpolated within its bucket as
// Prometheus' histogram_quantile does; `series` is the name with its labels before
// `le` (e.g. `x_bucket{kind="attestation",`).
double HistogramQuantile(beam_node* node, const std::string& series, double q) {
  beam_buffer text{nullptr, 0};
  if (beam_node_metrics_text(node, &text) != BEAM_OK) return -1;
  const std::string body(reinterpret_cast<const char*>(text.data), text.len);
  beam_buffer_free(&text);
  std::vector<std::pair<double, double>> buckets;  // (upper bound, cumulative count)
  for (size_t at = body.find(series); at != std::string::npos; at = body.find(series, at + 1)) {
    const size_t le = body.find("le=\"", at) + 4;
    const size_t close = body.find('"', le);
    const std::string bound = body.substr(le, close - le);
    const double count = std::stod(body.substr(body.find(' ', close) + 1));
    buckets.emplace_back(bound == "+Inf" ? std::numeric_limits<double>::infinity() : std::stod(bound), count);
  }
  if (buckets.empty() || buckets.back().second == 0) return 0;
  const double rank = q * buckets.back().second;
  double lower = 0, below = 0;
  for (const auto& [upper, cumulative] : buckets) {
    if (cumulative >= rank) {
      if (std::isinf(upper)) return lower;
      return lower + (upper - lower) * (rank - below) / std::max(1.0, cumulative - below);
    }
    lower = upper;
    below = cumulative;
  }
  return lower;
}

beam_node* MakeNode(const Network& net, uint32_t verify_threads) {
  beam_node_config config = BEAM_NODE_CONFIG_INIT;
  config.anchor_state_ssz = net.genesis.data();
  config.anchor_state_len = net.genesis.size();
  config.xmss_scheme = BEAM_XMSS_PROD;
  config.chain_worker = 1;
  config.verify_threads = verify_threads == 0 ? BEAM_VERIFY_THREADS_NONE : verify_threads;
  beam_node* node = nullptr;
  if (beam_node_create(&config, &node) != BEAM_OK) return nullptr;
  if (beam_node_tick(node, kSlot * 5 + 1) != BEAM_OK || beam_node_wait_idle(node) != BEAM_OK) {
    beam_node_destroy(node);
    return nullptr;
  }
  return node;
}

// Keys, genesis, the slot's attestation data and every validator's signed vote.
const Network& TheNetwork() {
  static const Network* net = [] {
    auto* n = new Network();
    const beam::ssz::Bytes32 dummy{};
    std::vector<beam::consensus::Validator> registry(kValidators);
    for (uint64_t v = 0; v < kValidators; ++v) {
      const xmss::SyntheticSignature s =
          xmss::SignWithRandomPath(xmss::kProdConfig, kSlot, dummy, xmss::SeededRandomBytes(static_cast<uint32_t>(v)));
      const beam::ssz::ByteVec pk = beam::ssz::Encode(s.public_key);
      std::memcpy(registry[v].attestation_public_key.data(), pk.data(), pk.size());
      std::memcpy(registry[v].proposal_public_key.data(), pk.data(), pk.size());
      registry[v].index = v;
    }
    const beam::ssz::ByteVec genesis = beam::ssz::Encode(beam::consensus::GenerateGenesis(0, registry));
    n->genesis.assign(genesis.begin(), genesis.end());
    beam_node* node = MakeNode(*n, 1);
    beam_buffer data{nullptr, 0};
    if (node == nullptr || beam_node_produce_attestation_data(node, kSlot, &data) != BEAM_OK) std::abort();
    absl::StatusOr<beam::consensus::AttestationData> decoded =
        beam::ssz::Decode<beam::consensus::AttestationData>(beam::ssz::ByteView(data.data, data.len));
    beam_buffer_free(&data);
    beam_node_destroy(node);
    if (!decoded.ok()) std::abort();
    const beam::ssz::Root message = beam::ssz::HashTreeRoot(*decoded);
    for (uint64_t v = 0; v < kValidators; ++v) {
      // The same seed: the same key, now signing the real message.
      beam::consensus::SignedAttestation vote;
      vote.validator_index = v;
      vote.data = *decoded;
      vote.signature = xmss::SignWithRandomPath(xmss::kProdConfig, kSlot, message,
                                                xmss::SeededRandomBytes(static_cast<uint32_t>(v)))
                           .signature;
      const beam::ssz::ByteVec bytes = beam::ssz::Encode(vote);
      n->votes.emplace_back(bytes.begin(), bytes.end());
    }
    return n;
  }();
  return *net;
}

void BM_GossipIngestProd(benchmark::State& state) {
  const Network& net = TheNetwork();
  const uint32_t threads = static_cast<uint32_t>(state.range(0));
  beam_node* node = MakeNode(net, threads);
  if (node == nullptr) {
    state.SkipWithError(beam_last_error());
    return;
  }
  const std::string valid = "lean_attestations_valid_total{source=\"gossip\"}";
  double expected_valid = MetricValue(node, valid);
  for (auto _ : state) {
    for (size_t start = 0; start < net.votes.size(); start += kChunk) {
      const size_t end = std::min(net.votes.size(), start + kChunk);
      for (size_t i = start; i < end; ++i) {
        if (beam_node_on_gossip(node, BEAM_TOPIC_ATTESTATION, net.votes[i].data(), net.votes[i].size(), "peer") !=
            BEAM_OK) {
          state.SkipWithError(beam_last_error());
        }
      }
      if (beam_node_wait_idle(node) != BEAM_OK) state.SkipWithError("wait_idle");
    }
    expected_valid += static_cast<double>(net.votes.size());
  }
  if (MetricValue(node, valid) != expected_valid) {
    state.SkipWithError("not every vote was accepted (dropped or rejected)");
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(net.votes.size()));
  state.counters["verifiers"] = threads + 1;
  // Arrival (queued by beam_node_on_gossip) to acceptance into fork choice, in ms.
  const std::string series = "lean_vote_arrival_to_fork_choice_seconds_bucket{kind=\"attestation\",";
  state.counters["p50_ms"] = HistogramQuantile(node, series, 0.50) * 1e3;
  state.counters["p99_ms"] = HistogramQuantile(node, series, 0.99) * 1e3;
  beam_node_destroy(node);
}
// Latency at a steady rate below capacity: every validator's vote once, spread evenly
// at `rate` votes/s (4096 validators voting once per 4-second slot is 1024/s).
void BM_GossipLatencyPaced(benchmark::State& state) {
  const Network& net = TheNetwork();
  const uint32_t threads = static_cast<uint32_t>(state.range(0));
  const double rate = static_cast<double>(state.range(1));
  beam_node* node = MakeNode(net, threads);
  if (node == nullptr) {
    state.SkipWithError(beam_last_error());
    return;
  }
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    for (size_t i = 0; i < net.votes.size(); ++i) {
      std::this_thread::sleep_until(start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                std::chrono::duration<double>(static_cast<double>(i) / rate)));
      if (beam_node_on_gossip(node, BEAM_TOPIC_ATTESTATION, net.votes[i].data(), net.votes[i].size(), "peer") !=
          BEAM_OK) {
        state.SkipWithError(beam_last_error());
      }
    }
    if (beam_node_wait_idle(node) != BEAM_OK) state.SkipWithError("wait_idle");
  }
  const std::string series = "lean_vote_arrival_to_fork_choice_seconds_bucket{kind=\"attestation\",";
  state.counters["p50_ms"] = HistogramQuantile(node, series, 0.50) * 1e3;
  state.counters["p99_ms"] = HistogramQuantile(node, series, 0.99) * 1e3;
  beam_node_destroy(node);
}
BENCHMARK(BM_GossipLatencyPaced)
    ->ArgNames({"pool_threads", "votes_per_s"})
    ->Args({0, 1024})
    ->Args({2, 1024})
    ->Args({2, 4096})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

BENCHMARK(BM_GossipIngestProd)->ArgName("pool_threads")->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
