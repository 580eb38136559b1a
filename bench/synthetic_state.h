// Synthetic consensus states for the benchmarks: a registry of N validators and a
// history of H pseudo-random block roots, shaped like the post-state of a block at
// slot H (header at slot H, history for slots 0..H-1), consistent enough for the
// state transition of the next block.
//
// Header-only, shared by the *_bench.cc executables.

#ifndef BEAMCORE_BENCH_SYNTHETIC_STATE_H_
#define BEAMCORE_BENCH_SYNTHETIC_STATE_H_

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>
#include <vector>

#include <benchmark/benchmark.h>

#include "absl/status/statusor.h"
#include "consensus/state_transition.h"
#include "hash/sha256.h"
#include "ssz/codec.h"

namespace beam::bench {

using consensus::AggregatedAttestation;
using consensus::AggregatedAttestations;
using consensus::Block;
using consensus::Checkpoint;
using consensus::Slot;
using consensus::State;
using ssz::Root;

inline Root PseudoRandomRoot(std::mt19937_64& rng) {
  Root r;
  for (size_t i = 0; i < 32; i += 8) {
    const uint64_t v = rng();
    for (size_t b = 0; b < 8; ++b) r[i + b] = static_cast<uint8_t>(v >> (8 * b));
  }
  if (r.IsZero()) r[0] = 1;
  return r;
}

// Finality of the synthetic state.
enum class Finality {
  // Finalized at slot 0 (justified_slots spans the whole history, H - 1 bits, about a
  // quarter of them set); latest justified is slot H - 3.
  kAtGenesis,
  // Finalized at F = H - 14, latest justified J = F + 1; slots after J are unjustified,
  // so attestations from source J to recent targets justify and finalize.
  kRecent,
};

inline constexpr uint64_t kRecentFinalityLag = 14;

// H >= 16, N >= 1.
inline State MakeSyntheticState(size_t num_validators, size_t history, Finality finality) {
  std::mt19937_64 rng(num_validators * 1000003 + history);
  std::vector<consensus::Validator> validators(num_validators);
  for (size_t i = 0; i < num_validators; ++i) {
    validators[i].index = i;
    for (size_t b = 0; b < 52; b += 8) {
      const uint64_t a = rng(), p = rng();
      for (size_t k = 0; k < 8 && b + k < 52; ++k) {
        validators[i].attestation_public_key[b + k] = static_cast<uint8_t>(a >> (8 * k));
        validators[i].proposal_public_key[b + k] = static_cast<uint8_t>(p >> (8 * k));
      }
    }
  }
  State state = consensus::GenerateGenesis(1700000000, validators);
  const Slot head = history;
  for (size_t i = 0; i < history; ++i) state.historical_block_hashes.PushBack(PseudoRandomRoot(rng));

  const Slot finalized = finality == Finality::kAtGenesis ? 0 : head - kRecentFinalityLag;
  const Slot justified = finality == Finality::kAtGenesis ? head - 3 : finalized + 1;
  // Bits for slots finalized+1 .. head-1.
  const size_t bits = head - 1 - finalized;
  state.justified_slots.Resize(bits);
  if (finality == Finality::kAtGenesis) {
    for (size_t i = 0; i + 3 < bits; ++i) {
      if (rng() % 4 == 0) state.justified_slots.Set(i, true);
    }
  }
  state.justified_slots.Set(justified - finalized - 1, true);

  state.slot = head;
  state.latest_block_header.slot = head;
  state.latest_block_header.proposer_index = head % num_validators;
  state.latest_block_header.parent_root = state.historical_block_hashes[head - 1];
  state.latest_block_header.state_root = Root{};
  state.latest_block_header.body_root = ssz::HashTreeRoot(consensus::BlockBody{});
  state.latest_justified = Checkpoint{state.historical_block_hashes[justified], justified};
  state.latest_finalized = Checkpoint{state.historical_block_hashes[finalized], finalized};
  return state;
}

// The next block (slot pre.slot + 1) carrying `attestations`, with the scheduled
// proposer, the parent root, and the post-state root (the transition is run once on a
// copy). Errors if that transition fails.
inline absl::StatusOr<Block> MakeNextBlock(const State& pre, const AggregatedAttestations& attestations = {}) {
  Block block;
  block.slot = pre.slot + 1;
  block.proposer_index = block.slot % pre.validators.size();
  block.body.attestations = attestations;
  State tmp = pre;
  absl::Status s = consensus::ProcessSlots(tmp, block.slot);
  if (!s.ok()) return s;
  block.parent_root = ssz::HashTreeRoot(tmp.latest_block_header);
  s = consensus::ProcessBlock(tmp, block);
  if (!s.ok()) return s;
  block.state_root = ssz::HashTreeRoot(tmp);
  return block;
}

// Eight aggregated attestations with distinct data and every validator's bit set, for
// a Finality::kRecent state: source = the latest justified slot J, targets J+1 (this
// one also finalizes J), then J+2..J+6, J+9, J+12 (justifiable after J), all on chain.
inline AggregatedAttestations MakeFullParticipationAttestations(const State& pre) {
  AggregatedAttestations out;
  const Checkpoint source = pre.latest_justified;
  const size_t n = pre.validators.size();
  for (uint64_t d : {1, 2, 3, 4, 5, 6, 9, 12}) {
    const Slot t = source.slot + d;
    AggregatedAttestation a;
    a.aggregation_bits = consensus::AggregationBits(n);
    for (size_t i = 0; i < n; ++i) a.aggregation_bits.Set(i, true);
    a.data.slot = t;
    a.data.source = source;
    a.data.target = Checkpoint{pre.historical_block_hashes[t], t};
    a.data.head = a.data.target;
    out.items.push_back(std::move(a));
  }
  return out;
}

// Per-iteration wall-clock durations, for a median next to Google Benchmark's mean.
class IterationTimes {
 public:
  void Add(double seconds) { samples_.push_back(seconds); }
  double MedianMicros() {
    if (samples_.empty()) return 0;
    auto mid = samples_.begin() + static_cast<ptrdiff_t>(samples_.size() / 2);
    std::nth_element(samples_.begin(), mid, samples_.end());
    return *mid * 1e6;
  }

 private:
  std::vector<double> samples_;
};

inline double Seconds(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// The {validators, history} grid of the state benchmarks.
inline void StateSizes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"validators", "history"});
  for (int64_t h : {1000, 100000}) {
    for (int64_t n : {4, 64, 1024, 4096}) b->Args({n, h});
  }
}

}  // namespace beam::bench

#endif  // BEAMCORE_BENCH_SYNTHETIC_STATE_H_
