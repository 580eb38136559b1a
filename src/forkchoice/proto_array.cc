#include "forkchoice/proto_array.h"

#include <algorithm>
#include <cassert>

namespace beam::forkchoice {

std::optional<ProtoArray::Index> ProtoArray::IndexOf(const Root& root) const {
  auto it = indices_.find(root);
  if (it == indices_.end()) return std::nullopt;
  return it->second;
}

ProtoArray::Index ProtoArray::ComputeJump(Index parent) const {
  // Myers' skew-binary jump pointers: every ancestor query takes O(log depth) steps.
  if (parent == kNone) return kNone;
  const Index j = jumps_[parent];
  if (j != kNone) {
    const Index jj = jumps_[j];
    if (jj != kNone && depths_[parent] - depths_[j] == depths_[j] - depths_[jj]) return jj;
  }
  return parent;
}

void ProtoArray::LinkChild(Index parent, Index child) {
  if (first_child_[parent] == kNone) {
    first_child_[parent] = child;
  } else {
    next_sibling_[last_child_[parent]] = child;
  }
  last_child_[parent] = child;
}

ProtoArray::Index ProtoArray::Insert(const Root& root, const Root& parent_root, Slot slot) {
  assert(!indices_.contains(root));
  const Index i = static_cast<Index>(roots_.size());
  const std::optional<Index> parent = IndexOf(parent_root);
  roots_.push_back(root);
  parent_roots_.push_back(parent_root);
  slots_.push_back(slot);
  parents_.push_back(parent.value_or(kNone));
  depths_.push_back(parent ? depths_[*parent] + 1 : 0);
  jumps_.push_back(parent ? ComputeJump(*parent) : kNone);
  first_child_.push_back(kNone);
  last_child_.push_back(kNone);
  next_sibling_.push_back(kNone);
  best_child_.push_back(kNone);
  weights_.push_back(0);
  pending_.push_back(0);
  queued_.push_back(false);
  indices_.emplace(root, i);
  if (parent) {
    LinkChild(*parent, i);
    const Index best = best_child_[*parent];
    if (best == kNone || Better(i, best)) best_child_[*parent] = i;
  }
  return i;
}

bool ProtoArray::Better(Index a, Index b) const {
  if (weights_[a] != weights_[b]) return weights_[a] > weights_[b];
  return roots_[a] > roots_[b];
}

void ProtoArray::RescanBestChild(Index parent) {
  Index best = kNone;
  for (Index c = first_child_[parent]; c != kNone; c = next_sibling_[c]) {
    if (best == kNone || Better(c, best)) best = c;
  }
  best_child_[parent] = best;
}

void ProtoArray::AddVote(Index i, int64_t delta) {
  if (i == kNone || delta == 0) return;
  // Queue each node once however many votes move on it (the heap is the cost).
  if (pending_[i] == 0 && !queued_[i]) {
    queued_[i] = true;
    dirty_.push_back(i);
  }
  pending_[i] += delta;
}

void ProtoArray::ApplyDeltas() {
  // Children before parents (higher index first). A delta that cancels at a node
  // (one vote left this subtree, another entered it) stops there.
  std::make_heap(dirty_.begin(), dirty_.end());
  while (!dirty_.empty()) {
    std::pop_heap(dirty_.begin(), dirty_.end());
    const Index n = dirty_.back();
    dirty_.pop_back();
    queued_[n] = false;
    const int64_t d = pending_[n];
    if (d == 0) continue;  // a duplicate entry, or cancelled out
    pending_[n] = 0;
    weights_[n] += d;
    const Index p = parents_[n];
    if (p == kNone) continue;
    if (!queued_[p]) {
      queued_[p] = true;
      dirty_.push_back(p);
      std::push_heap(dirty_.begin(), dirty_.end());
    }
    pending_[p] += d;
    const Index best = best_child_[p];
    if (best == n) {
      if (d < 0) RescanBestChild(p);
    } else if (best == kNone || Better(n, best)) {
      best_child_[p] = n;
    }
  }
}

ProtoArray::Index ProtoArray::FindHead(Index start) const {
  Index head = start;
  while (best_child_[head] != kNone) head = best_child_[head];
  return head;
}

std::vector<ProtoArray::Index> ProtoArray::Children(Index i) const {
  std::vector<Index> out;
  for (Index c = first_child_[i]; c != kNone; c = next_sibling_[c]) out.push_back(c);
  return out;
}

ProtoArray::Index ProtoArray::AncestorAtOrBelowSlot(Index i, Slot slot) const {
  Index n = i;
  while (n != kNone && slots_[n] > slot) {
    const Index j = jumps_[n];
    n = (j != kNone && slots_[j] > slot) ? j : parents_[n];
  }
  return n;
}

bool ProtoArray::IsAncestorOrSelf(Index ancestor, Index descendant) const {
  return AncestorAtOrBelowSlot(descendant, slots_[ancestor]) == ancestor;
}

std::vector<ProtoArray::Index> ProtoArray::Prune(Index new_root) {
  const Index n = static_cast<Index>(roots_.size());
  assert(new_root >= 0 && new_root < n);
  std::vector<Index> remap(n, kNone);
  Index kept = 0;
  for (Index i = new_root; i < n; ++i) {
    if (i == new_root || (parents_[i] != kNone && remap[parents_[i]] != kNone)) remap[i] = kept++;
  }
  ProtoArray out;
  out.roots_.reserve(kept);
  for (Index i = new_root; i < n; ++i) {
    const Index k = remap[i];
    if (k == kNone) continue;
    const Index p = i == new_root ? kNone : remap[parents_[i]];
    out.roots_.push_back(roots_[i]);
    out.parent_roots_.push_back(parent_roots_[i]);
    out.slots_.push_back(slots_[i]);
    out.parents_.push_back(p);
    out.depths_.push_back(p == kNone ? 0 : out.depths_[p] + 1);
    out.jumps_.push_back(p == kNone ? kNone : out.ComputeJump(p));
    out.first_child_.push_back(kNone);
    out.last_child_.push_back(kNone);
    out.next_sibling_.push_back(kNone);
    out.best_child_.push_back(best_child_[i] == kNone ? kNone : remap[best_child_[i]]);
    out.weights_.push_back(weights_[i]);
    out.pending_.push_back(pending_[i]);
    out.queued_.push_back(pending_[i] != 0);
    if (pending_[i] != 0) out.dirty_.push_back(k);
    out.indices_.emplace(roots_[i], k);
    if (p != kNone) out.LinkChild(p, k);
  }
  *this = std::move(out);
  return remap;
}

}  // namespace beam::forkchoice
