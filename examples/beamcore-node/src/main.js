// beamcore-node: a lean consensus node over libp2p. The consensus core is libbeamcore
// (through bindings/node); js-libp2p (QUIC-v1, gossipsub v1.2, ssz_snappy req/resp)
// carries its messages, every byte framed by the library's codecs.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs, USAGE } from './cli.js';
import { loadGenesis } from './config/genesis.js';
import { loadValidatorKeys } from './config/validator_keys.js';
import { checkAnchorState } from './config/anchor_state.js';
import { IntervalClock, INTERVALS_PER_SLOT } from './interval_clock.js';
import { ValidatorDuties } from './duties.js';
import { startApiServer } from './api_server.js';
import { makeLogger, libraryLevel, levelName } from './logger.js';
import { connectNodeToNetwork } from './bridge.js';
import { P2PHost } from './p2p/index.js';

const require = createRequire(import.meta.url);
const beam = require('../../../bindings/node/lib/index.js');

async function fetchBytes(url, what, log) {
  log('info', `checkpoint sync: GET ${url}`);
  const response = await fetch(url, { headers: { accept: 'application/octet-stream' } });
  if (!response.ok) throw new Error(`checkpoint sync: ${url} answered ${response.status} (${what})`);
  return Buffer.from(await response.arrayBuffer());
}

// The finalized block and state of a peer, as the reference node's checkpoint sync
// fetches them (block first: small, so an incapable source fails fast). The block
// is needed: the anchor's root is the block's, and its body is not in the state.
// Returns {state, block} (block = the SignedBlock's message, SSZ), both decoded by
// the library; throws if they do not pair (finalization moved between the requests:
// try again).
async function fetchCheckpoint(url, log) {
  const base = url.replace(/\/+$/, '');
  const signedBlock = await fetchBytes(`${base}/lean/v0/blocks/finalized`, 'finalized block', log);
  beam.hashTreeRoot(beam.SSZ_SIGNED_BLOCK, signedBlock);  // throws a BeamError unless it decodes
  const state = await fetchBytes(`${base}/lean/v0/states/finalized`, 'finalized state', log);
  const stateRoot = beam.hashTreeRoot(beam.SSZ_STATE, state);
  // SignedBlock = {block, proof}, both variable-size: two offsets, then the block.
  const block = signedBlock.subarray(signedBlock.readUInt32LE(0), signedBlock.readUInt32LE(4));
  // Block = slot, proposer_index, parent_root, state_root (bytes 48..80), body.
  if (!block.subarray(48, 80).equals(stateRoot)) {
    throw new Error('checkpoint sync: the finalized block and state do not pair (finalization moved on); try again');
  }
  return { state, block };
}

function readNodeKey(path) {
  const hex = readFileSync(path, 'utf8').trim().replace(/^0x/i, '');
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error(`--node-key ${path}: expected 64 hex characters`);
  return hex;
}

function short(root) {
  return '0x' + Buffer.from(root).subarray(0, 4).toString('hex');
}

export async function main(argv) {
  let o;
  try {
    o = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`beamcore-node: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (o.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const logger = makeLogger(o.logLevel);
  const log = logger('node');

  const genesis = loadGenesis(o.genesis);
  const keys = o.validatorKeys
    ? loadValidatorKeys({ beam, directory: o.validatorKeys, nodeId: o.nodeId, genesis, scheme: beam.XMSS_TEST })
    : [];
  const genesisState = beam.genesisState(genesis.genesisTime, genesis.validatorCount,
                                         Buffer.concat(genesis.attestationKeys), Buffer.concat(genesis.proposalKeys));
  let anchorState = genesisState;
  let anchorBlock = null;
  if (o.checkpointSyncUrl) {
    ({ state: anchorState, block: anchorBlock } = await fetchCheckpoint(o.checkpointSyncUrl, log));
    const slot = checkAnchorState(anchorState, genesisState);
    log('info', `checkpoint sync: anchor at slot ${slot} (state ${anchorState.length} bytes)`);
  }
  const node = new beam.Node({
    anchorState,
    anchorBlock,
    validatorIndices: keys.map((k) => k.index),
    isAggregator: o.isAggregator,
    dataDir: o.dataDir,
    storageSync: o.storageSync,
    clock: 'host',
    logLevel: libraryLevel(o.logLevel),
  });
  const coreLog = logger('core');
  node.on('log', (level, line) => coreLog(levelName(level), line));
  node.on('error', (e) => log('error', `event handler: ${e.stack || e}`));

  const p2p = new P2PHost({
    wire: beam.wire,
    nodeKeyHex: o.nodeKey ? readNodeKey(o.nodeKey) : randomBytes(32).toString('hex'),
    listen: o.listen,
    bootnodes: o.bootnodes,
    digest: o.forkDigest,
    subnets: [0],
    subscribeAggregation: true,
    log: logger('p2p'),
  });
  const bridge = connectNodeToNetwork({ beam, node, p2p, log: logger('net') });
  await p2p.start();
  log('info', `libbeamcore ${beam.version()}; peer id ${p2p.peerId}; listening on ${p2p.listenAddrs().join(', ')}`);
  log('info', `genesis ${genesis.genesisTime}, ${genesis.validatorCount} validators; ours: ` +
              `[${keys.map((k) => k.index).join(', ')}]${o.isAggregator ? ', aggregator' : ''}` +
              `${o.checkpointSyncUrl ? ', from a checkpoint' : ''}`);

  const duties = new ValidatorDuties({
    beam, node, keys, validatorCount: genesis.validatorCount, log: logger('duties'),
    publish: (kind, ssz, subnet) => bridge.publish(kind, ssz, subnet),
  });
  let api = null;
  if (o.apiPort !== 0) {
    api = await startApiServer({ node, port: o.apiPort, host: o.apiHost, log: logger('api') });
    log('info', `API on http://${o.apiHost}:${api.address().port}`);
  }

  let stopping = null;
  let exitCode = 0;
  const stop = (code) => {
    if (stopping) return stopping;
    exitCode = code;
    stopping = (async () => {
      clock.stop();
      if (api) await new Promise((r) => api.close(r));
      await p2p.stop().catch((e) => log('warn', `p2p stop: ${e.message}`));
      node.close();
      for (const { key } of keys) key.close();
    })();
    return stopping;
  };

  const clock = new IntervalClock({
    genesisTime: genesis.genesisTime,
    onInterval: (interval, skipped) => {
      if (skipped > 0) log('warn', `event loop late: ${skipped} intervals skipped`);
      const tick = node.tick(interval);
      if (!tick.ok) log('warn', `tick ${interval}: ${tick.message}`);
      const slot = Math.floor(interval / INTERVALS_PER_SLOT);
      if (interval % INTERVALS_PER_SLOT === 0 && slot > 0) {
        const head = node.head();
        const justified = node.justified();
        const finalized = node.finalized();
        process.stdout.write(`slot ${String(slot).padStart(4)} | head ${head.slot} ${short(head.root)} | ` +
                             `justified ${justified.slot} ${short(justified.root)} | finalized ${finalized.slot} ` +
                             `${short(finalized.root)} | peers ${p2p.peers().length} | proposed ${duties.stats.proposed}` +
                             ` attested ${duties.stats.attested}\n`);
        if (o.slots > 0 && slot > o.slots) {
          stop(0);
          return;
        }
        // The library stops the node when storage fails (disk full, I/O error): a node
        // that cannot persist must not keep voting on what it cannot remember.
        const health = node.health();
        if (health.storageFailed) {
          log('error', `storage failed, stopping: ${health.lastFault}`);
          stop(1);
          return;
        }
      }
      duties.onInterval(interval);
    },
  });
  clock.start();

  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      log('info', `${signal}: stopping`);
      stop(0);
    });
  }
  await new Promise((resolve) => {
    const poll = setInterval(() => {
      if (stopping) {
        clearInterval(poll);
        stopping.then(resolve, resolve);
      }
    }, 100);
  });
  return exitCode;
}
