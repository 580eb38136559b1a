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

absl::Status PublicKeyCache::GetMany(KeyRole role, absl::Span<const std::pair<uint64_t, const ssz::Bytes52*>> wanted,
                                     std::vector<xmss::PublicKey>* out, size_t* failed_at) {
  BEAM_LOCK_SITE(kGetManySite, "pubkey_cache.get_many");
  BEAM_LOCK_SITE(kInsertManySite, "pubkey_cache.insert_many");
  const size_t first = out->size();
  std::vector<size_t> missing;  // positions in `wanted` not cached with these bytes
  out->resize(first + wanted.size());
  {
    TieredReaderLock lock(&mu_, kGetManySite);
    for (size_t i = 0; i < wanted.size(); ++i) {
      auto it = keys_.find(std::make_pair(wanted[i].first, static_cast<uint8_t>(role)));
      if (it != keys_.end() && it->second.raw == *wanted[i].second) {
        (*out)[first + i] = it->second.key;
      } else {
        missing.push_back(i);
      }
    }
  }
  if (missing.empty()) return absl::OkStatus();
  // Decode outside the lock, in order: the first failure is the one reported.
  std::vector<size_t> decoded;
  absl::Status failure;
  for (size_t i : missing) {
    absl::StatusOr<xmss::PublicKey> key = ssz::Decode<xmss::PublicKey>(wanted[i].second->view());
    if (!key.ok()) {
      *failed_at = i;
      failure = key.status();
      break;
    }
    (*out)[first + i] = *key;
    decoded.push_back(i);
  }
  {
    TieredWriterLock lock(&mu_, kInsertManySite);
    for (size_t i : decoded) {
      keys_[std::make_pair(wanted[i].first, static_cast<uint8_t>(role))] = Entry{*wanted[i].second, (*out)[first + i]};
    }
  }
  if (!failure.ok()) out->resize(first + *failed_at);
  return failure;
}

size_t PublicKeyCache::size() const {
  BEAM_LOCK_SITE(kSizeSite, "pubkey_cache.size");
  TieredReaderLock lock(&mu_, kSizeSite);
  return keys_.size();
}

}  // namespace beam::crypto
