// The SSZ form of XMSS secret keys (leanSpec SecretKey): size of a full-lifetime TEST
// key, round trips that sign identically, and malformed or inconsistent keys refused.

#include "crypto/xmss/secret_key_ssz.h"

#include "crypto/xmss/keys.h"
#include "crypto/xmss/synthetic.h"
#include "crypto/xmss/verify.h"
#include "gtest/gtest.h"
#include "ssz/container.h"

namespace beam::crypto::xmss {
namespace {

ssz::Bytes32 Message(uint8_t seed) {
  ssz::Bytes32 m;
  for (size_t i = 0; i < 32; ++i) m[i] = static_cast<uint8_t>(seed * 7 + i);
  return m;
}

KeyPair FullLifetimeKey(uint32_t seed) {
  absl::StatusOr<KeyPair> pair = KeyGen(kTestConfig, 0, kTestConfig.lifetime(), SeededRandomBytes(seed));
  EXPECT_TRUE(pair.ok()) << pair.status();
  return *std::move(pair);
}

// Offsets into the fixed part: prf 32, parameter 20, activation 8, count 8, top-tree
// offset 4, left index 8, left/right offsets 4 + 4.
constexpr size_t kActivationOffset = 52;
constexpr size_t kLeftIndexOffset = 72;

void PutU64(ssz::ByteVec& bytes, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) bytes[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

TEST(XmssSecretKeySszTest, AFullLifetimeTestKeyHasTheSpecsSize) {
  // 88 fixed bytes, the top tree (leaves 16..root padded to 2: 32 digests) and two
  // bottom trees (31 digests each), each tree 20 bytes plus 16 per layer: leanSpec's
  // key files are 3396 bytes.
  const KeyPair pair = FullLifetimeKey(1);
  EXPECT_EQ(EncodeSecretKey(pair.secret_key).size(), 3396u);
}

TEST(XmssSecretKeySszTest, RoundTripKeepsThePublicKeyAndSignsTheSame) {
  const KeyPair pair = FullLifetimeKey(2);
  const ssz::ByteVec bytes = EncodeSecretKey(pair.secret_key);
  absl::StatusOr<SecretKey> decoded = DecodeSecretKey(kTestConfig, bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(PublicKeyOf(*decoded), pair.public_key);
  EXPECT_EQ(EncodeSecretKey(*decoded), bytes);
  for (uint64_t slot : {0u, 5u, 31u}) {
    absl::StatusOr<Signature> a = Sign(pair.secret_key, slot, Message(static_cast<uint8_t>(slot)));
    absl::StatusOr<Signature> b = Sign(*decoded, slot, Message(static_cast<uint8_t>(slot)));
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(*a, *b);
    EXPECT_TRUE(Verify(kTestConfig, pair.public_key, slot, Message(static_cast<uint8_t>(slot)), *b));
  }
}

TEST(XmssSecretKeySszTest, AnAdvancedWindowRoundTripsAndKeepsSigning) {
  KeyPair pair = FullLifetimeKey(3);
  AdvancePreparation(pair.secret_key, SeededRandomBytes(9));
  AdvancePreparation(pair.secret_key, SeededRandomBytes(10));
  absl::StatusOr<SecretKey> decoded = DecodeSecretKey(kTestConfig, EncodeSecretKey(pair.secret_key));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->left_bottom_tree_index, 2u);
  absl::StatusOr<Signature> sig = Sign(*decoded, 40, Message(1));
  ASSERT_TRUE(sig.ok()) << sig.status();
  EXPECT_TRUE(Verify(kTestConfig, pair.public_key, 40, Message(1), *sig));
  AdvancePreparation(*decoded, SeededRandomBytes(11));
  sig = Sign(*decoded, 60, Message(2));
  ASSERT_TRUE(sig.ok()) << sig.status();
  EXPECT_TRUE(Verify(kTestConfig, pair.public_key, 60, Message(2), *sig));
}

TEST(XmssSecretKeySszTest, APartialActivationRoundTrips) {
  absl::StatusOr<KeyPair> pair = KeyGen(kTestConfig, 40, 50, SeededRandomBytes(4));
  ASSERT_TRUE(pair.ok());
  absl::StatusOr<SecretKey> decoded = DecodeSecretKey(kTestConfig, EncodeSecretKey(pair->secret_key));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(PublicKeyOf(*decoded), pair->public_key);
  EXPECT_EQ(decoded->activation_slot, pair->secret_key.activation_slot);
}

TEST(XmssSecretKeySszTest, MalformedAndInconsistentKeysAreRefused) {
  const KeyPair pair = FullLifetimeKey(5);
  const ssz::ByteVec good = EncodeSecretKey(pair.secret_key);
  // Every truncation fails cleanly.
  for (size_t len = 0; len < good.size(); len += 97) {
    EXPECT_FALSE(DecodeSecretKey(kTestConfig, ssz::ByteView(good.data(), len)).ok()) << len;
  }
  // The other scheme's shape.
  EXPECT_FALSE(DecodeSecretKey(kProdConfig, good).ok());
  // Activation not aligned to a bottom tree.
  ssz::ByteVec bad = good;
  PutU64(bad, kActivationOffset, 3);
  EXPECT_FALSE(DecodeSecretKey(kTestConfig, bad).ok());
  // Prepared window past the activation range.
  bad = good;
  PutU64(bad, kLeftIndexOffset, 15);
  EXPECT_FALSE(DecodeSecretKey(kTestConfig, bad).ok());
  // Prepared window that the resident bottom trees are not.
  bad = good;
  PutU64(bad, kLeftIndexOffset, 4);
  absl::Status status = DecodeSecretKey(kTestConfig, bad).status();
  EXPECT_FALSE(status.ok());
  // A non-canonical field element in a tree node.
  bad = good;
  for (int i = 0; i < 4; ++i) bad[bad.size() - 1 - i] = 0xff;
  EXPECT_FALSE(DecodeSecretKey(kTestConfig, bad).ok());
  // Every single-byte corruption of the fixed part and the tree headers either fails
  // or yields a key that still signs without leaving its trees.
  for (size_t at = 0; at < 200; ++at) {
    bad = good;
    bad[at] ^= 0x5a;
    absl::StatusOr<SecretKey> key = DecodeSecretKey(kTestConfig, bad);
    if (!key.ok()) continue;
    for (uint64_t slot : {key->activation_slot, key->activation_slot + 17}) {
      (void)Sign(*key, slot, Message(3));  // must not crash (ASan checks the reads)
    }
  }
}

}  // namespace
}  // namespace beam::crypto::xmss
