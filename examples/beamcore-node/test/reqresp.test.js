// Req/resp between two hosts on loopback QUIC: R (requester) dials S (server).
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { loadWire } from './helpers/wire.js'
import { makeHost, addrOf, waitFor } from './helpers/net.js'
import { peerIdFromHex } from '../src/p2p/identity.js'

const { wire, real } = await loadWire()

const STATUS = Buffer.alloc(80, 7) // a Status is 80 bytes of SSZ
const block = (i) => Buffer.from(`block ${i} `.repeat(10))

describe(`req/resp (${real ? 'libbeamcore addon' : 'fake test codec'})`, () => {
  let r, s
  const pending = [] // responders the server keeps open (answered later or never)
  let lastStatusRequest = null

  before(async () => {
    s = await makeHost(wire, 21, { responseTimeoutMs: 1500 })
    s.onRequest = (peerId, kind, ssz, responder) => {
      assert.equal(peerId, r.peerId)
      if (kind === wire.REQ_STATUS) {
        lastStatusRequest = ssz
        responder.chunk(STATUS)
        responder.end(wire.RESP_SUCCESS)
        return
      }
      const text = ssz.toString()
      if (kind === wire.REQ_BLOCKS_BY_RANGE && text === 'range 0..5') {
        for (let i = 0; i < 5; i++) responder.chunk(block(i))
        responder.end(wire.RESP_SUCCESS)
      } else if (text === 'missing') {
        responder.end(wire.RESP_RESOURCE_UNAVAILABLE, 'no such block')
      } else if (text === 'partial') {
        responder.chunk(block(0))
        responder.end(wire.RESP_SERVER_ERROR, 'storage failed')
      } else if (text === 'later') {
        // Answer by id from outside the hook, as the core does (its events are queued).
        const id = BigInt(responder.id)
        setTimeout(() => {
          s.respondChunk(id, block(1))
          s.respondChunk(id, block(2))
          s.respondEnd(id, wire.RESP_SUCCESS)
        }, 50)
      } else if (text === 'never') {
        pending.push(responder)
      } else {
        responder.end(wire.RESP_INVALID_REQUEST)
      }
    }
    await s.start()
    r = await makeHost(wire, 22, { bootnodes: [addrOf(s)] })
    await r.start()
    await waitFor(() => r.peers().includes(s.peerId), { what: 'connection' })
  })

  after(async () => {
    await r?.stop()
    await s?.stop()
  })

  test('status: one chunk', async () => {
    const mine = Buffer.alloc(80, 3)
    const res = await r.request(s.peerId, wire.REQ_STATUS, mine)
    assert.equal(res.result, wire.RESP_SUCCESS)
    assert.equal(res.reason, 'complete')
    assert.equal(res.chunks.length, 1)
    assert.deepEqual(res.chunks[0], STATUS)
    assert.deepEqual(lastStatusRequest, mine)
  })

  test('a short response arrives whole in the first read (leanSpec reads Status once)', async () => {
    for (const [kind, ssz, chunks] of [[wire.REQ_STATUS, Buffer.alloc(80), 1], [wire.REQ_BLOCKS_BY_RANGE, Buffer.from('range 0..5'), 5]]) {
      const stream = await r.libp2p.dialProtocol(s.libp2p.peerId, r.protocols.get(kind))
      const first = new Promise((resolve) => {
        stream.addEventListener('message', (evt) => resolve(Buffer.from(evt.data.subarray())), { once: true })
      })
      stream.send(wire.requestEncode(ssz))
      await stream.close()
      let bytes = await first
      let n = 0
      for (;;) {
        const chunk = wire.responseChunkDecode(bytes)
        assert.notEqual(chunk, null, `chunk ${n} of ${chunks} not complete in the first read`)
        assert.equal(chunk.code, wire.RESP_SUCCESS)
        bytes = bytes.subarray(chunk.consumed)
        if (++n === chunks) break
      }
      assert.equal(bytes.length, 0)
    }
  })

  test('a multi-chunk response, chunk by chunk through callbacks', async () => {
    const got = []
    let ended = null
    await r.sendRequest(s.peerId, '/leanconsensus/req/blocks_by_range/1/ssz_snappy', Buffer.from('range 0..5'), {
      onChunk: (ssz) => got.push(ssz),
      onEnd: (result, info) => { ended = { result, info, chunksAtEnd: got.length } }
    })
    assert.deepEqual(got, [0, 1, 2, 3, 4].map(block))
    assert.equal(ended.result, wire.RESP_SUCCESS)
    assert.equal(ended.chunksAtEnd, 5, 'onEnd comes after every chunk')
    assert.equal(ended.info.chunks, 5)
  })

  test('an error response carries its code and message', async () => {
    const res = await r.request(s.peerId, wire.REQ_BLOCKS_BY_ROOT, Buffer.from('missing'))
    assert.equal(res.result, wire.RESP_RESOURCE_UNAVAILABLE)
    assert.equal(res.reason, 'remote-error')
    assert.equal(res.message, 'no such block')
    assert.equal(res.chunks.length, 0)

    const partial = await r.request(s.peerId, wire.REQ_BLOCKS_BY_ROOT, Buffer.from('partial'))
    assert.deepEqual(partial.chunks, [block(0)])
    assert.equal(partial.result, wire.RESP_SERVER_ERROR)
    assert.equal(partial.message, 'storage failed')
  })

  test('a response given later by responder id (BigInt or Number)', async () => {
    const res = await r.request(s.peerId, wire.REQ_BLOCKS_BY_ROOT, Buffer.from('later'))
    assert.equal(res.result, wire.RESP_SUCCESS)
    assert.deepEqual(res.chunks, [block(1), block(2)])
  })

  test('a responder that never answers: the requester times out', async () => {
    const t0 = Date.now()
    const res = await r.request(s.peerId, wire.REQ_BLOCKS_BY_ROOT, Buffer.from('never'), { timeoutMs: 700 })
    const took = Date.now() - t0
    assert.equal(res.reason, 'timeout')
    assert.equal(res.result, wire.RESP_SERVER_ERROR)
    assert.ok(took >= 650 && took < 3000, `took ${took} ms`)
    // The server gives up on it after its responseTimeoutMs (1.5 s) and forgets it.
    const responder = pending.pop()
    await waitFor(() => !s.responders.has(responder.id), { what: 'server-side expiry', timeoutMs: 3000 })
    assert.equal(responder.end(wire.RESP_SUCCESS), false)
    assert.equal(s.respondEnd(responder.id, wire.RESP_SUCCESS), false)
  })

  test('a malformed request is answered INVALID_REQUEST by the host itself', async () => {
    const stream = await r.libp2p.dialProtocol(s.libp2p.peerId, r.protocols.get(wire.REQ_BLOCKS_BY_ROOT))
    const chunks = []
    const done = new Promise((resolve) => stream.addEventListener('remoteCloseWrite', resolve, { once: true }))
    stream.addEventListener('message', (evt) => chunks.push(Buffer.from(evt.data.subarray())))
    stream.send(Buffer.from([0x05, 0xde, 0xad, 0xbe, 0xef]))
    await stream.close()
    await done
    const chunk = wire.responseChunkDecode(Buffer.concat(chunks))
    assert.equal(chunk.code, wire.RESP_INVALID_REQUEST)
  })

  test('no connection to the peer: RESOURCE_UNAVAILABLE, no throw', async () => {
    const stranger = peerIdFromHex('77'.repeat(32))
    const res = await r.request(stranger, wire.REQ_STATUS, Buffer.alloc(80), { timeoutMs: 2000 })
    assert.equal(res.result, wire.RESP_RESOURCE_UNAVAILABLE)
    assert.equal(res.reason, 'no-stream')
    const bad = await r.request('not-a-peer-id', wire.REQ_STATUS, Buffer.alloc(80))
    assert.equal(bad.result, wire.RESP_RESOURCE_UNAVAILABLE)
  })
})
