// ProtoArray: the block tree of fork choice as a flat array, with LMD-GHOST weights.
//
// Nodes are appended in import order, so a parent always has a smaller index than its
// children. Each node keeps the number of latest votes whose head lies in its subtree
// (its spec weight, leanSpec fork_choice.py _accumulate_ancestor_weights, for every
// node above the start slot) and its best child: the child with the largest
// (weight, root), the spec's tie-break. A vote that moves costs the two paths up to
// the common ancestor (deltas cancel above it), and FindHead follows best children.
// Ancestor queries use jump pointers (O(log depth)).
//
// Thread-compatible: the Store that owns it serialises access.

#ifndef BEAMCORE_FORKCHOICE_PROTO_ARRAY_H_
#define BEAMCORE_FORKCHOICE_PROTO_ARRAY_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/types/span.h"
#include "consensus/config.h"
#include "ssz/bytes.h"

namespace beam::forkchoice {

using consensus::Slot;
using ssz::Root;

class ProtoArray {
 public:
  using Index = int32_t;
  static constexpr Index kNone = -1;

  ProtoArray() = default;
  ProtoArray(const ProtoArray&) = default;
  ProtoArray& operator=(const ProtoArray&) = default;

  // Appends a block. Its parent is linked when `parent_root` is a known node (a block
  // whose parent is unknown, like a checkpoint-sync anchor, starts a new root).
  // Requires: `root` is not present, and the parent's slot is below `slot`.
  Index Insert(const Root& root, const Root& parent_root, Slot slot);

  size_t size() const { return roots_.size(); }
  bool Contains(const Root& root) const { return indices_.contains(root); }
  std::optional<Index> IndexOf(const Root& root) const;

  const Root& root(Index i) const { return roots_[i]; }
  const Root& parent_root(Index i) const { return parent_roots_[i]; }
  Slot slot(Index i) const { return slots_[i]; }
  Index parent(Index i) const { return parents_[i]; }
  // Latest votes with their head in i's subtree. Pending deltas are not included.
  int64_t weight(Index i) const { return weights_[i]; }

  // Schedules a weight change of the subtree of `i`'s ancestors-or-self: one vote
  // with head `i` was added (+1) or removed (-1). Applied by ApplyDeltas().
  void AddVote(Index i, int64_t delta);
  // Folds pending deltas into the weights and best children.
  void ApplyDeltas();
  bool has_pending_deltas() const { return !dirty_.empty(); }

  // LMD-GHOST from `start`: descend to the heaviest child, ties to the larger root,
  // until a leaf. Requires ApplyDeltas() to have run.
  Index FindHead(Index start) const;

  // The same walk over other weights: `weight_of(i)` for the children considered, and
  // only children with weight >= min_score are eligible (update_safe_target).
  template <typename WeightFn>
  Index FindHeadWithThreshold(Index start, int64_t min_score, WeightFn weight_of) const;

  // Children of `i`, in insertion order.
  std::vector<Index> Children(Index i) const;

  // The deepest ancestor-or-self of `i` whose slot is <= `slot`, or kNone when the
  // chain leaves the tree first.
  Index AncestorAtOrBelowSlot(Index i, Slot slot) const;
  // Whether `ancestor` is `descendant` or one of its ancestors.
  bool IsAncestorOrSelf(Index ancestor, Index descendant) const;

  // Keeps only `new_root` and its descendants; returns old index -> new index (kNone
  // for dropped nodes). Pending deltas of kept nodes are kept.
  std::vector<Index> Prune(Index new_root);

 private:
  bool Better(Index a, Index b) const;  // (weight, root) of a > that of b
  void RescanBestChild(Index parent);
  void LinkChild(Index parent, Index child);
  Index ComputeJump(Index parent) const;

  // Struct of arrays: the head walk touches only best_child_.
  std::vector<Root> roots_;
  std::vector<Root> parent_roots_;
  std::vector<Slot> slots_;
  std::vector<Index> parents_;
  std::vector<Index> jumps_;  // an ancestor for O(log n) ancestor queries
  std::vector<uint32_t> depths_;
  std::vector<Index> first_child_, last_child_, next_sibling_;
  std::vector<Index> best_child_;
  std::vector<int64_t> weights_;
  std::vector<int64_t> pending_;
  std::vector<char> queued_;  // in dirty_
  std::vector<Index> dirty_;  // nodes with a pending delta, each once
  absl::flat_hash_map<Root, Index> indices_;
};

template <typename WeightFn>
ProtoArray::Index ProtoArray::FindHeadWithThreshold(Index start, int64_t min_score, WeightFn weight_of) const {
  Index head = start;
  while (true) {
    Index best = kNone;
    int64_t best_weight = 0;
    for (Index c = first_child_[head]; c != kNone; c = next_sibling_[c]) {
      const int64_t w = weight_of(c);
      if (w < min_score) continue;
      if (best == kNone || w > best_weight || (w == best_weight && roots_[c] > roots_[best])) {
        best = c;
        best_weight = w;
      }
    }
    if (best == kNone) return head;
    head = best;
  }
}

}  // namespace beam::forkchoice

#endif  // BEAMCORE_FORKCHOICE_PROTO_ARRAY_H_
