#include "crypto/xmss/synthetic.h"

#include <memory>
#include <optional>
#include <random>
#include <vector>

#include "crypto/xmss/encoding.h"
#include "crypto/xmss/prf.h"
#include "crypto/xmss/tweak_hash.h"

namespace beam::crypto::xmss {
namespace {

HashDigest ToHashDigest(const Digest& d) {
  HashDigest out;
  for (size_t i = 0; i < d.size(); ++i) out.items[i].value = d[i];
  return out;
}

}  // namespace

RandomBytes SeededRandomBytes(uint32_t seed) {
  auto engine = std::make_shared<std::mt19937>(seed);
  return [engine](uint8_t* out, size_t len) {
    for (size_t i = 0; i < len; ++i) out[i] = static_cast<uint8_t>((*engine)());
  };
}

SyntheticSignature SignWithRandomPath(const XmssConfig& config, uint64_t epoch, const ssz::Bytes32& message,
                                      const RandomBytes& rng) {
  PrfKey prf_key;
  rng(prf_key.data(), prf_key.size());
  ParameterElems parameter;
  for (uint32_t& e : parameter) e = RandomFieldElement(rng);
  std::optional<std::vector<uint8_t>> codeword;
  RandomnessElems rho{};
  for (uint64_t attempt = 0; !codeword.has_value(); ++attempt) {
    rho = DeriveRandomness(prf_key, epoch, message, attempt);
    codeword = TargetSumEncode(config, parameter, epoch, rho, message);
  }
  SyntheticSignature out;
  std::vector<Digest> ends;
  for (uint32_t c = 0; c < config.dimension; ++c) {
    const uint32_t digit = (*codeword)[c];
    const Digest released = HashChain(parameter, epoch, c, 0, digit, DeriveChainStart(prf_key, epoch, c));
    ends.push_back(HashChain(parameter, epoch, c, digit, config.base - 1 - digit, released));
    out.signature.hashes.push_back(ToHashDigest(released));
  }
  Digest node = TreeLeaf(config, parameter, epoch, ends);
  uint64_t position = epoch;
  for (uint32_t level = 0; level < config.log_lifetime; ++level) {
    Digest sibling;
    for (uint32_t& e : sibling) e = RandomFieldElement(rng);
    out.signature.path_siblings.push_back(ToHashDigest(sibling));
    const bool node_is_left = position % 2 == 0;
    position /= 2;
    node = node_is_left ? TreeNode(parameter, level + 1, position, node, sibling)
                        : TreeNode(parameter, level + 1, position, sibling, node);
  }
  for (size_t i = 0; i < rho.size(); ++i) out.signature.rho.items[i].value = rho[i];
  out.public_key.root = ToHashDigest(node);
  for (size_t i = 0; i < parameter.size(); ++i) out.public_key.parameter.items[i].value = parameter[i];
  return out;
}

}  // namespace beam::crypto::xmss
