// Sparse Merkle subtrees of the XMSS key (leanSpec crypto/xmss/merkle.py): the top tree
// over bottom-tree roots and the bottom trees over one-time public keys, each layer
// padded with random nodes to even boundaries.

#ifndef BEAMCORE_CRYPTO_XMSS_SUBTREE_H_
#define BEAMCORE_CRYPTO_XMSS_SUBTREE_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "crypto/xmss/prf.h"
#include "crypto/xmss/tweak_hash.h"

namespace beam::crypto::xmss {

// Fills `out` with `len` uniformly random bytes.
using RandomBytes = std::function<void(uint8_t* out, size_t len)>;

// A uniform field element drawn from `rng` by rejection sampling.
uint32_t RandomFieldElement(const RandomBytes& rng);

struct HashTreeLayerNodes {
  uint64_t start_index = 0;
  std::vector<Digest> nodes;
};

class HashSubTree {
 public:
  // The bottom tree `bottom_tree_index`: leaves are the one-time public keys of its
  // epochs, derived from `prf_key`.
  static HashSubTree FromPrfKey(const XmssConfig& config, const PrfKey& prf_key, uint64_t bottom_tree_index,
                                const ParameterElems& parameter, const RandomBytes& rng);
  // The top tree over consecutive bottom-tree roots starting at `start_bottom_tree_index`.
  static HashSubTree NewTopTree(const XmssConfig& config, uint64_t start_bottom_tree_index,
                                const ParameterElems& parameter, const std::vector<Digest>& bottom_tree_roots,
                                const RandomBytes& rng);

  // A subtree read from storage (a key file): its layers from `lowest_layer` up to
  // the root, checked to be shaped like one this class builds (layer count, alignment,
  // each layer covering the parents of the one below) so that Path() stays in range.
  // The hashes themselves are not recomputed.
  static absl::StatusOr<HashSubTree> FromLayers(const XmssConfig& config, uint32_t lowest_layer,
                                                std::vector<HashTreeLayerNodes> layers);

  const std::vector<HashTreeLayerNodes>& layers() const { return layers_; }
  const Digest& Root() const { return layers_.back().nodes.front(); }
  // The first leaf index covered (for a bottom tree: its first epoch).
  uint64_t StartIndex() const { return layers_.front().start_index; }
  // Sibling path from leaf `position` up to (not including) this tree's root.
  absl::StatusOr<std::vector<Digest>> Path(uint64_t position) const;

 private:
  static HashSubTree Build(const XmssConfig& config, uint32_t lowest_layer, uint32_t highest_layer,
                           uint64_t start_index, const ParameterElems& parameter, std::vector<Digest> nodes,
                           const RandomBytes& rng);

  std::vector<HashTreeLayerNodes> layers_;
};

}  // namespace beam::crypto::xmss

#endif  // BEAMCORE_CRYPTO_XMSS_SUBTREE_H_
