// A peer that crashes and comes back (same key, same port) is a fresh peer at once:
// the connection it left behind is closed, the consumer gets 'peer:disconnect' then
// 'peer:connect' (so the core sends Status again), and gossip flows both ways on the
// new connection. Without this the old, dead QUIC connection lingers until its idle
// timeout: libp2p reports no new peer and gossipsub keeps writing into the dead stream.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { loadWire } from './helpers/wire.js'
import { makeHost, addrOf, freeUdpPort, waitFor, nextEvent, testKey } from './helpers/net.js'
import { spawnHost } from './helpers/host-process.js'
import { privateKeyFromHex } from '../src/p2p/identity.js'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'

const peerIdOfKey = (n) => peerIdFromPrivateKey(privateKeyFromHex(testKey(n))).toString()

const { wire, real } = await loadWire()
const codec = real ? 'libbeamcore addon' : 'fake test codec'

function recordPeerEvents (host) {
  const events = []
  host.on('peer:connect', (peerId, direction) => events.push({ what: 'connect', peerId, direction, at: Date.now() }))
  host.on('peer:disconnect', (peerId) => events.push({ what: 'disconnect', peerId, at: Date.now() }))
  return events
}

// Gossip from `host` (in this process) to the child and back, each within `withinMs`.
async function gossipBothWays (host, child, label, withinMs) {
  const out = `${label}: A -> B`
  let sent = 0
  let attempt = 0
  await waitFor(async () => {
    // Publish until B has one: the mesh on a new connection may need a heartbeat or
    // two. Each attempt is a new message (a repeated one would be a duplicate).
    if (Date.now() - sent > 500) {
      sent = Date.now()
      await host.publish(wire.TOPIC_BLOCK, Buffer.from(`${out} #${++attempt}`))
    }
    return child.gossip.some((g) => g.text.startsWith(out) && g.from === host.peerId)
  }, { timeoutMs: withinMs, intervalMs: 50, what: `${out} gossip` })
  const back = `${label}: B -> A`
  const got = nextEvent(host, 'gossip', (m) => m.ssz.toString() === back, withinMs)
  await waitFor(async () => (await child.call('meshPeers')).includes(host.peerId), { timeoutMs: withinMs, what: 'A in B\'s mesh' })
  await child.publish(wire.TOPIC_BLOCK, back)
  const [m] = await got
  assert.equal(m.from, child.peerId)
}

test(`a crashed peer that dials again replaces its dead connection at once (${codec})`, async () => {
  // A long QUIC idle timeout on both ends: the dead connection must not be what
  // gets cleaned up here (the test ends long before 30 s).
  const quic = { quicIdleTimeoutMs: 30_000, quicKeepAliveMs: 1_000 }
  const a = await makeHost(wire, 51, quic)
  const events = recordPeerEvents(a)
  a.on('gossip', (m) => m.accept())
  const bPort = await freeUdpPort()
  const bConfig = { n: 52, port: bPort, bootnodes: [addrOf(a)], options: quic }
  let b = null
  try {
    await a.start()
    b = await spawnHost(bConfig, { fakeWire: !real })
    await waitFor(() => a.meshPeers(wire.TOPIC_BLOCK).includes(b.peerId), { what: 'B in A\'s mesh' })
    await gossipBothWays(a, b, 'before the crash', 5_000)
    assert.deepEqual(events.map((e) => [e.what, e.direction]), [['connect', 'inbound']])

    // Crash: no goodbye, A keeps a connection to a process that is gone.
    await b.kill()
    await new Promise((resolve) => setTimeout(resolve, 300))
    assert.ok(a.peers().includes(b.peerId), 'the dead connection is still open at A')
    assert.equal(events.length, 1)

    const reconnected = nextEvent(a, 'peer:connect', (p) => p === b.peerId, 15_000)
    b = await spawnHost(bConfig, { fakeWire: !real })
    await reconnected
    const [, disconnect, connect] = events
    assert.equal(disconnect?.what, 'disconnect', 'peer:disconnect first')
    assert.equal(connect?.what, 'connect')
    assert.equal(connect.direction, 'inbound')
    assert.ok(connect.at - b.startedAt < 2_000, `peer:connect ${connect.at - b.startedAt} ms after B's restart`)
    const conns = a.libp2p.getConnections().filter((c) => c.remotePeer.toString() === b.peerId)
    assert.equal(conns.length, 1, 'only the new connection is left')

    // Gossip on the new connection, both ways, within a few seconds of the restart.
    await gossipBothWays(a, b, 'after the restart', 5_000)
    assert.ok(Date.now() - b.startedAt < 8_000)
    // And no late 'peer:disconnect' from the replaced connection.
    await new Promise((resolve) => setTimeout(resolve, 500))
    assert.deepEqual(events.map((e) => [e.what, e.direction]),
      [['connect', 'inbound'], ['disconnect', undefined], ['connect', 'inbound']])
    assert.deepEqual(b.events.map(([what, , dir]) => [what, dir]), [['connect', 'outbound']])
  } finally {
    await b?.kill()
    await a.stop()
  }
})

test(`a crashed bootnode that does not dial back is found by the idle timeout and redialed (${codec})`, async () => {
  const quic = { quicIdleTimeoutMs: 3_000, quicKeepAliveMs: 1_000 }
  const bPort = await freeUdpPort()
  const bConfig = { n: 54, port: bPort, bootnodes: [], options: quic }
  let b = await spawnHost(bConfig, { fakeWire: !real })
  const a = await makeHost(wire, 53, { ...quic, bootnodes: [`/ip4/127.0.0.1/udp/${bPort}/quic-v1/p2p/${b.peerId}`], redialIntervalMs: 60_000 })
  const events = recordPeerEvents(a)
  a.on('gossip', (m) => m.accept())
  try {
    await a.start()
    await waitFor(() => a.meshPeers(wire.TOPIC_BLOCK).includes(b.peerId), { what: 'B in A\'s mesh' })
    await b.kill()
    const killedAt = Date.now()
    b = await spawnHost(bConfig, { fakeWire: !real })
    // A notices at its idle timeout and dials at once (not at the next redial tick, a minute away).
    await waitFor(() => events.length >= 3, { timeoutMs: 8_000, what: 'disconnect and reconnect' })
    assert.deepEqual(events.map((e) => [e.what, e.direction]),
      [['connect', 'outbound'], ['disconnect', undefined], ['connect', 'outbound']])
    assert.ok(events[2].at - killedAt < 6_000, `reconnected ${events[2].at - killedAt} ms after the crash`)
    await gossipBothWays(a, b, 'after the redial', 5_000)
  } finally {
    await b?.kill()
    await a.stop()
  }
})

test(`two peers dialing each other at once keep working (${codec})`, async () => {
  const aPort = await freeUdpPort()
  const bPort = await freeUdpPort()
  const addr = (n, port) => `/ip4/127.0.0.1/udp/${port}/quic-v1/p2p/${peerIdOfKey(n)}`
  // Each is the other's bootnode, both start together: both dial.
  const a = await makeHost(wire, 55, { port: aPort, bootnodes: [addr(56, bPort)] })
  const b = await makeHost(wire, 56, { port: bPort, bootnodes: [addr(55, aPort)] })
  const aEvents = recordPeerEvents(a)
  const bEvents = recordPeerEvents(b)
  a.on('gossip', (m) => m.accept())
  b.on('gossip', (m) => m.accept())
  try {
    await Promise.all([a.start(), b.start()])
    await waitFor(() => a.meshPeers(wire.TOPIC_BLOCK).includes(b.peerId) && b.meshPeers(wire.TOPIC_BLOCK).includes(a.peerId),
      { what: 'mutual mesh' })
    for (const [from, to] of [[a, b], [b, a]]) {
      const payload = Buffer.from(`simultaneous dial, from ${from.peerId}`)
      const got = nextEvent(to, 'gossip', (m) => m.ssz.equals(payload), 5_000)
      await from.publish(wire.TOPIC_BLOCK, payload)
      await got
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
    assert.deepEqual(aEvents.map((e) => e.what), ['connect'])
    assert.deepEqual(bEvents.map((e) => e.what), ['connect'])
  } finally {
    await Promise.all([a.stop(), b.stop()])
  }
})
