#include "node/clock_driver.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "consensus/config.h"

namespace beam::node {

ClockDriver::ClockDriver(Clock* clock, uint64_t genesis_time_s, std::function<void(uint64_t)> tick)
    : clock_(clock), genesis_ms_(genesis_time_s * 1000), tick_(std::move(tick)), thread_([this] { Run(); }) {}

ClockDriver::~ClockDriver() {
  {
    MutexLock lock(&mu_);
    stop_ = true;
  }
  cv_.SignalAll();
  thread_.join();
}

void ClockDriver::Run() {
  uint64_t last = 0;
  bool ticked = false;
  MutexLock lock(&mu_);
  while (!stop_) {
    const uint64_t now = clock_->NowMs();
    const uint64_t since = now > genesis_ms_ ? now - genesis_ms_ : 0;
    const uint64_t interval = since / consensus::kMillisecondsPerInterval;
    if (!ticked || interval > last) {
      mu_.Unlock();  // never call into the node holding our lock (destroy waits on it)
      tick_(interval);
      mu_.Lock();
      last = interval;
      ticked = true;
    }
    const uint64_t until_next = consensus::kMillisecondsPerInterval - since % consensus::kMillisecondsPerInterval;
    cv_.WaitFor(&mu_, std::chrono::milliseconds(std::min<uint64_t>(until_next, 100)));
  }
}

}  // namespace beam::node
