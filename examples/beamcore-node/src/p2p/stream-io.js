// Reading and writing libp2p 3 streams (event based: 'message', 'remoteCloseWrite',
// 'close'; send() + onDrain()).
//
// The stream's async iterator ends only on a 'remoteCloseWrite' or 'close' event it
// saw itself; when the peer's FIN arrives before the reader attaches (a short request
// written with its FIN), the iterator can wait forever. This reader also looks at the
// stream's state, and lets the consumer stop as soon as it has what it needs.

export class StreamTimeoutError extends Error {
  constructor (message) {
    super(message)
    this.name = 'StreamTimeoutError'
  }
}

/**
 * Feeds every piece of data read from `stream` to `onData(bytes)` until it returns
 * true ('done'), the peer closes its write side ('eof'), or `timeoutMs` passes (the
 * stream is aborted and the promise rejects with StreamTimeoutError). Rejects with
 * the stream's error if it is reset, or with what onData throws.
 */
export function readStream (stream, onData, { timeoutMs } = {}) {
  return new Promise((resolve, reject) => {
    let settled = false
    let timer = null

    const cleanup = () => {
      stream.removeEventListener('message', onMessage)
      stream.removeEventListener('remoteCloseWrite', onRemoteClose)
      stream.removeEventListener('close', onClose)
      if (timer != null) clearTimeout(timer)
    }
    const settle = (err, how) => {
      if (settled) return
      settled = true
      cleanup()
      if (err != null) reject(err)
      else resolve(how)
    }
    const remoteEnded = () => stream.remoteWriteStatus === 'closed' && stream.readBufferLength === 0
    const checkEof = () => {
      if (!settled && remoteEnded()) settle(null, 'eof')
    }
    function onMessage (evt) {
      if (settled) return
      let done
      try {
        done = onData(evt.data.subarray())
      } catch (err) {
        settle(err)
        return
      }
      if (done === true) settle(null, 'done')
      else checkEof()
    }
    // Buffered data is dispatched after this event; look again once it has been.
    function onRemoteClose () {
      setTimeout(checkEof, 0)
    }
    function onClose (evt) {
      if (evt?.error != null) settle(evt.error)
      else settle(null, 'eof')
    }

    if (timeoutMs != null && timeoutMs > 0) {
      timer = setTimeout(() => {
        const err = new StreamTimeoutError(`no complete message within ${timeoutMs} ms`)
        settle(err)
        try { stream.abort(err) } catch {}
      }, timeoutMs)
    }
    stream.addEventListener('message', onMessage)
    stream.addEventListener('remoteCloseWrite', onRemoteClose)
    stream.addEventListener('close', onClose)
    if (stream.status !== 'open' && stream.readBufferLength === 0) {
      settle(null, 'eof')
      return
    }
    setTimeout(checkEof, 0)
  })
}

/** Writes `bytes` as one send() and waits for the transport to take them. */
export async function writeAll (stream, bytes) {
  if (bytes.byteLength === 0) return
  if (!stream.send(bytes)) await stream.onDrain()
}

/** Closes our write side (FIN), ignoring a stream that is already gone. */
export async function closeWrite (stream) {
  try {
    await stream.close()
  } catch {
    // the peer reset the stream; nothing left to close
  }
}

/** Tells the peer we will read no more, once we have what we wanted. */
export async function stopReading (stream) {
  try {
    if (stream.readStatus === 'readable' || stream.readStatus === 'paused') await stream.closeRead()
  } catch {
    // closeRead is best effort
  }
}
