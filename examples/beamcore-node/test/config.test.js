// The command line and the cross-client files: what the reference node's tooling
// writes is read, and every malformed input is refused with a message naming the
// file and the field (never a crash, never a silently wrong value).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync, rmSync, mkdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { parseArgs } from '../src/cli.js'
import { loadGenesis } from '../src/config/genesis.js'
import { loadValidatorKeys } from '../src/config/validator_keys.js'

const require = createRequire(import.meta.url)
let beam = null
try {
  beam = require('../../../bindings/node/lib/index.js')
} catch {}
const needsAddon = beam === null ? 'the libbeamcore addon is not built' : false

function tempDir (t) {
  const dir = mkdtempSync(join(tmpdir(), 'beamcore-node-config-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

const KEY_A = '0x' + 'ab'.repeat(52)
const KEY_P = '0x' + 'cd'.repeat(52)

test('command line: the reference node\'s options, both --opt value and --opt=value', () => {
  const o = parseArgs(['--genesis', 'c.yaml', '--bootnode', '/ip4/1.2.3.4/udp/9/quic-v1/p2p/x', '--bootnode=enr:abc',
    '--api-port=0', '--is-aggregator', '--fork-digest', '0xDEADBEEF', '--node-id', 'n1', '--no-color', '-v'])
  assert.equal(o.genesis, 'c.yaml')
  assert.deepEqual(o.bootnodes, ['/ip4/1.2.3.4/udp/9/quic-v1/p2p/x', 'enr:abc'])
  assert.equal(o.apiPort, 0)
  assert.equal(o.isAggregator, true)
  assert.equal(o.forkDigest, 'deadbeef')
  assert.equal(o.nodeId, 'n1')
  assert.equal(o.logLevel, 'debug')
  const d = parseArgs(['--genesis', 'c.yaml'])
  assert.equal(d.forkDigest, '12345678')
  assert.equal(d.nodeId, 'lean_spec_0')
  assert.equal(d.listen, '/ip4/0.0.0.0/udp/9001/quic-v1')
  assert.equal(d.storageSync, 'normal')
  assert.equal(parseArgs(['--genesis', 'c.yaml', '--storage-sync', 'full']).storageSync, 'full')
  assert.equal(parseArgs(['--help']).help, true)
})

test('command line: bad input is refused with the option named', () => {
  const bad = [
    [[], /--genesis is required/],
    [['--genesis'], /--genesis needs a value/],
    [['--genesis', 'c', '--api-port', '70000'], /--api-port: not a port/],
    [['--genesis', 'c', '--api-port', 'x'], /--api-port: not a port/],
    [['--genesis', 'c', '--fork-digest', '1234'], /--fork-digest: expected 8 hex/],
    [['--genesis', 'c', '--fork-digest', '1234567g'], /--fork-digest: expected 8 hex/],
    [['--genesis', 'c', '--slots', '-1'], /--slots: not a non-negative integer/],
    [['--genesis', 'c', '--log-level', 'loud'], /--log-level/],
    [['--genesis', 'c', '--storage-sync', 'fast'], /--storage-sync: normal or full/],
    [['--genesis', 'c', '--is-aggregator=yes'], /--is-aggregator takes no value/],
    [['--genesis', 'c', '--frobnicate'], /unknown argument --frobnicate/]
  ]
  for (const [argv, message] of bad) assert.throws(() => parseArgs(argv), message, argv.join(' '))
})

test('genesis: keys stay exact bytes (an unquoted 0x... is not read as a number)', (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'config.yaml')
  // Unquoted hex, extra keys (ignored, as the reference node does).
  writeFileSync(path, `GENESIS_TIME: 1796264931\nACTIVE_EPOCH: 18\nGENESIS_VALIDATORS:\n` +
    `  - attestation_public_key: ${KEY_A}\n    proposal_public_key: "${KEY_P}"\n` +
    `  - attestation_public_key: ${KEY_P}\n    proposal_public_key: ${KEY_A}\n`)
  const g = loadGenesis(path)
  assert.equal(g.genesisTime, 1796264931)
  assert.equal(g.validatorCount, 2)
  assert.equal(g.attestationKeys[0].toString('hex'), KEY_A.slice(2))
  assert.equal(g.proposalKeys[0].toString('hex'), KEY_P.slice(2))
  assert.equal(g.attestationKeys[1].toString('hex'), KEY_P.slice(2))
})

test('genesis: malformed files are refused with file and field', (t) => {
  const dir = tempDir(t)
  const cases = [
    ['missing.yaml', null, /cannot read/],
    ['syntax.yaml', 'GENESIS_TIME: [1\n', /not valid YAML/],
    ['list.yaml', '- 1\n- 2\n', /expected a mapping/],
    ['no-time.yaml', `GENESIS_VALIDATORS:\n  - attestation_public_key: ${KEY_A}\n    proposal_public_key: ${KEY_P}\n`, /GENESIS_TIME: not an unsigned integer/],
    ['neg-time.yaml', 'GENESIS_TIME: -5\nGENESIS_VALIDATORS: []\n', /GENESIS_TIME: not an unsigned integer/],
    ['huge-time.yaml', 'GENESIS_TIME: 99999999999999999999\nGENESIS_VALIDATORS: []\n', /too large/],
    ['empty.yaml', 'GENESIS_TIME: 1\nGENESIS_VALIDATORS: []\n', /non-empty list/],
    ['strings.yaml', 'GENESIS_TIME: 1\nGENESIS_VALIDATORS:\n  - "0xabcd"\n', /is not a mapping/],
    ['short-key.yaml', `GENESIS_TIME: 1\nGENESIS_VALIDATORS:\n  - attestation_public_key: 0xabcd\n    proposal_public_key: ${KEY_P}\n`, /validator 0 attestation_public_key: expected 52 bytes/],
    ['no-proposal.yaml', `GENESIS_TIME: 1\nGENESIS_VALIDATORS:\n  - attestation_public_key: ${KEY_A}\n`, /validator 0 proposal_public_key/]
  ]
  for (const [name, text, message] of cases) {
    const path = join(dir, name)
    if (text !== null) writeFileSync(path, text)
    assert.throws(() => loadGenesis(path), (err) => message.test(err.message) && err.message.includes(path), name)
  }
})

test('validator keys: the generated layout loads, every key checked against the genesis', { skip: needsAddon }, async (t) => {
  const dir = tempDir(t)
  const { generateNetwork } = await import('../tools/gen-network.js')
  generateNetwork({ out: dir, nodes: 2, validators: 3, genesisDelay: 0, seed: 'config-test', quicPortBase: 1,
    apiPortBase: 1, aggregators: [] })
  const genesis = loadGenesis(join(dir, 'config.yaml'))
  const load = (nodeId, g = genesis) => loadValidatorKeys({ beam, directory: dir, nodeId, genesis: g, scheme: beam.XMSS_TEST })
  const keys = load('node_1')
  assert.deepEqual(keys.map((k) => k.index), [1, 2])
  for (const { index, key } of keys) {
    assert.ok(key.publicKey.equals(genesis.attestationKeys[index]))
    key.close()
  }
  assert.deepEqual(load('no_such_node'), [], 'a node id without an entry has no validators')

  // A genesis whose key for validator 1 differs: refused before signing anything.
  const other = { ...genesis, attestationKeys: genesis.attestationKeys.map((k, i) => (i === 1 ? Buffer.alloc(52, 7) : k)) }
  assert.throws(() => load('node_1', other), /validator 1: the manifest's attestation key is not the genesis key/)
  // Fewer validators in the genesis than the mapping names.
  assert.throws(() => load('node_1', { ...genesis, validatorCount: 2 }), /validator 2 of node_1 is not in the genesis/)

  // A secret key file swapped for another validator's: the key inside is checked.
  const keysDir = join(dir, 'hash-sig-keys')
  writeFileSync(join(keysDir, 'validator_2_attestation_sk.ssz'), readFileSync(join(keysDir, 'validator_1_attestation_sk.ssz')))
  assert.throws(() => load('node_1'), /validator 2: .* holds another key than the genesis key/)
  // A truncated key file: a clear error from the library, not a crash.
  writeFileSync(join(keysDir, 'validator_2_attestation_sk.ssz'), Buffer.alloc(100))
  assert.throws(() => load('node_1'), (err) => err instanceof Error && err.message.length > 0)
  // A missing key file, a mapping that is not a list, a missing manifest.
  rmSync(join(keysDir, 'validator_2_attestation_sk.ssz'))
  assert.throws(() => load('node_1'), /attestation key file of validator 2/)
  writeFileSync(join(dir, 'validators.yaml'), 'node_1: 5\n')
  assert.throws(() => load('node_1'), /node_1 must map to a list of indices/)
  mkdirSync(join(dir, 'empty'))
  assert.throws(() => loadValidatorKeys({ beam, directory: join(dir, 'empty'), nodeId: 'node_1', genesis, scheme: beam.XMSS_TEST }),
    /validator keys manifest not found/)
})

test('checkpoint sync: an anchor state of another network is refused', { skip: needsAddon }, async () => {
  const { checkAnchorState } = await import('../src/config/anchor_state.js')
  const keys = (n, fill) => Buffer.alloc(52 * n, fill)
  const ours = beam.genesisState(1000, 3, keys(3, 1), keys(3, 2))
  assert.equal(checkAnchorState(ours, ours), 0)
  assert.throws(() => checkAnchorState(beam.genesisState(1001, 3, keys(3, 1), keys(3, 2)), ours), /GENESIS_TIME 1001 is not ours \(1000\)/)
  assert.throws(() => checkAnchorState(beam.genesisState(1000, 4, keys(4, 1), keys(4, 2)), ours), /validator registry/)
  assert.throws(() => checkAnchorState(beam.genesisState(1000, 3, keys(3, 1), keys(3, 9)), ours), /validator registry/)
  assert.throws(() => checkAnchorState(Buffer.alloc(40), ours), /40 bytes, not an Lstar state/)
  // Offsets pointing outside the data: refused, not read past the end.
  const broken = Buffer.from(ours)
  broken.writeUInt32LE(0xffffff00, 216)
  assert.throws(() => checkAnchorState(broken, ours), /validator registry/)
})
