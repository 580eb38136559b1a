// Req/resp streams (leanSpec node/networking/reqresp/{codec,handler}.py,
// client/reqresp_client.py). Encoding and decoding go through `wire`:
//   request  = uvarint(len(ssz)) || snappy_framed(ssz), then the requester's FIN;
//   response = chunks code(1) || uvarint(len) || snappy_framed(payload).
// Only the stream choreography lives here.
import { readStream, writeAll, closeWrite, stopReading, StreamTimeoutError } from './stream-io.js'

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000

// A request is at most 10 MiB of SSZ; its snappy framing adds a little.
const MAX_REQUEST_BYTES = 11 * 1024 * 1024
// Responses are written in one piece; past this much buffered output, in pieces.
const RESPONSE_FLUSH_BYTES = 1024 * 1024

/** Protocol ids by the library's BEAM_REQ_* numbers (wire.REQ_*). */
export function protocolTable (wire) {
  return new Map([
    [wire.REQ_STATUS, '/leanconsensus/req/status/1/ssz_snappy'],
    [wire.REQ_BLOCKS_BY_ROOT, '/leanconsensus/req/blocks_by_root/1/ssz_snappy'],
    [wire.REQ_BLOCKS_BY_RANGE, '/leanconsensus/req/blocks_by_range/1/ssz_snappy']
  ])
}

function errorMessage (payload) {
  return Buffer.from(payload).toString('utf8')
}

/**
 * Sends one request on a new stream and reads its response chunks.
 *
 * handlers.onChunk(ssz) runs once per SUCCESS chunk; handlers.onEnd(result, info)
 * exactly once, last. `result` is a BEAM_RESP_* code: RESP_SUCCESS when the response
 * ended cleanly, the code of an error chunk (info.message holds its text), or, when no
 * proper answer came, RESP_SERVER_ERROR (timeout, reset, malformed or truncated
 * chunk) or RESP_RESOURCE_UNAVAILABLE (no stream could be opened to the peer).
 * info = {reason, message, chunks}; reason is one of 'complete', 'remote-error',
 * 'timeout', 'no-stream', 'stream-error', 'malformed', 'truncated'.
 * A Status answer is a single chunk: reading stops after it.
 */
export async function performRequest ({ wire, openStream, protocol, kind, ssz, timeoutMs, handlers, log }) {
  const started = Date.now()
  let chunks = 0
  let ended = false
  const end = (result, reason, message = '') => {
    if (ended) return
    ended = true
    try {
      handlers.onEnd?.(result, { reason, message, chunks })
    } catch (err) {
      log('error', `reqresp: onEnd handler threw: ${err.message}`)
    }
  }

  let stream
  try {
    stream = await openStream(protocol, AbortSignal.timeout(timeoutMs))
  } catch (err) {
    const timedOut = err?.name === 'TimeoutError' || err?.name === 'AbortError'
    end(timedOut ? wire.RESP_SERVER_ERROR : wire.RESP_RESOURCE_UNAVAILABLE,
      timedOut ? 'timeout' : 'no-stream', err?.message ?? String(err))
    return
  }

  const maxChunks = kind === wire.REQ_STATUS ? 1 : Infinity
  let pending = Buffer.alloc(0)
  let malformed = null
  const onData = (bytes) => {
    pending = pending.length === 0 ? Buffer.from(bytes) : Buffer.concat([pending, bytes])
    for (;;) {
      let chunk
      try {
        chunk = wire.responseChunkDecode(pending)
      } catch (err) {
        malformed = err
        return true
      }
      if (chunk == null) return false
      pending = pending.subarray(chunk.consumed)
      if (chunk.code !== wire.RESP_SUCCESS) {
        end(chunk.code, 'remote-error', errorMessage(chunk.payload))
        return true
      }
      chunks++
      try {
        handlers.onChunk?.(chunk.payload)
      } catch (err) {
        log('error', `reqresp: onChunk handler threw: ${err.message}`)
      }
      if (chunks >= maxChunks) {
        end(wire.RESP_SUCCESS, 'complete')
        return true
      }
    }
  }

  try {
    const reading = readStream(stream, onData, { timeoutMs: Math.max(1, timeoutMs - (Date.now() - started)) })
    await writeAll(stream, wire.requestEncode(ssz))
    await closeWrite(stream)
    const how = await reading
    if (malformed != null) {
      end(wire.RESP_SERVER_ERROR, 'malformed', malformed.message)
      stream.abort(malformed)
    } else if (how === 'eof') {
      if (pending.length > 0) end(wire.RESP_SERVER_ERROR, 'truncated', `${pending.length} bytes of an unfinished chunk`)
      else end(wire.RESP_SUCCESS, 'complete')
    } else {
      // Stopped early (an error chunk or the last Status chunk).
      await stopReading(stream)
    }
  } catch (err) {
    if (err instanceof StreamTimeoutError) end(wire.RESP_SERVER_ERROR, 'timeout', err.message)
    else end(wire.RESP_SERVER_ERROR, 'stream-error', err?.message ?? String(err))
    try { stream.abort(err) } catch {}
  }
}

/**
 * Serves one inbound request stream: reads the complete request (it does not need
 * the FIN), hands the SSZ to `onRequest(peerId, kind, ssz, responder)` and writes
 * what the responder collects. A malformed request is answered with
 * RESP_INVALID_REQUEST without bothering the consumer.
 *
 * The responder (also reachable by its id through `responders`):
 *   responder.id                 a number, unique in this host
 *   responder.chunk(ssz)         one SUCCESS chunk
 *   responder.end(result, msg?)  finishes; a non-success result adds an error chunk
 * The whole response is written with one write when end() is called (unless it grew
 * past 1 MiB, then in pieces), then the stream is closed. An answer not ended within
 * `timeoutMs` is abandoned (stream reset).
 */
export async function serveRequest ({ wire, stream, peerId, kind, timeoutMs, onRequest, responders, nextId, log }) {
  let buffered = Buffer.alloc(0)
  let request = null
  let lastError = null
  const tryDecode = () => {
    try {
      request = wire.requestDecode(buffered)
      return true
    } catch (err) {
      lastError = err
      return false
    }
  }
  const onData = (bytes) => {
    buffered = buffered.length === 0 ? Buffer.from(bytes) : Buffer.concat([buffered, bytes])
    if (buffered.length > MAX_REQUEST_BYTES) throw new Error(`request larger than ${MAX_REQUEST_BYTES} bytes`)
    return tryDecode()
  }

  try {
    const how = await readStream(stream, onData, { timeoutMs })
    if (how === 'eof' && request == null && buffered.length > 0) tryDecode()
  } catch (err) {
    log('debug', `reqresp: reading a request from ${peerId} failed: ${err.message}`)
    try { stream.abort(err) } catch {}
    return
  }

  if (request == null) {
    const why = buffered.length === 0 ? 'empty request' : `malformed request: ${lastError?.message ?? 'undecodable'}`
    log('debug', `reqresp: ${why} from ${peerId}`)
    await writeAll(stream, wire.responseErrorEncode(wire.RESP_INVALID_REQUEST, why)).catch(() => {})
    await closeWrite(stream)
    return
  }

  const id = nextId()
  let out = []
  let outBytes = 0
  let finished = false
  let timer = null
  let resolveDone
  const done = new Promise((resolve) => { resolveDone = resolve })

  const flush = () => {
    if (outBytes === 0) return Promise.resolve()
    const bytes = out.length === 1 ? out[0] : Buffer.concat(out)
    out = []
    outBytes = 0
    return writeAll(stream, bytes)
  }
  const push = (bytes) => {
    out.push(bytes)
    outBytes += bytes.length
    if (outBytes >= RESPONSE_FLUSH_BYTES) flush().catch((err) => log('debug', `reqresp: write to ${peerId} failed: ${err.message}`))
  }
  const finish = () => {
    finished = true
    responders.delete(id)
    clearTimeout(timer)
  }

  const responder = {
    id,
    peerId,
    kind,
    chunk (ssz) {
      if (finished) return false
      push(wire.responseChunkEncode(wire.RESP_SUCCESS, ssz))
      return true
    },
    end (result = wire.RESP_SUCCESS, message) {
      if (finished) return false
      if (result !== wire.RESP_SUCCESS) {
        push(wire.responseErrorEncode(result, message ?? defaultErrorMessage(wire, result)))
      }
      finish()
      flush()
        .then(() => closeWrite(stream))
        .catch((err) => log('debug', `reqresp: answering ${peerId} failed: ${err.message}`))
        .finally(resolveDone)
      return true
    }
  }
  responders.set(id, responder)
  timer = setTimeout(() => {
    if (finished) return
    finish()
    log('warn', `reqresp: request ${id} from ${peerId} not answered within ${timeoutMs} ms; resetting the stream`)
    try { stream.abort(new Error('response timeout')) } catch {}
    resolveDone()
  }, timeoutMs)

  try {
    await onRequest(peerId, kind, request, responder)
  } catch (err) {
    log('error', `reqresp: request handler failed: ${err.message}`)
    responder.end(wire.RESP_SERVER_ERROR, 'internal error')
  }
  await done
}

function defaultErrorMessage (wire, result) {
  if (result === wire.RESP_INVALID_REQUEST) return 'invalid request'
  if (result === wire.RESP_RESOURCE_UNAVAILABLE) return 'resource unavailable'
  return 'server error'
}
