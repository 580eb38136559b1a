// A P2PHost in a child process, so a test can kill it abruptly (SIGKILL: no QUIC
// CONNECTION_CLOSE, the peer's connection is left dangling) and start it again with the
// same key and port. `spawnHost` is the parent's side; run with BEAMCORE_HOST_PROCESS
// set (by spawnHost, over an IPC channel) this file is the child. node --test also
// loads it as a test file: then it does nothing.
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const CHILD_ENV = 'BEAMCORE_HOST_PROCESS'

/**
 * Starts a host in a child process. `config`: {n (key), port, bootnodes, options}
 * (options go to makeHost). Resolves once it is started, to a handle:
 *   peerId, startedAt, gossip (received {text, from}), events ([kind, peerId, dir]),
 *   call(method, ...args) -> host method result (meshPeers, peers, ...),
 *   publish(kind, text), kill() (SIGKILL, resolves on exit), stop() (polite).
 */
export function spawnHost (config, { fakeWire = false, timeoutMs = 15_000 } = {}) {
  const env = { ...process.env, [CHILD_ENV]: JSON.stringify(config) }
  if (fakeWire) env.BEAMCORE_TEST_FAKE_WIRE = '1'
  const child = fork(fileURLToPath(import.meta.url), [], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const pending = new Map()
  let lastId = 0
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  const handle = {
    child,
    peerId: null,
    startedAt: null,
    gossip: [],
    events: [],
    exited,
    call (method, ...args) {
      const id = ++lastId
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject })
        child.send({ type: 'call', id, method, args })
      })
    },
    publish (kind, text) {
      return handle.call('publishText', kind, text)
    },
    async kill () {
      child.kill('SIGKILL')
      return exited
    },
    async stop () {
      child.send({ type: 'stop' })
      return exited
    }
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error('host process did not start'))
    }, timeoutMs)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      for (const p of pending.values()) p.reject(new Error(`host process exited (${code ?? signal})`))
      pending.clear()
      reject(new Error(`host process exited before it started (${code ?? signal})`))
    })
    child.on('message', (m) => {
      if (m.type === 'started') {
        clearTimeout(timer)
        handle.peerId = m.peerId
        handle.startedAt = Date.now()
        resolve(handle)
      } else if (m.type === 'gossip') {
        handle.gossip.push({ text: m.text, from: m.from, at: Date.now() })
      } else if (m.type === 'event') {
        handle.events.push([m.event, m.peerId, m.direction])
      } else if (m.type === 'reply') {
        const p = pending.get(m.id)
        pending.delete(m.id)
        if (m.error != null) p?.reject(new Error(m.error))
        else p?.resolve(m.value)
      }
    })
  })
}

async function runChild (config) {
  const { loadWire } = await import('./wire.js')
  const { makeHost } = await import('./net.js')
  const { wire } = await loadWire()
  const host = await makeHost(wire, config.n, { port: config.port, bootnodes: config.bootnodes ?? [], ...config.options })
  const send = (m) => process.send?.(m)
  host.on('gossip', (m) => {
    m.accept()
    send({ type: 'gossip', text: m.ssz.toString(), from: m.from })
  })
  host.on('peer:connect', (peerId, direction) => send({ type: 'event', event: 'connect', peerId, direction }))
  host.on('peer:disconnect', (peerId) => send({ type: 'event', event: 'disconnect', peerId }))
  host.onRequest = (_peer, _kind, _ssz, responder) => {
    responder.chunk(Buffer.alloc(80, 3))
    responder.end(wire.RESP_SUCCESS)
  }
  const methods = {
    meshPeers: (kind) => host.meshPeers(kind ?? wire.TOPIC_BLOCK),
    peers: () => host.peers(),
    publishText: async (kind, text) => (await host.publish(kind ?? wire.TOPIC_BLOCK, Buffer.from(text))).recipients
  }
  process.on('message', async (m) => {
    if (m.type === 'stop') {
      await host.stop()
      process.exit(0)
    }
    if (m.type !== 'call') return
    try {
      send({ type: 'reply', id: m.id, value: await methods[m.method](...m.args) })
    } catch (err) {
      send({ type: 'reply', id: m.id, error: err.message })
    }
  })
  // Orphaned (the test runner died): do not linger.
  process.on('disconnect', () => process.exit(0))
  await host.start()
  send({ type: 'started', peerId: host.peerId })
}

if (process.env[CHILD_ENV] != null && process.send != null) {
  runChild(JSON.parse(process.env[CHILD_ENV])).catch((err) => {
    console.error(`host process: ${err.stack ?? err}`)
    process.exit(1)
  })
}
