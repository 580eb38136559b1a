// A stand-in for leanMultisig behind the crypto vtable (--proofs host): proofs bind the
// signers' keys (and, for single-message proofs, the message and slot) with a 64-bit
// FNV-1a digest. It shows the vtable's data flow; it is NOT cryptography.

#ifndef BEAMCORE_EXAMPLES_DEVNET_DEMO_CRYPTO_H_
#define BEAMCORE_EXAMPLES_DEVNET_DEMO_CRYPTO_H_

#include <beamcore/beamcore.h>

namespace devnet {

// A vtable whose callbacks are thread-safe and stateless (user_data unused).
beam_crypto_vtable DemoCryptoVtable();

}  // namespace devnet

#endif  // BEAMCORE_EXAMPLES_DEVNET_DEMO_CRYPTO_H_
