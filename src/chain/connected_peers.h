// ConnectedPeers: the node's connected peers (peer id -> PeerInfo) under a
// reader/writer lock ("connected_peers", tier 2 = kNetworkTier), plus an atomic count
// that hot paths (a log line per gossip message) read without taking the lock.
//
// The count is changed only by Connect() of a new id and Disconnect() of a present
// one, under the writer lock and only after the map change has succeeded, so it is
// always the map's size as of the last completed change (a writer in progress may
// already have changed the map, and a lock-free reader sees the count one change
// behind; it never drifts and never wraps). Replacing a connected peer leaves the
// count as it is, and an allocation failure leaves map and count as they were.
//
// Nothing is handed out by pointer: Get() and SelectPeer() return owned copies, and
// IterateLocked()'s callback gets a reference valid only during the call.
//
// Thread-safe.

#ifndef BEAMCORE_CHAIN_CONNECTED_PEERS_H_
#define BEAMCORE_CHAIN_CONNECTED_PEERS_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "metrics/registry.h"
#include "locking/lock_timer.h"
#include "locking/tiered_mutex.h"
#include "wire/messages.h"

namespace beam::chain {

struct PeerInfo {
  std::string peer_id;
  std::optional<wire::Status> latest_status;  // the last Status the peer sent us
  uint64_t connected_at_ms = 0;
};

class ConnectedPeers {
 public:
  // `metrics` (optional) exports the lock's wait/hold times per call site
  // ("connected_peers.connect", ...); `count_gauge` (optional; lean_connected_peers)
  // follows Count(). Both must outlive this object.
  explicit ConnectedPeers(LockMetrics* metrics = nullptr, beam::metrics::Gauge* count_gauge = nullptr);
  ConnectedPeers(const ConnectedPeers&) = delete;
  ConnectedPeers& operator=(const ConnectedPeers&) = delete;

  // Number of connected peers; lock-free (see the header comment for how exact).
  size_t Count() const { return count_.load(std::memory_order_acquire); }

  // Records a connection at `now_ms`. True if the peer was not connected; otherwise
  // its entry is replaced by a fresh one (no status yet) and false is returned.
  bool Connect(std::string peer_id, uint64_t now_ms) ABSL_LOCKS_EXCLUDED(mu_);
  // True if the peer was connected.
  bool Disconnect(absl::string_view peer_id) ABSL_LOCKS_EXCLUDED(mu_);
  bool Contains(absl::string_view peer_id) const ABSL_LOCKS_EXCLUDED(mu_);
  // False (and nothing recorded) if the peer is not connected.
  bool SetLatestStatus(absl::string_view peer_id, const wire::Status& status) ABSL_LOCKS_EXCLUDED(mu_);
  // A copy of the peer's entry, or nullopt.
  std::optional<PeerInfo> Get(absl::string_view peer_id) const ABSL_LOCKS_EXCLUDED(mu_);

  // The peer to ask for blocks: among connected peers other than `exclude`, the one
  // whose latest Status has the highest head slot (ties: smallest peer id); if none
  // of them has sent a Status, the one with the smallest peer id. nullopt if there is
  // no candidate. The id is an owned copy: it stays valid after the peer disconnects.
  std::optional<std::string> SelectPeer(std::optional<absl::string_view> exclude = std::nullopt) const
      ABSL_LOCKS_EXCLUDED(mu_);
  // SelectPeer() among the peers not in `exclude` (the ones already asked).
  std::optional<std::string> SelectPeerExcept(absl::Span<const std::string> exclude) const ABSL_LOCKS_EXCLUDED(mu_);
  // The ids of the connected peers (owned copies), in unspecified order.
  std::vector<std::string> PeerIds() const ABSL_LOCKS_EXCLUDED(mu_);

  // Calls fn(const PeerInfo&) for every connected peer, in unspecified order, under
  // the shared lock. The reference is valid only during the call; fn must not call
  // into this object (a writer waiting behind the shared hold would deadlock it) nor
  // take a lock of tier <= 2.
  template <class Fn>
  void IterateLocked(Fn fn) const ABSL_LOCKS_EXCLUDED(mu_) {
    TieredReaderLock lock(&mu_, IterateSite());
    for (const auto& [id, info] : peers_) fn(info);
  }

 private:
  // One site for every IterateLocked instantiation (defined in the .cc).
  static const LockSite& IterateSite();

  mutable TieredSharedMutex mu_;
  absl::flat_hash_map<std::string, PeerInfo> peers_ ABSL_GUARDED_BY(mu_);
  // peers_.size(), published after each successful change (written under mu_).
  std::atomic<size_t> count_{0};
  beam::metrics::Gauge* const count_gauge_;  // set with count_ (under mu_), or null
};

}  // namespace beam::chain

#endif  // BEAMCORE_CHAIN_CONNECTED_PEERS_H_
