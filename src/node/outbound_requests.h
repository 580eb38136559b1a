// OutboundRequests: the req/resp requests a node has sent and not seen finish, with
// what each one owes (roots, or a slot range) and its deadline in node time.
//
// Thread-safe. Its mutex is a leaf lock: no method calls out while holding it, so
// it may be used with any chain lock held or not.

#ifndef BEAMCORE_NODE_OUTBOUND_REQUESTS_H_
#define BEAMCORE_NODE_OUTBOUND_REQUESTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "node/network.h"
#include "ssz/bytes.h"
#include "base/mutex.h"

namespace beam::node {

struct OutboundRequest {
  std::string peer;
  ReqProtocol protocol = ReqProtocol::kStatus;
  std::vector<ssz::Root> roots;  // BlocksByRoot: what was asked for
  uint64_t range_start = 0;      // BlocksByRange: [range_start, range_start + range_count)
  uint64_t range_count = 0;
  uint64_t next_slot = 0;        // BlocksByRange: chunks must come in increasing slot order
  uint64_t chunks = 0;           // chunks accepted so far
  // BlocksByRange: the first slot whose block the chain's queue could not take; the
  // rest of the batch is skipped and the next batch starts here.
  uint64_t resume_slot = UINT64_MAX;
  int attempt = 1;               // BlocksByRoot: asked of this many peers in turn
  std::vector<std::string> asked;  // BlocksByRoot: the peers asked so far (this one included)
  uint64_t deadline_interval = 0;
};

class OutboundRequests {
 public:
  void Add(uint64_t id, OutboundRequest request) ABSL_LOCKS_EXCLUDED(mu_) {
    MutexLock lock(&mu_);
    requests_[id] = std::move(request);
  }

  // Runs `fn(OutboundRequest&)` on the request under the lock (fn must not call out of
  // this object); nullopt if the id is unknown.
  template <class Fn, class R = std::invoke_result_t<Fn&, OutboundRequest&>>
  std::optional<R> Update(uint64_t id, Fn fn) ABSL_LOCKS_EXCLUDED(mu_) {
    MutexLock lock(&mu_);
    auto it = requests_.find(id);
    if (it == requests_.end()) return std::nullopt;
    return fn(it->second);
  }

  std::optional<OutboundRequest> Remove(uint64_t id) ABSL_LOCKS_EXCLUDED(mu_) {
    MutexLock lock(&mu_);
    auto it = requests_.find(id);
    if (it == requests_.end()) return std::nullopt;
    OutboundRequest r = std::move(it->second);
    requests_.erase(it);
    return r;
  }

  // Removes and returns every request whose deadline is at or before `now_interval`.
  std::vector<std::pair<uint64_t, OutboundRequest>> TakeExpired(uint64_t now_interval) ABSL_LOCKS_EXCLUDED(mu_) {
    std::vector<std::pair<uint64_t, OutboundRequest>> expired;
    MutexLock lock(&mu_);
    for (auto it = requests_.begin(); it != requests_.end();) {
      if (it->second.deadline_interval <= now_interval) {
        expired.emplace_back(it->first, std::move(it->second));
        requests_.erase(it++);
      } else {
        ++it;
      }
    }
    return expired;
  }

  // Whether a BlocksByRange request is in flight (range sync runs one at a time).
  bool RangeSyncInFlight() const ABSL_LOCKS_EXCLUDED(mu_) {
    MutexLock lock(&mu_);
    for (const auto& [id, r] : requests_) {
      if (r.protocol == ReqProtocol::kBlocksByRange) return true;
    }
    return false;
  }

  size_t Count() const ABSL_LOCKS_EXCLUDED(mu_) {
    MutexLock lock(&mu_);
    return requests_.size();
  }

 private:
  mutable Mutex mu_;
  absl::flat_hash_map<uint64_t, OutboundRequest> requests_ ABSL_GUARDED_BY(mu_);
};

}  // namespace beam::node

#endif  // BEAMCORE_NODE_OUTBOUND_REQUESTS_H_
