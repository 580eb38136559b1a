#include "metrics/registry.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "absl/strings/str_cat.h"

namespace beam::metrics {
namespace {

std::string FormatDouble(double v) {
  if (v == std::numeric_limits<double>::infinity()) return "+Inf";
  if (v == -std::numeric_limits<double>::infinity()) return "-Inf";
  if (std::isnan(v)) return "NaN";
  // 9 significant digits when they read back as `v` (the familiar bucket bounds such
  // as "0.0001"); otherwise the shortest text that does, since a fixed precision would
  // round large values (a Unix timestamp to tens of seconds).
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.9g", v);
  if (std::strtod(buf, nullptr) == v) return buf;
  const std::to_chars_result r = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, r.ptr);
}

std::string Escape(absl::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

const char* TypeName(int type) { return type == 0 ? "counter" : type == 1 ? "gauge" : "histogram"; }

}  // namespace

std::string RenderLabels(const Labels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    absl::StrAppend(&out, i ? "," : "", labels[i].first, "=\"", Escape(labels[i].second), "\"");
  }
  out += "}";
  return out;
}

const std::vector<double>& DurationBuckets() {
  static const auto* kBuckets = new std::vector<double>{1e-6, 5e-6, 1e-5, 5e-5, 1e-4, 5e-4, 1e-3, 5e-3,
                                                        1e-2, 5e-2, 0.1,  0.5,  1,    5,    10};
  return *kBuckets;
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  assert(std::is_sorted(bounds_.begin(), bounds_.end()));
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double v) {
  const size_t i = static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin());
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

void Histogram::Render(absl::string_view name, const Labels& labels, std::string& out) const {
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += bucket(i);
    Labels with_le = labels;
    with_le.emplace_back("le", i < bounds_.size() ? FormatDouble(bounds_[i]) : "+Inf");
    absl::StrAppend(&out, name, "_bucket", RenderLabels(with_le), " ", cumulative, "\n");
  }
  absl::StrAppend(&out, name, "_sum", RenderLabels(labels), " ", FormatDouble(sum()), "\n");
  absl::StrAppend(&out, name, "_count", RenderLabels(labels), " ", count(), "\n");
}

Registry::Family& Registry::FamilyFor(absl::string_view name, absl::string_view help, Type type) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), Family{std::string(help), type, {}, {}, {}}).first;
  }
  assert(it->second.type == type && "a metric name is registered with two types");
  return it->second;
}

Counter* Registry::GetCounter(absl::string_view name, absl::string_view help, const Labels& labels) {
  MutexLock lock(&mu_);
  auto& slot = FamilyFor(name, help, Type::kCounter).counters[RenderLabels(labels)];
  if (!slot.second) slot = {labels, std::make_unique<Counter>()};
  return slot.second.get();
}

Gauge* Registry::GetGauge(absl::string_view name, absl::string_view help, const Labels& labels) {
  MutexLock lock(&mu_);
  auto& slot = FamilyFor(name, help, Type::kGauge).gauges[RenderLabels(labels)];
  if (!slot.second) slot = {labels, std::make_unique<Gauge>()};
  return slot.second.get();
}

Histogram* Registry::GetHistogram(absl::string_view name, absl::string_view help, const std::vector<double>& bounds,
                                  const Labels& labels) {
  MutexLock lock(&mu_);
  auto& slot = FamilyFor(name, help, Type::kHistogram).histograms[RenderLabels(labels)];
  if (!slot.second) slot = {labels, std::make_unique<Histogram>(bounds)};
  return slot.second.get();
}

void Registry::AddCollector(std::function<void(std::string& out)> collect) {
  MutexLock lock(&mu_);
  collectors_.push_back(std::move(collect));
}

std::string Registry::RenderText() const {
  std::string out;
  std::vector<std::function<void(std::string&)>> collectors;
  {
    MutexLock lock(&mu_);
    for (const auto& [name, family] : families_) {
      absl::StrAppend(&out, "# HELP ", name, " ", family.help, "\n# TYPE ", name, " ",
                      TypeName(static_cast<int>(family.type)), "\n");
      for (const auto& [key, metric] : family.counters) {
        absl::StrAppend(&out, name, key, " ", metric.second->value(), "\n");
      }
      for (const auto& [key, metric] : family.gauges) {
        absl::StrAppend(&out, name, key, " ", FormatDouble(metric.second->value()), "\n");
      }
      for (const auto& [key, metric] : family.histograms) metric.second->Render(name, metric.first, out);
    }
    collectors = collectors_;
  }
  // Collectors run outside the registry lock: they take their own locks.
  for (const auto& collect : collectors) collect(out);
  return out;
}

}  // namespace beam::metrics
