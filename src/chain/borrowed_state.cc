#include "chain/borrowed_state.h"

#include <cstdio>
#include <cstdlib>
#include <new>

namespace beam::chain {
namespace {

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "beamcore: BorrowedState: %s\n", what);
  std::abort();
}

}  // namespace

BorrowedState::BorrowedState(Backing backing, void* lock, RcState state, LockTimer timer)
    : backing_(backing),
      lock_(lock),
      state_(std::move(state)),
      timer_(timer),
      released_(false),
      tier5_held_(backing == Backing::kEventsMutex),
      owner_(std::this_thread::get_id()) {}

BorrowedState::~BorrowedState() {
  if (lock_order::kEnabled && explicit_release_ && !released_) Die("destroyed without an explicit release");
  Release();
}

BorrowedState& BorrowedState::operator=(BorrowedState&& other) noexcept {
  if (this == &other) return *this;
  Release();
  backing_ = other.backing_;
  lock_ = other.lock_;
  state_ = std::move(other.state_);
  timer_ = other.timer_;
  released_ = other.released_;
  tier5_held_ = other.tier5_held_;
  explicit_release_ = other.explicit_release_;
  owner_ = other.owner_;
  // The moved-from borrow owns nothing.
  other.backing_ = Backing::kNone;
  other.lock_ = nullptr;
  other.released_ = true;
  other.tier5_held_ = false;
  other.explicit_release_ = false;
  return *this;
}

BorrowedState BorrowedState::AdoptStatesShared(TieredSharedMutex* mu, RcState state, LockTimer timer) 
    ABSL_NO_THREAD_SAFETY_ANALYSIS {  // the borrow takes over the caller's hold
  return BorrowedState(Backing::kStatesShared, mu, std::move(state), timer);
}
BorrowedState BorrowedState::AdoptStatesExclusive(TieredSharedMutex* mu, RcState state, LockTimer timer) 
    ABSL_NO_THREAD_SAFETY_ANALYSIS {  // the borrow takes over the caller's hold
  return BorrowedState(Backing::kStatesExclusive, mu, std::move(state), timer);
}
BorrowedState BorrowedState::AdoptEventsMutex(TieredMutex* mu, RcState state, LockTimer timer) 
    ABSL_NO_THREAD_SAFETY_ANALYSIS {  // the borrow takes over the caller's hold
  return BorrowedState(Backing::kEventsMutex, mu, std::move(state), timer);
}
BorrowedState BorrowedState::FromRefcount(RcState state) {
  return BorrowedState(Backing::kRefcount, nullptr, std::move(state), LockTimer());
}

void BorrowedState::Release() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  if (released_) {
    return;
  }
  if (lock_order::kEnabled && lock_ != nullptr && owner_ != std::this_thread::get_id()) {
    Die("a lock-backed borrow was released on another thread than the one that took it");
  }
  switch (backing_) {
    case Backing::kStatesShared:
      static_cast<TieredSharedMutex*>(lock_)->ReaderUnlock();
      break;
    case Backing::kStatesExclusive:
      static_cast<TieredSharedMutex*>(lock_)->Unlock();
      break;
    case Backing::kEventsMutex:
      static_cast<TieredMutex*>(lock_)->Unlock();
      break;
    case Backing::kRefcount:
    case Backing::kNone:
      break;
  }
  // The hold span ends at the actual release; the tier-5 bookkeeping too.
  timer_.Released();
  released_ = true;
  tier5_held_ = false;
  explicit_release_ = false;
  state_.reset();
}

absl::StatusOr<consensus::State> BorrowedState::CloneAndRelease() {
  return CloneAndRelease([](const consensus::State& s) { return consensus::State(s); });
}

absl::StatusOr<consensus::State> BorrowedState::CloneAndRelease(
    const std::function<consensus::State(const consensus::State&)>& copier) {
  if (released_ || state_ == nullptr) {
    if (lock_order::kEnabled) Die("CloneAndRelease on a released borrow (cloned twice?)");
    return absl::FailedPreconditionError("CloneAndRelease on a released or empty borrow");
  }
  absl::StatusOr<consensus::State> copy = absl::InternalError("unset");
  try {
    copy = copier(*state_);
  } catch (const std::bad_alloc&) {
    copy = absl::ResourceExhaustedError("out of memory while copying a state");
  }
  Release();
  return copy;
}

}  // namespace beam::chain
