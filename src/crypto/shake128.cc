#include "crypto/shake128.h"

#include <cstring>

namespace beam::crypto {
namespace {

constexpr size_t kRate = 168;  // bytes, for SHAKE128 (capacity 256 bits)

constexpr uint64_t kRoundConstants[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL};

// Rotation offsets r[x + 5y] of the rho step.
constexpr int kRho[25] = {0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14};

inline uint64_t Rotl(uint64_t x, int n) { return n == 0 ? x : (x << n) | (x >> (64 - n)); }

void KeccakF1600(uint64_t a[25]) {
  for (int round = 0; round < 24; ++round) {
    // theta
    uint64_t c[5], d[5];
    for (int x = 0; x < 5; ++x) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
    for (int x = 0; x < 5; ++x) d[x] = c[(x + 4) % 5] ^ Rotl(c[(x + 1) % 5], 1);
    for (int i = 0; i < 25; ++i) a[i] ^= d[i % 5];
    // rho and pi: B[y, 2x + 3y] = rot(A[x, y], r[x, y])
    uint64_t b[25];
    for (int x = 0; x < 5; ++x) {
      for (int y = 0; y < 5; ++y) b[y + 5 * ((2 * x + 3 * y) % 5)] = Rotl(a[x + 5 * y], kRho[x + 5 * y]);
    }
    // chi
    for (int y = 0; y < 5; ++y) {
      for (int x = 0; x < 5; ++x) a[x + 5 * y] = b[x + 5 * y] ^ (~b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y]);
    }
    // iota
    a[0] ^= kRoundConstants[round];
  }
}

void XorBlock(uint64_t state[25], const uint8_t* block, size_t len) {
  for (size_t i = 0; i < len; ++i) state[i / 8] ^= uint64_t{block[i]} << (8 * (i % 8));
}

}  // namespace

void Shake128(const uint8_t* in, size_t in_len, uint8_t* out, size_t out_len) {
  uint64_t state[25] = {};
  while (in_len >= kRate) {
    XorBlock(state, in, kRate);
    KeccakF1600(state);
    in += kRate;
    in_len -= kRate;
  }
  uint8_t last[kRate] = {};
  if (in_len > 0) std::memcpy(last, in, in_len);  // `in` may be null when empty
  last[in_len] ^= 0x1F;  // SHAKE domain bits + first padding bit
  last[kRate - 1] ^= 0x80;
  XorBlock(state, last, kRate);
  KeccakF1600(state);
  while (true) {
    const size_t n = out_len < kRate ? out_len : kRate;
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(state[i / 8] >> (8 * (i % 8)));
    out += n;
    out_len -= n;
    if (out_len == 0) break;
    KeccakF1600(state);
  }
}

}  // namespace beam::crypto
