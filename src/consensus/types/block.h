// Block family (leanSpec forks/lstar/containers/block.py).

#ifndef BEAMCORE_CONSENSUS_TYPES_BLOCK_H_
#define BEAMCORE_CONSENSUS_TYPES_BLOCK_H_

#include "consensus/types/attestation.h"

namespace beam::consensus {

struct BlockBody {
  AggregatedAttestations attestations;
  static constexpr const char* kSszName = "BlockBody";
  static constexpr auto kSszFields = std::make_tuple(ssz::Field("attestations", &BlockBody::attestations));
  friend bool operator==(const BlockBody&, const BlockBody&) = default;
};

struct BlockHeader {
  Slot slot = 0;
  ValidatorIndex proposer_index = 0;
  Root parent_root;
  Root state_root;
  Root body_root;
  static constexpr const char* kSszName = "BlockHeader";
  static constexpr auto kSszFields = std::make_tuple(
      ssz::Field("slot", &BlockHeader::slot), ssz::Field("proposer_index", &BlockHeader::proposer_index),
      ssz::Field("parent_root", &BlockHeader::parent_root), ssz::Field("state_root", &BlockHeader::state_root),
      ssz::Field("body_root", &BlockHeader::body_root));
  friend bool operator==(const BlockHeader&, const BlockHeader&) = default;
};

struct Block {
  Slot slot = 0;
  ValidatorIndex proposer_index = 0;
  Root parent_root;
  Root state_root;
  BlockBody body;
  static constexpr const char* kSszName = "Block";
  static constexpr auto kSszFields = std::make_tuple(
      ssz::Field("slot", &Block::slot), ssz::Field("proposer_index", &Block::proposer_index),
      ssz::Field("parent_root", &Block::parent_root), ssz::Field("state_root", &Block::state_root),
      ssz::Field("body", &Block::body));
  friend bool operator==(const Block&, const Block&) = default;
};

struct SignedBlock {
  Block block;
  MultiMessageAggregate proof;
  static constexpr const char* kSszName = "SignedBlock";
  static constexpr auto kSszFields =
      std::make_tuple(ssz::Field("block", &SignedBlock::block), ssz::Field("proof", &SignedBlock::proof));
  friend bool operator==(const SignedBlock&, const SignedBlock&) = default;
};

}  // namespace beam::consensus

#endif  // BEAMCORE_CONSENSUS_TYPES_BLOCK_H_
