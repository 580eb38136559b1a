// Builds SSZ values from leanSpec fixture JSON (camelCase keys; lists and bitfields as
// {"data": [...]}; byte strings and hex-serialized containers as "0x..."; integers as
// numbers or decimal strings).

#ifndef BEAMCORE_TOOLS_SPECTEST_JSON_SSZ_H_
#define BEAMCORE_TOOLS_SPECTEST_JSON_SSZ_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "crypto/fp.h"
#include "consensus/types/validator.h"
#include "crypto/xmss/containers.h"
#include "nlohmann/json.hpp"
#include "ssz/bitfields.h"
#include "ssz/collections.h"
#include "ssz/container.h"
#include "ssz/persistent_list.h"

namespace beam::spectest {

using Json = nlohmann::json;

// "latest_block_header" -> "latestBlockHeader".
std::string CamelCase(const std::string& snake);

absl::StatusOr<ssz::ByteVec> ParseHex(const Json& j);
absl::StatusOr<uint64_t> ParseUint(const Json& j);

// The {"data": ...} wrapper of lists, vectors and bitfields (a bare array is accepted).
const Json& DataOf(const Json& j);

template <class T>
absl::Status FromJson(const Json& j, T& out);

namespace internal {

template <class T>
absl::Status FromJsonArray(const Json& j, std::vector<T>& out) {
  const Json& arr = DataOf(j);
  if (!arr.is_array()) return absl::InvalidArgumentError("expected a JSON array");
  out.resize(arr.size());
  for (size_t i = 0; i < arr.size(); ++i) {
    absl::Status s = FromJson(arr[i], out[i]);
    if (!s.ok()) return absl::InvalidArgumentError(absl::StrCat("[", i, "]: ", s.message()));
  }
  return absl::OkStatus();
}

template <class Bits>
absl::Status BitsFromJson(const Json& j, Bits& out) {
  const Json& arr = DataOf(j);
  if (!arr.is_array()) return absl::InvalidArgumentError("expected a JSON array of bits");
  out.Resize(arr.size());
  for (size_t i = 0; i < arr.size(); ++i) {
    const Json& b = arr[i];
    out.Set(i, b.is_boolean() ? b.get<bool>() : b.get<int64_t>() != 0);
  }
  return absl::OkStatus();
}

template <class T>
struct JsonReader;

template <class U>
  requires(std::is_unsigned_v<U> && !std::is_same_v<U, bool>)
struct JsonReader<U> {
  static absl::Status Read(const Json& j, U& out) {
    absl::StatusOr<uint64_t> v = ParseUint(j);
    if (!v.ok()) return v.status();
    if (*v > std::numeric_limits<U>::max()) return absl::InvalidArgumentError("integer out of range");
    out = static_cast<U>(*v);
    return absl::OkStatus();
  }
};

template <>
struct JsonReader<bool> {
  static absl::Status Read(const Json& j, bool& out) {
    if (j.is_boolean()) {
      out = j.get<bool>();
      return absl::OkStatus();
    }
    absl::StatusOr<uint64_t> v = ParseUint(j);
    if (!v.ok() || *v > 1) return absl::InvalidArgumentError("expected a boolean");
    out = *v == 1;
    return absl::OkStatus();
  }
};

template <>
struct JsonReader<crypto::Fp> {
  static absl::Status Read(const Json& j, crypto::Fp& out);
};

template <size_t N>
struct JsonReader<ssz::FixedBytes<N>> {
  static absl::Status Read(const Json& j, ssz::FixedBytes<N>& out) {
    absl::StatusOr<ssz::ByteVec> bytes = ParseHex(j);
    if (!bytes.ok()) return bytes.status();
    if (bytes->size() != N) return absl::InvalidArgumentError(absl::StrCat("expected ", N, " bytes"));
    out = ssz::FixedBytes<N>::FromSpan(*bytes);
    return absl::OkStatus();
  }
};

template <size_t N>
struct JsonReader<ssz::ByteList<N>> {
  static absl::Status Read(const Json& j, ssz::ByteList<N>& out) {
    absl::StatusOr<ssz::ByteVec> bytes = ParseHex(DataOf(j));
    if (!bytes.ok()) return bytes.status();
    out.bytes = std::move(*bytes);
    return absl::OkStatus();
  }
};

template <size_t N>
struct JsonReader<ssz::Bitvector<N>> {
  static absl::Status Read(const Json& j, ssz::Bitvector<N>& out) {
    const Json& arr = DataOf(j);
    if (!arr.is_array() || arr.size() != N) return absl::InvalidArgumentError(absl::StrCat("expected ", N, " bits"));
    for (size_t i = 0; i < N; ++i) out.Set(i, arr[i].is_boolean() ? arr[i].get<bool>() : arr[i].get<int64_t>() != 0);
    return absl::OkStatus();
  }
};

template <size_t N>
struct JsonReader<ssz::Bitlist<N>> {
  static absl::Status Read(const Json& j, ssz::Bitlist<N>& out) { return BitsFromJson(j, out); }
};

template <size_t N>
struct JsonReader<ssz::PersistentBitlist<N>> {
  static absl::Status Read(const Json& j, ssz::PersistentBitlist<N>& out) { return BitsFromJson(j, out); }
};

template <class T, size_t N>
struct JsonReader<ssz::List<T, N>> {
  static absl::Status Read(const Json& j, ssz::List<T, N>& out) { return FromJsonArray(j, out.items); }
};

template <class T, size_t N>
struct JsonReader<ssz::Vector<T, N>> {
  static absl::Status Read(const Json& j, ssz::Vector<T, N>& out) {
    std::vector<T> items;
    absl::Status s = FromJsonArray(j, items);
    if (!s.ok()) return s;
    if (items.size() != N) return absl::InvalidArgumentError(absl::StrCat("expected ", N, " elements"));
    std::move(items.begin(), items.end(), out.items.begin());
    return absl::OkStatus();
  }
};

template <class T, size_t N>
struct JsonReader<ssz::PersistentList<T, N>> {
  static absl::Status Read(const Json& j, ssz::PersistentList<T, N>& out) {
    std::vector<T> items;
    absl::Status s = FromJsonArray(j, items);
    if (!s.ok()) return s;
    out.Assign(items);
    return absl::OkStatus();
  }
};

template <>
struct JsonReader<consensus::Validators> {
  static absl::Status Read(const Json& j, consensus::Validators& out) {
    return JsonReader<ssz::PersistentList<consensus::Validator, consensus::kValidatorRegistryLimit>>::Read(j, out);
  }
};

// Hex-serialized values (PublicKey, Signature as the spec's JSON writes them).
template <class T>
absl::Status FromHexSsz(const Json& j, T& out) {
  absl::StatusOr<ssz::ByteVec> bytes = ParseHex(j);
  if (!bytes.ok()) return bytes.status();
  return ssz::DecodeInto(*bytes, out);
}

template <>
struct JsonReader<crypto::xmss::Signature> {
  static absl::Status Read(const Json& j, crypto::xmss::Signature& out) { return FromHexSsz(j, out); }
};

template <ssz::SszContainer T>
struct JsonReader<T> {
  static absl::Status Read(const Json& j, T& out) {
    if (j.is_string()) return FromHexSsz(j, out);
    if (!j.is_object()) return absl::InvalidArgumentError("expected a JSON object");
    absl::Status status;
    ssz::ForEachField<T>([&](const auto& d) {
      if (!status.ok()) return;
      const std::string key = CamelCase(d.name);
      auto it = j.find(key);
      if (it == j.end()) {
        status = absl::InvalidArgumentError(absl::StrCat("missing field ", key));
        return;
      }
      absl::Status s = FromJson(*it, out.*(d.ptr));
      if (!s.ok()) status = absl::InvalidArgumentError(absl::StrCat(key, ": ", s.message()));
    });
    return status;
  }
};

}  // namespace internal

template <class T>
absl::Status FromJson(const Json& j, T& out) {
  return internal::JsonReader<T>::Read(j, out);
}

template <class T>
absl::StatusOr<T> ValueFromJson(const Json& j) {
  T out{};
  absl::Status s = FromJson(j, out);
  if (!s.ok()) return s;
  return out;
}

}  // namespace beam::spectest

#endif  // BEAMCORE_TOOLS_SPECTEST_JSON_SSZ_H_
