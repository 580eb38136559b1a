'use strict';
// Two nodes in one process, wired through the binding's events the way a libp2p host
// wires them: gossip, req/resp and sync, duties, finality, the HTTP API, lifecycle.
const test = require('node:test');
const assert = require('node:assert/strict');
const { beam, keyedGenesis, settle } = require('./helpers.js');

const { wire } = beam;
const INTERVALS = 5;

// Routes a's and b's events to each other (asynchronously, as a network would).
function connect(nodes) {
  const names = Object.keys(nodes);
  const stats = { published: 0, requests: 0, chunks: 0, ends: 0, reports: [] };
  for (const name of names) {
    const node = nodes[name];
    const others = names.filter((n) => n !== name);
    node.on('publish', (kind, ssz) => {
      stats.published++;
      for (const o of others) nodes[o].onGossip(kind, ssz, name);
    });
    node.on('request', (peer, protocol, ssz, id) => {
      stats.requests++;
      const server = nodes[peer];
      // The server's answer events carry the server-side id: map them back.
      const serverId = BigInt(stats.requests) + 1000000n;
      server._pending = server._pending || new Map();
      server._pending.set(serverId, { client: node, id });
      server.onRequest(name, protocol, ssz, serverId);
    });
    node.on('responseChunk', (serverId, ssz) => {
      stats.chunks++;
      const p = node._pending.get(serverId);
      p.client.onResponseChunk(p.id, ssz);
    });
    node.on('responseEnd', (serverId, result) => {
      stats.ends++;
      const p = node._pending.get(serverId);
      node._pending.delete(serverId);
      p.client.onResponseEnd(p.id, result);
    });
    node.on('reportPeer', (peer, action, reason) => stats.reports.push({ by: name, peer, action, reason }));
  }
  return stats;
}

test('two nodes finalize over the binding, and a late node syncs by req/resp', async () => {
  const { state, keys } = keyedGenesis(4);
  const a = new beam.Node({ anchorState: state, validatorIndices: [0, 1, 2, 3], isAggregator: true });
  const b = new beam.Node({ anchorState: state, validatorIndices: [] });
  const stats = connect({ a, b });
  assert.ok(a.peerConnected('b').ok && b.peerConnected('a').ok);
  const slots = 12;
  for (let slot = 1; slot <= slots; slot++) {
    for (let i = 0; i < INTERVALS; i++) {
      for (const n of [a, b]) assert.ok(n.tick(slot * INTERVALS + i).ok);
      if (i === 0) {
        const block = a.produceBlock(slot, slot % 4);
        for (const n of [b]) assert.ok(n.onGossip(wire.TOPIC_BLOCK, block, 'a').ok);
      }
      if (i === 1) {
        for (let v = 0; v < 4; v++) {
          const vote = keys[v].signAttestation(v, a.produceAttestationData(slot));
          assert.ok(a.onGossip(wire.TOPIC_ATTESTATION, vote).ok);
          assert.ok(b.onGossip(wire.TOPIC_ATTESTATION, vote, 'a').ok);
        }
      }
      a.waitIdle();
      b.waitIdle();
      await settle();  // deliver the queued events (aggregates, Status exchanges)
    }
  }
  const [ha, hb] = [a.head(), b.head()];
  assert.equal(ha.slot, slots);
  assert.deepEqual(hb, ha);
  assert.ok(a.finalized().slot > 0, `finalized ${a.finalized().slot}`);
  assert.deepEqual(b.finalized(), a.finalized());
  assert.ok(stats.published > 0, 'the aggregator published aggregates');
  assert.equal(stats.reports.length, 0, JSON.stringify(stats.reports));

  // A node started late catches up over BlocksByRange/ByRoot through the events.
  const c = new beam.Node({ anchorState: state });
  const stats2 = connect({ a, c });
  assert.ok(c.tick(slots * INTERVALS + 4).ok);
  assert.ok(c.peerConnected('a').ok);
  assert.ok(a.peerConnected('c').ok);
  for (let round = 0; round < 50 && (c.head().slot !== slots); round++) {
    c.waitIdle();
    a.waitIdle();
    await settle();
  }
  assert.equal(c.head().slot, slots);
  assert.deepEqual(c.head(), a.head());
  assert.ok(stats2.requests > 0 && stats2.chunks > 0 && stats2.ends > 0);

  // The lean HTTP API and the finalized state.
  const health = a.api('GET', '/lean/v0/health');
  assert.equal(health.status, 200);
  assert.match(health.contentType, /json/);
  const finalizedState = a.api('GET', '/lean/v0/states/finalized');
  assert.equal(finalizedState.status, 200);
  assert.deepEqual(finalizedState.body, a.finalizedState());
  assert.equal(a.api('DELETE', '/lean/v0/health').status, 405);
  assert.match(a.metricsText(), /\nlean_head_slot 12\n/);
  assert.deepEqual(a.health(), { storageFailed: false, faults: 0, lastFault: '' });
  for (const n of [a, b, c]) n.close();
});

test('network inputs return outcomes; other failures throw', () => {
  const { state } = keyedGenesis(2);
  const node = new beam.Node({ anchorState: state, chainWorker: false });
  const bad = node.onGossip(wire.TOPIC_BLOCK, Buffer.from('garbage'), 'p');
  assert.equal(bad.ok, false);
  assert.equal(bad.code, 'BEAM_ERR_DECODE');
  assert.match(bad.message, /gossip/);
  assert.equal(node.peerDisconnected('nobody').code, 'BEAM_ERR_NOT_FOUND');
  assert.equal(node.onResponseEnd(42n, 0).code, 'BEAM_ERR_NOT_FOUND');
  assert.throws(() => node.produceBlock(1, 0), (e) => e.name === 'BeamError' && e.code === 'BEAM_ERR_REJECTED' &&
                                                      e.rejection === 'WRONG_PROPOSER');
  node.close();
  node.close();
  assert.throws(() => node.head(), (e) => e.code === 'ERR_BEAM_CLOSED');
  assert.throws(() => new beam.Node({}), TypeError);
  assert.throws(() => new beam.Node({ anchorState: Buffer.alloc(10) }), (e) => e.code === 'BEAM_ERR_DECODE');
  assert.throws(() => new beam.Node({ anchorState: state, clock: 'sundial' }), RangeError);
});

test('a throwing handler is reported, and the node goes on', async () => {
  const { state } = keyedGenesis(2);
  const node = new beam.Node({ anchorState: state, logLevel: beam.LogLevel.INFO });
  const errors = [];
  const lines = [];
  node.on('error', (e) => errors.push(e));
  node.on('log', (level, line) => {
    lines.push(line);
    throw new Error('handler bug');
  });
  assert.ok(node.tick(1).ok);
  node.waitIdle();
  await settle();
  assert.ok(lines.length > 0, 'log lines arrive');
  assert.ok(errors.length > 0 && errors[0].message === 'handler bug');
  assert.ok(node.tick(2).ok);
  node.close();
});

test('the system clock ticks the node by itself', async () => {
  const now = Math.floor(Date.now() / 1000);
  const { state } = keyedGenesis(1, now - 8);  // two slots ago
  const node = new beam.Node({ anchorState: state, clock: 'system' });
  let metrics = '';
  for (let i = 0; i < 50 && !/\nlean_current_slot [2-9]\n/.test(metrics); i++) {
    await new Promise((r) => setTimeout(r, 100));
    metrics = node.metricsText();
  }
  assert.match(metrics, /\nlean_current_slot [2-9]\n/);
  node.close();
});

test('storage: a data directory survives a restart (also reopened with storageSync full)', () => {
  const fs = require('node:fs');
  const os = require('node:os');
  const path = require('node:path');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beamcore-node-'));
  try {
    const { state } = keyedGenesis(4);
    let node = new beam.Node({ anchorState: state, dataDir: dir, chainWorker: false });
    for (let slot = 1; slot <= 3; slot++) node.produceBlock(slot, slot % 4);
    assert.ok(node.tick(3 * INTERVALS + 4).ok);  // the head moves to block 3 on the tick
    const head = node.head();
    assert.equal(head.slot, 3);
    node.close();
    node = new beam.Node({ anchorState: state, dataDir: dir, chainWorker: false, storageSync: 'full' });
    assert.deepEqual(node.head(), head);
    node.close();
    assert.throws(() => new beam.Node({ anchorState: state, dataDir: dir, storageSync: 'fast' }),
                  /storageSync must be 'normal' or 'full'/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
