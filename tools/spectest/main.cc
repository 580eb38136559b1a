// beamcore-spectest: runs leanSpec conformance fixtures against libbeamcore.
//
//   beamcore-spectest --fixtures DIR [--format ssz,state_transition,...,networking_codec,api_endpoint]
//
// DIR is a fixtures root (holding consensus/) or its consensus/ folder. Prints one line
// per format, "<format>: N passed, N failed, N skipped", lists every failure with its
// test id and first difference and every skip with its reason, and exits 1 on any
// failure (2 on a usage or I/O error).

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "tools/spectest/runner.h"

namespace fs = std::filesystem;
using beam::spectest::CaseOutcome;

namespace {

using CaseFn = CaseOutcome (*)(const std::string&, const nlohmann::json&);

const std::map<std::string, CaseFn>& Formats() {
  static const auto* kFormats = new std::map<std::string, CaseFn>{
      {"ssz", beam::spectest::RunSszCase},
      {"state_transition", beam::spectest::RunStateTransitionCase},
      {"justifiability", beam::spectest::RunJustifiabilityCase},
      {"poseidon_permutation", beam::spectest::RunPoseidonPermutationCase},
      {"fork_choice", beam::spectest::RunForkChoiceCase},
      {"slot_clock", beam::spectest::RunSlotClockCase},
      {"sync", beam::spectest::RunSyncCase},
      {"networking_codec", beam::spectest::RunNetworkingCodecCase},
      {"api_endpoint", beam::spectest::RunApiEndpointCase},
  };
  return *kFormats;
}

struct Tally {
  int passed = 0, failed = 0, skipped = 0;
  std::vector<std::string> failures, skips;
};

std::vector<fs::path> JsonFilesUnder(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

void RunFormat(const std::string& format, const fs::path& dir, CaseFn fn, Tally& t) {
  for (const fs::path& file : JsonFilesUnder(dir)) {
    nlohmann::json doc;
    try {
      std::ifstream in(file);
      doc = nlohmann::json::parse(in);
    } catch (const std::exception& e) {
      ++t.failed;
      t.failures.push_back(file.string() + ": unreadable JSON: " + e.what());
      continue;
    }
    for (const auto& [test_id, c] : doc.items()) {
      CaseOutcome outcome;
      try {
        outcome = fn(test_id, c);
      } catch (const std::exception& e) {  // malformed fixture JSON (wrong types)
        outcome = CaseOutcome::Fail(std::string("exception while reading the case: ") + e.what());
      }
      switch (outcome.kind) {
        case CaseOutcome::Kind::kPassed:
          ++t.passed;
          break;
        case CaseOutcome::Kind::kFailed:
          ++t.failed;
          t.failures.push_back(test_id + "\n      " + outcome.detail);
          break;
        case CaseOutcome::Kind::kSkipped:
          ++t.skipped;
          t.skips.push_back(test_id + "\n      " + outcome.detail);
          break;
      }
    }
  }
}

int Usage() {
  std::cerr << "usage: beamcore-spectest --fixtures DIR [--format ssz,state_transition,justifiability,poseidon_permutation,fork_choice,slot_clock,sync,networking_codec,api_endpoint]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path root;
  std::set<std::string> only;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--fixtures" && i + 1 < argc) {
      root = argv[++i];
    } else if (arg == "--format" && i + 1 < argc) {
      for (absl::string_view f : absl::StrSplit(argv[++i], ',', absl::SkipEmpty())) only.insert(std::string(f));
    } else {
      return Usage();
    }
  }
  if (root.empty()) return Usage();
  if (fs::is_directory(root / "consensus")) root /= "consensus";
  if (!fs::is_directory(root)) {
    std::cerr << "beamcore-spectest: no fixtures directory at " << root << "\n";
    return 2;
  }
  for (const std::string& f : only) {
    if (!Formats().count(f)) {
      std::cerr << "beamcore-spectest: unknown format " << f << "\n";
      return 2;
    }
  }

  Tally total;
  bool ran_any = false;
  std::vector<std::string> present;
  for (const auto& entry : fs::directory_iterator(root)) {
    if (entry.is_directory()) present.push_back(entry.path().filename().string());
  }
  std::sort(present.begin(), present.end());
  for (const std::string& format : present) {
    auto it = Formats().find(format);
    if (it == Formats().end()) {
      if (only.empty()) std::cout << format << ": not run (format not implemented by this runner yet)\n";
      continue;
    }
    if (!only.empty() && !only.count(format)) continue;
    Tally t;
    RunFormat(format, root / format, it->second, t);
    ran_any = true;
    std::cout << format << ": " << t.passed << " passed, " << t.failed << " failed, " << t.skipped << " skipped\n";
    for (const std::string& f : t.failures) std::cout << "  FAIL " << f << "\n";
    for (const std::string& s : t.skips) std::cout << "  SKIP " << s << "\n";
    total.passed += t.passed;
    total.failed += t.failed;
    total.skipped += t.skipped;
  }
  for (const std::string& f : only) {
    if (std::find(present.begin(), present.end(), f) == present.end()) {
      std::cerr << "beamcore-spectest: format " << f << " has no fixtures under " << root << "\n";
      return 2;
    }
  }
  if (!ran_any) {
    std::cerr << "beamcore-spectest: no known format under " << root << "\n";
    return 2;
  }
  std::cout << "total: " << total.passed << " passed, " << total.failed << " failed, " << total.skipped
            << " skipped\n";
  return total.failed == 0 ? 0 : 1;
}
