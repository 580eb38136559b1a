// beam_version_string, beam_version_number.

#include "beamcore/beamcore.h"
#include "version/version.h"

// The build's project version (CMake) and the header's must agree.
static_assert(BEAM_VERSION_MAJOR == BEAMCORE_VERSION_MAJOR && BEAM_VERSION_MINOR == BEAMCORE_VERSION_MINOR &&
              BEAM_VERSION_PATCH == BEAMCORE_VERSION_PATCH);
static_assert(BEAM_VERSION_MINOR <= 255 && BEAM_VERSION_PATCH <= 255);

extern "C" BEAM_EXPORT const char* beam_version_string(void) { return beam::VersionString(); }

extern "C" BEAM_EXPORT unsigned beam_version_number(void) {
  return (static_cast<unsigned>(BEAM_VERSION_MAJOR) << 16) | (static_cast<unsigned>(BEAM_VERSION_MINOR) << 8) |
         static_cast<unsigned>(BEAM_VERSION_PATCH);
}
