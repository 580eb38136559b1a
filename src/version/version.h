// The library's version (the build's project version).

#ifndef BEAMCORE_VERSION_VERSION_H_
#define BEAMCORE_VERSION_VERSION_H_

namespace beam {

const char* VersionString();  // "MAJOR.MINOR.PATCH"

}  // namespace beam

#endif  // BEAMCORE_VERSION_VERSION_H_
