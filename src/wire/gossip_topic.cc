#include "wire/gossip_topic.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "wire/utf8.h"

namespace beam::wire {
namespace {

constexpr absl::string_view kTopicPrefix = "leanconsensus";
constexpr absl::string_view kEncoding = "ssz_snappy";
constexpr absl::string_view kBlockTopicName = "block";
constexpr absl::string_view kAttestationTopicName = "attestation";
constexpr absl::string_view kAggregationTopicName = "aggregation";

bool IsDecimal(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::string> GossipTopicString(const GossipTopic& topic) {
  if (!IsValidUtf8(topic.network_name)) return absl::InvalidArgumentError("network name is not valid UTF-8");
  if (topic.network_name.find('/') != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat("network name '", topic.network_name, "' contains '/'"));
  }
  std::string name;
  switch (topic.kind) {
    case GossipTopicKind::kBlock:
      name = std::string(kBlockTopicName);
      break;
    case GossipTopicKind::kAggregatedAttestation:
      name = std::string(kAggregationTopicName);
      break;
    case GossipTopicKind::kAttestationSubnet:
      if (!topic.subnet_id.has_value()) {
        return absl::InvalidArgumentError("subnet_id is required for attestation subnet topics");
      }
      name = absl::StrCat(kAttestationTopicName, "_", *topic.subnet_id);
      break;
    default:
      return absl::InvalidArgumentError(absl::StrCat("unknown topic kind ", static_cast<int>(topic.kind)));
  }
  if (topic.kind != GossipTopicKind::kAttestationSubnet && topic.subnet_id.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat("topic '", name, "' takes no subnet id"));
  }
  return absl::StrCat("/", kTopicPrefix, "/", topic.network_name, "/", name, "/", kEncoding);
}

absl::StatusOr<GossipTopic> ParseGossipTopic(absl::string_view topic) {
  absl::string_view rest = topic;
  while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  const std::vector<absl::string_view> parts = absl::StrSplit(rest, '/');
  if (parts.size() != 4) {
    return absl::InvalidArgumentError(absl::StrCat("invalid topic format: expected 4 parts, got ", parts.size()));
  }
  if (parts[0] != kTopicPrefix) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid prefix: expected '", kTopicPrefix, "', got '", parts[0], "'"));
  }
  if (parts[3] != kEncoding) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid encoding: expected '", kEncoding, "', got '", parts[3], "'"));
  }
  GossipTopic parsed;
  parsed.network_name = std::string(parts[1]);
  const absl::string_view name = parts[2];
  const std::string attestation_prefix = absl::StrCat(kAttestationTopicName, "_");
  uint64_t subnet = 0;
  if (absl::StartsWith(name, attestation_prefix) && IsDecimal(name.substr(attestation_prefix.size())) &&
      absl::SimpleAtoi(name.substr(attestation_prefix.size()), &subnet)) {
    parsed.kind = GossipTopicKind::kAttestationSubnet;
    parsed.subnet_id = subnet;
  } else if (name == kBlockTopicName) {
    parsed.kind = GossipTopicKind::kBlock;
  } else if (name == kAggregationTopicName) {
    parsed.kind = GossipTopicKind::kAggregatedAttestation;
  } else if (name == kAttestationTopicName) {
    parsed.kind = GossipTopicKind::kAttestationSubnet;
  } else {
    return absl::InvalidArgumentError(absl::StrCat("unknown topic: '", name, "'"));
  }
  return parsed;
}

}  // namespace beam::wire
