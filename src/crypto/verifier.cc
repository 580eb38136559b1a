#include "crypto/verifier.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "crypto/xmss/verify.h"
#include "crypto/xmss/verify_batch.h"

namespace beam::crypto {
namespace {

bool IsMockedProof(ssz::ByteView proof) {
  return proof.size() >= kMockedProofPrefixLength &&
         std::memcmp(proof.data(), kMockedProofPrefix, kMockedProofPrefixLength) == 0;
}

void AppendKeys(absl::Span<const xmss::PublicKey> keys, ssz::ByteVec& out) {
  for (const xmss::PublicKey& k : keys) ssz::EncodeTo(k, out);
}

absl::Status FromHostResult(int rc, absl::string_view what) {
  if (rc == 0) return absl::OkStatus();
  if (rc == 1) return absl::InvalidArgumentError(absl::StrCat(what, ": the host verifier rejected the proof"));
  return absl::UnavailableError(absl::StrCat(what, ": the host verifier failed (code ", rc, ")"));
}

}  // namespace

void SignatureVerifier::VerifyMany(absl::Span<const SignatureCheck> checks, absl::Span<bool> results) const {
  for (size_t i = 0; i < std::min(checks.size(), results.size()); ++i) {
    results[i] = Verify(*checks[i].public_key, checks[i].slot, *checks[i].message, *checks[i].signature);
  }
}

bool XmssSignatureVerifier::Verify(const xmss::PublicKey& public_key, uint64_t slot, const ssz::Root& message,
                                   const xmss::Signature& signature) const {
  return xmss::Verify(config_, public_key, slot, message, signature);
}

void XmssSignatureVerifier::VerifyMany(absl::Span<const SignatureCheck> checks, absl::Span<bool> results) const {
  std::vector<xmss::VerifyItem> items;
  items.reserve(checks.size());
  for (const SignatureCheck& c : checks) items.push_back(xmss::VerifyItem{c.public_key, c.slot, c.message, c.signature});
  xmss::VerifyBatch(config_, items, results);
}

absl::Status MockedAggregateVerifier::VerifySingleMessage(absl::Span<const xmss::PublicKey> public_keys,
                                                          const ssz::Root&, uint64_t, ssz::ByteView proof) const {
  if (public_keys.empty()) return absl::InvalidArgumentError("single-message aggregate: no participants");
  if (!IsMockedProof(proof)) {
    return absl::InvalidArgumentError("single-message aggregate: not a mocked placeholder proof");
  }
  return absl::OkStatus();
}

absl::Status MockedAggregateVerifier::VerifyMultiMessage(
    absl::Span<const std::vector<xmss::PublicKey>> public_keys_per_message, absl::Span<const MessageBinding> messages,
    ssz::ByteView proof) const {
  if (messages.size() != public_keys_per_message.size()) {
    return absl::InvalidArgumentError(absl::StrCat("multi-message aggregate: ", public_keys_per_message.size(),
                                                   " key sets but ", messages.size(), " message bindings"));
  }
  if (!IsMockedProof(proof)) {
    return absl::InvalidArgumentError("multi-message aggregate: not a mocked placeholder proof");
  }
  return absl::OkStatus();
}

absl::Status HostAggregateVerifier::VerifySingleMessage(absl::Span<const xmss::PublicKey> public_keys,
                                                        const ssz::Root& message, uint64_t slot,
                                                        ssz::ByteView proof) const {
  if (callbacks_.verify_single_message == nullptr) {
    return absl::UnimplementedError("the host provides no single-message aggregate verifier");
  }
  ssz::ByteVec keys;
  AppendKeys(public_keys, keys);
  return FromHostResult(callbacks_.verify_single_message(callbacks_.user_data, keys.data(), public_keys.size(),
                                                         message.data(), slot, proof.data(), proof.size()),
                        "single-message aggregate");
}

absl::Status HostAggregateVerifier::VerifyMultiMessage(
    absl::Span<const std::vector<xmss::PublicKey>> public_keys_per_message, absl::Span<const MessageBinding> messages,
    ssz::ByteView proof) const {
  if (callbacks_.verify_multi_message == nullptr) {
    return absl::UnimplementedError("the host provides no multi-message aggregate verifier");
  }
  if (messages.size() != public_keys_per_message.size()) {
    return absl::InvalidArgumentError("multi-message aggregate: key sets and message bindings differ in count");
  }
  ssz::ByteVec keys, roots;
  std::vector<size_t> counts;
  std::vector<uint64_t> slots;
  for (size_t i = 0; i < messages.size(); ++i) {
    AppendKeys(public_keys_per_message[i], keys);
    counts.push_back(public_keys_per_message[i].size());
    roots.insert(roots.end(), messages[i].message.bytes.begin(), messages[i].message.bytes.end());
    slots.push_back(messages[i].slot);
  }
  return FromHostResult(callbacks_.verify_multi_message(callbacks_.user_data, keys.data(), counts.data(),
                                                        messages.size(), roots.data(), slots.data(), proof.data(),
                                                        proof.size()),
                        "multi-message aggregate");
}

}  // namespace beam::crypto
