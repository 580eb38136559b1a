// The p2p layer of beamcore-node: see host.js for the API.
export { P2PHost, GOSSIP_ACCEPT, GOSSIP_REJECT, GOSSIP_IGNORE, DEFAULT_DIGEST } from './host.js'
export { privateKeyFromHex, peerIdFromHex } from './identity.js'
export { LEAN_GOSSIP_PARAMS, MESHSUB_PROTOCOL } from './gossip.js'
export { protocolTable } from './reqresp.js'
