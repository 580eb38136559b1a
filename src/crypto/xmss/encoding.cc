#include "crypto/xmss/encoding.h"

#include "crypto/fp.h"

namespace beam::crypto::xmss {

std::array<uint32_t, kMessageLengthFieldElements> EncodeMessage(const ssz::Bytes32& message) {
  // Long division of the 256-bit little-endian integer by p, limb by limb.
  uint32_t words[8];
  for (int i = 0; i < 8; ++i) {
    words[i] = uint32_t{message[4 * i]} | uint32_t{message[4 * i + 1]} << 8 | uint32_t{message[4 * i + 2]} << 16 |
               uint32_t{message[4 * i + 3]} << 24;
  }
  std::array<uint32_t, kMessageLengthFieldElements> limbs{};
  for (size_t l = 0; l < limbs.size(); ++l) {
    uint64_t remainder = 0;
    for (int i = 7; i >= 0; --i) {
      const uint64_t cur = (remainder << 32) | words[i];
      words[i] = static_cast<uint32_t>(cur / kKoalaBearPrime);
      remainder = cur % kKoalaBearPrime;
    }
    limbs[l] = static_cast<uint32_t>(remainder);
  }
  return limbs;
}

std::optional<std::vector<uint8_t>> TargetSumEncode(const XmssConfig& config, const ParameterElems& parameter,
                                                    uint64_t epoch, const RandomnessElems& rho,
                                                    const ssz::Bytes32& message) {
  // message_hash: message || parameter || epoch tweak || rho, width-24 compression.
  uint32_t input[24] = {};
  const auto msg = EncodeMessage(message);
  size_t n = 0;
  for (uint32_t v : msg) input[n++] = v;
  for (uint32_t v : parameter) input[n++] = v;
  const unsigned __int128 epoch_tweak = (static_cast<unsigned __int128>(epoch) << 8) | kTweakPrefixMessage;
  IntToBaseP(epoch_tweak, input + n, kTweakLengthFieldElements);
  n += kTweakLengthFieldElements;
  for (uint32_t v : rho) input[n++] = v;
  const uint32_t out_len = config.message_hash_elements();
  uint32_t hash[24];
  Compress(absl::MakeConstSpan(input, n), 24, hash, out_len);

  // aborting_decode: reject A >= q * base^z (only p - 1), else z digits of A / q.
  uint64_t threshold = config.q;
  for (uint32_t i = 0; i < config.z; ++i) threshold *= config.base;
  std::vector<uint8_t> digits;
  digits.reserve(out_len * config.z);
  for (uint32_t i = 0; i < out_len; ++i) {
    if (hash[i] >= threshold) return std::nullopt;
    uint64_t quotient = hash[i] / config.q;
    for (uint32_t k = 0; k < config.z; ++k) {
      digits.push_back(static_cast<uint8_t>(quotient % config.base));
      quotient /= config.base;
    }
  }
  digits.resize(config.dimension);
  uint32_t sum = 0;
  for (uint8_t d : digits) sum += d;
  if (sum != config.target_sum) return std::nullopt;
  return digits;
}

}  // namespace beam::crypto::xmss
