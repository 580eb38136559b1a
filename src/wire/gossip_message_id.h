// The gossipsub message id (leanSpec node/networking/gossipsub/message.py and the
// _try_decompress step of behavior.py):
//
//   SHA256(domain + uint64_le(len(topic)) + topic + data)[:20]
//
// where data is the snappy-decompressed message and domain MESSAGE_DOMAIN_VALID_SNAPPY
// when the message decompresses, else the raw message and MESSAGE_DOMAIN_INVALID_SNAPPY.
//
// Thread-safe: pure functions.

#ifndef BEAMCORE_WIRE_GOSSIP_MESSAGE_ID_H_
#define BEAMCORE_WIRE_GOSSIP_MESSAGE_ID_H_

#include <array>
#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ssz/bytes.h"
#include "wire/config.h"

namespace beam::wire {

inline constexpr size_t kMessageIdSize = 20;
using MessageId = std::array<uint8_t, kMessageIdSize>;

// GossipsubMessage.compute_id with an explicit domain: `data` is hashed as given.
MessageId ComputeMessageId(const MessageDomain& domain, absl::string_view topic, ssz::ByteView data);

struct GossipMessageId {
  MessageId id{};
  bool valid_snappy = false;  // which domain was used
};

// The id a node computes for a received or published gossip message whose raw
// (snappy block compressed) bytes are `raw`. Decompression is bounded: a block that
// declares more than MAX_PAYLOAD_SIZE is checked for validity without allocating.
// ResourceExhausted when the data to hash would exceed MAX_PAYLOAD_SIZE (the
// decompressed message, or the raw bytes of an invalid one): the spec drops such
// messages without an id.
absl::StatusOr<GossipMessageId> GossipMessageIdOf(absl::string_view topic, ssz::ByteView raw);

}  // namespace beam::wire

#endif  // BEAMCORE_WIRE_GOSSIP_MESSAGE_ID_H_
