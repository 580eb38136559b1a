#include "crypto/koalabear.h"

namespace beam::crypto::koalabear {
namespace {

// a^(2^n).
inline uint32_t SquareN(uint32_t a, int n) {
  for (int i = 0; i < n; ++i) a = Mul(a, a);
  return a;
}

}  // namespace

uint32_t Inverse(uint32_t a) {
  // p - 2 = 0x7effffff = 63 * 2^25 + (2^24 - 1). Build a^(2^k - 1) for k = 2, 3, 6, 12,
  // 24, then a^(p-2) = (a^63)^(2^25) * a^(2^24 - 1): 49 squarings and 6 multiplications,
  // the same sequence for every a (so no timing leak), against ~60 for plain
  // square-and-multiply.
  static_assert(kP - 2 == 63u * (1u << 25) + ((1u << 24) - 1));
  const uint32_t x2 = Mul(Mul(a, a), a);        // a^(2^2 - 1)
  const uint32_t x3 = Mul(SquareN(x2, 1), a);   // a^(2^3 - 1)
  const uint32_t x6 = Mul(SquareN(x3, 3), x3);  // a^(2^6 - 1) = a^63
  const uint32_t x12 = Mul(SquareN(x6, 6), x6);
  const uint32_t x24 = Mul(SquareN(x12, 12), x12);
  return Mul(SquareN(x6, 25), x24);
}

}  // namespace beam::crypto::koalabear
