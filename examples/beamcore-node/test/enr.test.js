// ENR bootnodes: a record written by leanSpec's own code (gen_network.py of the interop
// harness, leanSpec 43246bd6) gives the multiaddr the same harness wrote beside it; a
// record signed here round-trips; a tampered or QUIC-less record is refused with a reason.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SignableENR } from '@chainsafe/enr'
import { multiaddrFromEnr } from '../src/p2p/enr.js'
import { parseBootnode } from '../src/p2p/peers.js'
import { privateKeyFromHex, peerIdFromHex } from '../src/p2p/identity.js'

const LEANSPEC_ENR = 'enr:-JS4QFXR4HWBy1nDqaXciXbl2QGblWHAg5l2p6JyWkaLgouvCyPLbEVZC4k1pDCDYShf-jUXT8pbpM0gQOzfjhkstYoBgmlkgnY0gmlwhH8AAAGNaXNfYWdncmVnYXRvcgGEcXVpY4IjjIlzZWNwMjU2azGhAyT2BHWs-gpwEArdZJeRbUKMCKpfGRP3EsLozIEx29oc'
const LEANSPEC_MULTIADDR = '/ip4/127.0.0.1/udp/9100/quic-v1/p2p/16Uiu2HAmF9Gc9XtTgGrRp1qLp9xFZiap9edJ2rFC3GjaCayUjEUj'
const KEY = '0101010101010101010101010101010101010101010101010101010101010101'

function signedRecord (fields) {
  const record = SignableENR.createFromPrivateKey(privateKeyFromHex(KEY))
  for (const [k, v] of Object.entries(fields)) record[k] = v
  return record.encodeTxt()
}

test('an ENR written by leanSpec gives the multiaddr leanSpec gives', () => {
  assert.equal(multiaddrFromEnr(LEANSPEC_ENR), LEANSPEC_MULTIADDR)
  const boot = parseBootnode(`  ${LEANSPEC_ENR}\n`)
  assert.equal(boot.text, LEANSPEC_MULTIADDR)
  assert.equal(boot.peerId, '16Uiu2HAmF9Gc9XtTgGrRp1qLp9xFZiap9edJ2rFC3GjaCayUjEUj')
})

test('a signed ENR with ip and quic round-trips to our peer id', () => {
  const text = signedRecord({ ip: '10.1.2.3', quic: 9005 })
  assert.equal(multiaddrFromEnr(text), `/ip4/10.1.2.3/udp/9005/quic-v1/p2p/${peerIdFromHex(KEY)}`)
})

test('ENRs that cannot be dialed are refused with the reason', () => {
  // A changed byte in the signed content: the signature no longer verifies.
  const i = 40
  const tampered = LEANSPEC_ENR.slice(0, i) + (LEANSPEC_ENR[i] === 'A' ? 'B' : 'A') + LEANSPEC_ENR.slice(i + 1)
  assert.throws(() => multiaddrFromEnr(tampered), /bootnode ENR: .*signature/i)
  assert.throws(() => parseBootnode('enr:not-base64-rlp!'), /bootnode ENR/)
  // Only a UDP (discv5) port: no QUIC address to dial.
  assert.throws(() => multiaddrFromEnr(signedRecord({ ip: '10.1.2.3', udp: 9000 })), /no QUIC address/)
  assert.throws(() => multiaddrFromEnr(signedRecord({ quic: 9000 })), /no QUIC address/)
})
