// XMSS key generation and signing (leanSpec GeneralizedXmssScheme.key_gen / sign /
// advance_preparation). The secret key keeps the top tree and a window of two adjacent
// bottom trees, so it can sign 2 * sqrt(lifetime) consecutive slots before
// AdvancePreparation() must build the next bottom tree.
//
// A SecretKey is thread-compatible. Never sign two different messages for one slot:
// that reveals more of the one-time key than the scheme allows.

#ifndef BEAMCORE_CRYPTO_XMSS_KEYS_H_
#define BEAMCORE_CRYPTO_XMSS_KEYS_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "crypto/xmss/config.h"
#include "crypto/xmss/containers.h"
#include "crypto/xmss/prf.h"
#include "crypto/xmss/subtree.h"

namespace beam::crypto::xmss {

struct SecretKey {
  const XmssConfig* config = nullptr;
  PrfKey prf_key{};
  ParameterElems parameter{};
  uint64_t activation_slot = 0;   // aligned down to a bottom-tree boundary
  uint64_t num_active_slots = 0;  // a multiple of the bottom-tree width, at least two trees
  HashSubTree top_tree;
  uint64_t left_bottom_tree_index = 0;
  HashSubTree left_bottom_tree;
  HashSubTree right_bottom_tree;
};

struct KeyPair {
  PublicKey public_key;
  SecretKey secret_key;
};

// A fresh key active for at least [activation_slot, activation_slot + num_active_slots),
// widened to whole bottom trees. `rng` supplies all randomness (BoringSSL's RAND_bytes
// when empty). Cost: every one-time key of the active range is derived (dimension *
// (base - 1) width-16 permutations per slot).
absl::StatusOr<KeyPair> KeyGen(const XmssConfig& config, uint64_t activation_slot, uint64_t num_active_slots,
                               const RandomBytes& rng = {});

// The slots the key's current window of two bottom trees can sign.
uint64_t PreparedStart(const SecretKey& key);
uint64_t PreparedEnd(const SecretKey& key);  // exclusive

// Signs `message` for `slot`. FailedPrecondition when the slot is outside the key's
// activation range or its prepared window; Internal when no randomness within
// max_tries meets the target sum.
absl::StatusOr<Signature> Sign(const SecretKey& key, uint64_t slot, const ssz::Bytes32& message);

// Slides the prepared window forward by one bottom tree when the activation range
// allows it (no-op otherwise).
void AdvancePreparation(SecretKey& key, const RandomBytes& rng = {});

}  // namespace beam::crypto::xmss

#endif  // BEAMCORE_CRYPTO_XMSS_KEYS_H_
