// The node's libp2p identity: a secp256k1 secret key given as 64 hex characters
// (leanSpec accepts no other key type in a peer's TLS certificate).
import { privateKeyFromRaw } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'

/**
 * Parses the content of a `--node-key` file: 64 hex characters, optionally with a
 * 0x prefix and surrounding whitespace. Returns a libp2p secp256k1 PrivateKey.
 */
export function privateKeyFromHex (hex) {
  if (typeof hex !== 'string') throw new TypeError('node key: expected a hex string')
  const clean = hex.trim().replace(/^0x/i, '')
  if (!/^[0-9a-fA-F]{64}$/.test(clean)) {
    throw new Error('node key: expected 64 hex characters (a secp256k1 secret key)')
  }
  const key = privateKeyFromRaw(Buffer.from(clean, 'hex'))
  if (key.type !== 'secp256k1') throw new Error(`node key: got a ${key.type} key, need secp256k1`)
  // Deriving the public key rejects a scalar outside [1, n-1] here rather than deep
  // inside the transport.
  void key.publicKey.raw
  return key
}

/** The base58 peer id (16Uiu2HAm...) of a 64-hex-character secp256k1 secret key. */
export function peerIdFromHex (hex) {
  return peerIdFromPrivateKey(privateKeyFromHex(hex)).toString()
}
