#include "tools/spectest/json_ssz.h"

#include <cctype>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"

namespace beam::spectest {

std::string CamelCase(const std::string& snake) {
  std::string out;
  bool upper = false;
  for (char c : snake) {
    if (c == '_') {
      upper = true;
    } else {
      out.push_back(upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
      upper = false;
    }
  }
  return out;
}

const Json& DataOf(const Json& j) {
  if (j.is_object()) {
    auto it = j.find("data");
    if (it != j.end()) return *it;
  }
  return j;
}

absl::StatusOr<ssz::ByteVec> ParseHex(const Json& j) {
  if (!j.is_string()) return absl::InvalidArgumentError("expected a hex string");
  absl::string_view s = j.get_ref<const std::string&>();
  if (!absl::ConsumePrefix(&s, "0x")) return absl::InvalidArgumentError("hex string lacks 0x");
  if (s.size() % 2) return absl::InvalidArgumentError("odd-length hex string");
  ssz::ByteVec out(s.size() / 2);
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(s[2 * i]), lo = nibble(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return absl::InvalidArgumentError("bad hex digit");
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

absl::StatusOr<uint64_t> ParseUint(const Json& j) {
  if (j.is_number_unsigned()) return j.get<uint64_t>();
  if (j.is_number_integer()) {
    const int64_t v = j.get<int64_t>();
    if (v < 0) return absl::InvalidArgumentError("negative integer");
    return static_cast<uint64_t>(v);
  }
  if (j.is_string()) {
    uint64_t v = 0;
    if (absl::SimpleAtoi(j.get_ref<const std::string&>(), &v)) return v;
  }
  return absl::InvalidArgumentError(absl::StrCat("expected an unsigned integer, got ", j.dump()));
}

namespace internal {

absl::Status JsonReader<crypto::Fp>::Read(const Json& j, crypto::Fp& out) {
  // The spec writes a bare Fp as "Fp(value=N)"; inside vectors it is a plain number.
  Json value = j;
  if (j.is_string()) {
    absl::string_view s = j.get_ref<const std::string&>();
    if (absl::ConsumePrefix(&s, "Fp(value=") && absl::ConsumeSuffix(&s, ")")) value = std::string(s);
  } else if (j.is_object() && j.contains("value")) {
    value = j["value"];
  }
  absl::StatusOr<uint64_t> v = ParseUint(value);
  if (!v.ok()) return v.status();
  if (*v >= crypto::kKoalaBearPrime) return absl::InvalidArgumentError("Fp value not below the modulus");
  out.value = static_cast<uint32_t>(*v);
  return absl::OkStatus();
}

}  // namespace internal
}  // namespace beam::spectest
