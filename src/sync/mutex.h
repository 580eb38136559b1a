// Mutex: a std::mutex with Clang thread-safety annotations.
//
// libbeamcore builds its locks on the standard library (not absl::Mutex) so that TSan,
// which sees libstdc++'s pthread calls, understands them. This plain mutex is for leaf
// locks that are never held while taking another lock (e.g. a hash cache); the tiered,
// instrumented locks of the chain live beside it.

#ifndef BEAMCORE_SYNC_MUTEX_H_
#define BEAMCORE_SYNC_MUTEX_H_

#include <mutex>

#include "absl/base/thread_annotations.h"

namespace beam {

class ABSL_LOCKABLE Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { mu_.lock(); }
  void Unlock() ABSL_UNLOCK_FUNCTION() { mu_.unlock(); }
  bool TryLock() ABSL_EXCLUSIVE_TRYLOCK_FUNCTION(true) { return mu_.try_lock(); }

 private:
  std::mutex mu_;
};

// RAII holder for Mutex.
class ABSL_SCOPED_LOCKABLE MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) { mu_->Lock(); }
  ~MutexLock() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* const mu_;
};

}  // namespace beam

#endif  // BEAMCORE_SYNC_MUTEX_H_
