// PublicKeyCache: decoded XMSS public keys by (validator index, role), reused across
// verifications. Thread-safe: lookups take a shared lock, inserts an exclusive one.
// Its lock is tier 5a of the chain's hierarchy (locking/lock_tier.h): callers hold no
// other tier-5 lock and nothing above tier 4 while calling in.

#ifndef BEAMCORE_CRYPTO_PUBLIC_KEY_CACHE_H_
#define BEAMCORE_CRYPTO_PUBLIC_KEY_CACHE_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "crypto/xmss/containers.h"
#include "ssz/bytes.h"
#include "locking/tiered_mutex.h"

namespace beam::crypto {

enum class KeyRole : uint8_t { kAttestation = 0, kProposal = 1 };

class PublicKeyCache {
 public:
  // The decoded key for validator `index` in `role`, whose registry bytes are `raw`.
  // A cached key is reused only while the registry still holds the same bytes.
  // InvalidArgument when `raw` is not a valid PublicKey encoding.
  absl::StatusOr<xmss::PublicKey> Get(uint64_t index, KeyRole role, const ssz::Bytes52& raw)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Get for many validators of one role under one shared lock (a block or an
  // aggregate names thousands: a lock per key was most of their import time). Appends
  // the keys of `wanted` (index, registry bytes) to *out in order; on the first
  // undecodable one, sets *failed_at to its position and returns InvalidArgument
  // (the keys before it are in *out).
  absl::Status GetMany(KeyRole role, absl::Span<const std::pair<uint64_t, const ssz::Bytes52*>> wanted,
                       std::vector<xmss::PublicKey>* out, size_t* failed_at) ABSL_LOCKS_EXCLUDED(mu_);

  size_t size() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Entry {
    ssz::Bytes52 raw;
    xmss::PublicKey key;
  };

  mutable TieredSharedMutex mu_{"pubkey_cache", kPubkeyCacheTier};
  // State below is protected by mu_.
  absl::flat_hash_map<std::pair<uint64_t, uint8_t>, Entry> keys_ ABSL_GUARDED_BY(mu_);
};

}  // namespace beam::crypto

#endif  // BEAMCORE_CRYPTO_PUBLIC_KEY_CACHE_H_
