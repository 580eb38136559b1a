#include "consensus/state_transition.h"
#include "crypto/xmss/containers.h"
#include "wire/messages.h"
#include "gtest/gtest.h"
namespace beam {
TEST(Smoke, GenesisRoot) {
  consensus::State s = consensus::GenerateGenesis(0, {});
  EXPECT_FALSE(ssz::HashTreeRoot(s).IsZero());
  auto bytes = ssz::Encode(s);
  auto back = ssz::Decode<consensus::State>(bytes);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(*back == s);
  EXPECT_EQ(ssz::HashTreeRoot(consensus::SignedAttestation{}).size(), 32u);
  EXPECT_EQ(ssz::Encode(wire::Status{}).size(), 80u);
}
}
