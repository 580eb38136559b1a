#include "crypto/koalabear.h"

#include <cstdint>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace beam::crypto::koalabear {
namespace {

constexpr uint64_t kP64 = kP;

// Values where carries, wrap-arounds and the special form of p show up.
std::vector<uint32_t> EdgeValues() {
  return {0,
          1,
          2,
          3,
          kP - 1,
          kP - 2,
          (kP - 1) / 2,
          (kP + 1) / 2,
          static_cast<uint32_t>(((uint64_t{1} << 31) - 1) % kP64),  // 2^31 - 1 reduced: 2^24 - 2
          (1u << 24) - 1,
          1u << 24,
          (1u << 24) + 1,
          1u << 30,
          (1u << 30) + 12345,
          kMontR,
          kMontR2,
          0x7effffff,
          0x12345678};
}

std::vector<uint32_t> RandomValues(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<uint32_t> dist(0, kP - 1);
  std::vector<uint32_t> out(n);
  for (uint32_t& v : out) v = dist(rng);
  return out;
}

// Every edge value against every edge value, plus random pairs.
std::vector<std::pair<uint32_t, uint32_t>> Pairs() {
  std::vector<std::pair<uint32_t, uint32_t>> out;
  const std::vector<uint32_t> edge = EdgeValues();
  for (uint32_t a : edge) {
    for (uint32_t b : edge) out.emplace_back(a, b);
  }
  const std::vector<uint32_t> r = RandomValues(200000, 7);
  for (size_t i = 0; i + 1 < r.size(); i += 2) out.emplace_back(r[i], r[i + 1]);
  return out;
}

TEST(KoalaBear, Constants) {
  EXPECT_EQ(kP, 2130706433u);
  EXPECT_EQ(kP, (1u << 31) - (1u << 24) + 1);
  EXPECT_EQ(static_cast<uint32_t>(kP * kPInv), 1u);
  EXPECT_EQ(kMontR, (uint64_t{1} << 32) % kP64);
  EXPECT_EQ(kMontR2, static_cast<uint64_t>((static_cast<unsigned __int128>(1) << 64) % kP64));
}

TEST(KoalaBear, AddSubNegMulMatchIntegerReference) {
  for (const auto& [a, b] : Pairs()) {
    ASSERT_EQ(Add(a, b), (uint64_t{a} + b) % kP64) << a << " + " << b;
    ASSERT_EQ(Sub(a, b), (uint64_t{a} + kP64 - b) % kP64) << a << " - " << b;
    ASSERT_EQ(Mul(a, b), uint64_t{a} * b % kP64) << a << " * " << b;
  }
  for (uint32_t a : EdgeValues()) EXPECT_EQ(Neg(a), (kP64 - a) % kP64) << a;
}

TEST(KoalaBear, Reduce64AnyInput) {
  std::mt19937_64 rng(11);
  for (int i = 0; i < 100000; ++i) {
    const uint64_t x = rng();
    ASSERT_EQ(Reduce64(x), x % kP64) << x;
  }
  for (uint64_t x : {uint64_t{0}, kP64, kP64 - 1, kP64 * kP64, ~uint64_t{0}, uint64_t{1} << 63}) {
    EXPECT_EQ(Reduce64(x), x % kP64) << x;
  }
}

TEST(KoalaBear, FieldIdentities) {
  const std::vector<uint32_t> r = RandomValues(3000, 3);
  for (size_t i = 0; i + 2 < r.size(); i += 3) {
    const uint32_t a = r[i], b = r[i + 1], c = r[i + 2];
    ASSERT_EQ(Mul(a, Add(b, c)), Add(Mul(a, b), Mul(a, c)));
    ASSERT_EQ(Sub(Add(a, b), b), a);
    ASSERT_EQ(Add(a, Neg(a)), 0u);
    ASSERT_EQ(Mul(Mul(a, b), c), Mul(a, Mul(b, c)));
  }
}

TEST(KoalaBear, Pow) {
  EXPECT_EQ(Pow(0, 0), 1u);
  EXPECT_EQ(Pow(0, 5), 0u);
  EXPECT_EQ(Pow(2, 31), (uint64_t{1} << 31) % kP64);
  for (uint32_t a : RandomValues(200, 5)) {
    uint32_t expected = 1;
    for (uint64_t e = 0; e < 20; ++e) {
      ASSERT_EQ(Pow(a, e), expected) << a << "^" << e;
      expected = Mul(expected, a);
    }
    if (a != 0) {
      EXPECT_EQ(Pow(a, kP - 1), 1u) << "Fermat, a = " << a;
    }
  }
  // Cubing is a bijection (gcd(3, p - 1) = 1), which is why the S-box is x^3: the cube
  // root is x^d with 3d = 1 (mod p - 1).
  ASSERT_NE((kP - 1) % 3, 0u);
  constexpr uint64_t d = (2 * uint64_t{kP - 1} + 1) / 3;
  static_assert(3 * d % (kP - 1) == 1);
  for (uint32_t a : RandomValues(200, 6)) EXPECT_EQ(Pow(Pow(a, 3), d), a) << a;
}

TEST(KoalaBear, InverseIsFermat) {
  EXPECT_EQ(Inverse(0), 0u);
  EXPECT_EQ(Inverse(1), 1u);
  EXPECT_EQ(Inverse(kP - 1), kP - 1);
  std::vector<uint32_t> values = EdgeValues();
  const std::vector<uint32_t> r = RandomValues(20000, 9);
  values.insert(values.end(), r.begin(), r.end());
  for (uint32_t a : values) {
    if (a == 0) continue;
    const uint32_t inv = Inverse(a);
    ASSERT_LT(inv, kP);
    ASSERT_EQ(Mul(a, inv), 1u) << a;
  }
  for (uint32_t a : RandomValues(100, 10)) EXPECT_EQ(Inverse(a), Pow(a, kP - 2)) << a;
}

TEST(KoalaBear, MontgomeryRoundTripAndProduct) {
  std::vector<uint32_t> values = EdgeValues();
  const std::vector<uint32_t> r = RandomValues(20000, 13);
  values.insert(values.end(), r.begin(), r.end());
  for (uint32_t a : values) {
    const uint32_t m = ToMont(a);
    ASSERT_LT(m, kP);
    ASSERT_EQ(m, uint64_t{a} * kMontR % kP64) << a;
    ASSERT_EQ(FromMont(m), a) << a;
  }
  for (const auto& [a, b] : Pairs()) {
    ASSERT_EQ(FromMont(MontMul(ToMont(a), ToMont(b))), Mul(a, b)) << a << " * " << b;
  }
}

TEST(KoalaBear, MontReduceWholeRange) {
  // MontReduce(t) = t * 2^-32 for every t < p * 2^32: check t == MontReduce(t) * 2^32.
  std::mt19937_64 rng(17);
  const uint64_t limit = kP64 << 32;
  std::vector<uint64_t> ts = {0, 1, limit - 1, limit - kP64, kP64, uint64_t{kP - 1} * (kP - 1)};
  for (int i = 0; i < 100000; ++i) ts.push_back(rng() % limit);
  for (uint64_t t : ts) {
    const uint32_t m = MontReduce(t);
    ASSERT_LT(m, kP) << t;
    ASSERT_EQ((static_cast<unsigned __int128>(m) << 32) % kP64, t % kP64) << t;
  }
}

TEST(KoalaBear, FpOperators) {
  constexpr Fp a{kP - 1}, b{5};
  static_assert((a + b).value == 4);
  static_assert((b - a).value == 6);
  static_assert((-b).value == kP - 5);
  static_assert((a * a).value == 1);
  static_assert(Pow(Fp{3}, 4).value == 81);
  Fp c = b;
  c += a;
  c *= Fp{3};
  c -= Fp{1};
  EXPECT_EQ(c.value, 11u);
  EXPECT_EQ((Inverse(b) * b).value, 1u);
  EXPECT_EQ(Inverse(Fp{0}).value, 0u);
}

}  // namespace
}  // namespace beam::crypto::koalabear
