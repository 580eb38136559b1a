#include "crypto/xmss/containers.h"

namespace beam::crypto::xmss {
namespace {

// The container as the spec declares it, for one configuration's list limit.
template <size_t Limit>
struct SignatureWire {
  HashTreeOpeningT<Limit> path;
  Randomness rho;
  HashDigestList<Limit> hashes;
  static constexpr const char* kSszName = "Signature";
  static constexpr auto kSszFields = std::make_tuple(ssz::Field("path", &SignatureWire::path),
                                                     ssz::Field("rho", &SignatureWire::rho),
                                                     ssz::Field("hashes", &SignatureWire::hashes));
};

template <size_t Limit>
SignatureWire<Limit> ToWire(const Signature& s) {
  SignatureWire<Limit> w;
  w.path.siblings.items = s.path_siblings;
  w.rho = s.rho;
  w.hashes.items = s.hashes;
  return w;
}

}  // namespace

std::optional<SchemeShape> Signature::Shape() const {
  for (const SchemeShape& shape : {kTestShape, kProdShape}) {
    if (path_siblings.size() == shape.log_lifetime && hashes.size() == shape.dimension) return shape;
  }
  return std::nullopt;
}

}  // namespace beam::crypto::xmss

namespace beam::ssz {

using crypto::xmss::kProdShape;
using crypto::xmss::kTestShape;
using crypto::xmss::Signature;

size_t Ssz<Signature>::EncodedSize(const Signature& v) {
  // path offset + rho + hashes offset, then the opening (offset + siblings), then hashes.
  return 4 + 28 + 4 + 4 + 32 * v.path_siblings.size() + 32 * v.hashes.size();
}

void Ssz<Signature>::Encode(const Signature& v, ByteVec& out) {
  // The limit does not affect the encoding.
  Ssz<crypto::xmss::SignatureWire<kProdShape.node_list_limit>>::Encode(
      crypto::xmss::ToWire<kProdShape.node_list_limit>(v), out);
}

absl::Status Ssz<Signature>::Decode(ByteView in, Signature& out) {
  crypto::xmss::SignatureWire<kProdShape.node_list_limit> wire;
  absl::Status s = Ssz<decltype(wire)>::Decode(in, wire);
  if (!s.ok()) return s;
  Signature sig{std::move(wire.path.siblings.items), wire.rho, std::move(wire.hashes.items)};
  if (!sig.Shape().has_value()) {
    return DecodeError(absl::StrCat("Signature: ", sig.path_siblings.size(), " siblings and ",
                                    sig.hashes.size(),
                                    " hashes match no XMSS configuration"));
  }
  out = std::move(sig);
  return absl::OkStatus();
}

Root Ssz<Signature>::Hash(const Signature& v) {
  if (v.path_siblings.size() == kTestShape.log_lifetime) {
    return HashTreeRoot(crypto::xmss::ToWire<kTestShape.node_list_limit>(v));
  }
  return HashTreeRoot(crypto::xmss::ToWire<kProdShape.node_list_limit>(v));
}

}  // namespace beam::ssz
