// wire/reqresp_codec.h against leanSpec node/networking/reqresp/codec.py and the
// networking_codec reqresp vectors: requests, response chunks, error chunks, walking
// a response stream, and every rejection.

#include "wire/reqresp_codec.h"

#include <string>

#include <gtest/gtest.h>

#include "tests/wire/test_util.h"
#include "wire/snappy_frame.h"
#include "wire/varint.h"

namespace beam::wire {
namespace {

using testing::Hex;
using testing::IsDecodeError;

ssz::ByteVec Concat(std::initializer_list<ssz::ByteVec> parts) {
  ssz::ByteVec out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

TEST(ReqRespCodecTest, RequestVectors) {
  const struct {
    ssz::ByteVec ssz;
    const char* wire;
  } kVectors[] = {
      {{}, "00ff060000734e61507059"},
      {Hex("01020304"), "04ff060000734e6150705901080000393d6bbc01020304"},
      {ssz::ByteVec(32, 0), "20ff060000734e61507059000a0000faffd70f2000007a0100"},
      {Hex("04000000"), "04ff060000734e61507059010800006251eb9604000000"},
  };
  for (const auto& v : kVectors) {
    absl::StatusOr<ssz::ByteVec> encoded = EncodeRequest(v.ssz);
    ASSERT_TRUE(encoded.ok());
    EXPECT_EQ(*encoded, Hex(v.wire));
    absl::StatusOr<ssz::ByteVec> decoded = DecodeRequest(Hex(v.wire));
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(*decoded, v.ssz);
  }
}

TEST(ReqRespCodecTest, RequestRoundTripsUpToTheLimit) {
  for (size_t n : {1u, 127u, 128u, 65536u, 65537u, 300000u}) {
    const ssz::ByteVec ssz = testing::Texty(n, static_cast<uint32_t>(n));
    absl::StatusOr<ssz::ByteVec> decoded = DecodeRequest(*EncodeRequest(ssz));
    ASSERT_TRUE(decoded.ok()) << n << ": " << decoded.status();
    EXPECT_EQ(*decoded, ssz);
  }
  const ssz::ByteVec max(kMaxPayloadSize, 0x5a);
  absl::StatusOr<ssz::ByteVec> encoded = EncodeRequest(max);
  ASSERT_TRUE(encoded.ok());
  EXPECT_EQ(*DecodeRequest(*encoded), max);
  EXPECT_EQ(EncodeRequest(ssz::ByteVec(kMaxPayloadSize + 1, 0)).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodeResponseChunk(ResponseCode::kSuccess, ssz::ByteVec(kMaxPayloadSize + 1, 0)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ReqRespCodecTest, RejectsMalformedRequests) {
  const ssz::ByteVec frame4 = SnappyFrameEncode(Hex("01020304"));
  const struct {
    ssz::ByteVec wire;
    const char* why;
  } kBad[] = {
      {{}, "empty request"},
      {Hex("8080"), "truncated length varint"},
      {Hex("8080808080808080808080"), "length varint over 10 bytes"},
      {Hex("81808005"), "declared length one over MAX_PAYLOAD_SIZE"},
      {Hex("ffffffffffffffffff01"), "declared length 2^64 - 1"},
      {Hex("04"), "no frame"},
      {Concat({Hex("05"), frame4}), "payload shorter than declared"},
      {Concat({Hex("03"), frame4}), "payload longer than declared"},
      {Concat({Hex("04"), Hex("ff060000734e61507058")}), "bad stream identifier"},
      {Concat({Hex("04"), frame4, Hex("02000000")}), "reserved chunk after the payload"},
  };
  for (const auto& bad : kBad) {
    absl::StatusOr<ssz::ByteVec> out = DecodeRequest(bad.wire);
    EXPECT_TRUE(IsDecodeError(out.status())) << bad.why << ": " << out.status();
  }
  // Skippable chunks after the payload are part of the same frame (as in the spec).
  EXPECT_TRUE(DecodeRequest(Concat({Hex("04"), frame4, Hex("fe020000abcd")})).ok());
}

TEST(ReqRespCodecTest, ResponseVectors) {
  const struct {
    ResponseCode code;
    ssz::ByteVec payload;
    const char* wire;
  } kVectors[] = {
      {ResponseCode::kSuccess, {}, "0000ff060000734e61507059"},
      {ResponseCode::kSuccess, Hex("01020304"), "0004ff060000734e6150705901080000393d6bbc01020304"},
      {ResponseCode::kInvalidRequest, testing::Bytes("bad request"),
       "010bff060000734e61507059010f00008a23d9c16261642072657175657374"},
      {ResponseCode::kServerError, Hex("657272c3bc72f09f98806661696c"),  // "errür😀fail"
       "020eff060000734e6150705901120000e7fe7d11657272c3bc72f09f98806661696c"},
      {ResponseCode::kInvalidRequest, ssz::ByteVec(256, 'e'),
       "018002ff060000734e61507059001400007858a48b80020065fe0100fe0300fe0300fa0300"},
      {ResponseCode::kResourceUnavailable, testing::Bytes("block not found"),
       "030fff060000734e615070590113000011defbac626c6f636b206e6f7420666f756e64"},
  };
  for (const auto& v : kVectors) {
    absl::StatusOr<ssz::ByteVec> encoded = EncodeResponseChunk(v.code, v.payload);
    ASSERT_TRUE(encoded.ok());
    EXPECT_EQ(*encoded, Hex(v.wire));
    absl::StatusOr<ResponseChunk> decoded = DecodeResponse(Hex(v.wire));
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(decoded->code, v.code);
    EXPECT_EQ(decoded->payload, v.payload);
  }
}

TEST(ReqRespCodecTest, UnknownCodeBytesMapAsTheSpecSays) {
  for (int b = 0; b < 256; ++b) {
    const ResponseCode want =
        b <= 3 ? static_cast<ResponseCode>(b) : (b <= 127 ? ResponseCode::kServerError : ResponseCode::kInvalidRequest);
    EXPECT_EQ(ResponseCodeFromByte(static_cast<uint8_t>(b)), want) << b;
  }
  ssz::ByteVec wire = *EncodeResponseChunk(ResponseCode::kSuccess, Hex("aa"));
  for (uint8_t b : {4, 127, 128, 255}) {
    wire[0] = b;
    absl::StatusOr<ResponseChunk> decoded = DecodeResponse(wire);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded->code, ResponseCodeFromByte(b));
  }
  EXPECT_EQ(EncodeResponseChunk(static_cast<ResponseCode>(4), {}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ReqRespCodecTest, RejectsMalformedResponses) {
  EXPECT_TRUE(IsDecodeError(DecodeResponse({}).status()));
  EXPECT_TRUE(IsDecodeError(DecodeResponse(Hex("00")).status()));
  EXPECT_TRUE(IsDecodeError(DecodeResponse(Hex("0080")).status()));
  EXPECT_TRUE(IsDecodeError(DecodeResponse(Hex("0081808005")).status()));
  EXPECT_TRUE(IsDecodeError(DecodeResponse(Concat({Hex("0005"), SnappyFrameEncode(Hex("01020304"))})).status()));
  // Two chunks are not one response: the second chunk's code byte is not a frame chunk.
  const ssz::ByteVec one = *EncodeResponseChunk(ResponseCode::kSuccess, Hex("01020304"));
  EXPECT_TRUE(IsDecodeError(DecodeResponse(Concat({one, one})).status()));
}

TEST(ReqRespCodecTest, ErrorChunksCarryTruncatedUtf8) {
  absl::StatusOr<ssz::ByteVec> wire = EncodeErrorChunk(ResponseCode::kServerError, std::string(300, 'x'));
  ASSERT_TRUE(wire.ok());
  absl::StatusOr<ResponseChunk> decoded = DecodeResponse(*wire);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->code, ResponseCode::kServerError);
  EXPECT_EQ(decoded->payload, ssz::ByteVec(256, 'x'));

  // A two-byte character straddling byte 256 is dropped whole.
  const std::string straddle = std::string(255, 'a') + "\xc3\xbc" + "tail";
  decoded = DecodeResponse(*EncodeErrorChunk(ResponseCode::kInvalidRequest, straddle));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->payload, ssz::ByteVec(255, 'a'));

  const std::string exact = std::string(252, 'a') + "\xf0\x9f\x98\x80";  // 256 bytes, ends with U+1F600
  decoded = DecodeResponse(*EncodeErrorChunk(ResponseCode::kResourceUnavailable, exact));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->payload, testing::Bytes(exact));

  EXPECT_EQ(EncodeErrorChunk(ResponseCode::kServerError, "\xff").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodeErrorChunk(ResponseCode::kServerError, "\xed\xa0\x80").status().code(),  // a surrogate
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodeErrorChunk(ResponseCode::kSuccess, "ok").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodeErrorChunk(static_cast<ResponseCode>(9), "x").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ReqRespCodecTest, DecodingLeavesErrorTextToTheCaller) {
  // The spec's decoder checks neither UTF-8 nor the 256-byte cut of error messages.
  const ssz::ByteVec not_utf8 = Hex("ff80c0");
  absl::StatusOr<ResponseChunk> decoded = DecodeResponse(*EncodeResponseChunk(ResponseCode::kServerError, not_utf8));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->payload, not_utf8);
  decoded = DecodeResponse(*EncodeResponseChunk(ResponseCode::kServerError, ssz::ByteVec(1000, 'x')));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->payload.size(), 1000u);
}

TEST(ReqRespCodecTest, WalksAResponseStream) {
  // networking_codec test_stream_two_success_chunks.
  const ssz::ByteVec stream =
      Hex("0004ff060000734e615070590108000090cea091deadbeef0004ff060000734e615070590108000047925c87cafebabe");
  absl::StatusOr<ReadResponse> first = ReadResponseChunk(stream);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->chunk.code, ResponseCode::kSuccess);
  EXPECT_EQ(first->chunk.payload, Hex("deadbeef"));
  EXPECT_EQ(first->consumed, stream.size() / 2);
  absl::StatusOr<ReadResponse> second = ReadResponseChunk(ssz::ByteView(stream).subspan(first->consumed));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->chunk.payload, Hex("cafebabe"));
  EXPECT_EQ(first->consumed + second->consumed, stream.size());

  // Empty payloads, multi-chunk frames and error terminators, back to back.
  const ssz::ByteVec big = testing::Texty(150000, 9);
  const ssz::ByteVec chunks[] = {*EncodeResponseChunk(ResponseCode::kSuccess, {}),
                                 *EncodeResponseChunk(ResponseCode::kSuccess, big),
                                 *EncodeErrorChunk(ResponseCode::kResourceUnavailable, "no more blocks")};
  const ssz::ByteVec all = Concat({chunks[0], chunks[1], chunks[2]});
  size_t pos = 0;
  for (const ssz::ByteVec& chunk : chunks) {
    absl::StatusOr<ReadResponse> r = ReadResponseChunk(ssz::ByteView(all).subspan(pos));
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->consumed, chunk.size());
    EXPECT_EQ(r->chunk.payload, DecodeResponse(chunk)->payload);
    pos += r->consumed;
  }
  EXPECT_EQ(pos, all.size());
}

TEST(ReqRespCodecTest, StreamReaderTellsIncompleteFromMalformed) {
  const ssz::ByteVec chunk = *EncodeResponseChunk(ResponseCode::kSuccess, testing::Texty(70000, 10));
  for (size_t cut = 0; cut < chunk.size(); cut += (cut < 40 ? 1 : 1499)) {
    absl::StatusOr<ReadResponse> r = ReadResponseChunk(ssz::ByteView(chunk).subspan(0, cut));
    EXPECT_EQ(r.status().code(), absl::StatusCode::kOutOfRange) << cut << ": " << r.status();
  }
  EXPECT_EQ(ReadResponseChunk({}).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(ReadResponseChunk(Hex("0080")).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_TRUE(IsDecodeError(ReadResponseChunk(Hex("008080808080808080808080")).status()));
  EXPECT_TRUE(IsDecodeError(ReadResponseChunk(Hex("0081808005")).status()));
  EXPECT_TRUE(IsDecodeError(ReadResponseChunk(Hex("0004fe06")).status()));  // not a stream identifier
  // A frame that produces more than declared.
  EXPECT_TRUE(IsDecodeError(ReadResponseChunk(Concat({Hex("0003"), SnappyFrameEncode(Hex("01020304"))})).status()));
}

}  // namespace
}  // namespace beam::wire
