#include "chain/connected_peers.h"

#include <algorithm>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "metrics/registry.h"

namespace beam::chain {
namespace {

using ::testing::HasSubstr;
using ::testing::Optional;
using ::testing::UnorderedElementsAre;

wire::Status StatusWithHead(consensus::Slot head_slot) {
  wire::Status s;
  s.head.slot = head_slot;
  s.head.root[0] = static_cast<uint8_t>(head_slot);
  s.finalized.slot = head_slot / 2;
  return s;
}

TEST(ConnectedPeersTest, ConnectReplaceDisconnect) {
  ConnectedPeers peers;
  EXPECT_EQ(peers.Count(), 0u);
  EXPECT_TRUE(peers.Connect("a", 100));
  EXPECT_TRUE(peers.Connect("b", 200));
  EXPECT_EQ(peers.Count(), 2u);
  EXPECT_TRUE(peers.Contains("a"));
  EXPECT_FALSE(peers.Contains("c"));

  ASSERT_TRUE(peers.SetLatestStatus("a", StatusWithHead(7)));
  EXPECT_FALSE(peers.SetLatestStatus("c", StatusWithHead(7)));
  std::optional<PeerInfo> a = peers.Get("a");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->peer_id, "a");
  EXPECT_EQ(a->connected_at_ms, 100u);
  EXPECT_THAT(a->latest_status, Optional(StatusWithHead(7)));

  // Replace: not new, count unchanged, entry fresh.
  EXPECT_FALSE(peers.Connect("a", 300));
  EXPECT_EQ(peers.Count(), 2u);
  a = peers.Get("a");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->connected_at_ms, 300u);
  EXPECT_EQ(a->latest_status, std::nullopt);

  EXPECT_TRUE(peers.Disconnect("a"));
  EXPECT_FALSE(peers.Disconnect("a"));
  EXPECT_EQ(peers.Count(), 1u);
  EXPECT_EQ(peers.Get("a"), std::nullopt);
  EXPECT_FALSE(peers.Contains("a"));
  EXPECT_TRUE(peers.Disconnect("b"));
  EXPECT_EQ(peers.Count(), 0u);
  EXPECT_FALSE(peers.Disconnect("b"));
  EXPECT_EQ(peers.Count(), 0u);  // never wraps below zero
}

TEST(ConnectedPeersTest, GetReturnsACopy) {
  ConnectedPeers peers;
  peers.Connect("a", 1);
  std::optional<PeerInfo> a = peers.Get("a");
  ASSERT_TRUE(a.has_value());
  peers.SetLatestStatus("a", StatusWithHead(3));
  EXPECT_EQ(a->latest_status, std::nullopt);  // the copy does not follow the map
  peers.Disconnect("a");
  EXPECT_EQ(a->peer_id, "a");
}

TEST(ConnectedPeersTest, IterateLockedSeesEveryPeer) {
  ConnectedPeers peers;
  for (int i = 0; i < 5; ++i) peers.Connect(absl::StrCat("p", i), i);
  peers.SetLatestStatus("p3", StatusWithHead(9));
  absl::flat_hash_set<std::string> ids;
  int with_status = 0;
  peers.IterateLocked([&](const PeerInfo& info) {
    ids.insert(info.peer_id);
    with_status += info.latest_status.has_value() ? 1 : 0;
  });
  EXPECT_THAT(ids, UnorderedElementsAre("p0", "p1", "p2", "p3", "p4"));
  EXPECT_EQ(with_status, 1);
}

TEST(ConnectedPeersTest, SelectPeerPrefersHighestHeadThenSmallestId) {
  ConnectedPeers peers;
  EXPECT_EQ(peers.SelectPeer(), std::nullopt);

  peers.Connect("m", 0);
  peers.Connect("c", 0);
  peers.Connect("x", 0);
  // Nobody has a status: any peer, deterministically the smallest id.
  EXPECT_THAT(peers.SelectPeer(), Optional(std::string("c")));
  EXPECT_THAT(peers.SelectPeer("c"), Optional(std::string("m")));

  peers.SetLatestStatus("x", StatusWithHead(5));
  EXPECT_THAT(peers.SelectPeer(), Optional(std::string("x")));  // a status beats none
  peers.SetLatestStatus("m", StatusWithHead(10));
  EXPECT_THAT(peers.SelectPeer(), Optional(std::string("m")));
  peers.SetLatestStatus("c", StatusWithHead(10));
  EXPECT_THAT(peers.SelectPeer(), Optional(std::string("c")));  // tie on slot: smallest id
  EXPECT_THAT(peers.SelectPeer("c"), Optional(std::string("m")));
  EXPECT_THAT(peers.SelectPeer("nobody"), Optional(std::string("c")));

  peers.Disconnect("m");
  peers.Disconnect("x");
  EXPECT_EQ(peers.SelectPeer("c"), std::nullopt);  // the only peer is excluded
}

TEST(ConnectedPeersTest, SelectPeerExceptSkipsEveryPeerAlreadyAsked) {
  ConnectedPeers peers;
  for (const char* id : {"a", "b", "c"}) peers.Connect(id, 0);
  const std::vector<std::string> none, a = {"a"}, ab = {"a", "b"}, all = {"a", "b", "c"};
  EXPECT_THAT(peers.SelectPeerExcept(none), Optional(std::string("a")));
  EXPECT_THAT(peers.SelectPeerExcept(a), Optional(std::string("b")));
  EXPECT_THAT(peers.SelectPeerExcept(ab), Optional(std::string("c")));
  EXPECT_EQ(peers.SelectPeerExcept(all), std::nullopt);
  std::vector<std::string> ids = peers.PeerIds();
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, all);
}

TEST(ConnectedPeersTest, SelectPeerReturnsAnOwnedCopy) {
  ConnectedPeers peers;
  // Long ids (no small-string optimisation) so a dangling view would read freed heap.
  const std::string id = std::string(64, 'q') + "-best";
  peers.Connect(id, 0);
  peers.SetLatestStatus(id, StatusWithHead(42));
  std::optional<std::string> chosen = peers.SelectPeer();
  ASSERT_THAT(chosen, Optional(id));
  ASSERT_TRUE(peers.Disconnect(id));
  // Churn the map so the old storage is reused.
  for (int i = 0; i < 200; ++i) peers.Connect(std::string(64, 'z') + absl::StrCat(i), i);
  for (int i = 0; i < 200; ++i) peers.Disconnect(std::string(64, 'z') + absl::StrCat(i));
  EXPECT_EQ(*chosen, id);
  EXPECT_FALSE(peers.Contains(*chosen));
}

TEST(ConnectedPeersTest, ExportsLockMetricsPerSite) {
  metrics::Registry registry;
  LockMetrics lock_metrics(&registry);
  ConnectedPeers peers(&lock_metrics);
  peers.Connect("a", 1);
  peers.IterateLocked([](const PeerInfo&) {});
  const std::string text = registry.RenderText();
  EXPECT_THAT(text, HasSubstr("beamcore_lock_hold_seconds_count{lock=\"connected_peers\","
                              "site=\"connected_peers.connect\"} 1"));
  EXPECT_THAT(text, HasSubstr("beamcore_lock_wait_seconds_count{lock=\"connected_peers\","
                              "site=\"connected_peers.iterate\"} 1"));
}

// Three threads connect, replace and disconnect the same small set of ids while a
// fourth reads the lock-free count. The count must never leave [0, ids] and must end
// equal to the map's size.
TEST(ConnectedPeersTest, CountStaysExactUnderConcurrentConnectDisconnectReplace) {
  constexpr int kIds = 8;
  constexpr int kOps = 3000;
  ConnectedPeers peers;
  std::vector<std::string> ids;
  for (int i = 0; i < kIds; ++i) ids.push_back(absl::StrCat("peer-", i, "-", std::string(32, 'x')));
  std::atomic<bool> done{false};
  std::atomic<int> out_of_range{0};
  std::atomic<int64_t> net_new{0};  // successful connects minus successful disconnects

  std::thread watcher([&] {
    while (!done.load(std::memory_order_acquire)) {
      const size_t n = peers.Count();
      if (n > static_cast<size_t>(kIds)) out_of_range.fetch_add(1);
    }
  });
  std::vector<std::thread> workers;
  for (int t = 0; t < 3; ++t) {
    workers.emplace_back([&, t] {
      uint32_t rng = 2654435761u * (t + 1);
      for (int i = 0; i < kOps; ++i) {
        rng = rng * 1664525u + 1013904223u;
        const std::string& id = ids[(rng >> 8) % kIds];
        switch ((rng >> 20) % 4) {
          case 0:
          case 1:  // connect (a replace when present)
            if (peers.Connect(id, i)) net_new.fetch_add(1);
            break;
          case 2:
            if (peers.Disconnect(id)) net_new.fetch_sub(1);
            break;
          default:
            peers.SetLatestStatus(id, StatusWithHead(i));
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  done.store(true, std::memory_order_release);
  watcher.join();

  size_t in_map = 0;
  peers.IterateLocked([&](const PeerInfo&) { ++in_map; });
  EXPECT_EQ(out_of_range.load(), 0);
  EXPECT_EQ(peers.Count(), in_map);
  EXPECT_EQ(static_cast<int64_t>(in_map), net_new.load());
  size_t contained = 0;
  for (const std::string& id : ids) contained += peers.Contains(id) ? 1 : 0;
  EXPECT_EQ(contained, in_map);
}

}  // namespace
}  // namespace beam::chain
