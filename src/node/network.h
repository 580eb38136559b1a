// The host's networking as a Node sees it: gossip out, req/resp requests and answers
// out, peer reports. The C layer adapts beam_network_vtable to it; a C++ host or a
// test implements it directly. The enum values equal the C ABI's (checked there).
//
// Methods are called from the node's chain thread, its clock thread or the thread
// calling into the node; they must not block for long and must not call back into
// the node. Every method has a do-nothing default: a host may leave any out.

#ifndef BEAMCORE_NODE_NETWORK_H_
#define BEAMCORE_NODE_NETWORK_H_

#include <cstdint>
#include <string>

#include "ssz/bytes.h"

namespace beam::node {

enum class GossipTopic { kBlock = 1, kAttestation = 2, kAggregate = 3 };
enum class ReqProtocol { kStatus = 1, kBlocksByRoot = 2, kBlocksByRange = 3 };
// leanSpec's response codes.
enum class ResponseCode : int32_t { kSuccess = 0, kInvalidRequest = 1, kServerError = 2, kResourceUnavailable = 3 };
// How bad a peer's behaviour was, for the host's scoring.
enum class PeerAction {
  kFatal = 1,          // disconnect and ban
  kLowTolerance = 2,   // provably invalid data
  kMidTolerance = 3,   // a timeout, an unrequested response
  kHighTolerance = 4,  // a server error, an empty answer
};

const char* ReqProtocolName(ReqProtocol protocol);

class Network {
 public:
  virtual ~Network() = default;

  virtual void PublishGossip(GossipTopic topic, ssz::ByteView ssz) {}
  // Whether SendRequest goes anywhere (without it the node cannot sync from peers).
  virtual bool CanSendRequests() const { return false; }
  virtual void SendRequest(const std::string& peer, ReqProtocol protocol, ssz::ByteView ssz, uint64_t request_id) {}
  // The answer to a request the host passed to Node::OnRequest, chunk by chunk.
  virtual void SendResponseChunk(uint64_t request_id, ssz::ByteView ssz) {}
  virtual void SendResponseEnd(uint64_t request_id, ResponseCode code) {}
  virtual void ReportPeer(const std::string& peer, PeerAction action, const std::string& reason) {}
  // The node needs block `root` and has no connected peer to ask.
  virtual void RequestBlockElsewhere(const ssz::Root& root) {}
};

// A network that goes nowhere (a node without peers).
class NullNetwork final : public Network {};

}  // namespace beam::node

#endif  // BEAMCORE_NODE_NETWORK_H_
