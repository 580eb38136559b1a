#include "chain/aggregate_coverage.h"

#include <set>
#include <string>

#include "chain/beam_chain.h"
#include "gtest/gtest.h"
#include "tests/testing/chain_fixture.h"
#include "tests/testing/feed.h"

namespace beam::chain {
namespace {

constexpr uint64_t kValidators = 4;

bool Has(const std::string& text, const std::string& line) { return text.find(line + "\n") != std::string::npos; }

std::string Validators(const char* section, const char* subnet = "combined") {
  return std::string("lean_attestation_aggregate_coverage_validators{section=\"") + section + "\",subnet=\"" + subnet +
         "\"}";
}
std::string Subnets(const char* section) {
  return std::string("lean_attestation_aggregate_coverage_subnets{section=\"") + section + "\"}";
}
std::string Diff(const char* direction) {
  return std::string("lean_attestation_aggregate_coverage_diff_validators{direction=\"") + direction + "\"}";
}

consensus::Block BlockWithVotes(const std::vector<std::pair<Slot, std::vector<ValidatorIndex>>>& votes) {
  consensus::Block block;
  for (const auto& [slot, who] : votes) {
    consensus::AggregatedAttestation a;
    a.data.slot = slot;
    a.aggregation_bits = validator::AggregationBitsFromIndices(who);
    block.body.attestations.items.push_back(a);
  }
  return block;
}

TEST(AggregateCoverageTest, RegistersTheSpecsDefaultSeries) {
  metrics::Registry registry;
  AggregateCoverage coverage(&registry);
  const std::string text = registry.RenderText();
  for (const char* section : {"timely", "late", "block", "combined", "aggregate_start_new", "proposal_payloads",
                              "proposal_gossip", "proposal_combined"}) {
    EXPECT_TRUE(Has(text, Validators(section) + " 0")) << section;
    EXPECT_TRUE(Has(text, Subnets(section) + " 0")) << section;
  }
  EXPECT_TRUE(Has(text, Diff("block_only") + " 0"));
  EXPECT_TRUE(Has(text, Diff("timely_only") + " 0"));
}

TEST(AggregateCoverageTest, RoundReportComparesTheBlockWithWhatArrivedInTime) {
  metrics::Registry registry;
  AggregateCoverage coverage(&registry);
  const ssz::Root head = ssz::Root::FromSpan(ssz::ByteVec(32, 7));
  // Round 5: validators 0, 1, 2 were pending at the promotion (plus a round-4 vote);
  // the head block carries 1, 2, 3 (and a round-4 vote for 0); 4 arrived late.
  coverage.BeforePromotion({{5, {0, 1}}, {5, {2}}, {4, {5}}});
  coverage.RememberBlock(head, AggregateCoverage::FromBlock(BlockWithVotes({{5, {1, 2, 3}}, {4, {0}}})));
  coverage.ReportRound(5, head, {{5, {4}}, {6, {5}}}, /*validator_count=*/8);
  const std::string text = registry.RenderText();
  EXPECT_TRUE(Has(text, Validators("timely") + " 3"));
  EXPECT_TRUE(Has(text, Validators("timely", "subnet_0") + " 3"));  // one attestation subnet
  EXPECT_TRUE(Has(text, Subnets("timely") + " 1"));
  EXPECT_TRUE(Has(text, Validators("late") + " 1"));
  EXPECT_TRUE(Has(text, Validators("block") + " 3"));
  EXPECT_TRUE(Has(text, Validators("combined") + " 5"));
  EXPECT_TRUE(Has(text, Diff("block_only") + " 1"));   // 3
  EXPECT_TRUE(Has(text, Diff("timely_only") + " 1"));  // 0

  // A head that does not carry the round (or is unknown) leaves the report alone.
  coverage.ReportRound(6, head, {{6, {0, 1, 2, 3}}}, 8);
  coverage.ReportRound(5, ssz::Root(), {}, 8);
  EXPECT_EQ(registry.RenderText(), text);
}

TEST(AggregateCoverageTest, AggregationStartAndProposal) {
  metrics::Registry registry;
  AggregateCoverage coverage(&registry);
  coverage.OnAggregationStart({{3, {0, 1}}, {2, {1, 2}}, {3, {9}}}, /*validator_count=*/4);  // 9: not a validator
  // A produced block carrying 0, 1 (backed by a counted proof) and 2 (not).
  const consensus::Block block = BlockWithVotes({{3, {0, 1, 2}}});
  consensus::SingleMessageAggregate proof;
  proof.participants = validator::AggregationBitsFromIndices({0, 1});
  const std::vector<validator::AttestationCandidate> counted = {
      {block.body.attestations[0].data, ssz::HashTreeRoot(block.body.attestations[0].data), {proof}}};
  coverage.OnProposal(block, counted, 4);
  const std::string text = registry.RenderText();
  EXPECT_TRUE(Has(text, Validators("aggregate_start_new") + " 3"));
  EXPECT_TRUE(Has(text, Validators("proposal_payloads") + " 2"));
  EXPECT_TRUE(Has(text, Validators("proposal_gossip") + " 1"));
  EXPECT_TRUE(Has(text, Validators("proposal_combined") + " 3"));
  EXPECT_TRUE(Has(text, Subnets("proposal_combined") + " 1"));
}

// On a chain: every round's votes arrive in time and the next block carries them all.
TEST(AggregateCoverageTest, ChainReportsEachRound) {
  const testing::Genesis genesis = testing::MakeGenesis(kValidators);
  const testing::ProducedChain input = testing::ProduceChain(genesis, kValidators, 3);
  testing::AcceptAllSignatures signatures;
  crypto::MockedAggregateVerifier verifier;
  crypto::MockedAggregateProver prover;
  metrics::Registry registry;
  ChainConfig config;
  config.chain_worker = false;
  auto chain = BeamChain::Create(genesis.state, genesis.block, config, ChainCrypto{&signatures, &verifier, &prover},
                                 &registry);
  ASSERT_TRUE(chain.ok()) << chain.status();
  testing::FeedSlots(**chain, input, 1, 3, [&](uint64_t slot) {
    if (slot < 2) return;  // the block of slot 2 carries round 1, the first with votes
    const std::string text = registry.RenderText();
    EXPECT_TRUE(Has(text, Validators("block") + " 4")) << slot;
    EXPECT_TRUE(Has(text, Validators("timely") + " 4")) << slot;
    EXPECT_TRUE(Has(text, Validators("late") + " 0")) << slot;
    EXPECT_TRUE(Has(text, Validators("combined") + " 4")) << slot;
    EXPECT_TRUE(Has(text, Diff("block_only") + " 0")) << slot;
    EXPECT_TRUE(Has(text, Diff("timely_only") + " 0")) << slot;
  });
  // This node's own proposal: the validators its block carries, all from counted proofs.
  absl::StatusOr<forkchoice::ProducedBlock> produced = (*chain)->ProduceBlock(4, 4 % kValidators);
  ASSERT_TRUE(produced.ok()) << produced.status();
  std::set<ValidatorIndex> carried;
  for (const consensus::AggregatedAttestation& a : produced->block.body.attestations) {
    for (ValidatorIndex v : forkchoice::ParticipantIndices(a.aggregation_bits)) carried.insert(v);
  }
  ASSERT_FALSE(carried.empty());
  const std::string text = registry.RenderText();
  EXPECT_TRUE(Has(text, Validators("proposal_combined") + " " + std::to_string(carried.size())));
  EXPECT_TRUE(Has(text, Validators("proposal_payloads") + " " + std::to_string(carried.size())));
  EXPECT_TRUE(Has(text, Validators("proposal_gossip") + " 0"));
}

}  // namespace
}  // namespace beam::chain
