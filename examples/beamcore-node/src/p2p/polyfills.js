// Node 20 lacks Promise.withResolvers (added in Node 22), which libp2p 3 and
// @chainsafe/libp2p-quic call at run time. This module must be imported before any
// libp2p module so that the function exists by the time they run.
if (typeof Promise.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers () {
      let resolve
      let reject
      const promise = new this((res, rej) => {
        resolve = res
        reject = rej
      })
      return { promise, resolve, reject }
    }
  })
}
