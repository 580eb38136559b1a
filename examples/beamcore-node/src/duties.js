// A node's validator duties, per interval: at interval 0 of a slot its proposer (if
// ours) builds and publishes the block; at interval 1 each of our validators signs the
// node's attestation data and publishes its vote (the node counts its own votes too).
// Aggregation (interval 2, aggregators) happens inside the node, which publishes the
// aggregates itself.
import { INTERVALS_PER_SLOT } from './interval_clock.js';

export class ValidatorDuties {
  constructor({ beam, node, keys, validatorCount, publish, log }) {
    this.beam = beam;
    this.node = node;
    this.keys = keys;  // [{index, key: XmssKey}]
    this.byIndex = new Map(keys.map((k) => [k.index, k.key]));
    this.validatorCount = validatorCount;
    this.publish = publish;  // (kind, ssz, subnet) => void
    this.log = log;
    this.stats = { proposed: 0, attested: 0, failed: 0 };
  }

  onInterval(interval) {
    const slot = Math.floor(interval / INTERVALS_PER_SLOT);
    const phase = interval % INTERVALS_PER_SLOT;
    if (slot === 0) return;  // genesis has no duties
    if (phase === 0) this.propose(slot);
    if (phase === 1) this.attest(slot);
  }

  propose(slot) {
    const proposer = slot % this.validatorCount;
    if (!this.byIndex.has(proposer)) return;
    try {
      const block = this.node.produceBlock(slot, proposer);
      this.publish(this.beam.wire.TOPIC_BLOCK, block, 0);
      this.stats.proposed++;
      this.log('info', `proposed block for slot ${slot} as validator ${proposer}`);
    } catch (e) {
      this.stats.failed++;
      this.log('warn', `slot ${slot}: proposing as validator ${proposer} failed: ${e.message}`);
    }
  }

  attest(slot) {
    if (this.keys.length === 0) return;
    let data;
    try {
      data = this.node.produceAttestationData(slot);
    } catch (e) {
      this.stats.failed += this.keys.length;
      this.log('warn', `slot ${slot}: no attestation data: ${e.message}`);
      return;
    }
    for (const { index, key } of this.keys) {
      try {
        const vote = key.signAttestation(index, data);
        const own = this.node.onGossip(this.beam.wire.TOPIC_ATTESTATION, vote, null);
        if (!own.ok && own.rejection) {
          // A vote our own node rejects as invalid, peers would too (and score us down).
          this.stats.failed++;
          this.log('warn', `slot ${slot}: own vote of validator ${index} rejected, not published: ${own.message}`);
          continue;
        }
        if (!own.ok) this.log('warn', `slot ${slot}: own vote of validator ${index} not counted here: ${own.message}`);
        // ATTESTATION_COMMITTEE_COUNT is 1: every validator's subnet is 0.
        this.publish(this.beam.wire.TOPIC_ATTESTATION, vote, 0);
        this.stats.attested++;
      } catch (e) {
        this.stats.failed++;
        this.log('warn', `slot ${slot}: validator ${index} could not vote: ${e.message}`);
      }
    }
  }
}
