// Test-defined SSZ types known only by name ("SampleUint32List16", "BoundaryBitvector257",
// "SampleBytes32List8"): the shape is parsed from the name and checked with the library's
// run-time merkleization and bitlist primitives.

#include <regex>

#include "consensus/rejection.h"
#include "ssz/bitfields.h"
#include "ssz/merkleize.h"
#include "tools/spectest/compare.h"
#include "tools/spectest/json_ssz.h"
#include "tools/spectest/runner.h"

namespace beam::spectest {
namespace {

struct Shape {
  enum class Kind { kBitvector, kBitlist, kVector, kList } kind;
  size_t n = 0;          // length or limit
  size_t elem_size = 0;  // bytes per element for vectors/lists
  bool boolean = false;  // elements are Boolean
};

std::optional<Shape> ParseShape(const std::string& name) {
  static const std::regex kBits("(Bitvector|Bitlist)([0-9]+)$");
  static const std::regex kSeq("(Uint8|Uint16|Uint32|Uint64|Boolean|Bytes32|Bytes4)(List|Vector)([0-9]+)$");
  std::smatch m;
  if (std::regex_search(name, m, kBits)) {
    return Shape{m[1] == "Bitvector" ? Shape::Kind::kBitvector : Shape::Kind::kBitlist, std::stoul(m[2]), 0,
                 false};
  }
  if (std::regex_search(name, m, kSeq)) {
    static const std::map<std::string, size_t> kSizes = {{"Uint8", 1},  {"Uint16", 2},  {"Uint32", 4},
                                                         {"Uint64", 8}, {"Boolean", 1}, {"Bytes32", 32},
                                                         {"Bytes4", 4}};
    return Shape{m[2] == "List" ? Shape::Kind::kList : Shape::Kind::kVector, std::stoul(m[3]), kSizes.at(m[1]),
                 m[1] == "Boolean"};
  }
  return std::nullopt;
}

// Encoding of the fixture value, or an error when the JSON does not fit the shape.
absl::StatusOr<ssz::ByteVec> EncodeValue(const Shape& shape, const Json& value) {
  const Json& data = DataOf(value);
  if (!data.is_array()) return absl::InvalidArgumentError("expected an array value");
  ssz::ByteVec out;
  if (shape.kind == Shape::Kind::kBitvector || shape.kind == Shape::Kind::kBitlist) {
    const size_t len = data.size();
    if (shape.kind == Shape::Kind::kBitvector ? len != shape.n : len > shape.n) {
      return absl::InvalidArgumentError("bit count does not fit the type");
    }
    out.assign((len + 7) / 8 + (shape.kind == Shape::Kind::kBitlist && len % 8 == 0 ? 1 : 0), 0);
    for (size_t i = 0; i < len; ++i) {
      const bool bit = data[i].is_boolean() ? data[i].get<bool>() : data[i].get<int64_t>() != 0;
      if (bit) out[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
    }
    if (shape.kind == Shape::Kind::kBitlist) out[len / 8] |= static_cast<uint8_t>(1u << (len % 8));
    return out;
  }
  if (shape.kind == Shape::Kind::kVector ? data.size() != shape.n : data.size() > shape.n) {
    return absl::InvalidArgumentError("element count does not fit the type");
  }
  for (const Json& e : data) {
    if (shape.elem_size == 32 || (shape.elem_size == 4 && e.is_string())) {
      absl::StatusOr<ssz::ByteVec> bytes = ParseHex(e);
      if (!bytes.ok() || bytes->size() != shape.elem_size) return absl::InvalidArgumentError("bad byte element");
      out.insert(out.end(), bytes->begin(), bytes->end());
      continue;
    }
    uint64_t v = 0;
    if (e.is_boolean()) {
      v = e.get<bool>() ? 1 : 0;
    } else {
      absl::StatusOr<uint64_t> parsed = ParseUint(e);
      if (!parsed.ok()) return parsed.status();
      v = *parsed;
    }
    if (shape.elem_size < 8 && v >> (8 * shape.elem_size)) return absl::InvalidArgumentError("element out of range");
    for (size_t i = 0; i < shape.elem_size; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  return out;
}

// Validates an encoding (the decode rules) and returns its hash_tree_root.
absl::StatusOr<ssz::Root> DecodeAndHash(const Shape& shape, ssz::ByteView in) {
  switch (shape.kind) {
    case Shape::Kind::kBitvector: {
      const size_t bytes = (shape.n + 7) / 8;
      if (in.size() != bytes) return ssz::DecodeError("Bitvector: wrong byte length");
      if (shape.n % 8 && (in[bytes - 1] >> (shape.n % 8))) return ssz::DecodeError("Bitvector: padding bits set");
      return ssz::MerkleizeBytes(in, static_cast<int64_t>((shape.n + 255) / 256));
    }
    case Shape::Kind::kBitlist: {
      absl::StatusOr<size_t> len = ssz::DecodeBitlistLength(in, shape.n);
      if (!len.ok()) return len.status();
      ssz::ByteVec packed(in.begin(), in.begin() + static_cast<ptrdiff_t>((*len + 7) / 8));
      if (*len % 8) packed.back() &= static_cast<uint8_t>((1u << (*len % 8)) - 1);
      return ssz::MixInLength(ssz::MerkleizeBytes(packed, static_cast<int64_t>((shape.n + 255) / 256)), *len);
    }
    case Shape::Kind::kVector:
    case Shape::Kind::kList: {
      const bool list = shape.kind == Shape::Kind::kList;
      if (in.size() % shape.elem_size) return ssz::DecodeError("sequence: length not a multiple of the element");
      const size_t count = in.size() / shape.elem_size;
      if (list ? count > shape.n : count != shape.n) return ssz::DecodeError("sequence: wrong element count");
      if (shape.boolean) {
        for (uint8_t b : in) {
          if (b > 1) return ssz::DecodeError("boolean: invalid byte");
        }
      }
      const int64_t limit_chunks = static_cast<int64_t>((shape.n * shape.elem_size + 31) / 32);
      const ssz::Root root = ssz::MerkleizeBytes(in, limit_chunks);
      return list ? ssz::MixInLength(root, count) : root;
    }
  }
  return absl::InternalError("unreachable");
}

}  // namespace

std::optional<CaseOutcome> RunGenericSszCase(const std::string& type_name, const Json& c) {
  const std::optional<Shape> shape = ParseShape(type_name);
  if (!shape.has_value()) return std::nullopt;
  if (c.contains("rejectionReason") && !c["rejectionReason"].is_null()) {
    absl::StatusOr<ssz::ByteVec> raw = ParseHex(c.contains("rawBytes") ? c["rawBytes"] : c["serialized"]);
    if (!raw.ok()) return CaseOutcome::Fail("bad rawBytes");
    absl::StatusOr<ssz::Root> r = DecodeAndHash(*shape, *raw);
    if (r.ok()) return CaseOutcome::Fail("decoded, but the spec rejects it");
    const auto reason = consensus::GetRejectionReason(r.status());
    const std::string got = reason ? std::string(consensus::RejectionReasonName(*reason)) : "(none)";
    if (got != c["rejectionReason"].get<std::string>()) return CaseOutcome::Fail("rejected with " + got);
    return CaseOutcome::Pass();
  }
  absl::StatusOr<ssz::ByteVec> encoded = EncodeValue(*shape, c["value"]);
  if (!encoded.ok()) return CaseOutcome::Fail(absl::StrCat("cannot read value: ", encoded.status().message()));
  absl::StatusOr<ssz::ByteVec> serialized = ParseHex(c["serialized"]);
  absl::StatusOr<ssz::ByteVec> root = ParseHex(c["root"]);
  if (!serialized.ok() || !root.ok()) return CaseOutcome::Fail("bad serialized/root hex");
  if (std::string d = FirstByteDifference(*serialized, *encoded); !d.empty()) return CaseOutcome::Fail("encode: " + d);
  absl::StatusOr<ssz::Root> actual = DecodeAndHash(*shape, *serialized);
  if (!actual.ok()) return CaseOutcome::Fail(absl::StrCat("decode: ", actual.status().message()));
  if (std::string d = FirstByteDifference(*root, actual->view()); !d.empty()) {
    return CaseOutcome::Fail(absl::StrCat("hash_tree_root: expected ", ssz::ToHex(*root), ", got ", ssz::ToHex(*actual)));
  }
  return CaseOutcome::Pass();
}

}  // namespace beam::spectest
