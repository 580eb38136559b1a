// Memory of one node during non-finality: blocks keep coming, no vote lands, so every
// block stays unfinalized with its post-state in memory. The growth of the process's
// resident set per block is the figure (states share structure: a block's state holds
// new copies only of what the block changed), at 64 and 4096 validators.
//
// One inline node (memory only) builds BEAM_MEMORY_BLOCKS (default 2000) empty blocks;
// the heap in use (glibc mallinfo2: what the node holds) and the RSS are read before
// and after, past a warm-up of 100 blocks. Run one argument per process for a clean
// RSS figure (memory freed by an earlier run is reused).

#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "beamcore/beamcore.h"
#include "benchmark/benchmark.h"
#include "consensus/state_transition.h"
#include "ssz/codec.h"
#include "synthetic_state.h"

namespace {

double RssBytes() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long size = 0, resident = 0;
  const int n = std::fscanf(f, "%lu %lu", &size, &resident);
  std::fclose(f);
  return n == 2 ? static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) : 0;
}

// Bytes the allocator has handed out and not had back (glibc mallinfo2): what the
// node holds, without the arenas' slack that RSS also counts.
double HeapInUse() { return static_cast<double>(mallinfo2().uordblks); }

bool Produce(beam_node* node, uint64_t validators, uint64_t from, uint64_t to) {
  for (uint64_t slot = from; slot <= to; ++slot) {
    beam_buffer block{nullptr, 0};
    if (beam_node_tick(node, slot * 5) != BEAM_OK ||
        beam_node_produce_block(node, slot, slot % validators, &block) != BEAM_OK) {
      return false;
    }
    beam_buffer_free(&block);
  }
  return true;
}

void BM_RssPerUnfinalizedBlock(benchmark::State& state) {
  const uint64_t validators = static_cast<uint64_t>(state.range(0));
  const char* env = std::getenv("BEAM_MEMORY_BLOCKS");
  const uint64_t blocks = env != nullptr ? std::strtoull(env, nullptr, 10) : 2000;
  constexpr uint64_t kWarmUp = 100;
  std::vector<beam::consensus::Validator> registry(validators);
  for (uint64_t v = 0; v < validators; ++v) registry[v].index = v;
  const beam::ssz::ByteVec genesis = beam::ssz::Encode(beam::consensus::GenerateGenesis(0, registry));
  for (auto _ : state) {
    beam_node_config config = BEAM_NODE_CONFIG_INIT;
    config.anchor_state_ssz = genesis.data();
    config.anchor_state_len = genesis.size();
    config.chain_worker = 0;
    beam_node* node = nullptr;
    if (beam_node_create(&config, &node) != BEAM_OK || !Produce(node, validators, 1, kWarmUp)) {
      state.SkipWithError(beam_last_error());
      beam_node_destroy(node);
      break;
    }
    const double before = RssBytes();
    const double heap_before = HeapInUse();
    if (!Produce(node, validators, kWarmUp + 1, kWarmUp + blocks)) state.SkipWithError(beam_last_error());
    const double after = RssBytes();
    const double heap_after = HeapInUse();
    beam_checkpoint finalized{};
    if (beam_node_finalized(node, &finalized) != BEAM_OK || finalized.slot != 0) {
      state.SkipWithError("the chain finalized: the blocks were not all unfinalized");
    }
    state.counters["rss_before_mib"] = before / (1 << 20);
    state.counters["rss_after_mib"] = after / (1 << 20);
    state.counters["rss_bytes_per_block"] = (after - before) / static_cast<double>(blocks);
    state.counters["heap_bytes_per_block"] = (heap_after - heap_before) / static_cast<double>(blocks);
    state.counters["genesis_state_bytes"] = static_cast<double>(genesis.size());
    beam_node_destroy(node);
  }
}
BENCHMARK(BM_RssPerUnfinalizedBlock)->ArgName("validators")->Arg(64)->Arg(4096)->Iterations(1)
    ->Unit(benchmark::kSecond);

// One node at 4096 validators whose state carries a long history (BEAM_MEMORY_HISTORY
// slots, default 100,000: historical_block_hashes alone is 3.2 MB), anchored on it
// (memory only) and importing 100 blocks on top: the process's RSS and heap growth
// from just before the node is created.
void BM_RssWithLongHistory(benchmark::State& state) {
  const uint64_t validators = static_cast<uint64_t>(state.range(0));
  const char* env = std::getenv("BEAM_MEMORY_HISTORY");
  const uint64_t history = env != nullptr ? std::strtoull(env, nullptr, 10) : 100000;
  beam::consensus::State synthetic =
      beam::bench::MakeSyntheticState(validators, history, beam::bench::Finality::kRecent);
  // Keys the node can decode (it derives the proposer's key for each block it makes).
  for (size_t i = 0; i < synthetic.validators.size(); ++i) {
    synthetic.validators.Set(i, beam::consensus::Validator{{}, {}, synthetic.validators[i].index});
  }
  const beam::ssz::ByteVec anchor = beam::ssz::Encode(synthetic);
  for (auto _ : state) {
    const double before = RssBytes();
    const double heap_before = HeapInUse();
    beam_node_config config = BEAM_NODE_CONFIG_INIT;
    config.anchor_state_ssz = anchor.data();
    config.anchor_state_len = anchor.size();
    config.chain_worker = 0;
    beam_node* node = nullptr;
    if (beam_node_create(&config, &node) != BEAM_OK || !Produce(node, validators, history + 1, history + 100)) {
      state.SkipWithError(beam_last_error());
      beam_node_destroy(node);
      break;
    }
    state.counters["rss_node_mib"] = (RssBytes() - before) / (1 << 20);
    state.counters["heap_node_mib"] = (HeapInUse() - heap_before) / (1 << 20);
    state.counters["rss_process_mib"] = RssBytes() / (1 << 20);
    state.counters["anchor_state_mib"] = static_cast<double>(anchor.size()) / (1 << 20);
    beam_node_destroy(node);
  }
}
BENCHMARK(BM_RssWithLongHistory)->ArgName("validators")->Arg(4096)->Iterations(1)->Unit(benchmark::kSecond);

}  // namespace
