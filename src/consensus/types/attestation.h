// Attestation envelopes (leanSpec forks/lstar/containers/attestation.py).

#ifndef BEAMCORE_CONSENSUS_TYPES_ATTESTATION_H_
#define BEAMCORE_CONSENSUS_TYPES_ATTESTATION_H_

#include "consensus/types/aggregation.h"
#include "consensus/types/checkpoint.h"
#include "crypto/xmss/containers.h"

namespace beam::consensus {

struct Attestation {
  ValidatorIndex validator_index = 0;
  AttestationData data;
  static constexpr const char* kSszName = "Attestation";
  static constexpr auto kSszFields = std::make_tuple(ssz::Field("validator_index", &Attestation::validator_index),
                                                     ssz::Field("data", &Attestation::data));
  friend bool operator==(const Attestation&, const Attestation&) = default;
};

struct SignedAttestation {
  ValidatorIndex validator_index = 0;
  AttestationData data;
  crypto::xmss::Signature signature;
  static constexpr const char* kSszName = "SignedAttestation";
  static constexpr auto kSszFields = std::make_tuple(
      ssz::Field("validator_index", &SignedAttestation::validator_index),
      ssz::Field("data", &SignedAttestation::data), ssz::Field("signature", &SignedAttestation::signature));
  friend bool operator==(const SignedAttestation&, const SignedAttestation&) = default;
};

struct AggregatedAttestation {
  AggregationBits aggregation_bits;
  AttestationData data;
  static constexpr const char* kSszName = "AggregatedAttestation";
  static constexpr auto kSszFields =
      std::make_tuple(ssz::Field("aggregation_bits", &AggregatedAttestation::aggregation_bits),
                      ssz::Field("data", &AggregatedAttestation::data));
  friend bool operator==(const AggregatedAttestation&, const AggregatedAttestation&) = default;
};

struct SignedAggregatedAttestation {
  AttestationData data;
  SingleMessageAggregate proof;
  static constexpr const char* kSszName = "SignedAggregatedAttestation";
  static constexpr auto kSszFields = std::make_tuple(ssz::Field("data", &SignedAggregatedAttestation::data),
                                                     ssz::Field("proof", &SignedAggregatedAttestation::proof));
  friend bool operator==(const SignedAggregatedAttestation&, const SignedAggregatedAttestation&) = default;
};

using AggregatedAttestations = ssz::List<AggregatedAttestation, kValidatorRegistryLimit>;

}  // namespace beam::consensus

#endif  // BEAMCORE_CONSENSUS_TYPES_ATTESTATION_H_
