// Lock wait/hold metrics: LockSite names a call site, LockStats keeps per-site
// histograms for one lock, LockTimer measures one acquisition, and LockMetrics
// exports every registered lock into a metrics::Registry as
//
//   beamcore_lock_wait_seconds{lock,site}   beamcore_lock_hold_seconds{lock,site}
//
// plus, for one release, the legacy series summed over locks:
//
//   beamcore_node_mutex_wait_time_seconds{site}   beamcore_node_mutex_hold_time_seconds{site}
//
// Observing is lock-free (atomics; a site's histograms are created on first use).
// A hold span ends when the lock is released, which for a BorrowedState is when the
// borrow is released, not when the function that handed it out returns.

#ifndef BEAMCORE_LOCKING_LOCK_TIMER_H_
#define BEAMCORE_LOCKING_LOCK_TIMER_H_

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

#include "metrics/registry.h"
#include "base/mutex.h"

namespace beam {

// A named place where a lock is taken, e.g. "onBlock.commit". Sites are static
// objects (see BEAM_LOCK_SITE); at most kMaxLockSites exist per process.
class LockSite {
 public:
  static constexpr int kMaxLockSites = 256;
  explicit LockSite(const char* name);
  LockSite(const LockSite&) = delete;
  LockSite& operator=(const LockSite&) = delete;
  const char* name() const { return name_; }
  int id() const { return id_; }
  static int count();
  static const char* NameOf(int id);

 private:
  const char* name_;
  int id_;
};

#define BEAM_LOCK_SITE(var, name) static const ::beam::LockSite var(name)

class LockStats {
 public:
  explicit LockStats(const char* lock_name) : lock_name_(lock_name) {}
  ~LockStats();
  LockStats(const LockStats&) = delete;
  LockStats& operator=(const LockStats&) = delete;

  const char* lock_name() const { return lock_name_; }
  void ObserveWait(const LockSite& site, double seconds) { Get(wait_, site)->Observe(seconds); }
  void ObserveHold(const LockSite& site, double seconds) { Get(hold_, site)->Observe(seconds); }
  // Null until the site first observes.
  const metrics::Histogram* wait(int site_id) const { return wait_[site_id].load(std::memory_order_acquire); }
  const metrics::Histogram* hold(int site_id) const { return hold_[site_id].load(std::memory_order_acquire); }

 private:
  using Slots = std::array<std::atomic<metrics::Histogram*>, LockSite::kMaxLockSites>;
  static metrics::Histogram* Get(Slots& slots, const LockSite& site);

  const char* lock_name_;
  Slots wait_{};
  Slots hold_{};
};

// Measures one acquisition: construct before blocking, Acquired() once the lock is
// held, Released() after unlocking (idempotent). A default-constructed timer is off.
class LockTimer {
 public:
  LockTimer() = default;
  LockTimer(LockStats* stats, const LockSite* site) : stats_(stats), site_(site), start_(Now()) {}
  void Acquired() {
    if (stats_ == nullptr) return;
    const auto now = Now();
    stats_->ObserveWait(*site_, Seconds(now - start_));
    start_ = now;
    held_ = true;
  }
  void Released() {
    if (stats_ == nullptr || !held_) return;
    stats_->ObserveHold(*site_, Seconds(Now() - start_));
    held_ = false;
  }

 private:
  using Clock = std::chrono::steady_clock;
  static Clock::time_point Now() { return Clock::now(); }
  static double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

  LockStats* stats_ = nullptr;
  const LockSite* site_ = nullptr;
  Clock::time_point start_{};
  bool held_ = false;
};

// Exports the LockStats of registered locks through `registry`. Locks register at
// construction and unregister at destruction; the registry may outlive this.
class LockMetrics {
 public:
  explicit LockMetrics(metrics::Registry* registry);
  ~LockMetrics();
  LockMetrics(const LockMetrics&) = delete;
  LockMetrics& operator=(const LockMetrics&) = delete;

  void Register(const LockStats* stats);
  void Unregister(const LockStats* stats);

 private:
  struct Shared {
    Mutex mu;
    std::vector<const LockStats*> locks ABSL_GUARDED_BY(mu);
  };
  static void Collect(const Shared& shared, std::string& out);
  std::shared_ptr<Shared> shared_;
};

}  // namespace beam

#endif  // BEAMCORE_LOCKING_LOCK_TIMER_H_
