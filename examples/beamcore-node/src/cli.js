// The command line, compatible with the reference node's (leanSpec cli/args.py) so
// devnet tooling can start either: --genesis, --bootnode (repeatable), --listen,
// --checkpoint-sync-url, --validator-keys, --node-id, --is-aggregator, --api-port,
// -v/--verbose, --no-color; plus our own --data-dir, --storage-sync, --node-key, --fork-digest,
// --slots (stop after a slot, for scripted runs), --log-level.
export const USAGE = `usage: beamcore-node --genesis config.yaml [options]

  --genesis FILE              cross-client genesis (GENESIS_TIME, GENESIS_VALIDATORS)   (required)
  --validator-keys DIR        DIR/validators.yaml + DIR/hash-sig-keys/ (manifest and SSZ keys)
  --node-id ID                this node's entry in validators.yaml (default lean_spec_0)
  --node-key FILE             libp2p identity: a secp256k1 secret as 64 hex characters
                              (default: a fresh random identity)
  --listen MULTIADDR          /ip4/A.B.C.D/udp/PORT/quic-v1 (default /ip4/0.0.0.0/udp/9001/quic-v1)
  --bootnode ADDR             a peer to dial: /ip4/.../udp/.../quic-v1/p2p/<peer id>, or an
                              enr:... record with ip and quic (repeatable)
  --is-aggregator             aggregate attestations (interval 2) and publish the aggregates
  --api-port PORT             lean HTTP API and /metrics on 127.0.0.1 (default 5052; 0: off)
  --api-host HOST             address for the API (default 127.0.0.1)
  --checkpoint-sync-url URL   start from a peer's finalized state (GET URL/lean/v0/states/finalized)
  --data-dir DIR              SQLite storage; a restart resumes from it (default: memory only)
  --storage-sync MODE         normal (default: synced at WAL checkpoints; a power loss may
                              roll back the latest blocks) | full (fsync per stored block)
  --fork-digest HEX           gossip topic digest (default 12345678, the reference node's)
  --slots N                   exit after slot N (0: run until killed)
  --log-level LEVEL           error | warn | info | debug (default info; -v: debug)
  --no-color                  accepted for compatibility (output is never colored)
  -h, --help
`;

const FLAGS = new Set(['--is-aggregator', '-v', '--verbose', '--no-color', '-h', '--help']);

export function parseArgs(argv) {
  const o = {
    genesis: null, validatorKeys: null, nodeId: 'lean_spec_0', nodeKey: null,
    listen: '/ip4/0.0.0.0/udp/9001/quic-v1', bootnodes: [], isAggregator: false, apiPort: 5052,
    apiHost: '127.0.0.1', checkpointSyncUrl: null, dataDir: null, storageSync: 'normal', forkDigest: '12345678', slots: 0,
    logLevel: 'info', help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value = null;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const next = () => {
      if (value !== null) return value;
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    if (FLAGS.has(arg) && value !== null) throw new Error(`${arg} takes no value`);
    switch (arg) {
      case '--genesis': o.genesis = next(); break;
      case '--validator-keys': o.validatorKeys = next(); break;
      case '--node-id': o.nodeId = next(); break;
      case '--node-key': o.nodeKey = next(); break;
      case '--listen': o.listen = next(); break;
      case '--bootnode': o.bootnodes.push(next()); break;
      case '--is-aggregator': o.isAggregator = true; break;
      case '--api-port': o.apiPort = port(next(), arg); break;
      case '--api-host': o.apiHost = next(); break;
      case '--checkpoint-sync-url': o.checkpointSyncUrl = next(); break;
      case '--data-dir': o.dataDir = next(); break;
      case '--storage-sync': o.storageSync = syncMode(next()); break;
      case '--fork-digest': o.forkDigest = digest(next()); break;
      case '--slots': o.slots = count(next(), arg); break;
      case '--log-level': o.logLevel = level(next()); break;
      case '-v': case '--verbose': o.logLevel = 'debug'; break;
      case '--no-color': break;
      case '-h': case '--help': o.help = true; break;
      default: throw new Error(`unknown argument ${arg}`);
    }
  }
  if (!o.help && o.genesis === null) throw new Error('--genesis is required');
  return o;
}

function port(v, what) {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${what}: not a port: ${v}`);
  return n;
}

function count(v, what) {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${what}: not a non-negative integer: ${v}`);
  return n;
}

// The topic's fork digest: 4 bytes as 8 hex characters (the reference's is 12345678).
function digest(v) {
  const hex = v.replace(/^0x/i, '');
  if (!/^[0-9a-f]{8}$/i.test(hex)) throw new Error(`--fork-digest: expected 8 hex characters (4 bytes): ${v}`);
  return hex.toLowerCase();
}

function syncMode(v) {
  if (v !== 'normal' && v !== 'full') throw new Error(`--storage-sync: normal or full: ${v}`);
  return v;
}

function level(v) {
  if (!['error', 'warn', 'info', 'debug'].includes(v)) throw new Error(`--log-level: one of error, warn, info, debug`);
  return v;
}
