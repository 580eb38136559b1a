// Seeds for the harnesses whose inputs are built from library values (make_seeds.py
// writes the others from the fixtures' bytes directly):
//   stf          every (pre-state, block) pair of the fixtures' state_transition chains
//                and fork_choice block steps, in stf_fuzz.cc's layout
//   xmss_verify  valid TEST and PROD signatures in the raw layout, and tamper-mode
//                inputs (xmss_verify_fuzz.cc)
//
//   make_native_seeds FIXTURES_DIR OUT_DIR     (writes OUT_DIR/<target>/<hash>)
// Built by the asan preset (BEAM_FUZZ) as fuzz_make_native_seeds.

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "consensus/state_transition.h"
#include "consensus/types/block.h"
#include "consensus/types/state.h"
#include "crypto/xmss/config.h"
#include "crypto/xmss/synthetic.h"
#include "ssz/codec.h"
#include "tools/spectest/json_ssz.h"

namespace {

namespace fs = std::filesystem;
using beam::consensus::Block;
using beam::consensus::State;
using beam::spectest::Json;

// FNV-1a, for file names only (the same input gets the same name).
std::string NameOf(const std::vector<uint8_t>& data) {
  uint64_t h = 1469598103934665603ull;
  for (uint8_t b : data) h = (h ^ b) * 1099511628211ull;
  return absl::StrFormat("%016x-%d", h, data.size());
}

class SeedWriter {
 public:
  explicit SeedWriter(fs::path out) : out_(std::move(out)) {}
  void Write(const std::string& target, const std::vector<uint8_t>& data) {
    const fs::path dir = out_ / target;
    fs::create_directories(dir);
    const fs::path path = dir / NameOf(data);
    if (fs::exists(path)) return;
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(data.data()),
                                                 static_cast<std::streamsize>(data.size()));
    ++written_[target];
  }
  void Report() const {
    for (const auto& [target, n] : written_) std::printf("%s: %d new seed(s)\n", target.c_str(), n);
  }

 private:
  fs::path out_;
  std::map<std::string, int> written_;
};

std::vector<uint8_t> StfInput(const State& state, const Block& block) {
  const beam::ssz::ByteVec s = beam::ssz::Encode(state);
  const beam::ssz::ByteVec b = beam::ssz::Encode(block);
  std::vector<uint8_t> out(4);
  const uint32_t len = static_cast<uint32_t>(s.size());
  std::memcpy(out.data(), &len, 4);
  out.insert(out.end(), s.begin(), s.end());
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

std::vector<fs::path> JsonFiles(const fs::path& dir) {
  std::vector<fs::path> files;
  if (!fs::is_directory(dir)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// state_transition cases: a chain of blocks from `pre`; the last may be a rejection.
void StateTransitionSeeds(const fs::path& fixtures, SeedWriter& out) {
  for (const fs::path& file : JsonFiles(fixtures / "state_transition")) {
    const Json cases = Json::parse(std::ifstream(file));
    for (const auto& [name, c] : cases.items()) {
      absl::StatusOr<State> state = beam::spectest::ValueFromJson<State>(c["pre"]);
      if (!state.ok() || !c.contains("blocks")) continue;
      for (const Json& j : c["blocks"]) {
        absl::StatusOr<Block> block = beam::spectest::ValueFromJson<Block>(j);
        if (!block.ok()) break;
        out.Write("stf", StfInput(*state, *block));
        absl::StatusOr<State> next = beam::consensus::StateTransition(*state, *block);
        if (!next.ok()) break;
        state = std::move(next);
      }
    }
  }
}

// fork_choice cases: every block step on top of the state of its parent (forks too).
void ForkChoiceSeeds(const fs::path& fixtures, SeedWriter& out) {
  for (const fs::path& file : JsonFiles(fixtures / "fork_choice")) {
    const Json cases = Json::parse(std::ifstream(file));
    for (const auto& [name, c] : cases.items()) {
      absl::StatusOr<State> anchor = beam::spectest::ValueFromJson<State>(c["anchorState"]);
      absl::StatusOr<Block> anchor_block = beam::spectest::ValueFromJson<Block>(c["anchorBlock"]);
      if (!anchor.ok() || !anchor_block.ok()) continue;
      std::map<beam::ssz::Root, State> states;
      states.emplace(beam::ssz::HashTreeRoot(*anchor_block), std::move(*anchor));
      for (const Json& step : c["steps"]) {
        if (step.value("stepType", "") != "block" || !step.contains("block")) continue;
        absl::StatusOr<Block> block = beam::spectest::ValueFromJson<Block>(step["block"]);
        if (!block.ok()) continue;
        auto parent = states.find(block->parent_root);
        if (parent == states.end()) continue;
        out.Write("stf", StfInput(parent->second, *block));
        absl::StatusOr<State> next = beam::consensus::StateTransition(parent->second, *block);
        if (next.ok()) states.emplace(beam::ssz::HashTreeRoot(*block), std::move(*next));
      }
    }
  }
}

void XmssSeeds(SeedWriter& out) {
  namespace xmss = beam::crypto::xmss;
  for (const bool prod : {false, true}) {
    const xmss::XmssConfig& config = prod ? xmss::kProdConfig : xmss::kTestConfig;
    for (uint32_t seed = 0; seed < 4; ++seed) {
      const xmss::RandomBytes rng = xmss::SeededRandomBytes(1000 + seed);
      beam::ssz::Bytes32 message;
      rng(message.data(), 32);
      const uint64_t slot = (seed * 97 + 5) % config.lifetime();
      const xmss::SyntheticSignature s = xmss::SignWithRandomPath(config, slot, message, rng);
      // raw: scheme | slot | message | public key | signature
      std::vector<uint8_t> raw{static_cast<uint8_t>(prod ? 1 : 0)};
      for (int i = 0; i < 8; ++i) raw.push_back(static_cast<uint8_t>(slot >> (8 * i)));
      raw.insert(raw.end(), message.data(), message.data() + 32);
      const beam::ssz::ByteVec key = beam::ssz::Encode(s.public_key);
      const beam::ssz::ByteVec signature = beam::ssz::Encode(s.signature);
      raw.insert(raw.end(), key.begin(), key.end());
      raw.insert(raw.end(), signature.begin(), signature.end());
      out.Write("xmss_verify", raw);
      // tamper: scheme | mode | seed, untouched and with one edit of each kind
      std::vector<uint8_t> tamper{static_cast<uint8_t>((prod ? 1 : 0) | 2), static_cast<uint8_t>(seed), 0, 0, 0};
      out.Write("xmss_verify", tamper);
      for (uint8_t where = 0; where < 4; ++where) {
        std::vector<uint8_t> edited = tamper;
        edited.insert(edited.end(), {where, 0, static_cast<uint8_t>(7 + seed), 1});
        out.Write("xmss_verify", edited);
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s FIXTURES_DIR OUT_DIR\n", argv[0]);
    return 2;
  }
  const fs::path fixtures = fs::path(argv[1]) / "consensus";
  if (!fs::is_directory(fixtures)) {
    std::fprintf(stderr, "make_native_seeds: %s not found\n", fixtures.c_str());
    return 2;
  }
  SeedWriter out(argv[2]);
  StateTransitionSeeds(fixtures, out);
  ForkChoiceSeeds(fixtures, out);
  XmssSeeds(out);
  out.Report();
  return 0;
}
