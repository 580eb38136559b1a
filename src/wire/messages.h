// Req/resp message containers (leanSpec node/networking): Status, BlocksByRootRequest.

#ifndef BEAMCORE_WIRE_MESSAGES_H_
#define BEAMCORE_WIRE_MESSAGES_H_

#include "consensus/types/checkpoint.h"
#include "ssz/collections.h"

namespace beam::wire {

inline constexpr size_t kMaxRequestBlocks = 1024;

struct Status {
  consensus::Checkpoint finalized;
  consensus::Checkpoint head;
  static constexpr const char* kSszName = "Status";
  static constexpr auto kSszFields =
      std::make_tuple(ssz::Field("finalized", &Status::finalized), ssz::Field("head", &Status::head));
  friend bool operator==(const Status&, const Status&) = default;
};

struct BlocksByRootRequest {
  ssz::List<ssz::Root, kMaxRequestBlocks> roots;
  static constexpr const char* kSszName = "BlocksByRootRequest";
  static constexpr auto kSszFields = std::make_tuple(ssz::Field("roots", &BlocksByRootRequest::roots));
  friend bool operator==(const BlocksByRootRequest&, const BlocksByRootRequest&) = default;
};

}  // namespace beam::wire

#endif  // BEAMCORE_WIRE_MESSAGES_H_
