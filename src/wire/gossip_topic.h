// Gossipsub topic strings (leanSpec node/networking/gossipsub/topic.py):
//
//   /leanconsensus/<network name>/<topic name>/ssz_snappy
//
// with topic name "block", "aggregation" or "attestation_<subnet id>". The network
// name is taken as given (the fixtures use both "12345678" and "0x12345678").
//
// Thread-safe: pure functions.

#ifndef BEAMCORE_WIRE_GOSSIP_TOPIC_H_
#define BEAMCORE_WIRE_GOSSIP_TOPIC_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace beam::wire {

enum class GossipTopicKind {
  kBlock,                  // "block": SignedBlock
  kAttestationSubnet,      // "attestation_<subnet>": SignedAttestation
  kAggregatedAttestation,  // "aggregation": SignedAggregatedAttestation
};

struct GossipTopic {
  GossipTopicKind kind = GossipTopicKind::kBlock;
  std::string network_name;
  // Required for kAttestationSubnet, absent otherwise. (A parsed bare "attestation"
  // topic name has kind kAttestationSubnet and no subnet, as the spec parses it.)
  std::optional<uint64_t> subnet_id;

  friend bool operator==(const GossipTopic&, const GossipTopic&) = default;
};

// GossipTopic.to_topic_id. InvalidArgument when the network name is not valid UTF-8 or
// contains '/' (the string would not parse back), when an attestation topic has no
// subnet id, or when another kind has one.
absl::StatusOr<std::string> GossipTopicString(const GossipTopic& topic);

// GossipTopic.from_string. Leading '/'s are ignored, then exactly four '/'-separated
// parts: "leanconsensus", the network name, the topic name, "ssz_snappy". The subnet of
// "attestation_<n>" must be a plain decimal uint64 (the spec's int() also takes signs,
// blanks and '_' separators, which no topic string we build contains).
// InvalidArgument when malformed or the topic name is unknown.
absl::StatusOr<GossipTopic> ParseGossipTopic(absl::string_view topic);

// GossipTopic.validate_fork: whether the topic belongs to `expected_network_name`.
inline bool TopicMatchesNetwork(const GossipTopic& topic, absl::string_view expected_network_name) {
  return topic.network_name == expected_network_name;
}

}  // namespace beam::wire

#endif  // BEAMCORE_WIRE_GOSSIP_TOPIC_H_
