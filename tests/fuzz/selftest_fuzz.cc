// The replay driver's own check: this harness's property fails on inputs that start
// with "BAD", so replaying selftest/ must fail (CTest WILL_FAIL). Without it a driver
// that never ran the harness, or swallowed aborts, would pass every replay.

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  BEAM_FUZZ_CHECK(!(size >= 3 && std::memcmp(data, "BAD", 3) == 0), "the self-test input was seen");
  return 0;
}
