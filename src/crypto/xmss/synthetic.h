// Synthetic XMSS signatures for tests and benchmarks.
//
// The one-time key of `epoch` is real (derived from a seeded PRF key), its
// authentication path is random, and the public root is whatever that path climbs to.
// The result is a valid signature that a verifier cannot tell from a real one, without
// the cost of a full key generation (hours of hashing for PROD). Never use it to sign
// anything: the "key" can sign exactly one message at one epoch.

#ifndef BEAMCORE_CRYPTO_XMSS_SYNTHETIC_H_
#define BEAMCORE_CRYPTO_XMSS_SYNTHETIC_H_

#include <cstdint>

#include "crypto/xmss/config.h"
#include "crypto/xmss/containers.h"
#include "crypto/xmss/subtree.h"
#include "ssz/bytes.h"

namespace beam::crypto::xmss {

struct SyntheticSignature {
  PublicKey public_key;
  Signature signature;
};

// A deterministic RandomBytes (not cryptographic), for reproducible tests and benchmarks.
RandomBytes SeededRandomBytes(uint32_t seed);

SyntheticSignature SignWithRandomPath(const XmssConfig& config, uint64_t epoch, const ssz::Bytes32& message,
                                      const RandomBytes& rng);

}  // namespace beam::crypto::xmss

#endif  // BEAMCORE_CRYPTO_XMSS_SYNTHETIC_H_
