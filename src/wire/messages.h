// Req/resp message containers (leanSpec node/networking/reqresp/message.py): Status,
// BlocksByRootRequest, BlocksByRangeRequest.

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

// Step is always 1 (the legacy step field is omitted).
struct BlocksByRangeRequest {
  uint64_t start_slot = 0;
  uint64_t count = 0;  // 1..kMaxRequestBlocks
  static constexpr const char* kSszName = "BlocksByRangeRequest";
  static constexpr auto kSszFields = std::make_tuple(ssz::Field("start_slot", &BlocksByRangeRequest::start_slot),
                                                     ssz::Field("count", &BlocksByRangeRequest::count));
  friend bool operator==(const BlocksByRangeRequest&, const BlocksByRangeRequest&) = default;
};

}  // namespace beam::wire

#endif  // BEAMCORE_WIRE_MESSAGES_H_
