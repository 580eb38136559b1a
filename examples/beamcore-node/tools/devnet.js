#!/usr/bin/env node
// A multi-process lean devnet of beamcore-node on 127.0.0.1, in real time (4 s slots):
// generates the network (genesis, XMSS keys, identities), starts one OS process per
// node (each dials the nodes before it), shows progress every slot from the nodes'
// HTTP APIs, optionally SIGKILLs a node and restarts it from its data directory, and
// stops after --slots. Exit 0 only if every node's finalized checkpoint is recent
// (within --max-lag slots of the last slot) and all nodes agree on it; else it prints
// FAILED and exits 1. --checkpoint-join SLOT adds one node without validators that
// starts at SLOT from node0's finalized state (--checkpoint-sync-url) and must follow.
//
//   node tools/devnet.js [--nodes 4] [--validators 8] [--slots 40] [--kill-restart K@SLOT]
//        [--down-slots 2] [--start-nodes N] [--max-lag 12] [--dir DIR] [--quic-port-base 9400]
//        [--api-port-base 5400] [--genesis-delay S] [--checkpoint-join SLOT] [--verbose]
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, rmSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateNetwork } from './gen-network.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const NODE_BIN = join(HERE, '..', 'bin', 'beamcore-node');
const SLOT_MS = 4000;

function parse(argv) {
  const o = { nodes: 4, validators: 0, slots: 40, killRestart: null, downSlots: 2, startNodes: 0, maxLag: 12,
              dir: 'devnet-libp2p-data', quicPortBase: 9400, apiPortBase: 5400, genesisDelay: 0, checkpointJoin: 0,
              verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    const n = () => {
      const x = Number(v());
      if (!Number.isSafeInteger(x) || x < 0) throw new Error(`${a}: not a non-negative integer`);
      return x;
    };
    switch (a) {
      case '--nodes': o.nodes = n(); break;
      case '--validators': o.validators = n(); break;
      case '--slots': o.slots = n(); break;
      case '--kill-restart': {
        const m = /^(\d+)@(\d+)$/.exec(v());
        if (!m) throw new Error('--kill-restart NODE@SLOT');
        o.killRestart = { node: Number(m[1]), slot: Number(m[2]) };
        break;
      }
      case '--down-slots': o.downSlots = n(); break;
      case '--start-nodes': o.startNodes = n(); break;
      case '--max-lag': o.maxLag = n(); break;
      case '--dir': o.dir = v(); break;
      case '--quic-port-base': o.quicPortBase = n(); break;
      case '--api-port-base': o.apiPortBase = n(); break;
      case '--genesis-delay': o.genesisDelay = n(); break;
      case '--checkpoint-join': o.checkpointJoin = n(); break;
      case '--verbose': o.verbose = true; break;
      default: throw new Error(`unknown argument ${a}`);
    }
  }
  if (o.validators === 0) o.validators = 2 * o.nodes;
  if (o.startNodes === 0) o.startNodes = o.nodes;
  if (o.nodes < 1 || o.slots < 1) throw new Error('need at least one node and one slot');
  if (o.killRestart && o.killRestart.node >= o.nodes) throw new Error('--kill-restart: no such node');
  if (o.checkpointJoin > o.slots) throw new Error('--checkpoint-join: after the last slot');
  // Node start-up (loading the addon and libp2p) takes ~1-2 s per process on 2 cores.
  if (o.genesisDelay === 0) o.genesisDelay = 6 + 2 * o.nodes;
  return o;
}

async function getJson(url, timeoutMs = 1500) {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

function shortRoot(root) {
  return typeof root === 'string' ? root.slice(0, 10) : '?';
}

class Devnet {
  constructor(o) {
    this.o = o;
    this.dir = resolve(o.dir);
    this.procs = new Map();  // node index -> child process
    this.restarts = 0;
  }

  start(k, { checkpointFrom = null } = {}) {
    const node = this.network.nodes[k];
    const args = ['--genesis', join(this.dir, 'config.yaml'), '--validator-keys', this.dir, '--node-id', node.node_id,
                  '--node-key', join(this.dir, node.node_key_file), '--listen', node.listen_multiaddr,
                  '--api-port', String(node.api_port), '--data-dir', join(this.dir, 'nodes', node.node_id, 'db')];
    if (node.is_aggregator) args.push('--is-aggregator');
    if (checkpointFrom !== null) args.push('--checkpoint-sync-url', `http://127.0.0.1:${checkpointFrom.api_port}`);
    for (const other of this.network.nodes.slice(0, k)) args.push('--bootnode', other.multiaddr);
    const log = openSync(join(this.dir, `${node.node_id}.log`), 'a');
    const child = spawn(process.execPath, [NODE_BIN, ...args], { stdio: ['ignore', log, log] });
    child.on('exit', (code, signal) => {
      if (this.procs.get(k) === child) {
        this.procs.delete(k);
        if (!this.stopping) console.log(`node${k} exited (code ${code}, signal ${signal}); see ${node.node_id}.log`);
      }
    });
    this.procs.set(k, child);
  }

  kill(k) {
    const child = this.procs.get(k);
    if (!child) return;
    this.procs.delete(k);
    child.kill('SIGKILL');
  }

  async views() {
    return Promise.all(this.network.nodes.map(async (node, k) => {
      if (!this.procs.has(k)) return { k, down: true };
      try {
        const fc = await getJson(`http://127.0.0.1:${node.api_port}/lean/v0/fork_choice`);
        // The tree's nodes carry the slots; the head is given by root.
        const headNode = (fc.nodes ?? []).find((n) => n.root === fc.head);
        return { k, head: { root: fc.head, slot: headNode ? headNode.slot : -1 }, justified: fc.justified,
                 finalized: fc.finalized };
      } catch (e) {
        return { k, error: e.message };
      }
    }));
  }

  async run() {
    const o = this.o;
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
    this.network = generateNetwork({ out: this.dir, nodes: o.nodes, validators: o.validators, genesisDelay: o.genesisDelay,
                                     seed: 'beamcore-devnet-libp2p', quicPortBase: o.quicPortBase,
                                     apiPortBase: o.apiPortBase, aggregators: [0],
                                     observers: o.checkpointJoin > 0 ? 1 : 0 });
    const genesisMs = this.network.genesis_time * 1000;
    console.log(`devnet-libp2p: ${o.nodes} beamcore-node processes, ${o.validators} validators, ${o.slots} slots ` +
                `(4 s each), genesis in ${Math.round((genesisMs - Date.now()) / 1000)} s; logs in ${this.dir}`);
    for (let k = 0; k < o.startNodes; k++) this.start(k);
    let restartAt = null;
    let last = [];
    for (let slot = 1; slot <= o.slots; slot++) {
      // Observe a little after the slot's first interval (its block is out by then).
      const at = genesisMs + slot * SLOT_MS + 2000;
      await new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));
      if (o.killRestart && slot === o.killRestart.slot) {
        this.kill(o.killRestart.node);
        restartAt = slot + o.downSlots;
        console.log(`slot ${slot}: SIGKILL node${o.killRestart.node}`);
      }
      if (o.checkpointJoin > 0 && slot === o.checkpointJoin) {
        this.start(o.nodes, { checkpointFrom: this.network.nodes[0] });
        this.joined = true;
        console.log(`slot ${slot}: node${o.nodes} (no validators) started from node0's finalized state`);
      }
      if (restartAt !== null && slot === restartAt) {
        this.start(o.killRestart.node);
        this.restarts++;
        restartAt = null;
        console.log(`slot ${slot}: node${o.killRestart.node} restarted from its data directory`);
      }
      last = await this.views();
      console.log(`slot ${String(slot).padStart(3)} | ` + last.map((v) => {
        if (v.down) return `node${v.k} down`;
        if (v.error) return `node${v.k} ?`;
        return `node${v.k} h${v.head.slot} j${v.justified.slot} f${v.finalized.slot} ${shortRoot(v.finalized.root)}`;
      }).join(' | '));
    }
    // Let in-flight blocks settle, then judge on a fresh view.
    await new Promise((r) => setTimeout(r, 1500));
    last = await this.views();
    this.stopping = true;
    await this.stopAll();
    return this.verdict(last);
  }

  verdict(views) {
    const o = this.o;
    const problems = [];
    const finalized = new Set();
    for (const v of views) {
      if (v.down) problems.push(`node${v.k} is not running`);
      else if (v.error) problems.push(`node${v.k}: API unreachable (${v.error})`);
      else {
        finalized.add(`${v.finalized.slot}:${v.finalized.root}`);
        if (v.finalized.slot + o.maxLag < o.slots) {
          problems.push(`node${v.k} finalized slot ${v.finalized.slot}, more than ${o.maxLag} slots behind slot ${o.slots}`);
        }
      }
    }
    if (finalized.size > 1) problems.push(`the nodes disagree on the finalized checkpoint: ${[...finalized].join(', ')}`);
    if (problems.length > 0) {
      console.log(`FAILED: ${problems.join('; ')}`);
      return 1;
    }
    const [slot, root] = [...finalized][0].split(':');
    console.log(`OK: ${views.length} nodes agree on finalized slot ${slot} (${shortRoot(root)}), within ${o.maxLag} ` +
                `slots of slot ${o.slots}${this.restarts ? `; ${this.restarts} kill/restart caught up` : ''}` +
                `${this.joined ? `; node${o.nodes} joined from a checkpoint and follows` : ''}`);
    return 0;
  }

  async stopAll() {
    const exits = [...this.procs.values()].map((child) => new Promise((r) => {
      child.once('exit', r);
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    }));
    await Promise.all(exits);
    this.procs.clear();
  }
}

let devnet = null;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (devnet) {
      devnet.stopping = true;
      await devnet.stopAll();
    }
    process.exit(130);
  });
}

try {
  devnet = new Devnet(parse(process.argv.slice(2)));
  process.exitCode = await devnet.run();
} catch (e) {
  console.error(`devnet-libp2p: ${e.message}`);
  if (devnet) await devnet.stopAll();
  process.exitCode = 2;
}
