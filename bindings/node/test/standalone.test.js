'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { beam } = require('./helpers.js');

test('version is the build\'s', () => {
  assert.match(beam.version(), /^\d+\.\d+\.\d+$/);
  if (process.env.BEAMCORE_VERSION) assert.equal(beam.version(), process.env.BEAMCORE_VERSION);
  const [major, minor, patch] = beam.version().split('.').map(Number);
  assert.equal(beam.versionNumber(), (major << 16) | (minor << 8) | patch);
});

test('status names', () => {
  assert.equal(beam.statusString(0), 'BEAM_OK');
  assert.equal(beam.statusString(beam.Status.DECODE), 'BEAM_ERR_DECODE');
  assert.equal(beam.statusString(-99), 'BEAM_ERR_UNKNOWN');
});

test('hash tree roots', () => {
  // Checkpoint{0x00..00, 0} = sha256(64 zero bytes).
  assert.equal(beam.hashTreeRoot(beam.SSZ_CHECKPOINT, Buffer.alloc(40)).toString('hex'),
               'f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b');
});

test('failures throw a BeamError with the status name', () => {
  assert.throws(() => beam.hashTreeRoot(beam.SSZ_CHECKPOINT, Buffer.alloc(39)),
                (e) => e.name === 'BeamError' && e.code === 'BEAM_ERR_DECODE' && e.status === beam.Status.DECODE &&
                       /beam_hash_tree_root/.test(e.message));
  assert.throws(() => beam.hashTreeRoot(beam.SSZ_CHECKPOINT, 'not bytes'), TypeError);
  assert.throws(() => beam.genesisState(-1, 4), TypeError);
  assert.throws(() => beam.genesisState(0, 2, Buffer.alloc(52), Buffer.alloc(104)), RangeError);
});

test('genesis state and its STF', () => {
  const state = beam.genesisState(1000, 4);
  assert.ok(state.length > 0);
  assert.deepEqual(beam.hashTreeRoot(beam.SSZ_STATE, state), beam.hashTreeRoot(beam.SSZ_STATE, beam.genesisState(1000, 4)));
  assert.notDeepEqual(beam.hashTreeRoot(beam.SSZ_STATE, state), beam.hashTreeRoot(beam.SSZ_STATE, beam.genesisState(1001, 4)));
  assert.throws(() => beam.stfApply(state, Buffer.alloc(3)), (e) => e.code === 'BEAM_ERR_DECODE');
});
