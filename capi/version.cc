// beam_version_string, beam_version_number.

#include <cstring>

#include "beamcore/beamcore.h"
#include "version/version.h"

static_assert(BEAM_VERSION_MAJOR >= 0 && BEAM_VERSION_MAJOR <= 255);
static_assert(BEAM_VERSION_MINOR >= 0 && BEAM_VERSION_MINOR <= 255);
static_assert(BEAM_VERSION_PATCH >= 0 && BEAM_VERSION_PATCH <= 255);

extern "C" BEAM_EXPORT const char* beam_version_string(void) { return beam::VersionString(); }

extern "C" BEAM_EXPORT unsigned beam_version_number(void) {
  return (static_cast<unsigned>(BEAM_VERSION_MAJOR) << 16) | (static_cast<unsigned>(BEAM_VERSION_MINOR) << 8) |
         static_cast<unsigned>(BEAM_VERSION_PATCH);
}
