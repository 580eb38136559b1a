'use strict';
// Loads libbeamcore.so.1 (through beamcore_addon.node) into Node.js, whose binary
// exports OpenSSL's libcrypto symbols (SHA256, RAND_bytes, ...), and checks that the
// library's hashing still matches SHA-256 merkleization computed here with Node's own
// OpenSSL (crypto.createHash), in the same process.
//
//   node test.js <beamcore_addon.node> [<expected version> [<BoringSSL library path>]]
//
// With the BoringSSL path, it also reruns itself under LD_DEBUG=bindings (glibc) and
// checks that no crypto symbol of libbeamcore or of its BoringSSL binds to Node's
// OpenSSL. Exits non-zero on any mismatch.

const assert = require('assert');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const [addonPath, expectedVersion, boringsslPath] = process.argv.slice(2);
if (!addonPath) {
  console.error('usage: node test.js <beamcore_addon.node> [<expected version> [<BoringSSL library path>]]');
  process.exit(2);
}

const beam = require(path.resolve(addonPath));

if (expectedVersion === '--bindings-child') {
  // Child of the LD_DEBUG run: load, hash (a Merkle node and a whole state), exit.
  beam.hashTreeRoot(beam.SSZ_STATE, beam.genesisState(0, 4));
  process.exit(0);
}

// --- SSZ merkleization with Node's OpenSSL -----------------------------------------

const ZERO32 = Buffer.alloc(32);

function sha256(...parts) {
  return crypto.createHash('sha256').update(Buffer.concat(parts)).digest();
}

function u64le(value) {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(value));
  return b;
}

function u32le(value) {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value);
  return b;
}

// A basic uint64 as one chunk: little-endian, zero-padded to 32 bytes.
function u64Chunk(value) {
  return Buffer.concat([u64le(value), Buffer.alloc(24)]);
}

const zeroHashes = [ZERO32];
for (let i = 1; i <= 64; i++) zeroHashes.push(sha256(zeroHashes[i - 1], zeroHashes[i - 1]));

// merkleize(chunks, limit): pad to the next power of two of max(limit, 1) with zero chunks.
function merkleize(chunks, limit = chunks.length) {
  let depth = 0;
  while ((1 << depth) < Math.max(limit, 1)) depth++;
  let layer = chunks.slice();
  for (let d = 0; d < depth; d++) {
    const next = [];
    for (let i = 0; i < layer.length; i += 2) {
      next.push(sha256(layer[i], i + 1 < layer.length ? layer[i + 1] : zeroHashes[d]));
    }
    if (next.length === 0) next.push(zeroHashes[d + 1]);
    layer = next;
  }
  return layer.length ? layer[0] : zeroHashes[0];
}

function mixInLength(root, length) {
  return sha256(root, u64Chunk(length));
}

const checkpointSsz = (root, slot) => Buffer.concat([root, u64le(slot)]);
// Checkpoint {root: Bytes32, slot: uint64}.
const checkpointRoot = (root, slot) => merkleize([root, u64Chunk(slot)]);

// --- checks ------------------------------------------------------------------------

let failures = 0;
let checks = 0;
function check(name, got, want) {
  checks++;
  const g = Buffer.isBuffer(got) ? got.toString('hex') : String(got);
  const w = Buffer.isBuffer(want) ? want.toString('hex') : String(want);
  if (g !== w) {
    failures++;
    console.error(`FAIL ${name}\n  got  ${g}\n  want ${w}`);
  }
}

// Version.
const version = beam.version();
console.log(`libbeamcore ${version} in node ${process.version} (OpenSSL ${process.versions.openssl})`);
assert.match(version, /^\d+\.\d+\.\d+$/);
if (expectedVersion) check('version', version, expectedVersion);

// Checkpoints, interleaved with Node's own OpenSSL use (hashing and RAND_bytes).
const checkpoints = [
  [ZERO32, 0n],
  [Buffer.alloc(32, 0xff), (1n << 64n) - 1n],
  [sha256(Buffer.from('beamcore')), 12345n],
];
for (let i = 0; i < 16; i++) checkpoints.push([crypto.randomBytes(32), crypto.randomBytes(8).readBigUInt64LE()]);
for (const [root, slot] of checkpoints) {
  check(`checkpoint ${root.toString('hex').slice(0, 8)}@${slot}`,
        beam.hashTreeRoot(beam.SSZ_CHECKPOINT, checkpointSsz(root, slot)), checkpointRoot(root, slot));
}
// A failing call throws with the status name as the error code (beam_status_string).
{
  let code = 'no error';
  try {
    beam.hashTreeRoot(beam.SSZ_CHECKPOINT, Buffer.alloc(39));
  } catch (e) {
    code = e.code;
  }
  check('short checkpoint throws BEAM_ERR_DECODE', code, 'BEAM_ERR_DECODE');
}
// Known value: hash_tree_root(Checkpoint{0x00..00, 0}) = sha256(64 zero bytes).
check('checkpoint zero known value', beam.hashTreeRoot(beam.SSZ_CHECKPOINT, Buffer.alloc(40)),
      Buffer.from('f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b', 'hex'));

// AttestationData {slot, head, target, source}.
{
  const slot = 77n;
  const cps = [[sha256(Buffer.from('head')), 77n], [sha256(Buffer.from('target')), 64n],
               [sha256(Buffer.from('source')), 32n]];
  const ssz = Buffer.concat([u64le(slot), ...cps.map(([r, s]) => checkpointSsz(r, s))]);
  const want = merkleize([u64Chunk(slot), ...cps.map(([r, s]) => checkpointRoot(r, s))]);
  check('attestation data', beam.hashTreeRoot(beam.SSZ_ATTESTATION_DATA, ssz), want);
}

// Genesis: the state root (computed by the library over the whole state) goes into the
// anchor block, whose root is computed here.
{
  const state = beam.genesisState(0, 4);
  const stateRoot = beam.hashTreeRoot(beam.SSZ_STATE, state);
  check('genesis state root length', stateRoot.length, 32);
  check('genesis state root deterministic', beam.hashTreeRoot(beam.SSZ_STATE, beam.genesisState(0, 4)), stateRoot);

  // Block {slot, proposer_index, parent_root, state_root, body: BlockBody{attestations: List[_, 4096]}}
  const VALIDATOR_REGISTRY_LIMIT = 4096;
  const bodySsz = u32le(4);  // one variable field (offset 4), empty list
  const blockSsz = Buffer.concat([u64le(0), u64le(0), ZERO32, stateRoot, u32le(84), bodySsz]);
  const bodyRoot = merkleize([mixInLength(merkleize([], VALIDATOR_REGISTRY_LIMIT), 0)]);
  const blockRoot = merkleize([u64Chunk(0), u64Chunk(0), ZERO32, stateRoot, bodyRoot]);
  check('genesis block root (Block)', beam.hashTreeRoot(beam.SSZ_BLOCK, blockSsz), blockRoot);

  const headerSsz = Buffer.concat([u64le(0), u64le(0), ZERO32, stateRoot, bodyRoot]);
  check('genesis block root (BlockHeader)', beam.hashTreeRoot(beam.SSZ_BLOCK_HEADER, headerSsz), blockRoot);

  // SignedBlock {block, proof: MultiMessageAggregate{proof: ByteList}}, an empty proof.
  const proofSsz = u32le(4);
  const signedSsz = Buffer.concat([u32le(8), u32le(8 + blockSsz.length), blockSsz, proofSsz]);
  check('genesis block root (beam_block_root)', beam.blockRoot(signedSsz), blockRoot);
}

// XMSS (TEST scheme) sign and verify, where the library has it.
if (typeof beam.xmssSign === 'function') {
  const seed = sha256(Buffer.from('node load test seed'));
  const message = sha256(Buffer.from('node load test message'));
  const slot = 3;
  const { publicKey, signature } = beam.xmssSign(seed, slot, message);
  check('xmss signature verifies', beam.xmssVerify(publicKey, slot, message, signature), true);
  const other = Buffer.from(message);
  other[0] ^= 1;
  check('xmss signature of another message rejected', beam.xmssVerify(publicKey, slot, other, signature), false);
} else {
  console.log('(no XMSS functions in this libbeamcore: skipped)');
}

// The library loaded its own BoringSSL (privately) next to Node's OpenSSL.
if (boringsslPath && fs.existsSync('/proc/self/maps')) {
  const maps = fs.readFileSync('/proc/self/maps', 'utf8');
  const real = fs.realpathSync(boringsslPath);
  check('BoringSSL mapped', maps.includes(real) || maps.includes(boringsslPath), true);
}

// Symbol bindings, as the dynamic loader reports them (glibc's LD_DEBUG=bindings), in
// a child process: libbeamcore binds no crypto symbol (it dlsym()s them), and
// BoringSSL's references (its own and the dlsym() lookups) resolve inside BoringSSL,
// never to the OpenSSL that the node binary exports (RTLD_DEEPBIND).
if (boringsslPath && process.platform === 'linux') {
  const { spawnSync } = require('child_process');
  const os = require('os');
  // The child's stderr is a file, not a pipe: node makes pipes non-blocking, and the
  // dynamic loader's debug output would be dropped when the pipe is full.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beamcore-node-'));
  const logPath = path.join(dir, 'ld_debug.log');
  const log = fs.openSync(logPath, 'w');
  const r = spawnSync(process.execPath, [__filename, addonPath, '--bindings-child'], {
    env: { ...process.env, LD_DEBUG: 'bindings' },
    stdio: ['ignore', 'inherit', log],
  });
  fs.closeSync(log);
  const stderr = fs.readFileSync(logPath, 'utf8');
  fs.rmSync(dir, { recursive: true, force: true });
  check('LD_DEBUG child exit status', r.status, 0);
  const real = (p) => { try { return fs.realpathSync(p); } catch (e) { return p; } };
  const bssl = real(boringsslPath);
  const bindings = [];
  for (const m of stderr.matchAll(/binding file (\S+) \[\d+\] to (\S+) \[\d+\]: normal symbol `(\w+)'/g)) {
    bindings.push({ from: m[1], to: m[2], sym: m[3] });
  }
  if (bindings.length === 0) {
    console.log('(no LD_DEBUG output: binding checks skipped)');
  } else {
    const cryptoName = /^(SHA\d*|RAND|EVP|OPENSSL|CRYPTO)(_|$)/;
    const fromBeam = bindings.filter((b) => b.from.includes('libbeamcore') && cryptoName.test(b.sym));
    check('crypto symbols bound by libbeamcore', fromBeam.map((b) => `${b.sym}->${b.to}`).join(' '), '');
    const fromBssl = bindings.filter((b) => real(b.from) === bssl);
    // Data symbols of libc copied into the executable (stderr, ...) are not crypto.
    const libcData = new Set(['stderr', 'stdout', 'stdin', 'environ', '__environ', 'optarg', 'optind']);
    const leaked = fromBssl.filter((b) => real(b.to) !== bssl && !libcData.has(b.sym) &&
        (b.to === 'node' || real(b.to) === real(process.execPath) || /lib(crypto|ssl)/.test(b.to)));
    check('BoringSSL symbols bound outside BoringSSL', leaked.slice(0, 10).map((b) => `${b.sym}->${b.to}`).join(' '), '');
    const resolved = new Set(fromBssl.filter((b) => real(b.to) === bssl).map((b) => b.sym));
    for (const sym of ['SHA256', 'SHA256_TransformBlocks', 'RAND_bytes']) {
      check(`${sym} resolved in BoringSSL`, resolved.has(sym), true);
    }
  }
}

// Node's own OpenSSL still works after loading the library.
check('node sha256("abc")', sha256(Buffer.from('abc')).toString('hex'),
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');

if (failures) {
  console.error(`node load test: ${failures} of ${checks} checks failed`);
  process.exit(1);
}
console.log(`node load test: ${checks} checks ok`);
