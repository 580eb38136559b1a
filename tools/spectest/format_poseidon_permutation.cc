// The "poseidon_permutation" format: one Poseidon1 permutation of `inputState` (width
// 16 or 24) must give `outputState`. Every case is checked through the single-state
// function and through the batched (xN) one: all lanes holding the case's input, and
// the input in each lane of a batch whose other lanes hold unrelated states.

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "crypto/fp.h"
#include "crypto/poseidon1.h"
#include "tools/spectest/json_ssz.h"
#include "tools/spectest/runner.h"

namespace beam::spectest {
namespace {

using crypto::kPoseidonLanes;

// Field elements given as a JSON array of numbers or decimal strings, or (as some
// fixture writers emit) one string holding a Python-style list such as "['1', '2']".
absl::StatusOr<std::vector<uint32_t>> ParseElements(const Json& j) {
  std::vector<uint64_t> raw;
  const Json& list = DataOf(j);
  if (list.is_array()) {
    for (const Json& e : list) {
      absl::StatusOr<uint64_t> v = ParseUint(e);
      if (!v.ok()) return v.status();
      raw.push_back(*v);
    }
  } else if (list.is_string()) {
    absl::string_view s = absl::StripAsciiWhitespace(list.get_ref<const std::string&>());
    if (!absl::ConsumePrefix(&s, "[") || !absl::ConsumeSuffix(&s, "]")) {
      return absl::InvalidArgumentError(absl::StrCat("expected a list, got ", list.dump()));
    }
    if (!absl::StripAsciiWhitespace(s).empty()) {
      for (absl::string_view item : absl::StrSplit(s, ',')) {
        item = absl::StripAsciiWhitespace(item);
        if (item.empty()) continue;  // a trailing comma
        if (item.size() >= 2 && (item.front() == '\'' || item.front() == '"') && item.back() == item.front()) {
          item = absl::StripAsciiWhitespace(item.substr(1, item.size() - 2));
        }
        uint64_t v = 0;
        if (!absl::SimpleAtoi(item, &v)) {
          return absl::InvalidArgumentError(absl::StrCat("not an unsigned integer: '", item, "'"));
        }
        raw.push_back(v);
      }
    }
  } else {
    return absl::InvalidArgumentError(absl::StrCat("expected a list of field elements, got ", list.dump()));
  }
  std::vector<uint32_t> out;
  out.reserve(raw.size());
  for (uint64_t v : raw) {
    if (v >= crypto::kKoalaBearPrime) {
      return absl::InvalidArgumentError(absl::StrCat(v, " is not a canonical field element"));
    }
    out.push_back(static_cast<uint32_t>(v));
  }
  return out;
}

// Empty when equal; otherwise the first differing element.
std::string FirstDifference(const std::vector<uint32_t>& expected, const uint32_t* actual) {
  for (size_t i = 0; i < expected.size(); ++i) {
    if (expected[i] != actual[i]) {
      return absl::StrCat("element ", i, ": expected ", expected[i], ", got ", actual[i]);
    }
  }
  return "";
}

// A deterministic canonical filler state for the other lanes of a mixed batch.
void FillerState(uint32_t seed, uint32_t* state, size_t width) {
  uint64_t x = 0x9e3779b97f4a7c15ull * (seed + 1);
  for (size_t i = 0; i < width; ++i) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 29;
    state[i] = static_cast<uint32_t>(x % crypto::kKoalaBearPrime);
  }
}

template <size_t W>
CaseOutcome Check(const std::vector<uint32_t>& input, const std::vector<uint32_t>& expected) {
  void (*single)(uint32_t*);
  void (*batch)(uint32_t(*)[W]);
  if constexpr (W == 16) {
    single = crypto::Poseidon1Permute16;
    batch = crypto::Poseidon1Permute16xN;
  } else {
    single = crypto::Poseidon1Permute24;
    batch = crypto::Poseidon1Permute24xN;
  }
  const std::string kernel = absl::StrCat(" [kernel ", crypto::Poseidon1Kernel(), "]");

  uint32_t state[W];
  std::copy(input.begin(), input.end(), state);
  single(state);
  if (std::string d = FirstDifference(expected, state); !d.empty()) {
    return CaseOutcome::Fail(absl::StrCat("single-state permutation: ", d, kernel));
  }

  uint32_t states[kPoseidonLanes][W];
  for (auto& s : states) std::copy(input.begin(), input.end(), s);
  batch(states);
  for (size_t lane = 0; lane < kPoseidonLanes; ++lane) {
    if (std::string d = FirstDifference(expected, states[lane]); !d.empty()) {
      return CaseOutcome::Fail(absl::StrCat("batched permutation, every lane the input, lane ", lane, ": ", d, kernel));
    }
  }

  for (size_t at = 0; at < kPoseidonLanes; ++at) {
    uint32_t want[kPoseidonLanes][W];
    for (size_t lane = 0; lane < kPoseidonLanes; ++lane) {
      if (lane == at) {
        std::copy(input.begin(), input.end(), states[lane]);
        std::copy(expected.begin(), expected.end(), want[lane]);
      } else {
        FillerState(static_cast<uint32_t>(lane * kPoseidonLanes + at), states[lane], W);
        std::copy(states[lane], states[lane] + W, want[lane]);
        single(want[lane]);
      }
    }
    batch(states);
    for (size_t lane = 0; lane < kPoseidonLanes; ++lane) {
      if (std::string d = FirstDifference(std::vector<uint32_t>(want[lane], want[lane] + W), states[lane]);
          !d.empty()) {
        return CaseOutcome::Fail(absl::StrCat("mixed batch with the input in lane ", at, ", lane ", lane, ": ", d,
                                              lane == at ? "" : " (vs the single-state result)", kernel));
      }
    }
  }
  return CaseOutcome::Pass();
}

}  // namespace

CaseOutcome RunPoseidonPermutationCase(const std::string& test_id, const Json& c) {
  absl::StatusOr<uint64_t> width = ParseUint(c.at("width"));
  if (!width.ok()) return CaseOutcome::Fail(absl::StrCat("width: ", width.status().message()));
  absl::StatusOr<std::vector<uint32_t>> input = ParseElements(c.at("inputState"));
  if (!input.ok()) return CaseOutcome::Fail(absl::StrCat("inputState: ", input.status().message()));
  absl::StatusOr<std::vector<uint32_t>> output = ParseElements(c.at("outputState"));
  if (!output.ok()) return CaseOutcome::Fail(absl::StrCat("outputState: ", output.status().message()));
  if (*width != 16 && *width != 24) return CaseOutcome::Fail(absl::StrCat("unsupported width ", *width));
  if (input->size() != *width || output->size() != *width) {
    return CaseOutcome::Fail(absl::StrCat("width ", *width, " but inputState has ", input->size(),
                                          " elements and outputState ", output->size()));
  }
  return *width == 16 ? Check<16>(*input, *output) : Check<24>(*input, *output);
}

}  // namespace beam::spectest
