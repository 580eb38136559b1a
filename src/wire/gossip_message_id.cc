#include "wire/gossip_message_id.h"

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "hash/sha256.h"
#include "wire/snappy.h"

namespace beam::wire {

MessageId ComputeMessageId(const MessageDomain& domain, absl::string_view topic, ssz::ByteView data) {
  ssz::ByteVec preimage;
  preimage.reserve(domain.size() + 8 + topic.size() + data.size());
  preimage.insert(preimage.end(), domain.begin(), domain.end());
  const uint64_t topic_len = topic.size();
  for (int i = 0; i < 8; ++i) preimage.push_back(static_cast<uint8_t>(topic_len >> (8 * i)));
  preimage.insert(preimage.end(), topic.begin(), topic.end());
  preimage.insert(preimage.end(), data.begin(), data.end());
  uint8_t digest[hash::kSha256DigestSize];
  hash::Sha256(preimage.data(), preimage.size(), digest);
  MessageId id;
  std::memcpy(id.data(), digest, kMessageIdSize);
  return id;
}

absl::StatusOr<GossipMessageId> GossipMessageIdOf(absl::string_view topic, ssz::ByteView raw) {
  GossipMessageId out;
  absl::StatusOr<ssz::ByteVec> decompressed = SnappyDecompress(raw, kMaxPayloadSize);
  if (decompressed.ok()) {
    out.id = ComputeMessageId(kMessageDomainValidSnappy, topic, *decompressed);
    out.valid_snappy = true;
    return out;
  }
  // Over the limit: valid snappy means an oversize message (dropped); invalid snappy is
  // hashed raw, like any undecompressable message.
  absl::StatusOr<uint64_t> declared = SnappyUncompressedLength(raw);
  if (declared.ok() && *declared > kMaxPayloadSize && IsValidSnappyBlock(raw)) {
    return absl::ResourceExhaustedError(absl::StrCat("gossip message decompresses to ", *declared,
                                                     " bytes, more than MAX_PAYLOAD_SIZE ", kMaxPayloadSize));
  }
  if (raw.size() > kMaxPayloadSize) {
    return absl::ResourceExhaustedError(
        absl::StrCat("gossip message of ", raw.size(), " bytes exceeds MAX_PAYLOAD_SIZE ", kMaxPayloadSize));
  }
  out.id = ComputeMessageId(kMessageDomainInvalidSnappy, topic, raw);
  return out;
}

}  // namespace beam::wire
