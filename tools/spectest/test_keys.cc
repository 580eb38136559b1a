#include "tools/spectest/test_keys.h"

#include <cstring>
#include <iterator>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "hash/sha256.h"
#include "ssz/bytes.h"

namespace beam::spectest {
namespace {

// (attestation, proposal) public keys, SSZ hex, of test-scheme validators 0..7.
constexpr const char* kPublicKeys[][2] = {
    {"80a6f13b39b9c26cd91edb542bdb9e051b61223a15f5de18e53e6a361720cd65c06a114e87531241cc535f39156f0f2cf0877647",
     "dedd8e5a890a2c339ffbca1ce85b710384670508df73ce33116bcd60befbef5a560e6304e3635a58e12b6b542c1bc6583a16455a"},
    {"7612d36fb7667d1c2f19a821d6a63b3cc17f214baedecb57e6eed4600dabf055185de12c6418db6b79f71004303bfe3a753c9727",
     "1dcca64f8f9956470c2a427ca669d9359f22f202387ba24440e77200ec57983515451279124ee834a62f77560b1c166b0eb2885b"},
    {"d703e67ce93c9b61b2ae88063ce60f13822efe03d8f089582615032e2b44346fa0199c2320dca35012ec1d414dc3b835da11cd73",
     "9ee9237afcc3d75c0a8271412f2ac10f03c0da760e545a21cc7eb8331381f62bec027d1dac093b7a09057c187dd46e6231c0c007"},
    {"e41f343f892528158dccae5404bd7262106386597fd4a35ae2c682374c6f15706dd8062ddac61b1851020e0918e7970917e30b06",
     "57ffb567b826fb60dd07da58f6939b05aa93cd4bb2d9794308d3232878caa5076e9628292e96406c2d8faa3f8108922cdcf37e56"},
    {"8276347211a4c768a823454b927ee07a8895a24ccf0a7d2f08b298122476c746d4df7c63754e521d62343044ff48e30bb090e472",
     "3a527d4a67783d7ae9077b250565370cf6c5f34e5f038362a9308f414cb68657fa888a161182dd0b4456771885a2b82861fe170c"},
    {"3e956459bc3031258823bc4cf7e24f3c00cc7341a633d138997149635cf7096f5bf13468a9c5be7c67ab357b62724446819b1513",
     "92614a0d3a3c1801cce44829ba31ad3738c748509278b32b384561072216840f218791726fc46a56ca2fff3802e4852ad975e730"},
    {"eb3a4219238a832b42395107025de92b78534b615f717b2e657b1615d53eef16e00ff86909c67d60a1b57f3c938fb27369973a09",
     "b9dacc060827fa328d44b65461fc74305f6586664e83f8436f435754df6bd5060c570e5985ca6b779213f717bb57742757a9cb75"},
    {"b943ea3a05d88c48bb793031dd29a90b922ea654b2a7ed55ea5956396cb951321a24987c07bee00ff4c56823809bac214472884e",
     "cf02f74f4e96a556ad3c90422cb7e874c88e5d365dedf754178f74110247ec7d39f0df2b9385cb0b0d837278fb64572b1419b05d"},
};

// keys_cli.py PINNED_KEY_SET_DIGESTS["test"]: SHA-256 over, for each key file in index
// order, its stem (the decimal index), attestation key and proposal key.
constexpr absl::string_view kPinnedKeySetDigest = "0x49306dfdb6dddd72afe265ec3b20a1901834dde9b3dfe4fee6b4f7ca58c7aa43";

}  // namespace

absl::StatusOr<std::vector<consensus::Validator>> TestSchemeValidators(size_t count) {
  constexpr size_t kAvailable = std::size(kPublicKeys);
  if (count > kAvailable) {
    return absl::OutOfRangeError(
        absl::StrCat("the spec's test-scheme key set has ", kAvailable, " key pairs; ", count, " asked for"));
  }
  std::string digest_input;
  std::vector<consensus::Validator> all(kAvailable);
  for (size_t i = 0; i < kAvailable; ++i) {
    const std::string attestation = absl::HexStringToBytes(kPublicKeys[i][0]);
    const std::string proposal = absl::HexStringToBytes(kPublicKeys[i][1]);
    if (attestation.size() != 52 || proposal.size() != 52) return absl::InternalError("malformed embedded key");
    absl::StrAppend(&digest_input, i, attestation, proposal);
    std::memcpy(all[i].attestation_public_key.data(), attestation.data(), 52);
    std::memcpy(all[i].proposal_public_key.data(), proposal.data(), 52);
    all[i].index = i;
  }
  uint8_t digest[hash::kSha256DigestSize];
  hash::Sha256(reinterpret_cast<const uint8_t*>(digest_input.data()), digest_input.size(), digest);
  const std::string got = ssz::ToHex(ssz::ByteView(digest, sizeof digest));
  if (got != kPinnedKeySetDigest) {
    return absl::InternalError(absl::StrCat("embedded test keys digest ", got, " != pinned ", kPinnedKeySetDigest));
  }
  all.resize(count);
  return all;
}

}  // namespace beam::spectest
