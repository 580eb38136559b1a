// The "slot_clock" format: slot / interval arithmetic from wall time
// (leanSpec consensus_testing/test_fixtures/slot_clock.py). Each case names one
// conversion in `operation.kind`:
//   from_unix_time   {genesisTime, unixSeconds}              -> {interval} (total intervals)
//   from_slot        {slot}                                  -> {interval}
//   current_slot     {genesisTime, currentTimeMilliseconds}  -> {slot}
//   current_interval {genesisTime, currentTimeMilliseconds}  -> {interval}
//   total_intervals  {genesisTime, currentTimeMilliseconds}  -> {totalIntervals}
// and its `config` must equal our timing constants. Timestamps are JSON floats such
// as 1700000001600.0; a non-integral one is rejected (as the filler's own model
// does), never truncated.

#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "consensus/config.h"
#include "forkchoice/slot_clock.h"
#include "tools/spectest/json_ssz.h"
#include "tools/spectest/runner.h"

namespace beam::spectest {
namespace {

using forkchoice::SlotClock;

// A whole, non-negative timestamp that fits a uint64, given as a JSON integer or as
// an integral float.
absl::StatusOr<uint64_t> ParseWholeTimestamp(const Json& j) {
  if (j.is_number_integer()) return ParseUint(j);
  if (!j.is_number_float()) return absl::InvalidArgumentError(absl::StrCat("expected a number, got ", j.dump()));
  const double v = j.get<double>();
  if (!std::isfinite(v) || v != std::trunc(v)) {
    return absl::InvalidArgumentError(absl::StrCat("timestamp must be a whole number, got ", j.dump()));
  }
  if (v < 0) return absl::InvalidArgumentError(absl::StrCat("negative timestamp ", j.dump()));
  if (v >= 18446744073709551616.0) {  // 2^64
    return absl::InvalidArgumentError(absl::StrCat("timestamp ", j.dump(), " does not fit a uint64"));
  }
  return static_cast<uint64_t>(v);
}

// The fixture's timing constants must be the ones this library is built with.
std::string ConfigDifference(const Json& c) {
  auto it = c.find("config");
  if (it == c.end() || !it->is_object()) return "case has no config object";
  const Json& config = *it;
  const std::pair<const char*, uint64_t> expected[] = {
      {"secondsPerSlot", consensus::kSecondsPerSlot},
      {"intervalsPerSlot", consensus::kIntervalsPerSlot},
      {"millisecondsPerInterval", consensus::kMillisecondsPerInterval},
  };
  for (const auto& [key, ours] : expected) {
    auto v = config.find(key);
    if (v == config.end()) return absl::StrCat("config lacks ", key);
    absl::StatusOr<uint64_t> theirs = ParseUint(*v);
    if (!theirs.ok()) return absl::StrCat("config.", key, ": ", theirs.status().message());
    if (*theirs != ours) return absl::StrCat("config.", key, " is ", *theirs, ", this library uses ", ours);
  }
  if (config.size() != std::size(expected)) return absl::StrCat("config has unknown fields: ", config.dump());
  return "";
}

// Fails unless `op` holds exactly `kind` plus `fields`.
std::string FieldsDifference(const Json& op, const std::set<std::string>& fields) {
  for (const std::string& f : fields) {
    if (!op.contains(f)) return absl::StrCat("operation lacks ", f);
  }
  for (const auto& [key, _] : op.items()) {
    if (key != "kind" && !fields.count(key)) return absl::StrCat("operation has an unknown field ", key);
  }
  return "";
}

}  // namespace

CaseOutcome RunSlotClockCase(const std::string& test_id, const Json& c) {
  if (std::string diff = ConfigDifference(c); !diff.empty()) return CaseOutcome::Fail(diff);
  const Json& op = c.at("operation");
  const Json& out = c.at("output");
  const std::string kind = op.at("kind").get<std::string>();

  std::string output_key;
  uint64_t got = 0;
  if (kind == "from_slot") {
    if (std::string diff = FieldsDifference(op, {"slot"}); !diff.empty()) return CaseOutcome::Fail(diff);
    absl::StatusOr<uint64_t> slot = ParseUint(op["slot"]);
    if (!slot.ok()) return CaseOutcome::Fail(absl::StrCat("operation.slot: ", slot.status().message()));
    output_key = "interval";
    got = SlotClock::IntervalFromSlot(*slot);
  } else if (kind == "from_unix_time") {
    if (std::string diff = FieldsDifference(op, {"genesisTime", "unixSeconds"}); !diff.empty()) {
      return CaseOutcome::Fail(diff);
    }
    absl::StatusOr<uint64_t> genesis = ParseUint(op["genesisTime"]);
    if (!genesis.ok()) return CaseOutcome::Fail(absl::StrCat("operation.genesisTime: ", genesis.status().message()));
    absl::StatusOr<uint64_t> seconds = ParseWholeTimestamp(op["unixSeconds"]);
    if (!seconds.ok()) return CaseOutcome::Fail(absl::StrCat("operation.unixSeconds: ", seconds.status().message()));
    if (*seconds > std::numeric_limits<uint64_t>::max() / 1000) {
      return CaseOutcome::Fail(absl::StrCat("operation.unixSeconds ", *seconds, " overflows uint64 milliseconds"));
    }
    output_key = "interval";
    got = SlotClock(*genesis).TotalIntervals(*seconds * 1000);
  } else if (kind == "current_slot" || kind == "current_interval" || kind == "total_intervals") {
    if (std::string diff = FieldsDifference(op, {"genesisTime", "currentTimeMilliseconds"}); !diff.empty()) {
      return CaseOutcome::Fail(diff);
    }
    absl::StatusOr<uint64_t> genesis = ParseUint(op["genesisTime"]);
    if (!genesis.ok()) return CaseOutcome::Fail(absl::StrCat("operation.genesisTime: ", genesis.status().message()));
    absl::StatusOr<uint64_t> now_ms = ParseWholeTimestamp(op["currentTimeMilliseconds"]);
    if (!now_ms.ok()) {
      return CaseOutcome::Fail(absl::StrCat("operation.currentTimeMilliseconds: ", now_ms.status().message()));
    }
    const SlotClock clock(*genesis);
    if (kind == "current_slot") {
      output_key = "slot";
      got = clock.CurrentSlot(*now_ms);
    } else if (kind == "current_interval") {
      output_key = "interval";
      got = clock.CurrentInterval(*now_ms);
    } else {
      output_key = "totalIntervals";
      got = clock.TotalIntervals(*now_ms);
    }
  } else {
    return CaseOutcome::Fail(absl::StrCat("unknown slot_clock operation kind '", kind, "'"));
  }

  auto want_it = out.find(output_key);
  if (want_it == out.end()) {
    return CaseOutcome::Fail(absl::StrCat(kind, ": output lacks ", output_key, ": ", out.dump()));
  }
  if (out.size() != 1) return CaseOutcome::Fail(absl::StrCat(kind, ": output has unknown fields: ", out.dump()));
  absl::StatusOr<uint64_t> want = ParseUint(*want_it);
  if (!want.ok()) return CaseOutcome::Fail(absl::StrCat("output.", output_key, ": ", want.status().message()));
  if (*want != got) {
    return CaseOutcome::Fail(absl::StrCat(kind, " ", op.dump(), ": ", output_key, " expected ", *want, ", got ", got));
  }
  return CaseOutcome::Pass();
}

}  // namespace beam::spectest
