#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "beamcore/beamcore.h"

namespace {

TEST(VersionTest, String) {
  ASSERT_NE(beam_version_string(), nullptr);
  // The library's version is the header's (capi/version.cc checks it against CMake's).
  const std::string expected = std::to_string(BEAMCORE_VERSION_MAJOR) + "." + std::to_string(BEAMCORE_VERSION_MINOR) +
                               "." + std::to_string(BEAMCORE_VERSION_PATCH);
  EXPECT_EQ(std::string_view(beam_version_string()), expected);
  EXPECT_EQ(BEAMCORE_VERSION_MAJOR, 1);
}

TEST(VersionTest, Number) {
  EXPECT_EQ(beam_version_number(),
            unsigned{BEAMCORE_VERSION_MAJOR << 16 | BEAMCORE_VERSION_MINOR << 8 | BEAMCORE_VERSION_PATCH});
}

}  // namespace
