#include "storage/chain_db.h"

#include <unistd.h>

#include <filesystem>

#include "chain/beam_chain.h"
#include "gtest/gtest.h"
#include "ssz/codec.h"
#include "ssz/container.h"
#include "tests/testing/chain_fixture.h"
#include "tests/testing/feed.h"

namespace beam::storage {
namespace {

constexpr uint64_t kValidators = 4;

std::string FreshDir(const std::string& name) {
  const std::string dir = ::testing::TempDir() + "/beam_storage_" + name + "_" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  return dir;
}

class ChainStorageTest : public ::testing::Test {
 protected:
  absl::StatusOr<std::unique_ptr<chain::BeamChain>> MakeChain(ChainDb* db, const testing::Genesis& genesis,
                                                              uint64_t anchor_interval_slots = 32) {
    chain::ChainConfig config;
    config.chain_worker = false;
    config.db = db;
    config.storage_anchor_interval_slots = anchor_interval_slots;
    return chain::BeamChain::Create(genesis.state, genesis.block, config,
                                    chain::ChainCrypto{&signatures_, &aggregates_, &prover_}, &registry_);
  }

  testing::Genesis genesis_ = testing::MakeGenesis(kValidators);
  testing::AcceptAllSignatures signatures_;
  crypto::MockedAggregateVerifier aggregates_;
  crypto::MockedAggregateProver prover_;
  metrics::Registry registry_;
};

// Run with the restart anchor moved at every finalization (0) and with the default
// interval (32 slots: here it stays at genesis and a restart replays every block).
class ChainStorageRestartTest : public ChainStorageTest, public ::testing::WithParamInterface<uint64_t> {};
INSTANTIATE_TEST_SUITE_P(AnchorInterval, ChainStorageRestartTest, ::testing::Values(0, 32));

TEST_P(ChainStorageRestartTest, RestartResumesFromFinalizedAndReplaysToTheSameHead) {
  const uint64_t interval = GetParam();
  const std::string dir = FreshDir("restart" + std::to_string(interval));
  const uint64_t slots = 20;
  const testing::ProducedChain input = testing::ProduceChain(genesis_, kValidators, slots, /*fork_every=*/5);
  consensus::Checkpoint head, justified, finalized;
  {
    auto db = ChainDb::Open(dir);
    ASSERT_TRUE(db.ok()) << db.status();
    auto chain = MakeChain(db->get(), genesis_, interval);
    ASSERT_TRUE(chain.ok()) << chain.status();
    testing::FeedSlots(**chain, input, 1, slots);
    head = (*chain)->Head();
    justified = (*chain)->Justified();
    finalized = (*chain)->Finalized();
    ASSERT_GT(finalized.slot, 5u);
    EXPECT_EQ(head.root, input.head);
    // One state is stored, the restart anchor's: the finalized block's when the
    // anchor moves at every finalization, else still genesis'. Finalization dropped
    // the dead forks' blocks.
    EXPECT_EQ((*db)->StateCount(), 1u);
    EXPECT_TRUE((*db)->HasState(interval == 0 ? finalized.root : ssz::HashTreeRoot(genesis_.block)));
    EXPECT_LT((*db)->BlockCount(), input.blocks.size());
    // History below the fork-choice tree is served from the stored finalized index.
    const auto canonical = (*chain)->CanonicalBlockRoots(0, 1000);
    ASSERT_EQ(canonical.size(), slots + 1);
    EXPECT_EQ(canonical.back().second, head.root);
    EXPECT_TRUE((*db)->CheckIntegrity().ok());
  }
  auto db = ChainDb::Open(dir);
  ASSERT_TRUE(db.ok()) << db.status();
  auto chain = MakeChain(db->get(), genesis_, interval);
  ASSERT_TRUE(chain.ok()) << chain.status();
  EXPECT_EQ((*chain)->Head(), head);
  EXPECT_EQ((*chain)->Finalized(), finalized);
  EXPECT_EQ((*chain)->Justified(), justified);
  EXPECT_EQ((*chain)->CanonicalBlockRoots(0, 1000).size(), slots + 1);
  // Blocks are served after a restart, from history and from the live tree.
  EXPECT_TRUE((*chain)->GetBlockSsz(head.root).has_value());
  const auto first = (*chain)->CanonicalBlockRoots(1, 1);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_TRUE((*chain)->GetBlockSsz(first[0].second).has_value());
  // The chain goes on from where it was.
  const testing::ProducedChain longer = testing::ProduceChain(genesis_, kValidators, slots + 4, /*fork_every=*/5);
  testing::FeedSlots(**chain, longer, slots + 1, slots + 4);
  EXPECT_EQ((*chain)->Head().root, longer.head);
  std::filesystem::remove_all(dir);
}

TEST_F(ChainStorageTest, ADirectoryInUseIsRefused) {
  const std::string dir = FreshDir("locked");
  auto first = ChainDb::Open(dir);
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = ChainDb::Open(dir);
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(second.status()));
  EXPECT_NE(second.status().message().find("in use"), std::string::npos) << second.status();
  first->reset();
  EXPECT_TRUE(ChainDb::Open(dir).ok());  // released with its owner
  std::filesystem::remove_all(dir);
}

TEST_F(ChainStorageTest, ADirectoryOfAnotherChainIsRefused) {
  const std::string dir = FreshDir("other_chain");
  {
    auto db = ChainDb::Open(dir);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(MakeChain(db->get(), genesis_).ok());
  }
  auto db = ChainDb::Open(dir);
  ASSERT_TRUE(db.ok());
  const testing::Genesis other = testing::MakeGenesis(kValidators + 1);
  auto chain = MakeChain(db->get(), other);
  ASSERT_FALSE(chain.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(chain.status())) << chain.status();
  std::filesystem::remove_all(dir);
}

TEST_F(ChainStorageTest, BlockRoundTripAndIdempotentPut) {
  const std::string dir = FreshDir("blocks");
  auto db = ChainDb::Open(dir);
  ASSERT_TRUE(db.ok());
  StoredBlock b{ssz::Root{}, 7, ssz::Root{}, {1, 2, 3}};
  b.root.bytes[0] = 9;
  ASSERT_TRUE((*db)->PutBlock(b, ssz::ByteView()).ok());
  ASSERT_TRUE((*db)->PutBlock(b, ssz::ByteView()).ok());
  EXPECT_EQ((*db)->BlockCount(), 1u);
  EXPECT_EQ((*db)->GetBlock(b.root), b.ssz);
  EXPECT_FALSE((*db)->GetBlock(ssz::Root{}).has_value());
  auto after = (*db)->BlocksAfterSlot(6);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ((*after)[0].slot, 7u);
  EXPECT_TRUE((*db)->BlocksAfterSlot(7)->empty());
  // No anchor yet.
  EXPECT_TRUE(absl::IsNotFound((*db)->LoadAnchor().status()));
  // A finalization before any anchor is recorded is refused and changes nothing.
  const std::vector<std::pair<uint64_t, ssz::Root>> chain = {{7, b.root}};
  EXPECT_TRUE(absl::IsFailedPrecondition((*db)->Finalize(consensus::Checkpoint{b.root, 7}, std::nullopt, chain,
                                                         std::nullopt)));
  EXPECT_TRUE((*db)->FinalizedRange(0, 100).empty());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace beam::storage
