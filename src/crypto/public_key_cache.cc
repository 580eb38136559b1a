#include "crypto/public_key_cache.h"

#include "ssz/container.h"

namespace beam::crypto {

absl::StatusOr<xmss::PublicKey> PublicKeyCache::Get(uint64_t index, KeyRole role, const ssz::Bytes52& raw) {
  BEAM_LOCK_SITE(kGetSite, "pubkey_cache.get");
  BEAM_LOCK_SITE(kInsertSite, "pubkey_cache.insert");
  const auto key = std::make_pair(index, static_cast<uint8_t>(role));
  {
    TieredReaderLock lock(&mu_, kGetSite);
    auto it = keys_.find(key);
    if (it != keys_.end() && it->second.raw == raw) return it->second.key;
  }
  // Decode outside the lock; a racing insert of the same bytes is harmless.
  absl::StatusOr<xmss::PublicKey> decoded = ssz::Decode<xmss::PublicKey>(raw.view());
  if (!decoded.ok()) return decoded.status();
  TieredWriterLock lock(&mu_, kInsertSite);
  keys_[key] = Entry{raw, *decoded};
  return *decoded;
}

size_t PublicKeyCache::size() const {
  BEAM_LOCK_SITE(kSizeSite, "pubkey_cache.size");
  TieredReaderLock lock(&mu_, kSizeSite);
  return keys_.size();
}

}  // namespace beam::crypto
