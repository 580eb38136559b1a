// Metrics: counters, gauges and histograms with labels, rendered in the Prometheus
// text exposition format (version 0.0.4).
//
// A Registry belongs to one node (several nodes may live in one process). Getting a
// metric takes the registry lock once; the returned pointer is stable for the
// registry's life and updating it is lock-free (atomics), so hot paths resolve their
// metrics once and keep the pointer. Collectors add families computed at scrape
// time (e.g. lock statistics).
//
// Thread-safe.

#ifndef BEAMCORE_METRICS_REGISTRY_H_
#define BEAMCORE_METRICS_REGISTRY_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "base/mutex.h"

namespace beam::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void Increment(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Cumulative buckets with upper bounds `bounds` (ascending) plus +Inf.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double v);
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return sum_.load(std::memory_order_relaxed); }
  const std::vector<double>& bounds() const { return bounds_; }
  // Non-cumulative count of bucket i (i == bounds().size() is +Inf).
  uint64_t bucket(size_t i) const { return buckets_[i].load(std::memory_order_relaxed); }
  // Appends this histogram's sample lines for family `name` with `labels`.
  void Render(absl::string_view name, const Labels& labels, std::string& out) const;

 private:
  const std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

// Bucket bounds for durations in seconds, 1 µs to 10 s.
const std::vector<double>& DurationBuckets();

// Renders `{k="v",...}` (empty when there are no labels), escaping values.
std::string RenderLabels(const Labels& labels);

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Counter* GetCounter(absl::string_view name, absl::string_view help, const Labels& labels = {})
      ABSL_LOCKS_EXCLUDED(mu_);
  Gauge* GetGauge(absl::string_view name, absl::string_view help, const Labels& labels = {}) ABSL_LOCKS_EXCLUDED(mu_);
  Histogram* GetHistogram(absl::string_view name, absl::string_view help, const std::vector<double>& bounds,
                          const Labels& labels = {}) ABSL_LOCKS_EXCLUDED(mu_);

  // `collect` appends whole families (with # HELP / # TYPE) at every scrape.
  void AddCollector(std::function<void(std::string& out)> collect) ABSL_LOCKS_EXCLUDED(mu_);

  std::string RenderText() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Family {
    std::string help;
    Type type;
    std::map<std::string, std::pair<Labels, std::unique_ptr<Counter>>> counters;
    std::map<std::string, std::pair<Labels, std::unique_ptr<Gauge>>> gauges;
    std::map<std::string, std::pair<Labels, std::unique_ptr<Histogram>>> histograms;
  };
  Family& FamilyFor(absl::string_view name, absl::string_view help, Type type) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable Mutex mu_;
  std::map<std::string, Family, std::less<>> families_ ABSL_GUARDED_BY(mu_);
  std::vector<std::function<void(std::string&)>> collectors_ ABSL_GUARDED_BY(mu_);
};

}  // namespace beam::metrics

#endif  // BEAMCORE_METRICS_REGISTRY_H_
