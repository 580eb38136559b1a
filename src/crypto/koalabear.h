// Arithmetic in the KoalaBear prime field, p = 2^31 - 2^24 + 1 = 0x7f000001
// (leanSpec crypto/koalabear.py).
//
// Elements are canonical uint32 representatives: every function here requires its
// field-element arguments to be below p and returns a value below p (a non-canonical
// argument gives a meaningless result, never undefined behaviour). Add, Sub, Neg, Mul
// and the Montgomery helpers are branch-free, so their timing does not depend on the
// values; Pow's timing depends only on the exponent. All functions are pure and
// thread-safe; most are constexpr so tables can be built at compile time.
//
// Montgomery form (R = 2^32): a value a is represented by a*R mod p. MontMul multiplies
// two such values with three 32x32->64 multiplications and no division, which is why the
// Poseidon kernels keep their matrix constants pre-scaled by powers of R. Code outside
// the kernels should use the plain functions.
//
// The Fp operators at the bottom wrap the same functions for the SSZ value type.

#ifndef BEAMCORE_CRYPTO_KOALABEAR_H_
#define BEAMCORE_CRYPTO_KOALABEAR_H_

#include <cstdint>

#include "crypto/fp.h"

namespace beam::crypto::koalabear {

inline constexpr uint32_t kP = kKoalaBearPrime;
static_assert(kP == 0x7f000001u);

namespace internal {

// The inverse of the odd number p modulo 2^32, by Newton's iteration: p*p = 1 (mod 8)
// gives 3 correct bits and each step doubles them.
constexpr uint32_t InverseMod2To32(uint32_t odd) {
  uint32_t x = odd;
  for (int i = 0; i < 4; ++i) x *= 2u - odd * x;
  return x;
}

// All-ones when the 32-bit pattern v has its top bit set, else zero. Because every
// canonical value is below 2^31, "a - b wrapped below zero" shows up as the top bit.
constexpr uint32_t TopBitMask(uint32_t v) { return static_cast<uint32_t>(static_cast<int32_t>(v) >> 31); }

}  // namespace internal

// p^-1 mod 2^32.
inline constexpr uint32_t kPInv = internal::InverseMod2To32(kP);
static_assert(kP * kPInv == 1u);

// R mod p and R^2 mod p for R = 2^32. 2^31 = p + 2^24 - 1, so R = 2^32 = 2^25 - 2 (mod p).
inline constexpr uint32_t kMontR = static_cast<uint32_t>((uint64_t{1} << 32) % kP);
inline constexpr uint32_t kMontR2 = static_cast<uint32_t>(uint64_t{kMontR} * kMontR % kP);
static_assert(kMontR == (1u << 25) - 2);

// a + b mod p.
constexpr uint32_t Add(uint32_t a, uint32_t b) {
  const uint32_t t = a + b - kP;  // a + b < 2p < 2^32; t "negative" iff a + b < p
  return t + (internal::TopBitMask(t) & kP);
}

// a - b mod p.
constexpr uint32_t Sub(uint32_t a, uint32_t b) {
  const uint32_t d = a - b;  // wraps (top bit set) iff a < b
  return d + (internal::TopBitMask(d) & kP);
}

// -a mod p.
constexpr uint32_t Neg(uint32_t a) { return Sub(0, a); }

// x mod p for any 64-bit x. Division by a constant compiles to multiplications.
constexpr uint32_t Reduce64(uint64_t x) { return static_cast<uint32_t>(x % kP); }

// a * b mod p.
constexpr uint32_t Mul(uint32_t a, uint32_t b) { return Reduce64(uint64_t{a} * b); }

// a^e mod p (0^0 = 1). Square-and-multiply over the bits of e.
constexpr uint32_t Pow(uint32_t a, uint64_t e) {
  uint32_t result = 1;
  uint32_t base = a;
  while (e != 0) {
    if (e & 1) result = Mul(result, base);
    base = Mul(base, base);
    e >>= 1;
  }
  return result;
}

// a^-1 mod p for a != 0, by Fermat (a^(p-2)) with a fixed addition chain, so the time
// does not depend on a. Inverse(0) returns 0.
uint32_t Inverse(uint32_t a);

// --- Montgomery helpers (R = 2^32) -------------------------------------------------

// t * R^-1 mod p for t < p * 2^32 (e.g. a product of two canonical values).
//
// With q = t * p^-1 mod 2^32, t - q*p is divisible by 2^32 and (t - q*p) / 2^32 lies in
// (-p, p): the high words of t and q*p are both below p and the low words are equal, so
// subtracting the high words is exact; one conditional add of p makes it canonical.
constexpr uint32_t MontReduce(uint64_t t) {
  const uint32_t q = static_cast<uint32_t>(t) * kPInv;
  const uint64_t qp = uint64_t{q} * kP;
  const uint32_t d = static_cast<uint32_t>(t >> 32) - static_cast<uint32_t>(qp >> 32);
  return d + (internal::TopBitMask(d) & kP);
}

// a * b * R^-1 mod p: the product of two values in Montgomery form, in Montgomery form.
constexpr uint32_t MontMul(uint32_t a, uint32_t b) { return MontReduce(uint64_t{a} * b); }

// a * R mod p, and back.
constexpr uint32_t ToMont(uint32_t a) { return MontMul(a, kMontR2); }
constexpr uint32_t FromMont(uint32_t a) { return MontReduce(a); }

}  // namespace beam::crypto::koalabear

namespace beam::crypto {

// Field operators on the SSZ value type; operands must be canonical (as Fp's decoder
// guarantees).
constexpr Fp operator+(Fp a, Fp b) { return Fp{koalabear::Add(a.value, b.value)}; }
constexpr Fp operator-(Fp a, Fp b) { return Fp{koalabear::Sub(a.value, b.value)}; }
constexpr Fp operator-(Fp a) { return Fp{koalabear::Neg(a.value)}; }
constexpr Fp operator*(Fp a, Fp b) { return Fp{koalabear::Mul(a.value, b.value)}; }
constexpr Fp& operator+=(Fp& a, Fp b) { return a = a + b; }
constexpr Fp& operator-=(Fp& a, Fp b) { return a = a - b; }
constexpr Fp& operator*=(Fp& a, Fp b) { return a = a * b; }
constexpr Fp Pow(Fp a, uint64_t e) { return Fp{koalabear::Pow(a.value, e)}; }
// a^-1 for a != 0; Inverse(Fp{0}) is Fp{0}.
inline Fp Inverse(Fp a) { return Fp{koalabear::Inverse(a.value)}; }

}  // namespace beam::crypto

#endif  // BEAMCORE_CRYPTO_KOALABEAR_H_
