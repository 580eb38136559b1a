// A keeps redialing its bootnode B: B restarts (same key, same port) and A
// reconnects by itself, sends Status first, then gossip works again both ways.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { loadWire } from './helpers/wire.js'
import { makeHost, addrOf, waitFor, nextEvent } from './helpers/net.js'

const { wire, real } = await loadWire()

// What the core does on a new peer: the dialer asks for its Status.
function actLikeTheCore (host, log) {
  host.on('peer:connect', (peerId, direction) => {
    log.push(`connect ${direction}`)
    if (direction === 'outbound') {
      host.request(peerId, wire.REQ_STATUS, Buffer.alloc(80, 1)).then((res) => log.push(`status ${res.result}`))
    }
  })
  host.on('peer:disconnect', () => log.push('disconnect'))
  host.on('gossip', (m) => m.accept())
}

function serveStatus (host, events) {
  host.onRequest = (peerId, kind, ssz, responder) => {
    // The choreography: the dialer's Status comes before its gossip subscription.
    events.push({ what: 'status', gossipPeers: host.topicPeers(wire.TOPIC_BLOCK).length })
    responder.chunk(Buffer.alloc(80, 2))
    responder.end(wire.RESP_SUCCESS)
  }
}

test(`redial after the bootnode restarts (${real ? 'libbeamcore addon' : 'fake test codec'})`, async () => {
  let b = await makeHost(wire, 32)
  const bEvents = []
  serveStatus(b, bEvents)
  await b.start()
  const port = b.port
  const a = await makeHost(wire, 31, { bootnodes: [addrOf(b)] })
  const aLog = []
  actLikeTheCore(a, aLog)
  try {
    await a.start()
    await waitFor(() => a.meshPeers(wire.TOPIC_BLOCK).includes(b.peerId), { what: 'first mesh' })
    assert.deepEqual(aLog.slice(0, 2), ['connect outbound', `status ${wire.RESP_SUCCESS}`])
    assert.deepEqual(bEvents, [{ what: 'status', gossipPeers: 0 }], 'Status came before gossip')

    const gone = nextEvent(a, 'peer:disconnect', (p) => p === b.peerId)
    await b.stop()
    await gone

    // Same identity, same port: A must find it again on its own.
    b = await makeHost(wire, 32, { port })
    const bEvents2 = []
    serveStatus(b, bEvents2)
    const back = nextEvent(a, 'peer:connect', (p, dir) => p === b.peerId && dir === 'outbound', 10_000)
    await b.start()
    await back
    await waitFor(() => a.meshPeers(wire.TOPIC_BLOCK).includes(b.peerId) && b.meshPeers(wire.TOPIC_BLOCK).includes(a.peerId),
      { what: 'mesh after redial' })
    assert.equal(bEvents2.length, 1)
    assert.equal(bEvents2[0].gossipPeers, 0, 'Status came before gossip after the redial too')

    for (const [from, to] of [[a, b], [b, a]]) {
      const payload = Buffer.from(`after restart from ${from.peerId}`)
      const got = nextEvent(to, 'gossip', (m) => m.ssz.equals(payload))
      await from.publish(wire.TOPIC_BLOCK, payload)
      await got
    }
    assert.deepEqual(aLog.filter((e) => e.startsWith('connect') || e === 'disconnect'),
      ['connect outbound', 'disconnect', 'connect outbound'])
  } finally {
    await a.stop()
    await b.stop()
  }
})
