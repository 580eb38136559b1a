// Host lifecycle: start/stop, and a failed start leaves the host reusable.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createSocket } from 'node:dgram'
import { P2PHost } from '../src/p2p/host.js'
import { createFakeWire } from './helpers/fake-wire.js'
import { testKey } from './helpers/net.js'

const KEY = testKey(41)

test('a port in use fails start() cleanly, and start() can be retried', async () => {
  const sock = createSocket('udp4')
  await new Promise((resolve) => sock.bind(0, '127.0.0.1', resolve))
  const port = sock.address().port
  const host = new P2PHost({ wire: createFakeWire(), nodeKeyHex: KEY, listen: `/ip4/127.0.0.1/udp/${port}/quic-v1` })
  try {
    await assert.rejects(host.start())
    assert.equal(host.started, false)
  } finally {
    await new Promise((resolve) => sock.close(resolve))
  }
  await host.start()
  assert.equal(host.started, true)
  await host.stop()
})
