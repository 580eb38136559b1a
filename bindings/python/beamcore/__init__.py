"""Python binding of libbeamcore's C ABI (include/beamcore/beamcore.h), via ctypes.

No build step: the shared library is found through $BEAMCORE_LIBRARY, the in-tree
release build, or the dynamic linker (see beamcore._ffi.load). It is loaded lazily,
on first use.

    import beamcore
    genesis = beamcore.genesis_state(0, 4)
    with beamcore.Node(genesis, validator_indices=range(4), chain_worker=False) as node:
        block = node.produce_block(1, 1)
        node.tick(1 * beamcore.INTERVALS_PER_SLOT + 4)
        print(node.head())

See bindings/python/README.md for req/resp, clocks, log sinks, host crypto and XMSS keys.
"""

import collections
import ctypes
import enum
import logging
import operator
import secrets
import threading
import weakref

from . import _ffi
from ._ffi import LibraryNotFoundError, lib, library_path, load
from .errors import (
    BeamError,
    CallbackError,
    ClosedError,
    DecodeError,
    FailedPrecondition,
    InternalError,
    InvalidArgument,
    InvalidProof,
    NotFound,
    Rejected,
    ResourceExhausted,
    Unavailable,
    UnsupportedError,
    check,
    error_for_status,
)

__all__ = [
    "BeamError", "InvalidArgument", "DecodeError", "Rejected", "NotFound", "Unavailable",
    "FailedPrecondition", "ResourceExhausted", "InternalError", "ClosedError", "LibraryNotFoundError",
    "UnsupportedError", "CallbackError", "InvalidProof",
    "Status", "SszType", "TopicKind", "XmssScheme", "ProofMode", "ReqProtocol", "RespCode", "PeerAction",
    "LogLevel", "Checkpoint", "ProofWithKeys", "RawSignature", "MessageComponent",
    "Node", "StateBorrow", "XmssKey", "LockedMap", "BlockCache",
    "hash_tree_root", "block_root", "stf_apply", "genesis_state", "xmss_verify", "version", "version_number",
    "load", "lib", "library_path", "check", "error_for_status",
    "INTERVALS_PER_SLOT", "MS_PER_INTERVAL", "MS_PER_SLOT", "ROOT_SIZE", "PUBLIC_KEY_SIZE",
]

_log = logging.getLogger("beamcore")

# leanSpec constants the C API uses but does not export (consensus/config.h).
INTERVALS_PER_SLOT = 5
MS_PER_SLOT = 4000                               # node time: a slot is 4 s ...
MS_PER_INTERVAL = MS_PER_SLOT // INTERVALS_PER_SLOT  # ... of five 800 ms intervals
ROOT_SIZE = 32
PUBLIC_KEY_SIZE = _ffi.BEAM_XMSS_PUBLIC_KEY_SIZE  # SSZ size of one XMSS public key
_U64_MAX = (1 << 64) - 1
_MAX_RECORDED_ERRORS = 64  # callback errors a Node keeps (the newest)


class Status(enum.IntEnum):
    OK = _ffi.BEAM_OK
    INVALID_ARGUMENT = _ffi.BEAM_ERR_INVALID_ARGUMENT
    DECODE = _ffi.BEAM_ERR_DECODE
    REJECTED = _ffi.BEAM_ERR_REJECTED
    NOT_FOUND = _ffi.BEAM_ERR_NOT_FOUND
    UNAVAILABLE = _ffi.BEAM_ERR_UNAVAILABLE
    FAILED_PRECONDITION = _ffi.BEAM_ERR_FAILED_PRECONDITION
    RESOURCE_EXHAUSTED = _ffi.BEAM_ERR_RESOURCE_EXHAUSTED
    INTERNAL = _ffi.BEAM_ERR_INTERNAL


class SszType(enum.IntEnum):
    STATE = 1
    BLOCK = 2
    SIGNED_BLOCK = 3
    BLOCK_HEADER = 4
    CHECKPOINT = 5
    ATTESTATION_DATA = 6
    SIGNED_ATTESTATION = 7
    SIGNED_AGGREGATED_ATTESTATION = 8
    STATUS = 9


class TopicKind(enum.IntEnum):
    BLOCK = 1        # SignedBlock
    ATTESTATION = 2  # SignedAttestation
    AGGREGATE = 3    # SignedAggregatedAttestation


class XmssScheme(enum.IntEnum):
    TEST = 0
    PROD = 1


class ProofMode(enum.IntEnum):
    MOCKED = _ffi.BEAM_PROOFS_MOCKED  # the spec's placeholder aggregate proofs (test networks)
    HOST = _ffi.BEAM_PROOFS_HOST      # the host's prover and verifier (Node's `crypto`)


class ReqProtocol(enum.IntEnum):
    STATUS = _ffi.BEAM_REQ_STATUS                  # Status, answered by a Status
    BLOCKS_BY_ROOT = _ffi.BEAM_REQ_BLOCKS_BY_ROOT  # BlocksByRootRequest, answered by SignedBlocks
    BLOCKS_BY_RANGE = _ffi.BEAM_REQ_BLOCKS_BY_RANGE  # BlocksByRangeRequest, answered by SignedBlocks


class RespCode(enum.IntEnum):
    """The result of a response stream (leanSpec ResponseCode, BEAM_RESP_*)."""
    SUCCESS = _ffi.BEAM_RESP_SUCCESS
    INVALID_REQUEST = _ffi.BEAM_RESP_INVALID_REQUEST
    SERVER_ERROR = _ffi.BEAM_RESP_SERVER_ERROR
    RESOURCE_UNAVAILABLE = _ffi.BEAM_RESP_RESOURCE_UNAVAILABLE


class PeerAction(enum.IntEnum):
    """How bad a peer's misbehaviour was (network.report_peer)."""
    FATAL = _ffi.BEAM_PEER_FATAL                    # disconnect and ban
    LOW_TOLERANCE = _ffi.BEAM_PEER_LOW_TOLERANCE    # provably invalid data
    MID_TOLERANCE = _ffi.BEAM_PEER_MID_TOLERANCE    # a request timed out; an unrequested response
    HIGH_TOLERANCE = _ffi.BEAM_PEER_HIGH_TOLERANCE  # a server error; an empty answer


class LogLevel(enum.IntEnum):
    ERROR = _ffi.BEAM_LOG_ERROR
    WARN = _ffi.BEAM_LOG_WARN
    INFO = _ffi.BEAM_LOG_INFO
    DEBUG = _ffi.BEAM_LOG_DEBUG


Checkpoint = collections.namedtuple("Checkpoint", ["root", "slot"])
Checkpoint.__doc__ = "A (root: bytes, slot: int) checkpoint."


# ---------------------------------------------------------------------------------
# Argument conversion: misuse fails here, in Python, before any C call.

def _as_bytes(name, data):
    if isinstance(data, bytes):
        return data
    if data is None or isinstance(data, str):
        raise TypeError(f"{name} must be bytes-like, not {type(data).__name__}")
    try:
        return bytes(memoryview(data))
    except TypeError:
        raise TypeError(f"{name} must be bytes-like, not {type(data).__name__}") from None


def _as_root(name, data):
    data = _as_bytes(name, data)
    if len(data) != ROOT_SIZE:
        raise ValueError(f"{name} must be {ROOT_SIZE} bytes, not {len(data)}")
    return data


def _as_u64(name, value):
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an int, not bool")
    try:
        value = operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be an int, not {type(value).__name__}") from None
    if not 0 <= value <= _U64_MAX:
        raise ValueError(f"{name} must be in [0, 2**64), not {value}")
    return value


def _as_enum(enum_type, name, value):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a {enum_type.__name__} or int, not {type(value).__name__}")
    try:
        return enum_type(value)
    except ValueError:
        raise ValueError(f"{name}: {value} is not a valid {enum_type.__name__}") from None


def _take_buffer(function, fn, *args):
    """Calls fn(*args, &buffer) and returns the buffer's bytes (freeing it)."""
    buf = _ffi.BeamBuffer()
    status = fn(*args, ctypes.byref(buf))
    try:
        check(status, function)
        return ctypes.string_at(buf.data, buf.len) if buf.len else b""
    finally:
        lib().beam_buffer_free(ctypes.byref(buf))


def _checkpoint(cp):
    return Checkpoint(bytes(cp.root), cp.slot)


# ---------------------------------------------------------------------------------
# Handle lifetime: close() waits for calls in flight, later calls raise ClosedError.

_tls = threading.local()  # .callbacks: handles whose network callback runs on this thread


def _in_callback_of(handle):
    return handle in getattr(_tls, "callbacks", ())


class _Handle:
    def __init__(self, what, destroy_name):
        self.what = what
        self.ptr = None
        self._destroy_name = destroy_name
        self._cv = threading.Condition()
        self._users = 0
        self._closed = False
        self.keepalive = None  # ctypes callbacks and the vtables they sit in (_Callbacks)
        self._errors_lock = threading.Lock()
        self._errors = collections.deque(maxlen=_MAX_RECORDED_ERRORS)

    def record_callback_error(self, callback, exception):
        """Called from inside a callback: logs and keeps the exception (never raises)."""
        try:
            with self._errors_lock:
                self._errors.append(CallbackError(callback, exception))
            _log.error("beamcore: exception in %s ignored (recorded on the %s)", callback, self.what,
                       exc_info=(type(exception), exception, exception.__traceback__))
        except BaseException:  # logging itself failed: still nothing may reach C
            pass

    def callback_errors(self):
        with self._errors_lock:
            return list(self._errors)

    def take_callback_errors(self):
        with self._errors_lock:
            errors = list(self._errors)
            self._errors.clear()
            return errors

    @property
    def closed(self):
        return self._closed

    def __enter__(self):
        if _in_callback_of(self):
            raise RuntimeError(f"a {self.what}'s callback must not call back into that {self.what}")
        with self._cv:
            if self._closed or self.ptr is None:
                raise ClosedError(f"the {self.what} is closed")
            self._users += 1
            return self.ptr

    def __exit__(self, *exc):
        with self._cv:
            self._users -= 1
            if self._users == 0:
                self._cv.notify_all()

    def close(self):
        if _in_callback_of(self):
            raise RuntimeError(f"a {self.what} cannot be closed from its own callback")
        self._close()

    def _close(self):
        with self._cv:
            if self._closed:
                return
            self._closed = True
            while self._users:
                self._cv.wait()
            ptr, self.ptr = self.ptr, None
        if ptr is not None:
            getattr(lib(), self._destroy_name)(ptr)
        self.keepalive = None  # only now: the C side can no longer call them

    def finalize(self):
        # Garbage collection (or interpreter exit). If that happens on a thread inside
        # this node's own callback, destroying here would join the thread from itself.
        if _in_callback_of(self):
            threading.Thread(target=self._close, name="beamcore-finalize", daemon=True).start()
        else:
            self._close()


# ---------------------------------------------------------------------------------
# Standalone helpers


def version():
    """The library version, "MAJOR.MINOR.PATCH"."""
    return lib().beam_version_string().decode("ascii")


def version_number():
    """The library version as (MAJOR << 16) | (MINOR << 8) | PATCH."""
    return lib().beam_version_number()


def hash_tree_root(ssz_type, data):
    """hash_tree_root of the SSZ value `data` of `ssz_type` (an SszType): 32 bytes."""
    ssz_type = _as_enum(SszType, "ssz_type", ssz_type)
    data = _as_bytes("data", data)
    out = (ctypes.c_uint8 * ROOT_SIZE)()
    check(lib().beam_hash_tree_root(ssz_type, data, len(data), out), "beam_hash_tree_root")
    return bytes(out)


def block_root(signed_block):
    """The block root (hash_tree_root of the inner Block) of a SignedBlock SSZ value: 32
    bytes. Not hash_tree_root(SszType.SIGNED_BLOCK, ...), which hashes the envelope."""
    signed_block = _as_bytes("signed_block", signed_block)
    out = (ctypes.c_uint8 * ROOT_SIZE)()
    check(lib().beam_block_root(signed_block, len(signed_block), out), "beam_block_root")
    return bytes(out)


def stf_apply(pre_state, signed_block):
    """state_transition(pre_state, signed_block.block) (signatures unchecked): the
    post-state SSZ."""
    pre_state = _as_bytes("pre_state", pre_state)
    signed_block = _as_bytes("signed_block", signed_block)
    return _take_buffer("beam_stf_apply", lib().beam_stf_apply,
                        pre_state, len(pre_state), signed_block, len(signed_block))


def _keys(name, keys, count):
    if keys is None:
        return None
    if isinstance(keys, (list, tuple)):
        keys = [k.public_key if isinstance(k, XmssKey) else _as_bytes(f"{name}[{i}]", k) for i, k in enumerate(keys)]
        if any(len(k) != PUBLIC_KEY_SIZE for k in keys):
            raise ValueError(f"each of {name} must be {PUBLIC_KEY_SIZE} bytes")
        keys = b"".join(keys)
    keys = _as_bytes(name, keys)
    # The C call takes no length: a short buffer would be read past its end.
    if len(keys) != PUBLIC_KEY_SIZE * count:
        raise ValueError(f"{name} must hold {count} keys of {PUBLIC_KEY_SIZE} bytes "
                         f"({PUBLIC_KEY_SIZE * count} bytes), not {len(keys)} bytes")
    return keys


def genesis_state(genesis_time, validator_count, attestation_keys=None, proposal_keys=None):
    """The genesis state SSZ for `validator_count` validators. Keys are the validators'
    52-byte public keys, concatenated (or a list of 52-byte values or XmssKeys); None
    means all-zero keys (tests and benchmarks)."""
    genesis_time = _as_u64("genesis_time", genesis_time)
    validator_count = _as_u64("validator_count", validator_count)
    attestation_keys = _keys("attestation_keys", attestation_keys, validator_count)
    proposal_keys = _keys("proposal_keys", proposal_keys, validator_count)
    return _take_buffer("beam_genesis_state", lib().beam_genesis_state,
                        genesis_time, attestation_keys, proposal_keys, validator_count)


# ---------------------------------------------------------------------------------
# Callbacks: the library calls Python through ctypes function pointers. Nothing may
# unwind into C, so every callback catches what the Python side raises, logs it on the
# "beamcore" logger and records it on its node's handle (Node.callback_errors).

ProofWithKeys = collections.namedtuple("ProofWithKeys", ["proof", "public_keys"])
ProofWithKeys.__doc__ = ("A proof (bytes) and the 52-byte public keys it covers (a list): a child of "
                         "aggregate_single_message, a component of merge_multi_message.")
RawSignature = collections.namedtuple("RawSignature", ["public_key", "signature"])
RawSignature.__doc__ = "A validator's raw XMSS signature (SSZ bytes) and its 52-byte public key."
MessageComponent = collections.namedtuple("MessageComponent", ["public_keys", "message", "slot"])
MessageComponent.__doc__ = ("One component of a block's multi-message proof: the keys (52-byte values) "
                            "that signed the 32-byte `message` at `slot`.")

# Host crypto callback results (beam_crypto_vtable).
_CRYPTO_OK, _CRYPTO_INVALID, _CRYPTO_FAILED = 0, 1, 2

_PYTHON_LOG_LEVELS = {1: logging.ERROR, 2: logging.WARNING, 3: logging.INFO, 4: logging.DEBUG}


def _maybe_enum(enum_type, value):
    try:
        return enum_type(value)
    except ValueError:
        return value


def _bytes_at(ptr, length):
    if not length:
        return b""
    if not ptr:
        raise ValueError(f"the library passed a NULL pointer for {length} bytes")
    return ctypes.string_at(ptr, length)


def _c_string(ptr):
    # Peer ids and reasons: bytes that are not UTF-8 survive as surrogates, so a peer id
    # handed back to the node (str -> bytes with surrogateescape) is the same C string.
    return ctypes.string_at(ptr).decode("utf-8", "surrogateescape") if ptr else None


def _array_at(c_type, ptr, count):
    if not count:
        return []
    if not ptr:
        raise ValueError(f"the library passed a NULL array of {count} elements")
    return list((c_type * count).from_address(ptr))


def _split(data, lengths):
    out, offset = [], 0
    for n in lengths:
        out.append(data[offset:offset + n])
        offset += n
    return out


def _split_keys(ptr, count):
    data = _bytes_at(ptr, count * PUBLIC_KEY_SIZE)
    return [data[i:i + PUBLIC_KEY_SIZE] for i in range(0, len(data), PUBLIC_KEY_SIZE)]


def _grouped_keys(ptr, counts):
    keys = _split_keys(ptr, sum(counts))
    out, offset = [], 0
    for n in counts:
        out.append(keys[offset:offset + n])
        offset += n
    return out


def _method(obj, name, what):
    fn = getattr(obj, name, None)
    if fn is not None and not callable(fn):
        raise TypeError(f"{what}.{name} must be callable")
    return fn


class _InvalidAnswer(Exception):
    """Internal: a crypto callback answered "invalid" (C code 1)."""


class _Callbacks:
    """The ctypes callbacks of one node and the vtables that point at them. Kept alive
    by the node's handle until beam_node_destroy has returned (the C side holds raw
    pointers to them). They reference the handle, never the Node, so a dropped Node
    is still garbage-collected."""

    def __init__(self, handle):
        self.handle = handle
        self.functions = {}  # C field name -> ctypes function object (or a NULL one)
        self.vtables = {}    # "network" / "clock" / "crypto" / "log" -> ctypes Structure

    def _run(self, what, fn, *args):
        """Calls fn(*args) marked as a callback of this handle. Returns (ok, result)."""
        stack = _tls.__dict__.setdefault("callbacks", [])
        stack.append(self.handle)
        try:
            return True, fn(*args)
        except BaseException as e:  # nothing may unwind into C; the node goes on
            self.handle.record_callback_error(what, e)
            return False, None
        finally:
            stack.pop()

    # -- network
    def network(self, network):
        fns = {name: _method(network, name, "network") for name in (
            "publish_gossip", "request_block", "send_request", "send_response_chunk", "send_response_end",
            "report_peer")}
        if all(fn is None for fn in fns.values()):
            raise TypeError("network must have at least one of publish_gossip(kind, data), request_block(root), "
                            "send_request(peer_id, protocol, payload, request_id), send_response_chunk(request_id, "
                            "payload), send_response_end(request_id, result), report_peer(peer_id, action, reason)")

        def publish_gossip(kind, ptr, length, _user_data):
            self._run("network.publish_gossip",
                      lambda: fns["publish_gossip"](_maybe_enum(TopicKind, kind), _bytes_at(ptr, length)))

        def request_block(root_ptr, _user_data):
            self._run("network.request_block", lambda: fns["request_block"](_bytes_at(root_ptr, ROOT_SIZE)))

        def send_request(peer_ptr, protocol, ptr, length, request_id, _user_data):
            self._run("network.send_request", lambda: fns["send_request"](
                _c_string(peer_ptr), _maybe_enum(ReqProtocol, protocol), _bytes_at(ptr, length), request_id))

        def send_response_chunk(request_id, ptr, length, _user_data):
            self._run("network.send_response_chunk",
                      lambda: fns["send_response_chunk"](request_id, _bytes_at(ptr, length)))

        def send_response_end(request_id, result, _user_data):
            self._run("network.send_response_end",
                      lambda: fns["send_response_end"](request_id, _maybe_enum(RespCode, result)))

        def report_peer(peer_ptr, action, reason_ptr, _user_data):
            self._run("network.report_peer", lambda: fns["report_peer"](
                _c_string(peer_ptr), _maybe_enum(PeerAction, action), _c_string(reason_ptr) or ""))

        wrappers = {
            "publish_gossip": (publish_gossip, _ffi.PUBLISH_GOSSIP_FN),
            "request_block": (request_block, _ffi.REQUEST_BLOCK_FN),
            "send_request": (send_request, _ffi.SEND_REQUEST_FN),
            "send_response_chunk": (send_response_chunk, _ffi.SEND_RESPONSE_CHUNK_FN),
            "send_response_end": (send_response_end, _ffi.SEND_RESPONSE_END_FN),
            "report_peer": (report_peer, _ffi.REPORT_PEER_FN),
        }
        vtable = _ffi.BeamNetworkVtable()
        vtable.struct_size = ctypes.sizeof(_ffi.BeamNetworkVtable)
        for name, (wrapper, c_type) in wrappers.items():
            c_fn = c_type(wrapper) if fns[name] is not None else c_type()  # NULL when absent
            self.functions[name] = c_fn
            setattr(vtable, name, c_fn)
        self.vtables["network"] = vtable
        return vtable

    # -- clock
    def clock(self, clock):
        last = [0]

        def read():
            value = clock()
            if isinstance(value, float):
                value = int(value)
            return _as_u64("clock()", value)

        def now_ms(_user_data):
            ok, value = self._run("clock", read)
            if ok:
                last[0] = value
            return last[0]  # a failing clock reads as standing still

        c_fn = _ffi.CLOCK_NOW_FN(now_ms)
        self.functions["now_ms"] = c_fn
        vtable = _ffi.BeamClockVtable(ctypes.sizeof(_ffi.BeamClockVtable), c_fn, None)
        self.vtables["clock"] = vtable
        return vtable

    # -- log
    def log(self, log, max_level):
        if isinstance(log, logging.Logger):
            logger = log

            def log(level, message):
                logger.log(_PYTHON_LOG_LEVELS.get(int(level), logging.INFO), "%s", message)

        def on_log(level, message_ptr, _user_data):
            self._run("log", lambda: log(_maybe_enum(LogLevel, level),
                                         (ctypes.string_at(message_ptr) if message_ptr else b"").decode(
                                             "utf-8", "replace")))

        c_fn = _ffi.LOG_FN(on_log)
        self.functions["log"] = c_fn
        sink = _ffi.BeamLogSink(ctypes.sizeof(_ffi.BeamLogSink), c_fn, max_level, None)
        self.vtables["log"] = sink
        return sink

    # -- host crypto
    def _crypto_call(self, what, fn):
        """Runs a crypto callback: 0 on success, 1 for InvalidProof (or a False
        verdict), 2 when it raised anything else (recorded as a callback error)."""
        stack = _tls.__dict__.setdefault("callbacks", [])
        stack.append(self.handle)
        try:
            fn()
            return _CRYPTO_OK
        except (InvalidProof, _InvalidAnswer):
            return _CRYPTO_INVALID
        except BaseException as e:
            self.handle.record_callback_error(what, e)
            return _CRYPTO_FAILED
        finally:
            stack.pop()

    @staticmethod
    def _verdict(what, result):
        if result is True:
            return
        if result is False:
            raise _InvalidAnswer()
        raise TypeError(f"{what} must return True (valid) or False (invalid), not {result!r}")

    @staticmethod
    def _to_sink(what, sink, result):
        data = _as_bytes(f"the result of {what}", result)
        check(lib().beam_bytes_sink_append(sink, data, len(data)), "beam_bytes_sink_append")

    def crypto(self, crypto):
        fns = {name: _method(crypto, name, "crypto") for name in (
            "verify_single_message", "verify_multi_message", "aggregate_single_message", "merge_multi_message")}
        if all(fn is None for fn in fns.values()):
            raise TypeError("crypto must have at least one of verify_single_message, verify_multi_message, "
                            "aggregate_single_message, merge_multi_message")

        def verify_single_message(keys, num_keys, message, slot, proof, proof_len, _user_data):
            what = "crypto.verify_single_message"
            return self._crypto_call(what, lambda: self._verdict(what, fns["verify_single_message"](
                _split_keys(keys, num_keys), _bytes_at(message, ROOT_SIZE), slot, _bytes_at(proof, proof_len))))

        def verify_multi_message(keys, keys_per_message, num_messages, messages, slots, proof, proof_len,
                                 _user_data):
            what = "crypto.verify_multi_message"

            def call():
                counts = _array_at(ctypes.c_size_t, keys_per_message, num_messages)
                roots = _bytes_at(messages, ROOT_SIZE * num_messages)
                components = [MessageComponent(k, roots[ROOT_SIZE * i:ROOT_SIZE * (i + 1)], s) for i, (k, s) in
                              enumerate(zip(_grouped_keys(keys, counts), _array_at(ctypes.c_uint64, slots,
                                                                                   num_messages)))]
                self._verdict(what, fns["verify_multi_message"](components, _bytes_at(proof, proof_len)))

            return self._crypto_call(what, call)

        def aggregate_single_message(child_proofs, child_proof_lens, child_keys, keys_per_child, num_children,
                                     raw_keys, raw_signatures, raw_signature_lens, num_raw, message, slot, sink,
                                     _user_data):
            what = "crypto.aggregate_single_message"

            def call():
                proof_lens = _array_at(ctypes.c_size_t, child_proof_lens, num_children)
                proofs = _split(_bytes_at(child_proofs, sum(proof_lens)), proof_lens)
                keys = _grouped_keys(child_keys, _array_at(ctypes.c_size_t, keys_per_child, num_children))
                children = [ProofWithKeys(p, k) for p, k in zip(proofs, keys)]
                signature_lens = _array_at(ctypes.c_size_t, raw_signature_lens, num_raw)
                signatures = _split(_bytes_at(raw_signatures, sum(signature_lens)), signature_lens)
                raw = [RawSignature(k, s) for k, s in zip(_split_keys(raw_keys, num_raw), signatures)]
                result = fns["aggregate_single_message"](children, raw, _bytes_at(message, ROOT_SIZE), slot)
                self._to_sink(what, sink, result)

            return self._crypto_call(what, call)

        def merge_multi_message(proofs, proof_lens, keys, keys_per_proof, num_proofs, sink, _user_data):
            what = "crypto.merge_multi_message"

            def call():
                lens = _array_at(ctypes.c_size_t, proof_lens, num_proofs)
                components = [ProofWithKeys(p, k) for p, k in zip(
                    _split(_bytes_at(proofs, sum(lens)), lens),
                    _grouped_keys(keys, _array_at(ctypes.c_size_t, keys_per_proof, num_proofs)))]
                self._to_sink(what, sink, fns["merge_multi_message"](components))

            return self._crypto_call(what, call)

        wrappers = {
            "verify_single_message": (verify_single_message, _ffi.VERIFY_SINGLE_FN),
            "verify_multi_message": (verify_multi_message, _ffi.VERIFY_MULTI_FN),
            "aggregate_single_message": (aggregate_single_message, _ffi.AGGREGATE_SINGLE_FN),
            "merge_multi_message": (merge_multi_message, _ffi.MERGE_MULTI_FN),
        }
        vtable = _ffi.BeamCryptoVtable()
        vtable.struct_size = ctypes.sizeof(_ffi.BeamCryptoVtable)
        for name, (wrapper, c_type) in wrappers.items():
            c_fn = c_type(wrapper) if fns[name] is not None else c_type()
            self.functions[name] = c_fn
            setattr(vtable, name, c_fn)
        self.vtables["crypto"] = vtable
        return vtable


def _peer_id(value, allow_none=False):
    if value is None and allow_none:
        return None
    if isinstance(value, str):
        value = value.encode("utf-8", "surrogateescape")
    elif value is None or not isinstance(value, (bytes, bytearray, memoryview)):
        raise TypeError(f"peer_id must be str or bytes, not {type(value).__name__}")
    value = bytes(value)
    if b"\0" in value:
        raise ValueError("peer_id must not contain NUL")
    return value


def _as_u32(name, value):
    value = _as_u64(name, value)
    if value > 0xFFFFFFFF:
        raise ValueError(f"{name} must be in [0, 2**32), not {value}")
    return value


def _as_i32(name, value):
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an int, not bool")
    try:
        value = operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be an int, not {type(value).__name__}") from None
    if not -(1 << 31) <= value < (1 << 31):
        raise ValueError(f"{name} must be a 32-bit signed int, not {value}")
    return value


def _require(name, feature):
    if not _ffi.has(name):
        raise UnsupportedError(f"{feature} needs {name}, which the loaded libbeamcore ({library_path()}) lacks")


# ---------------------------------------------------------------------------------
# Node


class Node:
    """A beam_node: a lean-consensus chain anchored at `anchor_state` (SSZ bytes).

    anchor_block:       the anchor's Block SSZ (None: rebuilt from the state; genesis)
    validator_indices:  the validators this node runs
    is_aggregator:      aggregate attestations at interval 2
    chain_worker:       True: mutations run on the node's own thread (tick/on_gossip only
                        queue; use wait_idle()); False: they run inline in the caller
    xmss_scheme:        XmssScheme.TEST or XmssScheme.PROD
    network:            None, or an object with any of publish_gossip(kind, data),
                        request_block(root), send_request(peer_id, protocol, payload,
                        request_id), send_response_chunk(request_id, payload),
                        send_response_end(request_id, result), report_peer(peer_id, action,
                        reason) (see the README); the methods it lacks are NULL in C
    clock:              None (the host calls tick()), or a callable returning the Unix time
                        in milliseconds: the node then ticks itself from a thread of its own
    log:                None, a callable log(level: LogLevel, message: str), or a
                        logging.Logger (levels mapped to logging's)
    log_level:          the most verbose LogLevel passed to `log` (default INFO)
    crypto:             a host crypto object (verify_single_message, verify_multi_message,
                        aggregate_single_message, merge_multi_message; see the README)
    proof_mode:         ProofMode.MOCKED or ProofMode.HOST; default HOST with `crypto`,
                        else MOCKED
    request_timeout_ms: req/resp request timeout in node time (0: the library's 10000)
    range_sync_batch:   blocks per BlocksByRange request (0: the library's 64)

    Callbacks run on the node's threads or on the thread calling into the node; they must
    not block for long and must not call this node (that raises RuntimeError inside the
    callback). Exceptions they raise cannot propagate into C: they are logged on the
    "beamcore" logger and recorded (callback_errors, raise_callback_errors()). The ctypes
    callbacks are kept alive until the node is destroyed.

    Use as a context manager or call close(); a Node not closed is destroyed when
    garbage-collected (or at exit).
    """

    def __init__(self, anchor_state, anchor_block=None, *, validator_indices=(), is_aggregator=False,
                 chain_worker=True, xmss_scheme=XmssScheme.TEST, network=None, proof_mode=None, crypto=None,
                 clock=None, log=None, log_level=LogLevel.INFO, request_timeout_ms=0, range_sync_batch=0):
        anchor_state = _as_bytes("anchor_state", anchor_state)
        if anchor_block is not None:
            anchor_block = _as_bytes("anchor_block", anchor_block)
        if isinstance(validator_indices, (bytes, str)):
            raise TypeError("validator_indices must be an iterable of ints")
        indices = [_as_u64("validator_indices[]", v) for v in validator_indices]
        xmss_scheme = _as_enum(XmssScheme, "xmss_scheme", xmss_scheme)
        if proof_mode is None:
            proof_mode = ProofMode.HOST if crypto is not None else ProofMode.MOCKED
        proof_mode = _as_enum(ProofMode, "proof_mode", proof_mode)
        if proof_mode == ProofMode.HOST and crypto is None:
            raise ValueError("ProofMode.HOST needs a crypto object")
        if proof_mode != ProofMode.HOST and crypto is not None:
            raise ValueError("a crypto object is used only with ProofMode.HOST")
        if clock is not None and not callable(clock):
            raise TypeError("clock must be a callable returning Unix milliseconds")
        if log is not None and not callable(log) and not isinstance(log, logging.Logger):
            raise TypeError("log must be a callable log(level, message) or a logging.Logger")
        log_level = _as_enum(LogLevel, "log_level", log_level)
        request_timeout_ms = _as_u32("request_timeout_ms", request_timeout_ms)
        range_sync_batch = _as_u32("range_sync_batch", range_sync_batch)
        if (clock is not None or log is not None or crypto is not None or request_timeout_ms or
                range_sync_batch):
            _require(_ffi.CONFIG_V2_MARKER, "clock, log, crypto, request_timeout_ms and range_sync_batch")

        self._h = _Handle("Node", "beam_node_destroy")
        config = _ffi.BeamNodeConfig()
        config.struct_size = ctypes.sizeof(_ffi.BeamNodeConfig)
        config.anchor_state_ssz = anchor_state
        config.anchor_state_len = len(anchor_state)
        config.anchor_block_ssz = anchor_block
        config.anchor_block_len = len(anchor_block) if anchor_block is not None else 0
        index_array = (ctypes.c_uint64 * len(indices))(*indices)
        config.validator_indices = index_array if indices else None
        config.validator_count = len(indices)
        config.is_aggregator = 1 if is_aggregator else 0
        config.chain_worker = 1 if chain_worker else 0
        config.xmss_scheme = xmss_scheme
        config.proof_mode = proof_mode
        config.request_timeout_ms = request_timeout_ms
        config.range_sync_batch = range_sync_batch
        callbacks = _Callbacks(self._h)
        if network is not None:
            config.network = ctypes.pointer(callbacks.network(network))
        if clock is not None:
            config.clock = ctypes.pointer(callbacks.clock(clock))
        if crypto is not None:
            config.crypto = ctypes.pointer(callbacks.crypto(crypto))
        if log is not None:
            config.log = ctypes.pointer(callbacks.log(log, log_level))
        # Before the create call: a clock or log callback may already run inside it.
        self._h.keepalive = callbacks
        self.network = network
        self.clock = clock
        self.crypto = crypto
        self.chain_worker = bool(chain_worker)
        self.proof_mode = proof_mode

        out = ctypes.c_void_p()
        try:
            check(lib().beam_node_create(ctypes.byref(config), ctypes.byref(out)), "beam_node_create")
        except BaseException:
            self._h.keepalive = None  # the library destroyed what it made, threads joined
            raise
        self._h.ptr = out.value
        self._finalizer = weakref.finalize(self, self._h.finalize)

    # -- lifetime
    def close(self):
        """Stops the node's threads and frees it (beam_node_destroy). Idempotent; waits for
        calls in flight on other threads. Borrows taken from the node stay valid. Callback
        errors recorded so far stay readable (callback_errors)."""
        self._h.close()

    @property
    def closed(self):
        return self._h.closed

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        state = "closed" if self.closed else ("worker" if self.chain_worker else "inline")
        return f"<beamcore.Node {state}>"

    # -- callback errors
    @property
    def callback_errors(self):
        """The CallbackErrors recorded and not yet raised (oldest first; at most the last
        64 are kept)."""
        return self._h.callback_errors()

    def raise_callback_errors(self):
        """Raises the oldest recorded CallbackError (clearing the record), if any. Its
        .others holds the ones recorded after it."""
        errors = self._h.take_callback_errors()
        if errors:
            first = errors[0]
            first.others = errors[1:]
            raise first

    # -- inputs
    def tick(self, interval):
        """Advances the node's clock to `interval` (intervals since genesis;
        INTERVALS_PER_SLOT per slot)."""
        interval = _as_u64("interval", interval)
        with self._h as ptr:
            check(lib().beam_node_tick(ptr, interval), "beam_node_tick")

    def on_gossip(self, kind, data, peer_id=None):
        """A gossip message of `kind` (TopicKind) from `peer_id` (str, bytes or None).
        With the chain worker, success means "queued for processing"."""
        kind = _as_enum(TopicKind, "kind", kind)
        data = _as_bytes("data", data)
        peer_id = _peer_id(peer_id, allow_none=True)
        with self._h as ptr:
            check(lib().beam_node_on_gossip(ptr, kind, data, len(data), peer_id), "beam_node_on_gossip")

    def wait_idle(self):
        """Waits until everything queued so far has been processed."""
        with self._h as ptr:
            check(lib().beam_node_wait_idle(ptr), "beam_node_wait_idle")

    # -- peers and req/resp
    def peer_connected(self, peer_id):
        """`peer_id` connected: the node asks it for its Status (network.send_request) and
        then fetches what it is missing."""
        peer_id = _peer_id(peer_id)
        with self._h as ptr:
            check(lib().beam_node_peer_connected(ptr, peer_id), "beam_node_peer_connected")

    def peer_disconnected(self, peer_id):
        """`peer_id` disconnected; NotFound for a peer the node does not know."""
        peer_id = _peer_id(peer_id)
        with self._h as ptr:
            check(lib().beam_node_peer_disconnected(ptr, peer_id), "beam_node_peer_disconnected")

    def on_request(self, peer_id, protocol, payload, request_id):
        """A request (ReqProtocol, SSZ payload) from `peer_id` (str, bytes or None). The
        node answers through network.send_response_chunk/send_response_end with the same
        `request_id` before this returns."""
        peer_id = _peer_id(peer_id, allow_none=True)
        protocol = _as_enum(ReqProtocol, "protocol", protocol)
        payload = _as_bytes("payload", payload)
        request_id = _as_u64("request_id", request_id)
        with self._h as ptr:
            check(lib().beam_node_on_request(ptr, peer_id, protocol, payload, len(payload), request_id),
                  "beam_node_on_request")

    def on_response_chunk(self, request_id, payload):
        """A response chunk (SSZ) for a request the node sent (network.send_request).
        NotFound for an unknown, finished or expired request id; a chunk that does not
        answer the request is refused (an error) and its peer reported."""
        request_id = _as_u64("request_id", request_id)
        payload = _as_bytes("payload", payload)
        with self._h as ptr:
            check(lib().beam_node_on_response_chunk(ptr, request_id, payload, len(payload)),
                  "beam_node_on_response_chunk")

    def on_response_end(self, request_id, result=RespCode.SUCCESS):
        """The end of the response to `request_id`; `result` a RespCode (or another
        32-bit code). NotFound for an unknown, finished or expired request id."""
        request_id = _as_u64("request_id", request_id)
        result = _as_i32("result", result)
        with self._h as ptr:
            check(lib().beam_node_on_response_end(ptr, request_id, result), "beam_node_on_response_end")

    # -- production
    def produce_block(self, slot, proposer):
        """Builds (and imports) the block of `slot` as `proposer`: SignedBlock SSZ.
        Rejected("WRONG_PROPOSER") unless `proposer` proposes at `slot`."""
        slot = _as_u64("slot", slot)
        proposer = _as_u64("proposer", proposer)
        with self._h as ptr:
            return _take_buffer("beam_node_produce_block", lib().beam_node_produce_block, ptr, slot, proposer)

    def produce_attestation_data(self, slot):
        """The AttestationData SSZ this node's validators vote at `slot`."""
        slot = _as_u64("slot", slot)
        with self._h as ptr:
            return _take_buffer("beam_node_produce_attestation_data",
                                lib().beam_node_produce_attestation_data, ptr, slot)

    # -- reads
    def _checkpoint(self, name):
        out = _ffi.BeamCheckpoint()
        with self._h as ptr:
            check(getattr(lib(), name)(ptr, ctypes.byref(out)), name)
        return _checkpoint(out)

    def head(self):
        return self._checkpoint("beam_node_head")

    def justified(self):
        return self._checkpoint("beam_node_justified")

    def finalized(self):
        return self._checkpoint("beam_node_finalized")

    def metrics_text(self):
        """The node's metrics in the Prometheus text format."""
        with self._h as ptr:
            text = _take_buffer("beam_node_metrics_text", lib().beam_node_metrics_text, ptr)
        return text.decode("utf-8", "replace")

    def _borrow(self, name, *args):
        out = ctypes.c_void_p()
        with self._h as ptr:
            check(getattr(lib(), name)(ptr, *args, ctypes.byref(out)), name)
        return StateBorrow._adopt(out.value)

    def borrow_head(self):
        return self._borrow("beam_state_borrow_head")

    def borrow_finalized(self):
        return self._borrow("beam_state_borrow_finalized")

    def borrow_by_root(self, root):
        """The state of block `root`; NotFound when the node keeps none."""
        return self._borrow("beam_state_borrow_by_root", _as_root("root", root))


class StateBorrow:
    """A read-only reference to a chain state (beam_state_borrow). Never blocks the
    node and stays valid after the Node is closed. Use as a context manager or call
    release() (idempotent)."""

    def __init__(self):
        raise TypeError("StateBorrow is obtained from Node.borrow_head/borrow_finalized/borrow_by_root")

    @classmethod
    def _adopt(cls, ptr):
        self = object.__new__(cls)
        self._h = _Handle("StateBorrow", "beam_state_borrow_release")
        self._h.ptr = ptr
        self._finalizer = weakref.finalize(self, self._h.finalize)
        return self

    def release(self):
        self._h.close()

    close = release

    @property
    def released(self):
        return self._h.closed

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release()

    def __repr__(self):
        if self.released:
            return "<beamcore.StateBorrow released>"
        return f"<beamcore.StateBorrow slot={self.slot}>"

    def _u64(self, name):
        out = ctypes.c_uint64()
        with self._h as ptr:
            check(getattr(lib(), name)(ptr, ctypes.byref(out)), name)
        return out.value

    def _cp(self, name):
        out = _ffi.BeamCheckpoint()
        with self._h as ptr:
            check(getattr(lib(), name)(ptr, ctypes.byref(out)), name)
        return _checkpoint(out)

    @property
    def slot(self):
        return self._u64("beam_state_borrow_slot")

    @property
    def validator_count(self):
        return self._u64("beam_state_borrow_validator_count")

    @property
    def latest_justified(self):
        return self._cp("beam_state_borrow_latest_justified")

    @property
    def latest_finalized(self):
        return self._cp("beam_state_borrow_latest_finalized")

    def serialize(self):
        """The state's SSZ encoding."""
        with self._h as ptr:
            return _take_buffer("beam_state_borrow_serialize", lib().beam_state_borrow_serialize, ptr)


# ---------------------------------------------------------------------------------
# XMSS keys and signing (validator duties)


class XmssKey:
    """A validator's XMSS secret key (beam_xmss_key). Thread-safe (signing serializes on
    the key). Make one with XmssKey.generate(); use as a context manager or call close()
    (idempotent); destroyed when garbage-collected."""

    def __init__(self):
        raise TypeError("an XmssKey is made by XmssKey.generate(scheme, seed, activation_slot, num_active_slots)")

    @classmethod
    def generate(cls, scheme, seed, activation_slot, num_active_slots):
        """A key of `scheme` (XmssScheme) active for at least [activation_slot,
        activation_slot + num_active_slots), derived deterministically from the 32-byte
        `seed` (the same seed gives the same key). seed=None draws 32 random bytes (what
        production wants). TEST keys take milliseconds, PROD keys tens of seconds."""
        _require("beam_xmss_key_generate", "XmssKey")
        scheme = _as_enum(XmssScheme, "scheme", scheme)
        seed = secrets.token_bytes(32) if seed is None else _as_root("seed", seed)
        activation_slot = _as_u64("activation_slot", activation_slot)
        num_active_slots = _as_u64("num_active_slots", num_active_slots)
        self = object.__new__(cls)
        self.scheme = scheme
        self._public_key = None
        self._h = _Handle("XmssKey", "beam_xmss_key_destroy")
        out = ctypes.c_void_p()
        check(lib().beam_xmss_key_generate(scheme, seed, activation_slot, num_active_slots, ctypes.byref(out)),
              "beam_xmss_key_generate")
        self._h.ptr = out.value
        self._finalizer = weakref.finalize(self, self._h.finalize)
        return self

    def close(self):
        self._h.close()

    @property
    def closed(self):
        return self._h.closed

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        if self.closed:
            return "<beamcore.XmssKey closed>"
        return f"<beamcore.XmssKey {self.scheme.name} {self.public_key[:8].hex()}...>"

    @property
    def public_key(self):
        """The public key's SSZ encoding (PUBLIC_KEY_SIZE bytes)."""
        if self._public_key is None:
            out = (ctypes.c_uint8 * PUBLIC_KEY_SIZE)()
            with self._h as ptr:
                check(lib().beam_xmss_key_public(ptr, out), "beam_xmss_key_public")
            self._public_key = bytes(out)
        return self._public_key

    def sign(self, slot, message):
        """The signature (SSZ) of the 32-byte `message` for `slot`. Never sign two
        messages for one slot. FailedPrecondition outside the key's active range."""
        slot = _as_u64("slot", slot)
        message = _as_root("message", message)
        with self._h as ptr:
            return _take_buffer("beam_xmss_sign", lib().beam_xmss_sign, ptr, slot, message)

    def verify(self, slot, message, signature):
        """xmss_verify() with this key's scheme and public key."""
        return xmss_verify(self.scheme, self.public_key, slot, message, signature)

    def sign_attestation(self, validator_index, attestation_data):
        """A validator's vote: signs hash_tree_root(attestation_data) (AttestationData
        SSZ) for its slot and returns the SignedAttestation SSZ, ready for
        Node.on_gossip(TopicKind.ATTESTATION, ...) and for publishing."""
        validator_index = _as_u64("validator_index", validator_index)
        attestation_data = _as_bytes("attestation_data", attestation_data)
        with self._h as ptr:
            return _take_buffer("beam_attestation_sign", lib().beam_attestation_sign, ptr, validator_index,
                                attestation_data, len(attestation_data))


def xmss_verify(scheme, public_key, slot, message, signature):
    """Whether `signature` (SSZ) is `public_key`'s (52 bytes) signature of the 32-byte
    `message` for `slot` under `scheme`: True or False. DecodeError for a malformed key
    or signature."""
    _require("beam_xmss_verify", "xmss_verify")
    scheme = _as_enum(XmssScheme, "scheme", scheme)
    public_key = _as_bytes("public_key", public_key)
    if len(public_key) != PUBLIC_KEY_SIZE:
        raise ValueError(f"public_key must be {PUBLIC_KEY_SIZE} bytes, not {len(public_key)}")
    slot = _as_u64("slot", slot)
    message = _as_root("message", message)
    signature = _as_bytes("signature", signature)
    status = lib().beam_xmss_verify(scheme, public_key, slot, message, signature, len(signature))
    if status == _ffi.BEAM_ERR_REJECTED:
        return False
    check(status, "beam_xmss_verify")
    return True


# ---------------------------------------------------------------------------------
# The chain's concurrency primitives


def _create_handle(what, create_name, destroy_name):
    handle = _Handle(what, destroy_name)
    out = ctypes.c_void_p()
    check(getattr(lib(), create_name)(ctypes.byref(out)), create_name)
    handle.ptr = out.value
    return handle


class _Closable:
    """close() (idempotent), a context manager, destroyed when garbage-collected."""

    def _init_handle(self, what, create_name, destroy_name):
        self._h = _create_handle(what, create_name, destroy_name)
        self._finalizer = weakref.finalize(self, self._h.finalize)

    def close(self):
        self._h.close()

    @property
    def closed(self):
        return self._h.closed

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class LockedMap(_Closable):
    """beam_locked_map: a mutex-protected hash map of byte strings (copied in and out).

    Mirrors the C calls (put/get/remove/fetch_remove/count/iterate) and adds the mapping
    sugar: len(m), key in m, m[key] (KeyError if absent), m[key] = value, del m[key],
    items(). Thread-safe.
    """

    def __init__(self):
        self._init_handle("LockedMap", "beam_locked_map_create", "beam_locked_map_destroy")

    def put(self, key, value):
        """Sets key to value; True if the key was new, False if its value was replaced."""
        key, value = _as_bytes("key", key), _as_bytes("value", value)
        inserted = ctypes.c_int(-1)
        with self._h as ptr:
            check(lib().beam_locked_map_put(ptr, key, len(key), value, len(value), ctypes.byref(inserted)),
                  "beam_locked_map_put")
        return inserted.value == 1

    def get(self, key):
        """The value of key; NotFound if absent."""
        key = _as_bytes("key", key)
        with self._h as ptr:
            return _take_buffer("beam_locked_map_get", lib().beam_locked_map_get, ptr, key, len(key))

    def remove(self, key):
        """Removes key; NotFound if absent."""
        key = _as_bytes("key", key)
        with self._h as ptr:
            check(lib().beam_locked_map_remove(ptr, key, len(key)), "beam_locked_map_remove")

    def fetch_remove(self, key):
        """Removes key and returns its value; NotFound if absent."""
        key = _as_bytes("key", key)
        with self._h as ptr:
            return _take_buffer("beam_locked_map_fetch_remove", lib().beam_locked_map_fetch_remove, ptr, key, len(key))

    def count(self):
        out = ctypes.c_size_t()
        with self._h as ptr:
            check(lib().beam_locked_map_count(ptr, ctypes.byref(out)), "beam_locked_map_count")
        return out.value

    def iterate(self, fn):
        """Calls fn(key, value) for every entry, under the map's lock (so fn must not use
        this map: that raises RuntimeError). A truthy return stops the iteration; an
        exception stops it and propagates."""
        if not callable(fn):
            raise TypeError("fn must be callable")
        handle = self._h
        raised = []

        def visit(key, key_len, value, value_len, _user_data):
            stack = _tls.__dict__.setdefault("callbacks", [])
            stack.append(handle)
            try:
                k = ctypes.string_at(key, key_len) if key_len else b""
                v = ctypes.string_at(value, value_len) if value_len else b""
                return 1 if fn(k, v) else 0
            except BaseException as e:  # re-raised once the C call returns
                raised.append(e)
                return 1
            finally:
                stack.pop()

        c_visit = _ffi.LOCKED_MAP_VISIT_FN(visit)
        with self._h as ptr:
            check(lib().beam_locked_map_iterate(ptr, c_visit, None), "beam_locked_map_iterate")
        if raised:
            raise raised[0]

    def items(self):
        """A snapshot list of (key, value) pairs."""
        out = []
        self.iterate(lambda k, v: out.append((k, v)))
        return out

    def keys(self):
        return [k for k, _ in self.items()]

    def __len__(self):
        return self.count()

    def __contains__(self, key):
        try:
            self.get(key)
            return True
        except NotFound:
            return False

    def __getitem__(self, key):
        try:
            return self.get(key)
        except NotFound:
            raise KeyError(key) from None

    def __setitem__(self, key, value):
        self.put(key, value)

    def __delitem__(self, key):
        try:
            self.remove(key)
        except NotFound:
            raise KeyError(key) from None

    def __repr__(self):
        return "<beamcore.LockedMap closed>" if self.closed else f"<beamcore.LockedMap count={self.count()}>"


class BlockCache(_Closable):
    """beam_block_cache: blocks waiting for their parent (SignedBlock SSZ, keyed by block
    root, with parent links), at most 1024 blocks. Thread-safe."""

    def __init__(self):
        self._init_handle("BlockCache", "beam_block_cache_create", "beam_block_cache_destroy")

    def insert(self, signed_block, keep_ssz=True):
        """Caches a SignedBlock (SSZ) under its block root, which is returned. Re-inserting
        is a no-op; ResourceExhausted when full; DecodeError on malformed SSZ."""
        signed_block = _as_bytes("signed_block", signed_block)
        root = (ctypes.c_uint8 * ROOT_SIZE)()
        with self._h as ptr:
            check(lib().beam_block_cache_insert(ptr, signed_block, len(signed_block), 1 if keep_ssz else 0, root),
                  "beam_block_cache_insert")
        return bytes(root)

    def get(self, root):
        """The block's SignedBlock SSZ; NotFound if absent."""
        root = _as_root("root", root)
        with self._h as ptr:
            return _take_buffer("beam_block_cache_get", lib().beam_block_cache_get, ptr, root)

    def remove(self, root):
        """Removes the block and its parent link; NotFound if absent."""
        root = _as_root("root", root)
        with self._h as ptr:
            check(lib().beam_block_cache_remove(ptr, root), "beam_block_cache_remove")

    def remove_children(self, parent_root):
        """Removes every cached descendant of parent_root; returns how many."""
        parent_root = _as_root("parent_root", parent_root)
        removed = ctypes.c_size_t()
        with self._h as ptr:
            check(lib().beam_block_cache_remove_children(ptr, parent_root, ctypes.byref(removed)),
                  "beam_block_cache_remove_children")
        return removed.value

    def children(self, parent_root):
        """The roots of the cached children of parent_root (a list of 32-byte values)."""
        parent_root = _as_root("parent_root", parent_root)
        with self._h as ptr:
            roots = _take_buffer("beam_block_cache_children", lib().beam_block_cache_children, ptr, parent_root)
        return [roots[i:i + ROOT_SIZE] for i in range(0, len(roots), ROOT_SIZE)]

    def count(self):
        out = ctypes.c_size_t()
        with self._h as ptr:
            check(lib().beam_block_cache_count(ptr, ctypes.byref(out)), "beam_block_cache_count")
        return out.value

    def __len__(self):
        return self.count()

    def __contains__(self, root):
        try:
            self.get(root)
            return True
        except NotFound:
            return False

    def __repr__(self):
        return "<beamcore.BlockCache closed>" if self.closed else f"<beamcore.BlockCache count={self.count()}>"
