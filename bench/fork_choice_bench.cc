// Fork choice: the production ProtoArray against the line-for-line port of the spec's
// LMD-GHOST (SpecLmdGhostHead), for V validators and a tree of B blocks.
//
// Tree (deterministic, per B): a genesis block at slot 0, then a main chain with one
// block per slot; every 8th main block also starts a side branch of 1-3 blocks
// (slots parent+1, parent+2, ..., so each branch competes with the main chain's next
// blocks). Blocks are generated until there are exactly B (B = 10000: 7993 main blocks,
// 2007 branch blocks). Roots are pseudo-random.
//
// Votes (deterministic, per V and B): each validator votes for the newest main block
// with probability 1/4, otherwise for a block drawn uniformly from the last 64 main
// blocks and the tips of the branches forking off them. The head is the newest main
// block.
//
// Start (justified) root, third argument:
//   1 = the tree root (genesis): no finality for the whole tree, the spec's worst case
//       (every vote walks back to genesis, and ProtoArray::FindHead walks the whole
//       main chain);
//   0 = the main block 32 slots behind the newest one: the normal case.
//
// BM_GetHead_*: per iteration, V/8 validators (consecutive, round-robin) move their vote
// to a new head drawn from the same distribution as above, never their current one.
// The draws are made outside the timed region.
//   - ProtoArray: timed = AddVote(old, -1) and AddVote(new, +1) per moved validator,
//     ApplyDeltas, FindHead(start). (Store::UpdateHead does the same after
//     VoteTracker::Sync; the tracker itself is not measured.) Counters deltas_us and
//     findhead_us split the mean time between the two phases.
//   - Spec: timed = SpecLmdGhostHead(blocks, start, vote_heads) with the updated votes;
//     it recomputes all weights and the children map on every call, as the spec does.
//
// BM_OnBlock_* (the fork-choice part of on_block): per iteration, one new block whose
// parent is the current head, with no new votes (the V votes above stay applied).
//   - ProtoArray: timed = Insert + ApplyDeltas + FindHead(start). The tree grows by one
//     block per iteration; to keep it at B..B+B/100 blocks, the ProtoArray is restored
//     from the pristine copy (untimed, copy-assignment, so the vectors keep their
//     capacity) every max(1, B/100) iterations. One untimed insert before the loop
//     makes the vectors grow once, so a timed insert never pays a reallocation that
//     a long-running node would amortise (absl's map is copied with spare room).
//   - Spec: timed = insert into the SpecBlockTree + SpecLmdGhostHead. The block is
//     erased again after timing, so every call sees exactly B + 1 blocks.
//
// Every head is checked against the spec (once per fixture and start, outside the
// timed region); a mismatch aborts the benchmark.
//
// Counters: validators, blocks, p50_us = per-iteration median; for get_head,
// moves = votes moved per iteration; walk = nodes FindHead descends through.
//
// Spec runs from the root of the 10000-block tree take up to seconds per call (every
// vote walks ~8000 blocks through hash-map look-ups), so they run a fixed number of
// iterations (kSpecSlowIterations = 3); the whole binary takes about a minute with
// --benchmark_min_time=0.2.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <tuple>
#include <vector>

#include <benchmark/benchmark.h>

#include "synthetic_state.h"  // IterationTimes, Seconds
#include "forkchoice/proto_array.h"
#include "forkchoice/spec_lmd_ghost.h"

namespace beam::bench {
namespace {

using Clock = std::chrono::steady_clock;
using consensus::Slot;
using forkchoice::ProtoArray;
using forkchoice::SpecBlock;
using forkchoice::SpecBlockTree;
using forkchoice::SpecLmdGhostHead;
using ssz::Root;
using Index = ProtoArray::Index;

constexpr int kBranchEvery = 8;       // every 8th main block starts a side branch
constexpr size_t kVoteWindow = 64;    // votes go to the last 64 main blocks (+ branch tips)
constexpr size_t kJustifiedLag = 32;  // the normal-case start: 32 main blocks behind the tip
constexpr int64_t kSpecSlowIterations = 3;

// splitmix64: deterministic and cheap.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t n) { return Next() % n; }
  Root RandomRoot() {
    Root r;
    for (size_t i = 0; i < 32; i += 8) {
      const uint64_t v = Next();
      for (size_t b = 0; b < 8; ++b) r[i + b] = static_cast<uint8_t>(v >> (8 * b));
    }
    if (r.IsZero()) r[0] = 1;
    return r;
  }

 private:
  uint64_t s_;
};

struct Block {
  Root root;
  Root parent_root;
  Slot slot;
};

// The tree, the votes and the reference heads for one (V, B). Block i of `blocks` is
// node i of `proto` (inserted in order).
struct Fixture {
  std::vector<Block> blocks;
  SpecBlockTree spec;
  ProtoArray proto;  // all blocks, the initial votes applied
  std::vector<Index> main_chain;
  std::vector<Index> candidates;  // vote targets besides the tip
  Index tip = 0;                  // the newest main block
  Index start[2] = {0, 0};        // [0] = 32 behind the tip, [1] = the tree root
  std::vector<Index> votes;       // each validator's vote (a node)
  Root expected_head[2];          // the spec's head for the initial votes, per start
  bool checked_after_moves[2] = {false, false};

  // A vote target: the tip with probability 1/4, otherwise a uniform candidate.
  Index DrawTarget(Rng& rng) const {
    if (rng.Below(4) == 0) return tip;
    return candidates[rng.Below(candidates.size())];
  }
  std::vector<Root> VoteRoots(const std::vector<Index>& v) const {
    std::vector<Root> out;
    out.reserve(v.size());
    for (Index i : v) out.push_back(blocks[static_cast<size_t>(i)].root);
    return out;
  }
};

std::unique_ptr<Fixture> BuildFixture(size_t validators, size_t num_blocks) {
  auto f = std::make_unique<Fixture>();
  Rng rng(0xf0c5 + num_blocks);
  std::vector<Index> branch_tips;
  std::vector<size_t> branch_fork_pos;  // position in main_chain of each branch's fork block
  auto add = [&](const Root& parent_root, Slot slot) {
    f->blocks.push_back(Block{rng.RandomRoot(), parent_root, slot});
    return static_cast<Index>(f->blocks.size() - 1);
  };
  f->main_chain.push_back(add(Root{}, 0));  // genesis: its parent is unknown
  while (f->blocks.size() < num_blocks) {
    const Index parent = f->main_chain.back();
    const Slot slot = f->blocks[static_cast<size_t>(parent)].slot + 1;
    f->main_chain.push_back(add(f->blocks[static_cast<size_t>(parent)].root, slot));
    if (f->main_chain.size() % kBranchEvery == 0) {
      const size_t fork_pos = f->main_chain.size() - 1;
      Index b = f->main_chain.back();
      const uint64_t len = 1 + rng.Below(3);
      for (uint64_t k = 0; k < len && f->blocks.size() < num_blocks; ++k) {
        const Block& pb = f->blocks[static_cast<size_t>(b)];
        b = add(pb.root, pb.slot + 1);
      }
      if (b != f->main_chain.back()) {
        branch_tips.push_back(b);
        branch_fork_pos.push_back(fork_pos);
      }
    }
  }
  const size_t m = f->main_chain.size();
  f->tip = f->main_chain.back();
  f->start[1] = f->main_chain.front();
  f->start[0] = f->main_chain[m > kJustifiedLag ? m - 1 - kJustifiedLag : 0];
  const size_t window_begin = m > kVoteWindow ? m - kVoteWindow : 0;
  for (size_t i = window_begin; i < m; ++i) f->candidates.push_back(f->main_chain[i]);
  for (size_t k = 0; k < branch_tips.size(); ++k) {
    if (branch_fork_pos[k] >= window_begin) f->candidates.push_back(branch_tips[k]);
  }

  for (const Block& b : f->blocks) {
    f->spec.emplace(b.root, SpecBlock{b.parent_root, b.slot});
    f->proto.Insert(b.root, b.parent_root, b.slot);
  }
  Rng vote_rng(0x5eed + validators * 7919 + num_blocks);
  f->votes.resize(validators);
  for (Index& v : f->votes) {
    v = f->DrawTarget(vote_rng);
    f->proto.AddVote(v, +1);
  }
  f->proto.ApplyDeltas();
  const std::vector<Root> roots = f->VoteRoots(f->votes);
  for (int s = 0; s < 2; ++s) {
    f->expected_head[s] = SpecLmdGhostHead(f->spec, f->blocks[static_cast<size_t>(f->start[s])].root, roots);
  }
  return f;
}

// Built once per (V, B) and shared by all benchmarks (Google Benchmark calls each
// function several times while it picks the iteration count).
Fixture& GetFixture(size_t validators, size_t num_blocks) {
  static std::map<std::pair<size_t, size_t>, std::unique_ptr<Fixture>> cache;
  std::unique_ptr<Fixture>& f = cache[{validators, num_blocks}];
  if (!f) f = BuildFixture(validators, num_blocks);
  return *f;
}

struct Args {
  size_t validators;
  size_t blocks;
  int at_root;  // 1: start at the tree root, 0: 32 main blocks behind the tip
};

Args ArgsOf(const benchmark::State& st) {
  return Args{static_cast<size_t>(st.range(0)), static_cast<size_t>(st.range(1)), static_cast<int>(st.range(2))};
}

void SetCommonCounters(benchmark::State& st, const Args& a, IterationTimes& times) {
  st.counters["validators"] = static_cast<double>(a.validators);
  st.counters["blocks"] = static_cast<double>(a.blocks);
  st.counters["p50_us"] = times.MedianMicros();
}

// Round-robin vote moves: each call moves the next V/8 validators (at least one) to
// a new target, different from their current vote.
class VoteMover {
 public:
  struct Move {
    Index from;
    Index to;
  };
  VoteMover(const Fixture& f, std::vector<Index>& votes) : f_(f), votes_(votes), rng_(0xabcdef + votes.size()) {}

  const std::vector<Move>& Next() {
    const size_t n = std::max<size_t>(1, votes_.size() / 8);
    batch_.clear();
    for (size_t k = 0; k < n; ++k) {
      const size_t v = next_;
      next_ = (next_ + 1) % votes_.size();
      Index to = f_.DrawTarget(rng_);
      while (to == votes_[v]) to = f_.DrawTarget(rng_);
      batch_.push_back(Move{votes_[v], to});
      votes_[v] = to;
    }
    return batch_;
  }
  size_t Validator(size_t k) const {  // the validator of batch_[k]
    return (next_ + votes_.size() - batch_.size() + k) % votes_.size();
  }

 private:
  const Fixture& f_;
  std::vector<Index>& votes_;
  Rng rng_;
  size_t next_ = 0;
  std::vector<Move> batch_;
};

// ---------------------------------------------------------------------------------
// get_head

void BM_GetHead_ProtoArray(benchmark::State& st) {
  const Args a = ArgsOf(st);
  Fixture& f = GetFixture(a.validators, a.blocks);
  ProtoArray proto = f.proto;
  std::vector<Index> votes = f.votes;
  VoteMover mover(f, votes);
  const Index start = f.start[a.at_root];
  if (proto.root(proto.FindHead(start)) != f.expected_head[a.at_root]) {
    st.SkipWithError("initial head differs from the spec");
    return;
  }
  IterationTimes times;
  double deltas_s = 0, findhead_s = 0;
  size_t moves = 0;
  Index head = ProtoArray::kNone;
  for (auto _ : st) {
    const std::vector<VoteMover::Move>& batch = mover.Next();  // untimed draws
    const auto t0 = Clock::now();
    for (const VoteMover::Move& m : batch) {
      proto.AddVote(m.from, -1);
      proto.AddVote(m.to, +1);
    }
    proto.ApplyDeltas();
    const auto t1 = Clock::now();
    head = proto.FindHead(start);
    benchmark::DoNotOptimize(head);
    const auto t2 = Clock::now();
    st.SetIterationTime(Seconds(t0, t2));
    times.Add(Seconds(t0, t2));
    deltas_s += Seconds(t0, t1);
    findhead_s += Seconds(t1, t2);
    moves += batch.size();
  }
  // The head after all the moves must still be the spec's (checked once per start).
  if (head != ProtoArray::kNone && !f.checked_after_moves[a.at_root]) {
    f.checked_after_moves[a.at_root] = true;
    const Root spec_head = SpecLmdGhostHead(f.spec, proto.root(start), f.VoteRoots(votes));
    if (proto.root(head) != spec_head) {
      st.SkipWithError("head after vote moves differs from the spec");
      return;
    }
  }
  SetCommonCounters(st, a, times);
  const double iters = static_cast<double>(std::max<int64_t>(1, st.iterations()));
  st.counters["moves"] = static_cast<double>(moves) / iters;
  st.counters["deltas_us"] = deltas_s * 1e6 / iters;
  st.counters["findhead_us"] = findhead_s * 1e6 / iters;
  st.counters["walk"] = head == ProtoArray::kNone
                            ? 0.0
                            : static_cast<double>(f.blocks[static_cast<size_t>(head)].slot -
                                                  f.blocks[static_cast<size_t>(start)].slot);
}

void BM_GetHead_Spec(benchmark::State& st) {
  const Args a = ArgsOf(st);
  Fixture& f = GetFixture(a.validators, a.blocks);
  std::vector<Index> votes = f.votes;
  std::vector<Root> vote_roots = f.VoteRoots(votes);
  VoteMover mover(f, votes);
  const Root start_root = f.blocks[static_cast<size_t>(f.start[a.at_root])].root;
  IterationTimes times;
  size_t moves = 0;
  for (auto _ : st) {
    const std::vector<VoteMover::Move>& batch = mover.Next();  // untimed draws
    for (size_t k = 0; k < batch.size(); ++k) {
      vote_roots[mover.Validator(k)] = f.blocks[static_cast<size_t>(batch[k].to)].root;
    }
    const auto t0 = Clock::now();
    Root head = SpecLmdGhostHead(f.spec, start_root, vote_roots);
    benchmark::DoNotOptimize(head);
    const auto t1 = Clock::now();
    st.SetIterationTime(Seconds(t0, t1));
    times.Add(Seconds(t0, t1));
    moves += batch.size();
  }
  SetCommonCounters(st, a, times);
  st.counters["moves"] = static_cast<double>(moves) / static_cast<double>(std::max<int64_t>(1, st.iterations()));
}

// ---------------------------------------------------------------------------------
// on_block (fork-choice part)

void BM_OnBlock_ProtoArray(benchmark::State& st) {
  const Args a = ArgsOf(st);
  Fixture& f = GetFixture(a.validators, a.blocks);
  const Index start = f.start[a.at_root];
  const size_t restore_every = std::max<size_t>(1, a.blocks / 100);
  Rng rng(0xb10c + a.validators + a.blocks);
  ProtoArray proto = f.proto;
  // One untimed insert grows the vectors; copy-assignment below keeps that capacity.
  proto.Insert(rng.RandomRoot(), f.blocks[static_cast<size_t>(f.tip)].root, f.blocks[static_cast<size_t>(f.tip)].slot + 1);
  proto = f.proto;
  Index head = proto.FindHead(start);
  if (proto.root(head) != f.expected_head[a.at_root]) {
    st.SkipWithError("initial head differs from the spec");
    return;
  }
  size_t since_restore = 0;
  bool checked = false;
  IterationTimes times;
  for (auto _ : st) {
    if (since_restore == restore_every) {  // untimed: back to B blocks
      proto = f.proto;
      head = proto.FindHead(start);
      since_restore = 0;
    }
    const Root root = rng.RandomRoot();
    const Root parent_root = proto.root(head);
    const Slot slot = proto.slot(head) + 1;
    const auto t0 = Clock::now();
    const Index inserted = proto.Insert(root, parent_root, slot);
    proto.ApplyDeltas();
    head = proto.FindHead(start);
    benchmark::DoNotOptimize(head);
    const auto t1 = Clock::now();
    st.SetIterationTime(Seconds(t0, t1));
    times.Add(Seconds(t0, t1));
    ++since_restore;
    if (!checked) {  // a block on the head, with no votes, becomes the head
      checked = true;
      if (head != inserted) {
        st.SkipWithError("the new block did not become the head");
        return;
      }
    }
  }
  SetCommonCounters(st, a, times);
}

void BM_OnBlock_Spec(benchmark::State& st) {
  const Args a = ArgsOf(st);
  Fixture& f = GetFixture(a.validators, a.blocks);
  SpecBlockTree tree = f.spec;
  const std::vector<Root> vote_roots = f.VoteRoots(f.votes);
  const Root start_root = f.blocks[static_cast<size_t>(f.start[a.at_root])].root;
  const Root parent_root = f.expected_head[a.at_root];
  const Slot slot = tree.at(parent_root).slot + 1;
  Rng rng(0xb10c + a.validators + a.blocks);
  bool checked = false;
  IterationTimes times;
  for (auto _ : st) {
    const Root root = rng.RandomRoot();
    const auto t0 = Clock::now();
    tree.emplace(root, SpecBlock{parent_root, slot});
    Root head = SpecLmdGhostHead(tree, start_root, vote_roots);
    benchmark::DoNotOptimize(head);
    const auto t1 = Clock::now();
    st.SetIterationTime(Seconds(t0, t1));
    times.Add(Seconds(t0, t1));
    tree.erase(root);  // untimed: back to B blocks
    if (!checked) {
      checked = true;
      if (head != root) {
        st.SkipWithError("the new block did not become the head");
        return;
      }
    }
  }
  SetCommonCounters(st, a, times);
}

// ---------------------------------------------------------------------------------
// Registration: args (validators, blocks, justified_at_root).

void Grid(benchmark::internal::Benchmark* b, std::initializer_list<int64_t> block_counts,
          std::initializer_list<int64_t> at_roots) {
  b->ArgNames({"validators", "blocks", "justified_at_root"});
  for (int64_t blocks : block_counts) {
    for (int64_t at_root : at_roots) {
      for (int64_t v : {64, 1024, 4096}) b->Args({v, blocks, at_root});
    }
  }
}
void AllCases(benchmark::internal::Benchmark* b) { Grid(b, {100, 10000}, {1, 0}); }
// The spec from the root of a 10000-block tree takes up to seconds per call.
void SpecFastCases(benchmark::internal::Benchmark* b) {
  Grid(b, {100}, {1, 0});
  Grid(b, {10000}, {0});
}
void SpecSlowCases(benchmark::internal::Benchmark* b) { Grid(b, {10000}, {1}); }

BENCHMARK(BM_GetHead_ProtoArray)->Apply(AllCases)->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_GetHead_Spec)->Apply(SpecFastCases)->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_GetHead_Spec)
    ->Apply(SpecSlowCases)
    ->Iterations(kSpecSlowIterations)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_OnBlock_ProtoArray)->Apply(AllCases)->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_OnBlock_Spec)->Apply(SpecFastCases)->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_OnBlock_Spec)
    ->Apply(SpecSlowCases)
    ->Iterations(kSpecSlowIterations)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace beam::bench
