// Signature and aggregate-proof verification interfaces, as the chain calls them.
//
// SignatureVerifier checks one XMSS signature (gossip attestations).
// AggregateProofVerifier checks leanMultisig aggregates: a single-message aggregate
// (many validators, one message) and a block's multi-message aggregate (leanSpec
// forks/lstar/signatures.py). Implementations must be thread-safe: the chain verifies
// from several threads at once.

#ifndef BEAMCORE_CRYPTO_VERIFIER_H_
#define BEAMCORE_CRYPTO_VERIFIER_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "crypto/xmss/config.h"
#include "crypto/xmss/containers.h"
#include "ssz/bytes.h"

namespace beam::crypto {

// One signature to check (pointers not owned, non-null).
struct SignatureCheck {
  const xmss::PublicKey* public_key;
  uint64_t slot;
  const ssz::Root* message;
  const xmss::Signature* signature;
};

class SignatureVerifier {
 public:
  virtual ~SignatureVerifier() = default;
  // True iff `signature` signs `message` at `slot` (the XMSS epoch) under `public_key`.
  virtual bool Verify(const xmss::PublicKey& public_key, uint64_t slot, const ssz::Root& message,
                      const xmss::Signature& signature) const = 0;
  // results[i] = Verify(checks[i]) for i < min(sizes): a verifier that checks several
  // at once faster (batched XMSS) overrides it. This one loops Verify.
  virtual void VerifyMany(absl::Span<const SignatureCheck> checks, absl::Span<bool> results) const;
};

// Native XMSS verification under one configuration (TEST or PROD), chosen at run time;
// VerifyMany uses the batched kernels (one signature per vector lane).
class XmssSignatureVerifier final : public SignatureVerifier {
 public:
  explicit XmssSignatureVerifier(const xmss::XmssConfig& config) : config_(config) {}
  bool Verify(const xmss::PublicKey& public_key, uint64_t slot, const ssz::Root& message,
              const xmss::Signature& signature) const override;
  void VerifyMany(absl::Span<const SignatureCheck> checks, absl::Span<bool> results) const override;

 private:
  const xmss::XmssConfig& config_;
};

// What one component of a multi-message aggregate signed.
struct MessageBinding {
  ssz::Root message;
  uint64_t slot = 0;
};

class AggregateProofVerifier {
 public:
  virtual ~AggregateProofVerifier() = default;
  // OK when `proof` aggregates signatures of every key in `public_keys` (in participant
  // order) over (message, slot). InvalidArgument when the proof is rejected; another
  // code when the proof could not be checked (e.g. the host verifier failed).
  virtual absl::Status VerifySingleMessage(absl::Span<const xmss::PublicKey> public_keys, const ssz::Root& message,
                                           uint64_t slot, ssz::ByteView proof) const = 0;
  // OK when component i of `proof` binds public_keys_per_message[i] to messages[i].
  virtual absl::Status VerifyMultiMessage(absl::Span<const std::vector<xmss::PublicKey>> public_keys_per_message,
                                          absl::Span<const MessageBinding> messages, ssz::ByteView proof) const = 0;
};

// The spec's test-mode placeholder proofs begin with this sentinel.
inline constexpr char kMockedProofPrefix[] = "\0MOCKED-AGGREGATION-PROOF\0";
inline constexpr size_t kMockedProofPrefixLength = sizeof(kMockedProofPrefix) - 1;

// Accepts the spec's mocked placeholder proofs (fixtures with proofSetting 0) and
// nothing else; the argument shapes are still checked as the real verifier would.
class MockedAggregateVerifier final : public AggregateProofVerifier {
 public:
  absl::Status VerifySingleMessage(absl::Span<const xmss::PublicKey> public_keys, const ssz::Root& message,
                                   uint64_t slot, ssz::ByteView proof) const override;
  absl::Status VerifyMultiMessage(absl::Span<const std::vector<xmss::PublicKey>> public_keys_per_message,
                                  absl::Span<const MessageBinding> messages, ssz::ByteView proof) const override;
};

// Host-provided aggregate verification (the real leanMultisig verifier lives in the
// host). Public keys are passed as their 52-byte SSZ encodings, concatenated.
struct HostAggregateVerifierCallbacks {
  // Return 0 when valid, 1 when the proof is invalid, any other value on failure.
  int (*verify_single_message)(void* user_data, const uint8_t* public_keys, size_t num_public_keys,
                               const uint8_t message[32], uint64_t slot, const uint8_t* proof, size_t proof_len);
  // keys_per_message[i] keys of component i follow each other in `public_keys`.
  int (*verify_multi_message)(void* user_data, const uint8_t* public_keys, const size_t* keys_per_message,
                              size_t num_messages, const uint8_t* messages, const uint64_t* slots,
                              const uint8_t* proof, size_t proof_len);
  void* user_data;
};

// Forwards to host callbacks; a null callback is reported as Unimplemented. The
// callbacks must be safe to call from any thread.
class HostAggregateVerifier final : public AggregateProofVerifier {
 public:
  explicit HostAggregateVerifier(const HostAggregateVerifierCallbacks& callbacks) : callbacks_(callbacks) {}
  absl::Status VerifySingleMessage(absl::Span<const xmss::PublicKey> public_keys, const ssz::Root& message,
                                   uint64_t slot, ssz::ByteView proof) const override;
  absl::Status VerifyMultiMessage(absl::Span<const std::vector<xmss::PublicKey>> public_keys_per_message,
                                  absl::Span<const MessageBinding> messages, ssz::ByteView proof) const override;

 private:
  const HostAggregateVerifierCallbacks callbacks_;
};

}  // namespace beam::crypto

#endif  // BEAMCORE_CRYPTO_VERIFIER_H_
