// VerifyPool: answers equal to the verifier's, a caller that reaches a queued ticket
// verifies it itself, a full queue drops the oldest ticket (verified by the caller),
// and a chain with the pool decides every vote as the chain without it.

#include "chain/verify_pool.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <tuple>
#include <vector>

#include "chain/beam_chain.h"
#include "gtest/gtest.h"
#include "ssz/codec.h"
#include "tests/testing/chain_fixture.h"

namespace beam::chain {
namespace {

// Valid iff the message's first byte is even; can be slowed down and counts calls.
class ParityVerifier final : public crypto::SignatureVerifier {
 public:
  bool Verify(const crypto::xmss::PublicKey&, uint64_t, const ssz::Root& message,
              const crypto::xmss::Signature&) const override {
    calls.fetch_add(1);
    if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    return message.data()[0] % 2 == 0;
  }
  mutable std::atomic<int> calls{0};
  int delay_ms = 0;
};

ssz::Root MessageNumber(uint8_t n) {
  ssz::Root r{};
  r.data()[0] = n;
  return r;
}

TEST(VerifyPoolTest, AnswersAreTheVerifiers) {
  ParityVerifier verifier;
  metrics::Registry registry;
  VerifyPool pool(2, 64, &verifier, &registry);
  std::vector<std::shared_ptr<VerifyPool::Ticket>> tickets;
  for (uint8_t n = 0; n < 40; ++n) tickets.push_back(pool.Submit({}, {}, n, MessageNumber(n), {}));
  for (uint8_t n = 0; n < 40; ++n) EXPECT_EQ(pool.Result(*tickets[n]), n % 2 == 0) << int(n);
  // Asking again gives the same answer without verifying again.
  const int calls = verifier.calls.load();
  for (uint8_t n = 0; n < 40; ++n) EXPECT_EQ(pool.Result(*tickets[n]), n % 2 == 0);
  EXPECT_EQ(verifier.calls.load(), calls);
  EXPECT_EQ(calls, 40) << "each ticket is verified exactly once";
}

// A full queue drops its oldest waiting ticket; the caller still gets the right answer
// (it verifies the dropped one itself), and the drop is counted.
TEST(VerifyPoolTest, AFullQueueDropsTheOldestAndTheCallerVerifiesIt) {
  ParityVerifier verifier;
  verifier.delay_ms = 20;  // the one thread is busy with the first ticket meanwhile
  metrics::Registry registry;
  VerifyPool pool(1, 2, &verifier, &registry);
  std::vector<std::shared_ptr<VerifyPool::Ticket>> tickets;
  for (uint8_t n = 0; n < 6; ++n) tickets.push_back(pool.Submit({}, {}, n, MessageNumber(n), {}));
  for (uint8_t n = 0; n < 6; ++n) EXPECT_EQ(pool.Result(*tickets[n]), n % 2 == 0) << int(n);
  const std::string text = registry.RenderText();
  EXPECT_NE(text.find("lean_verify_pool_dropped_total"), std::string::npos);
  EXPECT_EQ(text.find("lean_verify_pool_dropped_total 0"), std::string::npos) << text;
  EXPECT_NE(text.find("lean_verify_pool_verified_total{by=\"worker\"}"), std::string::npos);
}

// Gossip votes through a chain with the pool get exactly the statuses they get from a
// chain verifying inline (the sequential path), valid and invalid signatures alike.
TEST(VerifyPoolTest, AChainWithThePoolDecidesVotesAsOneWithout) {
  const testing::Genesis genesis = testing::MakeGenesis(4);
  const testing::ProducedChain input = testing::ProduceChain(genesis, 4, 6);
  ParityVerifier verifier;
  crypto::MockedAggregateVerifier aggregates;
  crypto::MockedAggregateProver prover;
  // Votes for the produced chain's blocks by every validator, each slot; the message
  // (the data's root) decides validity in ParityVerifier.
  std::vector<consensus::SignedAttestation> votes;
  for (const auto& a : input.aggregates) {
    for (consensus::ValidatorIndex v = 0; v < 4; ++v) {
      consensus::SignedAttestation vote;
      vote.validator_index = v;
      vote.data = a.data;
      votes.push_back(vote);
    }
  }
  ASSERT_GT(votes.size(), 8u);
  auto run = [&](bool worker, size_t threads) {
    ChainConfig config;
    config.chain_worker = worker;
    config.verify_threads = threads;
    config.is_aggregator = true;
    metrics::Registry registry;
    auto chain = BeamChain::Create(genesis.state, genesis.block, config, ChainCrypto{&verifier, &aggregates, &prover},
                                   &registry);
    EXPECT_TRUE(chain.ok());
    (void)(*chain)->SubmitTick(6 * 5 + 1);
    for (const auto& b : input.blocks) (void)(*chain)->SubmitBlock(b);
    (*chain)->WaitIdle();
    for (const auto& v : votes) (void)(*chain)->SubmitAttestation(v);
    (*chain)->WaitIdle();
    const std::string text = registry.RenderText();
    auto value = [&](const std::string& name) {
      const std::string key = "\n" + name + "{source=\"gossip\"} ";
      const size_t at = text.find(key);
      return at == std::string::npos ? -1.0 : std::stod(text.substr(at + key.size()));
    };
    if (threads > 0) {  // the votes went through tickets (verified by a pool thread or the worker)
      double ticketed = 0;
      for (const char* by : {"pool", "worker"}) {
        const std::string key = std::string("\nlean_verify_pool_verified_total{by=\"") + by + "\"} ";
        const size_t at = text.find(key);
        if (at != std::string::npos) ticketed += std::stod(text.substr(at + key.size()));
      }
      EXPECT_GT(ticketed, 0);
    }
    return std::make_pair(value("lean_attestations_valid_total"), value("lean_attestations_invalid_total"));
  };
  const auto inline_counts = run(false, 0);
  const auto worker_counts = run(true, 0);
  const auto pool_counts = run(true, 2);
  EXPECT_EQ(worker_counts, inline_counts);
  EXPECT_EQ(pool_counts, inline_counts);
  EXPECT_GT(inline_counts.first, 0);
  EXPECT_GT(inline_counts.second, 0);
}

// Jobs: each runs exactly once, by a pool thread or by the caller that asks first, and
// carries the registry root it was submitted with.
TEST(VerifyPoolTest, JobsRunOnceAndAnswerTheirStatus) {
  ParityVerifier verifier;
  metrics::Registry registry;
  VerifyPool pool(2, 64, &verifier, &registry);
  std::atomic<int> runs{0};
  std::vector<std::shared_ptr<VerifyPool::Ticket>> jobs;
  for (int n = 0; n < 30; ++n) {
    jobs.push_back(pool.SubmitJob(MessageNumber(static_cast<uint8_t>(n)), [n, &runs] {
      runs.fetch_add(1);
      return n % 3 == 0 ? absl::InvalidArgumentError("bad") : absl::OkStatus();
    }));
  }
  for (int n = 29; n >= 0; --n) {  // newest first, as the worker asks
    EXPECT_EQ(pool.JobResult(*jobs[n]).ok(), n % 3 != 0) << n;
    EXPECT_EQ(VerifyPool::RegistryOf(*jobs[n]), MessageNumber(static_cast<uint8_t>(n)));
  }
  for (int n = 0; n < 30; ++n) EXPECT_EQ(pool.JobResult(*jobs[n]).ok(), n % 3 != 0);
  EXPECT_EQ(runs.load(), 30);
  EXPECT_EQ(verifier.calls.load(), 0);
}

// Blocks and aggregates through a chain with the pool (their signatures and proofs
// checked by jobs) end as they do inline: the same head, the same rejections of a
// block and an aggregate whose proofs do not verify.
TEST(VerifyPoolTest, AChainWithThePoolDecidesBlocksAndAggregatesAsOneWithout) {
  const testing::Genesis genesis = testing::MakeGenesis(4);
  const testing::ProducedChain input = testing::ProduceChain(genesis, 4, 8);
  ASSERT_GE(input.blocks.size(), 6u);
  ASSERT_GE(input.aggregates.size(), 2u);
  // The block of slot 6 with a proof that is not the spec's placeholder: rejected
  // (as are its descendants).
  std::vector<consensus::SignedBlock> blocks = input.blocks;
  blocks[5].proof.proof.bytes = {1, 2, 3};
  std::vector<consensus::SignedAggregatedAttestation> aggregates = input.aggregates;
  aggregates[1].proof.proof.bytes = {4, 5, 6};
  ParityVerifier verifier;
  crypto::MockedAggregateVerifier proofs;
  crypto::MockedAggregateProver prover;
  auto run = [&](bool worker, size_t threads) {
    ChainConfig config;
    config.chain_worker = worker;
    config.verify_threads = threads;
    metrics::Registry registry;
    auto chain =
        BeamChain::Create(genesis.state, genesis.block, config, ChainCrypto{&verifier, &proofs, &prover}, &registry);
    EXPECT_TRUE(chain.ok());
    (void)(*chain)->SubmitTick(8 * 5 + 1);
    for (const auto& b : blocks) {
      (void)(*chain)->SubmitBlock(b);
      (*chain)->WaitIdle();  // the parent is the head when the next is queued
    }
    for (const auto& a : aggregates) (void)(*chain)->SubmitAggregate(a);
    (*chain)->WaitIdle();
    const std::string text = registry.RenderText();
    auto value = [&](const std::string& key) {
      const size_t at = text.find("\n" + key + " ");
      return at == std::string::npos ? -1.0 : std::stod(text.substr(at + key.size() + 2));
    };
    if (threads > 0) EXPECT_GT(value("lean_verify_pool_verified_total{by=\"pool\"}") +
                                   value("lean_verify_pool_verified_total{by=\"worker\"}"),
                               0);
    return std::make_tuple((*chain)->Head().root, value("lean_blocks_invalid_total"),
                           value("lean_attestations_valid_total{source=\"aggregate\"}"),
                           value("lean_attestations_invalid_total{source=\"aggregate\"}"));
  };
  const auto inline_result = run(false, 0);
  EXPECT_EQ(run(true, 2), inline_result);
  EXPECT_EQ(run(true, 0), inline_result);
  EXPECT_GE(std::get<1>(inline_result), 1);
  EXPECT_GE(std::get<3>(inline_result), 1);
}

}  // namespace
}  // namespace beam::chain
