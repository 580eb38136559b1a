'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { beam } = require('./helpers.js');

const { wire } = beam;

test('snappy block and frame round trips', () => {
  const data = Buffer.from('lean consensus '.repeat(100));
  const block = wire.snappyCompress(data);
  assert.ok(block.length < data.length);
  assert.deepEqual(wire.snappyDecompress(block), data);
  const frame = wire.snappyFrameEncode(Buffer.from([1, 2, 3, 4]));
  assert.equal(frame.toString('hex'), 'ff060000734e6150705901080000393d6bbc01020304');
  assert.deepEqual(wire.snappyFrameDecode(frame), Buffer.from([1, 2, 3, 4]));
  assert.throws(() => wire.snappyDecompress(Buffer.from([0xff, 0xff, 0xff])), (e) => e.code === 'BEAM_ERR_DECODE');
});

test('varints', () => {
  assert.deepEqual(wire.varintEncode(300), Buffer.from([0xac, 0x02]));
  assert.deepEqual(wire.varintDecode(Buffer.from([0xac, 0x02, 0x99])), { value: 300n, consumed: 2 });
  assert.deepEqual(wire.varintEncode(2n ** 64n - 1n).length, 10);
  assert.throws(() => wire.varintDecode(Buffer.from([0x80])), (e) => e.code === 'BEAM_ERR_DECODE');
});

test('requests and response chunks', () => {
  const ssz = Buffer.from([1, 2, 3, 4]);
  const request = wire.requestEncode(ssz);
  assert.equal(request.toString('hex'), '04ff060000734e6150705901080000393d6bbc01020304');
  assert.deepEqual(wire.requestDecode(request), ssz);
  const chunks = Buffer.concat([wire.responseChunkEncode(wire.RESP_SUCCESS, ssz),
                                wire.responseErrorEncode(wire.RESP_SERVER_ERROR, 'no blocks here')]);
  const first = wire.responseChunkDecode(chunks);
  assert.equal(first.code, wire.RESP_SUCCESS);
  assert.deepEqual(first.payload, ssz);
  const second = wire.responseChunkDecode(chunks.subarray(first.consumed));
  assert.equal(second.code, wire.RESP_SERVER_ERROR);
  assert.equal(second.payload.toString(), 'no blocks here');
  assert.equal(first.consumed + second.consumed, chunks.length);
  // A partial chunk asks for more bytes.
  assert.equal(wire.responseChunkDecode(chunks.subarray(0, first.consumed - 1)), null);
});

test('gossip topics and message ids', () => {
  const topic = wire.gossipTopic('12345678', wire.TOPIC_ATTESTATION, 0);
  assert.equal(topic, '/leanconsensus/12345678/attestation_0/ssz_snappy');
  assert.equal(wire.gossipTopic('12345678', wire.TOPIC_BLOCK, 0), '/leanconsensus/12345678/block/ssz_snappy');
  assert.equal(wire.gossipTopic('12345678', wire.TOPIC_AGGREGATE, 0), '/leanconsensus/12345678/aggregation/ssz_snappy');
  const payload = wire.snappyCompress(Buffer.from('a block'));
  const id = wire.gossipMessageId(topic, payload);
  assert.equal(id.length, 20);
  assert.deepEqual(wire.gossipMessageId(topic, payload), id);
  assert.notDeepEqual(wire.gossipMessageId('/leanconsensus/12345678/block/ssz_snappy', payload), id);
  assert.throws(() => wire.gossipTopic('bad/name', wire.TOPIC_BLOCK, 0), (e) => e.code === 'BEAM_ERR_INVALID_ARGUMENT');
});
