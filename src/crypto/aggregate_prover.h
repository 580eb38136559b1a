// AggregateProver: builds leanMultisig aggregate proofs (leanSpec
// forks/lstar/containers/aggregation.py: SingleMessageAggregate.aggregate and
// MultiMessageAggregate.aggregate). The real prover lives in the host (a Rust
// library); the mocked prover makes the spec's test-mode placeholder proofs.
// Implementations must be thread-safe.

#ifndef BEAMCORE_CRYPTO_AGGREGATE_PROVER_H_
#define BEAMCORE_CRYPTO_AGGREGATE_PROVER_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "crypto/xmss/containers.h"
#include "ssz/bytes.h"

namespace beam::crypto {

// An existing single-message proof and the keys of the validators it covers, in
// participant order.
struct ChildProof {
  ssz::ByteView proof;
  std::vector<xmss::PublicKey> public_keys;
  // What the proof signs: for a multi-message merge, each component's own message and
  // slot; single-message children share the aggregate's.
  ssz::Root message{};
  uint64_t slot = 0;
};

// One fresh signature to fold in.
struct RawSignature {
  uint64_t validator_index = 0;
  xmss::PublicKey public_key;
  const xmss::Signature* signature = nullptr;  // not owned; outlives the call
};

class AggregateProver {
 public:
  virtual ~AggregateProver() = default;

  // A single-message proof covering every child's validators and every raw signer,
  // all over (message, slot). InvalidArgument when the inputs are rejected.
  virtual absl::StatusOr<ssz::ByteVec> AggregateSingleMessage(absl::Span<const ChildProof> children,
                                                              absl::Span<const RawSignature> raw,
                                                              const ssz::Root& message, uint64_t slot) const = 0;

  // Merges single-message proofs over distinct messages into one multi-message proof.
  virtual absl::StatusOr<ssz::ByteVec> MergeMultiMessage(absl::Span<const ChildProof> components) const = 0;
};

// Makes placeholder proofs that MockedAggregateVerifier accepts: the mocked prefix
// followed by a SHA-256 digest of the inputs, so equal inputs give equal proofs.
class MockedAggregateProver final : public AggregateProver {
 public:
  absl::StatusOr<ssz::ByteVec> AggregateSingleMessage(absl::Span<const ChildProof> children,
                                                      absl::Span<const RawSignature> raw, const ssz::Root& message,
                                                      uint64_t slot) const override;
  absl::StatusOr<ssz::ByteVec> MergeMultiMessage(absl::Span<const ChildProof> components) const override;
};

}  // namespace beam::crypto

#endif  // BEAMCORE_CRYPTO_AGGREGATE_PROVER_H_
