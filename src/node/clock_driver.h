// ClockDriver: reads a host clock on a thread of its own and calls `tick` with the
// interval number (since genesis) at each interval boundary. It waits at most 100 ms
// of real time between reads, so a host clock that runs faster than real time is
// followed with that lag.
//
// Thread-safe; `tick` runs on the driver's thread and must not destroy the driver.

#ifndef BEAMCORE_NODE_CLOCK_DRIVER_H_
#define BEAMCORE_NODE_CLOCK_DRIVER_H_

#include <cstdint>
#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "base/mutex.h"

namespace beam::node {

// The host's wall clock.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual uint64_t NowMs() = 0;  // Unix time in milliseconds
};

class ClockDriver {
 public:
  ClockDriver(Clock* clock, uint64_t genesis_time_s, std::function<void(uint64_t)> tick);
  ~ClockDriver();  // stops and joins the thread
  ClockDriver(const ClockDriver&) = delete;
  ClockDriver& operator=(const ClockDriver&) = delete;

 private:
  void Run() ABSL_LOCKS_EXCLUDED(mu_);

  Clock* const clock_;
  const uint64_t genesis_ms_;
  const std::function<void(uint64_t)> tick_;
  Mutex mu_;
  CondVar cv_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;  // last: started after everything above exists
};

}  // namespace beam::node

#endif  // BEAMCORE_NODE_CLOCK_DRIVER_H_
