// Aggregation bits and the aggregate proof containers
// (leanSpec forks/lstar/containers/{participation,aggregation}.py). Proofs are opaque
// bytes here; verifying them is the job of the AggregateProofVerifier.

#ifndef BEAMCORE_CONSENSUS_TYPES_AGGREGATION_H_
#define BEAMCORE_CONSENSUS_TYPES_AGGREGATION_H_

#include <vector>

#include "consensus/config.h"
#include "ssz/bitfields.h"
#include "ssz/collections.h"
#include "ssz/container.h"

namespace beam::consensus {

using AggregationBits = ssz::Bitlist<kValidatorRegistryLimit>;
using ProofBytes = ssz::ByteList<kMaxProofBytes>;

// AggregationBits.to_validator_indices: the set bits, ascending.
inline std::vector<ValidatorIndex> ParticipantIndices(const AggregationBits& bits) {
  std::vector<ValidatorIndex> out;
  const auto& bytes = bits.bytes();
  for (size_t byte = 0; byte < bytes.size(); ++byte) {
    for (uint8_t b = bytes[byte]; b != 0; b &= static_cast<uint8_t>(b - 1)) {
      out.push_back(byte * 8 + static_cast<size_t>(__builtin_ctz(b)));
    }
  }
  return out;
}

struct SingleMessageAggregate {
  AggregationBits participants;
  ProofBytes proof;
  static constexpr const char* kSszName = "SingleMessageAggregate";
  static constexpr auto kSszFields = std::make_tuple(ssz::Field("participants", &SingleMessageAggregate::participants),
                                                     ssz::Field("proof", &SingleMessageAggregate::proof));
  friend bool operator==(const SingleMessageAggregate&, const SingleMessageAggregate&) = default;
};

struct MultiMessageAggregate {
  ProofBytes proof;
  static constexpr const char* kSszName = "MultiMessageAggregate";
  static constexpr auto kSszFields = std::make_tuple(ssz::Field("proof", &MultiMessageAggregate::proof));
  friend bool operator==(const MultiMessageAggregate&, const MultiMessageAggregate&) = default;
};

}  // namespace beam::consensus

#endif  // BEAMCORE_CONSENSUS_TYPES_AGGREGATION_H_
