// The host's aggregate-signature cryptography (beam_crypto_vtable) behind the chain's
// AggregateProofVerifier and AggregateProver interfaces. Thread-safe as long as the
// host's callbacks are (the header requires it).

#ifndef BEAMCORE_CAPI_HOST_CRYPTO_H_
#define BEAMCORE_CAPI_HOST_CRYPTO_H_

#include "beamcore/beamcore.h"
#include "crypto/aggregate_prover.h"
#include "crypto/verifier.h"

struct beam_bytes_sink {
  beam::ssz::ByteVec bytes;
};

namespace beam::capi {

class HostCrypto final : public crypto::AggregateProver {
 public:
  // `vtable` is copied (its first struct_size bytes; later fields stay NULL).
  explicit HostCrypto(const beam_crypto_vtable& vtable);

  const crypto::AggregateProofVerifier& verifier() const { return verifier_; }

  absl::StatusOr<ssz::ByteVec> AggregateSingleMessage(absl::Span<const crypto::ChildProof> children,
                                                      absl::Span<const crypto::RawSignature> raw,
                                                      const ssz::Root& message, uint64_t slot) const override;
  absl::StatusOr<ssz::ByteVec> MergeMultiMessage(absl::Span<const crypto::ChildProof> components) const override;

 private:
  beam_crypto_vtable vtable_{};
  crypto::HostAggregateVerifier verifier_;
};

}  // namespace beam::capi

#endif  // BEAMCORE_CAPI_HOST_CRYPTO_H_
