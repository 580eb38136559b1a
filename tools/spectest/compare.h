// Small helpers for reporting the first difference between expected and actual values.

#ifndef BEAMCORE_TOOLS_SPECTEST_COMPARE_H_
#define BEAMCORE_TOOLS_SPECTEST_COMPARE_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "ssz/bytes.h"

namespace beam::spectest {

// Empty when equal; otherwise where the byte strings first differ.
inline std::string FirstByteDifference(ssz::ByteView expected, ssz::ByteView actual) {
  const size_t n = std::min(expected.size(), actual.size());
  for (size_t i = 0; i < n; ++i) {
    if (expected[i] != actual[i]) {
      return absl::StrCat("byte ", i, ": expected 0x", absl::Hex(expected[i], absl::kZeroPad2), ", got 0x",
                          absl::Hex(actual[i], absl::kZeroPad2), " (lengths ", expected.size(), "/",
                          actual.size(), ")");
    }
  }
  if (expected.size() != actual.size()) {
    return absl::StrCat("length: expected ", expected.size(), " bytes, got ", actual.size());
  }
  return "";
}

}  // namespace beam::spectest

#endif  // BEAMCORE_TOOLS_SPECTEST_COMPARE_H_
