// SHAKE128 (FIPS 202), used by the XMSS PRF. BoringSSL as packaged by Debian exposes no
// SHA-3, so this is a plain Keccak-f[1600] sponge. Not on any hot path (key generation
// and signing only). Pure functions; thread-safe.

#ifndef BEAMCORE_CRYPTO_SHAKE128_H_
#define BEAMCORE_CRYPTO_SHAKE128_H_

#include <cstddef>
#include <cstdint>

namespace beam::crypto {

// Writes out_len bytes of SHAKE128(in).
void Shake128(const uint8_t* in, size_t in_len, uint8_t* out, size_t out_len);

}  // namespace beam::crypto

#endif  // BEAMCORE_CRYPTO_SHAKE128_H_
