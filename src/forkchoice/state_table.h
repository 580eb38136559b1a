// StateTable: the post-state of every block in fork choice (the spec's store.states),
// and their only owner. The Store inserts a block's state when it imports the block
// and erases it when pruning drops the block, both inside the Store (under the
// caller's fork-choice lock), so the blocks and the states can never disagree.
//
// Readers on any thread take a reference (an RcState keeps its State alive whatever
// is pruned later) or a shared hold of the table's lock for a short borrow. That lock
// is a leaf above fork choice (tier kStatesTier): nothing else is taken while it is
// held, and the Store may take it under the fork-choice lock.
//
// Thread-safe.

#ifndef BEAMCORE_FORKCHOICE_STATE_TABLE_H_
#define BEAMCORE_FORKCHOICE_STATE_TABLE_H_

#include <functional>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "consensus/types/state.h"
#include "locking/lock_timer.h"
#include "locking/tiered_mutex.h"
#include "ssz/bytes.h"

namespace beam::forkchoice {

class StateTable {
 public:
  using Root = ssz::Root;
  using RcState = std::shared_ptr<const consensus::State>;

  // `metrics` (optional, must outlive the table) records the lock's wait and hold times.
  explicit StateTable(LockMetrics* metrics = nullptr) : mu_("states", kStatesTier, metrics) {}
  StateTable(const StateTable&) = delete;
  StateTable& operator=(const StateTable&) = delete;

  // The state of `root`, or null.
  RcState Get(const Root& root) const ABSL_LOCKS_EXCLUDED(mu_);
  bool Contains(const Root& root) const ABSL_LOCKS_EXCLUDED(mu_);
  // Inserts unless a state is there already: an existing state is never replaced
  // under a reader (the same block always has the same post-state anyway).
  void InsertKeepExisting(const Root& root, RcState state) ABSL_LOCKS_EXCLUDED(mu_);
  // Erases the states of the roots `drop` accepts; returns their roots.
  std::vector<Root> EraseIf(const std::function<bool(const Root&)>& drop) ABSL_LOCKS_EXCLUDED(mu_);
  size_t size() const ABSL_LOCKS_EXCLUDED(mu_);

  // For a borrow that holds the lock shared (chain::BorrowedState): locks it, and
  // returns the state (then the caller owns the hold) or null (then nothing is held).
  RcState LockSharedAndFind(const Root& root, LockTimer* timer) const ABSL_NO_THREAD_SAFETY_ANALYSIS;
  TieredSharedMutex* mutex() const { return &mu_; }

 private:
  mutable TieredSharedMutex mu_;
  absl::flat_hash_map<Root, RcState> states_ ABSL_GUARDED_BY(mu_);
};

}  // namespace beam::forkchoice

#endif  // BEAMCORE_FORKCHOICE_STATE_TABLE_H_
