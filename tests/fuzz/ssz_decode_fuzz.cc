// SSZ decoding of every container a peer can send us (gossip, req/resp, checkpoint
// sync) and of the XMSS containers inside them. The first byte picks the type, the
// rest is the encoding. Properties: decoding never crashes or over-reads; what decodes
// re-encodes to exactly the same bytes (the decoder accepts only canonical encodings,
// so one value has one encoding and one message id); hashing a decoded value is fine.

#include <cstddef>
#include <algorithm>
#include <cstdint>

#include "consensus/types/attestation.h"
#include "consensus/types/block.h"
#include "consensus/types/state.h"
#include "crypto/xmss/containers.h"
#include "ssz/codec.h"
#include "tests/fuzz/fuzz_check.h"
#include "wire/messages.h"

namespace {

using beam::ssz::ByteView;

template <class T>
void RoundTrip(ByteView in) {
  absl::StatusOr<T> value = beam::ssz::Decode<T>(in);
  if (!value.ok()) return;
  const beam::ssz::ByteVec again = beam::ssz::Encode(*value);
  BEAM_FUZZ_CHECK(again.size() == in.size() && std::equal(again.begin(), again.end(), in.begin()),
                  "a decoded value re-encodes to other bytes");
  (void)beam::ssz::HashTreeRoot(*value);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const ByteView in(data + 1, size - 1);
  switch (data[0] % 10) {
    case 0: RoundTrip<beam::consensus::SignedBlock>(in); break;
    case 1: RoundTrip<beam::consensus::SignedAttestation>(in); break;
    case 2: RoundTrip<beam::consensus::SignedAggregatedAttestation>(in); break;
    case 3: RoundTrip<beam::wire::Status>(in); break;
    case 4: RoundTrip<beam::wire::BlocksByRootRequest>(in); break;
    case 5: RoundTrip<beam::wire::BlocksByRangeRequest>(in); break;
    case 6: RoundTrip<beam::consensus::State>(in); break;
    case 7: RoundTrip<beam::consensus::Block>(in); break;
    case 8: RoundTrip<beam::crypto::xmss::PublicKey>(in); break;
    case 9: RoundTrip<beam::crypto::xmss::Signature>(in); break;
  }
  return 0;
}
