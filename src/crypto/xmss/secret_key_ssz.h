// The SSZ form of an XMSS secret key: leanSpec's SecretKey container (crypto/xmss/
// containers.py), the bytes of a validator's key file (hash-sig-keys/*_sk.ssz in the
// cross-client key layout). Decoding checks the key's shape so that signing with it
// cannot index outside its trees; it does not recompute the tree hashes (a corrupt
// file gives signatures that do not verify: compare PublicKeyOf with the expected key).

#ifndef BEAMCORE_CRYPTO_XMSS_SECRET_KEY_SSZ_H_
#define BEAMCORE_CRYPTO_XMSS_SECRET_KEY_SSZ_H_

#include "absl/status/statusor.h"
#include "crypto/xmss/config.h"
#include "crypto/xmss/containers.h"
#include "crypto/xmss/keys.h"
#include "ssz/bytes.h"

namespace beam::crypto::xmss {

// `key`'s SSZ encoding (its current prepared window included).
ssz::ByteVec EncodeSecretKey(const SecretKey& key);

// A secret key of `config`'s scheme from its SSZ encoding. InvalidArgument for
// malformed bytes or a key whose trees do not fit together.
absl::StatusOr<SecretKey> DecodeSecretKey(const XmssConfig& config, ssz::ByteView bytes);

// The public key of `key`: its top tree's root and its parameter.
PublicKey PublicKeyOf(const SecretKey& key);

}  // namespace beam::crypto::xmss

#endif  // BEAMCORE_CRYPTO_XMSS_SECRET_KEY_SSZ_H_
