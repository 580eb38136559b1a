#!/usr/bin/env node
// Generates a local lean network in the cross-client layout that both beamcore-node
// and the leanSpec reference node read:
//   OUT/config.yaml                      GENESIS_TIME, GENESIS_VALIDATORS (both public keys)
//   OUT/validators.yaml                  node_<k>: [indices]  (contiguous blocks)
//   OUT/hash-sig-keys/validator-keys-manifest.yaml + validator_<i>_{attestation,proposal}_{sk,pk}.ssz
//   OUT/nodes/node_<k>/node.key          secp256k1 identity, 64 hex characters
//   OUT/network.json                     the above, machine-readable (ports, multiaddrs, peer ids)
// XMSS keys are TEST-scheme, full lifetime (256 slots), derived from --seed so a rerun
// gives the same keys; GENESIS_TIME is now + --genesis-delay.
//
//   node tools/gen-network.js --out DIR --nodes N --validators V [--genesis-delay S]
//        [--seed TEXT] [--quic-port-base P] [--api-port-base P] [--aggregators 0,1] [--observers K]
// Observers are K more nodes (after the N) with no validators, e.g. to join later.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { peerIdFromHex } from '../src/p2p/identity.js';

const require = createRequire(import.meta.url);
const beam = require('../../../bindings/node/lib/index.js');

function parse(argv) {
  const o = { out: null, nodes: 2, validators: 4, genesisDelay: 15, seed: 'beamcore-devnet', quicPortBase: 9100,
              apiPortBase: 5100, aggregators: [0], observers: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--out') o.out = v();
    else if (a === '--nodes') o.nodes = Number(v());
    else if (a === '--validators') o.validators = Number(v());
    else if (a === '--genesis-delay') o.genesisDelay = Number(v());
    else if (a === '--seed') o.seed = v();
    else if (a === '--quic-port-base') o.quicPortBase = Number(v());
    else if (a === '--api-port-base') o.apiPortBase = Number(v());
    else if (a === '--observers') o.observers = Number(v());
    else if (a === '--aggregators') o.aggregators = v().split(',').filter(Boolean).map(Number);
    else throw new Error(`unknown argument ${a}`);
  }
  if (!o.out) throw new Error('--out is required');
  for (const [k, n] of [['nodes', o.nodes], ['validators', o.validators], ['genesisDelay', o.genesisDelay],
                        ['observers', o.observers]]) {
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${k}: not a non-negative integer`);
  }
  if (o.nodes < 1 || o.validators < o.nodes) throw new Error('need at least one node and a validator per node');
  return o;
}

function seedFor(seed, ...parts) {
  return createHash('sha256').update([seed, ...parts].join('/')).digest();
}

export function generateNetwork(o) {
  const keysDir = join(o.out, 'hash-sig-keys');
  mkdirSync(keysDir, { recursive: true });
  const manifest = [];
  const config = [];
  for (let i = 0; i < o.validators; i++) {
    const entry = { index: i };
    const genesisEntry = {};
    for (const role of ['attestation', 'proposal']) {
      const key = beam.XmssKey.generate(beam.XMSS_TEST, seedFor(o.seed, 'validator', i, role), 0, 256);
      const pk = key.publicKey;
      writeFileSync(join(keysDir, `validator_${i}_${role}_sk.ssz`), key.toSsz());
      writeFileSync(join(keysDir, `validator_${i}_${role}_pk.ssz`), pk);
      key.close();
      entry[`${role}_public_key_hex`] = '0x' + pk.toString('hex');
      entry[`${role}_private_key_file`] = `validator_${i}_${role}_sk.ssz`;
      genesisEntry[`${role}_public_key`] = '0x' + pk.toString('hex');
    }
    manifest.push(entry);
    config.push(genesisEntry);
  }
  const genesisTime = Math.floor(Date.now() / 1000) + o.genesisDelay;
  const yamlList = (items, indent) => items.map((item) => Object.entries(item)
    .map(([k, v], j) => `${' '.repeat(indent)}${j === 0 ? '- ' : '  '}${k}: ${typeof v === 'number' ? v : `"${v}"`}`)
    .join('\n')).join('\n');
  writeFileSync(join(o.out, 'config.yaml'),
                `GENESIS_TIME: ${genesisTime}\nGENESIS_VALIDATORS:\n${yamlList(config, 2)}\n`);
  writeFileSync(join(keysDir, 'validator-keys-manifest.yaml'),
                'key_scheme: SIGTopLevelTargetSumLifetime8Dim4Base8\nhash_function: Poseidon1\nencoding: TargetSum\n' +
                `lifetime: 256\nlog_num_active_epochs: 8\nnum_active_epochs: 256\nnum_validators: ${o.validators}\n` +
                `validators:\n${yamlList(manifest, 2)}\n`);
  const nodes = [];
  const per = Math.floor(o.validators / o.nodes);
  let validatorsYaml = '';
  for (let k = 0; k < o.nodes + (o.observers ?? 0); k++) {
    const first = Math.min(k * per, o.validators);
    const last = k >= o.nodes ? first : k === o.nodes - 1 ? o.validators : first + per;
    const indices = Array.from({ length: last - first }, (_, j) => first + j);
    const nodeId = `node_${k}`;
    validatorsYaml += indices.length === 0 ? `${nodeId}: []\n`
      : `${nodeId}:\n${indices.map((i) => `  - ${i}`).join('\n')}\n`;
    const nodeKey = seedFor(o.seed, 'identity', k).toString('hex');
    const dir = join(o.out, 'nodes', nodeId);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'node.key'), nodeKey + '\n');
    const peerId = peerIdFromHex(nodeKey);
    const quicPort = o.quicPortBase + k;
    nodes.push({
      index: k, node_id: nodeId, validator_indices: indices, is_aggregator: o.aggregators.includes(k),
      peer_id: peerId, node_key_file: `nodes/${nodeId}/node.key`,
      listen_multiaddr: `/ip4/127.0.0.1/udp/${quicPort}/quic-v1`,
      multiaddr: `/ip4/127.0.0.1/udp/${quicPort}/quic-v1/p2p/${peerId}`,
      api_port: o.apiPortBase + k,
    });
  }
  writeFileSync(join(o.out, 'validators.yaml'), validatorsYaml);
  const network = { genesis_time: genesisTime, seconds_per_slot: 4, num_validators: o.validators, gossip_digest: '12345678',
                    nodes };
  writeFileSync(join(o.out, 'network.json'), JSON.stringify(network, null, 2) + '\n');
  return network;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const network = generateNetwork(parse(process.argv.slice(2)));
    process.stdout.write(`${network.nodes.length} nodes, ${network.num_validators} validators, genesis ${network.genesis_time}\n`);
  } catch (e) {
    process.stderr.write(`gen-network: ${e.message}\n`);
    process.exit(2);
  }
}
