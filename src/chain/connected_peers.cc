#include "chain/connected_peers.h"

#include <algorithm>
#include <utility>

namespace beam::chain {
namespace {

BEAM_LOCK_SITE(kConnectSite, "connected_peers.connect");
BEAM_LOCK_SITE(kDisconnectSite, "connected_peers.disconnect");
BEAM_LOCK_SITE(kSetStatusSite, "connected_peers.set_status");
BEAM_LOCK_SITE(kReadSite, "connected_peers.read");
BEAM_LOCK_SITE(kSelectSite, "connected_peers.select");

// True if `a` is a better sync peer than `b` (see SelectPeer()).
bool Better(const PeerInfo& a, const PeerInfo& b) {
  if (a.latest_status.has_value() != b.latest_status.has_value()) return a.latest_status.has_value();
  if (a.latest_status.has_value() && a.latest_status->head.slot != b.latest_status->head.slot) {
    return a.latest_status->head.slot > b.latest_status->head.slot;
  }
  return a.peer_id < b.peer_id;
}

}  // namespace

ConnectedPeers::ConnectedPeers(LockMetrics* metrics, beam::metrics::Gauge* count_gauge)
    : mu_("connected_peers", kNetworkTier, metrics), count_gauge_(count_gauge) {}

const LockSite& ConnectedPeers::IterateSite() {
  BEAM_LOCK_SITE(site, "connected_peers.iterate");
  return site;
}

bool ConnectedPeers::Connect(std::string peer_id, uint64_t now_ms) {
  // Built before the lock; on replace it receives the old entry, freed after the unlock.
  PeerInfo info{peer_id, std::nullopt, now_ms};
  TieredWriterLock lock(&mu_, kConnectSite);
  if (auto it = peers_.find(peer_id); it != peers_.end()) {
    std::swap(it->second, info);
    return false;
  }
  peers_.emplace(std::move(peer_id), std::move(info));
  // Only now that the entry is in: an allocation failure above leaves the count alone.
  const size_t count = count_.fetch_add(1, std::memory_order_release) + 1;
  if (count_gauge_ != nullptr) count_gauge_->Set(static_cast<double>(count));
  return true;
}

bool ConnectedPeers::Disconnect(absl::string_view peer_id) {
  decltype(peers_)::node_type removed;  // destroyed after the unlock
  TieredWriterLock lock(&mu_, kDisconnectSite);
  auto it = peers_.find(peer_id);
  if (it == peers_.end()) return false;
  removed = peers_.extract(it);
  const size_t count = count_.fetch_sub(1, std::memory_order_release) - 1;
  if (count_gauge_ != nullptr) count_gauge_->Set(static_cast<double>(count));
  return true;
}

bool ConnectedPeers::Contains(absl::string_view peer_id) const {
  TieredReaderLock lock(&mu_, kReadSite);
  return peers_.contains(peer_id);
}

bool ConnectedPeers::SetLatestStatus(absl::string_view peer_id, const wire::Status& status) {
  TieredWriterLock lock(&mu_, kSetStatusSite);
  auto it = peers_.find(peer_id);
  if (it == peers_.end()) return false;
  it->second.latest_status = status;
  return true;
}

std::optional<PeerInfo> ConnectedPeers::Get(absl::string_view peer_id) const {
  TieredReaderLock lock(&mu_, kReadSite);
  auto it = peers_.find(peer_id);
  if (it == peers_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> ConnectedPeers::SelectPeer(std::optional<absl::string_view> exclude) const {
  if (!exclude.has_value()) return SelectPeerExcept({});
  const std::string excluded(*exclude);
  return SelectPeerExcept(absl::MakeConstSpan(&excluded, 1));
}

std::optional<std::string> ConnectedPeers::SelectPeerExcept(absl::Span<const std::string> exclude) const {
  TieredReaderLock lock(&mu_, kSelectSite);
  const PeerInfo* best = nullptr;
  for (const auto& [id, info] : peers_) {
    if (std::find(exclude.begin(), exclude.end(), id) != exclude.end()) continue;
    if (best == nullptr || Better(info, *best)) best = &info;
  }
  if (best == nullptr) return std::nullopt;
  return best->peer_id;  // copied under the lock
}

std::vector<std::string> ConnectedPeers::PeerIds() const {
  std::vector<std::string> ids;
  TieredReaderLock lock(&mu_, kSelectSite);
  ids.reserve(peers_.size());
  for (const auto& [id, info] : peers_) ids.push_back(id);
  return ids;
}

}  // namespace beam::chain
