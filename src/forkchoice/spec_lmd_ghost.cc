#include "forkchoice/spec_lmd_ghost.h"

namespace beam::forkchoice {

absl::flat_hash_map<ssz::Root, int64_t> SpecAccumulateWeights(const SpecBlockTree& blocks,
                                                              const std::vector<ssz::Root>& vote_heads,
                                                              consensus::Slot start_slot) {
  absl::flat_hash_map<ssz::Root, int64_t> weights;
  for (const ssz::Root& head : vote_heads) {
    ssz::Root current = head;
    for (auto it = blocks.find(current); it != blocks.end(); it = blocks.find(current)) {
      if (it->second.slot <= start_slot) break;
      ++weights[current];
      current = it->second.parent_root;
    }
  }
  return weights;
}

ssz::Root SpecLmdGhostHead(const SpecBlockTree& blocks, const ssz::Root& start_root,
                           const std::vector<ssz::Root>& vote_heads, std::optional<int64_t> min_score) {
  const consensus::Slot start_slot = blocks.at(start_root).slot;
  absl::flat_hash_map<ssz::Root, int64_t> weights = SpecAccumulateWeights(blocks, vote_heads, start_slot);
  auto weight = [&](const ssz::Root& r) {
    auto it = weights.find(r);
    return it == weights.end() ? int64_t{0} : it->second;
  };
  absl::flat_hash_map<ssz::Root, std::vector<ssz::Root>> children;
  for (const auto& [root, block] : blocks) {
    if (min_score && weight(root) < *min_score) continue;
    children[block.parent_root].push_back(root);
  }
  ssz::Root head = start_root;
  for (auto it = children.find(head); it != children.end(); it = children.find(head)) {
    const ssz::Root* best = nullptr;
    for (const ssz::Root& c : it->second) {
      if (best == nullptr || weight(c) > weight(*best) || (weight(c) == weight(*best) && c > *best)) best = &c;
    }
    head = *best;
  }
  return head;
}

}  // namespace beam::forkchoice
