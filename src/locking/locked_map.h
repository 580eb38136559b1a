// LockedMap: a hash map and the one lock that guards it, with the small set of
// operations the network side of a node needs (get / put / remove / fetch-remove /
// count / contains / iterate / act on one value).
//
// The promise is that no reference or pointer into the map ever outlives the lock:
// Get() and FetchRemove() hand out copies (moves), and the two calls that expose
// in-map storage, IterateLocked() and WithValueLocked(), do so only to a callback that
// runs while the lock is held. A callback must not let those references escape (store
// them, return them, hand them to another thread): a concurrent Put() may rehash and a
// concurrent Remove() frees the value the moment the lock is released. To take
// something out, copy it inside the callback, e.g.
//
//   std::optional<std::string> peer = requests.WithValueLocked(
//       id, [](const Request* r) -> std::optional<std::string> {
//         if (r == nullptr) return std::nullopt;
//         return r->peer_id;  // an owned copy, made under the lock
//       });
//
// Callbacks run under a lock of the map's tier (kNetworkTier unless the constructor
// says otherwise), so they must not call back into the same map (self-deadlock) nor
// take another lock of the same or a lower tier (locking/lock_tier.h; caught at run time
// in debug and sanitizer builds).
//
// The lock is a TieredMutex taken with its bare, untimed Lock()/Unlock(): these maps
// sit on per-message hot paths where a clock read per operation would cost more than
// the critical section. Values are copied or destroyed outside the lock where that is
// free to arrange (FetchRemove, Remove).
//
// Thread-safe. K and V must be movable; Get() needs V copyable.

#ifndef BEAMCORE_LOCKING_LOCKED_MAP_H_
#define BEAMCORE_LOCKING_LOCKED_MAP_H_

#include <cstddef>
#include <optional>
#include <type_traits>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "locking/lock_tier.h"
#include "locking/tiered_mutex.h"

namespace beam {

template <class K, class V, class Hash = absl::Hash<K>>
class LockedMap {
 public:
  // `name` (static storage) and `tier` identify the lock in the order checks. The lock
  // is taken untimed, so there are no per-site metrics to export.
  explicit LockedMap(const char* name, LockTier tier = kNetworkTier) : mu_(name, tier) {}
  LockedMap(const LockedMap&) = delete;
  LockedMap& operator=(const LockedMap&) = delete;

  // A copy of the value under `key`, or nullopt.
  std::optional<V> Get(const K& key) const ABSL_LOCKS_EXCLUDED(mu_) {
    Guard lock(&mu_);
    auto it = map_.find(key);
    if (it == map_.end()) return std::nullopt;
    return it->second;
  }

  // Inserts or replaces; true if `key` was not present before.
  bool Put(K key, V value) ABSL_LOCKS_EXCLUDED(mu_) {
    Guard lock(&mu_);
    return map_.insert_or_assign(std::move(key), std::move(value)).second;
  }

  // True if `key` was present. The removed value is destroyed after the unlock.
  bool Remove(const K& key) ABSL_LOCKS_EXCLUDED(mu_) {
    typename Map::node_type node;
    {
      Guard lock(&mu_);
      node = map_.extract(key);
    }
    return !node.empty();
  }

  // Removes `key` and hands its value to the caller; nullopt if absent.
  std::optional<V> FetchRemove(const K& key) ABSL_LOCKS_EXCLUDED(mu_) {
    typename Map::node_type node;
    {
      Guard lock(&mu_);
      node = map_.extract(key);
    }
    if (node.empty()) return std::nullopt;
    return std::optional<V>(std::move(node.mapped()));
  }

  size_t Count() const ABSL_LOCKS_EXCLUDED(mu_) {
    Guard lock(&mu_);
    return map_.size();
  }

  bool Contains(const K& key) const ABSL_LOCKS_EXCLUDED(mu_) {
    Guard lock(&mu_);
    return map_.contains(key);
  }

  // Calls fn(const K&, const V&) for every entry, in unspecified order, with the lock
  // held throughout. The references are valid only inside the call; see the header
  // comment. fn must not call into this map.
  template <class Fn>
  void IterateLocked(Fn fn) const ABSL_LOCKS_EXCLUDED(mu_) {
    Guard lock(&mu_);
    for (const auto& [key, value] : map_) fn(key, value);
  }

  // Calls fn(const V*) with the lock held: a pointer to the value under `key`, or
  // nullptr if absent. Returns what fn returns (which must not point into the map).
  // The lock is released on every way out of fn, an exception included.
  template <class Fn>
  std::invoke_result_t<Fn&, const V*> WithValueLocked(const K& key, Fn fn) const ABSL_LOCKS_EXCLUDED(mu_) {
    Guard lock(&mu_);
    auto it = map_.find(key);
    const V* value = it == map_.end() ? nullptr : &it->second;
    return fn(value);
  }

  // The map's lock, for tests that prove it is (not) held, e.g. with TryLock() from
  // another thread. Production code uses the methods above.
  TieredMutex& mutex_for_testing() const ABSL_LOCK_RETURNED(mu_) { return mu_; }

 private:
  using Map = absl::flat_hash_map<K, V, Hash>;

  // Untimed RAII hold of the map's lock.
  class ABSL_SCOPED_LOCKABLE Guard {
   public:
    explicit Guard(TieredMutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) { mu_->Lock(); }
    ~Guard() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(); }
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;

   private:
    TieredMutex* const mu_;
  };

  mutable TieredMutex mu_;
  Map map_ ABSL_GUARDED_BY(mu_);
};

}  // namespace beam

#endif  // BEAMCORE_LOCKING_LOCKED_MAP_H_
