/* CHECK / CHECK_STATUS / CHECK_OK for the plain-C tests of the C ABI: a failed check
 * prints where and why and counts into `failures`; `checks` counts them all (each
 * test's main reports both). A status check also fails when a call fails without
 * saying why (beam_last_error() empty). */
#ifndef BEAMCORE_TESTS_CAPI_C_CHECK_H_
#define BEAMCORE_TESTS_CAPI_C_CHECK_H_

#include <beamcore/common.h>
#include <stdio.h>

static int failures = 0;
static int checks = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    ++checks;                                                                  \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                              \
    }                                                                          \
  } while (0)

#define CHECK_STATUS(expr, want)                                                                           \
  do {                                                                                                     \
    beam_status got_ = (expr);                                                                             \
    ++checks;                                                                                              \
    if (got_ != (want)) {                                                                                  \
      fprintf(stderr, "%s:%d: %s = %s, want %s (%s)\n", __FILE__, __LINE__, #expr, beam_status_string(got_), \
              beam_status_string(want), beam_last_error());                                                \
      ++failures;                                                                                          \
    } else if ((want) != BEAM_OK && beam_last_error()[0] == '\0') {                                        \
      fprintf(stderr, "%s:%d: %s failed without a message\n", __FILE__, __LINE__, #expr);                  \
      ++failures;                                                                                          \
    }                                                                                                      \
  } while (0)

#define CHECK_OK(expr) CHECK_STATUS(expr, BEAM_OK)

/* main's verdict: 0 if every check passed. */
static int report(const char* test) {
  if (failures != 0) {
    fprintf(stderr, "%s: %d of %d checks failed\n", test, failures, checks);
    return 1;
  }
  printf("%s: %d checks passed\n", test, checks);
  return 0;
}

#endif /* BEAMCORE_TESTS_CAPI_C_CHECK_H_ */
