// The wiring between the consensus core (beam.Node) and the network (P2PHost):
// gossip in with the core's verdict (accept / reject / ignore, so gossipsub relays
// only what the core accepted), the core's requests out and their chunks back, peers'
// requests in and the core's answers out, peer events, and publishing.
export function connectNodeToNetwork({ beam, node, p2p, log }) {
  const { wire, Status } = beam;

  p2p.on('gossip', (message) => {
    const outcome = node.onGossip(message.kind, message.ssz, message.from);
    if (outcome.ok) {
      message.accept();
    } else if (outcome.status === Status.DECODE || outcome.status === Status.REJECTED) {
      log('debug', `gossip from ${message.from} rejected: ${outcome.message}`);
      message.reject();
    } else {
      // Not now (a block from the future, a vote for an unknown block): no penalty.
      log('debug', `gossip from ${message.from} ignored: ${outcome.message}`);
      message.ignore();
    }
  });

  p2p.on('peer:connect', (peerId) => {
    const outcome = node.peerConnected(peerId);
    if (!outcome.ok) log('warn', `peer ${peerId}: ${outcome.message}`);
  });
  p2p.on('peer:disconnect', (peerId) => {
    node.peerDisconnected(peerId);  // NOT_FOUND when the core never saw it: fine
  });

  // The core asks a peer: send it, feed back the chunks and the end.
  node.on('request', (peerId, protocol, ssz, requestId) => {
    p2p.sendRequest(peerId, protocol, ssz, {
      onChunk: (payload) => {
        const r = node.onResponseChunk(requestId, payload);
        if (!r.ok) log('debug', `response chunk for request ${requestId} refused: ${r.message}`);
      },
      onEnd: (result, info) => {
        if (info && info.reason !== 'complete') log('debug', `request ${requestId} to ${peerId}: ${info.reason} ${info.message ?? ''}`);
        node.onResponseEnd(requestId, result);
      },
    }).catch((e) => {
      log('debug', `request ${requestId} to ${peerId} failed: ${e.message}`);
      node.onResponseEnd(requestId, wire.RESP_SERVER_ERROR);
    });
  });

  // A peer asks us: the core answers through responseChunk/responseEnd events.
  p2p.onRequest = (peerId, kind, ssz, responder) => {
    const outcome = node.onRequest(peerId, kind, ssz, BigInt(responder.id));
    if (!outcome.ok) responder.end(wire.RESP_INVALID_REQUEST, outcome.message.slice(0, 200));
  };
  node.on('responseChunk', (id, ssz) => p2p.respondChunk(id, ssz));
  node.on('responseEnd', (id, result) => p2p.respondEnd(id, result));

  node.on('reportPeer', (peerId, action, reason) => log('info', `peer ${peerId} misbehaved (${action}): ${reason}`));

  const publish = (kind, ssz, subnet = 0) => {
    p2p.publish(kind, ssz, { subnet }).catch((e) => log('debug', `publish (kind ${kind}) failed: ${e.message}`));
  };
  node.on('publish', (kind, ssz) => publish(kind, ssz, 0));
  return { publish };
}
