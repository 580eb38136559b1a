// The node key (64 hex chars, secp256k1) gives the peer id leanSpec computes:
// identity multihash of protobuf PublicKey{Type: Secp256k1 (2), Data: 33-byte
// compressed key}, base58btc. The expectation is computed here from first principles.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createECDH } from 'node:crypto'
import { peerIdFromHex, privateKeyFromHex } from '../src/p2p/identity.js'
import { P2PHost } from '../src/p2p/host.js'
import { createFakeWire } from './helpers/fake-wire.js'

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'

function base58 (bytes) {
  let n = BigInt('0x' + Buffer.from(bytes).toString('hex'))
  let out = ''
  while (n > 0n) {
    out = B58[Number(n % 58n)] + out
    n /= 58n
  }
  for (const b of bytes) {
    if (b !== 0) break
    out = '1' + out
  }
  return out
}

function expectedPeerId (hex) {
  const ecdh = createECDH('secp256k1')
  ecdh.setPrivateKey(Buffer.from(hex, 'hex'))
  const compressed = ecdh.getPublicKey(null, 'compressed') // 33 bytes
  const protobuf = Buffer.concat([Buffer.from([0x08, 0x02, 0x12, compressed.length]), compressed])
  const multihash = Buffer.concat([Buffer.from([0x00, protobuf.length]), protobuf]) // identity hash
  return base58(multihash)
}

const KEY = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'

test('peer id of a fixed secp256k1 key matches the independent derivation', () => {
  const expected = expectedPeerId(KEY)
  assert.match(expected, /^16Uiu2HA/)
  assert.equal(peerIdFromHex(KEY), expected)
  assert.equal(peerIdFromHex(`0x${KEY.toUpperCase()}\n`), expected, 'file content may carry 0x, case, newline')
  const host = new P2PHost({ wire: createFakeWire(), nodeKeyHex: KEY, listen: '/ip4/127.0.0.1/udp/9/quic-v1' })
  assert.equal(host.peerId, expected)
  assert.equal(privateKeyFromHex(KEY).type, 'secp256k1')
})

test('malformed node keys are refused', () => {
  assert.throws(() => privateKeyFromHex('abcd'), /64 hex/)
  assert.throws(() => privateKeyFromHex('zz'.repeat(32)), /64 hex/)
  assert.throws(() => privateKeyFromHex('00'.repeat(32))) // not a valid scalar
})

test('bootnodes must name their peer; /quic is read as /quic-v1', () => {
  const wire = createFakeWire()
  assert.throws(() => new P2PHost({ wire, nodeKeyHex: KEY, listen: '/ip4/127.0.0.1/udp/9/quic-v1', bootnodes: ['/ip4/127.0.0.1/udp/10/quic-v1'] }), /p2p/)
  const host = new P2PHost({ wire, nodeKeyHex: KEY, listen: '/ip4/127.0.0.1/udp/9/quic', bootnodes: [`/ip4/127.0.0.1/udp/10/quic/p2p/${expectedPeerId(KEY)}`] })
  assert.equal(host.listenAddr, '/ip4/127.0.0.1/udp/9/quic-v1')
  assert.equal(host.bootnodes[0].ma.toString(), `/ip4/127.0.0.1/udp/10/quic-v1/p2p/${expectedPeerId(KEY)}`)
})
