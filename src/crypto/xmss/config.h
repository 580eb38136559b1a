// Generalized XMSS configurations (leanSpec crypto/xmss/constants.py). The scheme is
// chosen at run time: every function takes the XmssConfig it runs under.

#ifndef BEAMCORE_CRYPTO_XMSS_CONFIG_H_
#define BEAMCORE_CRYPTO_XMSS_CONFIG_H_

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "crypto/xmss/containers.h"

namespace beam::crypto::xmss {

struct XmssConfig {
  const char* name;
  uint32_t log_lifetime;     // Merkle tree height
  uint32_t dimension;        // hash chains per signature
  uint32_t base;             // Winternitz alphabet (chain length + 1)
  uint32_t z;                // base-`base` digits per field element
  uint32_t q;                // q * base^z == p - 1
  uint32_t target_sum;       // required codeword digit sum
  uint32_t max_tries;        // signing attempts before giving up
  uint32_t capacity;         // sponge capacity, field elements

  uint64_t lifetime() const { return uint64_t{1} << log_lifetime; }
  uint64_t leaves_per_bottom_tree() const { return uint64_t{1} << (log_lifetime / 2); }
  uint32_t message_hash_elements() const { return (dimension + z - 1) / z; }
  const SchemeShape& shape() const { return log_lifetime == kTestShape.log_lifetime ? kTestShape : kProdShape; }
};

inline constexpr uint32_t kTweakLengthFieldElements = 2;
inline constexpr uint32_t kMessageLengthFieldElements = 9;
inline constexpr uint8_t kTweakPrefixChain = 0x00;
inline constexpr uint8_t kTweakPrefixTree = 0x01;
inline constexpr uint8_t kTweakPrefixMessage = 0x02;

inline constexpr XmssConfig kProdConfig{"prod", 32, 46, 8, 8, 127, 200, 100000, 9};
inline constexpr XmssConfig kTestConfig{"test", 8, 4, 8, 8, 127, 6, 100000, 9};

// "test" or "prod" (the fixtures' leanEnv); nullptr for anything else.
const XmssConfig* ConfigByName(absl::string_view name);

}  // namespace beam::crypto::xmss

#endif  // BEAMCORE_CRYPTO_XMSS_CONFIG_H_
