#include "hash/sha256_shani.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

namespace beam::hash::internal {

#if defined(__x86_64__)

namespace {

constexpr uint32_t kRoundConstants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

constexpr uint32_t kInitialState[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                       0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

constexpr uint32_t RotR(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

// K[t] + W[t] of the padding block of a 64-byte message (0x80, zeros, length 512).
struct PaddingSchedule {
  alignas(16) uint32_t kw[64];
  constexpr PaddingSchedule() : kw{} {
    uint32_t w[64] = {};
    w[0] = 0x80000000u;
    w[15] = 512;
    for (int t = 16; t < 64; ++t) {
      const uint32_t s0 = RotR(w[t - 15], 7) ^ RotR(w[t - 15], 18) ^ (w[t - 15] >> 3);
      const uint32_t s1 = RotR(w[t - 2], 17) ^ RotR(w[t - 2], 19) ^ (w[t - 2] >> 10);
      w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    for (int t = 0; t < 64; ++t) kw[t] = kRoundConstants[t] + w[t];
  }
};
constexpr PaddingSchedule kPadding;

#define BEAM_SHANI_TARGET __attribute__((target("sha,sse4.1,ssse3")))

// Two rounds-pairs (four rounds) with K+W in `kw` for both lanes.
#define BEAM_SHA_4ROUNDS(kw_a, kw_b)                          \
  do {                                                        \
    __m128i ma = (kw_a), mb = (kw_b);                         \
    cdgh_a = _mm_sha256rnds2_epu32(cdgh_a, abef_a, ma);       \
    cdgh_b = _mm_sha256rnds2_epu32(cdgh_b, abef_b, mb);       \
    ma = _mm_shuffle_epi32(ma, 0x0E);                         \
    mb = _mm_shuffle_epi32(mb, 0x0E);                         \
    abef_a = _mm_sha256rnds2_epu32(abef_a, cdgh_a, ma);       \
    abef_b = _mm_sha256rnds2_epu32(abef_b, cdgh_b, mb);       \
  } while (0)

BEAM_SHANI_TARGET inline __m128i NextSchedule(__m128i w0, __m128i w1, __m128i w2, __m128i w3) {
  // W[t..t+3] from W[t-16..t-1], four words per register.
  __m128i t = _mm_sha256msg1_epu32(w0, w1);
  t = _mm_add_epi32(t, _mm_alignr_epi8(w3, w2, 4));
  return _mm_sha256msg2_epu32(t, w3);
}

BEAM_SHANI_TARGET inline void StoreDigest(__m128i abef, __m128i cdgh, uint8_t* out) {
  const __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
  const __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
  const __m128i dcba = _mm_blend_epi16(feba, dchg, 0xF0);
  const __m128i hgfe = _mm_alignr_epi8(dchg, feba, 8);
  const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm_shuffle_epi8(dcba, bswap));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 16), _mm_shuffle_epi8(hgfe, bswap));
}

// Hashes the 64-byte messages at in_a and in_b (interleaved lanes).
BEAM_SHANI_TARGET void HashTwo(const uint8_t* in_a, const uint8_t* in_b, uint8_t* out_a, uint8_t* out_b) {
  const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  const __m128i* k = reinterpret_cast<const __m128i*>(kRoundConstants);
  // Load both messages before any store: out may alias in.
  __m128i wa[4], wb[4];
#pragma GCC unroll 4
  for (int i = 0; i < 4; ++i) {
    wa[i] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in_a) + i), bswap);
    wb[i] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in_b) + i), bswap);
  }
  // Initial state in the ABEF / CDGH layout of the SHA instructions.
  const __m128i dcba = _mm_loadu_si128(reinterpret_cast<const __m128i*>(kInitialState));
  const __m128i hgfe = _mm_loadu_si128(reinterpret_cast<const __m128i*>(kInitialState + 4));
  const __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
  const __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
  const __m128i abef0 = _mm_alignr_epi8(cdab, efgh, 8);
  const __m128i cdgh0 = _mm_blend_epi16(efgh, cdab, 0xF0);

  __m128i abef_a = abef0, cdgh_a = cdgh0, abef_b = abef0, cdgh_b = cdgh0;
  // Block 1: the data.
#pragma GCC unroll 16
  for (int g = 0; g < 16; ++g) {
    if (g >= 4) {
      const __m128i na = NextSchedule(wa[g & 3], wa[(g + 1) & 3], wa[(g + 2) & 3], wa[(g + 3) & 3]);
      const __m128i nb = NextSchedule(wb[g & 3], wb[(g + 1) & 3], wb[(g + 2) & 3], wb[(g + 3) & 3]);
      wa[g & 3] = na;
      wb[g & 3] = nb;
    }
    const __m128i kg = _mm_loadu_si128(k + g);
    BEAM_SHA_4ROUNDS(_mm_add_epi32(wa[g & 3], kg), _mm_add_epi32(wb[g & 3], kg));
  }
  abef_a = _mm_add_epi32(abef_a, abef0);
  cdgh_a = _mm_add_epi32(cdgh_a, cdgh0);
  abef_b = _mm_add_epi32(abef_b, abef0);
  cdgh_b = _mm_add_epi32(cdgh_b, cdgh0);
  // Block 2: the constant padding, schedule precomputed.
  const __m128i mid_abef_a = abef_a, mid_cdgh_a = cdgh_a, mid_abef_b = abef_b, mid_cdgh_b = cdgh_b;
  const __m128i* pad = reinterpret_cast<const __m128i*>(kPadding.kw);
#pragma GCC unroll 16
  for (int g = 0; g < 16; ++g) {
    const __m128i kw = _mm_load_si128(pad + g);
    BEAM_SHA_4ROUNDS(kw, kw);
  }
  abef_a = _mm_add_epi32(abef_a, mid_abef_a);
  cdgh_a = _mm_add_epi32(cdgh_a, mid_cdgh_a);
  abef_b = _mm_add_epi32(abef_b, mid_abef_b);
  cdgh_b = _mm_add_epi32(cdgh_b, mid_cdgh_b);
  StoreDigest(abef_a, cdgh_a, out_a);
  StoreDigest(abef_b, cdgh_b, out_b);
}

#undef BEAM_SHA_4ROUNDS

}  // namespace

bool CpuHasShaNi() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return false;
  const bool sse41 = ecx & bit_SSE4_1;
  const bool ssse3 = ecx & bit_SSSE3;
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
  const bool sha = ebx & (1u << 29);
  return sse41 && ssse3 && sha;
}

void Sha256x64ShaNi(const uint8_t* in, uint8_t* out, size_t n) {
  size_t i = 0;
  for (; i + 2 <= n; i += 2) HashTwo(in + 64 * i, in + 64 * (i + 1), out + 32 * i, out + 32 * (i + 1));
  if (i < n) {
    // An odd last message runs alone; the second lane recomputes it into scratch.
    uint8_t scratch[32];
    HashTwo(in + 64 * i, in + 64 * i, out + 32 * i, scratch);
  }
}

#else  // !__x86_64__

bool CpuHasShaNi() { return false; }
void Sha256x64ShaNi(const uint8_t*, uint8_t*, size_t) {}

#endif

}  // namespace beam::hash::internal
