// Gossip between three hosts on loopback QUIC: A and C dial B (their bootnode), so
// A and C are connected only through B. B's consumer decides what B relays.
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { loadWire } from './helpers/wire.js'
import { makeHost, addrOf, waitFor, nextEvent } from './helpers/net.js'

// The spec's message id, computed here: SHA-256(domain || u64le(len(topic)) || topic
// || payload)[:20], domain 01000000 with the decompressed payload.
function specMessageId (topic, payload, domain = [1, 0, 0, 0]) {
  const t = Buffer.from(topic, 'utf8')
  const len = Buffer.alloc(8)
  len.writeBigUInt64LE(BigInt(t.length))
  return createHash('sha256').update(Buffer.concat([Buffer.from(domain), len, t, payload])).digest().subarray(0, 20)
}

const { wire, real } = await loadWire()

describe(`gossip (${real ? 'libbeamcore addon' : 'fake test codec'})`, () => {
  let a, b, c
  // B's verdict per payload text (default accept); A and C accept everything.
  const verdictAtB = new Map()
  const received = { a: [], b: [], c: [] }

  before(async () => {
    b = await makeHost(wire, 12, { subnets: [0], subscribeAggregation: true })
    await b.start()
    a = await makeHost(wire, 11, { bootnodes: [addrOf(b)], subscribeAggregation: true })
    c = await makeHost(wire, 13, { bootnodes: [addrOf(b)], subscribeAggregation: true })
    for (const [name, host] of Object.entries({ a, b, c })) {
      host.on('gossip', (m) => {
        received[name].push(m)
        if (name === 'b') m.report(verdictAtB.get(m.ssz.toString()) ?? 'accept')
        else m.accept()
      })
    }
    await a.start()
    await c.start()
    // Ready when B has both in its block mesh and A, C have B in theirs.
    await waitFor(() => b.meshPeers(wire.TOPIC_BLOCK).length === 2 &&
      a.meshPeers(wire.TOPIC_BLOCK).length === 1 && c.meshPeers(wire.TOPIC_BLOCK).length === 1,
    { what: 'block meshes', timeoutMs: 15_000 })
  })

  after(async () => {
    await Promise.all([a?.stop(), c?.stop()])
    await b?.stop()
  })

  test('A -> B and B -> A, with the spec message id', async () => {
    const payload = Buffer.from('block from A')
    const gotB = nextEvent(b, 'gossip', (m) => m.ssz.equals(payload))
    const pub = await a.publish(wire.TOPIC_BLOCK, payload)
    const [m] = await gotB
    const topic = '/leanconsensus/12345678/block/ssz_snappy'
    assert.equal(m.topic, topic)
    assert.equal(m.kind, wire.TOPIC_BLOCK)
    assert.equal(m.from, a.peerId)
    assert.deepEqual(m.msgId, specMessageId(topic, payload))
    assert.deepEqual(pub.msgId, m.msgId)
    assert.ok(pub.recipients.includes(b.peerId))

    const back = Buffer.from('block from B')
    const gotA = nextEvent(a, 'gossip', (x) => x.ssz.equals(back))
    await b.publish(wire.TOPIC_BLOCK, back)
    const [m2] = await gotA
    assert.equal(m2.from, b.peerId)
    assert.deepEqual(m2.msgId, specMessageId(topic, back))
  })

  test('attestation subnet and aggregation topics carry kind and subnet', async () => {
    await waitFor(() => b.meshPeers(wire.TOPIC_ATTESTATION, 0).length === 2 && b.meshPeers(wire.TOPIC_AGGREGATE).length === 2,
      { what: 'attestation and aggregation meshes' })
    const att = Buffer.from('attestation from C')
    const gotAtt = nextEvent(b, 'gossip', (m) => m.ssz.equals(att))
    await c.publish(wire.TOPIC_ATTESTATION, att, { subnet: 0 })
    const [m] = await gotAtt
    assert.equal(m.kind, wire.TOPIC_ATTESTATION)
    assert.equal(m.subnet, 0)
    assert.equal(m.topic, '/leanconsensus/12345678/attestation_0/ssz_snappy')

    const agg = Buffer.from('aggregate from C')
    const gotAgg = nextEvent(b, 'gossip', (x) => x.ssz.equals(agg))
    await c.publish(wire.TOPIC_AGGREGATE, agg)
    const [m2] = await gotAgg
    assert.equal(m2.kind, wire.TOPIC_AGGREGATE)
    assert.equal(m2.topic, '/leanconsensus/12345678/aggregation/ssz_snappy')
  })

  test('B relays what it accepts: A -> B -> C', async () => {
    const payload = Buffer.from('relayed block')
    const gotC = nextEvent(c, 'gossip', (m) => m.ssz.equals(payload))
    await a.publish(wire.TOPIC_BLOCK, payload)
    const [m] = await gotC
    assert.equal(m.from, b.peerId, 'C hears it from B (the propagation source)')
    assert.deepEqual(m.msgId, specMessageId(m.topic, payload))
  })

  test('B does not relay what it rejects or ignores', async () => {
    const rejected = Buffer.from('invalid block')
    const ignored = Buffer.from('ignored block')
    verdictAtB.set(rejected.toString(), 'reject')
    verdictAtB.set(ignored.toString(), 'ignore')
    const sawB = Promise.all([
      nextEvent(b, 'gossip', (m) => m.ssz.equals(rejected)),
      nextEvent(b, 'gossip', (m) => m.ssz.equals(ignored))
    ])
    await a.publish(wire.TOPIC_BLOCK, rejected)
    await a.publish(wire.TOPIC_BLOCK, ignored)
    await sawB
    // A control message published after them does reach C, so C has had time to
    // hear the others if they had been forwarded (and a few heartbeats of gossip).
    const control = Buffer.from('control block')
    const gotControl = nextEvent(c, 'gossip', (m) => m.ssz.equals(control))
    await a.publish(wire.TOPIC_BLOCK, control)
    await gotControl
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const atC = received.c.map((m) => m.ssz.toString())
    assert.ok(!atC.includes(rejected.toString()), 'rejected message reached C')
    assert.ok(!atC.includes(ignored.toString()), 'ignored message reached C')
  })

  test('a payload that is not snappy is rejected before the consumer sees it', async () => {
    const topic = a.topic(wire.TOPIC_BLOCK)
    const garbage = Buffer.from('definitely not a snappy block \xff\xff')
    const pubsubB = b.libp2p.services.pubsub
    const seen = new Promise((resolve) => {
      const on = (evt) => {
        pubsubB.removeEventListener('gossipsub:message', on)
        resolve(evt.detail)
      }
      pubsubB.addEventListener('gossipsub:message', on)
    })
    const before = received.b.length
    await a.libp2p.services.pubsub.publish(topic, garbage)
    const detail = await seen
    // Undecompressible data: domain 00000000 over the raw bytes.
    assert.equal(detail.msgId, specMessageId(topic, garbage, [0, 0, 0, 0]).toString('hex'))
    await new Promise((resolve) => setTimeout(resolve, 300))
    assert.equal(received.b.length, before, 'the consumer saw an undecompressible message')
  })

  test('peer lists', () => {
    assert.deepEqual(new Set(b.peers()), new Set([a.peerId, c.peerId]))
    assert.deepEqual(a.peers(), [b.peerId])
    assert.deepEqual(new Set(b.topicPeers(wire.TOPIC_BLOCK)), new Set([a.peerId, c.peerId]))
  })
})
