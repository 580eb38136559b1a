// Checkpoint and AttestationData (leanSpec forks/lstar/containers/checkpoint.py).

#ifndef BEAMCORE_CONSENSUS_TYPES_CHECKPOINT_H_
#define BEAMCORE_CONSENSUS_TYPES_CHECKPOINT_H_

#include "consensus/config.h"
#include "ssz/container.h"

namespace beam::consensus {

using ssz::Root;

struct Checkpoint {
  Root root;
  Slot slot = 0;
  static constexpr const char* kSszName = "Checkpoint";
  static constexpr auto kSszFields =
      std::make_tuple(ssz::Field("root", &Checkpoint::root), ssz::Field("slot", &Checkpoint::slot));
  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const Checkpoint& c) {
    return H::combine(std::move(h), c.root, c.slot);
  }
};

struct AttestationData {
  Slot slot = 0;
  Checkpoint head;
  Checkpoint target;
  Checkpoint source;
  static constexpr const char* kSszName = "AttestationData";
  static constexpr auto kSszFields = std::make_tuple(
      ssz::Field("slot", &AttestationData::slot), ssz::Field("head", &AttestationData::head),
      ssz::Field("target", &AttestationData::target), ssz::Field("source", &AttestationData::source));
  friend bool operator==(const AttestationData&, const AttestationData&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const AttestationData& d) {
    return H::combine(std::move(h), d.slot, d.head, d.target, d.source);
  }
};

}  // namespace beam::consensus

#endif  // BEAMCORE_CONSENSUS_TYPES_CHECKPOINT_H_
