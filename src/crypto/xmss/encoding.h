// Message encoding of generalized XMSS (leanSpec crypto/xmss/encoding.py): the message
// hash, the aborting decode into base-`base` digits, and the target-sum filter.

#ifndef BEAMCORE_CRYPTO_XMSS_ENCODING_H_
#define BEAMCORE_CRYPTO_XMSS_ENCODING_H_

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "crypto/xmss/tweak_hash.h"
#include "ssz/bytes.h"

namespace beam::crypto::xmss {

using RandomnessElems = std::array<uint32_t, kRandLengthFieldElements>;

// The 32-byte message read as a little-endian integer, in base-p limbs.
std::array<uint32_t, kMessageLengthFieldElements> EncodeMessage(const ssz::Bytes32& message);

// The codeword (dimension digits in [0, base)) of the message, or nullopt when the
// hash is rejected by the aborting decode or misses the target sum (the signer then
// retries with other randomness; a verifier rejects).
std::optional<std::vector<uint8_t>> TargetSumEncode(const XmssConfig& config, const ParameterElems& parameter,
                                                    uint64_t epoch, const RandomnessElems& rho,
                                                    const ssz::Bytes32& message);

}  // namespace beam::crypto::xmss

#endif  // BEAMCORE_CRYPTO_XMSS_ENCODING_H_
