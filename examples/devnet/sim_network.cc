#include "sim_network.h"

#include <algorithm>

namespace devnet {
namespace {
constexpr uint64_t kSlotMs = 4000;
}  // namespace

SimNetwork::SimNetwork(const Options& options, int nodes)
    : options_(options),
      connected_(static_cast<size_t>(nodes), false),
      rng_(options.seed * 7919 + 17),
      link_last_(static_cast<size_t>(nodes) * static_cast<size_t>(nodes), 0) {}

bool SimNetwork::Partitioned(int a, int b, uint64_t slot) const {
  for (const Partition& p : options_.partitions) {
    if (slot < p.from_slot || slot >= p.to_slot) continue;
    int ga = -1, gb = -1;
    for (size_t g = 0; g < p.groups.size(); ++g) {
      if (std::find(p.groups[g].begin(), p.groups[g].end(), a) != p.groups[g].end()) ga = static_cast<int>(g);
      if (std::find(p.groups[g].begin(), p.groups[g].end(), b) != p.groups[g].end()) gb = static_cast<int>(g);
    }
    // A node in no group is cut off from everyone during the partition.
    if (ga != gb || ga < 0) return true;
  }
  return false;
}

uint64_t SimNetwork::DeliveryTime(int from, int to) {
  const double jitter =
      options_.jitter_ms > 0 ? std::uniform_real_distribution<double>(0, options_.jitter_ms)(rng_) : 0.0;
  uint64_t& last = link_last_[static_cast<size_t>(from) * connected_.size() + static_cast<size_t>(to)];
  last = std::max(last, now_ms() + static_cast<uint64_t>(options_.latency_ms + jitter));
  return last;
}

void SimNetwork::Publish(int from, int topic, const uint8_t* data, size_t len) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<int> peers;
  for (int to = 0; to < static_cast<int>(connected_.size()); ++to) {
    if (to != from && connected_[static_cast<size_t>(to)]) peers.push_back(to);
  }
  if (options_.fanout > 0 && peers.size() > static_cast<size_t>(options_.fanout)) {
    std::shuffle(peers.begin(), peers.end(), rng_);
    peers.resize(static_cast<size_t>(options_.fanout));
  }
  const uint64_t slot = now_ms() / kSlotMs;
  for (int to : peers) {
    ++stats_.gossip_sent;
    if (Partitioned(from, to, slot)) {
      ++stats_.partitioned;
      continue;
    }
    if (options_.loss > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < options_.loss) {
      ++stats_.gossip_lost;
      continue;
    }
    Message m;
    m.deliver_at_ms = DeliveryTime(from, to);
    m.seq = next_seq_++;
    m.kind = MessageKind::kGossip;
    m.from = from;
    m.to = to;
    m.topic_or_protocol = topic;
    m.bytes.assign(data, data + len);
    queue_.push(std::move(m));
  }
}

void SimNetwork::Send(MessageKind kind, int from, int to, int topic_or_protocol, uint64_t request_id, int32_t result,
                      const uint8_t* data, size_t len) {
  std::lock_guard<std::mutex> lock(mu_);
  if (kind == MessageKind::kRequest) ++stats_.requests;
  if (to < 0 || to >= static_cast<int>(connected_.size()) || !connected_[static_cast<size_t>(to)]) return;
  if (Partitioned(from, to, now_ms() / kSlotMs)) {
    ++stats_.partitioned;
    return;
  }
  Message m;
  m.deliver_at_ms = DeliveryTime(from, to);
  m.seq = next_seq_++;
  m.kind = kind;
  m.from = from;
  m.to = to;
  m.topic_or_protocol = topic_or_protocol;
  m.request_id = request_id;
  m.result = result;
  if (len > 0) m.bytes.assign(data, data + len);
  queue_.push(std::move(m));
}

void SimNetwork::SetConnected(int node, bool connected) {
  std::lock_guard<std::mutex> lock(mu_);
  connected_[static_cast<size_t>(node)] = connected;
}

bool SimNetwork::connected(int node) const {
  std::lock_guard<std::mutex> lock(mu_);
  return connected_[static_cast<size_t>(node)];
}

std::optional<Message> SimNetwork::PopDue(uint64_t until_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  if (queue_.empty() || queue_.top().deliver_at_ms > until_ms) return std::nullopt;
  Message m = queue_.top();
  queue_.pop();
  return m;
}

bool SimNetwork::empty() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.empty();
}

NetworkStats SimNetwork::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

}  // namespace devnet
