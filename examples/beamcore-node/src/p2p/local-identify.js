// Identify without the wire.
//
// js-libp2p-gossipsub declares a dependency on the '@libp2p/identify' capability and
// learns that a peer speaks gossipsub only from the 'peer:identify' event, which the
// registrar turns into topology onConnect calls. leanSpec answers identify streams
// with `na`, so the real identify service would never learn anything from it.
//
// On this network every peer speaks the same fixed set of protocols, so this service
// provides the capability and, when told to, announces that set for a connection as
// if identify had run: the protocols go into the peer store (so the registrar also
// sees them when the peer disconnects) and 'peer:identify' is dispatched on the
// components' event bus. No stream is opened and no handler is registered, so a
// peer that opens /ipfs/id/1.0.0 to us gets `na`, like from leanSpec.
import { serviceCapabilities } from '@libp2p/interface'

export class LocalIdentify {
  // (A field named by a computed key after another field needs the semicolon.)
  [serviceCapabilities] = ['@libp2p/identify'];
  [Symbol.toStringTag] = 'beamcore:local-identify'

  constructor (components, { protocols }) {
    this.events = components.events
    this.peerStore = components.peerStore
    this.protocols = [...protocols]
  }

  /** Announces the network's protocols for `connection`'s peer. */
  async announce (connection) {
    const peerId = connection.remotePeer
    await this.peerStore.merge(peerId, { protocols: this.protocols })
    this.events.safeDispatchEvent('peer:identify', {
      detail: {
        peerId,
        protocols: this.protocols,
        listenAddrs: [],
        connection
      }
    })
  }
}

export function localIdentify (options) {
  return (components) => new LocalIdentify(components, options)
}
