// The host's C vtables behind the node's C++ interfaces: beam_network_vtable as a
// node::Network, beam_log_sink as a node::LogSink, beam_clock_vtable as a node::Clock.
// Each copies the host's struct (its first struct_size bytes; later fields stay NULL)
// and calls the host's functions with its user_data.

#ifndef BEAMCORE_CAPI_HOST_ADAPTERS_H_
#define BEAMCORE_CAPI_HOST_ADAPTERS_H_

#include <string>

#include "beamcore/beamcore.h"
#include "node/clock_driver.h"
#include "node/log_sink.h"
#include "node/network.h"

namespace beam::capi {

class HostNetwork final : public node::Network {
 public:
  explicit HostNetwork(const beam_network_vtable& vtable);

  void PublishGossip(node::GossipTopic topic, ssz::ByteView ssz) override;
  bool CanSendRequests() const override { return v_.send_request != nullptr; }
  void SendRequest(const std::string& peer, node::ReqProtocol protocol, ssz::ByteView ssz,
                   uint64_t request_id) override;
  void SendResponseChunk(uint64_t request_id, ssz::ByteView ssz) override;
  void SendResponseEnd(uint64_t request_id, node::ResponseCode code) override;
  void ReportPeer(const std::string& peer, node::PeerAction action, const std::string& reason) override;
  void RequestBlockElsewhere(const ssz::Root& root) override;

 private:
  beam_network_vtable v_{};
};

class HostLog final : public node::LogSink {
 public:
  explicit HostLog(const beam_log_sink& sink);
  node::LogLevel max_level() const override { return max_level_; }
  void Write(node::LogLevel level, const std::string& line) override;

 private:
  beam_log_sink s_{};
  node::LogLevel max_level_;
};

class HostClock final : public node::Clock {
 public:
  explicit HostClock(const beam_clock_vtable& clock);
  uint64_t NowMs() override { return c_.now_ms(c_.user_data); }

 private:
  beam_clock_vtable c_{};
};

}  // namespace beam::capi

#endif  // BEAMCORE_CAPI_HOST_ADAPTERS_H_
