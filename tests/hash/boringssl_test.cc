#include "hash/boringssl.h"

#include <dlfcn.h>

#include <climits>
#include <cstdlib>
#include <cstring>

#include "gtest/gtest.h"
#include "ssz/bytes.h"

namespace beam::hash::boringssl {
namespace {

TEST(BoringSsl, LoadsFromAnAbsolutePath) {
  ASSERT_NE(LibraryPath(), nullptr);
  EXPECT_EQ(LibraryPath()[0], '/') << LibraryPath();
  const Api& api = Get();
  EXPECT_NE(api.sha256, nullptr);
  EXPECT_NE(api.sha256_transform_blocks, nullptr);
  EXPECT_NE(api.rand_bytes, nullptr);
  EXPECT_EQ(&Get(), &api);  // resolved once
}

TEST(BoringSsl, FunctionsComeFromTheConfiguredLibrary) {
  Dl_info info{};
  ASSERT_NE(dladdr(reinterpret_cast<void*>(Get().sha256), &info), 0);
  ASSERT_NE(info.dli_fname, nullptr);
  char want[PATH_MAX], got[PATH_MAX];
  ASSERT_NE(realpath(LibraryPath(), want), nullptr);
  ASSERT_NE(realpath(info.dli_fname, got), nullptr);
  EXPECT_STREQ(got, want);
}

TEST(BoringSsl, Sha256KnownVector) {
  uint8_t out[32];
  const char* msg = "abc";
  Get().sha256(reinterpret_cast<const uint8_t*>(msg), std::strlen(msg), out);
  EXPECT_EQ(ssz::ToHex(ssz::ByteView(out, 32)),
            "0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(BoringSsl, RandBytesFillsTheBuffer) {
  uint8_t a[32] = {}, b[32] = {};
  EXPECT_EQ(Get().rand_bytes(a, sizeof(a)), 1);
  EXPECT_EQ(Get().rand_bytes(b, sizeof(b)), 1);
  EXPECT_NE(std::memcmp(a, b, sizeof(a)), 0);
}

// gcc says __SANITIZE_*__; clang 14 only answers __has_feature.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define BEAM_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define BEAM_TEST_SANITIZED 1
#endif
#endif

TEST(BoringSsl, DeepBindOnlyWithoutSanitizers) {
#ifdef BEAM_TEST_SANITIZED
  EXPECT_FALSE(UsesDeepBind());
#else
  EXPECT_TRUE(UsesDeepBind());
#endif
}

}  // namespace
}  // namespace beam::hash::boringssl
