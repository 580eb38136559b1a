#include "forkchoice/proto_array.h"

#include <random>

#include "forkchoice/spec_lmd_ghost.h"
#include "gtest/gtest.h"

namespace beam::forkchoice {
namespace {

Root RootOf(uint64_t n) {
  Root r;
  for (int i = 0; i < 8; ++i) r.bytes[i] = static_cast<uint8_t>(n >> (8 * (7 - i)));
  r.bytes[31] = static_cast<uint8_t>(n * 37);  // roots not ordered like insertion
  return r;
}

TEST(ProtoArrayTest, HeavierChildWinsAndTiesGoToLargerRoot) {
  ProtoArray p;
  const Root genesis = RootOf(1), a = RootOf(2), b = RootOf(3);
  p.Insert(genesis, Root{}, 0);
  const auto ia = p.Insert(a, genesis, 1);
  const auto ib = p.Insert(b, genesis, 2);
  p.ApplyDeltas();
  EXPECT_EQ(p.root(p.FindHead(0)), std::max(a, b));  // equal weight: larger root
  p.AddVote(ia, +1);
  p.ApplyDeltas();
  EXPECT_EQ(p.FindHead(0), ia);
  p.AddVote(ib, +1);
  p.AddVote(ib, +1);
  p.ApplyDeltas();
  EXPECT_EQ(p.FindHead(0), ib);
  EXPECT_EQ(p.weight(0), 3);
  // Votes leave b: weights fall and the best child is rescanned.
  p.AddVote(ib, -1);
  p.AddVote(ib, -1);
  p.ApplyDeltas();
  EXPECT_EQ(p.FindHead(0), ia);
  EXPECT_EQ(p.weight(ib), 0);
}

TEST(ProtoArrayTest, AncestorQueriesFollowTheChain) {
  ProtoArray p;
  p.Insert(RootOf(0), Root{}, 0);
  for (uint64_t s = 1; s < 1000; ++s) p.Insert(RootOf(s), RootOf(s - 1), s * 2);  // even slots only
  const auto tip = *p.IndexOf(RootOf(999));
  EXPECT_EQ(p.slot(p.AncestorAtOrBelowSlot(tip, 501)), 500u);
  EXPECT_EQ(p.slot(p.AncestorAtOrBelowSlot(tip, 500)), 500u);
  EXPECT_EQ(p.AncestorAtOrBelowSlot(tip, 5000), tip);
  EXPECT_TRUE(p.IsAncestorOrSelf(*p.IndexOf(RootOf(17)), tip));
  EXPECT_FALSE(p.IsAncestorOrSelf(tip, *p.IndexOf(RootOf(17))));
}

TEST(ProtoArrayTest, AncestorQueryStopsWhereTheTreeEnds) {
  ProtoArray p;
  p.Insert(RootOf(10), RootOf(9), 10);  // an anchor whose parent is unknown
  const auto child = p.Insert(RootOf(11), RootOf(10), 12);
  EXPECT_EQ(p.AncestorAtOrBelowSlot(child, 9), ProtoArray::kNone);
  EXPECT_EQ(p.AncestorAtOrBelowSlot(child, 10), 0);
}

// Random trees and random vote moves: the head, the weights and the thresholded head
// equal the spec's from-scratch answers after every batch, including after pruning.
TEST(ProtoArrayTest, MatchesSpecLmdGhostOnRandomTrees) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 30; ++round) {
    ProtoArray p;
    SpecBlockTree spec;
    std::vector<Root> roots;
    uint64_t next = 100;
    auto add = [&](const Root& parent, uint64_t slot) {
      const Root r = RootOf(next++);
      p.Insert(r, parent, slot);
      spec[r] = SpecBlock{parent, slot};
      roots.push_back(r);
    };
    add(Root{}, 0);
    const int validators = 1 + static_cast<int>(rng() % 40);
    std::vector<std::optional<Root>> votes(validators);
    for (int batch = 0; batch < 40; ++batch) {
      for (int k = static_cast<int>(rng() % 4); k > 0; --k) {
        const Root parent = roots[rng() % roots.size()];
        const uint64_t parent_slot = spec.at(parent).slot;
        add(parent, parent_slot + 1 + rng() % 3);
      }
      for (int k = static_cast<int>(rng() % (validators + 1)); k > 0; --k) {
        const int v = static_cast<int>(rng() % validators);
        if (votes[v]) p.AddVote(*p.IndexOf(*votes[v]), -1);
        votes[v] = roots[rng() % roots.size()];
        p.AddVote(*p.IndexOf(*votes[v]), +1);
      }
      p.ApplyDeltas();
      std::vector<Root> heads;
      for (const auto& v : votes) {
        if (v && spec.contains(*v)) heads.push_back(*v);
      }
      const Root start = p.root(0);
      ASSERT_EQ(p.root(p.FindHead(0)), SpecLmdGhostHead(spec, start, heads)) << "round " << round << " batch " << batch;
      const auto weights = SpecAccumulateWeights(spec, heads, p.slot(0));
      for (size_t i = 1; i < p.size(); ++i) {
        auto it = weights.find(p.root(static_cast<ProtoArray::Index>(i)));
        ASSERT_EQ(p.weight(static_cast<ProtoArray::Index>(i)), it == weights.end() ? 0 : it->second);
      }
      const int64_t min_score = 1 + static_cast<int64_t>(rng() % 5);
      const auto thresholded = p.FindHeadWithThreshold(0, min_score, [&](ProtoArray::Index i) { return p.weight(i); });
      ASSERT_EQ(p.root(thresholded), SpecLmdGhostHead(spec, start, heads, min_score));

      if (batch % 10 == 9) {
        // Prune to the current head's ancestor a few slots back, as finalization would.
        auto new_root = p.AncestorAtOrBelowSlot(p.FindHead(0), p.slot(p.FindHead(0)) / 2);
        if (new_root == ProtoArray::kNone) new_root = 0;
        const std::vector<ProtoArray::Index> remap = p.Prune(new_root);
        SpecBlockTree kept;
        std::vector<Root> kept_roots;
        for (const Root& r : roots) {
          if (p.Contains(r)) {
            kept[r] = spec.at(r);
            kept_roots.push_back(r);
          }
        }
        spec = std::move(kept);
        roots = std::move(kept_roots);
        for (auto& v : votes) {
          if (v && !p.Contains(*v)) v.reset();  // its weight left with the node
        }
        (void)remap;
      }
    }
  }
}

}  // namespace
}  // namespace beam::forkchoice
