#include "hash/boringssl.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

#ifndef BEAM_BORINGSSL_LIBRARY
#error "BEAM_BORINGSSL_LIBRARY (absolute path of BoringSSL's libcrypto.so.0) must be defined by the build"
#endif

// ASan and TSan refuse RTLD_DEEPBIND (the library would bypass their interceptors).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define BEAM_BORINGSSL_DEEPBIND 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define BEAM_BORINGSSL_DEEPBIND 0
#endif
#endif
#ifndef BEAM_BORINGSSL_DEEPBIND
#define BEAM_BORINGSSL_DEEPBIND 1
#endif

namespace beam::hash::boringssl {
namespace {

constexpr const char* kLibrary = BEAM_BORINGSSL_LIBRARY;

// `what` names the failed step ("load", "resolve SHA256 in", ...).
[[noreturn]] void Fail(const char* what, const char* detail) {
  std::fprintf(stderr,
               "libbeamcore: fatal: cannot %s BoringSSL (%s): %s\n"
               "libbeamcore: BoringSSL is a required dependency (Debian package android-libboringssl)\n",
               what, kLibrary, detail ? detail : "unknown error");
  std::fflush(stderr);
  std::abort();
}

template <typename Fn>
void Resolve(void* handle, const char* name, const char* what, Fn& out) {
  dlerror();  // clear any stale error
  void* sym = dlsym(handle, name);
  if (sym == nullptr) Fail(what, dlerror());
  out = reinterpret_cast<Fn>(sym);
}

Api Load() {
  int flags = RTLD_NOW | RTLD_LOCAL;
#if BEAM_BORINGSSL_DEEPBIND
  flags |= RTLD_DEEPBIND;
#endif
  // Never dlclose()d: the functions stay valid for the life of the process.
  void* handle = dlopen(kLibrary, flags);
  if (handle == nullptr) Fail("load", dlerror());
  Api api{};
  Resolve(handle, "SHA256", "resolve SHA256 in", api.sha256);
  Resolve(handle, "SHA256_TransformBlocks", "resolve SHA256_TransformBlocks in", api.sha256_transform_blocks);
  Resolve(handle, "RAND_bytes", "resolve RAND_bytes in", api.rand_bytes);
  return api;
}

}  // namespace

const Api& Get() {
  static const Api api = Load();  // thread-safe initialization (C++11 magic statics)
  return api;
}

namespace {
// Load at library load time too: a missing BoringSSL fails when the host loads
// libbeamcore, not in the middle of an operation, and a process whose hashing never
// leaves the SHA-NI kernel still binds the same library. Get() keeps its own guard so
// static initializers of other files may call it before this one runs.
[[maybe_unused]] const Api& kLoadedAtStartup = Get();
}  // namespace

const char* LibraryPath() { return kLibrary; }

bool UsesDeepBind() { return BEAM_BORINGSSL_DEEPBIND != 0; }

}  // namespace beam::hash::boringssl
