#!/usr/bin/env node
// A p2p-only peer for interop checks against leanSpec nodes: runs P2PHost with the
// libbeamcore codec (no consensus), answers Status with the last Status it learned
// (so it looks in sync and is not asked for blocks), refuses block requests, logs
// and counts gossip, and after --seconds prints a JSON summary.
//
//   node scripts/p2p-probe.js --node-key FILE_OR_HEX --listen /ip4/127.0.0.1/udp/9101/quic-v1 \
//        [--bootnode MULTIADDR]... [--digest 12345678] [--seconds 60] [--subscribe-aggregation]
//        [--expect-blocks N]   exit 1 unless at least N block messages arrived
import { readFileSync, existsSync } from 'node:fs'
import { P2PHost } from '../src/p2p/index.js'

function parseArgs (argv) {
  const out = { bootnodes: [], digest: '12345678', seconds: 60, subscribeAggregation: false, expectBlocks: 0 }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const next = () => argv[++i]
    if (a === '--node-key') out.nodeKey = next()
    else if (a === '--listen') out.listen = next()
    else if (a === '--bootnode') out.bootnodes.push(...next().split(',').filter(Boolean))
    else if (a === '--digest') out.digest = next()
    else if (a === '--seconds') out.seconds = Number(next())
    else if (a === '--subscribe-aggregation') out.subscribeAggregation = true
    else if (a === '--expect-blocks') out.expectBlocks = Number(next())
    else throw new Error(`unknown argument ${a}`)
  }
  if (out.nodeKey == null || out.listen == null) throw new Error('--node-key and --listen are required')
  return out
}

const args = parseArgs(process.argv.slice(2))
const beam = (await import('../../../bindings/node/lib/index.js')).default
const wire = beam.wire
const keyHex = existsSync(args.nodeKey) ? readFileSync(args.nodeKey, 'utf8') : args.nodeKey
const t0 = Date.now()
const log = (level, msg) => console.error(`${((Date.now() - t0) / 1000).toFixed(2)}s ${level} ${msg}`)

let knownStatus = Buffer.alloc(80) // learned from the first peer that tells us
const summary = { peerId: null, connected: [], disconnected: [], statusFrom: {}, inboundRequests: {}, gossip: {}, firstBlockAt: null, blockRequests: [] }
const kindName = { [wire.TOPIC_BLOCK]: 'block', [wire.TOPIC_ATTESTATION]: 'attestation', [wire.TOPIC_AGGREGATE]: 'aggregation' }

const host = new P2PHost({
  wire,
  nodeKeyHex: keyHex,
  listen: args.listen,
  bootnodes: args.bootnodes,
  digest: args.digest,
  subscribeAggregation: args.subscribeAggregation,
  log,
  onRequest (peerId, kind, ssz, responder) {
    summary.inboundRequests[kind] = (summary.inboundRequests[kind] ?? 0) + 1
    if (kind === wire.REQ_STATUS) {
      if (knownStatus.every((b) => b === 0)) knownStatus = Buffer.from(ssz)
      responder.chunk(knownStatus)
      responder.end(wire.RESP_SUCCESS)
    } else {
      responder.end(wire.RESP_RESOURCE_UNAVAILABLE, 'p2p probe serves no blocks')
    }
  }
})
summary.peerId = host.peerId

host.on('peer:connect', (peerId, direction) => {
  summary.connected.push({ peerId, direction, at: Date.now() - t0 })
  log('info', `peer:connect ${peerId} ${direction}`)
  if (direction === 'outbound') {
    host.request(peerId, wire.REQ_STATUS, knownStatus).then((res) => {
      log('info', `status from ${peerId}: result=${res.result} reason=${res.reason} ${res.chunks[0]?.toString('hex') ?? res.message}`)
      summary.statusFrom[peerId] = { result: res.result, reason: res.reason, bytes: res.chunks[0]?.length ?? 0 }
      if (res.result === wire.RESP_SUCCESS && res.chunks.length === 1) knownStatus = res.chunks[0]
    })
  }
})
host.on('peer:disconnect', (peerId) => {
  summary.disconnected.push({ peerId, at: Date.now() - t0 })
  log('info', `peer:disconnect ${peerId}`)
})
host.on('gossip', (m) => {
  const name = kindName[m.kind]
  summary.gossip[name] = (summary.gossip[name] ?? 0) + 1
  if (m.kind === wire.TOPIC_BLOCK && summary.firstBlockAt == null) summary.firstBlockAt = Date.now() - t0
  if (m.kind === wire.TOPIC_BLOCK && summary.blockRequests.length < 6) askForBlocks(m.from)
  log('info', `gossip ${name} ${m.ssz.length} bytes from ${m.from} id ${m.msgId.toString('hex')}`)
  m.accept()
})

// BlocksByRange {start_slot: 0, count: 64} and BlocksByRoot {roots: [head root of the
// last Status]}: checks chunked answers and error chunks from the peer.
function askForBlocks (peerId) {
  const range = Buffer.alloc(16)
  range.writeBigUInt64LE(0n, 0)
  range.writeBigUInt64LE(64n, 8)
  // BlocksByRootRequest is a container {roots: List[Bytes32, 1024]}: offset 4, then the
  // roots; the head root sits at bytes 40..72 of Status {finalized{root, slot}, head{root, slot}}.
  const offset = Buffer.alloc(4)
  offset.writeUInt32LE(4)
  const byRoot = Buffer.concat([offset, knownStatus.subarray(40, 72)])
  for (const [name, kind, ssz] of [['blocks_by_range', wire.REQ_BLOCKS_BY_RANGE, range], ['blocks_by_root', wire.REQ_BLOCKS_BY_ROOT, byRoot]]) {
    host.request(peerId, kind, ssz).then((res) => {
      const entry = { name, result: res.result, reason: res.reason, chunks: res.chunks.length, message: res.message }
      summary.blockRequests.push(entry)
      log('info', `${name} from ${peerId}: ${JSON.stringify(entry)}`)
    })
  }
}

await host.start()
const stop = async () => {
  await host.stop()
  console.log(JSON.stringify(summary, null, 2))
  process.exit((summary.gossip.block ?? 0) >= args.expectBlocks ? 0 : 1)
}
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
setTimeout(stop, args.seconds * 1000)
