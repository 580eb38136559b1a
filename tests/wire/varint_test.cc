// wire/varint.h against leanSpec node/networking/varint.py and the networking_codec
// varint vectors: encodings, round trips, and every rejection.

#include "wire/varint.h"

#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

#include "tests/wire/test_util.h"

namespace beam::wire {
namespace {

using testing::Hex;
using testing::IsDecodeError;

TEST(VarintTest, KnownEncodings) {
  const struct {
    uint64_t value;
    const char* hex;
  } kVectors[] = {
      {0, "00"},
      {1, "01"},
      {127, "7f"},
      {128, "8001"},
      {150, "9601"},
      {255, "ff01"},
      {256, "8002"},
      {300, "ac02"},
      {16383, "ff7f"},
      {16384, "808001"},
      {2097151, "ffff7f"},
      {268435455, "ffffff7f"},
      {4294967295, "ffffffff0f"},
      {std::numeric_limits<uint64_t>::max(), "ffffffffffffffffff01"},
  };
  for (const auto& v : kVectors) {
    EXPECT_EQ(EncodeVarint(v.value), Hex(v.hex)) << v.value;
    EXPECT_EQ(VarintSize(v.value), Hex(v.hex).size()) << v.value;
    absl::StatusOr<DecodedVarint> d = DecodeVarint(Hex(v.hex));
    ASSERT_TRUE(d.ok()) << d.status();
    EXPECT_EQ(d->value, v.value);
    EXPECT_EQ(d->length, Hex(v.hex).size());
  }
}

TEST(VarintTest, RoundTripsEveryLength) {
  for (int bits = 0; bits <= 64; ++bits) {
    for (uint64_t delta : {0, 1}) {
      const uint64_t v = bits == 64 ? std::numeric_limits<uint64_t>::max() - delta
                                    : (bits == 0 ? delta : (uint64_t{1} << bits) - delta);
      ssz::ByteVec buf;
      const size_t n = AppendVarint(v, buf);
      EXPECT_EQ(n, buf.size());
      buf.push_back(0xAA);  // trailing bytes are not part of the varint
      absl::StatusOr<DecodedVarint> d = DecodeVarint(buf);
      ASSERT_TRUE(d.ok()) << v;
      EXPECT_EQ(d->value, v);
      EXPECT_EQ(d->length, n);
    }
  }
}

TEST(VarintTest, AcceptsNonMinimalEncodings) {
  absl::StatusOr<DecodedVarint> d = DecodeVarint(Hex("8000"));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->value, 0u);
  EXPECT_EQ(d->length, 2u);
}

TEST(VarintTest, RejectsTruncated) {
  for (const char* hex : {"", "80", "8080", "ffffffffffffffffff"}) {
    absl::StatusOr<DecodedVarint> d = DecodeVarint(Hex(hex));
    EXPECT_TRUE(IsDecodeError(d.status())) << hex << ": " << d.status();
    EXPECT_EQ(DecodeVarintPrefix(Hex(hex)).status().code(), absl::StatusCode::kOutOfRange) << hex;
  }
}

TEST(VarintTest, RejectsMoreThanTenBytes) {
  for (const char* hex : {"8080808080808080808080", "80808080808080808080"}) {
    absl::StatusOr<DecodedVarint> d = DecodeVarint(Hex(hex));
    EXPECT_TRUE(IsDecodeError(d.status())) << hex;
    EXPECT_NE(d.status().message().find("exceeds 10 bytes"), absl::string_view::npos) << d.status();
    // No further byte can fix it: not "incomplete".
    EXPECT_TRUE(IsDecodeError(DecodeVarintPrefix(Hex(hex)).status())) << hex;
  }
}

TEST(VarintTest, RejectsOverflowPast64Bits) {
  // 2^64 (the 10th byte carries bit 64).
  absl::StatusOr<DecodedVarint> d = DecodeVarint(Hex("80808080808080808002"));
  EXPECT_TRUE(IsDecodeError(d.status())) << d.status();
  EXPECT_NE(d.status().message().find("overflows"), absl::string_view::npos);
  EXPECT_TRUE(IsDecodeError(DecodeVarint(Hex("ffffffffffffffffff7f")).status()));
}

TEST(VarintTest, HonoursASmallerMaxBytes) {
  // The snappy length prefix uses max_bytes = 5.
  EXPECT_TRUE(DecodeVarint(Hex("ffffffff0f"), 5).ok());
  EXPECT_TRUE(IsDecodeError(DecodeVarint(Hex("ffffffffff01"), 5).status()));
  EXPECT_EQ(DecodeVarint(Hex("01"), 0).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeVarint(Hex("01"), 11).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace beam::wire
