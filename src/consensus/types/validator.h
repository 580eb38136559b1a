// The validator registry (leanSpec forks/lstar/containers/validator.py).

#ifndef BEAMCORE_CONSENSUS_TYPES_VALIDATOR_H_
#define BEAMCORE_CONSENSUS_TYPES_VALIDATOR_H_

#include "consensus/config.h"
#include "ssz/container.h"
#include "ssz/persistent_list.h"

namespace beam::consensus {

struct Validator {
  ssz::Bytes52 attestation_public_key;
  ssz::Bytes52 proposal_public_key;
  ValidatorIndex index = 0;
  static constexpr const char* kSszName = "Validator";
  static constexpr auto kSszFields =
      std::make_tuple(ssz::Field("attestation_public_key", &Validator::attestation_public_key),
                      ssz::Field("proposal_public_key", &Validator::proposal_public_key),
                      ssz::Field("index", &Validator::index));
  friend bool operator==(const Validator&, const Validator&) = default;
};

// The registry; decoding rejects an entry whose index differs from its position.
struct Validators : ssz::PersistentList<Validator, kValidatorRegistryLimit> {};

}  // namespace beam::consensus

namespace beam::ssz {

template <>
struct Ssz<consensus::Validators> : Ssz<PersistentList<consensus::Validator, consensus::kValidatorRegistryLimit>> {
  static absl::Status Decode(ByteView in, consensus::Validators& out) {
    consensus::Validators result;
    absl::Status s = Ssz<PersistentList<consensus::Validator, consensus::kValidatorRegistryLimit>>::Decode(in, result);
    if (!s.ok()) return s;
    for (size_t i = 0; i < result.size(); ++i) {
      if (result[i].index != i) {
        return DecodeError(absl::StrCat("Validators: entry at position ", i, " has index ", result[i].index));
      }
    }
    out = std::move(result);
    return absl::OkStatus();
  }
};

}  // namespace beam::ssz

#endif  // BEAMCORE_CONSENSUS_TYPES_VALIDATOR_H_
