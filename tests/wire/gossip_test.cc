// wire/gossip_topic.h and wire/gossip_message_id.h against leanSpec
// gossipsub/topic.py, gossipsub/message.py and behavior.py, with the networking_codec
// gossip vectors.

#include <string>

#include <gtest/gtest.h>

#include "tests/wire/test_util.h"
#include "wire/gossip_message_id.h"
#include "wire/gossip_topic.h"
#include "wire/snappy.h"

namespace beam::wire {
namespace {

using testing::Hex;

std::string Topic(GossipTopicKind kind, std::string network, std::optional<uint64_t> subnet = std::nullopt) {
  absl::StatusOr<std::string> s = GossipTopicString(GossipTopic{kind, std::move(network), subnet});
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *s : "";
}

TEST(GossipTopicTest, Strings) {
  EXPECT_EQ(Topic(GossipTopicKind::kBlock, "12345678"), "/leanconsensus/12345678/block/ssz_snappy");
  EXPECT_EQ(Topic(GossipTopicKind::kAggregatedAttestation, "12345678"),
            "/leanconsensus/12345678/aggregation/ssz_snappy");
  EXPECT_EQ(Topic(GossipTopicKind::kAttestationSubnet, "12345678", 0),
            "/leanconsensus/12345678/attestation_0/ssz_snappy");
  EXPECT_EQ(Topic(GossipTopicKind::kAttestationSubnet, "0xabcdef01", 63),
            "/leanconsensus/0xabcdef01/attestation_63/ssz_snappy");
  EXPECT_EQ(Topic(GossipTopicKind::kBlock, "devnet0"), "/leanconsensus/devnet0/block/ssz_snappy");
}

TEST(GossipTopicTest, RejectsTopicsThatWouldNotParseBack) {
  auto code = [](GossipTopic t) { return GossipTopicString(t).status().code(); };
  EXPECT_EQ(code({GossipTopicKind::kAttestationSubnet, "12345678", std::nullopt}), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code({GossipTopicKind::kBlock, "12345678", 1}), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code({GossipTopicKind::kBlock, "a/b", std::nullopt}), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code({GossipTopicKind::kBlock, "\xff", std::nullopt}), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code({static_cast<GossipTopicKind>(7), "x", std::nullopt}), absl::StatusCode::kInvalidArgument);
}

TEST(GossipTopicTest, ParsesWhatItBuilds) {
  for (const GossipTopic& t : {GossipTopic{GossipTopicKind::kBlock, "12345678", std::nullopt},
                               GossipTopic{GossipTopicKind::kAggregatedAttestation, "0xdeadbeef", std::nullopt},
                               GossipTopic{GossipTopicKind::kAttestationSubnet, "x", 18446744073709551615u},
                               GossipTopic{GossipTopicKind::kBlock, "", std::nullopt}}) {
    absl::StatusOr<GossipTopic> parsed = ParseGossipTopic(*GossipTopicString(t));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, t);
  }
  // Leading slashes are stripped, as lstrip("/") does.
  EXPECT_TRUE(ParseGossipTopic("leanconsensus/n/block/ssz_snappy").ok());
  EXPECT_TRUE(ParseGossipTopic("///leanconsensus/n/block/ssz_snappy").ok());
  // A bare "attestation" parses to the subnet kind without a subnet, as in the spec.
  absl::StatusOr<GossipTopic> bare = ParseGossipTopic("/leanconsensus/n/attestation/ssz_snappy");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->kind, GossipTopicKind::kAttestationSubnet);
  EXPECT_FALSE(bare->subnet_id.has_value());
}

TEST(GossipTopicTest, RejectsMalformedTopics) {
  for (const char* bad :
       {"", "/", "/leanconsensus/n/block", "/leanconsensus/n/block/ssz_snappy/", "/eth2/n/block/ssz_snappy",
        "/leanconsensus/n/block/ssz", "/leanconsensus/n/blocks/ssz_snappy", "/leanconsensus/n/attestation_/ssz_snappy",
        "/leanconsensus/n/attestation_x/ssz_snappy", "/leanconsensus/n/attestation_-1/ssz_snappy",
        "/leanconsensus/n/attestation_18446744073709551616/ssz_snappy"}) {
    EXPECT_EQ(ParseGossipTopic(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(GossipTopicTest, ForkValidation) {
  const GossipTopic t = *ParseGossipTopic("/leanconsensus/0x12345678/block/ssz_snappy");
  EXPECT_TRUE(TopicMatchesNetwork(t, "0x12345678"));
  EXPECT_FALSE(TopicMatchesNetwork(t, "0xdeadbeef"));
  EXPECT_FALSE(TopicMatchesNetwork(t, "12345678"));
}

MessageId Id(const char* hex) {
  const ssz::ByteVec b = Hex(hex);
  MessageId id{};
  std::copy(b.begin(), b.end(), id.begin());
  return id;
}

TEST(GossipMessageIdTest, Vectors) {
  const std::string block_topic = "/leanconsensus/12345678/block/ssz_snappy";
  EXPECT_EQ(ComputeMessageId(kMessageDomainValidSnappy, "", {}), Id("ca888f40c3caca805b37a5434c75de5550616e07"));
  EXPECT_EQ(ComputeMessageId(kMessageDomainInvalidSnappy, "test-topic", testing::Bytes("hello world")),
            Id("144f143f82dbaf88cf586116efe027443750b97c"));
  EXPECT_EQ(ComputeMessageId(kMessageDomainValidSnappy, "test-topic", testing::Bytes("hello world")),
            Id("2e09dafa813949f06738e85887b351aa6c7dc3ad"));
  EXPECT_EQ(ComputeMessageId(kMessageDomainValidSnappy, block_topic, {}),
            Id("dec01e3e1997dcc2c46c0633116bc6a4ee521086"));
  EXPECT_EQ(ComputeMessageId(kMessageDomainValidSnappy, "", Hex("deadbeef")),
            Id("285f038cae99a63f9861ed5868790bf251ee0904"));
  EXPECT_EQ(ComputeMessageId(kMessageDomainInvalidSnappy, block_topic, Hex("deadbeef")),
            Id("2aff5124db8064dd9ddcdd7fc251397ab02527c7"));
}

TEST(GossipMessageIdTest, UsesTheDecompressedMessageWhenItDecompresses) {
  const std::string topic = "/leanconsensus/12345678/block/ssz_snappy";
  const ssz::ByteVec ssz = testing::Texty(5000, 1);
  absl::StatusOr<GossipMessageId> valid = GossipMessageIdOf(topic, *SnappyCompress(ssz));
  ASSERT_TRUE(valid.ok());
  EXPECT_TRUE(valid->valid_snappy);
  EXPECT_EQ(valid->id, ComputeMessageId(kMessageDomainValidSnappy, topic, ssz));

  // 0xdeadbeef is not a snappy block: hashed raw under the invalid domain.
  absl::StatusOr<GossipMessageId> invalid = GossipMessageIdOf(topic, Hex("deadbeef"));
  ASSERT_TRUE(invalid.ok());
  EXPECT_FALSE(invalid->valid_snappy);
  EXPECT_EQ(invalid->id, Id("2aff5124db8064dd9ddcdd7fc251397ab02527c7"));

  absl::StatusOr<GossipMessageId> empty = GossipMessageIdOf(topic, {});
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->valid_snappy);
}

TEST(GossipMessageIdTest, OversizeMessagesGetNoId) {
  const std::string topic = "t";
  // Valid snappy that decompresses past MAX_PAYLOAD_SIZE: dropped.
  const ssz::ByteVec big = *SnappyCompress(ssz::ByteVec(kMaxPayloadSize + 1, 0));
  EXPECT_EQ(GossipMessageIdOf(topic, big).status().code(), absl::StatusCode::kResourceExhausted);
  // Invalid snappy that merely declares a huge length: hashed raw, nothing allocated.
  absl::StatusOr<GossipMessageId> liar = GossipMessageIdOf(topic, Hex("ffffffff0f00"));
  ASSERT_TRUE(liar.ok());
  EXPECT_FALSE(liar->valid_snappy);
  EXPECT_EQ(liar->id, ComputeMessageId(kMessageDomainInvalidSnappy, topic, Hex("ffffffff0f00")));
  // Invalid snappy larger than the limit itself.
  ssz::ByteVec raw(kMaxPayloadSize + 1, 0xff);
  EXPECT_EQ(GossipMessageIdOf(topic, raw).status().code(), absl::StatusCode::kResourceExhausted);
  // At the limit exactly: fine.
  const ssz::ByteVec max = *SnappyCompress(ssz::ByteVec(kMaxPayloadSize, 1));
  absl::StatusOr<GossipMessageId> at_limit = GossipMessageIdOf(topic, max);
  ASSERT_TRUE(at_limit.ok());
  EXPECT_TRUE(at_limit->valid_snappy);
}

}  // namespace
}  // namespace beam::wire
