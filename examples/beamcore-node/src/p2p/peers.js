// Peer tracking: bootnode dialing and redialing, connect/disconnect events, and when
// to start gossip on a connection.
//
// leanSpec dials its bootnodes once and never again, so we keep redialing ours while
// they are disconnected. Gossip start follows leanSpec's choreography
// (client/event_source/live.py): the dialer sends Status and then opens its
// /meshsub/1.2.0 stream; the listener opens its own gossip stream only when the
// dialer's arrives (js-libp2p-gossipsub does that by itself in onIncomingStream).
//
// Reconnects. A peer that crashes and restarts (same identity) dials us again while
// we still hold its old QUIC connection, which only dies at the QUIC idle timeout.
// libp2p then sees a second connection to a connected peer: no 'peer:connect', and
// gossipsub keeps its streams (and mesh state) on the dead connection; it never opens
// a stream on the new one (and when the old connection finally dies, the error on its
// stream makes gossipsub drop the peer altogether). So when a connection arrives while
// older ones exist, the older ones are closed, gossipsub forgets the peer (it rebuilds state and streams on the new connection, in the usual
// choreography) and we emit 'peer:disconnect' then 'peer:connect' so the consumer
// treats it as the fresh peer it is (the core sends Status again). An older
// connection in the other direction opened less than `duplicateWindowMs` before is
// the other half of a simultaneous dial (both ends alive): both are kept, as libp2p
// does, since the two ends could not agree on which one is "newest".
import { multiaddr } from '@multiformats/multiaddr'
import { multiaddrFromEnr } from './enr.js'

export const DEFAULT_REDIAL_INTERVAL_MS = 5_000
export const DEFAULT_DIAL_TIMEOUT_MS = 5_000
// How long a dialer waits for its Status exchange before opening gossip anyway.
export const DEFAULT_STATUS_GRACE_MS = 1_500
// How long a listener waits for the dialer's gossip stream before opening its own
// (a dialer that never opens one would otherwise get no gossip from us).
export const DEFAULT_INBOUND_GOSSIP_GRACE_MS = 3_000
// A connection in the other direction younger than this when another one to the same
// peer arrives is taken for the other half of a simultaneous dial (kept), not for a
// dead one (replaced): a peer does not crash, restart and reconnect that fast.
export const DEFAULT_DUPLICATE_WINDOW_MS = 2_000

/**
 * leanSpec accepts `/quic` as an alias of `/quic-v1` (both mean QUIC v1, RFC 9000);
 * js-libp2p dials and listens only on `/quic-v1`.
 */
export function normalizeQuicAddr (text) {
  return text.trim().replace(/\/quic(?=\/|$)/, '/quic-v1')
}

/**
 * Parses a bootnode: a multiaddr that names the peer (/p2p/<peer id>), or an `enr:`
 * record (signature checked; its ip + quic port and key give the multiaddr).
 */
export function parseBootnode (input) {
  const text = input.trim().startsWith('enr:') ? multiaddrFromEnr(input) : normalizeQuicAddr(input)
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
   * @param {(peer) => void} [opts.forgetGossipPeer]  drops gossipsub's state and streams of a peer (PeerId)
   * @param {(event, ...args) => void} opts.emit
   */
  constructor ({ libp2p, bootnodes, startGossip, hasOutboundGossip, forgetGossipPeer, emit, log, redialIntervalMs, dialTimeoutMs, statusGraceMs, inboundGossipGraceMs, duplicateWindowMs }) {
    this.libp2p = libp2p
    this.bootnodes = bootnodes.filter((b) => b.peerId !== libp2p.peerId.toString())
    this.startGossip = startGossip
    this.hasOutboundGossip = hasOutboundGossip
    this.forgetGossipPeer = forgetGossipPeer ?? (() => {})
    this.emit = emit
    this.log = log
    this.redialIntervalMs = redialIntervalMs ?? DEFAULT_REDIAL_INTERVAL_MS
    this.dialTimeoutMs = dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS
    this.statusGraceMs = statusGraceMs ?? DEFAULT_STATUS_GRACE_MS
    this.inboundGossipGraceMs = inboundGossipGraceMs ?? DEFAULT_INBOUND_GOSSIP_GRACE_MS
    this.duplicateWindowMs = duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS
    this.dialing = new Set() // bootnode peer ids with a dial in flight
    this.dialFailures = new Map() // bootnode peer id -> consecutive failures (for quieter logs)
    this.gossipTimers = new Map() // connection id -> timer
    this.awaitingStatus = new Map() // peer id -> connection whose gossip waits for Status
    this.openedAt = new Map() // connection id -> Date.now() when it opened
    this.connected = new Set() // peer ids we emitted 'peer:connect' for (and no 'peer:disconnect' since)
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
    this.openedAt.clear()
    this.connected.clear()
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
    this.#emitConnect(peerId, direction)
  }

  onPeerDisconnect (evt) {
    const peerId = evt.detail.toString()
    this.awaitingStatus.delete(peerId)
    this.#emitDisconnect(peerId)
    // A bootnode that went away is redialed at once (it may be back already: a
    // restarted peer is noticed only when its old connection times out), then by the
    // redial timer.
    if (this.bootnodes.some((b) => b.peerId === peerId)) setImmediate(() => this.dialBootnodes())
  }

  onConnectionOpen (evt) {
    const connection = evt.detail
    this.openedAt.set(connection.id, Date.now())
    // libp2p has already listed the new connection (and emitted 'peer:connect' if it
    // is the peer's first): its internal listeners run before ours.
    const replaced = this.#replaceOlderConnections(connection)
    if (connection.direction === 'outbound') {
      // Give the consumer's Status request (sent on 'peer:connect') time to finish.
      this.awaitingStatus.set(connection.remotePeer.toString(), connection)
      this.#schedule(connection, this.statusGraceMs)
    } else {
      this.#schedule(connection, this.inboundGossipGraceMs)
    }
    if (replaced) {
      // The same peer, started afresh: the consumer forgets it and meets it again.
      const peerId = connection.remotePeer.toString()
      this.#emitDisconnect(peerId)
      this.#emitConnect(peerId, connection.direction)
    }
  }

  onConnectionClose (evt) {
    const connection = evt.detail
    clearTimeout(this.gossipTimers.get(connection.id))
    this.gossipTimers.delete(connection.id)
    this.openedAt.delete(connection.id)
    const peerId = connection.remotePeer.toString()
    if (this.awaitingStatus.get(peerId) === connection) this.awaitingStatus.delete(peerId)
  }

  /**
   * `connection` just opened: closes the peer's older connections (dead ones from
   * before the peer restarted, or stale duplicates; not the other half of a
   * simultaneous dial) and makes gossipsub forget the peer, so that its streams and
   * state are built again on `connection`. Returns whether anything was replaced.
   */
  #replaceOlderConnections (connection) {
    if (this.stopped) return false
    const peer = connection.remotePeer
    const now = Date.now()
    const older = this.libp2p.getConnections(peer).filter((c) => c.id !== connection.id)
    // We never dial a connected peer, so a second connection in the same direction
    // means the first is dead to the other end. Opposite directions within
    // duplicateWindowMs are both ends dialing at once: keep both.
    const stale = older.filter((c) => c.direction === connection.direction ||
      now - (this.openedAt.get(c.id) ?? c.timeline?.open ?? 0) >= this.duplicateWindowMs)
    if (stale.length < older.length) {
      this.log('debug', `p2p: ${older.length - stale.length} other recent connection(s) to ${peer} (simultaneous dial): kept`)
    }
    if (stale.length === 0) return false
    this.log('info', `p2p: peer ${peer} connected again (${connection.direction}); closing ${stale.length} older connection(s)`)
    // First gossipsub: it drops the peer with its streams and mesh/topic state while
    // no stream of the new connection can have reached it yet (this runs in the
    // connection's 'open' event). It meets the peer again through the new connection:
    // the peer's gossip stream (listener) or our announce (dialer / grace timer).
    try {
      this.forgetGossipPeer(peer)
    } catch (err) {
      this.log('warn', `p2p: resetting gossip state of ${peer} failed: ${err.message}`)
    }
    // Then the old connections: aborting is synchronous ('connection:close' runs now),
    // so libp2p never counts the peer as gone (the new connection is listed) and no
    // 'peer:disconnect' comes later from the old connection's death.
    for (const old of stale) {
      old.abort(new Error('replaced by a newer connection from the same peer'))
    }
    return true
  }

  #emitConnect (peerId, direction) {
    this.connected.add(peerId)
    this.log('debug', `p2p: peer ${peerId} connected (${direction})`)
    this.emit('peer:connect', peerId, direction)
  }

  #emitDisconnect (peerId) {
    if (!this.connected.delete(peerId)) return
    this.log('debug', `p2p: peer ${peerId} disconnected`)
    this.emit('peer:disconnect', peerId)
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
