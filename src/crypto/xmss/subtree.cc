#include "crypto/xmss/subtree.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "crypto/fp.h"

namespace beam::crypto::xmss {
namespace {

Digest RandomDigest(const RandomBytes& rng) {
  Digest d;
  for (uint32_t& e : d) e = RandomFieldElement(rng);
  return d;
}

// HashTreeLayer.padded: a random node before an odd start and after an even end, so
// every node has a sibling.
HashTreeLayerNodes Padded(std::vector<Digest> nodes, uint64_t start_index, const RandomBytes& rng) {
  HashTreeLayerNodes layer;
  const uint64_t end_index = start_index + nodes.size() - 1;
  if (start_index % 2 == 1) layer.nodes.push_back(RandomDigest(rng));
  layer.start_index = start_index - start_index % 2;
  layer.nodes.insert(layer.nodes.end(), nodes.begin(), nodes.end());
  if (end_index % 2 == 0) layer.nodes.push_back(RandomDigest(rng));
  return layer;
}

}  // namespace

uint32_t RandomFieldElement(const RandomBytes& rng) {
  while (true) {
    uint8_t b[4];
    rng(b, sizeof(b));
    const uint32_t v = (uint32_t{b[0]} | uint32_t{b[1]} << 8 | uint32_t{b[2]} << 16 | uint32_t{b[3]} << 24) &
                       0x7fffffffu;
    if (v < kKoalaBearPrime) return v;
  }
}

HashSubTree HashSubTree::Build(const XmssConfig& config, uint32_t lowest_layer, uint32_t highest_layer,
                               uint64_t start_index, const ParameterElems& parameter, std::vector<Digest> nodes,
                               const RandomBytes& rng) {
  HashSubTree tree;
  tree.layers_.push_back(Padded(std::move(nodes), start_index, rng));
  for (uint32_t level = lowest_layer; level < highest_layer; ++level) {
    const HashTreeLayerNodes& current = tree.layers_.back();
    const uint64_t parent_start = current.start_index / 2;
    std::vector<Digest> parents;
    parents.reserve(current.nodes.size() / 2);
    for (size_t i = 0; i + 1 < current.nodes.size(); i += 2) {
      parents.push_back(TreeNode(parameter, level + 1, parent_start + i / 2, current.nodes[i], current.nodes[i + 1]));
    }
    tree.layers_.push_back(Padded(std::move(parents), parent_start, rng));
  }
  return tree;
}

HashSubTree HashSubTree::FromPrfKey(const XmssConfig& config, const PrfKey& prf_key, uint64_t bottom_tree_index,
                                    const ParameterElems& parameter, const RandomBytes& rng) {
  const uint64_t width = config.leaves_per_bottom_tree();
  const uint64_t start_epoch = bottom_tree_index * width;
  std::vector<Digest> leaves;
  leaves.reserve(width);
  std::vector<ChainJob> jobs(config.dimension);
  std::vector<Digest> chain_ends(config.dimension);
  for (uint64_t epoch = start_epoch; epoch < start_epoch + width; ++epoch) {
    for (uint32_t c = 0; c < config.dimension; ++c) {
      jobs[c] = ChainJob{c, 0, config.base - 1, DeriveChainStart(prf_key, epoch, c)};
    }
    HashChains(parameter, epoch, absl::MakeSpan(jobs));
    for (uint32_t c = 0; c < config.dimension; ++c) chain_ends[c] = jobs[c].digest;
    leaves.push_back(TreeLeaf(config, parameter, epoch, chain_ends));
  }
  const uint32_t half = config.log_lifetime / 2;
  HashSubTree tree = Build(config, 0, half, start_epoch, parameter, std::move(leaves), rng);
  // Keep only this tree's root on the top layer (the padding node is not part of it).
  HashTreeLayerNodes& top = tree.layers_.back();
  const Digest root = top.nodes[bottom_tree_index - top.start_index];
  top = HashTreeLayerNodes{bottom_tree_index, {root}};
  return tree;
}

HashSubTree HashSubTree::NewTopTree(const XmssConfig& config, uint64_t start_bottom_tree_index,
                                    const ParameterElems& parameter, const std::vector<Digest>& bottom_tree_roots,
                                    const RandomBytes& rng) {
  return Build(config, config.log_lifetime / 2, config.log_lifetime, start_bottom_tree_index, parameter,
               bottom_tree_roots, rng);
}

absl::StatusOr<HashSubTree> HashSubTree::FromLayers(const XmssConfig& config, uint32_t lowest_layer,
                                                    std::vector<HashTreeLayerNodes> layers) {
  const uint32_t half = config.log_lifetime / 2;
  if (lowest_layer != 0 && lowest_layer != half) {
    return absl::InvalidArgumentError(absl::StrCat("subtree: lowest layer ", lowest_layer, " is neither 0 nor ", half));
  }
  if (layers.size() != half + 1) {
    return absl::InvalidArgumentError(absl::StrCat("subtree: ", layers.size(), " layers, expected ", half + 1));
  }
  for (size_t l = 0; l < layers.size(); ++l) {
    const HashTreeLayerNodes& layer = layers[l];
    const uint64_t level_width = uint64_t{1} << (config.log_lifetime - lowest_layer - l);
    const bool root = l + 1 == layers.size();
    // The root layer holds the root and, for the top tree, its random padding sibling.
    const uint64_t room = root ? 2 : level_width - std::min(layer.start_index, level_width);
    if (layer.nodes.empty() || layer.start_index >= level_width || layer.nodes.size() > room) {
      return absl::InvalidArgumentError(absl::StrCat("subtree: layer ", l, " is empty or outside its level"));
    }
    if (root) break;
    // Below the root every node must have its sibling, and the layer above must hold
    // every parent.
    const HashTreeLayerNodes& parent = layers[l + 1];
    const uint64_t end = layer.start_index + layer.nodes.size();
    if (layer.start_index % 2 != 0 || end % 2 != 0 || parent.start_index > layer.start_index / 2 ||
        parent.start_index + parent.nodes.size() < end / 2) {
      return absl::InvalidArgumentError(absl::StrCat("subtree: layer ", l, " is misaligned with the layer above"));
    }
  }
  HashSubTree tree;
  tree.layers_ = std::move(layers);
  return tree;
}

absl::StatusOr<std::vector<Digest>> HashSubTree::Path(uint64_t position) const {
  const HashTreeLayerNodes& leaves = layers_.front();
  if (position < leaves.start_index || position >= leaves.start_index + leaves.nodes.size()) {
    return absl::OutOfRangeError(absl::StrCat("position ", position, " is outside this subtree"));
  }
  std::vector<Digest> siblings;
  uint64_t current = position;
  for (size_t l = 0; l + 1 < layers_.size(); ++l) {
    const HashTreeLayerNodes& layer = layers_[l];
    const uint64_t sibling = (current ^ 1) - layer.start_index;
    if (sibling >= layer.nodes.size()) return absl::InternalError("sibling outside the layer");
    siblings.push_back(layer.nodes[sibling]);
    current /= 2;
  }
  return siblings;
}

}  // namespace beam::crypto::xmss
