/* Compiles the public header as C11 and links against libbeamcore.so. */
#include <beamcore/beamcore.h>

#include <stdio.h>
#include <string.h>

int main(void) {
  const char* v = beam_version_string();
  if (v == NULL) {
    fprintf(stderr, "beam_version_string() returned NULL\n");
    return 1;
  }
  if (strlen(v) == 0) {
    fprintf(stderr, "beam_version_string() returned an empty string\n");
    return 1;
  }
  const unsigned want =
      (unsigned)BEAMCORE_VERSION_MAJOR << 16 | (unsigned)BEAMCORE_VERSION_MINOR << 8 | BEAMCORE_VERSION_PATCH;
  if (beam_version_number() != want) {
    fprintf(stderr, "beam_version_number() = 0x%06x, want 0x%06x\n", beam_version_number(), want);
    return 1;
  }
  printf("libbeamcore %s\n", v);
  return 0;
}
