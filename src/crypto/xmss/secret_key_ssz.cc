#include "crypto/xmss/secret_key_ssz.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ssz/codec.h"
#include "ssz/collections.h"
#include "ssz/container.h"

namespace beam::crypto::xmss {
namespace {

// The containers as the spec declares them, for one scheme's list limits.
template <size_t NodeLimit, size_t LayersLimit>
struct HashSubTreeWire {
  uint64_t depth = 0;
  uint64_t lowest_layer = 0;
  ssz::List<HashTreeLayerT<NodeLimit>, LayersLimit> layers;
  static constexpr const char* kSszName = "HashSubTree";
  static constexpr auto kSszFields = std::make_tuple(ssz::Field("depth", &HashSubTreeWire::depth),
                                                     ssz::Field("lowest_layer", &HashSubTreeWire::lowest_layer),
                                                     ssz::Field("layers", &HashSubTreeWire::layers));
};

template <size_t NodeLimit, size_t LayersLimit>
struct SecretKeyWire {
  using Tree = HashSubTreeWire<NodeLimit, LayersLimit>;
  ssz::Bytes32 prf_key;
  Parameter parameter;
  uint64_t activation_slot = 0;
  uint64_t num_active_slots = 0;
  Tree top_tree;
  uint64_t left_bottom_tree_index = 0;
  Tree left_bottom_tree;
  Tree right_bottom_tree;
  static constexpr const char* kSszName = "SecretKey";
  static constexpr auto kSszFields =
      std::make_tuple(ssz::Field("prf_key", &SecretKeyWire::prf_key), ssz::Field("parameter", &SecretKeyWire::parameter),
                      ssz::Field("activation_slot", &SecretKeyWire::activation_slot),
                      ssz::Field("num_active_slots", &SecretKeyWire::num_active_slots),
                      ssz::Field("top_tree", &SecretKeyWire::top_tree),
                      ssz::Field("left_bottom_tree_index", &SecretKeyWire::left_bottom_tree_index),
                      ssz::Field("left_bottom_tree", &SecretKeyWire::left_bottom_tree),
                      ssz::Field("right_bottom_tree", &SecretKeyWire::right_bottom_tree));
};

using TestSecretKeyWire = SecretKeyWire<kTestShape.node_list_limit, kTestShape.log_lifetime + 1>;
using ProdSecretKeyWire = SecretKeyWire<kProdShape.node_list_limit, kProdShape.log_lifetime + 1>;

template <size_t N>
ssz::Vector<Fp, N> ToVector(const std::array<uint32_t, N>& a) {
  ssz::Vector<Fp, N> v;
  for (size_t i = 0; i < N; ++i) v.items[i].value = a[i];
  return v;
}

template <size_t N>
std::array<uint32_t, N> FromVector(const ssz::Vector<Fp, N>& v) {
  std::array<uint32_t, N> a;
  for (size_t i = 0; i < N; ++i) a[i] = v.items[i].value;
  return a;
}

template <class Tree>
Tree TreeToWire(const XmssConfig& config, const HashSubTree& tree, uint32_t lowest_layer) {
  Tree wire;
  wire.depth = config.log_lifetime;
  wire.lowest_layer = lowest_layer;
  for (const HashTreeLayerNodes& layer : tree.layers()) {
    auto& out = wire.layers.items.emplace_back();
    out.start_index = layer.start_index;
    for (const Digest& d : layer.nodes) out.nodes.items.push_back(ToVector(d));
  }
  return wire;
}

template <class Tree>
absl::StatusOr<HashSubTree> TreeFromWire(const XmssConfig& config, const Tree& wire, uint32_t lowest_layer,
                                         const char* what) {
  if (wire.depth != config.log_lifetime || wire.lowest_layer != lowest_layer) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": depth ", wire.depth, " / lowest layer ",
                                                   wire.lowest_layer, " do not fit the ", config.name, " scheme"));
  }
  std::vector<HashTreeLayerNodes> layers;
  layers.reserve(wire.layers.items.size());
  for (const auto& layer : wire.layers.items) {
    HashTreeLayerNodes& out = layers.emplace_back();
    out.start_index = layer.start_index;
    out.nodes.reserve(layer.nodes.items.size());
    for (const HashDigest& d : layer.nodes.items) out.nodes.push_back(FromVector(d));
  }
  absl::StatusOr<HashSubTree> tree = HashSubTree::FromLayers(config, lowest_layer, std::move(layers));
  if (!tree.ok()) return absl::InvalidArgumentError(absl::StrCat(what, ": ", tree.status().message()));
  return tree;
}

// A bottom tree must be the whole tree `index`: all its leaves, its root alone on top.
absl::Status CheckBottomTree(const XmssConfig& config, const HashSubTree& tree, uint64_t index, const char* what) {
  const uint64_t width = config.leaves_per_bottom_tree();
  const HashTreeLayerNodes& leaves = tree.layers().front();
  const HashTreeLayerNodes& root = tree.layers().back();
  if (leaves.start_index != index * width || leaves.nodes.size() != width || root.start_index != index ||
      root.nodes.size() != 1) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": not the whole bottom tree ", index));
  }
  return absl::OkStatus();
}

template <class Wire>
absl::StatusOr<SecretKey> FromWire(const XmssConfig& config, const Wire& wire) {
  const uint64_t width = config.leaves_per_bottom_tree();
  const uint64_t start = wire.activation_slot;
  const uint64_t count = wire.num_active_slots;
  if (start % width != 0 || count % width != 0 || count < 2 * width || start > config.lifetime() ||
      count > config.lifetime() - start) {
    return absl::InvalidArgumentError(absl::StrCat("secret key: activation [", start, ", +", count,
                                                   ") is not whole bottom trees within the lifetime"));
  }
  const uint64_t left = wire.left_bottom_tree_index;
  if (left < start / width || left + 2 > (start + count) / width) {
    return absl::InvalidArgumentError(
        absl::StrCat("secret key: prepared bottom trees ", left, " and ", left + 1, " are outside the activation"));
  }
  SecretKey key;
  key.config = &config;
  std::copy(wire.prf_key.bytes.begin(), wire.prf_key.bytes.end(), key.prf_key.begin());
  key.parameter = FromVector(wire.parameter);
  key.activation_slot = start;
  key.num_active_slots = count;
  key.left_bottom_tree_index = left;
  const uint32_t half = config.log_lifetime / 2;
  absl::StatusOr<HashSubTree> top = TreeFromWire(config, wire.top_tree, half, "top tree");
  if (!top.ok()) return top.status();
  absl::StatusOr<HashSubTree> left_tree = TreeFromWire(config, wire.left_bottom_tree, 0, "left bottom tree");
  if (!left_tree.ok()) return left_tree.status();
  absl::StatusOr<HashSubTree> right_tree = TreeFromWire(config, wire.right_bottom_tree, 0, "right bottom tree");
  if (!right_tree.ok()) return right_tree.status();
  if (absl::Status s = CheckBottomTree(config, *left_tree, left, "left bottom tree"); !s.ok()) return s;
  if (absl::Status s = CheckBottomTree(config, *right_tree, left + 1, "right bottom tree"); !s.ok()) return s;
  // The top tree's leaves are the bottom-tree roots of the whole activation range, and
  // the two resident bottom trees must be those leaves.
  const HashTreeLayerNodes& top_leaves = top->layers().front();
  if (top_leaves.start_index > start / width ||
      top_leaves.start_index + top_leaves.nodes.size() < (start + count) / width) {
    return absl::InvalidArgumentError("secret key: the top tree does not cover the activation range");
  }
  if (top_leaves.nodes[left - top_leaves.start_index] != left_tree->Root() ||
      top_leaves.nodes[left + 1 - top_leaves.start_index] != right_tree->Root()) {
    return absl::InvalidArgumentError("secret key: the prepared bottom trees are not the top tree's leaves");
  }
  key.top_tree = *std::move(top);
  key.left_bottom_tree = *std::move(left_tree);
  key.right_bottom_tree = *std::move(right_tree);
  return key;
}

template <class Wire>
ssz::ByteVec ToWireBytes(const SecretKey& key) {
  const XmssConfig& config = *key.config;
  Wire wire;
  std::copy(key.prf_key.begin(), key.prf_key.end(), wire.prf_key.bytes.begin());
  wire.parameter = ToVector(key.parameter);
  wire.activation_slot = key.activation_slot;
  wire.num_active_slots = key.num_active_slots;
  wire.top_tree = TreeToWire<typename Wire::Tree>(config, key.top_tree, config.log_lifetime / 2);
  wire.left_bottom_tree_index = key.left_bottom_tree_index;
  wire.left_bottom_tree = TreeToWire<typename Wire::Tree>(config, key.left_bottom_tree, 0);
  wire.right_bottom_tree = TreeToWire<typename Wire::Tree>(config, key.right_bottom_tree, 0);
  return ssz::Encode(wire);
}

bool IsTest(const XmssConfig& config) { return config.log_lifetime == kTestShape.log_lifetime; }

}  // namespace

ssz::ByteVec EncodeSecretKey(const SecretKey& key) {
  return IsTest(*key.config) ? ToWireBytes<TestSecretKeyWire>(key) : ToWireBytes<ProdSecretKeyWire>(key);
}

absl::StatusOr<SecretKey> DecodeSecretKey(const XmssConfig& config, ssz::ByteView bytes) {
  if (IsTest(config)) {
    absl::StatusOr<TestSecretKeyWire> wire = ssz::Decode<TestSecretKeyWire>(bytes);
    if (!wire.ok()) return absl::InvalidArgumentError(absl::StrCat("secret key: ", wire.status().message()));
    return FromWire(config, *wire);
  }
  absl::StatusOr<ProdSecretKeyWire> wire = ssz::Decode<ProdSecretKeyWire>(bytes);
  if (!wire.ok()) return absl::InvalidArgumentError(absl::StrCat("secret key: ", wire.status().message()));
  return FromWire(config, *wire);
}

PublicKey PublicKeyOf(const SecretKey& key) {
  PublicKey pk;
  pk.root = ToVector(key.top_tree.Root());
  pk.parameter = ToVector(key.parameter);
  return pk;
}

}  // namespace beam::crypto::xmss
