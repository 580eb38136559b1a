// Gossipsub configuration for the lean-consensus network (leanSpec
// node/networking/gossipsub/parameters.py) and the topic table of one node.
// Every byte-level rule (topic strings, message ids, snappy) comes from `wire`.
import { gossipsub } from '@libp2p/gossipsub'

export const MESHSUB_PROTOCOL = '/meshsub/1.2.0'

// Largest gossipsub frame leanSpec accepts (and the uncompressed payload limit).
const MAX_GOSSIP_FRAME = 10 * 1024 * 1024

/**
 * leanSpec's parameters in js-libp2p-gossipsub's names. What cannot be expressed is
 * listed in the package README (docs/p2p.md): the initial heartbeat delay (100 ms in
 * js) and the IWANT retransmission limit (a js constant, 3, equal to leanSpec's).
 */
export const LEAN_GOSSIP_PARAMS = Object.freeze({
  D: 8,
  Dlo: 6,
  Dhi: 12,
  Dlazy: 6,
  heartbeatInterval: 700,
  fanoutTTL: 60_000,
  mcacheLength: 6,
  mcacheGossip: 3,
  seenTTL: 24_000,
  pruneBackoff: 60_000,
  doPX: false,
  // leanSpec sends IDONTWANT for received messages of >= 1024 bytes (compressed).
  idontwantMinDataSize: 1024,
  // leanSpec publishes to mesh peers (or fanout), never floods.
  floodPublish: false
})

/**
 * The gossipsub service factory for createLibp2p({services}).
 *
 * - StrictNoSign: leanSpec publishes anonymous messages (no from/seqno/signature/key).
 * - msgIdFn: the spec's message id, computed by the library (wire.gossipMessageId)
 *   over the data as received (snappy compressed).
 * - asyncValidation: nothing is forwarded before the consumer accepts it.
 * - Only /meshsub/1.2.0 (leanSpec answers `na` to anything else), no floodsub.
 * - Scoring is neutralised: leanSpec scores nobody, and on loopback test networks the
 *   IP-colocation penalty would otherwise prune peers that share 127.0.0.1.
 */
export function leanGossipsub (wire) {
  const factory = gossipsub({
    ...LEAN_GOSSIP_PARAMS,
    globalSignaturePolicy: 'StrictNoSign',
    msgIdFn: (msg) => wire.gossipMessageId(msg.topic, msg.data),
    msgIdToStrFn: (id) => Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('hex'),
    asyncValidation: true,
    fallbackToFloodsub: false,
    emitSelf: false,
    allowPublishToZeroTopicPeers: true,
    ignoreDuplicatePublishError: true,
    maxInboundDataLength: MAX_GOSSIP_FRAME,
    scoreParams: { IPColocationFactorWeight: 0, behaviourPenaltyWeight: 0 }
  })
  return (components) => {
    const service = factory(components)
    // js-libp2p-gossipsub ignores its documented `protocols` option and registers the
    // whole version ladder; narrow it before start() registers handlers and topologies.
    service.protocols = [MESHSUB_PROTOCOL]
    return service
  }
}

/**
 * The topics this node subscribes to, and the reverse map from a topic string to its
 * kind and subnet. Topic strings are built by wire.gossipTopic.
 */
export class TopicTable {
  constructor (wire, { digest, subnets, subscribeAggregation }) {
    this.wire = wire
    this.digest = digest
    this.byTopic = new Map()
    this.#add(wire.TOPIC_BLOCK, 0)
    for (const subnet of subnets) this.#add(wire.TOPIC_ATTESTATION, subnet)
    if (subscribeAggregation) this.#add(wire.TOPIC_AGGREGATE, 0)
  }

  #add (kind, subnet) {
    this.byTopic.set(this.topic(kind, subnet), { kind, subnet })
  }

  /** The topic string of `kind` (subnet matters only for attestations). */
  topic (kind, subnet = 0) {
    return this.wire.gossipTopic(this.digest, kind, subnet)
  }

  /** {kind, subnet} of a subscribed topic, or undefined. */
  lookup (topic) {
    return this.byTopic.get(topic)
  }

  /** Every topic string to subscribe to. */
  subscribed () {
    return [...this.byTopic.keys()]
  }
}
