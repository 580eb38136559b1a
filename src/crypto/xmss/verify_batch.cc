#include "crypto/xmss/verify_batch.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>
#include <vector>

#include "crypto/poseidon1.h"
#include "crypto/xmss/tweak_hash.h"
#include "crypto/xmss/verify.h"

namespace beam::crypto::xmss {
namespace {

// A group with fewer signatures hashes its trees one signature at a time: a batched
// width-24 permutation costs about six single ones with AVX2 (at six lanes both ways
// take the same time, BM_VerifyProdBatchPartial) and about three with AVX-512. The
// chains are pooled whatever the size.
size_t MinLanesForBatchedTrees() {
  static const size_t lanes = std::string_view(Poseidon1Kernel()) == "avx512" ? 3 : 6;
  return lanes;
}

// An item that passed Verify's checks, and its codeword.
struct Ready {
  size_t item;
  ParameterElems parameter;
  std::vector<uint8_t> codeword;
};

template <size_t N>
std::array<uint32_t, N> Elems(const ssz::Vector<Fp, N>& v) {
  std::array<uint32_t, N> out;
  for (size_t i = 0; i < N; ++i) out[i] = v.items[i].value;
  return out;
}

// Verifies up to kPoseidonLanes items that passed the checks; lane l is group[l].
void VerifyGroup(const XmssConfig& config, absl::Span<const VerifyItem> items, absl::Span<const Ready> group,
                 absl::Span<bool> results) {
  const size_t lanes = group.size();
  const size_t n = config.dimension;

  // Every chain of every signature, from its released digest to its end, as one pool.
  std::vector<KeyedChainJob> jobs(lanes * n);
  for (size_t l = 0; l < lanes; ++l) {
    const VerifyItem& item = items[group[l].item];
    for (uint32_t i = 0; i < n; ++i) {
      const uint8_t digit = group[l].codeword[i];
      jobs[l * n + i] = KeyedChainJob{&group[l].parameter, item.epoch,
                                      ChainJob{i, digit, config.base - 1 - digit, Elems(item.signature->hashes[i])}};
    }
  }
  HashChains(absl::MakeSpan(jobs));
  // Lane after lane; lanes without a signature keep zeros (hashed, then ignored).
  std::vector<Digest> chain_ends(kPoseidonLanes * n, Digest{});
  for (size_t j = 0; j < jobs.size(); ++j) chain_ends[j] = jobs[j].chain.digest;

  Digest roots[kPoseidonLanes];
  if (lanes < MinLanesForBatchedTrees()) {
    for (size_t l = 0; l < lanes; ++l) {
      const VerifyItem& item = items[group[l].item];
      roots[l] = RootFromChainEnds(config, group[l].parameter, item.epoch,
                                   absl::MakeConstSpan(chain_ends).subspan(l * n, n), *item.signature);
    }
  } else {
    ParameterElems parameters[kPoseidonLanes] = {};
    uint64_t positions[kPoseidonLanes] = {};
    for (size_t l = 0; l < lanes; ++l) {
      parameters[l] = group[l].parameter;
      positions[l] = items[group[l].item].epoch;
    }
    TreeLeaves(config, parameters, positions, chain_ends, roots);
    Digest lefts[kPoseidonLanes], rights[kPoseidonLanes];
    for (uint32_t level = 0; level < config.log_lifetime; ++level) {
      for (size_t l = 0; l < kPoseidonLanes; ++l) {
        const Digest sibling = l < lanes ? Elems(items[group[l].item].signature->path_siblings[level]) : Digest{};
        const bool node_is_left = positions[l] % 2 == 0;
        positions[l] /= 2;
        lefts[l] = node_is_left ? roots[l] : sibling;
        rights[l] = node_is_left ? sibling : roots[l];
      }
      TreeNodes(parameters, level + 1, positions, lefts, rights, roots);
    }
  }
  for (size_t l = 0; l < lanes; ++l) {
    results[group[l].item] = roots[l] == Elems(items[group[l].item].public_key->root);
  }
}

}  // namespace

void VerifyBatch(const XmssConfig& config, absl::Span<const VerifyItem> items, absl::Span<bool> results) {
  const size_t count = std::min(items.size(), results.size());
  items = items.subspan(0, count);
  if (!Poseidon1BatchIsVectorised()) {
    // A scalar batch costs kPoseidonLanes single permutations: nothing to gain.
    for (size_t i = 0; i < count; ++i) {
      const VerifyItem& item = items[i];
      results[i] = Verify(config, *item.public_key, item.epoch, *item.message, *item.signature);
    }
    return;
  }
  // Malformed items drop out here, so they take no lane.
  std::vector<Ready> ready;
  ready.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const VerifyItem& item = items[i];
    results[i] = false;
    std::optional<std::vector<uint8_t>> codeword =
        VerifiableCodeword(config, *item.public_key, item.epoch, *item.message, *item.signature);
    if (codeword.has_value()) ready.push_back(Ready{i, Elems(item.public_key->parameter), std::move(*codeword)});
  }
  for (size_t first = 0; first < ready.size(); first += kPoseidonLanes) {
    const size_t lanes = std::min(kPoseidonLanes, ready.size() - first);
    VerifyGroup(config, items, absl::MakeConstSpan(ready).subspan(first, lanes), results);
  }
}

}  // namespace beam::crypto::xmss
