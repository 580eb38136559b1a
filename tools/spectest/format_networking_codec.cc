// The "networking_codec" format: wire-format vectors (leanSpec
// consensus_testing/test_fixtures/networking_codec.py). Each case names its codec in
// `codec.kind`; the filler ran the spec's encoder, asserted the round trip and wrote
// the bytes "the client must reproduce", so every output field is compared exactly
// and every encoding is also decoded back:
//
//   varint                   {value}                       -> {encoded, byteLength}
//   snappy_block             {data}                        -> {compressed, compressedLength, uncompressedLength}
//   snappy_frame             {data}                        -> {framed, framedLength, uncompressedLength}
//   reqresp_request          {sszData}                     -> {encoded}
//   reqresp_response         {responseCode, sszData}       -> {encoded}
//   reqresp_response_stream  {chunks: [{responseCode, sszData}]} -> {encoded, chunkCount}
//   gossip_topic             {topicKind, networkName, subnetId?, expectedNetworkName?}
//                                                          -> {topicString, forkValid?}
//   gossip_message_id        {topic, data, domain}         -> {messageId}
//   decode_failure           {decoder, rawBytes}           -> {decoder}, with rejectionReason
//
// ENR records, peer ids and gossipsub RPC protobufs (kinds enr, peer_id,
// gossipsub_rpc, and decode_failure cases for the enr and gossipsub_rpc decoders)
// belong to the libp2p host, not this library: they are reported as skipped.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "consensus/rejection.h"
#include "tools/spectest/compare.h"
#include "tools/spectest/json_ssz.h"
#include "tools/spectest/runner.h"
#include "wire/gossip_message_id.h"
#include "wire/gossip_topic.h"
#include "wire/reqresp_codec.h"
#include "wire/snappy.h"
#include "wire/snappy_frame.h"
#include "wire/varint.h"

namespace beam::spectest {
namespace {

constexpr const char* kLibp2pSide = "not applicable: libp2p host side";

// Empty when `obj` holds exactly `required` plus any of `optional`.
std::string KeysDifference(const Json& obj, const char* what, std::initializer_list<const char*> required,
                           std::initializer_list<const char*> optional = {}) {
  if (!obj.is_object()) return absl::StrCat(what, " is not an object");
  for (const char* k : required) {
    if (!obj.contains(k)) return absl::StrCat(what, " lacks ", k);
  }
  for (const auto& [key, _] : obj.items()) {
    bool known = key == "kind" && std::string(what) == "codec";
    for (const char* k : required) known = known || key == k;
    for (const char* k : optional) known = known || key == k;
    if (!known) return absl::StrCat(what, " has an unknown field ", key);
  }
  return "";
}

// Reads fixture fields, turning the first malformed one into a failure message.
class Reader {
 public:
  ssz::ByteVec Hex(const Json& obj, const char* key) {
    absl::StatusOr<ssz::ByteVec> v = ParseHex(obj.at(key));
    if (!v.ok()) Note(key, v.status());
    return v.ok() ? *v : ssz::ByteVec();
  }
  uint64_t Uint(const Json& obj, const char* key) {
    absl::StatusOr<uint64_t> v = ParseUint(obj.at(key));
    if (!v.ok()) Note(key, v.status());
    return v.ok() ? *v : 0;
  }
  std::string Str(const Json& obj, const char* key) {
    const Json& j = obj.at(key);
    if (!j.is_string()) {
      Note(key, absl::InvalidArgumentError("expected a string"));
      return "";
    }
    return j.get<std::string>();
  }
  const std::string& error() const { return error_; }

 private:
  void Note(const char* key, const absl::Status& s) {
    if (error_.empty()) error_ = absl::StrCat(key, ": ", s.message());
  }
  std::string error_;
};

// "<field>: <first difference>" when the bytes differ, else "".
std::string BytesDiff(const char* field, ssz::ByteView expected, ssz::ByteView actual) {
  std::string diff = FirstByteDifference(expected, actual);
  return diff.empty() ? diff : absl::StrCat(field, ": ", diff);
}

std::string UintDiff(const char* field, uint64_t expected, uint64_t actual) {
  return expected == actual ? "" : absl::StrCat(field, ": expected ", expected, ", got ", actual);
}

// The first non-empty difference, as an outcome.
CaseOutcome Verdict(std::initializer_list<std::string> diffs) {
  for (const std::string& d : diffs) {
    if (!d.empty()) return CaseOutcome::Fail(d);
  }
  return CaseOutcome::Pass();
}

std::string StatusDiff(const char* what, const absl::Status& s) {
  return s.ok() ? "" : absl::StrCat(what, " failed: ", s.message());
}

CaseOutcome RunVarint(const Json& codec, const Json& out) {
  if (std::string d = KeysDifference(codec, "codec", {"value"}); !d.empty()) return CaseOutcome::Fail(d);
  if (std::string d = KeysDifference(out, "output", {"encoded", "byteLength"}); !d.empty()) return CaseOutcome::Fail(d);
  Reader r;
  const uint64_t value = r.Uint(codec, "value");
  const ssz::ByteVec expected = r.Hex(out, "encoded");
  const uint64_t byte_length = r.Uint(out, "byteLength");
  if (!r.error().empty()) return CaseOutcome::Fail(r.error());
  const ssz::ByteVec encoded = wire::EncodeVarint(value);
  absl::StatusOr<wire::DecodedVarint> decoded = wire::DecodeVarint(expected);
  if (!decoded.ok()) return CaseOutcome::Fail(StatusDiff("decoding output.encoded", decoded.status()));
  return Verdict({BytesDiff("encoded", expected, encoded), UintDiff("byteLength", byte_length, encoded.size()),
                  UintDiff("decoded value", value, decoded->value),
                  UintDiff("decoded length", expected.size(), decoded->length)});
}

CaseOutcome RunSnappyBlock(const Json& codec, const Json& out) {
  if (std::string d = KeysDifference(codec, "codec", {"data"}); !d.empty()) return CaseOutcome::Fail(d);
  if (std::string d = KeysDifference(out, "output", {"compressed", "compressedLength", "uncompressedLength"});
      !d.empty()) {
    return CaseOutcome::Fail(d);
  }
  Reader r;
  const ssz::ByteVec data = r.Hex(codec, "data");
  const ssz::ByteVec expected = r.Hex(out, "compressed");
  const uint64_t compressed_length = r.Uint(out, "compressedLength");
  const uint64_t uncompressed_length = r.Uint(out, "uncompressedLength");
  if (!r.error().empty()) return CaseOutcome::Fail(r.error());
  absl::StatusOr<ssz::ByteVec> compressed = wire::SnappyCompress(data);
  if (!compressed.ok()) return CaseOutcome::Fail(StatusDiff("compress", compressed.status()));
  absl::StatusOr<ssz::ByteVec> decompressed = wire::SnappyDecompress(expected, wire::kMaxPayloadSize);
  if (!decompressed.ok())
    return CaseOutcome::Fail(StatusDiff("decompressing output.compressed", decompressed.status()));
  return Verdict({BytesDiff("compressed", expected, *compressed),
                  UintDiff("compressedLength", compressed_length, compressed->size()),
                  UintDiff("uncompressedLength", uncompressed_length, data.size()),
                  BytesDiff("decompressed output.compressed", data, *decompressed)});
}

CaseOutcome RunSnappyFrame(const Json& codec, const Json& out) {
  if (std::string d = KeysDifference(codec, "codec", {"data"}); !d.empty()) return CaseOutcome::Fail(d);
  if (std::string d = KeysDifference(out, "output", {"framed", "framedLength", "uncompressedLength"}); !d.empty()) {
    return CaseOutcome::Fail(d);
  }
  Reader r;
  const ssz::ByteVec data = r.Hex(codec, "data");
  const ssz::ByteVec expected = r.Hex(out, "framed");
  const uint64_t framed_length = r.Uint(out, "framedLength");
  const uint64_t uncompressed_length = r.Uint(out, "uncompressedLength");
  if (!r.error().empty()) return CaseOutcome::Fail(r.error());
  const ssz::ByteVec framed = wire::SnappyFrameEncode(data);
  absl::StatusOr<ssz::ByteVec> decoded = wire::SnappyFrameDecode(expected, wire::kMaxPayloadSize);
  if (!decoded.ok()) return CaseOutcome::Fail(StatusDiff("decoding output.framed", decoded.status()));
  return Verdict({BytesDiff("framed", expected, framed), UintDiff("framedLength", framed_length, framed.size()),
                  UintDiff("uncompressedLength", uncompressed_length, data.size()),
                  BytesDiff("decoded output.framed", data, *decoded)});
}

CaseOutcome RunRequest(const Json& codec, const Json& out) {
  if (std::string d = KeysDifference(codec, "codec", {"sszData"}); !d.empty()) return CaseOutcome::Fail(d);
  if (std::string d = KeysDifference(out, "output", {"encoded"}); !d.empty()) return CaseOutcome::Fail(d);
  Reader r;
  const ssz::ByteVec ssz_data = r.Hex(codec, "sszData");
  const ssz::ByteVec expected = r.Hex(out, "encoded");
  if (!r.error().empty()) return CaseOutcome::Fail(r.error());
  absl::StatusOr<ssz::ByteVec> encoded = wire::EncodeRequest(ssz_data);
  if (!encoded.ok()) return CaseOutcome::Fail(StatusDiff("encode_request", encoded.status()));
  absl::StatusOr<ssz::ByteVec> decoded = wire::DecodeRequest(expected);
  if (!decoded.ok()) return CaseOutcome::Fail(StatusDiff("decoding output.encoded", decoded.status()));
  return Verdict({BytesDiff("encoded", expected, *encoded), BytesDiff("decoded output.encoded", ssz_data, *decoded)});
}

// One chunk of `codec` (a response case or a stream's chunk): its code and payload.
struct ChunkSpec {
  wire::ResponseCode code = wire::ResponseCode::kSuccess;
  ssz::ByteVec payload;
};

absl::StatusOr<ChunkSpec> ReadChunkSpec(const Json& chunk, const char* what) {
  if (std::string d = KeysDifference(chunk, what, {"responseCode", "sszData"}); !d.empty()) {
    return absl::InvalidArgumentError(d);
  }
  Reader r;
  const uint64_t code = r.Uint(chunk, "responseCode");
  ChunkSpec spec;
  spec.payload = r.Hex(chunk, "sszData");
  if (!r.error().empty()) return absl::InvalidArgumentError(r.error());
  if (code > 3) return absl::InvalidArgumentError(absl::StrCat("responseCode ", code, " is not a ResponseCode"));
  spec.code = static_cast<wire::ResponseCode>(code);
  return spec;
}

// Walks `stream` chunk by chunk as a host would and compares each with `chunks`.
std::string StreamDiff(ssz::ByteView stream, const std::vector<ChunkSpec>& chunks) {
  size_t pos = 0;
  for (size_t i = 0; i < chunks.size(); ++i) {
    absl::StatusOr<wire::ReadResponse> read = wire::ReadResponseChunk(stream.subspan(pos));
    if (!read.ok()) return absl::StrCat("reading chunk ", i, " at byte ", pos, ": ", read.status().message());
    if (read->chunk.code != chunks[i].code) {
      return absl::StrCat("chunk ", i, ": code ", static_cast<int>(read->chunk.code), ", expected ",
                          static_cast<int>(chunks[i].code));
    }
    if (std::string d = FirstByteDifference(chunks[i].payload, read->chunk.payload); !d.empty()) {
      return absl::StrCat("chunk ", i, " payload: ", d);
    }
    pos += read->consumed;
  }
  if (pos != stream.size()) return absl::StrCat(stream.size() - pos, " bytes left after ", chunks.size(), " chunks");
  return "";
}

CaseOutcome RunResponse(const Json& codec, const Json& out) {
  if (std::string d = KeysDifference(out, "output", {"encoded"}); !d.empty()) return CaseOutcome::Fail(d);
  absl::StatusOr<ChunkSpec> spec = ReadChunkSpec(codec, "codec");
  if (!spec.ok()) return CaseOutcome::Fail(std::string(spec.status().message()));
  Reader r;
  const ssz::ByteVec expected = r.Hex(out, "encoded");
  if (!r.error().empty()) return CaseOutcome::Fail(r.error());
  absl::StatusOr<ssz::ByteVec> encoded = wire::EncodeResponseChunk(spec->code, spec->payload);
  if (!encoded.ok()) return CaseOutcome::Fail(StatusDiff("ResponseCode.encode", encoded.status()));
  absl::StatusOr<wire::ResponseChunk> decoded = wire::DecodeResponse(expected);
  if (!decoded.ok()) return CaseOutcome::Fail(StatusDiff("decoding output.encoded", decoded.status()));
  return Verdict({BytesDiff("encoded", expected, *encoded),
                  UintDiff("decoded code", static_cast<uint64_t>(spec->code), static_cast<uint64_t>(decoded->code)),
                  BytesDiff("decoded payload", spec->payload, decoded->payload), StreamDiff(expected, {*spec})});
}

CaseOutcome RunResponseStream(const Json& codec, const Json& out) {
  if (std::string d = KeysDifference(codec, "codec", {"chunks"}); !d.empty()) return CaseOutcome::Fail(d);
  if (std::string d = KeysDifference(out, "output", {"encoded", "chunkCount"}); !d.empty()) return CaseOutcome::Fail(d);
  if (!codec["chunks"].is_array()) return CaseOutcome::Fail("codec.chunks is not an array");
  std::vector<ChunkSpec> chunks;
  ssz::ByteVec encoded;
  for (size_t i = 0; i < codec["chunks"].size(); ++i) {
    absl::StatusOr<ChunkSpec> spec = ReadChunkSpec(codec["chunks"][i], "chunk");
    if (!spec.ok()) return CaseOutcome::Fail(absl::StrCat("codec.chunks[", i, "]: ", spec.status().message()));
    absl::StatusOr<ssz::ByteVec> chunk = wire::EncodeResponseChunk(spec->code, spec->payload);
    if (!chunk.ok()) return CaseOutcome::Fail(StatusDiff(absl::StrCat("encoding chunk ", i).c_str(), chunk.status()));
    encoded.insert(encoded.end(), chunk->begin(), chunk->end());
    chunks.push_back(*std::move(spec));
  }
  Reader r;
  const ssz::ByteVec expected = r.Hex(out, "encoded");
  const uint64_t chunk_count = r.Uint(out, "chunkCount");
  if (!r.error().empty()) return CaseOutcome::Fail(r.error());
  return Verdict({BytesDiff("encoded", expected, encoded), UintDiff("chunkCount", chunk_count, chunks.size()),
                  StreamDiff(expected, chunks)});
}

CaseOutcome RunGossipTopic(const Json& codec, const Json& out) {
  if (std::string d = KeysDifference(codec, "codec", {"topicKind", "networkName"}, {"subnetId", "expectedNetworkName"});
      !d.empty()) {
    return CaseOutcome::Fail(d);
  }
  const bool has_expected = codec.contains("expectedNetworkName") && !codec["expectedNetworkName"].is_null();
  if (std::string d = KeysDifference(out, "output", {"topicString"}, {"forkValid"}); !d.empty()) {
    return CaseOutcome::Fail(d);
  }
  Reader r;
  const std::string kind = r.Str(codec, "topicKind");
  wire::GossipTopic topic;
  topic.network_name = r.Str(codec, "networkName");
  if (codec.contains("subnetId") && !codec["subnetId"].is_null()) topic.subnet_id = r.Uint(codec, "subnetId");
  const std::string expected_network = has_expected ? r.Str(codec, "expectedNetworkName") : "";
  const std::string expected_string = r.Str(out, "topicString");
  if (!r.error().empty()) return CaseOutcome::Fail(r.error());
  if (kind == "block") {
    topic.kind = wire::GossipTopicKind::kBlock;
  } else if (kind == "attestation") {
    topic.kind = wire::GossipTopicKind::kAttestationSubnet;
  } else if (kind == "aggregation") {
    topic.kind = wire::GossipTopicKind::kAggregatedAttestation;
  } else {
    return CaseOutcome::Fail(absl::StrCat("unknown topicKind '", kind, "'"));
  }
  absl::StatusOr<std::string> text = wire::GossipTopicString(topic);
  if (!text.ok()) return CaseOutcome::Fail(StatusDiff("to_topic_id", text.status()));
  if (*text != expected_string) {
    return CaseOutcome::Fail(absl::StrCat("topicString: expected '", expected_string, "', got '", *text, "'"));
  }
  absl::StatusOr<wire::GossipTopic> parsed = wire::ParseGossipTopic(*text);
  if (!parsed.ok()) return CaseOutcome::Fail(StatusDiff("parsing the topic back", parsed.status()));
  if (!(*parsed == topic)) return CaseOutcome::Fail("the topic does not parse back to itself");
  const Json* fork_valid = out.contains("forkValid") && !out["forkValid"].is_null() ? &out["forkValid"] : nullptr;
  if (has_expected != (fork_valid != nullptr)) {
    return CaseOutcome::Fail("output.forkValid must be present exactly when expectedNetworkName is");
  }
  if (fork_valid != nullptr) {
    if (!fork_valid->is_boolean()) return CaseOutcome::Fail("output.forkValid is not a boolean");
    const bool got = wire::TopicMatchesNetwork(*parsed, expected_network);
    if (got != fork_valid->get<bool>()) {
      return CaseOutcome::Fail(absl::StrCat("forkValid: expected ", fork_valid->get<bool>() ? "true" : "false",
                                            ", got ", got ? "true" : "false"));
    }
  }
  return CaseOutcome::Pass();
}

CaseOutcome RunGossipMessageId(const Json& codec, const Json& out) {
  if (std::string d = KeysDifference(codec, "codec", {"topic", "data", "domain"}); !d.empty()) {
    return CaseOutcome::Fail(d);
  }
  if (std::string d = KeysDifference(out, "output", {"messageId"}); !d.empty()) return CaseOutcome::Fail(d);
  Reader r;
  const ssz::ByteVec topic = r.Hex(codec, "topic");
  const ssz::ByteVec data = r.Hex(codec, "data");
  const ssz::ByteVec domain = r.Hex(codec, "domain");
  const ssz::ByteVec expected = r.Hex(out, "messageId");
  if (!r.error().empty()) return CaseOutcome::Fail(r.error());
  if (domain.size() != 4) return CaseOutcome::Fail(absl::StrCat("codec.domain has ", domain.size(), " bytes, not 4"));
  wire::MessageDomain d{};
  std::copy(domain.begin(), domain.end(), d.begin());
  const wire::MessageId id =
      wire::ComputeMessageId(d, absl::string_view(reinterpret_cast<const char*>(topic.data()), topic.size()), data);
  return Verdict({BytesDiff("messageId", expected, ssz::ByteView(id.data(), id.size()))});
}

CaseOutcome RunDecodeFailure(const Json& c, const Json& codec, const Json& out) {
  if (std::string d = KeysDifference(codec, "codec", {"decoder", "rawBytes"}); !d.empty()) return CaseOutcome::Fail(d);
  if (std::string d = KeysDifference(out, "output", {"decoder"}); !d.empty()) return CaseOutcome::Fail(d);
  Reader r;
  const std::string decoder = r.Str(codec, "decoder");
  const std::string echoed = r.Str(out, "decoder");
  const ssz::ByteVec raw = r.Hex(codec, "rawBytes");
  if (!r.error().empty()) return CaseOutcome::Fail(r.error());
  if (decoder == "enr" || decoder == "gossipsub_rpc") return CaseOutcome::Skip(kLibp2pSide);
  if (echoed != decoder) return CaseOutcome::Fail(absl::StrCat("output.decoder '", echoed, "' != codec.decoder"));
  if (!c.contains("rejectionReason") || !c["rejectionReason"].is_string()) {
    return CaseOutcome::Fail("decode_failure case has no rejectionReason");
  }
  const std::string want = c["rejectionReason"].get<std::string>();

  absl::Status status;
  if (decoder == "varint") {
    status = wire::DecodeVarint(raw).status();
  } else if (decoder == "snappy_block") {
    status = wire::SnappyDecompress(raw, wire::kMaxPayloadSize).status();
  } else if (decoder == "snappy_frame") {
    status = wire::SnappyFrameDecode(raw, wire::kMaxPayloadSize).status();
  } else if (decoder == "reqresp_request") {
    status = wire::DecodeRequest(raw).status();
  } else if (decoder == "reqresp_response") {
    status = wire::DecodeResponse(raw).status();
  } else {
    return CaseOutcome::Fail(absl::StrCat("unknown decoder '", decoder, "'"));
  }
  if (status.ok()) return CaseOutcome::Fail(absl::StrCat(decoder, " accepted the input; expected ", want));
  const std::optional<consensus::RejectionReason> reason = consensus::GetRejectionReason(status);
  const std::string got = reason ? std::string(consensus::RejectionReasonName(*reason)) : "(no rejection reason)";
  if (got != want) {
    return CaseOutcome::Fail(
        absl::StrCat(decoder, " rejected with ", got, " (", status.message(), "); expected ", want));
  }
  return CaseOutcome::Pass();
}

}  // namespace

CaseOutcome RunNetworkingCodecCase(const std::string& test_id, const Json& c) {
  const Json& codec = c.at("codec");
  const Json& out = c.at("output");
  const std::string kind = codec.at("kind").get<std::string>();
  if (kind == "enr" || kind == "peer_id" || kind == "gossipsub_rpc") return CaseOutcome::Skip(kLibp2pSide);
  if (kind == "decode_failure") return RunDecodeFailure(c, codec, out);
  if (c.contains("rejectionReason") && !c["rejectionReason"].is_null()) {
    return CaseOutcome::Fail(absl::StrCat(kind, " case carries a rejectionReason"));
  }
  if (kind == "varint") return RunVarint(codec, out);
  if (kind == "snappy_block") return RunSnappyBlock(codec, out);
  if (kind == "snappy_frame") return RunSnappyFrame(codec, out);
  if (kind == "reqresp_request") return RunRequest(codec, out);
  if (kind == "reqresp_response") return RunResponse(codec, out);
  if (kind == "reqresp_response_stream") return RunResponseStream(codec, out);
  if (kind == "gossip_topic") return RunGossipTopic(codec, out);
  if (kind == "gossip_message_id") return RunGossipMessageId(codec, out);
  return CaseOutcome::Fail(absl::StrCat("unknown networking_codec kind '", kind, "'"));
}

}  // namespace beam::spectest
