// SSZ codec: round trips, exact encodings and strict decode failures
// (ssz/codec.h, bitfields.h, collections.h, container.h, crypto/fp.h,
// crypto/xmss/containers.h).

#include "ssz/codec.h"

#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "consensus/state_transition.h"
#include "consensus/types/attestation.h"
#include "consensus/types/state.h"
#include "crypto/fp.h"
#include "crypto/xmss/containers.h"
#include "ssz/bitfields.h"
#include "ssz/collections.h"
#include "ssz/container.h"
#include "wire/messages.h"

namespace beam::ssz {
namespace {

// A container with two variable fields between fixed ones. Fixed part:
// 2 (a) + 4 (offset b) + 4 (c) + 4 (offset d) = 14 bytes.
struct Mixed {
  uint16_t a = 0;
  List<uint8_t, 10> b;
  uint32_t c = 0;
  List<uint16_t, 4> d;
  static constexpr const char* kSszName = "Mixed";
  static constexpr auto kSszFields = std::make_tuple(Field("a", &Mixed::a), Field("b", &Mixed::b),
                                                     Field("c", &Mixed::c), Field("d", &Mixed::d));
  friend bool operator==(const Mixed&, const Mixed&) = default;
};

struct FixedPair {
  uint8_t x = 0;
  uint64_t y = 0;
  static constexpr auto kSszFields = std::make_tuple(Field("x", &FixedPair::x), Field("y", &FixedPair::y));
  friend bool operator==(const FixedPair&, const FixedPair&) = default;
};

template <class T>
void ExpectDecodeError(const ByteVec& bytes, const char* what) {
  absl::StatusOr<T> r = Decode<T>(bytes);
  EXPECT_FALSE(r.ok()) << what;
  if (!r.ok()) {
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << what;
    EXPECT_TRUE(absl::StartsWith(r.status().message(), "ssz decode")) << r.status();
  }
}

template <class T>
T RoundTrip(const T& v) {
  const ByteVec bytes = Encode(v);
  EXPECT_EQ(bytes.size(), EncodedSize(v));
  absl::StatusOr<T> back = Decode<T>(bytes);
  EXPECT_TRUE(back.ok()) << back.status();
  if (!back.ok()) return T{};
  EXPECT_TRUE(*back == v);
  EXPECT_EQ(Encode(*back), bytes);
  return *back;
}

// ---------------------------------------------------------------- basic types

TEST(CodecTest, UintLittleEndian) {
  EXPECT_EQ(Encode(uint32_t{0x01020304}), (ByteVec{4, 3, 2, 1}));
  EXPECT_EQ(Encode(uint64_t{1}), (ByteVec{1, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Encode(uint8_t{0xfe}), (ByteVec{0xfe}));
  RoundTrip(uint16_t{0xbeef});
  RoundTrip(uint64_t{0xfedcba9876543210ull});
  EXPECT_EQ(*Decode<uint16_t>(ByteVec{0x34, 0x12}), 0x1234);
}

TEST(CodecTest, UintWrongLengthRejected) {
  ExpectDecodeError<uint32_t>({1, 2, 3}, "uint32 short");
  ExpectDecodeError<uint32_t>({1, 2, 3, 4, 5}, "uint32 long");
  ExpectDecodeError<uint64_t>({}, "uint64 empty");
  ExpectDecodeError<uint8_t>({1, 2}, "uint8 long");
}

TEST(CodecTest, Boolean) {
  EXPECT_EQ(Encode(true), ByteVec{1});
  EXPECT_EQ(Encode(false), ByteVec{0});
  EXPECT_EQ(*Decode<bool>(ByteVec{1}), true);
  EXPECT_EQ(*Decode<bool>(ByteVec{0}), false);
  ExpectDecodeError<bool>({2}, "boolean byte 2");
  ExpectDecodeError<bool>({0xff}, "boolean byte 255");
  ExpectDecodeError<bool>({}, "boolean empty");
  ExpectDecodeError<bool>({0, 0}, "boolean two bytes");
}

TEST(CodecTest, FixedBytes) {
  Bytes4 b;
  b[0] = 9;
  b[3] = 7;
  EXPECT_EQ(Encode(b), (ByteVec{9, 0, 0, 7}));
  RoundTrip(b);
  ExpectDecodeError<Bytes4>({1, 2, 3, 4, 5}, "Bytes4 trailing byte");
  ExpectDecodeError<Bytes32>(ByteVec(31), "Bytes32 short");
}

// ---------------------------------------------------------------- bitfields

TEST(CodecTest, BitvectorRoundTripAndPadding) {
  Bitvector<10> v;
  v.Set(0, true);
  v.Set(9, true);
  EXPECT_EQ(Encode(v), (ByteVec{0x01, 0x02}));
  RoundTrip(v);
  // Bits 10..15 are padding and must be zero.
  ExpectDecodeError<Bitvector<10>>({0x00, 0x04}, "Bitvector padding bit 10");
  ExpectDecodeError<Bitvector<10>>({0x00, 0x80}, "Bitvector padding bit 15");
  EXPECT_TRUE(Decode<Bitvector<10>>(ByteVec{0xff, 0x03}).ok());
  ExpectDecodeError<Bitvector<10>>({0x00}, "Bitvector short");
  ExpectDecodeError<Bitvector<10>>({0x00, 0x00, 0x00}, "Bitvector long");
  // A multiple of 8 has no padding.
  EXPECT_TRUE(Decode<Bitvector<16>>(ByteVec{0xff, 0xff}).ok());
}

TEST(CodecTest, BitlistEncoding) {
  Bitlist<16> l;
  EXPECT_EQ(Encode(l), ByteVec{0x01});  // only the delimiter
  l.PushBack(true);
  l.PushBack(false);
  l.PushBack(true);
  EXPECT_EQ(Encode(l), ByteVec{0b1101});
  Bitlist<16> eight(8);
  eight.Set(7, true);
  EXPECT_EQ(Encode(eight), (ByteVec{0x80, 0x01}));  // delimiter in its own byte
  RoundTrip(l);
  RoundTrip(eight);
  RoundTrip(Bitlist<16>{});
  Bitlist<16> full(16);
  for (size_t i = 0; i < 16; ++i) full.Set(i, i % 3 == 0);
  EXPECT_EQ(RoundTrip(full).size(), 16u);
}

TEST(CodecTest, BitlistDecodeFailures) {
  ExpectDecodeError<Bitlist<16>>({}, "Bitlist empty input");
  ExpectDecodeError<Bitlist<16>>({0x05, 0x00}, "Bitlist missing delimiter");
  ExpectDecodeError<Bitlist<16>>({0x00}, "Bitlist zero byte");
  // Bitlist[8]: 8 bits is the limit, 9 is over.
  EXPECT_TRUE(Decode<Bitlist<8>>(ByteVec{0xff, 0x01}).ok());
  ExpectDecodeError<Bitlist<8>>({0xff, 0x02}, "Bitlist length 9 > 8");
  ExpectDecodeError<Bitlist<4>>({0x20}, "Bitlist length 5 > 4");
  absl::StatusOr<Bitlist<8>> r = Decode<Bitlist<8>>(ByteVec{0x2a});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 5u);
  EXPECT_EQ(r->CountOnes(), 2u);
  EXPECT_TRUE(r->Get(1));
  EXPECT_TRUE(r->Get(3));
}

// ---------------------------------------------------------------- lists

TEST(CodecTest, ListOfFixedElements) {
  List<uint32_t, 4> l;
  l.items = {1, 0x01020304};
  EXPECT_EQ(Encode(l), (ByteVec{1, 0, 0, 0, 4, 3, 2, 1}));
  RoundTrip(l);
  RoundTrip(List<uint32_t, 4>{});
  ExpectDecodeError<List<uint32_t, 4>>(ByteVec(6), "List non-multiple length");
  ExpectDecodeError<List<uint32_t, 4>>(ByteVec(20), "List 5 elements > 4");
  EXPECT_TRUE((Decode<List<uint32_t, 4>>(ByteVec(16)).ok()));
  // Elements are decoded strictly too.
  ExpectDecodeError<List<bool, 4>>({0, 1, 2}, "List of boolean with byte 2");
  ExpectDecodeError<List<Bytes32, 2>>(ByteVec(33), "List of Bytes32, 33 bytes");
}

TEST(CodecTest, ByteList) {
  ByteList<4> b;
  b.bytes = {1, 2, 3};
  EXPECT_EQ(Encode(b), (ByteVec{1, 2, 3}));
  RoundTrip(b);
  ExpectDecodeError<ByteList<4>>(ByteVec(5), "ByteList over limit");
}

TEST(CodecTest, VectorOfFixedElements) {
  Vector<uint16_t, 3> v;
  v[0] = 1;
  v[2] = 0x0203;
  EXPECT_EQ(Encode(v), (ByteVec{1, 0, 0, 0, 3, 2}));
  RoundTrip(v);
  ExpectDecodeError<Vector<uint16_t, 3>>(ByteVec(4), "Vector short");
  ExpectDecodeError<Vector<uint16_t, 3>>(ByteVec(8), "Vector long");
}

using ListOfLists = List<List<uint8_t, 4>, 4>;

TEST(CodecTest, ListOfListsOffsets) {
  ListOfLists l;
  l.items.resize(3);
  l.items[0].items = {1, 2};
  l.items[2].items = {3, 4, 5};
  // 3 offsets (12 bytes), then 2 + 0 + 3 bytes of data.
  const ByteVec expected{12, 0, 0, 0, 14, 0, 0, 0, 14, 0, 0, 0, 1, 2, 3, 4, 5};
  EXPECT_EQ(Encode(l), expected);
  EXPECT_EQ(EncodedSize(l), expected.size());
  const ListOfLists back = RoundTrip(l);
  ASSERT_EQ(back.size(), 3u);
  EXPECT_TRUE(back[1].empty());
  EXPECT_EQ(back[2].items, (std::vector<uint8_t>{3, 4, 5}));
  RoundTrip(ListOfLists{});
  EXPECT_EQ(Encode(ListOfLists{}), ByteVec{});
  // One empty inner list: a single offset pointing at the end.
  ListOfLists one;
  one.items.resize(1);
  EXPECT_EQ(Encode(one), (ByteVec{4, 0, 0, 0}));
  RoundTrip(one);
}

TEST(CodecTest, ListOfListsDecodeFailures) {
  // First offset not a multiple of 4.
  ExpectDecodeError<ListOfLists>({5, 0, 0, 0, 1}, "first offset 5");
  // First offset zero.
  ExpectDecodeError<ListOfLists>({0, 0, 0, 0}, "first offset 0");
  // First offset beyond the input.
  ExpectDecodeError<ListOfLists>({8, 0, 0, 0}, "first offset beyond end");
  // Fewer than 4 bytes.
  ExpectDecodeError<ListOfLists>({4, 0}, "truncated offset");
  // Offsets decreasing: 8, 6.
  ExpectDecodeError<ListOfLists>({8, 0, 0, 0, 6, 0, 0, 0, 1, 2}, "offsets decreasing");
  // Second offset beyond the end.
  ExpectDecodeError<ListOfLists>({8, 0, 0, 0, 20, 0, 0, 0, 1, 2}, "offset beyond end");
  // Five elements exceed the outer limit 4.
  ExpectDecodeError<ListOfLists>(ByteVec{20, 0, 0, 0, 20, 0, 0, 0, 20, 0, 0, 0, 20, 0, 0, 0, 20, 0, 0, 0},
                                 "outer limit");
  // An inner list of 5 bytes exceeds its limit 4.
  ExpectDecodeError<ListOfLists>({4, 0, 0, 0, 1, 2, 3, 4, 5}, "inner limit");
  // Sanity: the well-formed neighbour decodes.
  EXPECT_TRUE(Decode<ListOfLists>(ByteVec{4, 0, 0, 0, 1, 2, 3, 4}).ok());
}

// ---------------------------------------------------------------- containers

Mixed SampleMixed() {
  Mixed m;
  m.a = 0x0102;
  m.b.items = {7, 8, 9};
  m.c = 0xaabbccdd;
  m.d.items = {0x1111, 0x2222};
  return m;
}

TEST(CodecTest, ContainerEncoding) {
  const Mixed m = SampleMixed();
  const ByteVec expected{
      0x02, 0x01,              // a
      14,   0,    0,    0,     // offset b
      0xdd, 0xcc, 0xbb, 0xaa,  // c
      17,   0,    0,    0,     // offset d
      7,    8,    9,           // b
      0x11, 0x11, 0x22, 0x22,  // d
  };
  EXPECT_EQ(Encode(m), expected);
  RoundTrip(m);
  RoundTrip(Mixed{});
  EXPECT_EQ(Encode(Mixed{}).size(), 14u);
}

TEST(CodecTest, ContainerDecodeFailures) {
  const ByteVec good = Encode(SampleMixed());
  ASSERT_TRUE(Decode<Mixed>(good).ok());

  ByteVec first_offset = good;
  first_offset[2] = 13;  // != fixed part (14)
  ExpectDecodeError<Mixed>(first_offset, "first offset != fixed part");
  first_offset[2] = 15;
  ExpectDecodeError<Mixed>(first_offset, "first offset past fixed part");

  ByteVec decreasing = good;
  decreasing[10] = 13;  // offset d (13) < offset b (14)
  ExpectDecodeError<Mixed>(decreasing, "offsets decreasing");

  ByteVec beyond = good;
  beyond[10] = 22;  // 22 > 21 bytes
  ExpectDecodeError<Mixed>(beyond, "offset beyond end");

  ExpectDecodeError<Mixed>(ByteVec(good.begin(), good.begin() + 13), "truncated fixed part");
  ExpectDecodeError<Mixed>(ByteVec{}, "empty input");
  // Dropping the last byte leaves d with 3 bytes: not a whole uint16.
  ExpectDecodeError<Mixed>(ByteVec(good.begin(), good.end() - 1), "truncated variable part");

  // The variable part's element limits still apply: b gets 11 bytes (limit 10).
  ByteVec long_b = good;
  long_b[10] = 14 + 11;
  long_b.insert(long_b.begin() + 17, {1, 2, 3, 4, 5, 6, 7, 8});
  ExpectDecodeError<Mixed>(long_b, "field over limit");
}

TEST(CodecTest, FixedContainer) {
  FixedPair p{3, 0x0102030405060708ull};
  EXPECT_EQ(Encode(p), (ByteVec{3, 8, 7, 6, 5, 4, 3, 2, 1}));
  RoundTrip(p);
  ByteVec bytes = Encode(p);
  bytes.push_back(0);
  ExpectDecodeError<FixedPair>(bytes, "trailing bytes on a fixed container");
  ExpectDecodeError<FixedPair>(ByteVec(8), "short fixed container");

  consensus::Checkpoint cp;
  cp.root[0] = 1;
  cp.slot = 42;
  EXPECT_EQ(Encode(cp).size(), 40u);
  RoundTrip(cp);
  ByteVec cp_bytes = Encode(cp);
  cp_bytes.push_back(0);
  ExpectDecodeError<consensus::Checkpoint>(cp_bytes, "Checkpoint trailing byte");
}

TEST(CodecTest, NestedContainerFieldErrorsPropagate) {
  wire::Status s;
  s.finalized.slot = 1;
  s.head.slot = 2;
  EXPECT_EQ(Encode(s).size(), 80u);
  RoundTrip(s);
  wire::BlocksByRootRequest req;
  req.roots.items.resize(3);
  req.roots.items[1][0] = 5;
  EXPECT_EQ(Encode(req).size(), 4u + 3 * 32);
  RoundTrip(req);
  ByteVec bad = Encode(req);
  bad.pop_back();
  ExpectDecodeError<wire::BlocksByRootRequest>(bad, "roots not a multiple of 32");
}

// ---------------------------------------------------------------- Fp

TEST(CodecTest, FpCanonical) {
  using crypto::Fp;
  using crypto::kKoalaBearPrime;
  EXPECT_EQ(kKoalaBearPrime, 0x7f000001u);
  RoundTrip(Fp{kKoalaBearPrime - 1});
  RoundTrip(Fp{0});
  ExpectDecodeError<Fp>(Encode(uint32_t{kKoalaBearPrime}), "Fp == p");
  ExpectDecodeError<Fp>(Encode(uint32_t{kKoalaBearPrime + 1}), "Fp == p + 1");
  ExpectDecodeError<Fp>(Encode(uint32_t{0xffffffff}), "Fp == 2^32 - 1");
  ExpectDecodeError<Fp>({1, 2, 3}, "Fp short");
  // Inside a vector of field elements too.
  crypto::xmss::HashDigest d;
  ByteVec bytes = Encode(d);
  ASSERT_EQ(bytes.size(), 32u);
  EXPECT_TRUE(Decode<crypto::xmss::HashDigest>(bytes).ok());
  bytes[28] = 0x01;
  bytes[31] = 0x7f;  // last element = p
  ExpectDecodeError<crypto::xmss::HashDigest>(bytes, "HashDigest with non-canonical element");
}

// ---------------------------------------------------------------- XMSS

crypto::xmss::Signature MakeSignature(size_t siblings, size_t hashes) {
  crypto::xmss::Signature sig;
  uint32_t next = 1;
  sig.path_siblings.resize(siblings);
  for (auto& h : sig.path_siblings) {
    for (size_t i = 0; i < h.size(); ++i) h[i].value = next++;
  }
  for (size_t i = 0; i < sig.rho.size(); ++i) sig.rho[i].value = 1000 + static_cast<uint32_t>(i);
  sig.hashes.resize(hashes);
  for (auto& h : sig.hashes) {
    for (size_t i = 0; i < h.size(); ++i) h[i].value = next++;
  }
  return sig;
}

TEST(CodecTest, XmssSignatureTestShape) {
  using crypto::xmss::kTestShape;
  const crypto::xmss::Signature sig = MakeSignature(kTestShape.log_lifetime, kTestShape.dimension);
  ASSERT_TRUE(sig.Shape().has_value());
  EXPECT_STREQ(sig.Shape()->name, "test");
  const ByteVec bytes = Encode(sig);
  EXPECT_EQ(bytes.size(), 424u);
  EXPECT_EQ(bytes.size(), kTestShape.signature_bytes);
  EXPECT_EQ(EncodedSize(sig), 424u);
  // Offsets: path at 36 (= 4 + 28 + 4), hashes after the 4 + 8 * 32 byte opening.
  EXPECT_EQ(LoadLittleEndian<uint32_t>(bytes.data()), 36u);
  EXPECT_EQ(LoadLittleEndian<uint32_t>(bytes.data() + 32), 36u + 4 + 8 * 32);
  RoundTrip(sig);
  EXPECT_FALSE(HashTreeRoot(sig).IsZero());
}

TEST(CodecTest, XmssSignatureProdShape) {
  using crypto::xmss::kProdShape;
  const crypto::xmss::Signature sig = MakeSignature(kProdShape.log_lifetime, kProdShape.dimension);
  const ByteVec bytes = Encode(sig);
  EXPECT_EQ(bytes.size(), kProdShape.signature_bytes);
  RoundTrip(sig);
}

TEST(CodecTest, XmssSignatureRejectsUnknownShape) {
  const crypto::xmss::Signature bad = MakeSignature(3, 4);
  EXPECT_FALSE(bad.Shape().has_value());
  ExpectDecodeError<crypto::xmss::Signature>(Encode(bad), "3 siblings, 4 hashes");
  ExpectDecodeError<crypto::xmss::Signature>(Encode(MakeSignature(8, 5)), "8 siblings, 5 hashes");
  ExpectDecodeError<crypto::xmss::Signature>(Encode(MakeSignature(32, 4)), "prod siblings, test hashes");
  // A 424-byte input whose offsets split the digests 9 / 3 matches no configuration.
  ByteVec shifted = Encode(MakeSignature(8, 4));
  WriteOffsetAt(shifted, 32, LoadLittleEndian<uint32_t>(shifted.data() + 32) + 32);
  ExpectDecodeError<crypto::xmss::Signature>(shifted, "424 bytes split 9/3");
  // Non-canonical randomness.
  ByteVec bad_rho = Encode(MakeSignature(8, 4));
  WriteOffsetAt(bad_rho, 4, crypto::kKoalaBearPrime);
  ExpectDecodeError<crypto::xmss::Signature>(bad_rho, "rho >= p");
}

TEST(CodecTest, SignedAttestationWithTestSignature) {
  consensus::SignedAttestation att;
  att.validator_index = 3;
  att.data.slot = 9;
  att.data.head = {Root{}, 9};
  att.data.head.root[0] = 0xaa;
  att.data.target = {Root{}, 8};
  att.data.target.root[1] = 0xbb;
  att.data.source = {Root{}, 4};
  att.data.source.root[2] = 0xcc;
  att.signature = MakeSignature(crypto::xmss::kTestShape.log_lifetime, crypto::xmss::kTestShape.dimension);
  const ByteVec bytes = Encode(att);
  ASSERT_EQ(bytes.size(), 8u + 128u + 424u);
  EXPECT_EQ(EncodedSize(att), bytes.size());
  // The signature is inline (no offset): it starts right after the data.
  EXPECT_EQ(ByteVec(bytes.begin() + 136, bytes.end()), Encode(att.signature));
  const consensus::SignedAttestation back = RoundTrip(att);
  EXPECT_EQ(back.signature, att.signature);
  EXPECT_EQ(back.data, att.data);
  EXPECT_EQ(HashTreeRoot(back), HashTreeRoot(att));
  ExpectDecodeError<consensus::SignedAttestation>(ByteVec(bytes.begin(), bytes.end() - 1), "truncated");
  ExpectDecodeError<consensus::SignedAttestation>(ByteVec(bytes.begin(), bytes.begin() + 100), "short");
}

// ---------------------------------------------------------------- consensus

TEST(CodecTest, GenesisStateRoundTrip) {
  std::vector<consensus::Validator> validators(3);
  for (size_t i = 0; i < validators.size(); ++i) {
    validators[i].index = i;
    validators[i].attestation_public_key[0] = static_cast<uint8_t>(i + 1);
  }
  const consensus::State s = consensus::GenerateGenesis(1234, validators);
  const consensus::State back = RoundTrip(s);
  EXPECT_EQ(HashTreeRoot(back), HashTreeRoot(s));
  EXPECT_FALSE(HashTreeRoot(s).IsZero());
  EXPECT_EQ(back.validators.size(), 3u);
  EXPECT_EQ(back.config.genesis_time, 1234u);
}

TEST(CodecTest, ValidatorsRejectIndexMismatch) {
  consensus::Validators v;
  consensus::Validator a;
  a.index = 0;
  consensus::Validator b;
  b.index = 5;
  v.PushBack(a);
  v.PushBack(b);
  ExpectDecodeError<consensus::Validators>(Encode(v), "validator index != position");
  ExpectDecodeError<consensus::Validators>(ByteVec(113), "validators non-multiple length");
}

}  // namespace
}  // namespace beam::ssz
