#include "sim_network.h"

#include <beamcore/beamcore.h>
#include <beamcore/wire.h>

#include <algorithm>
#include <cstring>

namespace devnet {
namespace {

constexpr uint64_t kSlotMs = 4000;
// How long a node remembers a message id (gossipsub's seen cache): 30 slots.
constexpr uint64_t kSeenTtlMs = 30 * kSlotMs;
// Gossipsub's lazy gossip: peers outside the mesh told per heartbeat (D_lazy) and
// heartbeats of messages told (history_gossip).
constexpr size_t kLazyPeers = 6;
constexpr size_t kGossipWindows = 3;

std::string TopicString(beam_topic_kind kind) {
  beam_buffer topic{nullptr, 0};
  if (beam_wire_gossip_topic("devnet", kind, 0, &topic) != BEAM_OK) return {};
  std::string out(reinterpret_cast<const char*>(topic.data), topic.len);
  beam_buffer_free(&topic);
  return out;
}

}  // namespace

SimNetwork::SimNetwork(const Options& options, int nodes)
    : options_(options),
      nodes_(nodes),
      connected_(static_cast<size_t>(nodes), false),
      mesh_(static_cast<size_t>(nodes)),
      seen_(static_cast<size_t>(nodes)),
      seen_order_(static_cast<size_t>(nodes)),
      recent_(static_cast<size_t>(nodes), std::vector<std::vector<Message>>(1)),
      rng_(options.seed * 7919 + 17),
      link_last_(static_cast<size_t>(nodes) * static_cast<size_t>(nodes), 0) {
  for (beam_topic_kind kind : {BEAM_TOPIC_BLOCK, BEAM_TOPIC_ATTESTATION, BEAM_TOPIC_AGGREGATE}) {
    topics_[static_cast<size_t>(kind)] = TopicString(kind);
  }
}

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
  uint64_t& last = link_last_[static_cast<size_t>(from) * static_cast<size_t>(nodes_) + static_cast<size_t>(to)];
  last = std::max(last, now_ms() + static_cast<uint64_t>(options_.latency_ms + jitter));
  return last;
}

MessageId SimNetwork::IdOf(int topic, const uint8_t* data, size_t len) const {
  // On the wire a gossip payload is snappy-compressed SSZ; the id is over that.
  MessageId id{};
  beam_buffer compressed{nullptr, 0};
  const std::string& name = topics_[static_cast<size_t>(topic) < topics_.size() ? static_cast<size_t>(topic) : 0];
  if (beam_wire_snappy_compress(data, len, &compressed) == BEAM_OK) {
    // Cannot fail for a valid topic name and buffer; an all-zero id would only merge duplicates.
    if (beam_wire_gossip_message_id(name.c_str(), compressed.data, compressed.len, id.data(), nullptr) != BEAM_OK) {
      id.fill(0);
    }
    beam_buffer_free(&compressed);
  }
  return id;
}

bool SimNetwork::MarkSeen(int node, const MessageId& id) {
  const uint64_t now = now_ms();
  if (!seen_[static_cast<size_t>(node)].emplace(id, now).second) return false;
  seen_order_[static_cast<size_t>(node)].emplace_back(now, id);
  return true;
}

void SimNetwork::SendGossipHop(int from, int to, int topic, const MessageId& id, const std::vector<uint8_t>& bytes,
                               bool relay) {
  ++stats_.gossip_sent;
  if (relay) ++stats_.gossip_relayed;
  if (Partitioned(from, to, now_ms() / kSlotMs)) {
    ++stats_.partitioned;
    return;
  }
  if (options_.loss > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < options_.loss) {
    ++stats_.gossip_lost;
    return;
  }
  Message m;
  m.deliver_at_ms = DeliveryTime(from, to);
  m.seq = next_seq_++;
  m.kind = MessageKind::kGossip;
  m.from = from;
  m.to = to;
  m.topic_or_protocol = topic;
  m.id = id;
  m.bytes = bytes;
  queue_.push(std::move(m));
}

void SimNetwork::Remember(int node, const Message& m) {
  Message copy = m;
  copy.from = node;
  recent_[static_cast<size_t>(node)].back().push_back(std::move(copy));
}

void SimNetwork::Publish(int from, int topic, const uint8_t* data, size_t len) {
  const MessageId id = IdOf(topic, data, len);  // hashing outside the lock
  const std::vector<uint8_t> bytes(data, data + len);
  std::lock_guard<std::mutex> lock(mu_);
  MarkSeen(from, id);
  Message own;
  own.kind = MessageKind::kGossip;
  own.topic_or_protocol = topic;
  own.id = id;
  own.bytes = bytes;
  Remember(from, own);
  for (int to : mesh_[static_cast<size_t>(from)]) SendGossipHop(from, to, topic, id, bytes, /*relay=*/false);
}

void SimNetwork::Relay(const Message& m, bool accepted) {
  if (m.kind != MessageKind::kGossip || !accepted) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (!connected_[static_cast<size_t>(m.to)]) return;
  Remember(m.to, m);
  for (int to : mesh_[static_cast<size_t>(m.to)]) {
    if (to != m.from) SendGossipHop(m.to, to, m.topic_or_protocol, m.id, m.bytes, /*relay=*/true);
  }
}

void SimNetwork::Send(MessageKind kind, int from, int to, int topic_or_protocol, uint64_t request_id, int32_t result,
                      const uint8_t* data, size_t len) {
  std::lock_guard<std::mutex> lock(mu_);
  if (kind == MessageKind::kRequest) ++stats_.requests;
  if (to < 0 || to >= nodes_ || !connected_[static_cast<size_t>(to)]) return;
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

void SimNetwork::RepairMesh() {
  const size_t d = static_cast<size_t>(options_.mesh_degree);
  const size_t d_low = static_cast<size_t>(options_.mesh_low);
  const size_t d_high = static_cast<size_t>(options_.mesh_high);
  for (int n = 0; n < nodes_; ++n) {
    auto& links = mesh_[static_cast<size_t>(n)];
    if (!connected_[static_cast<size_t>(n)]) {
      for (int p : links) mesh_[static_cast<size_t>(p)].erase(n);
      links.clear();
    }
  }
  std::vector<int> order;
  for (int n = 0; n < nodes_; ++n) {
    if (connected_[static_cast<size_t>(n)]) order.push_back(n);
  }
  std::shuffle(order.begin(), order.end(), rng_);
  for (int n : order) {  // graft
    auto& links = mesh_[static_cast<size_t>(n)];
    if (links.size() >= d_low) continue;
    std::vector<int> candidates;
    for (int p : order) {
      if (p != n && !links.contains(p) && mesh_[static_cast<size_t>(p)].size() < d_high) candidates.push_back(p);
    }
    std::shuffle(candidates.begin(), candidates.end(), rng_);
    for (int p : candidates) {
      if (links.size() >= d) break;
      links.insert(p);
      mesh_[static_cast<size_t>(p)].insert(n);
    }
  }
  for (int n : order) {  // prune
    auto& links = mesh_[static_cast<size_t>(n)];
    if (links.size() <= d_high) continue;
    std::vector<int> peers(links.begin(), links.end());
    std::shuffle(peers.begin(), peers.end(), rng_);
    for (size_t i = 0; i < peers.size() && links.size() > d; ++i) {
      links.erase(peers[i]);
      mesh_[static_cast<size_t>(peers[i])].erase(n);
    }
  }
}

void SimNetwork::EmitLazyGossip() {
  const double hop_ms = options_.latency_ms;
  const uint64_t slot = now_ms() / kSlotMs;
  for (int n = 0; n < nodes_; ++n) {
    auto& windows = recent_[static_cast<size_t>(n)];
    if (connected_[static_cast<size_t>(n)]) {
      std::vector<int> others;
      for (int p = 0; p < nodes_; ++p) {
        if (p != n && connected_[static_cast<size_t>(p)] && !mesh_[static_cast<size_t>(n)].contains(p)) {
          others.push_back(p);
        }
      }
      std::shuffle(others.begin(), others.end(), rng_);
      if (others.size() > kLazyPeers) others.resize(kLazyPeers);
      auto lost = [&] { return options_.loss > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < options_.loss; };
      for (int p : others) {
        if (Partitioned(n, p, slot) || lost()) continue;  // the IHAVE
        const auto& seen = seen_[static_cast<size_t>(p)];
        // One IHAVE, one IWANT for every missing id, then the messages: they arrive
        // together, two hops after a direct send would.
        std::optional<uint64_t> arrive_at;
        for (const auto& window : windows) {
          for (const Message& cached : window) {
            if (seen.contains(cached.id)) continue;
            if (lost() || lost()) {  // the IWANT, then the message
              ++stats_.gossip_lost;
              continue;
            }
            if (!arrive_at) {
              uint64_t& last = link_last_[static_cast<size_t>(n) * static_cast<size_t>(nodes_) + static_cast<size_t>(p)];
              last = std::max(last, DeliveryTime(n, p) + static_cast<uint64_t>(2 * hop_ms));
              arrive_at = last;
            }
            Message m = cached;
            m.deliver_at_ms = *arrive_at;
            m.seq = next_seq_++;
            m.from = n;
            m.to = p;
            ++stats_.gossip_sent;
            ++stats_.gossip_lazy;
            queue_.push(std::move(m));
          }
        }
      }
    }
    windows.emplace_back();
    if (windows.size() > kGossipWindows) windows.erase(windows.begin());
  }
}

void SimNetwork::SetConnected(int node, bool connected) {
  std::lock_guard<std::mutex> lock(mu_);
  connected_[static_cast<size_t>(node)] = connected;
  if (!connected) {  // a restarted node starts afresh
    seen_[static_cast<size_t>(node)].clear();
    seen_order_[static_cast<size_t>(node)].clear();
    recent_[static_cast<size_t>(node)].assign(1, {});
  }
  RepairMesh();
}

bool SimNetwork::connected(int node) const {
  std::lock_guard<std::mutex> lock(mu_);
  return connected_[static_cast<size_t>(node)];
}

void SimNetwork::Heartbeat() {
  std::lock_guard<std::mutex> lock(mu_);
  RepairMesh();
  EmitLazyGossip();
  const uint64_t now = now_ms();
  for (size_t node = 0; node < seen_.size(); ++node) {
    auto& order = seen_order_[node];
    while (!order.empty() && order.front().first + kSeenTtlMs < now) {
      seen_[node].erase(order.front().second);
      order.pop_front();
    }
  }
}

std::vector<int> SimNetwork::MeshOf(int node) const {
  std::lock_guard<std::mutex> lock(mu_);
  const auto& links = mesh_[static_cast<size_t>(node)];
  return {links.begin(), links.end()};
}

std::optional<Message> SimNetwork::PopDue(uint64_t until_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  while (!queue_.empty() && queue_.top().deliver_at_ms <= until_ms) {
    Message m = queue_.top();
    queue_.pop();
    if (m.kind == MessageKind::kGossip) {
      if (!connected_[static_cast<size_t>(m.to)]) continue;
      if (!MarkSeen(m.to, m.id)) {
        ++stats_.gossip_duplicates;
        continue;
      }
    }
    return m;
  }
  return std::nullopt;
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
