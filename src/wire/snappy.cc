#include "wire/snappy.h"

#include <snappy.h>

#include <cstring>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "wire/decode_error.h"
#include "wire/varint.h"

namespace beam::wire {
namespace {

// leanSpec node/snappy/constants.py.
constexpr size_t kBlockSize = size_t{1} << 16;
constexpr size_t kInputMarginBytes = 15;
constexpr uint32_t kHashMultiplier = 0x1E35A7BDu;
constexpr int kMinHashTableBits = 8;
constexpr int kMaxHashTableBits = 15;
constexpr size_t kMaxMatchLength = 64;
constexpr size_t kMaxInlineLiteral = 60;

// _emit_literal: a literal tag (length - 1 inline up to 60, else in 1..4 bytes) and the
// bytes themselves.
void EmitLiteral(const uint8_t* p, size_t n, ssz::ByteVec& out) {
  if (n == 0) return;
  const size_t m = n - 1;
  if (n <= kMaxInlineLiteral) {
    out.push_back(static_cast<uint8_t>(m << 2));
  } else {
    const int extra = m < (size_t{1} << 8) ? 1 : m < (size_t{1} << 16) ? 2 : m < (size_t{1} << 24) ? 3 : 4;
    out.push_back(static_cast<uint8_t>((59 + extra) << 2));
    for (int i = 0; i < extra; ++i) out.push_back(static_cast<uint8_t>(m >> (8 * i)));
  }
  out.insert(out.end(), p, p + n);
}

// encode_copy_tag: the most compact of copy-1 (length 4..11, offset < 2048), copy-2
// (offset < 65536) and copy-4. Lengths here are 4..64.
void EmitCopy(size_t length, size_t offset, ssz::ByteVec& out) {
  if (offset <= 2047 && length >= 4 && length <= 11) {
    out.push_back(static_cast<uint8_t>(((offset >> 8) << 5) | ((length - 4) << 2) | 0x01));
    out.push_back(static_cast<uint8_t>(offset));
  } else if (offset <= 0xFFFF) {
    out.push_back(static_cast<uint8_t>(((length - 1) << 2) | 0x02));
    out.push_back(static_cast<uint8_t>(offset));
    out.push_back(static_cast<uint8_t>(offset >> 8));
  } else {
    out.push_back(static_cast<uint8_t>(((length - 1) << 2) | 0x03));
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(offset >> (8 * i)));
  }
}

// _compute_table_bits: about one slot per 4 input bytes, 2^8..2^15 slots.
int TableBits(size_t block_size) {
  const size_t target = block_size / 4;
  int bits = kMinHashTableBits;
  while ((size_t{1} << bits) < target && bits < kMaxHashTableBits) ++bits;
  return bits;
}

// _hash_4_bytes: the little-endian word times the multiplier, top `bits` bits.
uint32_t Hash4(const uint8_t* p, int bits) {
  const uint32_t word = static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
                        (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
  return (word * kHashMultiplier) >> (32 - bits);
}

// _compress_block. `table` is scratch space of at least 2^kMaxHashTableBits entries.
void CompressBlock(const uint8_t* block, size_t n, std::vector<int32_t>& table, ssz::ByteVec& out) {
  if (n < 4) {
    EmitLiteral(block, n, out);
    return;
  }
  const int bits = TableBits(n);
  std::fill(table.begin(), table.begin() + (size_t{1} << bits), -1);
  size_t literal_start = 0;
  size_t pos = 0;
  while (pos + kInputMarginBytes < n) {
    const uint32_t h = Hash4(block + pos, bits);
    const int32_t candidate = table[h];
    table[h] = static_cast<int32_t>(pos);
    if (candidate >= 0 && std::memcmp(block + candidate, block + pos, 4) == 0) {
      const size_t match = static_cast<size_t>(candidate);
      EmitLiteral(block + literal_start, pos - literal_start, out);
      size_t length = 4;
      while (length < kMaxMatchLength && pos + length < n && block[match + length] == block[pos + length]) ++length;
      EmitCopy(length, pos - match, out);
      pos += length;
      literal_start = pos;
      // Re-seed the table with every other position the copy covered, as the spec does.
      if (pos + kInputMarginBytes < n) {
        for (size_t skip = pos - length + 1; skip + 1 < pos; skip += 2) {
          table[Hash4(block + skip, bits)] = static_cast<int32_t>(skip);
        }
      }
    } else {
      ++pos;
    }
  }
  EmitLiteral(block + literal_start, n - literal_start, out);
}

}  // namespace

void AppendSnappyCompressed(ssz::ByteView data, ssz::ByteVec& out) {
  // Worst case (max_compressed_length): every byte a literal plus its tags.
  out.reserve(out.size() + 5 + data.size() + data.size() / 6 + 1);
  AppendVarint(data.size(), out);
  if (data.empty()) return;
  std::vector<int32_t> table(size_t{1} << kMaxHashTableBits);
  for (size_t offset = 0; offset < data.size(); offset += kBlockSize) {
    const size_t n = std::min(kBlockSize, data.size() - offset);
    CompressBlock(data.data() + offset, n, table, out);
  }
}

absl::StatusOr<ssz::ByteVec> SnappyCompress(ssz::ByteView data) {
  if (data.size() > kMaxSnappyBlockInput) {
    return absl::InvalidArgumentError(
        absl::StrCat("snappy input of ", data.size(), " bytes exceeds the block format's ", kMaxSnappyBlockInput));
  }
  ssz::ByteVec out;
  AppendSnappyCompressed(data, out);
  return out;
}

absl::StatusOr<uint64_t> SnappyUncompressedLength(ssz::ByteView compressed) {
  if (compressed.empty()) return DecodeError("empty snappy input");
  size_t length = 0;
  if (!snappy::GetUncompressedLength(reinterpret_cast<const char*>(compressed.data()), compressed.size(), &length)) {
    return DecodeError("malformed snappy length prefix (truncated, over 5 bytes or over 32 bits)");
  }
  return static_cast<uint64_t>(length);
}

absl::StatusOr<size_t> AppendSnappyDecompressed(ssz::ByteView compressed, size_t max_output, ssz::ByteVec& out) {
  absl::StatusOr<uint64_t> length = SnappyUncompressedLength(compressed);
  if (!length.ok()) return length.status();
  if (*length > max_output) {
    return DecodeError(absl::StrCat("snappy declared length ", *length, " exceeds the limit of ", max_output));
  }
  const size_t old_size = out.size();
  out.resize(old_size + *length);
  char scratch = 0;  // a valid destination when the output is empty
  char* dst = *length == 0 ? &scratch : reinterpret_cast<char*>(out.data() + old_size);
  if (!snappy::RawUncompress(reinterpret_cast<const char*>(compressed.data()), compressed.size(), dst)) {
    out.resize(old_size);
    return DecodeError(absl::StrCat("malformed snappy block (declared length ", *length,
                                    "): bad element, copy out of range, or length mismatch"));
  }
  return static_cast<size_t>(*length);
}

absl::StatusOr<ssz::ByteVec> SnappyDecompress(ssz::ByteView compressed, size_t max_output) {
  ssz::ByteVec out;
  absl::StatusOr<size_t> n = AppendSnappyDecompressed(compressed, max_output, out);
  if (!n.ok()) return n.status();
  return out;
}

bool IsValidSnappyBlock(ssz::ByteView compressed) {
  return !compressed.empty() &&
         snappy::IsValidCompressedBuffer(reinterpret_cast<const char*>(compressed.data()), compressed.size());
}

}  // namespace beam::wire
