#include "ssz/merkleize.h"

#include <array>
#include <cstring>
#include <vector>

#include "hash/sha256.h"

namespace beam::ssz {
namespace {

std::array<Root, kMaxTreeDepth + 1> BuildZeroHashes() {
  std::array<Root, kMaxTreeDepth + 1> table{};
  for (int d = 1; d <= kMaxTreeDepth; ++d) {
    hash::Sha256Pair(table[d - 1].data(), table[d - 1].data(), table[d].data());
  }
  return table;
}

}  // namespace

const Root& ZeroHash(int depth) {
  static const std::array<Root, kMaxTreeDepth + 1> kTable = BuildZeroHashes();
  return kTable[depth];
}

Root HashPair(const Root& left, const Root& right) {
  Root out;
  hash::Sha256Pair(left.data(), right.data(), out.data());
  return out;
}

int CeilLog2(uint64_t n) {
  int d = 0;
  while ((uint64_t{1} << d) < n) ++d;
  return d;
}

Root ExtendWithZeros(Root root, int from_depth, int to_depth) {
  for (int d = from_depth; d < to_depth; ++d) {
    hash::Sha256Pair(root.data(), ZeroHash(d).data(), root.data());
  }
  return root;
}

Root Merkleize(absl::Span<const Root> chunks, int64_t limit_chunks) {
  const uint64_t count = chunks.size();
  const uint64_t width = limit_chunks < 0 ? count : static_cast<uint64_t>(limit_chunks);
  const int depth = CeilLog2(width);
  if (count == 0) return ZeroHash(depth);
  if (count == 1) return ExtendWithZeros(chunks[0], 0, depth);
  // Hash layer by layer over the occupied prefix only; an odd tail pairs with the
  // zero subtree of its level.
  std::vector<Root> layer((count + 1) / 2);
  const Root* in = chunks.data();
  uint64_t n = count;
  for (int d = 0; d < depth; ++d) {
    const uint64_t full = n / 2;
    hash::Sha256Pairs(in->data(), layer.data()->data(), full);
    if (n % 2) hash::Sha256Pair(in[n - 1].data(), ZeroHash(d).data(), layer[full].data());
    in = layer.data();
    n = (n + 1) / 2;
  }
  return layer[0];
}

Root MerkleizeBytes(ByteView bytes, int64_t limit_chunks) {
  const size_t n = (bytes.size() + kBytesPerChunk - 1) / kBytesPerChunk;
  std::vector<Root> chunks(n);
  if (!bytes.empty()) std::memcpy(chunks.data(), bytes.data(), bytes.size());
  return Merkleize(chunks, limit_chunks);
}

void HashTreesInPlace(Root* leaves, size_t n, size_t leaves_per_tree, Root* out) {
  if (n == 0) return;  // `leaves` may be null (an empty vector's data())
  if (leaves_per_tree == 1) {
    std::memmove(out, leaves, n * sizeof(Root));
    return;
  }
  // Pairs never straddle two trees (leaves_per_tree is even), so each level of all n
  // trees is one contiguous layer.
  for (size_t width = leaves_per_tree; width > 1; width /= 2) {
    hash::Sha256Pairs(leaves->data(), leaves->data(), n * width / 2);
  }
  for (size_t i = 0; i < n; ++i) out[i] = leaves[i];
}

Root MixInLength(const Root& root, uint64_t length) {
  Root len{};
  for (int i = 0; i < 8; ++i) len[i] = static_cast<uint8_t>(length >> (8 * i));
  return HashPair(root, len);
}

}  // namespace beam::ssz
