// SimNetwork: the devnet's in-memory network. Nodes' callbacks (any thread) put
// messages in with a delivery time drawn from the latency model; the driver takes
// them out in time order. Gossip may be lost; messages between the groups of an
// active partition are dropped (requests then time out, as on a real network).
//
// Thread-safe.

#ifndef BEAMCORE_EXAMPLES_DEVNET_SIM_NETWORK_H_
#define BEAMCORE_EXAMPLES_DEVNET_SIM_NETWORK_H_

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <queue>
#include <random>
#include <vector>

#include "options.h"

namespace devnet {

enum class MessageKind { kGossip, kRequest, kChunk, kEnd };

struct Message {
  uint64_t deliver_at_ms = 0;
  uint64_t seq = 0;  // FIFO among equal times
  MessageKind kind = MessageKind::kGossip;
  int from = 0;
  int to = 0;
  int topic_or_protocol = 0;
  uint64_t request_id = 0;  // kRequest: the asker's id; kChunk/kEnd: the asker's id
  int32_t result = 0;
  std::vector<uint8_t> bytes;
};

struct NetworkStats {
  uint64_t gossip_sent = 0, gossip_lost = 0, partitioned = 0, requests = 0;
};

class SimNetwork {
 public:
  SimNetwork(const Options& options, int nodes);

  // The driver sets the simulated time (ms since genesis) before delivering.
  void SetNow(uint64_t now_ms) { now_ms_.store(now_ms, std::memory_order_relaxed); }
  uint64_t now_ms() const { return now_ms_.load(std::memory_order_relaxed); }

  // Gossip from `from` to its peers (all connected, or `fanout` random ones).
  void Publish(int from, int topic, const uint8_t* data, size_t len);
  void Send(MessageKind kind, int from, int to, int topic_or_protocol, uint64_t request_id, int32_t result,
            const uint8_t* data, size_t len);

  void SetConnected(int node, bool connected);
  bool connected(int node) const;

  // The next message due at or before `until_ms`, in time order.
  std::optional<Message> PopDue(uint64_t until_ms);
  bool empty() const;
  NetworkStats stats() const;

 private:
  bool Partitioned(int a, int b, uint64_t slot) const;
  // A delivery time for a message on the link from -> to: latency + jitter, but never
  // before the link's previous message (links are ordered streams). Requires mu_.
  uint64_t DeliveryTime(int from, int to);

  const Options options_;
  std::atomic<uint64_t> now_ms_{0};
  mutable std::mutex mu_;
  std::vector<bool> connected_;  // guarded by mu_
  std::mt19937_64 rng_;          // guarded by mu_
  uint64_t next_seq_ = 0;        // guarded by mu_
  NetworkStats stats_;           // guarded by mu_
  std::vector<uint64_t> link_last_;  // [from * nodes + to]: last delivery time; guarded by mu_
  struct Later {
    bool operator()(const Message& a, const Message& b) const {
      return a.deliver_at_ms != b.deliver_at_ms ? a.deliver_at_ms > b.deliver_at_ms : a.seq > b.seq;
    }
  };
  std::priority_queue<Message, std::vector<Message>, Later> queue_;  // guarded by mu_
};

}  // namespace devnet

#endif  // BEAMCORE_EXAMPLES_DEVNET_SIM_NETWORK_H_
