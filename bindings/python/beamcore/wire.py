"""The lean-consensus wire codecs (wire.h), for hosts that run the libp2p side
themselves: LEB128 varints, snappy blocks (gossip payloads) and the snappy framing
format, req/resp requests and response chunks, gossip topic strings and message ids.

Stateless and thread-safe; no node needed. Malformed input raises DecodeError, a bad
argument InvalidArgument; nothing larger than MAX_PAYLOAD_SIZE is ever decoded. The
encoders produce leanSpec's bytes exactly.
"""

import collections
import ctypes

from . import _ffi
from ._util import as_bytes, as_c_string, as_enum, as_u64, buffer_bytes, maybe_enum, take_buffer
from .constants import MAX_ERROR_MESSAGE_SIZE, MAX_PAYLOAD_SIZE, MESSAGE_ID_LEN, VARINT_MAX_LEN
from .enums import RespCode, TopicKind
from .errors import check

__all__ = [
    "ResponseChunk", "GossipMessageId", "varint_encode", "varint_decode", "snappy_compress", "snappy_decompress",
    "snappy_frame_encode", "snappy_frame_decode", "request_encode", "request_decode", "response_chunk_encode",
    "response_error_encode", "response_chunk_decode", "response_chunks", "gossip_topic", "gossip_message_id",
    "MAX_PAYLOAD_SIZE", "MAX_ERROR_MESSAGE_SIZE", "VARINT_MAX_LEN", "MESSAGE_ID_LEN",
]

ResponseChunk = collections.namedtuple("ResponseChunk", ["code", "payload", "consumed"])
ResponseChunk.__doc__ = ("One decoded response chunk: its RespCode, its payload (SSZ for SUCCESS, the error "
                         "message's UTF-8 bytes otherwise) and how many input bytes it took.")
GossipMessageId = collections.namedtuple("GossipMessageId", ["id", "valid_snappy"])
GossipMessageId.__doc__ = ("A gossipsub message id (MESSAGE_ID_LEN bytes) and whether the message decompressed "
                           "(the id then hashes the decompressed data under the valid-snappy domain).")


def _bytes_to_bytes(function, data, name="data"):
    data = as_bytes(name, data)
    return take_buffer(function, getattr(_ffi.lib(), function), data, len(data))


# ---- Varints ------------------------------------------------------------------------


def varint_encode(value):
    """The 1..10-byte unsigned LEB128 encoding of `value` (a uint64)."""
    value = as_u64("value", value)
    out = (ctypes.c_uint8 * VARINT_MAX_LEN)()
    length = ctypes.c_size_t()
    check(_ffi.lib().beam_wire_varint_encode(value, out, ctypes.byref(length)), "beam_wire_varint_encode")
    return bytes(out[:length.value])


def varint_decode(data):
    """The varint at the start of `data` (later bytes are ignored): (value, consumed).
    DecodeError when it is truncated, longer than 10 bytes or above 64 bits."""
    data = as_bytes("data", data)
    value, consumed = ctypes.c_uint64(), ctypes.c_size_t()
    check(_ffi.lib().beam_wire_varint_decode(data, len(data), ctypes.byref(value), ctypes.byref(consumed)),
          "beam_wire_varint_decode")
    return value.value, consumed.value


# ---- Snappy ---------------------------------------------------------------------------


def snappy_compress(data):
    """`data` as one snappy block ([varint length][elements]): a gossip payload."""
    return _bytes_to_bytes("beam_wire_snappy_compress", data)


def snappy_decompress(data):
    """The data of one snappy block. DecodeError for an empty or malformed block, one
    declaring more than MAX_PAYLOAD_SIZE bytes, or bytes after its declared length."""
    return _bytes_to_bytes("beam_wire_snappy_decompress", data)


def snappy_frame_encode(data):
    """`data` in the snappy framing format (stream identifier, then CRC-checked chunks of
    at most 64 KiB)."""
    return _bytes_to_bytes("beam_wire_snappy_frame_encode", data)


def snappy_frame_decode(data):
    """The data of a whole framed stream. DecodeError for a wrong stream identifier, a
    truncated chunk, a CRC mismatch, ... or more than MAX_PAYLOAD_SIZE bytes."""
    return _bytes_to_bytes("beam_wire_snappy_frame_decode", data)


# ---- Req/resp ---------------------------------------------------------------------------


def request_encode(ssz):
    """A req/resp request on the wire: [varint len(ssz)][snappy frame of ssz].
    InvalidArgument above MAX_PAYLOAD_SIZE."""
    return _bytes_to_bytes("beam_wire_request_encode", ssz, "ssz")


def request_decode(data):
    """The SSZ payload of a whole request. DecodeError when malformed, above
    MAX_PAYLOAD_SIZE, or when its size differs from the declared length."""
    return _bytes_to_bytes("beam_wire_request_decode", data)


def response_chunk_encode(code, payload):
    """One response chunk: [code][varint len(payload)][snappy frame of payload];
    `code` a RespCode."""
    code = as_enum(RespCode, "code", code)
    payload = as_bytes("payload", payload)
    return take_buffer("beam_wire_response_chunk_encode", _ffi.lib().beam_wire_response_chunk_encode,
                       code, payload, len(payload))


def response_error_encode(code, message):
    """An error chunk carrying `message` (str, or UTF-8 bytes), cut to at most
    MAX_ERROR_MESSAGE_SIZE bytes without splitting a character. `code` must be an
    error RespCode (not SUCCESS: InvalidArgument)."""
    code = as_enum(RespCode, "code", code)
    message = as_c_string("message", message)
    return take_buffer("beam_wire_response_error_encode", _ffi.lib().beam_wire_response_error_encode,
                       code, message)


def _chunk_at(data, offset):
    """Decodes the chunk at data[offset:] (data: bytes) without copying the rest."""
    lib = _ffi.lib()
    start = data
    if offset:  # a pointer into the bytes object's own buffer (alive as long as `data`)
        start = ctypes.cast(ctypes.cast(ctypes.c_char_p(data), ctypes.c_void_p).value + offset, ctypes.c_char_p)
    code, consumed = ctypes.c_int32(), ctypes.c_size_t()
    payload = _ffi.BeamBuffer()
    status = lib.beam_wire_response_chunk_decode(start, len(data) - offset, ctypes.byref(code), ctypes.byref(payload),
                                                 ctypes.byref(consumed))
    try:
        check(status, "beam_wire_response_chunk_decode")
        return ResponseChunk(maybe_enum(RespCode, code.value), buffer_bytes(payload), consumed.value)
    finally:
        lib.beam_buffer_free(ctypes.byref(payload))


def response_chunk_decode(data):
    """The response chunk at the start of `data`: a ResponseChunk(code, payload,
    consumed); the next chunk starts at data[consumed:]. Unknown code bytes read as
    leanSpec does (4..127 SERVER_ERROR, 128..255 INVALID_REQUEST). Unavailable when
    `data` is only the beginning of a chunk (wait for more bytes, or treat the response
    as truncated); DecodeError for a malformed chunk."""
    return _chunk_at(as_bytes("data", data), 0)


def response_chunks(data):
    """Every chunk of a complete response stream, in order (a list of ResponseChunk).
    Unavailable if the stream ends inside a chunk."""
    data = as_bytes("data", data)
    chunks, offset = [], 0
    while offset < len(data):
        chunk = _chunk_at(data, offset)
        chunks.append(chunk)
        offset += chunk.consumed
    return chunks


# ---- Gossip ------------------------------------------------------------------------------


def gossip_topic(network_name, kind, subnet_id=0):
    """The gossip topic "/leanconsensus/<network_name>/<name>/ssz_snappy" of `kind` (a
    TopicKind): "block", "aggregation" or "attestation_<subnet_id>" (`subnet_id` is
    ignored for the other kinds). `network_name` (str) is used as given and must not
    contain "/" (InvalidArgument)."""
    network_name = as_c_string("network_name", network_name)
    kind = as_enum(TopicKind, "kind", kind)
    subnet_id = as_u64("subnet_id", subnet_id)
    topic = take_buffer("beam_wire_gossip_topic", _ffi.lib().beam_wire_gossip_topic, network_name, kind, subnet_id)
    return topic.decode("utf-8")


def gossip_message_id(topic, data):
    """The gossipsub message id of a gossip message on `topic` (str), `data` as received
    or published (snappy-compressed): a GossipMessageId(id, valid_snappy).
    ResourceExhausted when the data to hash would exceed MAX_PAYLOAD_SIZE."""
    topic = as_c_string("topic", topic)
    data = as_bytes("data", data)
    out = (ctypes.c_uint8 * MESSAGE_ID_LEN)()
    valid = ctypes.c_int(-1)
    check(_ffi.lib().beam_wire_gossip_message_id(topic, data, len(data), out, ctypes.byref(valid)),
          "beam_wire_gossip_message_id")
    return GossipMessageId(bytes(out), valid.value == 1)

