// wire/snappy.h: leanSpec's compressor reproduced byte for byte (networking_codec
// snappy_block vectors), interoperability with libsnappy in both directions, and every
// rejection of the bounded decompressor.

#include "wire/snappy.h"

#include <snappy.h>

#include <string>

#include <gtest/gtest.h>

#include "tests/wire/test_util.h"

namespace beam::wire {
namespace {

using testing::Hex;
using testing::IsDecodeError;

ssz::ByteVec Compress(ssz::ByteView data) {
  absl::StatusOr<ssz::ByteVec> c = SnappyCompress(data);
  EXPECT_TRUE(c.ok()) << c.status();
  return c.ok() ? *c : ssz::ByteVec();
}

ssz::ByteVec Repeat(const ssz::ByteVec& unit, size_t times) {
  ssz::ByteVec out;
  for (size_t i = 0; i < times; ++i) out.insert(out.end(), unit.begin(), unit.end());
  return out;
}

TEST(SnappyTest, ReproducesTheSpecCompressor) {
  EXPECT_EQ(Compress({}), Hex("00"));
  EXPECT_EQ(Compress(Hex("42")), Hex("010042"));
  EXPECT_EQ(Compress(testing::Bytes("Hello, Ethereum!")), Hex("103c48656c6c6f2c20457468657265756d21"));
  // libsnappy emits the same copies with offset 1 / 2; the spec caps matches at 64
  // bytes and finds the next one 64 back.
  EXPECT_EQ(Compress(ssz::ByteVec(1000, 'A')),
            Hex("e8070041fe0100fe0300fe0300fe0300fe0300fe0300fe0300fe0300fe0300fe0300fe0300fe0300fe0300fe0300fe0300"
                "9a0300"));
  EXPECT_EQ(Compress(Repeat(Hex("abcd"), 500)),
            Hex("e80704abcdfe0200fe4000fe4000fe4000fe4000fe4000fe4000fe4000fe4000fe4000fe4000fe4000fe4000fe4000fe4000"
                "964000"));
  // 0..255 does not compress: one literal with a 1-byte length.
  ssz::ByteVec seq(256);
  for (int i = 0; i < 256; ++i) seq[i] = static_cast<uint8_t>(i);
  ssz::ByteVec expected = Hex("8002f0ff");
  expected.insert(expected.end(), seq.begin(), seq.end());
  EXPECT_EQ(Compress(seq), expected);
}

TEST(SnappyTest, InteroperatesWithLibsnappyBothWays) {
  std::vector<ssz::ByteVec> inputs = {{}, Hex("00"), Hex("0102"), Hex("010203")};
  for (size_t n : {15u, 16u, 17u, 100u, 65535u, 65536u, 65537u, 131072u, 200001u}) {
    inputs.push_back(testing::Random(n, static_cast<uint32_t>(n)));
    inputs.push_back(testing::Texty(n, static_cast<uint32_t>(n)));
    inputs.push_back(ssz::ByteVec(n, 0xfe));
  }
  for (const ssz::ByteVec& data : inputs) {
    const ssz::ByteVec ours = Compress(data);
    EXPECT_LE(ours.size(), 5 + data.size() + data.size() / 6 + 1);  // max_compressed_length
    std::string theirs_plain;
    ASSERT_TRUE(snappy::Uncompress(reinterpret_cast<const char*>(ours.data()), ours.size(), &theirs_plain))
        << data.size();
    EXPECT_EQ(ssz::ByteVec(theirs_plain.begin(), theirs_plain.end()), data);

    std::string theirs;
    snappy::Compress(reinterpret_cast<const char*>(data.data()), data.size(), &theirs);
    absl::StatusOr<ssz::ByteVec> plain =
        SnappyDecompress(ssz::ByteView(reinterpret_cast<const uint8_t*>(theirs.data()), theirs.size()));
    ASSERT_TRUE(plain.ok()) << plain.status();
    EXPECT_EQ(*plain, data);
  }
}

TEST(SnappyTest, UncompressedLength) {
  EXPECT_EQ(*SnappyUncompressedLength(Hex("e807")), 1000u);
  EXPECT_EQ(*SnappyUncompressedLength(Hex("ffffffff0f")), 0xFFFFFFFFu);
  EXPECT_TRUE(IsDecodeError(SnappyUncompressedLength({}).status()));
  EXPECT_TRUE(IsDecodeError(SnappyUncompressedLength(Hex("80")).status()));            // truncated
  EXPECT_TRUE(IsDecodeError(SnappyUncompressedLength(Hex("ffffffff1f")).status()));    // over 32 bits
  EXPECT_TRUE(IsDecodeError(SnappyUncompressedLength(Hex("ffffffffff01")).status()));  // over 5 bytes
}

TEST(SnappyTest, RejectsMalformedBlocks) {
  const struct {
    const char* hex;
    const char* why;
  } kBad[] = {
      {"", "empty input"},
      {"80", "truncated length"},
      {"ffffffffff01", "length over 5 bytes"},
      {"0a24414243", "literal runs past the input"},
      {"040101", "copy before the start of the output"},
      {"0800410d00", "copy offset 0"},
      {"020841424344", "literal longer than the declared length"},
      {"040841424300", "input ends before the declared length (garbage tag)"},
      {"0408414243", "input ends before the declared length"},
      {"01004100", "bytes after the declared length"},
      {"0000", "bytes after an empty block"},
      {"0a00411d01", "copy-1 past the declared length"},
  };
  for (const auto& bad : kBad) {
    absl::StatusOr<ssz::ByteVec> out = SnappyDecompress(Hex(bad.hex));
    EXPECT_TRUE(IsDecodeError(out.status())) << bad.why << ": " << out.status();
    EXPECT_FALSE(IsValidSnappyBlock(Hex(bad.hex))) << bad.why;
  }
}

TEST(SnappyTest, ChecksTheDeclaredLengthBeforeAllocating) {
  // Declares 4 GiB - 1 in five bytes: rejected from the prefix alone.
  absl::StatusOr<ssz::ByteVec> out = SnappyDecompress(Hex("ffffffff0f00"));
  EXPECT_TRUE(IsDecodeError(out.status()));
  EXPECT_NE(out.status().message().find("exceeds the limit"), absl::string_view::npos) << out.status();

  const ssz::ByteVec hundred = Compress(testing::Texty(100, 1));
  EXPECT_TRUE(IsDecodeError(SnappyDecompress(hundred, 99).status()));
  EXPECT_TRUE(SnappyDecompress(hundred, 100).ok());

  // A valid block of more than MAX_PAYLOAD_SIZE: too large for the default limit,
  // valid all the same.
  const ssz::ByteVec big = Compress(ssz::ByteVec(kMaxPayloadSize + 1, 0));
  EXPECT_TRUE(IsDecodeError(SnappyDecompress(big).status()));
  EXPECT_TRUE(IsValidSnappyBlock(big));
}

TEST(SnappyTest, AppendKeepsTheBufferOnFailure) {
  ssz::ByteVec out = Hex("aabb");
  EXPECT_FALSE(AppendSnappyDecompressed(Hex("0408414243"), 100, out).ok());
  EXPECT_EQ(out, Hex("aabb"));
  absl::StatusOr<size_t> n = AppendSnappyDecompressed(Hex("0308414243"), 100, out);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 3u);
  EXPECT_EQ(out, Hex("aabb414243"));
}

TEST(SnappyTest, RejectsInputTheFormatCannotDescribe) {
  const uint8_t byte = 0;
  // The size is checked before the data is read.
  const ssz::ByteView huge(&byte, size_t{kMaxSnappyBlockInput} + 1);
  EXPECT_EQ(SnappyCompress(huge).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace beam::wire
