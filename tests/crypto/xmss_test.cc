// XMSS: key generation, signing and verification under the TEST configuration, PROD
// verification on synthetic keys, tampering, malformed input, and the real test-scheme
// signatures carried by the leanSpec fork_choice fixtures.

#include <filesystem>
#include <fstream>
#include <random>

#include "consensus/types/attestation.h"
#include "crypto/shake128.h"
#include "crypto/xmss/encoding.h"
#include "crypto/xmss/keys.h"
#include "crypto/xmss/prf.h"
#include "crypto/xmss/synthetic.h"
#include "crypto/xmss/verify.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "ssz/container.h"

namespace beam::crypto::xmss {
namespace {

// A deterministic RandomBytes for reproducible keys.
RandomBytes SeededRng(uint32_t seed) { return SeededRandomBytes(seed); }

ssz::Bytes32 Message(uint8_t seed) {
  ssz::Bytes32 m;
  for (size_t i = 0; i < 32; ++i) m[i] = static_cast<uint8_t>(seed * 31 + i);
  return m;
}

TEST(Shake128Test, KnownAnswers) {
  uint8_t out[32];
  Shake128(nullptr, 0, out, 32);
  EXPECT_EQ(ssz::ToHex(ssz::ByteView(out, 32)), "0x7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26");
  const uint8_t abc[] = {'a', 'b', 'c'};
  Shake128(abc, 3, out, 32);
  EXPECT_EQ(ssz::ToHex(ssz::ByteView(out, 32)), "0x5881092dd818bf5cf8a3ddb793fbcba74097d5c526a6d35f97b83351940f2cc8");
  // Input longer than one 168-byte block, output longer than one block.
  uint8_t in[200];
  for (int i = 0; i < 200; ++i) in[i] = static_cast<uint8_t>(i);
  uint8_t long_out[200];
  Shake128(in, 200, long_out, 200);
  EXPECT_EQ(ssz::ToHex(ssz::ByteView(long_out + 168, 32)),
            "0x635b9775fc9cb1027c1e431756302e109614ff269d8415f43b504fbdff98605f");
}

TEST(XmssEncodingTest, MessageLimbsAreBasePOfTheLittleEndianInteger) {
  ssz::Bytes32 m;
  for (int i = 0; i < 32; ++i) m[i] = static_cast<uint8_t>(i + 1);
  // Expected values: int.from_bytes(bytes(range(1, 33)), "little") in base p (Python).
  const std::array<uint32_t, 9> expected = {1150211999, 1339609530, 2130210905, 2045550248, 1776564141,
                                            1239543861, 1549103987, 429567536,  34};
  EXPECT_EQ(EncodeMessage(m), expected);
  ssz::Bytes32 ones;
  ones.bytes.fill(0xff);
  const std::array<uint32_t, 9> expected_max = {1539525976, 1261153412, 1969546126, 1544481308, 1871195519,
                                                936857536,  333911385,  1230415057, 272};
  EXPECT_EQ(EncodeMessage(ones), expected_max);
}

class XmssTestSchemeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto pair = KeyGen(kTestConfig, 0, 64, SeededRng(7));
    ASSERT_TRUE(pair.ok()) << pair.status();
    key_pair_ = new KeyPair(std::move(*pair));
  }
  static void TearDownTestSuite() { delete key_pair_; }
  static KeyPair* key_pair_;
};
KeyPair* XmssTestSchemeTest::key_pair_ = nullptr;

TEST_F(XmssTestSchemeTest, KeyCoversWholeBottomTrees) {
  const SecretKey& sk = key_pair_->secret_key;
  EXPECT_EQ(sk.activation_slot, 0u);
  EXPECT_EQ(sk.num_active_slots, 64u);  // 4 bottom trees of 16 slots
  EXPECT_EQ(PreparedStart(sk), 0u);
  EXPECT_EQ(PreparedEnd(sk), 32u);
}

TEST_F(XmssTestSchemeTest, SignaturesVerifyAndHaveTheTestSize) {
  for (uint64_t slot : {0u, 1u, 15u, 16u, 31u}) {
    absl::StatusOr<Signature> sig = Sign(key_pair_->secret_key, slot, Message(static_cast<uint8_t>(slot)));
    ASSERT_TRUE(sig.ok()) << sig.status();
    EXPECT_EQ(ssz::Encode(*sig).size(), kTestShape.signature_bytes);
    EXPECT_TRUE(Verify(kTestConfig, key_pair_->public_key, slot, Message(static_cast<uint8_t>(slot)), *sig))
        << "slot " << slot;
  }
}

TEST_F(XmssTestSchemeTest, TamperedInputsFail) {
  const uint64_t slot = 5;
  const ssz::Bytes32 msg = Message(9);
  absl::StatusOr<Signature> sig = Sign(key_pair_->secret_key, slot, msg);
  ASSERT_TRUE(sig.ok());
  const PublicKey& pk = key_pair_->public_key;
  ASSERT_TRUE(Verify(kTestConfig, pk, slot, msg, *sig));

  // Every bit of the encoded signature: either the bytes no longer decode, or the
  // decoded signature no longer verifies.
  const ssz::ByteVec encoded = ssz::Encode(*sig);
  size_t decoded_and_rejected = 0;
  for (size_t bit = 0; bit < encoded.size() * 8; ++bit) {
    ssz::ByteVec flipped = encoded;
    flipped[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    absl::StatusOr<Signature> tampered = ssz::Decode<Signature>(flipped);
    if (!tampered.ok()) continue;
    ASSERT_FALSE(Verify(kTestConfig, pk, slot, msg, *tampered)) << "bit " << bit << " flipped still verifies";
    ++decoded_and_rejected;
  }
  EXPECT_GT(decoded_and_rejected, encoded.size() * 4);  // most flips decode and must fail

  for (size_t bit = 0; bit < 256; ++bit) {
    ssz::Bytes32 m = msg;
    m[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    ASSERT_FALSE(Verify(kTestConfig, pk, slot, m, *sig)) << "message bit " << bit;
  }
  for (uint64_t other : {uint64_t{4}, uint64_t{6}, uint64_t{slot + 16}, uint64_t{255}, uint64_t{256}, ~uint64_t{0}}) {
    EXPECT_FALSE(Verify(kTestConfig, pk, other, msg, *sig)) << "epoch " << other;
  }
  const ssz::ByteVec pk_bytes = ssz::Encode(pk);
  for (size_t bit = 0; bit < pk_bytes.size() * 8; ++bit) {
    ssz::ByteVec flipped = pk_bytes;
    flipped[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    absl::StatusOr<PublicKey> tampered = ssz::Decode<PublicKey>(flipped);
    if (!tampered.ok()) continue;
    ASSERT_FALSE(Verify(kTestConfig, *tampered, slot, msg, *sig)) << "key bit " << bit;
  }
  // The right shape under the other configuration is rejected too.
  EXPECT_FALSE(Verify(kProdConfig, pk, slot, msg, *sig));
}

TEST_F(XmssTestSchemeTest, SigningOutsideTheWindowOrRangeFails) {
  EXPECT_EQ(Sign(key_pair_->secret_key, 32, Message(1)).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Sign(key_pair_->secret_key, 64, Message(1)).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(XmssTestSchemeTest, AdvancePreparationSlidesTheWindow) {
  SecretKey sk = key_pair_->secret_key;
  AdvancePreparation(sk, SeededRng(3));
  EXPECT_EQ(PreparedStart(sk), 16u);
  absl::StatusOr<Signature> sig = Sign(sk, 40, Message(40));
  ASSERT_TRUE(sig.ok()) << sig.status();
  EXPECT_TRUE(Verify(kTestConfig, key_pair_->public_key, 40, Message(40), *sig));
  AdvancePreparation(sk, SeededRng(4));
  EXPECT_EQ(PreparedStart(sk), 32u);
  AdvancePreparation(sk, SeededRng(5));  // the range ends at 64: no further tree
  EXPECT_EQ(PreparedStart(sk), 32u);
}

TEST(XmssKeyGenTest, RejectsRangesPastTheLifetime) {
  EXPECT_FALSE(KeyGen(kTestConfig, 200, 100, SeededRng(1)).ok());
  EXPECT_FALSE(KeyGen(kTestConfig, 257, 1, SeededRng(1)).ok());
}

TEST(XmssMalformedInputTest, RandomBytesNeverVerify) {
  std::mt19937 rng(11);
  PublicKey pk;
  for (auto& e : pk.root.items) e.value = rng() % kKoalaBearPrime;
  for (auto& e : pk.parameter.items) e.value = rng() % kKoalaBearPrime;
  size_t decoded = 0;
  for (int i = 0; i < 300; ++i) {
    ssz::ByteVec bytes(i % 3 == 0 ? rng() % 600 : kTestShape.signature_bytes);
    for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng());
    if (i % 2 == 0 && bytes.size() >= 40) {  // plausible offsets, so decoding gets further
      bytes[0] = 36, bytes[1] = bytes[2] = bytes[3] = 0;
      bytes[32] = 40, bytes[33] = 1, bytes[34] = bytes[35] = 0;
      bytes[36] = 4, bytes[37] = bytes[38] = bytes[39] = 0;
      for (size_t k = 40; k < bytes.size(); k += 4) bytes[k + 3 < bytes.size() ? k + 3 : k] &= 0x3f;
    }
    absl::StatusOr<Signature> sig = ssz::Decode<Signature>(bytes);
    if (!sig.ok()) continue;
    ++decoded;
    EXPECT_FALSE(Verify(kTestConfig, pk, 3, Message(1), *sig));
  }
  // Random bytes as public keys against a real signature.
  absl::StatusOr<KeyPair> pair = KeyGen(kTestConfig, 0, 32, SeededRng(21));
  ASSERT_TRUE(pair.ok());
  absl::StatusOr<Signature> real = Sign(pair->secret_key, 3, Message(1));
  ASSERT_TRUE(real.ok());
  for (int i = 0; i < 200; ++i) {
    ssz::ByteVec bytes(i % 4 == 0 ? rng() % 80 : 52);
    for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng() & 0x7f);  // mostly canonical elements
    absl::StatusOr<PublicKey> key = ssz::Decode<PublicKey>(bytes);
    if (!key.ok()) continue;
    EXPECT_FALSE(Verify(kTestConfig, *key, 3, Message(1), *real));
  }
  // Signatures built in code with non-canonical elements are rejected, not trusted.
  Signature bogus;
  bogus.path_siblings.resize(kTestConfig.log_lifetime);
  bogus.hashes.resize(kTestConfig.dimension);
  bogus.rho.items[0].value = 0xffffffffu;
  EXPECT_FALSE(Verify(kTestConfig, pk, 3, Message(1), bogus));
  (void)decoded;
}

TEST(XmssProdTest, SyntheticProdSignatureVerifiesAndTamperingFails) {
  const uint64_t epoch = 1234567;
  const ssz::Bytes32 msg = Message(3);
  SyntheticSignature s = SignWithRandomPath(kProdConfig, epoch, msg, SeededRng(99));
  EXPECT_EQ(ssz::Encode(s.signature).size(), kProdShape.signature_bytes);
  ASSERT_TRUE(Verify(kProdConfig, s.public_key, epoch, msg, s.signature));
  EXPECT_FALSE(Verify(kTestConfig, s.public_key, epoch, msg, s.signature));
  EXPECT_FALSE(Verify(kProdConfig, s.public_key, epoch + 1, msg, s.signature));
  ssz::Bytes32 other = msg;
  other[31] ^= 0x80;
  EXPECT_FALSE(Verify(kProdConfig, s.public_key, epoch, other, s.signature));
  std::mt19937 rng(5);
  const ssz::ByteVec encoded = ssz::Encode(s.signature);
  for (int i = 0; i < 64; ++i) {
    ssz::ByteVec flipped = encoded;
    const size_t bit = rng() % (encoded.size() * 8);
    flipped[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    absl::StatusOr<Signature> tampered = ssz::Decode<Signature>(flipped);
    if (tampered.ok()) {
      EXPECT_FALSE(Verify(kProdConfig, s.public_key, epoch, msg, *tampered)) << "bit " << bit;
    }
  }
  // The same construction under TEST agrees with a real TEST key's verifier path.
  SyntheticSignature t = SignWithRandomPath(kTestConfig, 77, msg, SeededRng(5));
  EXPECT_TRUE(Verify(kTestConfig, t.public_key, 77, msg, t.signature));
}

// Every gossip `attestation` step of the fork_choice fixtures carries a real TEST-scheme
// signature. Steps the spec accepts must verify; the step rejected for
// INVALID_SIGNATURE must not; the rest were rejected before signatures were checked.
TEST(XmssFixtureTest, ForkChoiceAttestationSignatures) {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(BEAM_FIXTURES_DIR) / "consensus" / "fork_choice";
  ASSERT_TRUE(fs::is_directory(root)) << "no fixtures at " << root;
  size_t must_verify = 0, must_fail = 0, other = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path());
    const nlohmann::json doc = nlohmann::json::parse(in);
    for (const auto& [test_id, c] : doc.items()) {
      const auto& validators = c["anchorState"]["validators"]["data"];
      for (const auto& step : c["steps"]) {
        if (step.value("stepType", "") != "attestation") continue;
        const auto& a = step["attestation"];
        const uint64_t index = a["validatorIndex"].get<uint64_t>();
        const std::string reason = step.contains("rejectionReason") && !step["rejectionReason"].is_null()
                                       ? step["rejectionReason"].get<std::string>()
                                       : "";
        const bool valid = step.value("valid", true);
        if (index >= validators.size()) {
          EXPECT_FALSE(valid) << test_id;
          ++other;
          continue;
        }
        consensus::AttestationData data;
        const auto& d = a["data"];
        auto checkpoint = [](const nlohmann::json& j) {
          consensus::Checkpoint cp;
          const std::string hex = j["root"].get<std::string>();
          for (size_t i = 0; i < 32; ++i) cp.root[i] = static_cast<uint8_t>(std::stoul(hex.substr(2 + 2 * i, 2), nullptr, 16));
          cp.slot = j["slot"].get<uint64_t>();
          return cp;
        };
        data.slot = d["slot"].get<uint64_t>();
        data.head = checkpoint(d["head"]);
        data.target = checkpoint(d["target"]);
        data.source = checkpoint(d["source"]);
        auto hex_bytes = [](const std::string& hex) {
          ssz::ByteVec out((hex.size() - 2) / 2);
          for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint8_t>(std::stoul(hex.substr(2 + 2 * i, 2), nullptr, 16));
          return out;
        };
        absl::StatusOr<Signature> sig = ssz::Decode<Signature>(hex_bytes(a["signature"].get<std::string>()));
        absl::StatusOr<PublicKey> pk =
            ssz::Decode<PublicKey>(hex_bytes(validators[index]["attestationPublicKey"].get<std::string>()));
        ASSERT_TRUE(pk.ok()) << test_id;
        const bool verifies = sig.ok() && Verify(kTestConfig, *pk, data.slot, ssz::HashTreeRoot(data), *sig);
        if (valid) {
          EXPECT_TRUE(verifies) << test_id;
          ++must_verify;
        } else if (reason == "INVALID_SIGNATURE") {
          EXPECT_FALSE(verifies) << test_id;
          ++must_fail;
        } else {
          ++other;
        }
      }
    }
  }
  EXPECT_GT(must_verify, 0u);
  EXPECT_GT(must_fail, 0u);
  std::printf("fork_choice attestation signatures: %zu verified, %zu rejected as expected, %zu not checked "
              "(rejected earlier by the spec)\n",
              must_verify, must_fail, other);
}

}  // namespace
}  // namespace beam::crypto::xmss
