// The consensus State (leanSpec forks/lstar/containers/state.py) and GenesisConfig.
//
// The five large lists are persistent (ssz/persistent_list.h): copying a State is cheap
// (segment pointers only) and hash_tree_root after a block rehashes only what changed.
// Thread-compatible; const access, including HashTreeRoot, is safe from many threads.

#ifndef BEAMCORE_CONSENSUS_TYPES_STATE_H_
#define BEAMCORE_CONSENSUS_TYPES_STATE_H_

#include "consensus/types/block.h"
#include "consensus/types/checkpoint.h"
#include "consensus/types/validator.h"
#include "ssz/persistent_list.h"

namespace beam::consensus {

struct GenesisConfig {
  uint64_t genesis_time = 0;
  static constexpr const char* kSszName = "Config";
  static constexpr auto kSszFields = std::make_tuple(ssz::Field("genesis_time", &GenesisConfig::genesis_time));
  friend bool operator==(const GenesisConfig&, const GenesisConfig&) = default;
};

using HistoricalBlockHashes = ssz::PersistentList<Root, kHistoricalRootsLimit>;
using JustificationRoots = ssz::PersistentList<Root, kHistoricalRootsLimit>;
using JustifiedSlots = ssz::PersistentBitlist<kHistoricalRootsLimit>;
using JustificationValidators = ssz::PersistentBitlist<kHistoricalRootsLimit * kValidatorRegistryLimit>;

struct State {
  GenesisConfig config;
  Slot slot = 0;
  BlockHeader latest_block_header;
  Checkpoint latest_justified;
  Checkpoint latest_finalized;
  HistoricalBlockHashes historical_block_hashes;
  JustifiedSlots justified_slots;
  Validators validators;
  JustificationRoots justifications_roots;
  JustificationValidators justifications_validators;

  static constexpr const char* kSszName = "State";
  static constexpr auto kSszFields = std::make_tuple(
      ssz::Field("config", &State::config), ssz::Field("slot", &State::slot),
      ssz::Field("latest_block_header", &State::latest_block_header),
      ssz::Field("latest_justified", &State::latest_justified),
      ssz::Field("latest_finalized", &State::latest_finalized),
      ssz::Field("historical_block_hashes", &State::historical_block_hashes),
      ssz::Field("justified_slots", &State::justified_slots), ssz::Field("validators", &State::validators),
      ssz::Field("justifications_roots", &State::justifications_roots),
      ssz::Field("justifications_validators", &State::justifications_validators));
  friend bool operator==(const State&, const State&) = default;
};

}  // namespace beam::consensus

#endif  // BEAMCORE_CONSENSUS_TYPES_STATE_H_
