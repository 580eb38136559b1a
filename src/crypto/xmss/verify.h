// XMSS signature verification (leanSpec GeneralizedXmssScheme.verify and verify_path).

#ifndef BEAMCORE_CRYPTO_XMSS_VERIFY_H_
#define BEAMCORE_CRYPTO_XMSS_VERIFY_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "crypto/xmss/config.h"
#include "crypto/xmss/containers.h"
#include "crypto/xmss/tweak_hash.h"
#include "ssz/bytes.h"

namespace beam::crypto::xmss {

// True iff `signature` is a valid signature of `message` at `epoch` under `public_key`
// for `config`. Any malformed input (wrong shape, non-canonical field element, epoch
// past the lifetime) is a plain `false`, never a crash. Thread-safe.
bool Verify(const XmssConfig& config, const PublicKey& public_key, uint64_t epoch, const ssz::Bytes32& message,
            const Signature& signature);

// The checks Verify makes before hashing any chain: the epoch is within the lifetime,
// every element is canonical, the signature has the shape of `config` and the message
// encodes under its rho. Returns the codeword when all pass and nullopt when Verify
// returns false without hashing further. VerifyBatch shares it, so the two reject
// exactly the same inputs. Thread-safe.
std::optional<std::vector<uint8_t>> VerifiableCodeword(const XmssConfig& config, const PublicKey& public_key,
                                                       uint64_t epoch, const ssz::Bytes32& message,
                                                       const Signature& signature);

// The Merkle root the signature's authentication path leads to from the leaf over
// `chain_ends` (the finished chains) at `epoch`; Verify compares it with the key's.
// `signature` must have config.log_lifetime siblings. Thread-safe.
Digest RootFromChainEnds(const XmssConfig& config, const ParameterElems& parameter, uint64_t epoch,
                         absl::Span<const Digest> chain_ends, const Signature& signature);

}  // namespace beam::crypto::xmss

#endif  // BEAMCORE_CRYPTO_XMSS_VERIFY_H_
