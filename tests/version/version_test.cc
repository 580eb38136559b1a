#include <string_view>

#include <gtest/gtest.h>

#include "beamcore/beamcore.h"

namespace {

TEST(VersionTest, String) {
  ASSERT_NE(beam_version_string(), nullptr);
  EXPECT_EQ(std::string_view(beam_version_string()), "1.0.0");
}

TEST(VersionTest, Number) {
  EXPECT_EQ(beam_version_number(), 0x010000u);
}

}  // namespace
