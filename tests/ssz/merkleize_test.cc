// Merkleization primitives (ssz/merkleize.h) checked against hand-built trees.
//
// Expected values are computed independently with hash::Sha256 over explicit
// 64-byte buffers (not Sha256Pair / HashPair) wherever the function under test
// is HashPair itself, and with HashPair otherwise.

#include "ssz/merkleize.h"

#include <array>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "hash/sha256.h"
#include "ssz/bitfields.h"
#include "ssz/bytes.h"
#include "ssz/codec.h"
#include "ssz/collections.h"

namespace beam::ssz {
namespace {

// SHA-256(a || b) computed with the generic one-shot function.
Root Sha(const Root& a, const Root& b) {
  std::array<uint8_t, 64> buf{};
  std::copy(a.bytes.begin(), a.bytes.end(), buf.begin());
  std::copy(b.bytes.begin(), b.bytes.end(), buf.begin() + 32);
  Root out;
  hash::Sha256(buf.data(), buf.size(), out.data());
  return out;
}

Root Chunk(uint8_t fill) {
  Root r;
  r.bytes.fill(fill);
  return r;
}

Root LengthChunk(uint64_t n) {
  Root r{};
  for (int i = 0; i < 8; ++i) r[i] = static_cast<uint8_t>(n >> (8 * i));
  return r;
}

Root FromHex(const char* hex) {
  Root r;
  auto nibble = [](char c) -> uint8_t {
    return static_cast<uint8_t>(c <= '9' ? c - '0' : c - 'a' + 10);
  };
  for (size_t i = 0; i < 32; ++i) {
    r[i] = static_cast<uint8_t>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
  }
  return r;
}

TEST(MerkleizeTest, ZeroHashTable) {
  const Root zero{};
  EXPECT_EQ(ZeroHash(0), zero);
  EXPECT_EQ(ZeroHash(1), Sha(zero, zero));
  EXPECT_EQ(ZeroHash(2), Sha(ZeroHash(1), ZeroHash(1)));
  Root z = zero;
  for (int d = 1; d <= kMaxTreeDepth; ++d) {
    z = Sha(z, z);
    ASSERT_EQ(ZeroHash(d), z) << "depth " << d;
  }
}

TEST(MerkleizeTest, HashPairIsSha256OfConcatenation) {
  const Root a = Chunk(0x11), b = Chunk(0x22);
  EXPECT_EQ(HashPair(a, b), Sha(a, b));
  EXPECT_NE(HashPair(a, b), HashPair(b, a));
  // Sha256Pair may alias its output with an input.
  Root c = a;
  hash::Sha256Pair(c.data(), b.data(), c.data());
  EXPECT_EQ(c, Sha(a, b));
}

TEST(MerkleizeTest, NodeHashCounterCountsPairs) {
  const uint64_t before = hash::NodeHashCount();
  HashPair(Chunk(1), Chunk(2));
  HashPair(Chunk(3), Chunk(4));
  EXPECT_EQ(hash::NodeHashCount() - before, 2u);
}

TEST(MerkleizeTest, CeilLog2) {
  EXPECT_EQ(CeilLog2(0), 0);
  EXPECT_EQ(CeilLog2(1), 0);
  EXPECT_EQ(CeilLog2(2), 1);
  EXPECT_EQ(CeilLog2(3), 2);
  EXPECT_EQ(CeilLog2(4), 2);
  EXPECT_EQ(CeilLog2(5), 3);
  EXPECT_EQ(CeilLog2(uint64_t{1} << 18), 18);
  EXPECT_EQ(CeilLog2((uint64_t{1} << 18) + 1), 19);
}

TEST(MerkleizeTest, SingleChunkWithoutLimitIsTheChunk) {
  const Root c = Chunk(0xab);
  const std::vector<Root> one{c};
  EXPECT_EQ(Merkleize(one), c);
  EXPECT_EQ(Merkleize(one, 1), c);
}

TEST(MerkleizeTest, EmptyInput) {
  EXPECT_EQ(Merkleize({}), Root{});
  EXPECT_EQ(Merkleize({}, 0), Root{});
  EXPECT_EQ(Merkleize({}, 1), Root{});
  EXPECT_EQ(Merkleize({}, 8), ZeroHash(3));
  EXPECT_EQ(Merkleize({}, 5), ZeroHash(3));
}

TEST(MerkleizeTest, TwoChunks) {
  const Root c0 = Chunk(1), c1 = Chunk(2);
  EXPECT_EQ(Merkleize(std::vector<Root>{c0, c1}), Sha(c0, c1));
}

TEST(MerkleizeTest, ThreeChunksPadWithZeroLeaf) {
  const Root c0 = Chunk(1), c1 = Chunk(2), c2 = Chunk(3);
  const std::vector<Root> chunks{c0, c1, c2};
  const Root zero{};
  const Root expected = Sha(Sha(c0, c1), Sha(c2, zero));
  EXPECT_EQ(Merkleize(chunks), expected);
  EXPECT_EQ(Merkleize(chunks, 3), expected);
  EXPECT_EQ(Merkleize(chunks, 4), expected);
}

TEST(MerkleizeTest, LimitPadsToNextPowerOfTwo) {
  const Root c0 = Chunk(1), c1 = Chunk(2), c2 = Chunk(3);
  const std::vector<Root> chunks{c0, c1, c2};
  const Root zero{};
  const Root four = Sha(Sha(c0, c1), Sha(c2, zero));
  const Root z4 = Sha(Sha(zero, zero), Sha(zero, zero));
  // limit 5..8 -> width 8: the right half is a zero subtree of 4 leaves.
  const Root eight = Sha(four, z4);
  EXPECT_EQ(Merkleize(chunks, 5), eight);
  EXPECT_EQ(Merkleize(chunks, 8), eight);
  // limit 9..16 -> width 16.
  const Root z8 = Sha(z4, z4);
  EXPECT_EQ(Merkleize(chunks, 16), Sha(eight, z8));
  EXPECT_EQ(Merkleize(chunks, 9), Sha(eight, z8));
  // A single chunk under a limit climbs through zero siblings.
  EXPECT_EQ(Merkleize(std::vector<Root>{c0}, 4), Sha(Sha(c0, zero), Sha(zero, zero)));
  EXPECT_EQ(ExtendWithZeros(c0, 0, 2), Sha(Sha(c0, zero), Sha(zero, zero)));
  EXPECT_EQ(ExtendWithZeros(four, 2, 4), Sha(eight, z8));
}

TEST(MerkleizeTest, FiveChunksOddTailAtHigherLevel) {
  std::vector<Root> c;
  for (uint8_t i = 1; i <= 5; ++i) c.push_back(Chunk(i));
  const Root zero{};
  const Root z2 = Sha(zero, zero);
  const Root left = Sha(Sha(c[0], c[1]), Sha(c[2], c[3]));
  const Root right = Sha(Sha(c[4], zero), z2);
  EXPECT_EQ(Merkleize(c), Sha(left, right));
  EXPECT_EQ(Merkleize(c, 8), Sha(left, right));
}

TEST(MerkleizeTest, MerkleizeBytesPacksAndPads) {
  // 40 bytes -> two chunks, the second right-padded with zeros.
  ByteVec bytes(40);
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(i + 1);
  Root c0, c1{};
  for (size_t i = 0; i < 32; ++i) c0[i] = static_cast<uint8_t>(i + 1);
  for (size_t i = 32; i < 40; ++i) c1[i - 32] = static_cast<uint8_t>(i + 1);
  EXPECT_EQ(MerkleizeBytes(bytes), Sha(c0, c1));
  EXPECT_EQ(MerkleizeBytes(bytes, 4), Sha(Sha(c0, c1), Sha(Root{}, Root{})));
  // A short input is one zero-padded chunk.
  Root small{};
  small[0] = 7;
  EXPECT_EQ(MerkleizeBytes(ByteVec{7}), small);
  EXPECT_EQ(MerkleizeBytes(ByteVec{}, 2), ZeroHash(1));
}

TEST(MerkleizeTest, MixInLength) {
  const Root r = Chunk(0x5a);
  EXPECT_EQ(MixInLength(r, 0), Sha(r, Root{}));
  EXPECT_EQ(MixInLength(r, 3), Sha(r, LengthChunk(3)));
  EXPECT_EQ(MixInLength(r, 0x0102030405060708ull), Sha(r, LengthChunk(0x0102030405060708ull)));
  EXPECT_NE(MixInLength(r, 1), MixInLength(r, 2));
}

TEST(MerkleizeTest, EmptyListRoots) {
  // List[uint64, 32]: 32 * 8 bytes = 8 chunks -> width 8, depth 3.
  const Root zero{};
  const Root z3 = Sha(Sha(Sha(zero, zero), Sha(zero, zero)), Sha(Sha(zero, zero), Sha(zero, zero)));
  EXPECT_EQ(HashTreeRoot(List<uint64_t, 32>{}), Sha(z3, zero));
  // List[Bytes32, 8]: 8 chunks as well. Fixture test_bytes32_list_empty
  // (leanSpec ssz/test_basic_types) gives the root below.
  EXPECT_EQ(HashTreeRoot(List<Bytes32, 8>{}), Sha(z3, zero));
  EXPECT_EQ(HashTreeRoot(List<Bytes32, 8>{}),
            FromHex("e8e527e84f666163a90ef900e013f56b0a4d020148b2224057b719f351b003a6"));
}

TEST(MerkleizeTest, NonEmptyListOfUint64) {
  // List[uint64, 32] with 5 elements: the packed bytes span 2 chunks of the 8-chunk tree.
  List<uint64_t, 32> list;
  for (uint64_t i = 1; i <= 5; ++i) list.items.push_back(i * 0x0101);
  Root c0{}, c1{};
  for (size_t i = 0; i < 4; ++i) {
    const uint64_t v = list.items[i];
    for (int b = 0; b < 8; ++b) c0[8 * i + b] = static_cast<uint8_t>(v >> (8 * b));
  }
  for (int b = 0; b < 8; ++b) c1[b] = static_cast<uint8_t>(list.items[4] >> (8 * b));
  const Root zero{};
  const Root z2 = Sha(Sha(zero, zero), Sha(zero, zero));
  const Root data = Sha(Sha(Sha(c0, c1), Sha(zero, zero)), z2);
  EXPECT_EQ(HashTreeRoot(list), Sha(data, LengthChunk(5)));
}

TEST(MerkleizeTest, BitlistAndBitvectorRoots) {
  // Bitlist[10] = [1,0,1]: one chunk holding 0b101, limit one chunk, length 3.
  Bitlist<10> bl;
  bl.PushBack(true);
  bl.PushBack(false);
  bl.PushBack(true);
  Root chunk{};
  chunk[0] = 0b101;
  EXPECT_EQ(HashTreeRoot(bl), Sha(chunk, LengthChunk(3)));
  // Bitlist[512]: limit 2 chunks.
  Bitlist<512> big;
  big.PushBack(true);
  Root one{};
  one[0] = 1;
  EXPECT_EQ(HashTreeRoot(big), Sha(Sha(one, Root{}), LengthChunk(1)));
  // Bitvector[4] with bits 0 and 3: a single chunk, no length.
  Bitvector<4> bv;
  bv.Set(0, true);
  bv.Set(3, true);
  Root vchunk{};
  vchunk[0] = 0b1001;
  EXPECT_EQ(HashTreeRoot(bv), vchunk);
}

TEST(MerkleizeTest, BasicTypeRoots) {
  Root r{};
  r[0] = 0x34;
  r[1] = 0x12;
  EXPECT_EQ(HashTreeRoot(uint16_t{0x1234}), r);
  Root t{};
  t[0] = 1;
  EXPECT_EQ(HashTreeRoot(true), t);
  EXPECT_EQ(HashTreeRoot(false), Root{});
  // Bytes64 is two chunks.
  Bytes64 b;
  for (size_t i = 0; i < 64; ++i) b[i] = static_cast<uint8_t>(i);
  Root lo, hi;
  for (size_t i = 0; i < 32; ++i) {
    lo[i] = static_cast<uint8_t>(i);
    hi[i] = static_cast<uint8_t>(i + 32);
  }
  EXPECT_EQ(HashTreeRoot(b), Sha(lo, hi));
}

}  // namespace
}  // namespace beam::ssz
