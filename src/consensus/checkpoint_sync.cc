#include "consensus/checkpoint_sync.h"

#include "absl/strings/str_cat.h"

namespace beam::consensus {

absl::Status VerifyCheckpointState(const State& state) {
  const size_t validator_count = state.validators.size();
  // A state with no validators cannot drive fork choice or produce blocks.
  if (validator_count == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid checkpoint state at slot ", state.slot, ": the validator registry is empty"));
  }
  // Bound an attacker-supplied state by the registry capacity.
  if (validator_count > kValidatorRegistryLimit) {
    return absl::InvalidArgumentError(absl::StrCat("invalid checkpoint state at slot ", state.slot,
                                                   ": validator count ", validator_count,
                                                   " exceeds the registry limit ", kValidatorRegistryLimit));
  }
  return absl::OkStatus();
}

}  // namespace beam::consensus
