// P2PHost: the libp2p node of beamcore-node (QUIC-v1 + libp2p-TLS, gossipsub v1.2,
// ssz_snappy req/resp), with a small event/command interface for the consensus core.
// Byte encodings (snappy, framing, topics, message ids) all come from the injected
// `wire` object of the libbeamcore addon; this module only moves bytes.
import './polyfills.js'
import { EventEmitter } from 'node:events'
import { createLibp2p } from 'libp2p'
import { quic } from '@chainsafe/libp2p-quic'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import { privateKeyFromHex } from './identity.js'
import { leanGossipsub, MESHSUB_PROTOCOL, TopicTable } from './gossip.js'
import { localIdentify } from './local-identify.js'
import { protocolTable, performRequest, serveRequest, DEFAULT_REQUEST_TIMEOUT_MS } from './reqresp.js'
import { PeerTracker, parseBootnode, normalizeQuicAddr } from './peers.js'

export const GOSSIP_ACCEPT = 'accept'
export const GOSSIP_REJECT = 'reject'
export const GOSSIP_IGNORE = 'ignore'
const GOSSIP_RESULTS = new Set([GOSSIP_ACCEPT, GOSSIP_REJECT, GOSSIP_IGNORE])

export const DEFAULT_DIGEST = '12345678'
// An unreported gossip message is dropped (not forwarded) after this long. Keep it
// under the message cache's span (mcacheLength 6 x heartbeat 0.7 s = 4.2 s): a
// message accepted after it has left the cache is not forwarded any more.
export const DEFAULT_VALIDATION_TIMEOUT_MS = 4_000

// QUIC liveness. Keep-alive PINGs make the peer answer (ACK), which keeps both ends'
// idle timers running; a peer that sends nothing for the idle timeout is dead and its
// connection closes ('peer:disconnect'). The effective idle timeout is the smaller of
// both ends' (leanSpec/aioquic: 60 s, no keep-alives of its own), so the keep-alive
// interval must stay well below ours and below 60 s. A restarted peer that dials us
// again is recognised at once (peers.js); these bound how long a dead peer that does
// not come back, or that we must redial ourselves, looks connected.
export const DEFAULT_QUIC_KEEP_ALIVE_MS = 2_000
export const DEFAULT_QUIC_IDLE_TIMEOUT_MS = 6_000

const WIRE_FUNCTIONS = ['snappyCompress', 'snappyDecompress', 'requestEncode', 'requestDecode',
  'responseChunkEncode', 'responseErrorEncode', 'responseChunkDecode', 'gossipTopic', 'gossipMessageId']
const WIRE_CONSTANTS = ['TOPIC_BLOCK', 'TOPIC_ATTESTATION', 'TOPIC_AGGREGATE', 'REQ_STATUS', 'REQ_BLOCKS_BY_ROOT',
  'REQ_BLOCKS_BY_RANGE', 'RESP_SUCCESS', 'RESP_INVALID_REQUEST', 'RESP_SERVER_ERROR', 'RESP_RESOURCE_UNAVAILABLE']

function checkWire (wire) {
  if (wire == null) throw new TypeError('P2PHost: `wire` (the addon\'s codec object) is required')
  for (const name of WIRE_FUNCTIONS) {
    if (typeof wire[name] !== 'function') throw new TypeError(`P2PHost: wire.${name} is not a function`)
  }
  for (const name of WIRE_CONSTANTS) {
    if (!Number.isInteger(wire[name])) throw new TypeError(`P2PHost: wire.${name} is not an integer`)
  }
}

function noLog () {}

// gossipsub's own "peer gone" path (what its topology's onDisconnect calls).
function forgetGossipPeer (pubsub, peer) {
  if (typeof pubsub.removePeer === 'function') pubsub.removePeer(peer)
  else if (typeof pubsub.onPeerDisconnected === 'function') pubsub.onPeerDisconnected(peer)
  else throw new Error('gossipsub has neither removePeer nor onPeerDisconnected')
}

/**
 * Events:
 *   'peer:connect'    (peerId, direction)  first connection to a peer; direction is
 *                                          'outbound' (we dialed: send Status now) or 'inbound'.
 *                                          Also after 'peer:disconnect' when a peer connects
 *                                          again while its old connection is still open
 *                                          (it restarted): the old one is closed.
 *   'peer:disconnect' (peerId)             last connection to the peer closed, or the peer
 *                                          reconnected (then 'peer:connect' follows at once)
 *   'gossip'          (message)            a new message on a subscribed topic:
 *       {kind, subnet, topic, ssz, from, msgId, report(result), accept(), reject(), ignore()}
 *       ssz is the snappy-decompressed payload, msgId the 20-byte id (Buffer). Nothing is
 *       relayed until report('accept'); call exactly one of them (later calls are no-ops).
 *       Unreported messages are ignored after validationTimeoutMs (report within ~4 s:
 *       gossipsub keeps a message for 4.2 s, later acceptance cannot forward it). Undecompressible
 *       payloads are rejected here and never emitted.
 */
export class P2PHost extends EventEmitter {
  /**
   * @param {object} o
   * @param {object} o.wire            the addon's codec object (beam.wire)
   * @param {string} o.nodeKeyHex      secp256k1 secret key, 64 hex chars
   * @param {string} o.listen          /ip4/a.b.c.d/udp/PORT/quic-v1
   * @param {string[]} [o.bootnodes]   multiaddrs with /p2p/<peer id>, dialed and redialed
   * @param {string} [o.digest]        topic fork digest, default '12345678'
   * @param {number[]} [o.subnets]     attestation subnets to subscribe, default [0]
   * @param {boolean} [o.subscribeAggregation]  subscribe the aggregation topic too
   * @param {(peerId, kind, ssz, responder) => void} [o.onRequest]  inbound requests
   * @param {(level, msg) => void} [o.log]      level: 'debug' | 'info' | 'warn' | 'error'
   * @param {number} [o.requestTimeoutMs]       outbound request limit (10 000)
   * @param {number} [o.responseTimeoutMs]      limit for our answer to an inbound request (10 000)
   * @param {number} [o.validationTimeoutMs]    limit for reporting a gossip message (4 000)
   * @param {number} [o.redialIntervalMs]       bootnode redial period (5 000)
   * @param {number} [o.dialTimeoutMs]          one dial attempt (5 000)
   * @param {number} [o.statusGraceMs]          dialer: longest wait for Status before gossip (1 500)
   * @param {number} [o.inboundGossipGraceMs]   listener: wait for the dialer's gossip stream (3 000)
   * @param {number} [o.duplicateWindowMs]      a new connection to a peer replaces the older ones, except
   *                                            one in the other direction younger than this (2 000)
   * @param {number} [o.quicKeepAliveMs]        QUIC keep-alive PING interval (2 000)
   * @param {number} [o.quicIdleTimeoutMs]      QUIC idle timeout: a silent peer is dead after it (6 000)
   */
  constructor (o) {
    super()
    checkWire(o?.wire)
    this.wire = o.wire
    this.privateKey = privateKeyFromHex(o.nodeKeyHex)
    this.peerId = peerIdFromPrivateKey(this.privateKey).toString()
    if (typeof o.listen !== 'string') throw new TypeError('P2PHost: `listen` multiaddr is required')
    this.listenAddr = normalizeQuicAddr(o.listen)
    this.bootnodes = (o.bootnodes ?? []).map(parseBootnode)
    const subnets = o.subnets ?? [0]
    if (!subnets.every((s) => Number.isInteger(s) && s >= 0)) throw new TypeError('P2PHost: subnets must be non-negative integers')
    this.topics = new TopicTable(this.wire, {
      digest: o.digest ?? DEFAULT_DIGEST,
      subnets,
      subscribeAggregation: o.subscribeAggregation === true
    })
    this.protocols = protocolTable(this.wire)
    this.kindByProtocol = new Map([...this.protocols].map(([kind, id]) => [id, kind]))
    this.onRequest = o.onRequest ?? null
    this.log = o.log ?? noLog
    this.requestTimeoutMs = o.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS
    this.responseTimeoutMs = o.responseTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS
    this.validationTimeoutMs = o.validationTimeoutMs ?? DEFAULT_VALIDATION_TIMEOUT_MS
    this.trackerOptions = {
      redialIntervalMs: o.redialIntervalMs,
      dialTimeoutMs: o.dialTimeoutMs,
      statusGraceMs: o.statusGraceMs,
      inboundGossipGraceMs: o.inboundGossipGraceMs,
      duplicateWindowMs: o.duplicateWindowMs
    }
    this.quicKeepAliveMs = o.quicKeepAliveMs ?? DEFAULT_QUIC_KEEP_ALIVE_MS
    this.quicIdleTimeoutMs = o.quicIdleTimeoutMs ?? DEFAULT_QUIC_IDLE_TIMEOUT_MS
    if (!(this.quicKeepAliveMs > 0 && this.quicKeepAliveMs < this.quicIdleTimeoutMs)) {
      throw new RangeError('P2PHost: quicKeepAliveMs must be positive and below quicIdleTimeoutMs')
    }
    this.libp2p = null
    this.tracker = null
    this.responders = new Map() // responder id -> responder (inbound requests being answered)
    this.validationTimers = new Set()
    this.lastResponderId = 0
    this.onGossipMessage = this.onGossipMessage.bind(this)
  }

  get started () {
    return this.libp2p?.status === 'started'
  }

  /** Creates and starts the libp2p node, subscribes, and dials the bootnodes. */
  async start () {
    if (this.libp2p != null) throw new Error('P2PHost: already started')
    const libp2p = await createLibp2p({
      privateKey: this.privateKey,
      addresses: { listen: [this.listenAddr] },
      transports: [quic({ keepAliveInterval: this.quicKeepAliveMs, maxIdleTimeout: this.quicIdleTimeoutMs })],
      // libp2p's connection monitor pings every peer each 10 s and aborts the
      // connection when a ping times out; leanSpec has no ping protocol (every ping
      // is an `na` and a warning in its log), and QUIC keep-alives already detect
      // dead peers (see DEFAULT_QUIC_IDLE_TIMEOUT_MS).
      connectionMonitor: { enabled: false },
      // libp2p refuses more than 5 inbound connections per second from one IP; on a
      // loopback devnet every peer is 127.0.0.1, and leanSpec never retries a refused
      // dial.
      connectionManager: { inboundConnectionThreshold: 100 },
      services: {
        identify: localIdentify({ protocols: [MESHSUB_PROTOCOL, ...this.protocols.values()] }),
        pubsub: leanGossipsub(this.wire)
      },
      start: false
    })
    this.libp2p = libp2p
    for (const [kind, protocol] of this.protocols) {
      await libp2p.handle(protocol, (stream, connection) => this.onInboundRequest(kind, stream, connection), {
        maxInboundStreams: 64,
        maxOutboundStreams: 64
      })
    }
    this.tracker = new PeerTracker({
      libp2p,
      bootnodes: this.bootnodes,
      startGossip: (connection) => libp2p.services.identify.announce(connection),
      hasOutboundGossip: (connection) => connection.streams.some((s) => s.protocol === MESHSUB_PROTOCOL && s.direction === 'outbound'),
      // gossipsub 17 keeps one outbound stream per peer and never replaces it while
      // the peer is known (createOutboundStream returns when one exists), so on a
      // reconnect it must forget the peer (closing its streams, dropping mesh and
      // topic state) to build them again on the new connection.
      forgetGossipPeer: (peer) => forgetGossipPeer(libp2p.services.pubsub, peer),
      emit: (event, ...args) => this.safeEmit(event, ...args),
      log: this.log,
      ...this.trackerOptions
    })
    this.tracker.attach()
    try {
      await libp2p.start()
    } catch (err) {
      this.tracker.stop()
      this.tracker = null
      this.libp2p = null
      await libp2p.stop().catch(() => {})
      throw err
    }
    const pubsub = libp2p.services.pubsub
    pubsub.addEventListener('gossipsub:message', this.onGossipMessage)
    for (const topic of this.topics.subscribed()) pubsub.subscribe(topic)
    this.tracker.startDialing()
    this.log('info', `p2p: ${this.peerId} listening on ${this.listenAddrs().join(', ')}; topics ${this.topics.subscribed().join(', ')}`)
  }

  /** Stops dialing, drops pending work and stops libp2p (closing every connection). */
  async stop () {
    if (this.libp2p == null) return
    this.tracker?.stop()
    for (const timer of this.validationTimers) clearTimeout(timer)
    this.validationTimers.clear()
    this.libp2p.services.pubsub.removeEventListener('gossipsub:message', this.onGossipMessage)
    for (const responder of [...this.responders.values()]) responder.end(this.wire.RESP_SERVER_ERROR, 'shutting down')
    const libp2p = this.libp2p
    await libp2p.stop()
    this.libp2p = null
    this.tracker = null
  }

  /** Our listen addresses with /p2p/<peer id>. */
  listenAddrs () {
    return this.libp2p?.getMultiaddrs().map(String) ?? []
  }

  /** Connected peer ids. */
  peers () {
    return this.tracker?.connectedPeers() ?? []
  }

  /** The topic string of a kind (wire.TOPIC_*) and subnet. */
  topic (kind, subnet = 0) {
    return this.topics.topic(kind, subnet)
  }

  /** Peers that told us they subscribe `kind`/`subnet`. */
  topicPeers (kind, subnet = 0) {
    return this.#pubsub().getSubscribers(this.topic(kind, subnet)).map(String)
  }

  /** Our mesh peers for `kind`/`subnet`. */
  meshPeers (kind, subnet = 0) {
    return this.#pubsub().getMeshPeers(this.topic(kind, subnet)).map(String)
  }

  /**
   * Publishes SSZ bytes on the topic of `kind` (wire.TOPIC_*); they are snappy
   * compressed here. Resolves to {topic, msgId, recipients}. With no peer on the
   * topic the message goes nowhere, without an error (as in leanSpec).
   */
  async publish (kind, ssz, { subnet = 0 } = {}) {
    const pubsub = this.#pubsub()
    const topic = this.topic(kind, subnet)
    const data = this.wire.snappyCompress(ssz)
    const msgId = this.wire.gossipMessageId(topic, data)
    const { recipients } = await pubsub.publish(topic, data)
    return { topic, msgId, recipients: recipients.map(String) }
  }

  /**
   * Sends a request (kind = wire.REQ_*, or a protocol id string) to a connected peer.
   * Calls onChunk(ssz) per SUCCESS chunk and then onEnd(result, info) exactly once;
   * result is a BEAM_RESP_* code (see reqresp.js performRequest for info.reason).
   * Never throws for network failures; resolves once onEnd has run.
   * Wiring for the core: send_request(peer, proto, ssz, id) ->
   *   host.sendRequest(peer, proto, ssz, {onChunk: s => node.onResponseChunk(id, s),
   *                                       onEnd: r => node.onResponseEnd(id, r)})
   */
  async sendRequest (peerId, kindOrProtocol, ssz, { onChunk, onEnd, timeoutMs } = {}) {
    const kind = typeof kindOrProtocol === 'string' ? this.kindByProtocol.get(kindOrProtocol) : kindOrProtocol
    const protocol = this.protocols.get(kind)
    if (protocol == null) throw new TypeError(`P2PHost.sendRequest: unknown protocol ${kindOrProtocol}`)
    let peer = null
    try {
      peer = peerIdFromString(peerId)
    } catch {}
    const handlers = {
      onChunk,
      onEnd: (result, info) => {
        if (kind === this.wire.REQ_STATUS) this.tracker?.statusFinished(peerId)
        if (info.reason !== 'complete' && info.reason !== 'remote-error') {
          this.log('debug', `p2p: request ${protocol} to ${peerId} failed (${info.reason}): ${info.message}`)
        }
        onEnd?.(result, info)
      }
    }
    const openStream = async (id, signal) => {
      if (peer == null) throw new Error(`invalid peer id ${peerId}`)
      if (!this.started) throw new Error('host is not started')
      return this.libp2p.dialProtocol(peer, id, { signal })
    }
    await performRequest({
      wire: this.wire,
      openStream,
      protocol,
      kind,
      ssz,
      timeoutMs: timeoutMs ?? this.requestTimeoutMs,
      handlers,
      log: this.log
    })
  }

  /** sendRequest collected: resolves to {result, chunks: Buffer[], reason, message}. */
  request (peerId, kindOrProtocol, ssz, { timeoutMs } = {}) {
    const chunks = []
    return new Promise((resolve, reject) => {
      this.sendRequest(peerId, kindOrProtocol, ssz, {
        timeoutMs,
        onChunk: (payload) => chunks.push(payload),
        onEnd: (result, info) => resolve({ result, chunks, reason: info.reason, message: info.message })
      }).catch(reject)
    })
  }

  /** One SUCCESS chunk for the inbound request `id` (responder.id); false if it is finished. */
  respondChunk (id, ssz) {
    return this.responders.get(Number(id))?.chunk(ssz) ?? false
  }

  /** Ends the answer to inbound request `id` with a BEAM_RESP_* result. */
  respondEnd (id, result, message) {
    return this.responders.get(Number(id))?.end(result, message) ?? false
  }

  #pubsub () {
    if (!this.started) throw new Error('P2PHost: not started')
    return this.libp2p.services.pubsub
  }

  safeEmit (event, ...args) {
    try {
      this.emit(event, ...args)
    } catch (err) {
      this.log('error', `p2p: '${event}' listener threw: ${err.stack ?? err.message}`)
    }
  }

  onInboundRequest (kind, stream, connection) {
    const peerId = connection.remotePeer.toString()
    const onRequest = this.onRequest ?? ((_peer, _kind, _ssz, responder) => {
      responder.end(this.wire.RESP_SERVER_ERROR, 'requests are not served')
    })
    return serveRequest({
      wire: this.wire,
      stream,
      peerId,
      kind,
      timeoutMs: this.responseTimeoutMs,
      onRequest,
      responders: this.responders,
      nextId: () => ++this.lastResponderId,
      log: this.log
    }).catch((err) => this.log('warn', `p2p: serving ${stream.protocol} to ${peerId} failed: ${err.message}`))
  }

  onGossipMessage (evt) {
    const { propagationSource, msgId, msg } = evt.detail
    const pubsub = this.libp2p.services.pubsub
    const from = propagationSource.toString()
    let reported = false
    let timer = null
    const report = (result) => {
      if (reported) return false
      if (!GOSSIP_RESULTS.has(result)) throw new TypeError(`gossip report: expected accept/reject/ignore, got ${result}`)
      reported = true
      if (timer != null) {
        clearTimeout(timer)
        this.validationTimers.delete(timer)
      }
      if (this.started) pubsub.reportMessageValidationResult(msgId, from, result)
      return true
    }

    const entry = this.topics.lookup(msg.topic)
    if (entry == null) {
      report(GOSSIP_IGNORE)
      return
    }
    let ssz
    try {
      ssz = this.wire.snappyDecompress(msg.data)
    } catch (err) {
      this.log('debug', `p2p: rejecting gossip on ${msg.topic} from ${from}: ${err.message}`)
      report(GOSSIP_REJECT)
      return
    }
    if (this.listenerCount('gossip') === 0) {
      report(GOSSIP_IGNORE)
      return
    }
    timer = setTimeout(() => {
      this.validationTimers.delete(timer)
      timer = null
      if (!reported) {
        this.log('debug', `p2p: gossip ${msgId} not reported within ${this.validationTimeoutMs} ms; ignoring it`)
        report(GOSSIP_IGNORE)
      }
    }, this.validationTimeoutMs)
    timer.unref?.()
    this.validationTimers.add(timer)
    const message = {
      kind: entry.kind,
      subnet: entry.subnet,
      topic: msg.topic,
      ssz,
      from,
      msgId: Buffer.from(msgId, 'hex'),
      report,
      accept: () => report(GOSSIP_ACCEPT),
      reject: () => report(GOSSIP_REJECT),
      ignore: () => report(GOSSIP_IGNORE)
    }
    try {
      this.emit('gossip', message)
    } catch (err) {
      this.log('error', `p2p: 'gossip' listener threw: ${err.stack ?? err.message}`)
      report(GOSSIP_IGNORE)
    }
  }
}
