// ENR bootnodes (EIP-778, identity scheme "v4"). The reference node's --bootnode
// takes either a multiaddr or an `enr:` record; lean records carry `secp256k1`, `ip`
// (or `ip6`) and the QUIC port under `quic` (no `udp`/`tcp`). @chainsafe/enr (the
// record library of Lodestar) decodes the RLP and checks the signature; we only
// turn a verified record into the multiaddr we dial.
import { ENR } from '@chainsafe/enr'

/**
 * Returns `/ip4/<ip>/udp/<quic>/quic-v1/p2p/<peer id>` for an `enr:` text, or throws
 * an Error that names what is wrong (bad encoding or signature, no QUIC address).
 */
export function multiaddrFromEnr (text) {
  let record
  try {
    record = ENR.decodeTxt(text.trim())
  } catch (err) {
    throw new Error(`bootnode ENR: ${err.message}`)
  }
  const location = record.getLocationMultiaddr('quic4') ?? record.getLocationMultiaddr('quic6')
  if (location == null) {
    throw new Error('bootnode ENR: no QUIC address (needs ip or ip6 and a quic port)')
  }
  return `${location.toString()}/p2p/${record.peerId.toString()}`
}
