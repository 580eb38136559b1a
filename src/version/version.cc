#include "version/version.h"

#ifndef BEAM_VERSION_STRING
#error "BEAM_VERSION_STRING must be defined by the build system"
#endif

namespace beam {

const char* VersionString() { return BEAM_VERSION_STRING; }

}  // namespace beam
