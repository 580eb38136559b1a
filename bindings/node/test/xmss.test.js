'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { beam } = require('./helpers.js');

const SEED = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
const MESSAGE = Buffer.alloc(32, 0x5a);

test('keys sign, verify and round-trip through leanSpec key files', () => {
  const key = beam.XmssKey.generate(beam.XMSS_TEST, SEED, 0, 256);
  assert.equal(key.publicKey.length, beam.PUBLIC_KEY_SIZE);
  const signature = key.sign(3, MESSAGE);
  assert.equal(beam.xmssVerify(beam.XMSS_TEST, key.publicKey, 3, MESSAGE, signature), true);
  assert.equal(beam.xmssVerify(beam.XMSS_TEST, key.publicKey, 4, MESSAGE, signature), false);
  const file = key.toSsz();
  assert.equal(file.length, 3396);  // a full-lifetime TEST key, as leanSpec writes it
  const loaded = beam.XmssKey.fromSsz(beam.XMSS_TEST, file);
  assert.deepEqual(loaded.publicKey, key.publicKey);
  assert.deepEqual(loaded.sign(9, MESSAGE), key.sign(9, MESSAGE));
  assert.throws(() => beam.XmssKey.fromSsz(beam.XMSS_TEST, file.subarray(0, 100)), (e) => e.code === 'BEAM_ERR_DECODE');
  loaded.close();
  loaded.close();  // idempotent
  assert.throws(() => loaded.sign(10, MESSAGE), (e) => e.code === 'ERR_BEAM_CLOSED');
  key.close();
});

test('forged handles are refused', () => {
  assert.throws(() => beam.xmssSign({}, 1, MESSAGE), TypeError);
  const node = beam.genesisState(0, 1);  // a Buffer, not a handle
  assert.throws(() => beam.xmssKeyPublic(node), TypeError);
});
