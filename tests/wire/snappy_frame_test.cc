// wire/snappy_frame.h against leanSpec node/snappy/framing.py: the spec's bytes, round
// trips across the 64 KiB chunk boundary, what the decoder tolerates (skippable chunks,
// repeated identifiers, libsnappy-compressed chunks) and every rejection.

#include "wire/snappy_frame.h"

#include <snappy.h>

#include <string>

#include <gtest/gtest.h>

#include "tests/wire/test_util.h"
#include "wire/crc32c.h"
#include "wire/snappy.h"

namespace beam::wire {
namespace {

using testing::Hex;
using testing::IsDecodeError;

const ssz::ByteVec kId = Hex("ff060000734e61507059");

// [type][3-byte LE length][body].
ssz::ByteVec Chunk(uint8_t type, ssz::ByteView body) {
  ssz::ByteVec out = {type, static_cast<uint8_t>(body.size()), static_cast<uint8_t>(body.size() >> 8),
                      static_cast<uint8_t>(body.size() >> 16)};
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

// A data chunk: the masked CRC of `plain`, then `stored` (plain itself, or compressed).
ssz::ByteVec DataChunk(uint8_t type, ssz::ByteView plain, ssz::ByteView stored) {
  const uint32_t crc = MaskCrc32c(Crc32c(plain));
  ssz::ByteVec body = {static_cast<uint8_t>(crc), static_cast<uint8_t>(crc >> 8), static_cast<uint8_t>(crc >> 16),
                       static_cast<uint8_t>(crc >> 24)};
  body.insert(body.end(), stored.begin(), stored.end());
  return Chunk(type, body);
}

ssz::ByteVec Concat(std::initializer_list<ssz::ByteVec> parts) {
  ssz::ByteVec out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

TEST(SnappyFrameTest, ReproducesTheSpecEncoder) {
  EXPECT_EQ(SnappyFrameEncode({}), kId);
  // Too short to compress: an uncompressed chunk.
  EXPECT_EQ(SnappyFrameEncode(testing::Bytes("Ethereum Snappy!")),
            Hex("ff060000734e6150705901140000dc1ecf5c457468657265756d20536e6170707921"));
  EXPECT_EQ(SnappyFrameEncode(Hex("01020304")), Hex("ff060000734e6150705901080000393d6bbc01020304"));
  // 32 zero bytes compress: a compressed chunk.
  EXPECT_EQ(SnappyFrameEncode(ssz::ByteVec(32, 0)), Hex("ff060000734e61507059000a0000faffd70f2000007a0100"));
}

TEST(SnappyFrameTest, RoundTripsAcrossChunkBoundaries) {
  for (size_t n : {0u, 1u, 100u, 65535u, 65536u, 65537u, 131072u, 200000u}) {
    for (const ssz::ByteVec& data : {testing::Random(n, 11), testing::Texty(n, 12)}) {
      const ssz::ByteVec framed = SnappyFrameEncode(data);
      absl::StatusOr<ssz::ByteVec> decoded = SnappyFrameDecode(framed);
      ASSERT_TRUE(decoded.ok()) << n << ": " << decoded.status();
      EXPECT_EQ(*decoded, data);
      // One chunk per started 64 KiB.
      size_t chunks = 0;
      for (size_t pos = kId.size(); pos < framed.size();) {
        pos += 4 + (framed[pos + 1] | (framed[pos + 2] << 8) | (framed[pos + 3] << 16));
        ++chunks;
      }
      EXPECT_EQ(chunks, (n + 65535) / 65536) << n;
    }
  }
}

TEST(SnappyFrameTest, DecodesChunksOtherEncodersWrite) {
  const ssz::ByteVec a = testing::Texty(5000, 1), b = testing::Random(70, 2);
  std::string theirs;
  snappy::Compress(reinterpret_cast<const char*>(a.data()), a.size(), &theirs);
  const ssz::ByteView theirs_view(reinterpret_cast<const uint8_t*>(theirs.data()), theirs.size());
  const ssz::ByteVec stream =
      Concat({kId, DataChunk(0x00, a, theirs_view), Chunk(0x80, Hex("0102")), Chunk(0xfe, ssz::ByteVec(10, 0)), kId,
              DataChunk(0x01, {}, {}), DataChunk(0x01, b, b), Chunk(0xfd, {})});
  absl::StatusOr<ssz::ByteVec> decoded = SnappyFrameDecode(stream);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, Concat({a, b}));
}

TEST(SnappyFrameTest, RejectsMalformedStreams) {
  const ssz::ByteVec data = testing::Texty(1000, 3);
  const ssz::ByteVec good = SnappyFrameEncode(data);
  ssz::ByteVec bad_crc = good;
  bad_crc[kId.size() + 4] ^= 1;
  ssz::ByteVec bad_data = SnappyFrameEncode(Hex("01020304"));
  bad_data.back() ^= 0x80;
  const ssz::ByteVec oversize_raw = testing::Random(65537, 4);
  const ssz::ByteVec oversize_compressed = *SnappyCompress(ssz::ByteVec(65537, 0));
  const struct {
    ssz::ByteVec stream;
    const char* why;
  } kBad[] = {
      {{}, "empty input"},
      {Hex("ff060000734e615070"), "shorter than the identifier"},
      {Hex("00000000000000000000"), "wrong stream identifier"},
      {Hex("ff060000734e61507058"), "identifier magic off by one"},
      {Concat({Hex("01"), kId}), "identifier not first"},
      {bad_crc, "CRC mismatch (stored CRC)"},
      {bad_data, "CRC mismatch (data)"},
      {Concat({kId, Hex("02000000")}), "reserved unskippable chunk 0x02"},
      {Concat({kId, Chunk(0x7f, Hex("00"))}), "reserved unskippable chunk 0x7f"},
      {Concat({kId, Hex("000100")}), "truncated chunk header"},
      {Concat({kId, Hex("01100000aabbccdd")}), "chunk body past the end"},
      {Concat({kId, Chunk(0x00, Hex("aabbcc"))}), "compressed chunk shorter than its CRC"},
      {Concat({kId, Chunk(0x01, {})}), "uncompressed chunk shorter than its CRC"},
      {Concat({kId, DataChunk(0x01, oversize_raw, oversize_raw)}), "uncompressed chunk over 64 KiB"},
      {Concat({kId, DataChunk(0x00, ssz::ByteVec(65537, 0), oversize_compressed)}), "compressed chunk over 64 KiB"},
      {Concat({kId, DataChunk(0x00, Hex("41"), Hex("0a0041"))}), "malformed snappy block in a chunk"},
      {Concat({kId, Chunk(0xff, Hex("734e615070"))}), "repeated identifier of 5 bytes"},
      {Concat({kId, Chunk(0xff, Hex("734e6150705a"))}), "repeated identifier with wrong content"},
  };
  for (const auto& bad : kBad) {
    absl::StatusOr<ssz::ByteVec> out = SnappyFrameDecode(bad.stream);
    EXPECT_TRUE(IsDecodeError(out.status())) << bad.why << ": " << out.status();
  }
}

TEST(SnappyFrameTest, BoundsTheTotalOutput) {
  const ssz::ByteVec data = testing::Texty(200000, 5);
  const ssz::ByteVec framed = SnappyFrameEncode(data);
  EXPECT_TRUE(SnappyFrameDecode(framed, data.size()).ok());
  absl::StatusOr<ssz::ByteVec> out = SnappyFrameDecode(framed, data.size() - 1);
  EXPECT_TRUE(IsDecodeError(out.status()));
  EXPECT_NE(out.status().message().find("exceeds the limit"), absl::string_view::npos) << out.status();
}

TEST(SnappyFrameTest, PrefixDecodeStopsAtTheDeclaredLength) {
  const ssz::ByteVec data = testing::Texty(70000, 6);  // two chunks
  const ssz::ByteVec framed = SnappyFrameEncode(data);
  const ssz::ByteVec stream = Concat({framed, Hex("00deadbeef")});  // the next response chunk
  ssz::ByteVec out = Hex("77");
  absl::StatusOr<size_t> consumed = DecodeSnappyFramePrefix(stream, data.size(), out);
  ASSERT_TRUE(consumed.ok()) << consumed.status();
  EXPECT_EQ(*consumed, framed.size());
  EXPECT_EQ(out, Concat({Hex("77"), data}));

  // Length 0: the identifier alone.
  out.clear();
  consumed = DecodeSnappyFramePrefix(stream, 0, out);
  ASSERT_TRUE(consumed.ok());
  EXPECT_EQ(*consumed, kId.size());
  EXPECT_TRUE(out.empty());
}

TEST(SnappyFrameTest, PrefixDecodeReportsIncompleteInput) {
  const ssz::ByteVec data = testing::Texty(70000, 7);
  const ssz::ByteVec framed = SnappyFrameEncode(data);
  for (size_t cut = 0; cut < framed.size(); cut += (cut < 40 ? 1 : 997)) {
    ssz::ByteVec out = Hex("01");
    absl::StatusOr<size_t> r = DecodeSnappyFramePrefix(ssz::ByteView(framed).subspan(0, cut), data.size(), out);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kOutOfRange) << cut << ": " << r.status();
    EXPECT_EQ(out, Hex("01")) << cut;
  }
}

TEST(SnappyFrameTest, PrefixDecodeRejectsAChunkPastTheLength) {
  const ssz::ByteVec framed = SnappyFrameEncode(testing::Texty(100, 8));
  ssz::ByteVec out;
  absl::StatusOr<size_t> r = DecodeSnappyFramePrefix(framed, 99, out);
  EXPECT_TRUE(IsDecodeError(r.status())) << r.status();
  EXPECT_TRUE(out.empty());
  // A start of the identifier is incomplete; a wrong one is malformed.
  EXPECT_EQ(DecodeSnappyFramePrefix(Hex("ff0600"), 1, out).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_TRUE(IsDecodeError(DecodeSnappyFramePrefix(Hex("fe0600"), 1, out).status()));
}

}  // namespace
}  // namespace beam::wire
