#include "host_crypto.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "capi_internal.h"
#include "struct_versions.h"
#include "ssz/codec.h"
#include "ssz/container.h"

namespace beam::capi {
namespace {

// The chain's verifier calls back with user_data first; the C ABI passes it last.
int VerifySingleTrampoline(void* user_data, const uint8_t* keys, size_t num_keys, const uint8_t message[32],
                           uint64_t slot, const uint8_t* proof, size_t proof_len) {
  const auto* v = static_cast<const beam_crypto_vtable*>(user_data);
  return v->verify_single_message(keys, num_keys, message, slot, proof, proof_len, v->user_data);
}

int VerifyMultiTrampoline(void* user_data, const uint8_t* keys, const size_t* keys_per_message, size_t num_messages,
                          const uint8_t* messages, const uint64_t* slots, const uint8_t* proof, size_t proof_len) {
  const auto* v = static_cast<const beam_crypto_vtable*>(user_data);
  return v->verify_multi_message(keys, keys_per_message, num_messages, messages, slots, proof, proof_len,
                                 v->user_data);
}

crypto::HostAggregateVerifierCallbacks VerifierCallbacks(const beam_crypto_vtable* v) {
  crypto::HostAggregateVerifierCallbacks c{};
  c.verify_single_message = v->verify_single_message != nullptr ? VerifySingleTrampoline : nullptr;
  c.verify_multi_message = v->verify_multi_message != nullptr ? VerifyMultiTrampoline : nullptr;
  c.user_data = const_cast<beam_crypto_vtable*>(v);
  return c;
}

// Children flattened into the C layout: proofs back to back with their lengths, keys
// back to back with their counts.
struct FlatChildren {
  ssz::ByteVec proofs;
  std::vector<size_t> proof_lens;
  ssz::ByteVec keys;
  std::vector<size_t> key_counts;
  ssz::ByteVec messages;  // 32 bytes each
  std::vector<uint64_t> slots;
};

FlatChildren Flatten(absl::Span<const crypto::ChildProof> children) {
  FlatChildren f;
  for (const crypto::ChildProof& c : children) {
    f.proofs.insert(f.proofs.end(), c.proof.begin(), c.proof.end());
    f.proof_lens.push_back(c.proof.size());
    for (const auto& k : c.public_keys) ssz::EncodeTo(k, f.keys);
    f.key_counts.push_back(c.public_keys.size());
    f.messages.insert(f.messages.end(), c.message.data(), c.message.data() + 32);
    f.slots.push_back(c.slot);
  }
  return f;
}

absl::StatusOr<ssz::ByteVec> FromHost(int rc, beam_bytes_sink& sink, absl::string_view what) {
  if (rc == 0) {
    if (sink.bytes.empty()) return absl::InternalError(absl::StrCat(what, ": the host prover returned no proof"));
    return std::move(sink.bytes);
  }
  if (rc == 1) return absl::InvalidArgumentError(absl::StrCat(what, ": the host prover rejected the inputs"));
  return absl::UnavailableError(absl::StrCat(what, ": the host prover failed (code ", rc, ")"));
}

}  // namespace

HostCrypto::HostCrypto(const beam_crypto_vtable& vtable)
    : vtable_(ReadStruct(vtable)),
      verifier_(VerifierCallbacks(&vtable_)) {}

absl::StatusOr<ssz::ByteVec> HostCrypto::AggregateSingleMessage(absl::Span<const crypto::ChildProof> children,
                                                                absl::Span<const crypto::RawSignature> raw,
                                                                const ssz::Root& message, uint64_t slot) const {
  if (vtable_.aggregate_single_message == nullptr) {
    return absl::UnimplementedError("the host provides no single-message aggregator");
  }
  const FlatChildren f = Flatten(children);
  ssz::ByteVec raw_keys, raw_signatures;
  std::vector<size_t> signature_lens;
  for (const crypto::RawSignature& r : raw) {
    if (r.signature == nullptr) return absl::InvalidArgumentError("single-message aggregate: null signature");
    ssz::EncodeTo(r.public_key, raw_keys);
    const size_t before = raw_signatures.size();
    ssz::EncodeTo(*r.signature, raw_signatures);
    signature_lens.push_back(raw_signatures.size() - before);
  }
  beam_bytes_sink sink;
  const int rc = vtable_.aggregate_single_message(f.proofs.data(), f.proof_lens.data(), f.keys.data(),
                                                  f.key_counts.data(), children.size(), raw_keys.data(),
                                                  raw_signatures.data(), signature_lens.data(), raw.size(),
                                                  message.data(), slot, &sink, vtable_.user_data);
  return FromHost(rc, sink, "single-message aggregate");
}

absl::StatusOr<ssz::ByteVec> HostCrypto::MergeMultiMessage(absl::Span<const crypto::ChildProof> components) const {
  if (vtable_.merge_multi_message == nullptr) {
    return absl::UnimplementedError("the host provides no multi-message merger");
  }
  const FlatChildren f = Flatten(components);
  beam_bytes_sink sink;
  const int rc = vtable_.merge_multi_message(f.proofs.data(), f.proof_lens.data(), f.keys.data(), f.key_counts.data(),
                                             f.messages.data(), f.slots.data(), components.size(), &sink,
                                             vtable_.user_data);
  return FromHost(rc, sink, "multi-message aggregate");
}

}  // namespace beam::capi

extern "C" {

BEAM_EXPORT beam_status beam_bytes_sink_append(beam_bytes_sink* sink, const uint8_t* data, size_t len) {
  return beam::capi::Guard([&]() -> beam_status {
    absl::StatusOr<beam::ssz::ByteView> bytes = beam::capi::BytesArg(data, len, "data");
    if (!bytes.ok()) return beam::capi::FailIn("beam_bytes_sink_append", bytes.status());
    if (sink == nullptr) return beam::capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_bytes_sink_append: sink is NULL");
    sink->bytes.insert(sink->bytes.end(), bytes->begin(), bytes->end());
    return beam::capi::Ok();
  });
}

}  // extern "C"
