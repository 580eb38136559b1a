// Helpers shared by the wire tests.

#ifndef BEAMCORE_TESTS_WIRE_TEST_UTIL_H_
#define BEAMCORE_TESTS_WIRE_TEST_UTIL_H_

#include <cstdint>
#include <random>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "consensus/rejection.h"
#include "ssz/bytes.h"

namespace beam::wire::testing {

// "0x..." or bare hex to bytes (test vectors only; aborts the test on bad input).
inline ssz::ByteVec Hex(std::string hex) {
  if (hex.rfind("0x", 0) == 0) hex = hex.substr(2);
  const std::string raw = absl::HexStringToBytes(hex);
  return ssz::ByteVec(raw.begin(), raw.end());
}

inline ssz::ByteVec Bytes(const std::string& s) { return ssz::ByteVec(s.begin(), s.end()); }

inline ssz::ByteVec Random(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  ssz::ByteVec out(n);
  for (auto& b : out) b = static_cast<uint8_t>(rng());
  return out;
}

// Compressible but not trivial: words drawn from a small alphabet.
inline ssz::ByteVec Texty(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  static const char* kWords[] = {"lean ", "consensus ", "block ", "attestation ", "slot ", "root ", "0x00 "};
  ssz::ByteVec out;
  while (out.size() < n) {
    const std::string w = kWords[rng() % 7];
    out.insert(out.end(), w.begin(), w.end());
  }
  out.resize(n);
  return out;
}

inline bool IsDecodeError(const absl::Status& s) {
  return consensus::GetRejectionReason(s) == consensus::RejectionReason::kDECODE_ERROR;
}

}  // namespace beam::wire::testing

#endif  // BEAMCORE_TESTS_WIRE_TEST_UTIL_H_
