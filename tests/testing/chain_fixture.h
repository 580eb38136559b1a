// Test helpers: a small validator set, and a producer that builds a chain of real
// blocks (with every validator's vote gossiped as an aggregate each slot) using the
// fork-choice Store, so chain tests can feed BeamChain realistic input.

#ifndef BEAMCORE_TESTS_TESTING_CHAIN_FIXTURE_H_
#define BEAMCORE_TESTS_TESTING_CHAIN_FIXTURE_H_

#include <memory>
#include <vector>

#include "consensus/state_transition.h"
#include "crypto/aggregate_prover.h"
#include "crypto/verifier.h"
#include "forkchoice/store.h"
#include "ssz/codec.h"
#include "ssz/container.h"
#include "validator/block_builder.h"

namespace beam::testing {

// Accepts every XMSS signature (chain tests are about the chain, not XMSS).
class AcceptAllSignatures final : public crypto::SignatureVerifier {
 public:
  bool Verify(const crypto::xmss::PublicKey&, uint64_t, const ssz::Root&,
              const crypto::xmss::Signature&) const override {
    return true;
  }
};

struct Genesis {
  consensus::State state;
  consensus::Block block;
};

inline Genesis MakeGenesis(uint64_t validators) {
  std::vector<consensus::Validator> registry(validators);
  for (uint64_t i = 0; i < validators; ++i) registry[i].index = i;
  Genesis g{consensus::GenerateGenesis(0, registry), {}};
  g.block.state_root = ssz::HashTreeRoot(g.state);
  return g;
}

inline consensus::SignedAggregatedAttestation MockAggregate(const consensus::AttestationData& data,
                                                            const std::vector<consensus::ValidatorIndex>& who) {
  consensus::SignedAggregatedAttestation a;
  a.data = data;
  a.proof.participants = validator::AggregationBitsFromIndices(who);
  a.proof.proof.bytes.assign(crypto::kMockedProofPrefix, crypto::kMockedProofPrefix + crypto::kMockedProofPrefixLength);
  return a;
}

inline consensus::SignedBlock MockSigned(const consensus::Block& block) {
  consensus::SignedBlock b{block, {}};
  b.proof.proof.bytes.assign(crypto::kMockedProofPrefix, crypto::kMockedProofPrefix + crypto::kMockedProofPrefixLength);
  return b;
}

// A canonical chain with every validator voting each slot, plus (optionally) a
// losing fork block every `fork_every` slots built on the grandparent.
struct ProducedChain {
  std::vector<consensus::SignedBlock> blocks;  // in production order (parents first)
  std::vector<consensus::SignedAggregatedAttestation> aggregates;
  ssz::Root head;
  consensus::Checkpoint justified, finalized;
};

inline ProducedChain ProduceChain(const Genesis& genesis, uint64_t validators, uint64_t slots, uint64_t fork_every = 0) {
  static const AcceptAllSignatures signatures;
  static const crypto::MockedAggregateVerifier aggregates;
  static const crypto::MockedAggregateProver prover;
  forkchoice::StoreCrypto crypto{&signatures, &aggregates, &prover, nullptr};
  auto store = *forkchoice::Store::FromAnchor(genesis.state, genesis.block, std::nullopt, crypto);
  ProducedChain out;
  std::vector<consensus::ValidatorIndex> everyone;
  for (uint64_t v = 0; v < validators; ++v) everyone.push_back(v);
  for (uint64_t slot = 1; slot <= slots; ++slot) {
    auto produced = store->ProduceBlock(slot, slot % validators);
    if (!produced.ok()) break;
    out.blocks.push_back(MockSigned(produced->block));
    if (fork_every != 0 && slot % fork_every == 0 && slot >= 3) {
      // A competing block at this slot on the new head's grandparent: a sibling of
      // the previous main block, which carries the votes, so it loses.
      const ssz::Root parent = *store->ParentRoot(*store->ParentRoot(store->head()));
      validator::BlockBuildInputs in;
      auto parent_state = store->StateOf(parent);
      in.pre_state = parent_state.get();
      in.slot = slot;
      in.proposer_index = slot % validators;
      in.parent_root = parent;
      in.is_known_block = [&](const ssz::Root& r) { return store->HasBlock(r); };
      auto built = validator::BuildBlock(in);
      if (built.ok()) {
        consensus::SignedBlock fork = MockSigned(built->block);
        if (store->OnBlock(fork, forkchoice::BlockProofCheck::kSkipProofOnly).ok()) out.blocks.push_back(fork);
      }
    }
    (void)store->OnTick(slot * 5 + 1, false, false);
    consensus::SignedAggregatedAttestation vote = MockAggregate(store->ProduceAttestationData(slot), everyone);
    if (store->OnGossipAggregatedAttestation(vote).ok()) out.aggregates.push_back(vote);
    (void)store->OnTick(slot * 5 + 4, false, false);
  }
  out.head = store->head();
  out.justified = store->latest_justified();
  out.finalized = store->latest_finalized();
  return out;
}

}  // namespace beam::testing

#endif  // BEAMCORE_TESTS_TESTING_CHAIN_FIXTURE_H_
