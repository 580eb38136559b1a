// SimNetwork: the devnet's in-memory network. Nodes' callbacks (any thread) put
// messages in with a delivery time drawn from the latency model; the driver takes
// them out in time order.
//
// Gossip follows gossipsub's shape: every node keeps a mesh of about D peers
// (D_low <= degree <= D_high, repaired at each Heartbeat), publishes to its mesh, and
// a node that accepts a message it has not seen forwards it to its mesh except the
// sender. Messages are deduplicated per node by the spec's message id (SHA-256 over
// the topic and the snappy-compressed payload, computed by libbeamcore). As in
// gossipsub, each heartbeat a node also gossips the ids it accepted in the last
// three heartbeats to D_lazy (6) peers outside its mesh, and a peer that lacks one
// asks for it (IHAVE / IWANT): that is what repairs a mesh split into pieces or a
// lost hop. Loss, latency, jitter and partitions apply to every hop (the lazy path
// is three: IHAVE, IWANT, the message); messages between the groups of an active
// partition are dropped (requests then time out, as on a real network).
//
// Thread-safe.

#ifndef BEAMCORE_EXAMPLES_DEVNET_SIM_NETWORK_H_
#define BEAMCORE_EXAMPLES_DEVNET_SIM_NETWORK_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <queue>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "options.h"

namespace devnet {

enum class MessageKind { kGossip, kRequest, kChunk, kEnd };

using MessageId = std::array<uint8_t, 20>;

struct Message {
  uint64_t deliver_at_ms = 0;
  uint64_t seq = 0;  // FIFO among equal times
  MessageKind kind = MessageKind::kGossip;
  int from = 0;
  int to = 0;
  int topic_or_protocol = 0;
  uint64_t request_id = 0;  // kRequest: the asker's id; kChunk/kEnd: the asker's id
  int32_t result = 0;
  MessageId id{};  // kGossip: the gossipsub message id
  std::vector<uint8_t> bytes;
};

struct NetworkStats {
  uint64_t gossip_sent = 0;        // hops put on a link (first publish and relays)
  uint64_t gossip_lost = 0;        // hops dropped by --loss
  uint64_t gossip_relayed = 0;     // hops that were forwards of a received message
  uint64_t gossip_duplicates = 0;  // deliveries dropped because the node had seen the id
  uint64_t gossip_lazy = 0;        // messages sent after an IHAVE / IWANT exchange
  uint64_t partitioned = 0;
  uint64_t requests = 0;
};

class SimNetwork {
 public:
  SimNetwork(const Options& options, int nodes);

  // The driver sets the simulated time (ms since genesis) before delivering.
  void SetNow(uint64_t now_ms) { now_ms_.store(now_ms, std::memory_order_relaxed); }
  uint64_t now_ms() const { return now_ms_.load(std::memory_order_relaxed); }

  // A node's own gossip: marked seen at `from` and sent to its mesh.
  void Publish(int from, int topic, const uint8_t* data, size_t len);
  // After the driver delivered gossip `m` to m.to: if the node accepted it, m.to
  // forwards it to its mesh except the sender.
  void Relay(const Message& m, bool accepted);
  void Send(MessageKind kind, int from, int to, int topic_or_protocol, uint64_t request_id, int32_t result,
            const uint8_t* data, size_t len);

  // Connecting or disconnecting a node repairs the mesh at once.
  void SetConnected(int node, bool connected);
  bool connected(int node) const;
  // Gossipsub's heartbeat: drops mesh links to disconnected nodes, grafts peers onto
  // nodes below D_low and prunes nodes above D_high, both to D; emits the lazy
  // gossip (IHAVE / IWANT) of the last three heartbeats' messages; forgets message
  // ids older than the seen-cache lifetime.
  void Heartbeat();
  std::vector<int> MeshOf(int node) const;

  // The next message due at or before `until_ms`, in time order. Gossip a node has
  // already seen is dropped here (counted as a duplicate) and the next one returned.
  std::optional<Message> PopDue(uint64_t until_ms);
  bool empty() const;
  NetworkStats stats() const;

 private:
  bool Partitioned(int a, int b, uint64_t slot) const;
  // A delivery time for a message on the link from -> to: latency + jitter, but never
  // before the link's previous message (links are ordered streams). Requires mu_.
  uint64_t DeliveryTime(int from, int to);
  // One gossip hop from -> to, with loss and partitions. Requires mu_.
  void SendGossipHop(int from, int to, int topic, const MessageId& id, const std::vector<uint8_t>& bytes, bool relay);
  // Marks `id` seen at `node`; false if it already was. Requires mu_.
  bool MarkSeen(int node, const MessageId& id);
  void RepairMesh();  // requires mu_
  void EmitLazyGossip();  // requires mu_
  // A message `node` accepted, for its lazy gossip. Requires mu_.
  void Remember(int node, const Message& m);
  MessageId IdOf(int topic, const uint8_t* data, size_t len) const;

  const Options options_;
  const int nodes_;
  std::array<std::string, 4> topics_;  // by beam_topic_kind
  std::atomic<uint64_t> now_ms_{0};
  mutable std::mutex mu_;
  std::vector<bool> connected_;              // guarded by mu_
  std::vector<std::set<int>> mesh_;          // symmetric links; guarded by mu_
  std::vector<std::map<MessageId, uint64_t>> seen_;  // id -> first seen (ms); guarded by mu_
  // The same ids in the order they were first seen, to expire from the front (a scan
  // of every seen id at each heartbeat was 8% of a 4096-validator run); guarded by mu_.
  std::vector<std::deque<std::pair<uint64_t, MessageId>>> seen_order_;
  // Per node, the messages it accepted in each of the last heartbeats (newest last):
  // gossipsub's message cache, windows of history_gossip = 3. Guarded by mu_.
  std::vector<std::vector<std::vector<Message>>> recent_;
  std::mt19937_64 rng_;                      // guarded by mu_
  uint64_t next_seq_ = 0;                    // guarded by mu_
  NetworkStats stats_;                       // guarded by mu_
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
