// BoringSSL, loaded privately at run time.
//
// libbeamcore does not link BoringSSL (Debian's libcrypto.so.0 from
// android-libboringssl): its exported names (SHA256, RAND_bytes, ...) are the same
// unversioned names OpenSSL's libcrypto exports, so in a host that already has
// OpenSSL in its global symbol scope (Python after `import ssl`, Node.js, which
// exports OpenSSL from its binary) a normal dynamic link would bind our calls to
// OpenSSL. Instead the library is dlopen()ed by its absolute path (found by CMake)
// with RTLD_LOCAL (its symbols never enter the global scope) and, outside sanitizer
// builds, RTLD_DEEPBIND (BoringSSL's own internal references resolve inside
// BoringSSL first, not to a host's OpenSSL). The functions we use are resolved with
// dlsym() into the typed pointers below.
//
// The library is a hard install dependency: if it cannot be loaded, the first use
// prints the reason on stderr and aborts.
//
// The BoringSSL headers are included for the prototypes only; never call the
// functions they declare directly (the shared library would fail to link with
// --no-undefined, which is the point).

#ifndef BEAMCORE_HASH_BORINGSSL_H_
#define BEAMCORE_HASH_BORINGSSL_H_

#include <openssl/base.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#ifndef OPENSSL_IS_BORINGSSL
#error "libbeamcore must be built against BoringSSL (android-libboringssl-dev), not OpenSSL"
#endif

namespace beam::hash::boringssl {

struct Api {
  decltype(&::SHA256) sha256;
  decltype(&::SHA256_TransformBlocks) sha256_transform_blocks;
  decltype(&::RAND_bytes) rand_bytes;
};

// The resolved functions. The first call loads the library (thread-safe); later calls
// cost one already-initialized check. Aborts if the library or a symbol is missing.
const Api& Get();

// Absolute path of the BoringSSL library that Get() loads.
const char* LibraryPath();

// Whether the library is opened with RTLD_DEEPBIND (false in sanitizer builds).
bool UsesDeepBind();

}  // namespace beam::hash::boringssl

#endif  // BEAMCORE_HASH_BORINGSSL_H_
