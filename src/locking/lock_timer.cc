#include "locking/lock_timer.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace beam {
namespace {

std::atomic<int> site_count{0};
std::atomic<const char*> site_names[LockSite::kMaxLockSites];

}  // namespace

LockSite::LockSite(const char* name) : name_(name), id_(site_count.fetch_add(1)) {
  if (id_ >= kMaxLockSites) {
    std::fprintf(stderr, "beamcore: more than %d lock sites\n", kMaxLockSites);
    std::abort();
  }
  site_names[id_].store(name, std::memory_order_release);
}

int LockSite::count() { return std::min(site_count.load(), kMaxLockSites); }
const char* LockSite::NameOf(int id) { return site_names[id].load(std::memory_order_acquire); }

LockStats::~LockStats() {
  for (auto* slots : {&wait_, &hold_}) {
    for (auto& slot : *slots) delete slot.load(std::memory_order_relaxed);
  }
}

metrics::Histogram* LockStats::Get(Slots& slots, const LockSite& site) {
  std::atomic<metrics::Histogram*>& slot = slots[site.id()];
  metrics::Histogram* h = slot.load(std::memory_order_acquire);
  if (h != nullptr) return h;
  auto* fresh = new metrics::Histogram(metrics::DurationBuckets());
  if (slot.compare_exchange_strong(h, fresh, std::memory_order_acq_rel)) return fresh;
  delete fresh;  // another thread won
  return h;
}

LockMetrics::LockMetrics(metrics::Registry* registry) : shared_(std::make_shared<Shared>()) {
  if (registry == nullptr) return;
  std::weak_ptr<Shared> weak = shared_;
  registry->AddCollector([weak](std::string& out) {
    if (std::shared_ptr<Shared> shared = weak.lock()) Collect(*shared, out);
  });
}

LockMetrics::~LockMetrics() {
  MutexLock lock(&shared_->mu);
  shared_->locks.clear();
}

void LockMetrics::Register(const LockStats* stats) {
  MutexLock lock(&shared_->mu);
  shared_->locks.push_back(stats);
}

void LockMetrics::Unregister(const LockStats* stats) {
  MutexLock lock(&shared_->mu);
  auto& v = shared_->locks;
  v.erase(std::remove(v.begin(), v.end(), stats), v.end());
}

void LockMetrics::Collect(const Shared& shared, std::string& out) {
  MutexLock lock(&const_cast<Shared&>(shared).mu);
  const int sites = LockSite::count();
  const std::vector<double>& bounds = metrics::DurationBuckets();
  for (const bool wait : {true, false}) {
    const char* name = wait ? "beamcore_lock_wait_seconds" : "beamcore_lock_hold_seconds";
    absl::StrAppend(&out, "# HELP ", name, wait ? " Time spent waiting for a lock, by lock and call site.\n"
                                                 : " Time a lock was held, by lock and call site.\n");
    absl::StrAppend(&out, "# TYPE ", name, " histogram\n");
    for (const LockStats* stats : shared.locks) {
      for (int s = 0; s < sites; ++s) {
        const metrics::Histogram* h = wait ? stats->wait(s) : stats->hold(s);
        if (h != nullptr) h->Render(name, {{"lock", stats->lock_name()}, {"site", LockSite::NameOf(s)}}, out);
      }
    }
    // Legacy series (one release): the same observations summed over locks, by site.
    const char* legacy = wait ? "beamcore_node_mutex_wait_time_seconds" : "beamcore_node_mutex_hold_time_seconds";
    absl::StrAppend(&out, "# HELP ", legacy, " Deprecated: ", name, " summed over locks.\n# TYPE ", legacy,
                    " histogram\n");
    for (int s = 0; s < sites; ++s) {
      std::vector<uint64_t> buckets(bounds.size() + 1, 0);
      uint64_t count = 0;
      double sum = 0;
      for (const LockStats* stats : shared.locks) {
        const metrics::Histogram* h = wait ? stats->wait(s) : stats->hold(s);
        if (h == nullptr) continue;
        for (size_t b = 0; b <= bounds.size(); ++b) buckets[b] += h->bucket(b);
        count += h->count();
        sum += h->sum();
      }
      if (count == 0) continue;
      const std::string labels = metrics::RenderLabels({{"site", LockSite::NameOf(s)}});
      uint64_t cumulative = 0;
      for (size_t b = 0; b <= bounds.size(); ++b) {
        cumulative += buckets[b];
        const std::string le = b < bounds.size() ? absl::StrCat(bounds[b]) : "+Inf";
        absl::StrAppend(&out, legacy, "_bucket", metrics::RenderLabels({{"site", LockSite::NameOf(s)}, {"le", le}}),
                        " ", cumulative, "\n");
      }
      absl::StrAppend(&out, legacy, "_sum", labels, " ", sum, "\n", legacy, "_count", labels, " ", count, "\n");
    }
  }
}

}  // namespace beam
