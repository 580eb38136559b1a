#include "hash/sha256.h"

#include <cstring>

#include "hash/boringssl.h"
#include "hash/sha256_shani.h"

namespace beam::hash {
namespace {

constexpr uint32_t kInitialState[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                       0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

// The second block of a 64-byte message is constant: 0x80, zeros, bit length 512.
struct PaddingBlock {
  alignas(64) uint8_t bytes[64] = {};
  constexpr PaddingBlock() {
    bytes[0] = 0x80;
    bytes[62] = 0x02;  // 512 bits, big-endian in the last 8 bytes
  }
};
constexpr PaddingBlock kPaddingFor64 = {};

thread_local uint64_t t_node_hashes = 0;

inline void StoreBigEndian(const uint32_t state[8], uint8_t out[32]) {
  for (int i = 0; i < 8; ++i) {
    out[4 * i + 0] = static_cast<uint8_t>(state[i] >> 24);
    out[4 * i + 1] = static_cast<uint8_t>(state[i] >> 16);
    out[4 * i + 2] = static_cast<uint8_t>(state[i] >> 8);
    out[4 * i + 3] = static_cast<uint8_t>(state[i]);
  }
}

}  // namespace

void Sha256(const uint8_t* data, size_t len, uint8_t out[kSha256DigestSize]) {
  boringssl::Get().sha256(data, len, out);
}

namespace {

using TransformBlocks = decltype(boringssl::Api::sha256_transform_blocks);

// Portable path: BoringSSL's block function on the data block and the padding block.
// `transform` is boringssl::Get().sha256_transform_blocks, looked up once per call site.
void HashOneBlockPortable(TransformBlocks transform, const uint8_t block[64], uint8_t out[32]) {
  uint32_t state[8];
  std::memcpy(state, kInitialState, sizeof(state));
  // Skipping SHA256_Init/Update/Final saves the buffering and padding logic: a
  // Merkle node is always exactly one data block plus the constant padding block.
  transform(state, block, 1);
  transform(state, kPaddingFor64.bytes, 1);
  StoreBigEndian(state, out);
}

bool UseShaNi() {
  static const bool kUse = internal::CpuHasShaNi();
  return kUse;
}

}  // namespace

void Sha256Pair(const uint8_t left[32], const uint8_t right[32], uint8_t out[32]) {
  alignas(64) uint8_t block[64];
  std::memcpy(block, left, 32);
  std::memcpy(block + 32, right, 32);
  if (UseShaNi()) {
    internal::Sha256x64ShaNi(block, out, 1);
  } else {
    HashOneBlockPortable(boringssl::Get().sha256_transform_blocks, block, out);
  }
  ++t_node_hashes;
}

void Sha256Pairs(const uint8_t* in, uint8_t* out, size_t n) {
  if (UseShaNi()) {
    internal::Sha256x64ShaNi(in, out, n);
  } else {
    const TransformBlocks transform = boringssl::Get().sha256_transform_blocks;
    for (size_t i = 0; i < n; ++i) {
      alignas(64) uint8_t block[64];
      std::memcpy(block, in + 64 * i, 64);  // out may alias in
      HashOneBlockPortable(transform, block, out + 32 * i);
    }
  }
  t_node_hashes += n;
}

bool UsingShaNi() { return UseShaNi(); }

uint64_t NodeHashCount() { return t_node_hashes; }

}  // namespace beam::hash
