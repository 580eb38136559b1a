/* CHECK / CHECK_STATUS for the plain-C tests of the C ABI: a failed check prints
 * where and why and counts into `failures` (each test's main reports the count). */
#ifndef BEAMCORE_TESTS_CAPI_C_CHECK_H_
#define BEAMCORE_TESTS_CAPI_C_CHECK_H_

#include <beamcore/beamcore.h>
#include <stdio.h>

static int failures = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                              \
    }                                                                          \
  } while (0)

#define CHECK_STATUS(expr, want)                                                              \
  do {                                                                                        \
    beam_status got_ = (expr);                                                                \
    if (got_ != (want)) {                                                                     \
      fprintf(stderr, "%s:%d: %s = %d, want %d (%s)\n", __FILE__, __LINE__, #expr, (int)got_, \
              (int)(want), beam_last_error());                                                \
      ++failures;                                                                             \
    }                                                                                         \
  } while (0)

#endif /* BEAMCORE_TESTS_CAPI_C_CHECK_H_ */
