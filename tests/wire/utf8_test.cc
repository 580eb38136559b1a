// wire/utf8.h: the UTF-8 Python's str.encode produces, and cutting it without splitting
// a character.

#include "wire/utf8.h"

#include <string>

#include <gtest/gtest.h>

namespace beam::wire {
namespace {

TEST(Utf8Test, AcceptsWellFormedText) {
  for (const char* ok : {"", "ascii", "err\xc3\xbcr", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xef\xbf\xbf",
                         "\xf4\x8f\xbf\xbf", "\xed\x9f\xbf", "\xee\x80\x80"}) {
    EXPECT_TRUE(IsValidUtf8(ok)) << ok;
  }
  EXPECT_TRUE(IsValidUtf8(std::string("a\0b", 3)));  // NUL is a character
}

TEST(Utf8Test, RejectsMalformedText) {
  for (const char* bad : {"\x80", "\xbf", "\xc0\x80", "\xc1\xbf", "\xc3", "\xe2\x82", "\xe0\x80\x80", "\xe0\x9f\xbf",
                          "\xed\xa0\x80", "\xed\xbf\xbf", "\xf0\x80\x80\x80", "\xf0\x8f\xbf\xbf", "\xf4\x90\x80\x80",
                          "\xf5\x80\x80\x80", "\xff", "\xc3\x28", "\xe2\x28\xa1", "\xf0\x9f\x98"}) {
    EXPECT_FALSE(IsValidUtf8(bad)) << std::string(bad).size();
  }
}

TEST(Utf8Test, PrefixNeverSplitsACharacter) {
  const std::string s = "ab\xc3\xbc\xf0\x9f\x98\x80z";  // a b ü 😀 z
  const size_t expected[] = {0, 1, 2, 2, 4, 4, 4, 4, 8, 9, 9};
  for (size_t max = 0; max < std::size(expected); ++max) {
    EXPECT_EQ(Utf8PrefixLength(s, max), expected[max]) << max;
  }
}

}  // namespace
}  // namespace beam::wire
