// A test network for node::Node objects in one process: each node (or scripted peer)
// gets a BusNetwork that only queues what the node sends; the test pumps the queue,
// delivering gossip, requests and responses to their targets. Nothing is delivered
// from inside a node's callback, as the node's contract requires.

#ifndef BEAMCORE_TESTS_NODE_MESSAGE_BUS_H_
#define BEAMCORE_TESTS_NODE_MESSAGE_BUS_H_

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "node/node.h"
#include "base/mutex.h"

namespace beam::testing {

class MessageBus {
 public:
  enum class Kind { kGossip, kRequest, kChunk, kEnd };
  struct Message {
    Kind kind;
    std::string from, to;
    int topic_or_protocol = 0;
    uint64_t request_id = 0;  // kRequest: the asker's id; kChunk/kEnd: the asker's id
    int32_t result = 0;
    ssz::ByteVec bytes;
  };
  struct Report {
    std::string reporter, peer;
    node::PeerAction action;
    std::string reason;
  };
  // A scripted peer: answers the requests sent to it (returns chunks and a code).
  using PeerScript = std::function<std::pair<std::vector<ssz::ByteVec>, node::ResponseCode>(
      node::ReqProtocol protocol, const ssz::ByteVec& request)>;

  class BusNetwork final : public node::Network {
   public:
    BusNetwork(MessageBus* bus, std::string self) : bus_(bus), self_(std::move(self)) {}
    void PublishGossip(node::GossipTopic topic, ssz::ByteView ssz) override {
      for (const std::string& peer : bus_->PeersOf(self_)) {
        bus_->Push({Kind::kGossip, self_, peer, static_cast<int>(topic), 0, 0, {ssz.begin(), ssz.end()}});
      }
    }
    bool CanSendRequests() const override { return true; }
    void SendRequest(const std::string& peer, node::ReqProtocol protocol, ssz::ByteView ssz, uint64_t id) override {
      bus_->Push({Kind::kRequest, self_, peer, static_cast<int>(protocol), id, 0, {ssz.begin(), ssz.end()}});
    }
    void SendResponseChunk(uint64_t request_id, ssz::ByteView ssz) override {
      auto [asker, id] = bus_->Asker(request_id);
      bus_->Push({Kind::kChunk, self_, asker, 0, id, 0, {ssz.begin(), ssz.end()}});
    }
    void SendResponseEnd(uint64_t request_id, node::ResponseCode code) override {
      auto [asker, id] = bus_->Asker(request_id);
      bus_->Push({Kind::kEnd, self_, asker, 0, id, static_cast<int32_t>(code), {}});
    }
    void ReportPeer(const std::string& peer, node::PeerAction action, const std::string& reason) override {
      bus_->AddReport({self_, peer, action, reason});
    }

   private:
    MessageBus* const bus_;
    const std::string self_;
  };

  // A network for the node named `name` (valid as long as the bus).
  node::Network* Join(const std::string& name) {
    auto net = std::make_unique<BusNetwork>(this, name);
    node::Network* raw = net.get();
    MutexLock lock(&mu_);
    networks_[name] = std::move(net);
    return raw;
  }
  void Attach(const std::string& name, node::Node* node) {
    MutexLock lock(&mu_);
    nodes_[name] = node;
  }
  void Script(const std::string& name, PeerScript script) {
    MutexLock lock(&mu_);
    scripts_[name] = std::move(script);
  }
  // Both directions: each side's node (if any) learns of the other.
  void Connect(const std::string& a, const std::string& b) {
    {
      MutexLock lock(&mu_);
      links_.emplace(a, b);
      links_.emplace(b, a);
    }
    if (node::Node* n = NodeOf(a)) n->OnPeerConnected(b);
    if (node::Node* n = NodeOf(b)) n->OnPeerConnected(a);
  }

  // Delivers queued messages (and what they cause) until none is left or `max` were
  // delivered. Returns how many were delivered.
  size_t Pump(size_t max = 100000) {
    size_t delivered = 0;
    while (delivered < max) {
      for (auto& [name, node] : Nodes()) node->WaitIdle();
      std::optional<Message> m = Pop();
      if (!m) break;
      ++delivered;
      Deliver(*m);
    }
    return delivered;
  }

  std::vector<Message> Sent(Kind kind) const {
    MutexLock lock(&mu_);
    std::vector<Message> out;
    for (const Message& m : log_) {
      if (m.kind == kind) out.push_back(m);
    }
    return out;
  }
  std::vector<Report> Reports() const {
    MutexLock lock(&mu_);
    return reports_;
  }

 private:
  static constexpr int kAskerShift = 48;

  std::vector<std::string> PeersOf(const std::string& name) const {
    MutexLock lock(&mu_);
    std::vector<std::string> out;
    for (auto [it, end] = links_.equal_range(name); it != end; ++it) out.push_back(it->second);
    return out;
  }
  void Push(Message m) {
    MutexLock lock(&mu_);
    log_.push_back(m);
    queue_.push_back(std::move(m));
  }
  std::optional<Message> Pop() {
    MutexLock lock(&mu_);
    if (queue_.empty()) return std::nullopt;
    Message m = std::move(queue_.front());
    queue_.pop_front();
    return m;
  }
  void AddReport(Report r) {
    MutexLock lock(&mu_);
    reports_.push_back(std::move(r));
  }
  uint64_t AskerId(const std::string& asker, uint64_t id) {
    MutexLock lock(&mu_);
    auto [it, inserted] = asker_index_.try_emplace(asker, asker_index_.size() + 1);
    askers_[it->second] = asker;
    return (static_cast<uint64_t>(it->second) << kAskerShift) | id;
  }
  std::pair<std::string, uint64_t> Asker(uint64_t request_id) {
    MutexLock lock(&mu_);
    return {askers_[request_id >> kAskerShift], request_id & ((uint64_t{1} << kAskerShift) - 1)};
  }
  node::Node* NodeOf(const std::string& name) {
    MutexLock lock(&mu_);
    auto it = nodes_.find(name);
    return it == nodes_.end() ? nullptr : it->second;
  }
  std::map<std::string, node::Node*> Nodes() {
    MutexLock lock(&mu_);
    return nodes_;
  }

  void Deliver(const Message& m) {
    const ssz::ByteView bytes(m.bytes.data(), m.bytes.size());
    if (node::Node* n = NodeOf(m.to)) {
      switch (m.kind) {
        case Kind::kGossip:
          (void)n->OnGossip(static_cast<node::GossipTopic>(m.topic_or_protocol), bytes, m.from);
          return;
        case Kind::kRequest:
          (void)n->OnRequest(m.from, static_cast<node::ReqProtocol>(m.topic_or_protocol), bytes,
                             AskerId(m.from, m.request_id));
          return;
        case Kind::kChunk:
          (void)n->OnResponseChunk(m.request_id, bytes);
          return;
        case Kind::kEnd:
          (void)n->OnResponseEnd(m.request_id, static_cast<node::ResponseCode>(m.result));
          return;
      }
    }
    if (m.kind != Kind::kRequest) return;
    PeerScript script;
    {
      MutexLock lock(&mu_);
      auto it = scripts_.find(m.to);
      if (it == scripts_.end()) return;  // nobody there: the request times out
      script = it->second;
    }
    auto [chunks, code] = script(static_cast<node::ReqProtocol>(m.topic_or_protocol), m.bytes);
    for (ssz::ByteVec& c : chunks) Push({Kind::kChunk, m.to, m.from, 0, m.request_id, 0, std::move(c)});
    Push({Kind::kEnd, m.to, m.from, 0, m.request_id, static_cast<int32_t>(code), {}});
  }

  mutable Mutex mu_;
  std::map<std::string, std::unique_ptr<BusNetwork>> networks_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, node::Node*> nodes_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, PeerScript> scripts_ ABSL_GUARDED_BY(mu_);
  std::multimap<std::string, std::string> links_ ABSL_GUARDED_BY(mu_);
  std::deque<Message> queue_ ABSL_GUARDED_BY(mu_);
  std::vector<Message> log_ ABSL_GUARDED_BY(mu_);
  std::vector<Report> reports_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, uint64_t> asker_index_ ABSL_GUARDED_BY(mu_);
  std::map<uint64_t, std::string> askers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace beam::testing

#endif  // BEAMCORE_TESTS_NODE_MESSAGE_BUS_H_
