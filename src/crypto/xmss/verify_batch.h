// Batched XMSS signature verification: up to kPoseidonLanes signatures at once, one per
// lane of the batched Poseidon kernels (crypto/poseidon1.h), with exactly the results
// of Verify (crypto/xmss/verify.h).
//
// The chains of all signatures of a batch are hashed as one pool, so the lanes stay
// full; the leaf sponge and the Merkle path hash one signature per lane. Where the CPU
// has no vector Poseidon kernel this is a loop over Verify. Thread-safe.

#ifndef BEAMCORE_CRYPTO_XMSS_VERIFY_BATCH_H_
#define BEAMCORE_CRYPTO_XMSS_VERIFY_BATCH_H_

#include <cstdint>

#include "absl/types/span.h"
#include "crypto/xmss/config.h"
#include "crypto/xmss/containers.h"
#include "ssz/bytes.h"

namespace beam::crypto::xmss {

// One signature to check. The pointers are not owned and must be non-null.
struct VerifyItem {
  const PublicKey* public_key;
  uint64_t epoch;
  const ssz::Bytes32* message;
  const Signature* signature;
};

// results[i] = Verify(config, *items[i].public_key, items[i].epoch, *items[i].message,
// *items[i].signature) for every i, whatever the mix: a malformed item (wrong shape,
// non-canonical element, epoch past the lifetime, message that does not encode) is a
// plain false and does not affect the others. Any number of items, kPoseidonLanes at
// a time. Only the first min(items.size(), results.size()) items are verified; the
// rest of `results` is left as it was.
void VerifyBatch(const XmssConfig& config, absl::Span<const VerifyItem> items, absl::Span<bool> results);

}  // namespace beam::crypto::xmss

#endif  // BEAMCORE_CRYPTO_XMSS_VERIFY_BATCH_H_
