// Stress: several threads flood one BeamChain (worker on, two verification-pool
// threads) with blocks (with forks), then aggregates, then gossip votes (half with
// signatures that do not verify), while others read (status, presence, state borrows,
// metrics) and fetch-dedup; finalization prunes meanwhile. The final head, justified
// and finalized checkpoints and the counts of valid and invalid votes must equal those
// of a single-threaded replay of the same input (inline, no pool). A watchdog turns a deadlock into a failure. Run under the tsan and asan
// presets in CI.
//
// BEAM_STRESS_SECONDS=N repeats rounds for about N seconds (default 2).

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <thread>

#include "chain/beam_chain.h"
#include "gtest/gtest.h"
#include "tests/testing/chain_fixture.h"

namespace beam::chain {
namespace {

constexpr uint64_t kValidators = 8;
constexpr uint64_t kSlots = 24;

// Aborts the process if not disarmed within `seconds` (a deadlock must not hang CI).
class Watchdog {
 public:
  explicit Watchdog(int seconds) : thread_([this, seconds] {
    MutexLock lock(&mu_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (!done_) {
      if (std::chrono::steady_clock::now() >= deadline) {
        std::fprintf(stderr, "chain_stress: watchdog fired after %d s (deadlock?)\n", seconds);
        std::abort();
      }
      cv_.WaitFor(&mu_, std::chrono::milliseconds(100));
    }
  }) {}
  ~Watchdog() {
    {
      MutexLock lock(&mu_);
      done_ = true;
    }
    cv_.SignalAll();
    thread_.join();
  }

 private:
  Mutex mu_;
  CondVar cv_;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

struct Outcome {
  Checkpoint head, justified, finalized;
  double votes_valid = 0, votes_invalid = 0;  // gossip votes (lean_attestations_*_total)
};

// Valid iff the signature's first randomness element is even (VotesOf sets it to the
// validator index): gossip votes whose result the chain must reproduce, whether the
// worker or the verification pool checks them.
class ParitySignatures final : public crypto::SignatureVerifier {
 public:
  bool Verify(const crypto::xmss::PublicKey&, uint64_t, const ssz::Root&,
              const crypto::xmss::Signature& signature) const override {
    return signature.rho[0].value % 2 == 0;
  }
};

double GossipVotes(const metrics::Registry& registry, const char* name) {
  const std::string text = registry.RenderText();
  const std::string key = std::string("\n") + name + "{source=\"gossip\"} ";
  const size_t at = text.find(key);
  return at == std::string::npos ? 0 : std::stod(text.substr(at + key.size()));
}

// Every validator's vote for the data of each aggregate of the last slots (older ones
// name pruned blocks by the time they come, and never reach the signature check).
std::vector<SignedAttestation> VotesOf(const testing::ProducedChain& input) {
  std::vector<SignedAttestation> votes;
  for (const auto& a : input.aggregates) {
    if (a.data.slot + 3 < kSlots) continue;
    for (ValidatorIndex v = 0; v < kValidators; ++v) {
      SignedAttestation vote;
      vote.validator_index = v;
      vote.data = a.data;
      vote.signature.rho[0].value = static_cast<uint32_t>(v);
      votes.push_back(vote);
    }
  }
  return votes;
}

class ChainStress : public ::testing::Test {
 protected:
  std::unique_ptr<BeamChain> MakeChain(bool worker, metrics::Registry* registry, ChainWorkerLimits limits = {}) {
    ChainConfig config;
    config.chain_worker = worker;
    config.verify_threads = worker ? 2 : 0;  // with the worker, votes are verified ahead
    config.worker_limits = limits;
    auto chain = BeamChain::Create(genesis_.state, genesis_.block, config,
                                   ChainCrypto{&signatures_, &aggregates_, &prover_}, registry);
    EXPECT_TRUE(chain.ok()) << chain.status();
    return std::move(*chain);
  }

  Outcome Replay(const testing::ProducedChain& input) {
    metrics::Registry registry;
    auto chain = MakeChain(/*worker=*/false, &registry);
    (void)chain->SubmitTick(kSlots * 5);
    for (const auto& b : input.blocks) (void)chain->SubmitBlock(b);
    for (const auto& a : input.aggregates) (void)chain->SubmitAggregate(a);
    for (const auto& v : VotesOf(input)) (void)chain->SubmitAttestation(v);
    (void)chain->SubmitTick(kSlots * 5 + 4);
    return Outcome{chain->Head(), chain->Justified(), chain->Finalized(),
                   GossipVotes(registry, "lean_attestations_valid_total"),
                   GossipVotes(registry, "lean_attestations_invalid_total")};
  }

  Outcome Concurrent(const testing::ProducedChain& input, uint64_t seed) {
    metrics::Registry registry;
    auto chain = MakeChain(/*worker=*/true, &registry);
    std::vector<Root> roots;
    for (const auto& b : input.blocks) roots.push_back(ssz::HashTreeRoot(b.block));

    std::atomic<bool> stop{false};
    std::atomic<uint64_t> reads{0};
    std::vector<std::thread> readers;
    for (int r = 0; r < 3; ++r) {
      readers.emplace_back([&, r] {
        std::mt19937_64 rng(seed * 31 + r);
        std::vector<bool> present;
        while (!stop.load()) {
          const wire::Status status = chain->GetStatus();
          EXPECT_LE(status.finalized.slot, status.head.slot);
          std::unique_ptr<bool[]> out(new bool[roots.size()]);
          chain->HasBlocksBatch(roots, absl::Span<bool>(out.get(), roots.size()));
          if (BorrowedState head = chain->GetHeadState()) {
            EXPECT_LE(head->slot, kSlots);
          }
          if (BorrowedState fin = chain->GetFinalizedState()) {
            EXPECT_LE(fin->latest_finalized.slot, kSlots);
            fin.Release();
          }
          const Root& root = roots[rng() % roots.size()];
          if (RcState shared = chain->ShareState(root)) {
            EXPECT_EQ(shared->latest_block_header.slot, shared->slot);
          }
          (void)chain->SlotOf(root);
          (void)chain->GetSyncStatus();
          if (r == 0) {
            // Serving side: fetch dedup over random roots.
            std::vector<Root> ask = {roots[rng() % roots.size()], roots[rng() % roots.size()]};
            std::vector<Root> fetch = chain->SelectRootsToFetch(ask);
            chain->ReportFetch(fetch, FetchOutcome::kFetchNoPeers);
          }
          if (r == 1 && rng() % 16 == 0) (void)registry.RenderText();
          ++reads;
        }
      });
    }

    (void)chain->SubmitTick(kSlots * 5);
    chain->WaitIdle();
    // Blocks: three producers, each with a shuffled share.
    auto flood = [&](auto& items, auto submit) {
      std::vector<std::thread> producers;
      for (int p = 0; p < 3; ++p) {
        producers.emplace_back([&, p] {
          std::vector<size_t> mine;
          for (size_t i = p; i < items.size(); i += 3) mine.push_back(i);
          std::shuffle(mine.begin(), mine.end(), std::mt19937_64(seed + p));
          for (size_t i : mine) submit(items[i]);
        });
      }
      for (auto& t : producers) t.join();
      chain->WaitIdle();
    };
    flood(input.blocks, [&](const SignedBlock& b) { EXPECT_TRUE(chain->SubmitBlock(b).ok()); });
    flood(input.aggregates, [&](const SignedAggregatedAttestation& a) { (void)chain->SubmitAggregate(a); });
    const std::vector<SignedAttestation> votes = VotesOf(input);
    flood(votes, [&](const SignedAttestation& v) { (void)chain->SubmitAttestation(v); });
    (void)chain->SubmitTick(kSlots * 5 + 4);
    chain->WaitIdle();
    // A round can end before a reader completes its first pass on a busy machine; let
    // every reader get at least one in (the check below is about them running at all).
    while (reads.load() < readers.size()) std::this_thread::yield();
    stop = true;
    for (auto& t : readers) t.join();
    EXPECT_GT(reads.load(), 0u);
    const std::string text = registry.RenderText();
    EXPECT_NE(text.find("lean_verify_pool_verified_total{by=\"pool\"} "), std::string::npos)
        << "the votes did not go through the verification pool";
    return Outcome{chain->Head(), chain->Justified(), chain->Finalized(),
                   GossipVotes(registry, "lean_attestations_valid_total"),
                   GossipVotes(registry, "lean_attestations_invalid_total")};
  }

  testing::Genesis genesis_ = testing::MakeGenesis(kValidators);
  ParitySignatures signatures_;
  crypto::MockedAggregateVerifier aggregates_;
  crypto::MockedAggregateProver prover_;
};

int StressSeconds() {
  const char* env = std::getenv("BEAM_STRESS_SECONDS");
  return env != nullptr ? std::max(0, std::atoi(env)) : 2;
}

TEST_F(ChainStress, ConcurrentIngestEqualsSingleThreadedReplay) {
  Watchdog watchdog(300 + StressSeconds());
  const testing::ProducedChain input = testing::ProduceChain(genesis_, kValidators, kSlots, /*fork_every=*/3);
  ASSERT_GT(input.finalized.slot, 0u);
  const Outcome expected = Replay(input);
  EXPECT_EQ(expected.head.root, input.head);
  EXPECT_GT(expected.votes_valid, 0);
  EXPECT_GT(expected.votes_invalid, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(StressSeconds());
  uint64_t round = 0;
  do {
    const Outcome got = Concurrent(input, round);
    ASSERT_EQ(got.head, expected.head) << "round " << round;
    ASSERT_EQ(got.justified, expected.justified) << "round " << round;
    ASSERT_EQ(got.finalized, expected.finalized) << "round " << round;
    ASSERT_EQ(got.votes_valid, expected.votes_valid) << "round " << round;
    ASSERT_EQ(got.votes_invalid, expected.votes_invalid) << "round " << round;
    ++round;
  } while (std::chrono::steady_clock::now() < deadline);
}

TEST_F(ChainStress, SaturatedQueuesCountDropsAndNeverBlock) {
  Watchdog watchdog(120);
  metrics::Registry registry;
  ChainWorkerLimits limits;
  limits.attestations = 64;
  limits.aggregates = 16;
  auto chain = MakeChain(/*worker=*/true, &registry, limits);
  const testing::ProducedChain input = testing::ProduceChain(genesis_, kValidators, 4);
  constexpr int kPerThread = 3000;
  std::vector<std::thread> floods;
  for (int t = 0; t < 4; ++t) {
    floods.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        if (t % 2 == 0) {
          SignedAttestation a;  // unknown blocks: rejected cheaply by the worker
          a.validator_index = i % kValidators;
          a.data.slot = i;
          (void)chain->SubmitAttestation(a);
        } else {
          (void)chain->SubmitAggregate(input.aggregates[i % input.aggregates.size()]);
        }
      }
    });
  }
  for (auto& f : floods) f.join();
  chain->WaitIdle();
  const std::string text = registry.RenderText();
  auto value_of = [&](const std::string& series) {
    const size_t p = text.find(series);
    return p == std::string::npos ? -1.0 : std::atof(text.c_str() + p + series.size());
  };
  const double dropped_attestations = value_of("lean_chain_queue_dropped_total{queue=\"attestations\"} ");
  const double dropped_aggregates = value_of("lean_chain_queue_dropped_total{queue=\"aggregates\"} ");
  const double handled = value_of("lean_attestations_invalid_total{source=\"gossip\"} ") +
                         value_of("lean_attestations_valid_total{source=\"gossip\"} ");
  const double handled_aggregates = value_of("lean_attestations_invalid_total{source=\"aggregate\"} ") +
                                    value_of("lean_attestations_valid_total{source=\"aggregate\"} ");
  // Every submission was either handled or counted as dropped.
  EXPECT_EQ(dropped_attestations + handled, 2.0 * kPerThread);
  EXPECT_EQ(dropped_aggregates + handled_aggregates, 2.0 * kPerThread);
  EXPECT_NE(text.find("lean_chain_queue_depth{queue=\"attestations\"} 0"), std::string::npos);
}

}  // namespace
}  // namespace beam::chain
