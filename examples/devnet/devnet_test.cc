// Unit tests of the devnet's own parts: the gossip mesh with relay (SimNetwork) and the
// pass criterion (LivenessMonitor) and the checked host calls (DevnetNode).

#include <beamcore/beamcore.h>
#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <vector>

#include "byzantine.h"
#include "devnet_node.h"
#include "liveness.h"
#include "options.h"
#include "sim_network.h"

namespace devnet {
namespace {

Options MeshOptions(int degree, int low, int high) {
  Options o;
  o.mesh_degree = degree;
  o.mesh_low = low;
  o.mesh_high = high;
  o.latency_ms = 10;
  o.jitter_ms = 0;
  return o;
}

// Floods one message from node 0 the way the driver does: every delivery is accepted
// and relayed. Returns the nodes it reached (the publisher included).
std::set<int> Flood(SimNetwork& net, const std::vector<uint8_t>& payload, uint64_t* deliveries = nullptr) {
  std::set<int> reached = {0};
  net.Publish(0, /*topic=*/1, payload.data(), payload.size());
  uint64_t delivered = 0;
  while (std::optional<Message> m = net.PopDue(UINT64_MAX)) {
    net.SetNow(m->deliver_at_ms);
    EXPECT_TRUE(reached.insert(m->to).second) << "node " << m->to << " got the message twice";
    ++delivered;
    net.Relay(*m, /*accepted=*/true);
  }
  if (deliveries != nullptr) *deliveries = delivered;
  return reached;
}

TEST(SimNetworkTest, MeshDegreesStayWithinBounds) {
  SimNetwork net(MeshOptions(8, 6, 12), 40);
  for (int i = 0; i < 40; ++i) net.SetConnected(i, true);
  net.Heartbeat();
  for (int i = 0; i < 40; ++i) {
    const std::vector<int> mesh = net.MeshOf(i);
    EXPECT_GE(mesh.size(), 6u) << "node " << i;
    EXPECT_LE(mesh.size(), 12u) << "node " << i;
    for (int p : mesh) {  // links are symmetric
      const std::vector<int> back = net.MeshOf(p);
      EXPECT_NE(std::find(back.begin(), back.end(), i), back.end());
    }
  }
}

TEST(SimNetworkTest, SmallNetworksAreFullyMeshed) {
  SimNetwork net(MeshOptions(8, 6, 12), 5);
  for (int i = 0; i < 5; ++i) net.SetConnected(i, true);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(net.MeshOf(i).size(), 4u);
}

// Relay carries a message past the publisher's own mesh; each node takes it once.
TEST(SimNetworkTest, RelayReachesEveryNodeOnceWithADegreeThreeMesh) {
  SimNetwork net(MeshOptions(3, 2, 4), 30);
  for (int i = 0; i < 30; ++i) net.SetConnected(i, true);
  EXPECT_LE(net.MeshOf(0).size(), 4u);
  const std::set<int> reached = Flood(net, {1, 2, 3});
  EXPECT_EQ(reached.size(), 30u);
  EXPECT_GT(net.stats().gossip_duplicates + net.stats().gossip_relayed, 0u);
}

TEST(SimNetworkTest, RejectedMessagesAreNotForwarded) {
  SimNetwork net(MeshOptions(3, 2, 4), 30);
  for (int i = 0; i < 30; ++i) net.SetConnected(i, true);
  const std::vector<uint8_t> payload = {9, 9};
  net.Publish(0, 1, payload.data(), payload.size());
  size_t delivered = 0;
  while (std::optional<Message> m = net.PopDue(UINT64_MAX)) {
    ++delivered;
    net.Relay(*m, /*accepted=*/false);
  }
  EXPECT_EQ(delivered, net.MeshOf(0).size());
}

TEST(SimNetworkTest, DistinctPayloadsHaveDistinctIdsAndEqualOnesAreDeduplicated) {
  SimNetwork net(MeshOptions(8, 6, 12), 3);
  for (int i = 0; i < 3; ++i) net.SetConnected(i, true);
  const std::vector<uint8_t> a = {1}, b = {2};
  net.Publish(0, 1, a.data(), a.size());
  net.Publish(0, 1, b.data(), b.size());
  net.Publish(1, 1, a.data(), a.size());  // the same message from elsewhere
  std::vector<Message> got;
  while (std::optional<Message> m = net.PopDue(UINT64_MAX)) got.push_back(*m);
  // Node 1 takes b (a is its own), node 2 takes a and b; the other copies of a drop.
  EXPECT_EQ(got.size(), 3u);
  EXPECT_EQ(net.stats().gossip_duplicates, 3u);
  EXPECT_NE(got[0].id, MessageId{});
}

TEST(SimNetworkTest, PartitionsCutEveryHop) {
  Options o = MeshOptions(8, 6, 12);
  Partition p;
  p.groups = {{0, 1}, {2, 3}};
  p.from_slot = 0;
  p.to_slot = 10;
  o.partitions.push_back(p);
  SimNetwork net(o, 4);
  for (int i = 0; i < 4; ++i) net.SetConnected(i, true);
  EXPECT_EQ(Flood(net, {7}), (std::set<int>{0, 1}));
  net.SetNow(10 * 4000);  // healed
  EXPECT_EQ(Flood(net, {8}), (std::set<int>{0, 1, 2, 3}));
}

TEST(SimNetworkTest, DisconnectedNodesLeaveTheMeshAndRejoin) {
  SimNetwork net(MeshOptions(3, 2, 4), 6);
  for (int i = 0; i < 6; ++i) net.SetConnected(i, true);
  net.SetConnected(5, false);
  for (int i = 0; i < 5; ++i) {
    const std::vector<int> mesh = net.MeshOf(i);
    EXPECT_EQ(std::find(mesh.begin(), mesh.end(), 5), mesh.end());
    EXPECT_GE(mesh.size(), 2u);
  }
  EXPECT_TRUE(net.MeshOf(5).empty());
  net.SetConnected(5, true);
  EXPECT_GE(net.MeshOf(5).size(), 2u);
}

// --- LivenessMonitor ---

NodeView View(uint64_t head, uint64_t finalized, uint8_t root_tag = 0) {
  NodeView v;
  v.running = true;
  v.head_slot = head;
  v.finalized_slot = finalized;
  v.finalized_root[0] = static_cast<uint8_t>(finalized);
  v.finalized_root[1] = root_tag;
  return v;
}

// Fair weather: finalized trails the head by 3.
void FairWeather(LivenessMonitor& m, uint64_t from, uint64_t to, int nodes = 3) {
  for (uint64_t s = from; s <= to; ++s) m.Observe(s, std::vector<NodeView>(nodes, View(s, s >= 3 ? s - 3 : 0)));
}

TEST(LivenessMonitorTest, FairWeatherPasses) {
  LivenessMonitor m({});
  FairWeather(m, 1, 40);
  const LivenessVerdict v = m.Finish();
  EXPECT_TRUE(v.ok) << v.reason;
  EXPECT_EQ(v.max_lag_seen, 3u);
}

TEST(LivenessMonitorTest, AStallAtTheEndFails) {
  LivenessMonitor m({});
  FairWeather(m, 1, 20);
  for (uint64_t s = 21; s <= 40; ++s) m.Observe(s, std::vector<NodeView>(3, View(s, 17)));
  const LivenessVerdict v = m.Finish();
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.reason.find("23 slots behind its head 40"), std::string::npos) << v.reason;
}

TEST(LivenessMonitorTest, NeverFinalizingFails) {
  LivenessMonitor m({}, /*max_lag=*/100);
  for (uint64_t s = 1; s <= 10; ++s) m.Observe(s, std::vector<NodeView>(2, View(s, 0)));
  const LivenessVerdict v = m.Finish();
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.reason.find("never finalized"), std::string::npos) << v.reason;
}

TEST(LivenessMonitorTest, RecoveryIsCountedFromTheHeal) {
  LivenessMonitor m({Fault{"partition", 10, 20}});
  FairWeather(m, 1, 9);
  for (uint64_t s = 10; s <= 24; ++s) m.Observe(s, std::vector<NodeView>(3, View(s, 6)));
  FairWeather(m, 25, 40);  // finalized 22 at slot 25: past 6
  const LivenessVerdict v = m.Finish();
  EXPECT_TRUE(v.ok) << v.reason;
  ASSERT_EQ(v.faults.size(), 1u);
  EXPECT_EQ(v.faults[0].finalized_at_heal, 6u);
  ASSERT_TRUE(v.faults[0].resumed_at.has_value());
  EXPECT_EQ(*v.faults[0].resumed_at, 25u);
  EXPECT_EQ(*v.faults[0].slots_to_recover(), 5u);
  EXPECT_EQ(v.max_lag_seen, 18u);
}

TEST(LivenessMonitorTest, OneLaggingNodeHoldsTheRecoveryBack) {
  LivenessMonitor m({Fault{"partition", 10, 20}}, /*max_lag=*/100);
  FairWeather(m, 1, 9);
  for (uint64_t s = 10; s <= 40; ++s) {
    std::vector<NodeView> views(3, View(s, s >= 25 ? s - 3 : 6));
    views[2] = View(s, 6);  // never catches up
    m.Observe(s, views);
  }
  const LivenessVerdict v = m.Finish();
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.reason.find("finality did not resume after fault 'partition'"), std::string::npos) << v.reason;
}

TEST(LivenessMonitorTest, AFaultThatNeverHealsFails) {
  LivenessMonitor m({Fault{"partition", 10, 99}});
  FairWeather(m, 1, 40);
  const LivenessVerdict v = m.Finish();
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.reason.find("never healed"), std::string::npos) << v.reason;
}

TEST(LivenessMonitorTest, ConflictingFinalizationIsASafetyFailure) {
  LivenessMonitor m({});
  FairWeather(m, 1, 20);
  std::vector<NodeView> views(3, View(21, 18));
  views[1] = View(21, 18, /*root_tag=*/1);  // another block at slot 18
  m.Observe(21, views);
  FairWeather(m, 22, 30);
  const LivenessVerdict v = m.Finish();
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.reason.find("safety"), std::string::npos) << v.reason;
}

TEST(LivenessMonitorTest, StoppedNodesAreNotJudged) {
  LivenessMonitor m({});
  FairWeather(m, 1, 20);
  std::vector<NodeView> views(3, View(21, 18));
  views[2] = NodeView{};  // down
  m.Observe(21, views);
  EXPECT_TRUE(m.Finish().ok);
}

// The devnet says FAILED when a host call it expected to succeed fails; a message
// the network delivers and the node refuses is normal life and does not count.
TEST(DevnetNodeTest, FailedHostCallsCountAsApiErrorsRefusedDeliveriesDoNot) {
  beam_buffer genesis{nullptr, 0};
  ASSERT_EQ(beam_genesis_state(0, nullptr, nullptr, 4, &genesis), BEAM_OK);
  const std::vector<uint8_t> genesis_bytes(genesis.data, genesis.data + genesis.len);
  beam_buffer_free(&genesis);
  SimNetwork net(MeshOptions(3, 2, 4), 2);
  DevnetNode node(0, &net, /*data_dir=*/"", {0, 1}, /*aggregator=*/true, /*host_crypto=*/nullptr, /*log_level=*/0);
  std::string error;
  ASSERT_TRUE(node.Start(genesis_bytes, &error)) << error;

  node.Tick(5);
  node.PeerConnected("node1");
  EXPECT_EQ(node.View().head.slot, 0u);
  EXPECT_EQ(node.api_errors(), 0u);

  Message garbage;
  garbage.kind = MessageKind::kGossip;
  garbage.topic_or_protocol = BEAM_TOPIC_BLOCK;
  garbage.bytes = {1, 2, 3};
  garbage.from = 1;
  garbage.to = 0;
  EXPECT_FALSE(node.Deliver(garbage, "node1"));  // not forwarded
  EXPECT_EQ(node.refused_deliveries(), 1u);
  EXPECT_EQ(node.api_errors(), 0u);

  const uint8_t own_garbage[3] = {1, 2, 3};
  node.Gossip(BEAM_TOPIC_ATTESTATION, own_garbage, sizeof own_garbage);  // its own vote must be accepted
  EXPECT_EQ(node.api_errors(), 1u);
  node.Stop();
  node.Tick(6);  // a stopped node is skipped, not an error
  EXPECT_EQ(node.api_errors(), 1u);
}

// ---- Hostile nodes (byzantine.h) ----

TEST(ByzantineTest, BehavioursParseByNameOrAll) {
  uint32_t mask = 0;
  EXPECT_TRUE(ParseBehaviours("all", &mask));
  EXPECT_EQ(mask, kAllBehaviours);
  EXPECT_TRUE(ParseBehaviours("junk,silent", &mask));
  EXPECT_EQ(mask, kJunkVotes | kSilent);
  EXPECT_EQ(BehaviourNames(mask), "junk,silent");
  EXPECT_FALSE(ParseBehaviours("junk,polite", &mask));
  EXPECT_FALSE(ParseBehaviours("", &mask));
}

// The end-of-run check: a hostile node that sent what honest nodes can prove invalid
// must have been reported; one that sent nothing of the kind need not be.
TEST(ByzantineTest, AnUnreportedHostileNodeFailsTheRun) {
  EXPECT_EQ(CheckReported(0, 10, 1), "");
  EXPECT_EQ(CheckReported(0, 0, 0), "");
  const std::string why = CheckReported(2, 10, 0);
  EXPECT_NE(why.find("hostile node2"), std::string::npos) << why;
  EXPECT_NE(why.find("never reported"), std::string::npos) << why;
}

// The byte edits make what they promise: a block with another root that an honest node
// refuses (its state root is wrong), and a vote whose signature no longer verifies.
TEST(ByzantineTest, EditedBlocksAndVotesAreRefused) {
  uint8_t seed[32] = {7};
  beam_xmss_key* key = nullptr;
  ASSERT_EQ(beam_xmss_key_generate(BEAM_XMSS_TEST, seed, 0, 64, &key), BEAM_OK);
  std::vector<uint8_t> pks(4 * BEAM_XMSS_PUBLIC_KEY_SIZE, 0);
  ASSERT_EQ(beam_xmss_key_public(key, pks.data()), BEAM_OK);  // validator 0's attestation key
  beam_buffer genesis{nullptr, 0};
  ASSERT_EQ(beam_genesis_state(0, pks.data(), pks.data(), 4, &genesis), BEAM_OK);
  const std::vector<uint8_t> genesis_bytes(genesis.data, genesis.data + genesis.len);
  beam_buffer_free(&genesis);

  beam_node* producer = nullptr;
  beam_node* honest = nullptr;
  for (beam_node** n : {&producer, &honest}) {
    beam_node_config config = BEAM_NODE_CONFIG_INIT;
    config.anchor_state_ssz = genesis_bytes.data();
    config.anchor_state_len = genesis_bytes.size();
    config.chain_worker = 0;
    ASSERT_EQ(beam_node_create(&config, n), BEAM_OK) << beam_last_error();
    ASSERT_EQ(beam_node_tick(*n, 5), BEAM_OK);
  }
  beam_buffer block{nullptr, 0};
  ASSERT_EQ(beam_node_produce_block(producer, 1, 1, &block), BEAM_OK) << beam_last_error();
  const std::vector<uint8_t> good(block.data, block.data + block.len);
  beam_buffer_free(&block);

  const std::vector<uint8_t> bad = WithFlippedStateRoot(good);
  uint8_t good_root[32], bad_root[32];
  ASSERT_EQ(beam_block_root(good.data(), good.size(), good_root), BEAM_OK);
  ASSERT_EQ(beam_block_root(bad.data(), bad.size(), bad_root), BEAM_OK);
  EXPECT_NE(std::memcmp(good_root, bad_root, 32), 0);
  EXPECT_NE(beam_node_on_gossip(honest, BEAM_TOPIC_BLOCK, bad.data(), bad.size(), "node9"), BEAM_OK);
  EXPECT_NE(beam_node_on_gossip(honest, BEAM_TOPIC_BLOCK, WithSlot(good, 1001).data(), good.size(), "node9"), BEAM_OK);
  EXPECT_EQ(beam_node_on_gossip(honest, BEAM_TOPIC_BLOCK, good.data(), good.size(), "node9"), BEAM_OK)
      << beam_last_error();

  beam_buffer data{nullptr, 0}, vote{nullptr, 0};
  ASSERT_EQ(beam_node_produce_attestation_data(producer, 1, &data), BEAM_OK);
  ASSERT_EQ(beam_attestation_sign(key, 0, data.data, data.len, &vote), BEAM_OK);
  const std::vector<uint8_t> signed_vote(vote.data, vote.data + vote.len);
  beam_buffer_free(&vote);
  uint8_t message[32];
  ASSERT_EQ(beam_hash_tree_root(BEAM_SSZ_ATTESTATION_DATA, data.data, data.len, message), BEAM_OK);
  beam_buffer_free(&data);
  constexpr size_t kSignatureAt = 8 + 128;
  ASSERT_EQ(beam_xmss_verify(BEAM_XMSS_TEST, pks.data(), 1, message, signed_vote.data() + kSignatureAt,
                             signed_vote.size() - kSignatureAt),
            BEAM_OK);
  for (uint32_t which : {0u, 10u, 80u, 102u}) {
    const std::vector<uint8_t> broken = WithBrokenSignature(signed_vote, 0, which, 0x5a);
    ASSERT_EQ(broken.size(), signed_vote.size());
    EXPECT_EQ(beam_xmss_verify(BEAM_XMSS_TEST, pks.data(), 1, message, broken.data() + kSignatureAt,
                               broken.size() - kSignatureAt),
              BEAM_ERR_REJECTED)
        << which;
  }
  beam_node_destroy(producer);
  beam_node_destroy(honest);
  beam_xmss_key_destroy(key);
}

}  // namespace
}  // namespace devnet
