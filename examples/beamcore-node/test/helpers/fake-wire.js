// TEST-ONLY stand-in for the addon's `wire` object, used while the real addon is not
// built. It honours the same contracts (Buffer out, throws Error with .code on
// malformed input, responseChunkDecode returns null on a partial chunk) but its
// "snappy" is a marked copy and its "framing" a marked length prefix: it does NOT
// produce leanSpec's bytes and must never talk to a real peer.
import { createHash } from 'node:crypto'

const BLOCK_MARK = Buffer.from([0xfb, 0x53]) // "compressed" block: mark, u32le len, data
const FRAME_MARK = Buffer.from([0xfe, 0x46]) // "framed" stream: mark, u32le len, data
const MAX = 10 * 1024 * 1024

function decodeError (message) {
  const err = new Error(message)
  err.code = 'BEAM_ERR_DECODE'
  return err
}

function varint (n) {
  const out = []
  do {
    let b = n & 0x7f
    n = Math.floor(n / 128)
    if (n > 0) b |= 0x80
    out.push(b)
  } while (n > 0)
  return Buffer.from(out)
}

// {value, consumed} or null when the input ends inside the varint.
function readVarint (buf, at) {
  let value = 0
  let scale = 1
  for (let i = at; i < buf.length && i < at + 10; i++) {
    value += (buf[i] & 0x7f) * scale
    scale *= 128
    if ((buf[i] & 0x80) === 0) return { value, consumed: i - at + 1 }
  }
  if (buf.length - at >= 10) throw decodeError('varint too long')
  return null
}

function marked (mark, data) {
  const len = Buffer.alloc(4)
  len.writeUInt32LE(data.length)
  return Buffer.concat([mark, len, data])
}

// Returns {data, consumed} or null when incomplete; throws when malformed.
function readMarked (mark, buf, at) {
  if (buf.length - at < 6) {
    if (!buf.subarray(at, at + 2).equals(mark.subarray(0, Math.min(2, buf.length - at)))) throw decodeError('bad mark')
    return null
  }
  if (buf[at] !== mark[0] || buf[at + 1] !== mark[1]) throw decodeError('bad mark')
  const len = buf.readUInt32LE(at + 2)
  if (len > MAX) throw decodeError('too long')
  if (buf.length - at - 6 < len) return null
  return { data: Buffer.from(buf.subarray(at + 6, at + 6 + len)), consumed: 6 + len }
}

export function createFakeWire () {
  const wire = {
    TOPIC_BLOCK: 1,
    TOPIC_ATTESTATION: 2,
    TOPIC_AGGREGATE: 3,
    REQ_STATUS: 1,
    REQ_BLOCKS_BY_ROOT: 2,
    REQ_BLOCKS_BY_RANGE: 3,
    RESP_SUCCESS: 0,
    RESP_INVALID_REQUEST: 1,
    RESP_SERVER_ERROR: 2,
    RESP_RESOURCE_UNAVAILABLE: 3,
    isFake: true,

    snappyCompress (data) {
      return marked(BLOCK_MARK, Buffer.from(data))
    },
    snappyDecompress (data) {
      const buf = Buffer.from(data)
      const r = readMarked(BLOCK_MARK, buf, 0)
      if (r == null || r.consumed !== buf.length) throw decodeError('bad block')
      return r.data
    },
    requestEncode (ssz) {
      return Buffer.concat([varint(ssz.length), marked(FRAME_MARK, Buffer.from(ssz))])
    },
    requestDecode (bytes) {
      const buf = Buffer.from(bytes)
      if (buf.length === 0) throw decodeError('empty request')
      const v = readVarint(buf, 0)
      if (v == null) throw decodeError('truncated length')
      const r = readMarked(FRAME_MARK, buf, v.consumed)
      if (r == null) throw decodeError('truncated frame')
      if (r.data.length !== v.value || v.consumed + r.consumed !== buf.length) throw decodeError('length mismatch')
      return r.data
    },
    responseChunkEncode (code, payload) {
      if (![0, 1, 2, 3].includes(code)) {
        const err = new Error('bad code')
        err.code = 'BEAM_ERR_INVALID_ARGUMENT'
        throw err
      }
      return Buffer.concat([Buffer.from([code]), varint(payload.length), marked(FRAME_MARK, Buffer.from(payload))])
    },
    responseErrorEncode (code, message) {
      return wire.responseChunkEncode(code, Buffer.from(message, 'utf8').subarray(0, 256))
    },
    responseChunkDecode (bytes) {
      const buf = Buffer.from(bytes)
      if (buf.length === 0) return null
      const v = readVarint(buf, 1)
      if (v == null) return null
      const r = readMarked(FRAME_MARK, buf, 1 + v.consumed)
      if (r == null) return null
      if (r.data.length !== v.value) throw decodeError('length mismatch')
      const code = buf[0] <= 3 ? buf[0] : (buf[0] < 128 ? 2 : 1)
      return { code, payload: r.data, consumed: 1 + v.consumed + r.consumed }
    },
    gossipTopic (digest, kind, subnet) {
      const name = kind === 1 ? 'block' : kind === 2 ? `attestation_${subnet}` : kind === 3 ? 'aggregation' : null
      if (name == null) throw new Error('bad kind')
      return `/leanconsensus/${digest}/${name}/ssz_snappy`
    },
    // The spec function, over this fake's "snappy".
    gossipMessageId (topic, data) {
      let domain = Buffer.from([1, 0, 0, 0])
      let payload
      try {
        payload = wire.snappyDecompress(data)
      } catch {
        domain = Buffer.from([0, 0, 0, 0])
        payload = Buffer.from(data)
      }
      const t = Buffer.from(topic, 'utf8')
      const len = Buffer.alloc(8)
      len.writeBigUInt64LE(BigInt(t.length))
      return createHash('sha256').update(Buffer.concat([domain, len, t, payload])).digest().subarray(0, 20)
    }
  }
  return wire
}
