// RcState and BorrowedState: how chain states are shared across threads.
//
// An RcState is a reference-counted, immutable State. The chain keeps one per block in
// its states map; whoever holds an RcState keeps that State alive, whatever the chain
// prunes meanwhile. Long-lived cross-thread readers (an API server, a metrics writer)
// hold an RcState and never the states lock.
//
// A BorrowedState is an RAII borrow of a chain state together with what keeps it
// valid, its "backing":
//   kStatesShared     the states lock held shared (the common read path)
//   kStatesExclusive  the states lock held exclusively (onBlock's post-commit window)
//   kEventsMutex      the events lock (tier 5c), for the cached finalized state
//   kRefcount         only a reference count: no lock at all
// Releasing is idempotent; destroying a borrow releases it. CloneAndRelease() consumes
// the borrow: it copies the state and releases the backing, also when the copy fails.
// The hold-time metric of the backing lock ends at release, not when the borrow was
// handed out. A borrow that holds a lock must be released on the thread that took it
// (lock tiers are tracked per thread).
//
// Debug checks (BEAM_LOCK_CHECKS): CloneAndRelease() on a released borrow aborts, and
// a borrow armed with ExpectExplicitRelease() aborts if destroyed unreleased.

#ifndef BEAMCORE_CHAIN_BORROWED_STATE_H_
#define BEAMCORE_CHAIN_BORROWED_STATE_H_

#include <functional>
#include <memory>
#include <thread>

#include "absl/status/statusor.h"
#include "consensus/types/state.h"
#include "locking/tiered_mutex.h"

namespace beam::chain {

using RcState = std::shared_ptr<const consensus::State>;

class BorrowedState {
 public:
  enum class Backing { kNone, kStatesShared, kStatesExclusive, kEventsMutex, kRefcount };

  BorrowedState() = default;  // empty (no state)
  ~BorrowedState();
  BorrowedState(BorrowedState&& other) noexcept { *this = std::move(other); }
  BorrowedState& operator=(BorrowedState&& other) noexcept;
  BorrowedState(const BorrowedState&) = delete;
  BorrowedState& operator=(const BorrowedState&) = delete;

  // Adopt a lock the caller already holds (taken on this thread) together with the
  // timer that measured its acquisition.
  static BorrowedState AdoptStatesShared(TieredSharedMutex* mu, RcState state, LockTimer timer)
      ABSL_UNLOCK_FUNCTION(mu);
  static BorrowedState AdoptStatesExclusive(TieredSharedMutex* mu, RcState state, LockTimer timer)
      ABSL_UNLOCK_FUNCTION(mu);
  static BorrowedState AdoptEventsMutex(TieredMutex* mu, RcState state, LockTimer timer) ABSL_UNLOCK_FUNCTION(mu);
  static BorrowedState FromRefcount(RcState state);

  bool has_state() const { return state_ != nullptr; }
  explicit operator bool() const { return has_state(); }
  const consensus::State& operator*() const { return *state_; }
  const consensus::State* operator->() const { return state_.get(); }
  const consensus::State* get() const { return state_.get(); }
  // A reference that outlives the borrow (the lock is not needed to keep it alive).
  RcState share() const { return state_; }

  Backing backing() const { return backing_; }
  bool released() const { return released_; }
  // Whether this borrow holds a tier-5 lock (the events mutex) until released.
  bool tier5_held() const { return tier5_held_; }

  // Releases the backing (unlock / drop the reference). Idempotent.
  void Release();
  // Copies the state, then releases (also if copying fails: ResourceExhausted).
  // FailedPrecondition on a released or empty borrow (and an abort in debug builds).
  absl::StatusOr<consensus::State> CloneAndRelease();
  // The same with a caller-provided copy (which may throw std::bad_alloc).
  absl::StatusOr<consensus::State> CloneAndRelease(
      const std::function<consensus::State(const consensus::State&)>& copy);
  // Arms the debug check that this borrow is released before it is destroyed.
  void ExpectExplicitRelease() { explicit_release_ = true; }

 private:
  BorrowedState(Backing backing, void* lock, RcState state, LockTimer timer);

  Backing backing_ = Backing::kNone;
  void* lock_ = nullptr;  // TieredSharedMutex* or TieredMutex*, by backing
  RcState state_;
  LockTimer timer_;
  bool released_ = true;
  bool tier5_held_ = false;
  bool explicit_release_ = false;
  std::thread::id owner_;
};

}  // namespace beam::chain

#endif  // BEAMCORE_CHAIN_BORROWED_STATE_H_
