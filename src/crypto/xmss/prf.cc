#include "crypto/xmss/prf.h"

#include <vector>

#include "crypto/fp.h"
#include "crypto/shake128.h"

namespace beam::crypto::xmss {
namespace {

constexpr uint8_t kDomainSeparator[16] = {0xae, 0xae, 0x22, 0xff, 0x00, 0x01, 0xfa, 0xff,
                                          0x21, 0xaf, 0x12, 0x00, 0x01, 0x11, 0xff, 0x00};
constexpr uint8_t kDomainChainStart = 0x00;
constexpr uint8_t kDomainRandomness = 0x01;
constexpr size_t kBytesPerElement = 16;  // 128 bits per 31-bit element: negligible bias

void AppendBigEndian(uint64_t v, size_t bytes, std::vector<uint8_t>& out) {
  for (size_t i = 0; i < bytes; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * (bytes - 1 - i))));
}

template <size_t N>
std::array<uint32_t, N> Expand(const std::vector<uint8_t>& input) {
  uint8_t bytes[N * kBytesPerElement];
  Shake128(input.data(), input.size(), bytes, sizeof(bytes));
  std::array<uint32_t, N> out;
  for (size_t i = 0; i < N; ++i) {
    unsigned __int128 v = 0;
    for (size_t b = 0; b < kBytesPerElement; ++b) v = (v << 8) | bytes[i * kBytesPerElement + b];
    out[i] = static_cast<uint32_t>(v % kKoalaBearPrime);
  }
  return out;
}

std::vector<uint8_t> Prefix(uint8_t domain, const PrfKey& key, uint64_t epoch) {
  std::vector<uint8_t> in(std::begin(kDomainSeparator), std::end(kDomainSeparator));
  in.push_back(domain);
  in.insert(in.end(), key.begin(), key.end());
  AppendBigEndian(epoch, 4, in);
  return in;
}

}  // namespace

Digest DeriveChainStart(const PrfKey& key, uint64_t epoch, uint64_t chain_index) {
  std::vector<uint8_t> in = Prefix(kDomainChainStart, key, epoch);
  AppendBigEndian(chain_index, 8, in);
  return Expand<kHashLengthFieldElements>(in);
}

RandomnessElems DeriveRandomness(const PrfKey& key, uint64_t epoch, const ssz::Bytes32& message, uint64_t counter) {
  std::vector<uint8_t> in = Prefix(kDomainRandomness, key, epoch);
  in.insert(in.end(), message.bytes.begin(), message.bytes.end());
  AppendBigEndian(counter, 8, in);
  return Expand<kRandLengthFieldElements>(in);
}

}  // namespace beam::crypto::xmss
