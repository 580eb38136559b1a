#include "liveness.h"

#include <algorithm>
#include <utility>

namespace devnet {

LivenessMonitor::LivenessMonitor(std::vector<Fault> faults, uint64_t max_lag) : max_lag_(max_lag) {
  for (Fault& f : faults) faults_.push_back(FaultOutcome{std::move(f), false, 0, std::nullopt});
}

void LivenessMonitor::Observe(uint64_t slot, const std::vector<NodeView>& views) {
  last_slot_ = slot;
  last_views_ = views;
  uint64_t max_finalized = 0, min_finalized = UINT64_MAX;
  for (size_t i = 0; i < views.size(); ++i) {
    const NodeView& v = views[i];
    if (!v.running) continue;
    max_finalized = std::max(max_finalized, v.finalized_slot);
    min_finalized = std::min(min_finalized, v.finalized_slot);
    if (v.head_slot > v.finalized_slot) max_lag_seen_ = std::max(max_lag_seen_, v.head_slot - v.finalized_slot);
    auto [it, inserted] = finalized_roots_.try_emplace(v.finalized_slot, v.finalized_root);
    if (!inserted && it->second != v.finalized_root && safety_violation_.empty()) {
      safety_violation_ = "node" + std::to_string(i) + " finalized a different block at slot " +
                          std::to_string(v.finalized_slot) + " than another node";
    }
  }
  if (min_finalized == UINT64_MAX) return;  // nobody running
  for (FaultOutcome& f : faults_) {
    if (slot < f.fault.heal_slot || f.resumed_at) continue;
    if (!f.healed) {
      f.healed = true;
      f.finalized_at_heal = max_finalized;
      continue;  // recovery is measured from the slots after the heal
    }
    if (min_finalized > f.finalized_at_heal) f.resumed_at = slot;
  }
}

LivenessVerdict LivenessMonitor::Finish() const {
  LivenessVerdict out;
  out.faults = faults_;
  out.max_lag_seen = max_lag_seen_;
  auto fail = [&](std::string why) {
    if (out.ok) {
      out.ok = false;
      out.reason = std::move(why);
    }
  };
  if (!safety_violation_.empty()) fail("safety: " + safety_violation_);
  for (const FaultOutcome& f : faults_) {
    if (!f.healed) {
      fail("fault '" + f.fault.name + "' never healed within the run (heals at slot " +
           std::to_string(f.fault.heal_slot) + ", the run ended at " + std::to_string(last_slot_) + ")");
    } else if (!f.resumed_at) {
      fail("finality did not resume after fault '" + f.fault.name + "': healed at slot " +
           std::to_string(f.fault.heal_slot) + ", no node finalized past slot " +
           std::to_string(f.finalized_at_heal) + " by slot " + std::to_string(last_slot_));
    }
  }
  bool any_running = false;
  for (size_t i = 0; i < last_views_.size(); ++i) {
    const NodeView& v = last_views_[i];
    if (!v.running) continue;
    any_running = true;
    const std::string name = "node" + std::to_string(i);
    if (v.finalized_slot == 0) {
      fail(name + " never finalized past genesis");
    } else if (v.head_slot > v.finalized_slot + max_lag_) {
      fail(name + ": finalized slot " + std::to_string(v.finalized_slot) + " is " +
           std::to_string(v.head_slot - v.finalized_slot) + " slots behind its head " + std::to_string(v.head_slot) +
           " (limit " + std::to_string(max_lag_) + "): finality is not live");
    }
  }
  if (!any_running) fail("no node was running at the end");
  return out;
}

}  // namespace devnet
