// The beam_node handle's definition, shared by the files of the extern "C" node layer
// (node.cc: lifecycle, ingress and reads; reqresp.cc: peers and req/resp; api.cc).
// A beam_node is a node::Node plus the adapters that turn the host's C vtables into
// the node's C++ interfaces.

#ifndef BEAMCORE_CAPI_NODE_INTERNAL_H_
#define BEAMCORE_CAPI_NODE_INTERNAL_H_

#include <memory>
#include <string>

#include "beamcore/beamcore.h"
#include "capi_internal.h"
#include "consensus/rejection.h"
#include "host_adapters.h"
#include "host_crypto.h"
#include "node/node.h"
#include "ssz/codec.h"

struct beam_node {
  // The adapters outlive the node that calls them.
  std::unique_ptr<beam::capi::HostNetwork> network;
  std::unique_ptr<beam::capi::HostLog> log;
  std::unique_ptr<beam::capi::HostClock> clock;
  std::unique_ptr<beam::capi::HostCrypto> host_crypto;
  std::unique_ptr<beam::node::Node> node;  // last: destroyed first

  ~beam_node() { node.reset(); }
};

namespace beam::capi {

// BEAM_ERR_INVALID_ARGUMENT (with `fn` in the message) for a NULL node; else BEAM_OK.
inline beam_status NodeArg(const beam_node* node, const char* fn) {
  if (node == nullptr || node->node == nullptr) {
    return Fail(BEAM_ERR_INVALID_ARGUMENT, std::string(fn) + ": node is NULL");
  }
  return BEAM_OK;
}

// Decodes a host-supplied SSZ value of `what`; malformed bytes are a DECODE_ERROR
// rejection (BEAM_ERR_DECODE), a NULL pointer with a length InvalidArgument.
template <class T>
absl::StatusOr<T> DecodeArg(const uint8_t* ssz, size_t len, const char* what) {
  absl::StatusOr<ssz::ByteView> bytes = BytesArg(ssz, len, what);
  if (!bytes.ok()) return bytes.status();
  absl::StatusOr<T> v = ssz::Decode<T>(*bytes);
  if (!v.ok()) {
    return consensus::Reject(consensus::RejectionReason::kDECODE_ERROR,
                             std::string(what) + ": " + std::string(v.status().message()));
  }
  return v;
}

}  // namespace beam::capi

#endif  // BEAMCORE_CAPI_NODE_INTERNAL_H_
