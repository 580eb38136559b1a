// The "justifiability" format: is_justifiable_after(slot, finalizedSlot) and the delta.

#include "consensus/justification.h"
#include "tools/spectest/json_ssz.h"
#include "tools/spectest/runner.h"

namespace beam::spectest {

CaseOutcome RunJustifiabilityCase(const std::string& test_id, const Json& c) {
  absl::StatusOr<uint64_t> slot = ParseUint(c["slot"]);
  absl::StatusOr<uint64_t> finalized = ParseUint(c["finalizedSlot"]);
  if (!slot.ok() || !finalized.ok()) return CaseOutcome::Fail("cannot read slot/finalizedSlot");
  if (*slot < *finalized) return CaseOutcome::Fail("slot precedes the finalized slot (the spec asserts)");
  const Json& out = c["output"];
  const uint64_t delta = *slot - *finalized;
  if (out.contains("delta")) {
    absl::StatusOr<uint64_t> want = ParseUint(out["delta"]);
    if (!want.ok() || *want != delta) return CaseOutcome::Fail(absl::StrCat("delta: got ", delta, ", expected ", out["delta"].dump()));
  }
  const bool got = consensus::IsJustifiableAfter(*slot, *finalized);
  const bool want = out.at("isJustifiable").get<bool>();
  if (got != want) return CaseOutcome::Fail(absl::StrCat("isJustifiable: expected ", want, ", got ", got));
  return CaseOutcome::Pass();
}

}  // namespace beam::spectest
