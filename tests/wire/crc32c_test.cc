// wire/crc32c.h against published CRC-32C vectors (RFC 3720 B.4, the "123456789"
// check value) and the snappy framing format's masking.

#include "wire/crc32c.h"

#include <cstdint>
#include <numeric>

#include <gtest/gtest.h>

#include "tests/wire/test_util.h"

namespace beam::wire {
namespace {

// Bit at a time, straight from the definition: the reference for the table version.
uint32_t BitwiseCrc32c(ssz::ByteView data) {
  uint32_t c = 0xFFFFFFFFu;
  for (uint8_t b : data) {
    c ^= b;
    for (int i = 0; i < 8; ++i) c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1u)));
  }
  return ~c;
}

TEST(Crc32cTest, KnownVectors) {
  EXPECT_EQ(Crc32c({}), 0x00000000u);
  EXPECT_EQ(Crc32c(testing::Bytes("123456789")), 0xE3069283u);
  EXPECT_EQ(Crc32c(testing::Bytes("a")), 0xC1D04330u);
  // RFC 3720 appendix B.4.
  ssz::ByteVec zeros(32, 0x00), ones(32, 0xFF), inc(32), dec(32);
  std::iota(inc.begin(), inc.end(), 0);
  for (int i = 0; i < 32; ++i) dec[i] = static_cast<uint8_t>(31 - i);
  EXPECT_EQ(Crc32c(zeros), 0x8A9136AAu);
  EXPECT_EQ(Crc32c(ones), 0x62A8AB43u);
  EXPECT_EQ(Crc32c(inc), 0x46DD794Eu);
  EXPECT_EQ(Crc32c(dec), 0x113FDB5Cu);
  // An iSCSI read command PDU (RFC 3720 B.4).
  EXPECT_EQ(Crc32c(testing::Hex("01c00000000000000000000000000000"
                                "14000000000004000000001400000018"
                                "28000000000000000200000000000000")),
            0xD9963A56u);
}

TEST(Crc32cTest, MatchesTheBitwiseDefinitionAtEveryLengthAndAlignment) {
  const ssz::ByteVec data = testing::Random(300, 7);
  for (size_t start = 0; start < 9; ++start) {
    for (size_t len = 0; start + len <= data.size(); len += 7) {
      const ssz::ByteView v(data.data() + start, len);
      ASSERT_EQ(Crc32c(v), BitwiseCrc32c(v)) << start << "+" << len;
    }
  }
}

TEST(Crc32cTest, ExtendEqualsOneShot) {
  const ssz::ByteVec data = testing::Random(1000, 3);
  for (size_t cut : {0, 1, 7, 8, 9, 500, 1000}) {
    const ssz::ByteView v(data);
    EXPECT_EQ(Crc32cExtend(Crc32c(v.subspan(0, cut)), v.subspan(cut)), Crc32c(v)) << cut;
  }
}

TEST(Crc32cTest, MaskingMatchesTheFramingFormat) {
  // "sNaPpY"-framed "\x01\x02\x03\x04" stores 0xbc6b3d39 (the reqresp fixture vector).
  EXPECT_EQ(MaskCrc32c(Crc32c(testing::Hex("01020304"))), 0xBC6B3D39u);
  for (uint32_t crc : {0u, 1u, 0xFFFFFFFFu, 0xE3069283u, 0x80000000u}) {
    EXPECT_EQ(UnmaskCrc32c(MaskCrc32c(crc)), crc);
  }
  EXPECT_EQ(MaskCrc32c(0), 0xA282EAD8u);
}

}  // namespace
}  // namespace beam::wire
