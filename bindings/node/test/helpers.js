'use strict';
// Shared test helpers: a keyed genesis (real TEST XMSS keys) and a slot driver that
// plays every validator's duties the way the in-process devnet does.

const beam = require('../lib/index.js');

// `count` validators with deterministic TEST keys (attestation keys kept for signing).
function keyedGenesis(count, genesisTime = 0) {
  const attestation = [];
  const attestationPks = [];
  const proposalPks = [];
  for (let v = 0; v < count; v++) {
    const seed = Buffer.alloc(32, 0);
    seed.write('node-binding-test');
    seed.writeUInt32LE(v, 24);
    const key = beam.XmssKey.generate(beam.XMSS_TEST, seed, 0, 64);
    attestation.push(key);
    attestationPks.push(key.publicKey);
    seed[31] = 1;
    const proposal = beam.XmssKey.generate(beam.XMSS_TEST, seed, 0, 64);
    proposalPks.push(proposal.publicKey);
    proposal.close();
  }
  const state = beam.genesisState(genesisTime, count, Buffer.concat(attestationPks), Buffer.concat(proposalPks));
  return { state, keys: attestation };
}

// Waits until every event the nodes queued so far has been delivered.
function settle() {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

module.exports = { beam, keyedGenesis, settle };
