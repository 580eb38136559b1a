#include "crypto/verifier.h"

#include <atomic>
#include <thread>
#include <vector>

#include "crypto/public_key_cache.h"
#include "gtest/gtest.h"
#include "ssz/container.h"

namespace beam::crypto {
namespace {

ssz::ByteVec MockedProof(const char* tail) {
  ssz::ByteVec p(kMockedProofPrefix, kMockedProofPrefix + kMockedProofPrefixLength);
  for (const char* c = tail; *c; ++c) p.push_back(static_cast<uint8_t>(*c));
  return p;
}

TEST(MockedAggregateVerifierTest, AcceptsOnlyThePlaceholder) {
  MockedAggregateVerifier v;
  std::vector<xmss::PublicKey> keys(2);
  const ssz::ByteVec good = MockedProof("fingerprint");
  EXPECT_TRUE(v.VerifySingleMessage(keys, ssz::Root{}, 3, good).ok());
  ssz::ByteVec bad = good;
  bad[1] ^= 1;
  EXPECT_EQ(v.VerifySingleMessage(keys, ssz::Root{}, 3, bad).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(v.VerifySingleMessage(keys, ssz::Root{}, 3, ssz::ByteVec{}).ok());
  EXPECT_FALSE(v.VerifySingleMessage({}, ssz::Root{}, 3, good).ok());  // no participants

  std::vector<std::vector<xmss::PublicKey>> per_message = {keys, {xmss::PublicKey{}}};
  std::vector<MessageBinding> bindings = {{ssz::Root{}, 1}, {ssz::Root{}, 2}};
  EXPECT_TRUE(v.VerifyMultiMessage(per_message, bindings, good).ok());
  bindings.pop_back();
  EXPECT_FALSE(v.VerifyMultiMessage(per_message, bindings, good).ok());  // binding count mismatch
}

struct HostCalls {
  std::vector<uint8_t> last_keys;
  size_t last_count = 0;
  uint64_t last_slot = 0;
  int result = 0;
};

int VerifySingle(void* user_data, const uint8_t* keys, size_t n, const uint8_t message[32], uint64_t slot,
                 const uint8_t* proof, size_t proof_len) {
  auto* calls = static_cast<HostCalls*>(user_data);
  calls->last_keys.assign(keys, keys + 52 * n);
  calls->last_count = n;
  calls->last_slot = slot;
  return calls->result;
}

int VerifyMulti(void* user_data, const uint8_t* keys, const size_t* keys_per_message, size_t num_messages,
                const uint8_t* messages, const uint64_t* slots, const uint8_t* proof, size_t proof_len) {
  auto* calls = static_cast<HostCalls*>(user_data);
  size_t total = 0;
  for (size_t i = 0; i < num_messages; ++i) total += keys_per_message[i];
  calls->last_count = total;
  calls->last_slot = slots[num_messages - 1];
  return calls->result;
}

TEST(HostAggregateVerifierTest, ForwardsArgumentsAndMapsResults) {
  HostCalls calls;
  HostAggregateVerifier v({VerifySingle, VerifyMulti, &calls});
  std::vector<xmss::PublicKey> keys(3);
  keys[1].root.items[0].value = 42;
  EXPECT_TRUE(v.VerifySingleMessage(keys, ssz::Root{}, 9, MockedProof("x")).ok());
  EXPECT_EQ(calls.last_count, 3u);
  EXPECT_EQ(calls.last_slot, 9u);
  EXPECT_EQ(calls.last_keys[52], 42);  // key 1 starts at byte 52
  calls.result = 1;
  EXPECT_EQ(v.VerifySingleMessage(keys, ssz::Root{}, 9, {}).code(), absl::StatusCode::kInvalidArgument);
  calls.result = 7;
  EXPECT_EQ(v.VerifySingleMessage(keys, ssz::Root{}, 9, {}).code(), absl::StatusCode::kUnavailable);

  calls.result = 0;
  std::vector<std::vector<xmss::PublicKey>> per_message = {keys, {xmss::PublicKey{}}};
  std::vector<MessageBinding> bindings = {{ssz::Root{}, 1}, {ssz::Root{}, 5}};
  EXPECT_TRUE(v.VerifyMultiMessage(per_message, bindings, {}).ok());
  EXPECT_EQ(calls.last_count, 4u);
  EXPECT_EQ(calls.last_slot, 5u);

  HostAggregateVerifier none({nullptr, nullptr, nullptr});
  EXPECT_EQ(none.VerifySingleMessage(keys, ssz::Root{}, 1, {}).code(), absl::StatusCode::kUnimplemented);
}

TEST(PublicKeyCacheTest, DecodesOnceAndRejectsInvalidKeys) {
  PublicKeyCache cache;
  xmss::PublicKey key;
  key.root.items[2].value = 7;
  ssz::Bytes52 raw = ssz::Bytes52::FromSpan(ssz::Encode(key));
  absl::StatusOr<xmss::PublicKey> got = cache.Get(4, KeyRole::kAttestation, raw);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, key);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_TRUE(cache.Get(4, KeyRole::kProposal, raw).ok());
  EXPECT_EQ(cache.size(), 2u);
  // New bytes at the same index replace the cached key.
  key.root.items[2].value = 8;
  ssz::Bytes52 raw2 = ssz::Bytes52::FromSpan(ssz::Encode(key));
  EXPECT_EQ(cache.Get(4, KeyRole::kAttestation, raw2)->root.items[2].value, 8u);
  // A field element >= p is not a key.
  ssz::Bytes52 bad;
  bad.bytes.fill(0xff);
  EXPECT_EQ(cache.Get(5, KeyRole::kAttestation, bad).status().code(), absl::StatusCode::kInvalidArgument);
}

// GetMany gives Get's keys in order, cached or not, and stops at the first
// undecodable key with its position.
TEST(PublicKeyCacheTest, GetManyMatchesGetAndReportsTheFirstBadKey) {
  PublicKeyCache cache;
  std::vector<ssz::Bytes52> raws(6);
  for (size_t i = 0; i < raws.size(); ++i) {
    xmss::PublicKey key;
    key.root.items[0].value = static_cast<uint32_t>(i + 1);
    raws[i] = ssz::Bytes52::FromSpan(ssz::Encode(key));
  }
  ASSERT_TRUE(cache.Get(2, KeyRole::kAttestation, raws[2]).ok());  // one already cached
  std::vector<std::pair<uint64_t, const ssz::Bytes52*>> wanted;
  for (size_t i = 0; i < raws.size(); ++i) wanted.emplace_back(i, &raws[i]);
  std::vector<xmss::PublicKey> keys;
  size_t failed_at = 99;
  ASSERT_TRUE(cache.GetMany(KeyRole::kAttestation, wanted, &keys, &failed_at).ok());
  ASSERT_EQ(keys.size(), raws.size());
  for (size_t i = 0; i < raws.size(); ++i) EXPECT_EQ(keys[i], *cache.Get(i, KeyRole::kAttestation, raws[i])) << i;
  EXPECT_EQ(cache.size(), raws.size());
  ssz::Bytes52 bad;
  bad.bytes.fill(0xff);
  wanted[4].second = &bad;
  wanted[5].second = &bad;
  keys.clear();
  EXPECT_EQ(cache.GetMany(KeyRole::kAttestation, wanted, &keys, &failed_at).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(failed_at, 4u);
  EXPECT_EQ(keys.size(), 4u);  // the keys before it
}

TEST(PublicKeyCacheTest, ConcurrentReadersAndWriters) {
  PublicKeyCache cache;
  std::vector<ssz::Bytes52> raws(64);
  for (size_t i = 0; i < raws.size(); ++i) {
    xmss::PublicKey k;
    k.root.items[0].value = static_cast<uint32_t>(i);
    raws[i] = ssz::Bytes52::FromSpan(ssz::Encode(k));
  }
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 200; ++round) {
        const size_t i = static_cast<size_t>((round * 7 + t * 13) % 64);
        absl::StatusOr<xmss::PublicKey> k = cache.Get(i, KeyRole::kAttestation, raws[i]);
        if (!k.ok() || k->root.items[0].value != i) ++mismatches;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(cache.size(), 64u);
}

}  // namespace
}  // namespace beam::crypto
