// Peer tracking: bootnode dialing and redialing, connect/disconnect events, and when
// to start gossip on a connection.
//
// leanSpec dials its bootnodes once and never again, so we keep redialing ours while
// they are disconnected. Gossip start follows leanSpec's choreography
// (client/event_source/live.py): the dialer sends Status and then opens its
// /meshsub/1.2.0 stream; the listener opens its own gossip stream only when the
// dialer's arrives (js-libp2p-gossipsub does that by itself in onIncomingStream).
import { multiaddr } from '@multiformats/multiaddr'

export const DEFAULT_REDIAL_INTERVAL_MS = 5_000
export const DEFAULT_DIAL_TIMEOUT_MS = 5_000
// How long a dialer waits for its Status exchange before opening gossip anyway.
export const DEFAULT_STATUS_GRACE_MS = 1_500
// How long a listener waits for the dialer's gossip stream before opening its own
// (a dialer that never opens one would otherwise get no gossip from us).
export const DEFAULT_INBOUND_GOSSIP_GRACE_MS = 3_000

/**
 * leanSpec accepts `/quic` as an alias of `/quic-v1` (both mean QUIC v1, RFC 9000);
 * js-libp2p dials and listens only on `/quic-v1`.
 */
export function normalizeQuicAddr (text) {
  return text.trim().replace(/\/quic(?=\/|$)/, '/quic-v1')
}

/** Parses a bootnode multiaddr; it must name the peer (/p2p/<peer id>). */
export function parseBootnode (input) {
  const text = normalizeQuicAddr(input)
  const ma = multiaddr(text)
  const peerId = ma.getComponents().findLast((c) => c.name === 'p2p')?.value
  if (peerId == null) throw new Error(`bootnode ${text}: missing /p2p/<peer id>`)
  return { text, ma, peerId }
}

export class PeerTracker {
  /**
   * @param {object} opts
   * @param {import('libp2p').Libp2p} opts.libp2p
   * @param {Array<{text, ma, peerId}>} opts.bootnodes
   * @param {(connection) => Promise<void>} opts.startGossip  announces the peer's protocols
   * @param {(connection) => boolean} opts.hasOutboundGossip  whether we already have a gossip stream
   * @param {(event, ...args) => void} opts.emit
   */
  constructor ({ libp2p, bootnodes, startGossip, hasOutboundGossip, emit, log, redialIntervalMs, dialTimeoutMs, statusGraceMs, inboundGossipGraceMs }) {
    this.libp2p = libp2p
    this.bootnodes = bootnodes.filter((b) => b.peerId !== libp2p.peerId.toString())
    this.startGossip = startGossip
    this.hasOutboundGossip = hasOutboundGossip
    this.emit = emit
    this.log = log
    this.redialIntervalMs = redialIntervalMs ?? DEFAULT_REDIAL_INTERVAL_MS
    this.dialTimeoutMs = dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS
    this.statusGraceMs = statusGraceMs ?? DEFAULT_STATUS_GRACE_MS
    this.inboundGossipGraceMs = inboundGossipGraceMs ?? DEFAULT_INBOUND_GOSSIP_GRACE_MS
    this.dialing = new Set() // bootnode peer ids with a dial in flight
    this.dialFailures = new Map() // bootnode peer id -> consecutive failures (for quieter logs)
    this.gossipTimers = new Map() // connection id -> timer
    this.awaitingStatus = new Map() // peer id -> connection whose gossip waits for Status
    this.redialTimer = null
    this.stopped = true
    this.onConnectionOpen = this.onConnectionOpen.bind(this)
    this.onConnectionClose = this.onConnectionClose.bind(this)
    this.onPeerConnect = this.onPeerConnect.bind(this)
    this.onPeerDisconnect = this.onPeerDisconnect.bind(this)
  }

  /** Listens for connection events; call before libp2p starts listening. */
  attach () {
    this.stopped = false
    this.libp2p.addEventListener('connection:open', this.onConnectionOpen)
    this.libp2p.addEventListener('connection:close', this.onConnectionClose)
    this.libp2p.addEventListener('peer:connect', this.onPeerConnect)
    this.libp2p.addEventListener('peer:disconnect', this.onPeerDisconnect)
  }

  /** Dials the bootnodes now and then every redialIntervalMs while disconnected. */
  startDialing () {
    this.dialBootnodes()
    this.redialTimer = setInterval(() => this.dialBootnodes(), this.redialIntervalMs)
    this.redialTimer.unref?.()
  }

  stop () {
    this.stopped = true
    clearInterval(this.redialTimer)
    for (const timer of this.gossipTimers.values()) clearTimeout(timer)
    this.gossipTimers.clear()
    this.awaitingStatus.clear()
    this.libp2p.removeEventListener('connection:open', this.onConnectionOpen)
    this.libp2p.removeEventListener('connection:close', this.onConnectionClose)
    this.libp2p.removeEventListener('peer:connect', this.onPeerConnect)
    this.libp2p.removeEventListener('peer:disconnect', this.onPeerDisconnect)
  }

  /** Connected peer ids (base58). */
  connectedPeers () {
    return this.libp2p.getPeers().map((p) => p.toString())
  }

  isConnected (peerId) {
    return this.libp2p.getConnections().some((c) => c.remotePeer.toString() === peerId && c.status === 'open')
  }

  /** Dials every bootnode that is not connected and not being dialed. */
  dialBootnodes () {
    if (this.stopped) return
    for (const boot of this.bootnodes) {
      if (this.dialing.has(boot.peerId) || this.isConnected(boot.peerId)) continue
      this.dialing.add(boot.peerId)
      this.libp2p.dial(boot.ma, { signal: AbortSignal.timeout(this.dialTimeoutMs) })
        .then(() => {
          this.dialFailures.delete(boot.peerId)
          this.log('info', `p2p: connected to bootnode ${boot.text}`)
        })
        .catch((err) => {
          const n = (this.dialFailures.get(boot.peerId) ?? 0) + 1
          this.dialFailures.set(boot.peerId, n)
          // First failure, then every 12th (about once a minute at the default interval).
          if (n === 1 || n % 12 === 0) this.log('info', `p2p: dial ${boot.text} failed (${n}x): ${err.message}`)
        })
        .finally(() => this.dialing.delete(boot.peerId))
    }
  }

  /** The Status request to `peerId` ended: a dialer may now open gossip. */
  statusFinished (peerId) {
    const connection = this.awaitingStatus.get(peerId)
    if (connection != null) this.#kickGossip(connection)
  }

  onPeerConnect (evt) {
    const peerId = evt.detail.toString()
    const direction = this.libp2p.getConnections(evt.detail)[0]?.direction ?? 'inbound'
    this.log('debug', `p2p: peer ${peerId} connected (${direction})`)
    this.emit('peer:connect', peerId, direction)
  }

  onPeerDisconnect (evt) {
    const peerId = evt.detail.toString()
    this.awaitingStatus.delete(peerId)
    this.log('debug', `p2p: peer ${peerId} disconnected`)
    this.emit('peer:disconnect', peerId)
    // A bootnode that went away is redialed by the next tick of the redial timer.
  }

  onConnectionOpen (evt) {
    const connection = evt.detail
    if (connection.direction === 'outbound') {
      // Give the consumer's Status request (sent on 'peer:connect') time to finish.
      this.awaitingStatus.set(connection.remotePeer.toString(), connection)
      this.#schedule(connection, this.statusGraceMs)
    } else {
      this.#schedule(connection, this.inboundGossipGraceMs)
    }
  }

  onConnectionClose (evt) {
    const connection = evt.detail
    clearTimeout(this.gossipTimers.get(connection.id))
    this.gossipTimers.delete(connection.id)
    const peerId = connection.remotePeer.toString()
    if (this.awaitingStatus.get(peerId) === connection) this.awaitingStatus.delete(peerId)
  }

  #schedule (connection, delayMs) {
    const timer = setTimeout(() => this.#kickGossip(connection), delayMs)
    timer.unref?.()
    this.gossipTimers.set(connection.id, timer)
  }

  #kickGossip (connection) {
    clearTimeout(this.gossipTimers.get(connection.id))
    this.gossipTimers.delete(connection.id)
    const peerId = connection.remotePeer.toString()
    if (this.awaitingStatus.get(peerId) === connection) this.awaitingStatus.delete(peerId)
    if (this.stopped || connection.status !== 'open') return
    if (connection.direction === 'inbound' && this.hasOutboundGossip(connection)) return
    this.startGossip(connection).catch((err) => this.log('warn', `p2p: starting gossip with ${peerId} failed: ${err.message}`))
  }
}
