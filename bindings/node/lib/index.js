'use strict';
// beamcore: the Node.js binding of libbeamcore (a lean consensus node core).
//
// Loads the N-API addon (beamcore.node) from $BEAMCORE_ADDON, else from the
// repository's release build (build/release/bindings/node/beamcore.node), else next to
// this package (build/beamcore.node). Everything the addon exports is re-exported;
// on top of it: BeamError, XmssKey and Node classes with close() and events.
//
// Threads: the library calls its host from its own threads; the addon queues those
// calls and Node's handlers run later on the event loop, in the order the library
// made them, so a handler may call back into the node. No library thread ever waits
// for JavaScript.

const fs = require('node:fs');
const path = require('node:path');
const { EventEmitter } = require('node:events');

function addonPath() {
  const candidates = [
    process.env.BEAMCORE_ADDON,
    path.join(__dirname, '..', '..', '..', 'build', 'release', 'bindings', 'node', 'beamcore.node'),
    path.join(__dirname, '..', 'build', 'beamcore.node'),
  ].filter(Boolean);
  for (const candidate of candidates) {
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`beamcore: the addon is not built (looked at ${candidates.join(', ')}); ` +
                  'build the release preset or set BEAMCORE_ADDON');
}

const addon = require(addonPath());

// Status codes (common.h).
const Status = Object.freeze({
  OK: 0,
  INVALID_ARGUMENT: -1,
  DECODE: -2,
  REJECTED: -3,
  NOT_FOUND: -4,
  UNAVAILABLE: -5,
  FAILED_PRECONDITION: -6,
  RESOURCE_EXHAUSTED: -7,
  INTERNAL: -8,
});

const PeerAction = Object.freeze({ FATAL: 1, LOW_TOLERANCE: 2, MID_TOLERANCE: 3, HIGH_TOLERANCE: 4 });
const LogLevel = Object.freeze({ ERROR: 1, WARN: 2, INFO: 3, DEBUG: 4 });

// A status-returning call's outcome: {ok, status, code, message, rejection}. Read right
// after the call (the message is the calling thread's last error).
function outcome(status) {
  if (status === Status.OK) return { ok: true, status, code: 'BEAM_OK', message: '', rejection: '' };
  return {
    ok: false,
    status,
    code: addon.statusString(status),
    message: addon.lastError(),
    rejection: addon.lastRejection(),
  };
}

class XmssKey {
  // Use XmssKey.generate() or XmssKey.fromSsz().
  constructor(handle, scheme) {
    this._handle = handle;
    this.scheme = scheme;
    this._publicKey = null;
  }

  // A key active for at least [activationSlot, activationSlot + numActiveSlots),
  // deterministic from the 32-byte seed.
  static generate(scheme, seed, activationSlot, numActiveSlots) {
    return new XmssKey(addon.xmssKeyGenerate(scheme, seed, activationSlot, numActiveSlots), scheme);
  }

  // A key file's bytes (leanSpec SecretKey SSZ, `*_sk.ssz`). Compare publicKey with the
  // expected key: the file's tree hashes are not re-checked.
  static fromSsz(scheme, bytes) {
    return new XmssKey(addon.xmssKeyFromSsz(scheme, bytes), scheme);
  }

  get publicKey() {
    if (this._publicKey === null) this._publicKey = addon.xmssKeyPublic(this._handle);
    return this._publicKey;
  }

  toSsz() { return addon.xmssKeyToSsz(this._handle); }
  sign(slot, message) { return addon.xmssSign(this._handle, slot, message); }
  // A validator's vote: the SignedAttestation SSZ for AttestationData SSZ `data`.
  signAttestation(validatorIndex, data) { return addon.attestationSign(this._handle, validatorIndex, data); }
  close() { addon.xmssKeyDestroy(this._handle); }
}

// Events (all on the event loop):
//   'publish' (kind, ssz)                          publish on the gossip topic of `kind`
//   'request' (peerId, protocol, ssz, requestId)   send a request; answer with
//                                                  onResponseChunk/onResponseEnd(requestId)
//   'responseChunk' (requestId, ssz)               a chunk of our answer to a peer's request
//   'responseEnd' (requestId, result)              the end of that answer (RESP_* code)
//   'reportPeer' (peerId, action, reason)          the peer misbehaved (PeerAction)
//   'requestBlock' (root)                          a missing parent no connected peer can give
//   'log' (level, message)                         with config.logLevel > 0
//   'error' (error)                                a handler above threw
class Node extends EventEmitter {
  // config: {
  //   anchorState: Buffer (required), anchorBlock?: Buffer,
  //   validatorIndices?: number[], isAggregator?: bool, chainWorker?: bool (true),
  //   xmssScheme?: XMSS_TEST | XMSS_PROD, requestTimeoutMs?, rangeSyncBatch?,
  //   dataDir?: string (SQLite storage; memory when absent),
  //   storageSync?: 'normal' (default) | 'full' (fsync per stored block; see beam_storage_sync),
  //   clock?: 'host' (call tick) | 'system' (the library ticks from the system clock),
  //   logLevel?: 0 (none) .. LogLevel.DEBUG }
  // Aggregate proofs are the spec's placeholders (mocked mode).
  constructor(config) {
    super();
    this._closed = false;
    this._handle = addon.nodeCreate(config, (kind, a, id, peer, text, bytes) => this._dispatch(kind, a, id, peer, text, bytes));
  }

  _dispatch(kind, a, id, peer, text, bytes) {
    try {
      switch (kind) {
        case addon.EVENT_PUBLISH: this.emit('publish', a, bytes); break;
        case addon.EVENT_SEND_REQUEST: this.emit('request', peer, a, bytes, id); break;
        case addon.EVENT_SEND_CHUNK: this.emit('responseChunk', id, bytes); break;
        case addon.EVENT_SEND_END: this.emit('responseEnd', id, a); break;
        case addon.EVENT_REPORT_PEER: this.emit('reportPeer', peer, a, text); break;
        case addon.EVENT_REQUEST_BLOCK: this.emit('requestBlock', bytes); break;
        case addon.EVENT_LOG: this.emit('log', a, text); break;
        default: break;
      }
    } catch (error) {
      // A handler's exception must not escape into the addon's queue.
      if (this.listenerCount('error') > 0) {
        this.emit('error', error);
      } else {
        process.emitWarning(`beamcore: a Node event handler threw: ${error && error.stack || error}`);
      }
    }
  }

  get closed() { return this._closed; }

  // Stops the node's threads and frees it; events already queued are still delivered.
  // Idempotent.
  close() {
    if (this._closed) return;
    this._closed = true;
    addon.nodeClose(this._handle);
  }

  // Network inputs: they return an outcome ({ok, status, code, message, rejection})
  // instead of throwing, since failures there are the network's normal life.
  tick(interval) { return outcome(addon.nodeTick(this._handle, interval)); }
  onGossip(kind, ssz, peerId = null) { return outcome(addon.nodeOnGossip(this._handle, kind, ssz, peerId)); }
  peerConnected(peerId) { return outcome(addon.nodePeerConnected(this._handle, peerId)); }
  peerDisconnected(peerId) { return outcome(addon.nodePeerDisconnected(this._handle, peerId)); }
  onRequest(peerId, protocol, ssz, requestId) {
    return outcome(addon.nodeOnRequest(this._handle, peerId, protocol, ssz, requestId));
  }
  onResponseChunk(requestId, ssz) { return outcome(addon.nodeOnResponseChunk(this._handle, requestId, ssz)); }
  onResponseEnd(requestId, result) { return outcome(addon.nodeOnResponseEnd(this._handle, requestId, result)); }

  // The rest throw a BeamError (err.code: the status name) on failure.
  waitIdle() { addon.nodeWaitIdle(this._handle); }
  produceBlock(slot, proposer) { return addon.nodeProduceBlock(this._handle, slot, proposer); }
  produceAttestationData(slot) { return addon.nodeProduceAttestationData(this._handle, slot); }
  head() { return addon.nodeHead(this._handle); }
  justified() { return addon.nodeJustified(this._handle); }
  finalized() { return addon.nodeFinalized(this._handle); }
  metricsText() { return addon.nodeMetricsText(this._handle); }
  health() { return addon.nodeHealth(this._handle); }
  finalizedState() { return addon.nodeFinalizedState(this._handle); }
  // The lean HTTP API: {status, contentType, body: Buffer, allow}.
  api(method, requestTarget, body = null) { return addon.nodeApi(this._handle, method, requestTarget, body); }
}

module.exports = {
  ...addon,
  addonPath: addonPath(),
  Status,
  PeerAction,
  LogLevel,
  XmssKey,
  Node,
  outcome,
};
