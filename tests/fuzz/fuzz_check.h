// What a fuzz harness asserts: a property that must hold for every input (a round trip,
// determinism). A violation prints what broke and aborts, which libFuzzer reports as a
// crash with the input saved, and the replay driver (replay_main.cc) as a failed test.

#ifndef BEAMCORE_TESTS_FUZZ_FUZZ_CHECK_H_
#define BEAMCORE_TESTS_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define BEAM_FUZZ_CHECK(condition, what)                                                   \
  do {                                                                                     \
    if (!(condition)) {                                                                    \
      std::fprintf(stderr, "fuzz property violated at %s:%d: %s (%s)\n", __FILE__, __LINE__, \
                   what, #condition);                                                      \
      std::abort();                                                                        \
    }                                                                                      \
  } while (0)

#endif  // BEAMCORE_TESTS_FUZZ_FUZZ_CHECK_H_
