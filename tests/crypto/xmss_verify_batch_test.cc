// VerifyBatch against Verify, and the batched hashing it is built from against the
// single forms.

#include "crypto/xmss/verify_batch.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "crypto/poseidon1.h"
#include "crypto/xmss/keys.h"
#include "crypto/xmss/synthetic.h"
#include "crypto/xmss/tweak_hash.h"
#include "crypto/xmss/verify.h"
#include "gtest/gtest.h"

namespace beam::crypto::xmss {
namespace {

ssz::Bytes32 Message(uint32_t seed) {
  ssz::Bytes32 m;
  for (size_t i = 0; i < 32; ++i) m[i] = static_cast<uint8_t>(seed * 37 + i * 11);
  return m;
}

uint32_t RandomElement(std::mt19937& rng) { return static_cast<uint32_t>(rng() % kKoalaBearPrime); }

Digest RandomDigest(std::mt19937& rng) {
  Digest d;
  for (uint32_t& e : d) e = RandomElement(rng);
  return d;
}

// --- The batched hashing ---------------------------------------------------------------

TEST(XmssBatchedHashTest, KeyedHashChainsMatchHashChain) {
  std::mt19937 rng(1);
  std::vector<ParameterElems> parameters(5);
  for (auto& p : parameters) {
    for (uint32_t& e : p) e = RandomElement(rng);
  }
  // Many chains of mixed keys, epochs, starts and lengths (some empty, one long).
  std::vector<KeyedChainJob> jobs;
  std::vector<Digest> expected;
  for (uint32_t i = 0; i < 61; ++i) {
    const ParameterElems& parameter = parameters[rng() % parameters.size()];
    const uint64_t epoch = i % 7 == 0 ? (uint64_t{1} << 32) - 1 - i : rng() % 1000;
    const uint32_t start = rng() % 8;
    const uint32_t steps = i == 13 ? 40 : rng() % (8 - start);
    const Digest digest = RandomDigest(rng);
    jobs.push_back(KeyedChainJob{&parameter, epoch, ChainJob{i % 46, start, steps, digest}});
    expected.push_back(HashChain(parameter, epoch, i % 46, start, steps, digest));
  }
  HashChains(absl::MakeSpan(jobs));
  for (size_t j = 0; j < jobs.size(); ++j) EXPECT_EQ(jobs[j].chain.digest, expected[j]) << "job " << j;
}

TEST(XmssBatchedHashTest, TreeNodesMatchTreeNode) {
  std::mt19937 rng(2);
  ParameterElems parameters[kPoseidonLanes];
  uint64_t indices[kPoseidonLanes];
  Digest lefts[kPoseidonLanes], rights[kPoseidonLanes], out[kPoseidonLanes];
  for (size_t l = 0; l < kPoseidonLanes; ++l) {
    for (uint32_t& e : parameters[l]) e = RandomElement(rng);
    indices[l] = l == 3 ? (uint64_t{1} << 31) - 1 : rng();
    lefts[l] = RandomDigest(rng);
    rights[l] = RandomDigest(rng);
  }
  TreeNodes(parameters, 17, indices, lefts, rights, out);
  for (size_t l = 0; l < kPoseidonLanes; ++l) {
    EXPECT_EQ(out[l], TreeNode(parameters[l], 17, indices[l], lefts[l], rights[l])) << "lane " << l;
  }
}

TEST(XmssBatchedHashTest, TreeLeavesMatchTreeLeaf) {
  std::mt19937 rng(3);
  for (const XmssConfig* config : {&kTestConfig, &kProdConfig}) {
    const size_t n = config->dimension;
    ParameterElems parameters[kPoseidonLanes];
    uint64_t epochs[kPoseidonLanes];
    std::vector<Digest> ends(kPoseidonLanes * n);
    for (size_t l = 0; l < kPoseidonLanes; ++l) {
      for (uint32_t& e : parameters[l]) e = RandomElement(rng);
      epochs[l] = rng() % config->lifetime();
    }
    for (Digest& d : ends) d = RandomDigest(rng);
    Digest out[kPoseidonLanes];
    TreeLeaves(*config, parameters, epochs, ends, out);
    for (size_t l = 0; l < kPoseidonLanes; ++l) {
      EXPECT_EQ(out[l], TreeLeaf(*config, parameters[l], epochs[l], absl::MakeConstSpan(ends).subspan(l * n, n)))
          << config->name << " lane " << l;
    }
  }
}

// --- VerifyBatch -----------------------------------------------------------------------

// One verification input, owned.
struct Case {
  PublicKey public_key;
  uint64_t epoch = 0;
  ssz::Bytes32 message;
  Signature signature;
  std::string what;  // "valid" or the tampering
  bool must_verify = false;
  bool must_fail = false;  // false: only Verify decides (a message or rho edit may collide)
};

// Another canonical value that differs from v in one bit.
uint32_t FlipOneBit(uint32_t v, uint32_t bit) {
  for (uint32_t k = 0; k < 31; ++k) {
    const uint32_t flipped = v ^ (1u << ((bit + k) % 31));
    if (flipped < kKoalaBearPrime) return flipped;
  }
  return v;  // unreachable: some low bit always keeps the value below p
}

// `valid` with one tampering chosen by `kind`.
Case Tamper(const XmssConfig& config, const Case& valid, uint32_t kind, std::mt19937& rng) {
  Case c = valid;
  c.must_verify = false;
  c.must_fail = true;
  switch (kind) {
    case 0:
      c.what = "message bit";
      c.message[rng() % 32] ^= static_cast<uint8_t>(1u << (rng() % 8));
      c.must_fail = false;
      break;
    case 1: {
      c.what = "sibling bit";
      Fp& e = c.signature.path_siblings[rng() % config.log_lifetime].items[rng() % 8];
      e.value = FlipOneBit(e.value, rng() % 31);
      break;
    }
    case 2: {
      c.what = "chain hash bit";
      Fp& e = c.signature.hashes[rng() % config.dimension].items[rng() % 8];
      e.value = FlipOneBit(e.value, rng() % 31);
      break;
    }
    case 3: {
      c.what = "rho bit";
      Fp& e = c.signature.rho.items[rng() % kRandLengthFieldElements];
      e.value = FlipOneBit(e.value, rng() % 31);
      c.must_fail = false;
      break;
    }
    case 4:
      c.what = "neighbouring epoch";
      c.epoch = c.epoch == 0 ? 1 : c.epoch - 1;
      break;
    case 5:
      c.what = "epoch past the lifetime";
      c.epoch = config.lifetime() + (rng() % 3 == 0 ? ~uint64_t{0} - config.lifetime() : rng() % 5);
      break;
    case 6: {
      c.what = "non-canonical element";
      const uint32_t value = kKoalaBearPrime + rng() % 4;
      switch (rng() % 4) {
        case 0:
          c.signature.path_siblings[rng() % config.log_lifetime].items[rng() % 8].value = value;
          break;
        case 1:
          c.signature.hashes[rng() % config.dimension].items[rng() % 8].value = value;
          break;
        case 2:
          c.signature.rho.items[rng() % kRandLengthFieldElements].value = value;
          break;
        default:
          c.public_key.root.items[rng() % 8].value = value;
          break;
      }
      break;
    }
    case 7: {
      c.what = "root bit";
      Fp& e = c.public_key.root.items[rng() % 8];
      e.value = FlipOneBit(e.value, rng() % 31);
      break;
    }
    case 8:
      c.what = "wrong shape";
      if (rng() % 2 == 0) {
        c.signature.hashes.pop_back();
      } else {
        c.signature.path_siblings.push_back(c.signature.path_siblings.back());
      }
      break;
    default: {
      c.what = "parameter bit";
      Fp& e = c.public_key.parameter.items[rng() % kParameterLength];
      e.value = FlipOneBit(e.value, rng() % 31);
      break;
    }
  }
  return c;
}
constexpr uint32_t kTamperKinds = 10;

class VerifyBatchTest : public ::testing::TestWithParam<const XmssConfig*> {
 protected:
  // Valid signatures of distinct keys, epochs (both parities, both ends of the
  // lifetime) and messages: synthetic ones (crypto/xmss/synthetic.h), and for TEST a
  // few of a real key.
  static std::vector<Case> ValidCases(const XmssConfig& config) {
    std::vector<Case> out;
    const uint64_t last = config.lifetime() - 1;
    const uint64_t epochs[] = {0, 1, 2, 5, 77, 130, last / 3, last / 2 + 1, last - 1, last};
    uint32_t seed = 100;
    for (uint64_t epoch : epochs) {
      Case c;
      c.epoch = epoch;
      c.message = Message(seed);
      SyntheticSignature s = SignWithRandomPath(config, epoch, c.message, SeededRandomBytes(seed++));
      c.public_key = s.public_key;
      c.signature = s.signature;
      c.what = "valid";
      c.must_verify = true;
      out.push_back(std::move(c));
    }
    if (&config == &kTestConfig) {
      absl::StatusOr<KeyPair> pair = KeyGen(kTestConfig, 0, 32, SeededRandomBytes(5));
      EXPECT_TRUE(pair.ok()) << pair.status();
      for (uint64_t slot : {3u, 4u, 16u, 31u}) {
        Case c;
        c.epoch = slot;
        c.message = Message(static_cast<uint32_t>(slot));
        c.public_key = pair->public_key;
        c.signature = *Sign(pair->secret_key, slot, c.message);
        c.what = "valid (real key)";
        c.must_verify = true;
        out.push_back(std::move(c));
      }
    }
    return out;
  }

  // Runs VerifyBatch over `cases` and checks every result against Verify.
  static void ExpectSameAsVerify(const XmssConfig& config, const std::vector<Case>& cases, const std::string& label) {
    std::vector<VerifyItem> items;
    for (const Case& c : cases) items.push_back(VerifyItem{&c.public_key, c.epoch, &c.message, &c.signature});
    // All true beforehand, so an item left unwritten shows up as a false accept; the
    // one past the items must stay untouched.
    std::unique_ptr<bool[]> results(new bool[cases.size() + 1]);
    std::fill(results.get(), results.get() + cases.size() + 1, true);
    VerifyBatch(config, items, absl::MakeSpan(results.get(), cases.size() + 1));
    ASSERT_TRUE(results[cases.size()]) << label;
    for (size_t i = 0; i < cases.size(); ++i) {
      const Case& c = cases[i];
      const bool expected = Verify(config, c.public_key, c.epoch, c.message, c.signature);
      EXPECT_EQ(results[i], expected) << label << ": item " << i << " (" << c.what << ", epoch " << c.epoch << ")";
      if (c.must_verify) {
        EXPECT_TRUE(results[i]) << label << ": item " << i << " (" << c.what << ")";
      }
      if (c.must_fail) {
        EXPECT_FALSE(results[i]) << label << ": item " << i << " (" << c.what << ")";
      }
    }
  }
};

TEST_P(VerifyBatchTest, MixedBatchesOfEverySizeMatchVerify) {
  const XmssConfig& config = *GetParam();
  const std::vector<Case> valid = ValidCases(config);
  std::mt19937 rng(config.log_lifetime);
  for (size_t size = 1; size <= 17; ++size) {
    for (int round = 0; round < 2; ++round) {
      // Round 0 mostly valid (full groups of lanes), round 1 mostly tampered; every
      // kind of tampering turns up in different positions across the sizes.
      std::vector<Case> cases;
      for (size_t i = 0; i < size; ++i) {
        const Case& base = valid[rng() % valid.size()];
        const bool tamper = round == 0 ? rng() % 4 == 0 : rng() % 4 != 0;
        cases.push_back(tamper ? Tamper(config, base, static_cast<uint32_t>(rng() % kTamperKinds), rng) : base);
      }
      ExpectSameAsVerify(config, cases, "size " + std::to_string(size) + " round " + std::to_string(round));
    }
  }
}

TEST_P(VerifyBatchTest, EveryTamperingInEveryLane) {
  const XmssConfig& config = *GetParam();
  const std::vector<Case> valid = ValidCases(config);
  std::mt19937 rng(7);
  for (uint32_t kind = 0; kind < kTamperKinds; ++kind) {
    for (size_t lane = 0; lane < kPoseidonLanes; ++lane) {
      // Eight signatures, the one in `lane` tampered: the other seven must still verify.
      std::vector<Case> cases;
      for (size_t i = 0; i < kPoseidonLanes; ++i) cases.push_back(valid[(i + lane) % valid.size()]);
      cases[lane] = Tamper(config, cases[lane], kind, rng);
      ExpectSameAsVerify(config, cases, "kind " + std::to_string(kind) + " lane " + std::to_string(lane));
    }
  }
}

TEST_P(VerifyBatchTest, AllValidAllInvalidAndRepeatedItems) {
  const XmssConfig& config = *GetParam();
  const std::vector<Case> valid = ValidCases(config);
  std::mt19937 rng(9);
  std::vector<Case> all_valid(valid.begin(), valid.end());
  all_valid.insert(all_valid.end(), valid.begin(), valid.end());  // beyond two groups
  ExpectSameAsVerify(config, all_valid, "all valid");
  std::vector<Case> all_invalid;
  for (size_t i = 0; i < 11; ++i) all_invalid.push_back(Tamper(config, valid[i % valid.size()], i % kTamperKinds, rng));
  ExpectSameAsVerify(config, all_invalid, "all invalid");
  ExpectSameAsVerify(config, std::vector<Case>(9, valid[0]), "one item nine times");
  ExpectSameAsVerify(config, {}, "empty");
  // The other configuration's signatures have the wrong shape.
  const XmssConfig& other = &config == &kTestConfig ? kProdConfig : kTestConfig;
  std::vector<Case> foreign = ValidCases(other);
  for (Case& c : foreign) c.must_verify = false, c.must_fail = true;
  ExpectSameAsVerify(config, foreign, "other configuration");
}

INSTANTIATE_TEST_SUITE_P(Configs, VerifyBatchTest, ::testing::Values(&kTestConfig, &kProdConfig),
                         [](const ::testing::TestParamInfo<const XmssConfig*>& info) {
                           return std::string(info.param->name);
                         });

}  // namespace
}  // namespace beam::crypto::xmss
