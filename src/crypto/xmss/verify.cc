#include "crypto/xmss/verify.h"

#include <vector>

#include "crypto/xmss/encoding.h"
#include "crypto/xmss/tweak_hash.h"

namespace beam::crypto::xmss {
namespace {

template <size_t N>
bool Canonical(const ssz::Vector<Fp, N>& v) {
  for (const Fp& e : v.items) {
    if (e.value >= kKoalaBearPrime) return false;
  }
  return true;
}

template <size_t N>
std::array<uint32_t, N> Elems(const ssz::Vector<Fp, N>& v) {
  std::array<uint32_t, N> out;
  for (size_t i = 0; i < N; ++i) out[i] = v.items[i].value;
  return out;
}

}  // namespace

std::optional<std::vector<uint8_t>> VerifiableCodeword(const XmssConfig& config, const PublicKey& public_key,
                                                       uint64_t epoch, const ssz::Bytes32& message,
                                                       const Signature& signature) {
  if (epoch >= config.lifetime()) return std::nullopt;
  // SSZ decoding already insists on canonical elements; values built in code may not.
  if (!Canonical(public_key.root) || !Canonical(public_key.parameter) || !Canonical(signature.rho)) {
    return std::nullopt;
  }
  for (const HashDigest& d : signature.path_siblings) {
    if (!Canonical(d)) return std::nullopt;
  }
  for (const HashDigest& d : signature.hashes) {
    if (!Canonical(d)) return std::nullopt;
  }
  std::optional<std::vector<uint8_t>> codeword =
      TargetSumEncode(config, Elems(public_key.parameter), epoch, Elems(signature.rho), message);
  if (!codeword.has_value()) return std::nullopt;
  if (signature.hashes.size() != config.dimension) return std::nullopt;
  if (signature.path_siblings.size() != config.log_lifetime) return std::nullopt;
  return codeword;
}

bool Verify(const XmssConfig& config, const PublicKey& public_key, uint64_t epoch, const ssz::Bytes32& message,
            const Signature& signature) {
  const std::optional<std::vector<uint8_t>> codeword =
      VerifiableCodeword(config, public_key, epoch, message, signature);
  if (!codeword.has_value()) return false;
  const ParameterElems parameter = Elems(public_key.parameter);

  // Finish every chain: from the released digest at step `digit` to the chain end.
  std::vector<ChainJob> jobs(config.dimension);
  for (uint32_t i = 0; i < config.dimension; ++i) {
    const uint8_t digit = (*codeword)[i];
    jobs[i] = ChainJob{i, digit, config.base - 1 - digit, Elems(signature.hashes[i])};
  }
  HashChains(parameter, epoch, absl::MakeSpan(jobs));
  std::vector<Digest> chain_ends(config.dimension);
  for (uint32_t i = 0; i < config.dimension; ++i) chain_ends[i] = jobs[i].digest;

  return RootFromChainEnds(config, parameter, epoch, chain_ends, signature) == Elems(public_key.root);
}

Digest RootFromChainEnds(const XmssConfig& config, const ParameterElems& parameter, uint64_t epoch,
                         absl::Span<const Digest> chain_ends, const Signature& signature) {
  // Climb from the leaf to the root.
  Digest node = TreeLeaf(config, parameter, epoch, chain_ends);
  uint64_t position = epoch;
  for (uint32_t level = 0; level < config.log_lifetime; ++level) {
    const Digest sibling = Elems(signature.path_siblings[level]);
    const bool node_is_left = position % 2 == 0;
    position /= 2;
    node = node_is_left ? TreeNode(parameter, level + 1, position, node, sibling)
                        : TreeNode(parameter, level + 1, position, sibling, node);
  }
  return node;
}

}  // namespace beam::crypto::xmss
