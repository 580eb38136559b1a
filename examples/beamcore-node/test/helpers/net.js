// Shared test plumbing: free UDP ports, fixed keys, hosts, waiting.
import dgram from 'node:dgram'
import { P2PHost } from '../../src/p2p/host.js'

export function freeUdpPort () {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket('udp4')
    sock.once('error', reject)
    sock.bind(0, '127.0.0.1', () => {
      const { port } = sock.address()
      sock.close(() => resolve(port))
    })
  })
}

/** A deterministic secp256k1 key for test node `n` (1..254). */
export function testKey (n) {
  return n.toString(16).padStart(2, '0').repeat(32)
}

export function quietLog (name) {
  const verbose = process.env.BEAMCORE_TEST_VERBOSE === '1'
  return (level, msg) => {
    if (verbose || level === 'error') console.error(`[${name}] ${level}: ${msg}`)
  }
}

export async function makeHost (wire, n, opts = {}) {
  const port = opts.port ?? await freeUdpPort()
  const host = new P2PHost({
    wire,
    nodeKeyHex: testKey(n),
    listen: `/ip4/127.0.0.1/udp/${port}/quic-v1`,
    log: quietLog(`node${n}`),
    redialIntervalMs: 500,
    statusGraceMs: 200,
    inboundGossipGraceMs: 500,
    ...opts
  })
  host.port = port
  return host
}

export function addrOf (host) {
  return `/ip4/127.0.0.1/udp/${host.port}/quic-v1/p2p/${host.peerId}`
}

/** Polls `fn` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor (fn, { timeoutMs = 10_000, intervalMs = 50, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

/** Resolves with the args of the next `event` on `emitter` that satisfies `pred`. */
export function nextEvent (emitter, event, pred = () => true, timeoutMs = 10_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, on)
      reject(new Error(`timed out waiting for '${event}'`))
    }, timeoutMs)
    function on (...args) {
      if (!pred(...args)) return
      clearTimeout(timer)
      emitter.off(event, on)
      resolve(args)
    }
    emitter.on(event, on)
  })
}
