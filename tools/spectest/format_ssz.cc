// The "ssz" format: encode, decode and hash_tree_root of one value per case, or a
// decode that must fail with the expected reason.

#include <functional>
#include <map>

#include "consensus/rejection.h"
#include "consensus/types/state.h"
#include "tools/spectest/compare.h"
#include "tools/spectest/json_ssz.h"
#include "tools/spectest/runner.h"
#include "wire/messages.h"

namespace beam::spectest {
namespace {

using consensus::RejectionReason;

template <class T>
CaseOutcome RunTyped(const Json& c) {
  if (c.contains("rejectionReason") && !c["rejectionReason"].is_null()) {
    const std::string expected = c["rejectionReason"].get<std::string>();
    absl::StatusOr<ssz::ByteVec> raw = ParseHex(c.contains("rawBytes") ? c["rawBytes"] : c["serialized"]);
    if (!raw.ok()) return CaseOutcome::Fail(absl::StrCat("bad rawBytes: ", raw.status().message()));
    absl::StatusOr<T> decoded = ssz::Decode<T>(*raw);
    if (decoded.ok()) return CaseOutcome::Fail(absl::StrCat("decoded, but the spec rejects it with ", expected));
    const std::optional<RejectionReason> reason = consensus::GetRejectionReason(decoded.status());
    const std::string got = reason ? std::string(consensus::RejectionReasonName(*reason)) : "(none)";
    if (got != expected) {
      return CaseOutcome::Fail(absl::StrCat("rejected with ", got, " (", decoded.status().message(),
                                            "), expected ", expected));
    }
    return CaseOutcome::Pass();
  }
  absl::StatusOr<T> value = ValueFromJson<T>(c["value"]);
  if (!value.ok()) return CaseOutcome::Fail(absl::StrCat("cannot read value: ", value.status().message()));
  absl::StatusOr<ssz::ByteVec> serialized = ParseHex(c["serialized"]);
  absl::StatusOr<ssz::ByteVec> root = ParseHex(c["root"]);
  if (!serialized.ok() || !root.ok()) return CaseOutcome::Fail("bad serialized/root hex");

  const ssz::ByteVec encoded = ssz::Encode(*value);
  if (std::string d = FirstByteDifference(*serialized, encoded); !d.empty()) {
    return CaseOutcome::Fail(absl::StrCat("encode: ", d));
  }
  absl::StatusOr<T> decoded = ssz::Decode<T>(*serialized);
  if (!decoded.ok()) return CaseOutcome::Fail(absl::StrCat("decode: ", decoded.status().message()));
  if (!(*decoded == *value)) return CaseOutcome::Fail("decode: value differs from the fixture value");
  if (std::string d = FirstByteDifference(*serialized, ssz::Encode(*decoded)); !d.empty()) {
    return CaseOutcome::Fail(absl::StrCat("re-encode: ", d));
  }
  const ssz::Root actual = ssz::HashTreeRoot(*value);
  if (std::string d = FirstByteDifference(*root, actual.view()); !d.empty()) {
    return CaseOutcome::Fail(absl::StrCat("hash_tree_root: expected ", ssz::ToHex(*root), ", got ",
                                          ssz::ToHex(actual)));
  }
  if (!(ssz::HashTreeRoot(*decoded) == actual)) return CaseOutcome::Fail("hash_tree_root of the decoded value differs");
  return CaseOutcome::Pass();
}

using Runner = std::function<CaseOutcome(const Json&)>;

// Types whose shape depends on the XMSS configuration named by the case's leanEnv.
template <class TestT, class ProdT>
Runner ByEnv() {
  return [](const Json& c) {
    const bool prod = c.value("leanEnv", std::string("test")) == "prod";
    return prod ? RunTyped<ProdT>(c) : RunTyped<TestT>(c);
  };
}

const std::map<std::string, Runner>& Registry() {
  namespace cs = consensus;
  namespace xm = crypto::xmss;
  static const auto* kRegistry = new std::map<std::string, Runner>{
      {"Uint8", RunTyped<uint8_t>},
      {"Uint16", RunTyped<uint16_t>},
      {"Uint32", RunTyped<uint32_t>},
      {"Uint64", RunTyped<uint64_t>},
      {"Boolean", RunTyped<bool>},
      {"Bytes4", RunTyped<ssz::Bytes4>},
      {"Bytes32", RunTyped<ssz::Bytes32>},
      {"Bytes52", RunTyped<ssz::Bytes52>},
      {"Bytes64", RunTyped<ssz::Bytes64>},
      {"ByteList512KiB", RunTyped<cs::ProofBytes>},
      {"Fp", RunTyped<crypto::Fp>},
      {"AttestationSubnets", RunTyped<ssz::Bitvector<64>>},
      {"Checkpoint", RunTyped<cs::Checkpoint>},
      {"AttestationData", RunTyped<cs::AttestationData>},
      {"Attestation", RunTyped<cs::Attestation>},
      {"SignedAttestation", RunTyped<cs::SignedAttestation>},
      {"AggregatedAttestation", RunTyped<cs::AggregatedAttestation>},
      {"AggregatedAttestations", RunTyped<cs::AggregatedAttestations>},
      {"SignedAggregatedAttestation", RunTyped<cs::SignedAggregatedAttestation>},
      {"AggregationBits", RunTyped<cs::AggregationBits>},
      {"SingleMessageAggregate", RunTyped<cs::SingleMessageAggregate>},
      {"MultiMessageAggregate", RunTyped<cs::MultiMessageAggregate>},
      {"BlockBody", RunTyped<cs::BlockBody>},
      {"BlockHeader", RunTyped<cs::BlockHeader>},
      {"Block", RunTyped<cs::Block>},
      {"SignedBlock", RunTyped<cs::SignedBlock>},
      {"Validator", RunTyped<cs::Validator>},
      {"Validators", RunTyped<cs::Validators>},
      {"ValidatorIndices", RunTyped<ssz::List<uint64_t, cs::kValidatorRegistryLimit>>},
      {"Config", RunTyped<cs::GenesisConfig>},
      {"GenesisConfig", RunTyped<cs::GenesisConfig>},
      {"HistoricalBlockHashes", RunTyped<cs::HistoricalBlockHashes>},
      {"JustificationRoots", RunTyped<cs::JustificationRoots>},
      {"JustifiedSlots", RunTyped<cs::JustifiedSlots>},
      {"JustificationValidators", RunTyped<cs::JustificationValidators>},
      {"State", RunTyped<cs::State>},
      {"Status", RunTyped<wire::Status>},
      {"BlocksByRootRequest", RunTyped<wire::BlocksByRootRequest>},
      {"PublicKey", RunTyped<xm::PublicKey>},
      {"Signature", RunTyped<xm::Signature>},
      {"HashDigestVector", RunTyped<xm::HashDigest>},
      {"Parameter", RunTyped<xm::Parameter>},
      {"Randomness", RunTyped<xm::Randomness>},
      {"HashDigestList", ByEnv<xm::HashDigestList<xm::kTestShape.node_list_limit>,
                               xm::HashDigestList<xm::kProdShape.node_list_limit>>()},
      {"HashTreeOpening", ByEnv<xm::TestHashTreeOpening, xm::ProdHashTreeOpening>()},
      {"HashTreeLayer", ByEnv<xm::TestHashTreeLayer, xm::ProdHashTreeLayer>()},
  };
  return *kRegistry;
}

}  // namespace

CaseOutcome RunSszCase(const std::string& test_id, const Json& c) {
  const std::string type_name = c.value("typeName", std::string());
  const auto& registry = Registry();
  if (auto it = registry.find(type_name); it != registry.end()) return it->second(c);
  if (std::optional<CaseOutcome> generic = RunGenericSszCase(type_name, c)) return *generic;
  return CaseOutcome::Fail(absl::StrCat("unknown SSZ type ", type_name));
}

}  // namespace beam::spectest
