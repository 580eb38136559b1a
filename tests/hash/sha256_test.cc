#include "hash/sha256.h"

#include <random>
#include <vector>

#include "hash/boringssl.h"
#include "hash/sha256_shani.h"
#include "gtest/gtest.h"
#include "ssz/bytes.h"

namespace beam::hash {
namespace {

std::vector<uint8_t> RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> out(n);
  for (uint8_t& b : out) b = static_cast<uint8_t>(rng());
  return out;
}

std::vector<uint8_t> Reference(const std::vector<uint8_t>& in, size_t n) {
  std::vector<uint8_t> out(32 * n);
  const auto sha256 = boringssl::Get().sha256;
  for (size_t i = 0; i < n; ++i) sha256(in.data() + 64 * i, 64, out.data() + 32 * i);
  return out;
}

TEST(Sha256, KnownVectorForSixtyFourZeroBytes) {
  uint8_t zero[32] = {}, out[32];
  Sha256Pair(zero, zero, out);
  EXPECT_EQ(ssz::ToHex(ssz::ByteView(out, 32)),
            "0xf5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b");
}

TEST(Sha256, PairsMatchBoringSslForEveryBatchSize) {
  for (size_t n = 0; n <= 9; ++n) {
    const std::vector<uint8_t> in = RandomBytes(64 * n, static_cast<uint32_t>(n));
    std::vector<uint8_t> out(32 * n);
    Sha256Pairs(in.data(), out.data(), n);
    EXPECT_EQ(out, Reference(in, n)) << "n=" << n;
  }
}

TEST(Sha256, PairsInPlaceLikeAMerkleLayer) {
  std::vector<uint8_t> buf = RandomBytes(64 * 7, 42);
  const std::vector<uint8_t> expected = Reference(buf, 7);
  Sha256Pairs(buf.data(), buf.data(), 7);
  EXPECT_EQ(std::vector<uint8_t>(buf.begin(), buf.begin() + 32 * 7), expected);
}

TEST(Sha256, ShaNiKernelMatchesWhenAvailable) {
  if (!internal::CpuHasShaNi()) GTEST_SKIP() << "CPU has no SHA extensions";
  const std::vector<uint8_t> in = RandomBytes(64 * 5, 7);
  std::vector<uint8_t> out(32 * 5);
  internal::Sha256x64ShaNi(in.data(), out.data(), 5);
  EXPECT_EQ(out, Reference(in, 5));
}

TEST(Sha256, CountsNodeHashes) {
  const uint64_t before = NodeHashCount();
  std::vector<uint8_t> in(64 * 3), out(32 * 3);
  Sha256Pairs(in.data(), out.data(), 3);
  uint8_t a[32] = {}, o[32];
  Sha256Pair(a, a, o);
  EXPECT_EQ(NodeHashCount() - before, 4u);
}

}  // namespace
}  // namespace beam::hash
