// The XMSS pseudorandom function (leanSpec crypto/xmss/prf.py): SHAKE128 over a domain
// separator, the secret key and the position, reduced to field elements.

#ifndef BEAMCORE_CRYPTO_XMSS_PRF_H_
#define BEAMCORE_CRYPTO_XMSS_PRF_H_

#include <array>
#include <cstdint>

#include "crypto/xmss/encoding.h"
#include "crypto/xmss/tweak_hash.h"
#include "ssz/bytes.h"

namespace beam::crypto::xmss {

inline constexpr size_t kPrfKeyLength = 32;
using PrfKey = std::array<uint8_t, kPrfKeyLength>;

// The secret start of chain `chain_index` of the one-time key for `epoch`.
Digest DeriveChainStart(const PrfKey& key, uint64_t epoch, uint64_t chain_index);

// The randomness of signing attempt `counter` for `message` at `epoch`.
RandomnessElems DeriveRandomness(const PrfKey& key, uint64_t epoch, const ssz::Bytes32& message, uint64_t counter);

}  // namespace beam::crypto::xmss

#endif  // BEAMCORE_CRYPTO_XMSS_PRF_H_
