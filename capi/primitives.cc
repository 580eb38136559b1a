// beam_locked_map_* and beam_block_cache_*: the chain's primitives behind handles.

#include <string>

#include "beamcore/locking.h"
#include "capi_internal.h"
#include "chain/block_cache.h"
#include "ssz/codec.h"
#include "ssz/container.h"
#include "locking/locked_map.h"

struct beam_locked_map {
  beam::LockedMap<std::string, std::string> map{"host_locked_map"};
};

struct beam_block_cache {
  beam::chain::BlockCache cache;
};

namespace {

using namespace beam;

// A byte-string argument (common.h: NULL with length 0 is empty); check BytesOk first.
bool BytesOk(const uint8_t* p, size_t n) { return capi::BytesArg(p, n, "bytes").ok(); }
std::string Key(const uint8_t* p, size_t n) { return n == 0 ? std::string() : std::string(reinterpret_cast<const char*>(p), n); }

beam_status StringToBuffer(const std::string& s, beam_buffer* out) {
  return capi::ToBuffer(ssz::ByteVec(s.begin(), s.end()), out);
}


}  // namespace

extern "C" {

BEAM_EXPORT beam_status beam_locked_map_create(beam_locked_map** out) {
  return capi::Guard([&]() -> beam_status {
    if (out == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_locked_map_create: out is NULL");
    *out = new beam_locked_map();
    return capi::Ok();
  });
}

BEAM_EXPORT void beam_locked_map_destroy(beam_locked_map* map) { delete map; }

BEAM_EXPORT beam_status beam_locked_map_put(beam_locked_map* map, const uint8_t* key, size_t key_len,
                                            const uint8_t* value, size_t value_len, int* inserted) {
  return capi::Guard([&]() -> beam_status {
    if (map == nullptr || !BytesOk(key, key_len) || !BytesOk(value, value_len)) {
      return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_locked_map_put: NULL argument");
    }
    const bool fresh = map->map.Put(Key(key, key_len), Key(value, value_len));
    if (inserted != nullptr) *inserted = fresh ? 1 : 0;
    return capi::Ok();
  });
}

BEAM_EXPORT beam_status beam_locked_map_get(beam_locked_map* map, const uint8_t* key, size_t key_len,
                                            beam_buffer* value) {
  return capi::Guard([&]() -> beam_status {
    if (value != nullptr) *value = beam_buffer{nullptr, 0};
    if (map == nullptr || !BytesOk(key, key_len) || value == nullptr) {
      return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_locked_map_get: NULL argument");
    }
    std::optional<std::string> v = map->map.Get(Key(key, key_len));
    if (!v) return capi::Fail(BEAM_ERR_NOT_FOUND, "beam_locked_map_get: no such key");
    return StringToBuffer(*v, value);
  });
}

BEAM_EXPORT beam_status beam_locked_map_remove(beam_locked_map* map, const uint8_t* key, size_t key_len) {
  return capi::Guard([&]() -> beam_status {
    if (map == nullptr || !BytesOk(key, key_len)) {
      return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_locked_map_remove: NULL argument");
    }
    if (!map->map.Remove(Key(key, key_len))) {
      return capi::Fail(BEAM_ERR_NOT_FOUND, "beam_locked_map_remove: no such key");
    }
    return capi::Ok();
  });
}

BEAM_EXPORT beam_status beam_locked_map_fetch_remove(beam_locked_map* map, const uint8_t* key, size_t key_len,
                                                     beam_buffer* value) {
  return capi::Guard([&]() -> beam_status {
    if (value != nullptr) *value = beam_buffer{nullptr, 0};
    if (map == nullptr || !BytesOk(key, key_len) || value == nullptr) {
      return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_locked_map_fetch_remove: NULL argument");
    }
    std::optional<std::string> v = map->map.FetchRemove(Key(key, key_len));
    if (!v) return capi::Fail(BEAM_ERR_NOT_FOUND, "beam_locked_map_fetch_remove: no such key");
    return StringToBuffer(*v, value);
  });
}

BEAM_EXPORT beam_status beam_locked_map_count(beam_locked_map* map, size_t* count) {
  if (map == nullptr || count == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_locked_map_count: NULL argument");
  *count = map->map.Count();
  return capi::Ok();
}

BEAM_EXPORT beam_status beam_locked_map_iterate(beam_locked_map* map, beam_locked_map_visit_fn fn, void* user_data) {
  return capi::Guard([&]() -> beam_status {
    if (map == nullptr || fn == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_locked_map_iterate: NULL argument");
    bool stopped = false;
    map->map.IterateLocked([&](const std::string& k, const std::string& v) {
      if (stopped) return;
      stopped = fn(reinterpret_cast<const uint8_t*>(k.data()), k.size(), reinterpret_cast<const uint8_t*>(v.data()),
                   v.size(), user_data) != 0;
    });
    return capi::Ok();
  });
}

BEAM_EXPORT beam_status beam_block_cache_create(beam_block_cache** out) {
  return capi::Guard([&]() -> beam_status {
    if (out == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_block_cache_create: out is NULL");
    *out = new beam_block_cache();
    return capi::Ok();
  });
}

BEAM_EXPORT void beam_block_cache_destroy(beam_block_cache* cache) { delete cache; }

BEAM_EXPORT beam_status beam_block_cache_insert(beam_block_cache* cache, const uint8_t* ssz, size_t len, int keep_ssz,
                                                uint8_t root_out[32]) {
  return capi::Guard([&]() -> beam_status {
    if (cache == nullptr || ssz == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_block_cache_insert: NULL argument");
    absl::StatusOr<consensus::SignedBlock> block = ssz::Decode<consensus::SignedBlock>(ssz::ByteView(ssz, len));
    if (!block.ok()) return capi::Fail(BEAM_ERR_DECODE, std::string(block.status().message()));
    const ssz::Root root = ssz::HashTreeRoot(block->block);
    std::optional<ssz::ByteVec> bytes;
    if (keep_ssz) bytes = ssz::ByteVec(ssz, ssz + len);
    if (absl::Status s = cache->cache.Insert(root, std::move(*block), std::move(bytes)); !s.ok()) return capi::Fail(s);
    if (root_out != nullptr) std::memcpy(root_out, root.data(), 32);
    return capi::Ok();
  });
}

BEAM_EXPORT beam_status beam_block_cache_get(beam_block_cache* cache, const uint8_t root[32], beam_buffer* ssz) {
  return capi::Guard([&]() -> beam_status {
    if (ssz != nullptr) *ssz = beam_buffer{nullptr, 0};
    if (cache == nullptr || root == nullptr || ssz == nullptr) {
      return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_block_cache_get: NULL argument");
    }
    std::optional<chain::BlockAndSsz> got = cache->cache.CloneBlockAndSsz(ssz::Root::FromSpan(ssz::ByteView(root, 32)));
    if (!got) return capi::Fail(BEAM_ERR_NOT_FOUND, "beam_block_cache_get: no such block");
    return capi::ToBuffer(got->ssz ? *got->ssz : ssz::Encode(got->block), ssz);
  });
}

BEAM_EXPORT beam_status beam_block_cache_remove(beam_block_cache* cache, const uint8_t root[32]) {
  return capi::Guard([&]() -> beam_status {
    if (cache == nullptr || root == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_block_cache_remove: NULL argument");
    if (!cache->cache.RemoveFetchedBlock(ssz::Root::FromSpan(ssz::ByteView(root, 32)))) {
      return capi::Fail(BEAM_ERR_NOT_FOUND, "beam_block_cache_remove: no such block");
    }
    return capi::Ok();
  });
}

BEAM_EXPORT beam_status beam_block_cache_remove_children(beam_block_cache* cache, const uint8_t parent_root[32],
                                                         size_t* removed) {
  return capi::Guard([&]() -> beam_status {
    if (cache == nullptr || parent_root == nullptr) {
      return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_block_cache_remove_children: NULL argument");
    }
    const size_t n = cache->cache.RemoveChildrenOf(ssz::Root::FromSpan(ssz::ByteView(parent_root, 32)));
    if (removed != nullptr) *removed = n;
    return capi::Ok();
  });
}

BEAM_EXPORT beam_status beam_block_cache_children(beam_block_cache* cache, const uint8_t parent_root[32],
                                                  beam_buffer* roots) {
  return capi::Guard([&]() -> beam_status {
    if (roots != nullptr) *roots = beam_buffer{nullptr, 0};
    if (cache == nullptr || parent_root == nullptr || roots == nullptr) {
      return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_block_cache_children: NULL argument");
    }
    ssz::ByteVec out;
    for (const ssz::Root& r : cache->cache.GetChildrenCopy(ssz::Root::FromSpan(ssz::ByteView(parent_root, 32)))) {
      out.insert(out.end(), r.bytes.begin(), r.bytes.end());
    }
    return capi::ToBuffer(out, roots);
  });
}

BEAM_EXPORT beam_status beam_block_cache_count(beam_block_cache* cache, size_t* count) {
  if (cache == nullptr || count == nullptr) return capi::Fail(BEAM_ERR_INVALID_ARGUMENT, "beam_block_cache_count: NULL argument");
  *count = cache->cache.size();
  return capi::Ok();
}

}  // extern "C"
