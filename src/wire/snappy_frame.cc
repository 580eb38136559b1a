#include "wire/snappy_frame.h"

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "wire/decode_error.h"
#include "wire/crc32c.h"
#include "wire/snappy.h"

namespace beam::wire {
namespace {

constexpr uint8_t kStreamIdentifier[kSnappyStreamIdentifierSize] = {0xff, 0x06, 0x00, 0x00, 's',
                                                                    'N',  'a',  'P',  'p',  'Y'};
constexpr uint8_t kChunkCompressed = 0x00;
constexpr uint8_t kChunkUncompressed = 0x01;
constexpr uint8_t kChunkStreamIdentifier = 0xff;
constexpr size_t kChunkHeaderSize = 4;
constexpr size_t kCrcSize = 4;

uint32_t LoadLe32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) | (static_cast<uint32_t>(p[2]) << 16) |
         (static_cast<uint32_t>(p[3]) << 24);
}

void AppendLe(uint32_t v, int bytes, ssz::ByteVec& out) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// How the walk treats the end of its input and its output limit.
enum class Mode {
  kWhole,   // frame_decompress: all of `data` is the stream; output may not exceed the limit
  kPrefix,  // a stream reader: stop once the output is exactly the limit; running out is OutOfRange
};

absl::Status Truncated(Mode mode, absl::string_view what) {
  if (mode == Mode::kPrefix) return absl::OutOfRangeError(absl::StrCat("incomplete snappy frame: ", what));
  return DecodeError(absl::StrCat("snappy frame: ", what));
}

// Checks the stored CRC of one data chunk against its uncompressed bytes.
absl::Status CheckCrc(uint32_t stored, ssz::ByteView uncompressed) {
  const uint32_t computed = MaskCrc32c(Crc32c(uncompressed));
  if (stored != computed) {
    return DecodeError(
        absl::StrCat("snappy frame: CRC mismatch: stored 0x", absl::Hex(stored), ", computed 0x", absl::Hex(computed)));
  }
  return absl::OkStatus();
}

// Walks the stream, appending its data to `out`; returns the input bytes consumed.
absl::StatusOr<size_t> Walk(ssz::ByteView data, size_t limit, Mode mode, ssz::ByteVec& out) {
  const size_t base = out.size();
  if (data.size() < kSnappyStreamIdentifierSize) {
    if (mode == Mode::kPrefix && (data.empty() || std::memcmp(data.data(), kStreamIdentifier, data.size()) == 0)) {
      return Truncated(mode, "input shorter than the stream identifier");
    }
    return DecodeError(absl::StrCat("snappy frame: input of ", data.size(), " bytes is too short for a framed stream"));
  }
  if (std::memcmp(data.data(), kStreamIdentifier, kSnappyStreamIdentifierSize) != 0) {
    return DecodeError("snappy frame: invalid stream identifier");
  }
  size_t pos = kSnappyStreamIdentifierSize;
  if (mode == Mode::kPrefix && limit == 0) return pos;

  while (pos < data.size()) {
    if (data.size() - pos < kChunkHeaderSize) return Truncated(mode, absl::StrCat("truncated chunk header at ", pos));
    const uint8_t type = data[pos];
    const size_t length = static_cast<size_t>(data[pos + 1]) | (static_cast<size_t>(data[pos + 2]) << 8) |
                          (static_cast<size_t>(data[pos + 3]) << 16);
    pos += kChunkHeaderSize;
    if (data.size() - pos < length) {
      return Truncated(mode, absl::StrCat("chunk of ", length, " bytes at ", pos, " extends past the end (",
                                          data.size() - pos, " available)"));
    }
    const ssz::ByteView body = data.subspan(pos, length);
    pos += length;
    const size_t produced = out.size() - base;

    if (type == kChunkCompressed || type == kChunkUncompressed) {
      if (body.size() < kCrcSize) {
        return DecodeError(absl::StrCat("snappy frame: ", type == kChunkCompressed ? "compressed" : "uncompressed",
                                        " chunk of ", body.size(), " bytes is too short for its CRC"));
      }
      const uint32_t stored = LoadLe32(body.data());
      const ssz::ByteView payload = body.subspan(kCrcSize);
      size_t chunk_size = payload.size();
      if (type == kChunkCompressed) {
        absl::StatusOr<uint64_t> declared = SnappyUncompressedLength(payload);
        if (!declared.ok()) return declared.status();
        chunk_size = *declared;
      }
      if (chunk_size > kMaxFrameChunkData) {
        return DecodeError(
            absl::StrCat("snappy frame: chunk holds ", chunk_size, " bytes, more than ", kMaxFrameChunkData));
      }
      if (chunk_size > limit - produced) {
        return DecodeError(
            mode == Mode::kPrefix
                ? absl::StrCat("snappy frame: chunk takes the output past the declared ", limit, " bytes")
                : absl::StrCat("snappy frame: output exceeds the limit of ", limit, " bytes"));
      }
      if (type == kChunkCompressed) {
        absl::StatusOr<size_t> n = AppendSnappyDecompressed(payload, kMaxFrameChunkData, out);
        if (!n.ok()) return n.status();
      } else {
        out.insert(out.end(), payload.begin(), payload.end());
      }
      const size_t chunk_start = base + produced;
      if (absl::Status s = CheckCrc(stored, ssz::ByteView(out.data() + chunk_start, out.size() - chunk_start));
          !s.ok()) {
        return s;
      }
      if (mode == Mode::kPrefix && out.size() - base == limit) return pos;
    } else if (type == kChunkStreamIdentifier) {
      if (length != kSnappyStreamIdentifierSize - kChunkHeaderSize) {
        return DecodeError(absl::StrCat("snappy frame: stream identifier chunk must be 6 bytes, got ", length));
      }
      if (std::memcmp(body.data(), kStreamIdentifier + kChunkHeaderSize, length) != 0) {
        return DecodeError("snappy frame: invalid stream identifier content");
      }
    } else if (type <= 0x7f) {
      return DecodeError(absl::StrCat("snappy frame: unknown unskippable chunk type 0x", absl::Hex(type)));
    }
    // 0x80..0xfe: reserved skippable (and padding): ignored.
  }
  if (mode == Mode::kPrefix) {
    return Truncated(mode, absl::StrCat("stream ended after ", out.size() - base, " of ", limit, " bytes"));
  }
  return pos;
}

absl::StatusOr<size_t> WalkRestoring(ssz::ByteView data, size_t limit, Mode mode, ssz::ByteVec& out) {
  const size_t base = out.size();
  absl::StatusOr<size_t> consumed = Walk(data, limit, mode, out);
  if (!consumed.ok()) out.resize(base);
  return consumed;
}

}  // namespace

void AppendSnappyFrame(ssz::ByteView data, ssz::ByteVec& out) {
  out.insert(out.end(), std::begin(kStreamIdentifier), std::end(kStreamIdentifier));
  ssz::ByteVec compressed;
  for (size_t offset = 0; offset < data.size(); offset += kMaxFrameChunkData) {
    const ssz::ByteView chunk = data.subspan(offset, std::min(kMaxFrameChunkData, data.size() - offset));
    compressed.clear();
    AppendSnappyCompressed(chunk, compressed);
    const uint32_t crc = MaskCrc32c(Crc32c(chunk));
    const bool use_compressed = compressed.size() < chunk.size();
    const ssz::ByteView chunk_body = use_compressed ? ssz::ByteView(compressed) : chunk;
    out.push_back(use_compressed ? kChunkCompressed : kChunkUncompressed);
    AppendLe(static_cast<uint32_t>(kCrcSize + chunk_body.size()), 3, out);
    AppendLe(crc, 4, out);
    out.insert(out.end(), chunk_body.begin(), chunk_body.end());
  }
}

ssz::ByteVec SnappyFrameEncode(ssz::ByteView data) {
  ssz::ByteVec out;
  AppendSnappyFrame(data, out);
  return out;
}

absl::StatusOr<ssz::ByteVec> SnappyFrameDecode(ssz::ByteView data, size_t max_output) {
  ssz::ByteVec out;
  absl::StatusOr<size_t> consumed = WalkRestoring(data, max_output, Mode::kWhole, out);
  if (!consumed.ok()) return consumed.status();
  return out;
}

absl::StatusOr<size_t> DecodeSnappyFramePrefix(ssz::ByteView data, size_t length, ssz::ByteVec& out) {
  return WalkRestoring(data, length, Mode::kPrefix, out);
}

}  // namespace beam::wire
