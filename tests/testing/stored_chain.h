// A produced chain with mocked crypto, and an inline BeamChain over a ChainDb: what the
// storage tests (crash safety, disk faults) import, kill, reopen and check.

#ifndef BEAMCORE_TESTS_TESTING_STORED_CHAIN_H_
#define BEAMCORE_TESTS_TESTING_STORED_CHAIN_H_

#include <memory>

#include "chain/beam_chain.h"
#include "storage/chain_db.h"
#include "tests/testing/chain_fixture.h"

namespace beam::testing {

struct StoredChainEnv {
  StoredChainEnv(uint64_t validators, uint64_t slots, uint64_t fork_every)
      : genesis(MakeGenesis(validators)), input(ProduceChain(genesis, validators, slots, fork_every)) {}
  Genesis genesis;
  ProducedChain input;
  AcceptAllSignatures signatures;
  crypto::MockedAggregateVerifier aggregates;
  crypto::MockedAggregateProver prover;
};

// An inline chain (no worker) from the env's genesis, resuming from `db`.
inline absl::StatusOr<std::unique_ptr<chain::BeamChain>> OpenStoredChain(StoredChainEnv& env, storage::ChainDb* db,
                                                                         metrics::Registry* registry) {
  chain::ChainConfig config;
  config.chain_worker = false;
  config.db = db;
  return chain::BeamChain::Create(env.genesis.state, env.genesis.block, config,
                                  chain::ChainCrypto{&env.signatures, &env.aggregates, &env.prover}, registry);
}

}  // namespace beam::testing

#endif  // BEAMCORE_TESTS_TESTING_STORED_CHAIN_H_
