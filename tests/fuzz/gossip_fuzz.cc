// Gossip topic strings and message ids, as they come off the wire. The input is
// "<topic>\n<raw message>" (no newline: all of it is the topic, the message empty).
// Properties: parsing never crashes; a parsed topic prints and parses back to itself;
// the message id is deterministic and says whether the payload decompressed exactly
// when the snappy decoder accepts it.

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "absl/strings/string_view.h"
#include "tests/fuzz/fuzz_check.h"
#include "wire/gossip_message_id.h"
#include "wire/gossip_topic.h"
#include "wire/snappy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const char* text = reinterpret_cast<const char*>(data);
  const void* newline = std::memchr(data, '\n', size);
  const size_t topic_size = newline ? static_cast<size_t>(static_cast<const uint8_t*>(newline) - data) : size;
  const absl::string_view topic(text, topic_size);
  const beam::ssz::ByteView raw = newline ? beam::ssz::ByteView(data + topic_size + 1, size - topic_size - 1)
                                          : beam::ssz::ByteView();

  absl::StatusOr<beam::wire::GossipTopic> parsed = beam::wire::ParseGossipTopic(topic);
  if (parsed.ok()) {
    absl::StatusOr<std::string> printed = beam::wire::GossipTopicString(*parsed);
    if (printed.ok()) {
      absl::StatusOr<beam::wire::GossipTopic> again = beam::wire::ParseGossipTopic(*printed);
      BEAM_FUZZ_CHECK(again.ok() && *again == *parsed, "a printed topic parses to another topic");
    }
  }

  absl::StatusOr<beam::wire::GossipMessageId> id = beam::wire::GossipMessageIdOf(topic, raw);
  if (id.ok()) {
    absl::StatusOr<beam::wire::GossipMessageId> again = beam::wire::GossipMessageIdOf(topic, raw);
    BEAM_FUZZ_CHECK(again.ok() && again->id == id->id && again->valid_snappy == id->valid_snappy,
                    "the message id is not deterministic");
    BEAM_FUZZ_CHECK(id->valid_snappy == beam::wire::IsValidSnappyBlock(raw),
                    "the id's domain disagrees with the snappy decoder");
  }
  return 0;
}
