// The validator registry leanSpec's fixture filler puts in the genesis states it builds
// (consensus_testing/genesis.py build_genesis_state(keyed=True)): validator i carries
// the public keys of pre-generated test-scheme key pair i
// (consensus_testing/test_keys/test_scheme/<i>.json). The keys are random, not derived,
// so fixtures that give only a validator count (api_endpoint's genesisParams) can be
// replayed only with these exact keys. The same keys are in every anchor state of the
// fork_choice fixtures; the set is checked against the spec's pinned key-set digest
// (keys_cli.py PINNED_KEY_SET_DIGESTS["test"]) before use.

#ifndef BEAMCORE_TOOLS_SPECTEST_TEST_KEYS_H_
#define BEAMCORE_TOOLS_SPECTEST_TEST_KEYS_H_

#include <cstddef>
#include <vector>

#include "absl/status/statusor.h"
#include "consensus/types/validator.h"

namespace beam::spectest {

// Validators 0..count-1 with the test-scheme keys; an error if the key set does not
// match its pinned digest or `count` exceeds the 8 pre-generated key pairs.
absl::StatusOr<std::vector<consensus::Validator>> TestSchemeValidators(size_t count);

}  // namespace beam::spectest

#endif  // BEAMCORE_TOOLS_SPECTEST_TEST_KEYS_H_
