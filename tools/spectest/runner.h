// The conformance runner's plumbing: a case outcome and the per-format entry points.

#ifndef BEAMCORE_TOOLS_SPECTEST_RUNNER_H_
#define BEAMCORE_TOOLS_SPECTEST_RUNNER_H_

#include <optional>
#include <string>

#include "nlohmann/json.hpp"

namespace beam::spectest {

struct CaseOutcome {
  enum class Kind { kPassed, kFailed, kSkipped };
  Kind kind = Kind::kPassed;
  std::string detail;  // the first difference, or why the case was skipped

  static CaseOutcome Pass() { return {}; }
  static CaseOutcome Fail(std::string why) { return {Kind::kFailed, std::move(why)}; }
  static CaseOutcome Skip(std::string why) { return {Kind::kSkipped, std::move(why)}; }
};

// One function per fixture format; `test_id` is the key of the case in its file.
CaseOutcome RunSszCase(const std::string& test_id, const nlohmann::json& c);
CaseOutcome RunStateTransitionCase(const std::string& test_id, const nlohmann::json& c);
CaseOutcome RunJustifiabilityCase(const std::string& test_id, const nlohmann::json& c);
CaseOutcome RunPoseidonPermutationCase(const std::string& test_id, const nlohmann::json& c);
CaseOutcome RunForkChoiceCase(const std::string& test_id, const nlohmann::json& c);
CaseOutcome RunSlotClockCase(const std::string& test_id, const nlohmann::json& c);
CaseOutcome RunSyncCase(const std::string& test_id, const nlohmann::json& c);
CaseOutcome RunNetworkingCodecCase(const std::string& test_id, const nlohmann::json& c);
CaseOutcome RunApiEndpointCase(const std::string& test_id, const nlohmann::json& c);

// SSZ types the runner knows only by the shape in their name (test-defined types such
// as "SampleUint32List16" or "BoundaryBitvector257"); nullopt when the name has no
// recognisable shape.
std::optional<CaseOutcome> RunGenericSszCase(const std::string& type_name, const nlohmann::json& c);

}  // namespace beam::spectest

#endif  // BEAMCORE_TOOLS_SPECTEST_RUNNER_H_
