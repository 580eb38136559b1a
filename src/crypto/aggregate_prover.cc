#include "crypto/aggregate_prover.h"

#include "hash/sha256.h"
#include "crypto/verifier.h"
#include "ssz/codec.h"
#include "ssz/container.h"

namespace beam::crypto {
namespace {

ssz::ByteVec MockedProof(const ssz::ByteVec& transcript) {
  ssz::ByteVec proof(kMockedProofPrefix, kMockedProofPrefix + kMockedProofPrefixLength);
  uint8_t digest[hash::kSha256DigestSize];
  hash::Sha256(transcript.data(), transcript.size(), digest);
  proof.insert(proof.end(), digest, digest + hash::kSha256DigestSize);
  return proof;
}

void AppendChild(const ChildProof& child, ssz::ByteVec& transcript) {
  ssz::AppendLittleEndian<uint64_t>(child.public_keys.size(), transcript);
  for (const xmss::PublicKey& key : child.public_keys) ssz::EncodeTo(key, transcript);
  ssz::AppendLittleEndian<uint64_t>(child.proof.size(), transcript);
  transcript.insert(transcript.end(), child.proof.begin(), child.proof.end());
}

}  // namespace

absl::StatusOr<ssz::ByteVec> MockedAggregateProver::AggregateSingleMessage(absl::Span<const ChildProof> children,
                                                                          absl::Span<const RawSignature> raw,
                                                                          const ssz::Root& message,
                                                                          uint64_t slot) const {
  if (children.empty() && raw.empty()) {
    return absl::InvalidArgumentError("single-message aggregate: nothing to aggregate");
  }
  ssz::ByteVec transcript;
  transcript.insert(transcript.end(), message.bytes.begin(), message.bytes.end());
  ssz::AppendLittleEndian<uint64_t>(slot, transcript);
  for (const ChildProof& child : children) AppendChild(child, transcript);
  for (const RawSignature& r : raw) {
    if (r.signature == nullptr) return absl::InvalidArgumentError("single-message aggregate: null signature");
    ssz::AppendLittleEndian<uint64_t>(r.validator_index, transcript);
    ssz::EncodeTo(r.public_key, transcript);
  }
  return MockedProof(transcript);
}

absl::StatusOr<ssz::ByteVec> MockedAggregateProver::MergeMultiMessage(absl::Span<const ChildProof> components) const {
  if (components.empty()) return absl::InvalidArgumentError("multi-message aggregate: no components");
  ssz::ByteVec transcript = {'M'};
  for (const ChildProof& c : components) AppendChild(c, transcript);
  return MockedProof(transcript);
}

}  // namespace beam::crypto
