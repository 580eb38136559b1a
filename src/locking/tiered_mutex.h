// TieredMutex and TieredSharedMutex: the chain's locks. Each has a name and a tier
// (locking/lock_tier.h, checked in debug and sanitizer builds), carries wait/hold
// statistics per call site (locking/lock_timer.h), and is annotated for Clang's
// -Wthread-safety. Built on a glibc adaptive pthread mutex and std::shared_mutex, which
// TSan understands (Debian's Abseil is not built for TSan).
//
// The RAII guards take a LockSite and time the acquisition; the bare Lock()/Unlock()
// calls are for primitives (LockedMap) whose callers want no timing cost.

#ifndef BEAMCORE_LOCKING_TIERED_MUTEX_H_
#define BEAMCORE_LOCKING_TIERED_MUTEX_H_

#include <pthread.h>

#include <shared_mutex>

#include "absl/base/thread_annotations.h"
#include "locking/lock_tier.h"
#include "locking/lock_timer.h"

namespace beam {

// A pthread mutex of glibc's adaptive kind: it spins briefly before parking, which
// keeps short critical sections (map lookups) cheap under contention. TSan sees it
// like any pthread mutex.
class AdaptiveMutex {
 public:
  AdaptiveMutex() {
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
#ifdef PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
#endif
    pthread_mutex_init(&mu_, &attr);
    pthread_mutexattr_destroy(&attr);
  }
  ~AdaptiveMutex() { pthread_mutex_destroy(&mu_); }
  AdaptiveMutex(const AdaptiveMutex&) = delete;
  AdaptiveMutex& operator=(const AdaptiveMutex&) = delete;
  void lock() { pthread_mutex_lock(&mu_); }
  void unlock() { pthread_mutex_unlock(&mu_); }
  bool try_lock() { return pthread_mutex_trylock(&mu_) == 0; }

 private:
  pthread_mutex_t mu_;
};

// What every tiered lock carries: its name and tier, its statistics and their
// registration with the metrics.
class TieredLockIdentity {
 public:
  const char* name() const { return name_; }
  LockTier tier() const { return tier_; }
  LockStats* stats() { return &stats_; }

 protected:
  // `metrics` (optional) exports this lock's statistics; it must outlive the lock.
  TieredLockIdentity(const char* name, LockTier tier, LockMetrics* metrics)
      : name_(name), tier_(tier), stats_(name), metrics_(metrics) {
    if (metrics_ != nullptr) metrics_->Register(&stats_);
  }
  ~TieredLockIdentity() {
    if (metrics_ != nullptr) metrics_->Unregister(&stats_);
  }
  TieredLockIdentity(const TieredLockIdentity&) = delete;
  TieredLockIdentity& operator=(const TieredLockIdentity&) = delete;

  // The lock-order bookkeeping around an acquisition or a release of `self`.
  void BeforeAcquire(const void* self, bool shared = false) const {
    lock_order::OnAcquire(self, name_, tier_, shared);
  }
  void AfterTryAcquire(const void* self) const { lock_order::OnTryAcquired(self, name_, tier_); }
  static void AfterRelease(const void* self) { lock_order::OnRelease(self); }
  void CheckHeld(const void* self, bool shared_is_enough) const {
    lock_order::AssertHeld(self, name_, shared_is_enough);
  }

 private:
  const char* const name_;
  const LockTier tier_;
  LockStats stats_;
  LockMetrics* const metrics_;
};

// The exclusive side every tiered lock shares, over the underlying `Mutex`
// (AdaptiveMutex or std::shared_mutex).
template <typename Mutex>
class ABSL_LOCKABLE TieredLock : public TieredLockIdentity {
 public:
  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() {
    BeforeAcquire(this);
    mu_.lock();
  }
  void Unlock() ABSL_UNLOCK_FUNCTION() {
    mu_.unlock();
    AfterRelease(this);
  }
  bool TryLock() ABSL_EXCLUSIVE_TRYLOCK_FUNCTION(true) {
    if (!mu_.try_lock()) return false;
    AfterTryAcquire(this);
    return true;
  }
  // With lock checks on (debug and sanitizer builds), aborts unless this thread holds it.
  void AssertHeld() const ABSL_ASSERT_EXCLUSIVE_LOCK() { CheckHeld(this, false); }

 protected:
  TieredLock(const char* name, LockTier tier, LockMetrics* metrics) : TieredLockIdentity(name, tier, metrics) {}

  Mutex mu_;
};

class ABSL_LOCKABLE TieredMutex : public TieredLock<AdaptiveMutex> {
 public:
  TieredMutex(const char* name, LockTier tier, LockMetrics* metrics = nullptr) : TieredLock(name, tier, metrics) {}
};

class ABSL_LOCKABLE TieredSharedMutex : public TieredLock<std::shared_mutex> {
 public:
  TieredSharedMutex(const char* name, LockTier tier, LockMetrics* metrics = nullptr)
      : TieredLock(name, tier, metrics) {}

  void ReaderLock() ABSL_SHARED_LOCK_FUNCTION() {
    BeforeAcquire(this, /*shared=*/true);
    mu_.lock_shared();
  }
  void ReaderUnlock() ABSL_UNLOCK_FUNCTION() {
    mu_.unlock_shared();
    AfterRelease(this);
  }
  // With lock checks on, aborts unless this thread holds it (exclusively or shared).
  void AssertReaderHeld() const ABSL_ASSERT_SHARED_LOCK() { CheckHeld(this, true); }
};

// Timed exclusive hold of a tiered lock for the guard's scope.
template <typename Lockable>
class ABSL_SCOPED_LOCKABLE TieredExclusiveLock {
 public:
  TieredExclusiveLock(Lockable* mu, const LockSite& site) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu)
      : mu_(mu), timer_(mu->stats(), &site) {
    mu_->Lock();
    timer_.Acquired();
  }
  ~TieredExclusiveLock() ABSL_UNLOCK_FUNCTION() {
    mu_->Unlock();
    timer_.Released();
  }
  TieredExclusiveLock(const TieredExclusiveLock&) = delete;
  TieredExclusiveLock& operator=(const TieredExclusiveLock&) = delete;

 private:
  Lockable* const mu_;
  LockTimer timer_;
};
using TieredMutexLock = TieredExclusiveLock<TieredMutex>;
using TieredWriterLock = TieredExclusiveLock<TieredSharedMutex>;

// Timed shared hold of a TieredSharedMutex for the guard's scope.
class ABSL_SCOPED_LOCKABLE TieredReaderLock {
 public:
  TieredReaderLock(TieredSharedMutex* mu, const LockSite& site) ABSL_SHARED_LOCK_FUNCTION(mu)
      : mu_(mu), timer_(mu->stats(), &site) {
    mu_->ReaderLock();
    timer_.Acquired();
  }
  ~TieredReaderLock() ABSL_UNLOCK_FUNCTION() {
    mu_->ReaderUnlock();
    timer_.Released();
  }
  TieredReaderLock(const TieredReaderLock&) = delete;
  TieredReaderLock& operator=(const TieredReaderLock&) = delete;

 private:
  TieredSharedMutex* const mu_;
  LockTimer timer_;
};

}  // namespace beam

#endif  // BEAMCORE_LOCKING_TIERED_MUTEX_H_
