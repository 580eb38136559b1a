// SSZ containers of the generalized XMSS scheme (leanSpec crypto/xmss/containers.py):
// PublicKey, Signature, HashTreeOpening, HashTreeLayer.
//
// The scheme configuration (TEST or PROD) is chosen at run time. A Signature carries
// its own shape (sibling and hash counts); decoding accepts exactly the shapes of the
// known configurations, and its hash_tree_root uses that configuration's list limit.

#ifndef BEAMCORE_CRYPTO_XMSS_CONTAINERS_H_
#define BEAMCORE_CRYPTO_XMSS_CONTAINERS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "crypto/fp.h"
#include "ssz/collections.h"
#include "ssz/container.h"

namespace beam::crypto::xmss {

inline constexpr size_t kHashLengthFieldElements = 8;
inline constexpr size_t kParameterLength = 5;
inline constexpr size_t kRandLengthFieldElements = 7;

// The parts of a configuration that shape its SSZ containers.
struct SchemeShape {
  const char* name;
  size_t log_lifetime;
  size_t dimension;
  size_t node_list_limit;  // 2 * leaves per bottom tree
  size_t signature_bytes;
};
inline constexpr SchemeShape kTestShape{"test", 8, 4, 2 * (size_t{1} << 4), 424};
inline constexpr SchemeShape kProdShape{"prod", 32, 46, 2 * (size_t{1} << 16), 2536};

using HashDigest = ssz::Vector<Fp, kHashLengthFieldElements>;
using Parameter = ssz::Vector<Fp, kParameterLength>;
using Randomness = ssz::Vector<Fp, kRandLengthFieldElements>;

template <size_t NodeListLimit>
using HashDigestList = ssz::List<HashDigest, NodeListLimit>;

template <size_t NodeListLimit>
struct HashTreeOpeningT {
  HashDigestList<NodeListLimit> siblings;
  static constexpr const char* kSszName = "HashTreeOpening";
  static constexpr auto kSszFields = std::make_tuple(ssz::Field("siblings", &HashTreeOpeningT::siblings));
  friend bool operator==(const HashTreeOpeningT&, const HashTreeOpeningT&) = default;
};

template <size_t NodeListLimit>
struct HashTreeLayerT {
  uint64_t start_index = 0;
  HashDigestList<NodeListLimit> nodes;
  static constexpr const char* kSszName = "HashTreeLayer";
  static constexpr auto kSszFields = std::make_tuple(ssz::Field("start_index", &HashTreeLayerT::start_index),
                                                     ssz::Field("nodes", &HashTreeLayerT::nodes));
  friend bool operator==(const HashTreeLayerT&, const HashTreeLayerT&) = default;
};

using TestHashTreeOpening = HashTreeOpeningT<kTestShape.node_list_limit>;
using ProdHashTreeOpening = HashTreeOpeningT<kProdShape.node_list_limit>;
using TestHashTreeLayer = HashTreeLayerT<kTestShape.node_list_limit>;
using ProdHashTreeLayer = HashTreeLayerT<kProdShape.node_list_limit>;

struct PublicKey {
  HashDigest root;
  Parameter parameter;
  static constexpr const char* kSszName = "PublicKey";
  static constexpr auto kSszFields =
      std::make_tuple(ssz::Field("root", &PublicKey::root), ssz::Field("parameter", &PublicKey::parameter));
  friend bool operator==(const PublicKey&, const PublicKey&) = default;
};

// One XMSS signature. Fixed-size on the wire for a given scheme (424 bytes TEST, 2536
// PROD) although its encoding is that of a container with two lists.
struct Signature {
  std::vector<HashDigest> path_siblings;  // one per tree level: log_lifetime
  Randomness rho;
  std::vector<HashDigest> hashes;  // one per chain: dimension
  friend bool operator==(const Signature&, const Signature&) = default;

  // The configuration whose shape this signature has, if any.
  std::optional<SchemeShape> Shape() const;
};

}  // namespace beam::crypto::xmss

namespace beam::ssz {

template <>
struct Ssz<crypto::xmss::Signature> {
  static constexpr bool kFixed = true;  // per scheme; the size is known at run time
  static constexpr size_t kSize = 0;
  static constexpr bool kBasic = false;
  static size_t EncodedSize(const crypto::xmss::Signature& v);
  static void Encode(const crypto::xmss::Signature& v, ByteVec& out);
  static absl::Status Decode(ByteView in, crypto::xmss::Signature& out);
  static Root Hash(const crypto::xmss::Signature& v);
};

}  // namespace beam::ssz

#endif  // BEAMCORE_CRYPTO_XMSS_CONTAINERS_H_
