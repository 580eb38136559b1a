// The price of durability: storing a block with its post-state (one ChainDb::PutBlock
// transaction, as an import does) under SyncMode::kNormal (synced at WAL checkpoints)
// and kFull (fsync per commit), at 64 and 4096 validators (the state's size). The
// database lives in $BEAM_BENCH_DIR (default /tmp): the figure is the disk's.

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "benchmark/benchmark.h"
#include "consensus/state_transition.h"
#include "ssz/codec.h"
#include "storage/chain_db.h"

namespace {

using beam::storage::ChainDb;
using beam::storage::SyncMode;

void BM_PutBlockWithState(benchmark::State& state) {
  const SyncMode mode = state.range(0) == 0 ? SyncMode::kNormal : SyncMode::kFull;
  const uint64_t validators = static_cast<uint64_t>(state.range(1));
  std::vector<beam::consensus::Validator> registry(validators);
  for (uint64_t i = 0; i < validators; ++i) registry[i].index = i;
  const beam::ssz::ByteVec state_ssz = beam::ssz::Encode(beam::consensus::GenerateGenesis(0, registry));
  const char* base = std::getenv("BEAM_BENCH_DIR");
  const std::string dir = std::string(base != nullptr ? base : "/tmp") + "/beam_storage_bench_" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  beam::storage::ChainDbOptions options;
  options.sync = mode;
  auto db = ChainDb::Open(dir, options);
  if (!db.ok()) {
    state.SkipWithError(std::string(db.status().message()).c_str());
    return;
  }
  uint64_t slot = 0;
  for (auto _ : state) {
    beam::storage::StoredBlock block;
    ++slot;
    std::memcpy(block.root.data(), &slot, sizeof slot);  // distinct roots
    block.slot = slot;
    block.ssz.assign(300, 0xab);  // a small block
    if (!(*db)->PutBlock(block, state_ssz).ok()) {
      state.SkipWithError("PutBlock failed");
      break;
    }
  }
  state.counters["state_bytes"] = static_cast<double>(state_ssz.size());
  state.SetItemsProcessed(state.iterations());
  db->reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_PutBlockWithState)
    ->ArgNames({"full_sync", "validators"})
    ->Args({0, 64})
    ->Args({1, 64})
    ->Args({0, 4096})
    ->Args({1, 4096})
    ->Unit(benchmark::kMicrosecond);

}  // namespace
