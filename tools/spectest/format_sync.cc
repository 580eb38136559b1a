// The "sync" format: checkpoint-sync anchor verification (leanSpec
// consensus_testing/test_fixtures/sync.py). Operation {kind: verify_checkpoint,
// numValidators, anchorSlot}; output {valid, stateBytes, validatorCount, anchorSlot}.
// `stateBytes` is decoded as a State, which must re-encode to the same bytes and carry
// `validatorCount` validators at slot `anchorSlot`; VerifyCheckpointState must then
// accept it exactly when `valid`.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "consensus/checkpoint_sync.h"
#include "consensus/types/state.h"
#include "ssz/codec.h"
#include "tools/spectest/compare.h"
#include "tools/spectest/json_ssz.h"
#include "tools/spectest/runner.h"

namespace beam::spectest {

CaseOutcome RunSyncCase(const std::string& test_id, const Json& c) {
  const Json& op = c.at("operation");
  const std::string kind = op.at("kind").get<std::string>();
  if (kind != "verify_checkpoint") {
    return CaseOutcome::Fail(absl::StrCat("unknown sync operation kind '", kind, "'"));
  }
  const Json& out = c.at("output");

  absl::StatusOr<uint64_t> op_validators = ParseUint(op.at("numValidators"));
  absl::StatusOr<uint64_t> op_slot = ParseUint(op.value("anchorSlot", Json(0)));  // the filler's default
  absl::StatusOr<uint64_t> want_validators = ParseUint(out.at("validatorCount"));
  absl::StatusOr<uint64_t> want_slot = ParseUint(out.at("anchorSlot"));
  if (!op_validators.ok() || !op_slot.ok() || !want_validators.ok() || !want_slot.ok()) {
    return CaseOutcome::Fail("cannot read numValidators/anchorSlot/validatorCount as unsigned integers");
  }
  if (*op_validators != *want_validators || *op_slot != *want_slot) {
    return CaseOutcome::Fail(absl::StrCat("fixture inconsistent: operation asks for ", *op_validators,
                                          " validators at slot ", *op_slot, ", output echoes ", *want_validators,
                                          " at slot ", *want_slot));
  }
  if (!out.at("valid").is_boolean()) {
    return CaseOutcome::Fail(absl::StrCat("output.valid is not a boolean: ", out["valid"].dump()));
  }
  const bool want_valid = out["valid"].get<bool>();

  absl::StatusOr<ssz::ByteVec> bytes = ParseHex(out.at("stateBytes"));
  if (!bytes.ok()) return CaseOutcome::Fail(absl::StrCat("output.stateBytes: ", bytes.status().message()));
  absl::StatusOr<consensus::State> state = ssz::Decode<consensus::State>(*bytes);
  if (!state.ok()) {
    return CaseOutcome::Fail(absl::StrCat("output.stateBytes (", bytes->size(), " bytes) does not decode as a State: ",
                                          state.status().message()));
  }
  if (std::string diff = FirstByteDifference(*bytes, ssz::Encode(*state)); !diff.empty()) {
    return CaseOutcome::Fail(absl::StrCat("decoded State does not re-encode to stateBytes: ", diff));
  }
  if (state->validators.size() != *want_validators) {
    return CaseOutcome::Fail(absl::StrCat("decoded State has ", state->validators.size(), " validators, expected ",
                                          *want_validators));
  }
  if (state->slot != *want_slot) {
    return CaseOutcome::Fail(absl::StrCat("decoded State is at slot ", state->slot, ", expected ", *want_slot));
  }

  const absl::Status verdict = consensus::VerifyCheckpointState(*state);
  if (verdict.ok() != want_valid) {
    return CaseOutcome::Fail(want_valid ? absl::StrCat("expected valid, rejected: ", verdict.message())
                                        : "expected the checkpoint state to be rejected, it was accepted");
  }
  return CaseOutcome::Pass();
}

}  // namespace beam::spectest
