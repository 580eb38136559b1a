"""The node's host interfaces: Python objects behind the C vtables (network, clock, log
sink, crypto). The library calls Python through ctypes function pointers; nothing may
unwind into C, so every callback catches what the Python side raises, logs it on the
"beamcore" logger and records it (Node.callback_errors)."""

import collections
import ctypes
import logging
import threading

from . import _ffi, _util
from ._handle import callback_scope
from ._util import (array_at, as_bytes, as_u64, bytes_at, c_string, grouped_keys_at, keys_at, maybe_enum, split,
                    split_fixed)
from .constants import ROOT_SIZE
from .enums import LogLevel, PeerAction, ReqProtocol, RespCode, TopicKind
from .errors import CallbackError, InvalidProof, check
from .records import MergeComponent, MessageComponent, ProofWithKeys, RawSignature

_log = logging.getLogger("beamcore")

MAX_RECORDED_ERRORS = 64  # callback errors a node keeps (the newest)

NETWORK_METHODS = ("publish_gossip", "send_request", "send_response_chunk", "send_response_end", "report_peer",
                   "request_block")
CRYPTO_METHODS = ("verify_single_message", "verify_multi_message", "aggregate_single_message", "merge_multi_message")

# Host crypto callback results (beam_crypto_vtable).
_CRYPTO_OK, _CRYPTO_INVALID, _CRYPTO_FAILED = 0, 1, 2

_PYTHON_LOG_LEVELS = {1: logging.ERROR, 2: logging.WARNING, 3: logging.INFO, 4: logging.DEBUG}


class CallbackErrors:
    """The exceptions a node's callbacks raised: logged, and the newest kept."""

    def __init__(self, what):
        self.what = what
        self._lock = threading.Lock()
        self._errors = collections.deque(maxlen=MAX_RECORDED_ERRORS)

    def record(self, callback, exception):
        """Called from inside a callback: logs and keeps the exception (never raises)."""
        try:
            with self._lock:
                self._errors.append(CallbackError(callback, exception))
            _log.error("beamcore: exception in %s ignored (recorded on the %s)", callback, self.what,
                       exc_info=(type(exception), exception, exception.__traceback__))
        except BaseException:  # logging itself failed: still nothing may reach C
            pass

    def snapshot(self):
        with self._lock:
            return list(self._errors)

    def take(self):
        with self._lock:
            errors = list(self._errors)
            self._errors.clear()
            return errors


def _method(obj, name, what):
    fn = getattr(obj, name, None)
    if fn is not None and not callable(fn):
        raise TypeError(f"{what}.{name} must be callable")
    return fn


class _InvalidAnswer(Exception):
    """Internal: a crypto callback answered "invalid" (C code 1)."""


class HostCallbacks:
    """The ctypes callbacks of one node and the vtables that point at them. Kept alive
    by the node's handle until beam_node_destroy has returned (the C side holds raw
    pointers to them). They reference the handle and the error record, never the Node,
    so a dropped Node is still garbage-collected."""

    def __init__(self, handle, errors):
        self.handle = handle
        self.errors = errors
        self.functions = {}  # C field name -> ctypes function object (or a NULL one)
        self.vtables = {}    # "network" / "clock" / "crypto" / "log" -> ctypes Structure

    def _run(self, what, fn, *args):
        """Calls fn(*args) marked as a callback of this handle. Returns (ok, result)."""
        with callback_scope(self.handle):
            try:
                return True, fn(*args)
            except BaseException as e:  # nothing may unwind into C; the node goes on
                self.errors.record(what, e)
                return False, None

    def _install(self, vtable, wrappers, present):
        for name, (wrapper, c_type) in wrappers.items():
            c_fn = c_type(wrapper) if present[name] is not None else c_type()  # NULL when absent
            self.functions[name] = c_fn
            setattr(vtable, name, c_fn)

    # -- network
    def network(self, network):
        fns = {name: _method(network, name, "network") for name in NETWORK_METHODS}
        if all(fn is None for fn in fns.values()):
            raise TypeError("network must have at least one of publish_gossip(kind, data), request_block(root), "
                            "send_request(peer_id, protocol, payload, request_id), send_response_chunk(request_id, "
                            "payload), send_response_end(request_id, result), report_peer(peer_id, action, reason)")

        def publish_gossip(kind, ptr, length, _user_data):
            self._run("network.publish_gossip",
                      lambda: fns["publish_gossip"](maybe_enum(TopicKind, kind), bytes_at(ptr, length)))

        def send_request(peer_ptr, protocol, ptr, length, request_id, _user_data):
            self._run("network.send_request", lambda: fns["send_request"](
                c_string(peer_ptr), maybe_enum(ReqProtocol, protocol), bytes_at(ptr, length), request_id))

        def send_response_chunk(request_id, ptr, length, _user_data):
            self._run("network.send_response_chunk",
                      lambda: fns["send_response_chunk"](request_id, bytes_at(ptr, length)))

        def send_response_end(request_id, result, _user_data):
            self._run("network.send_response_end",
                      lambda: fns["send_response_end"](request_id, maybe_enum(RespCode, result)))

        def report_peer(peer_ptr, action, reason_ptr, _user_data):
            self._run("network.report_peer", lambda: fns["report_peer"](
                c_string(peer_ptr), maybe_enum(PeerAction, action), c_string(reason_ptr) or ""))

        def request_block(root_ptr, _user_data):
            self._run("network.request_block", lambda: fns["request_block"](bytes_at(root_ptr, ROOT_SIZE)))

        vtable = _util.new_struct(_ffi.BeamNetworkVtable, "beam_network_vtable_init")
        self._install(vtable, {
            "publish_gossip": (publish_gossip, _ffi.PUBLISH_GOSSIP_FN),
            "send_request": (send_request, _ffi.SEND_REQUEST_FN),
            "send_response_chunk": (send_response_chunk, _ffi.SEND_RESPONSE_CHUNK_FN),
            "send_response_end": (send_response_end, _ffi.SEND_RESPONSE_END_FN),
            "report_peer": (report_peer, _ffi.REPORT_PEER_FN),
            "request_block": (request_block, _ffi.REQUEST_BLOCK_FN),
        }, fns)
        self.vtables["network"] = vtable
        return vtable

    # -- clock
    def clock(self, clock):
        last = [0]

        def read():
            value = clock()
            if isinstance(value, float):
                value = int(value)
            return as_u64("clock()", value)

        def now_ms(_user_data):
            ok, value = self._run("clock", read)
            if ok:
                last[0] = value
            return last[0]  # a failing clock reads as standing still

        vtable = _util.new_struct(_ffi.BeamClockVtable, "beam_clock_vtable_init")
        self._install(vtable, {"now_ms": (now_ms, _ffi.CLOCK_NOW_FN)}, {"now_ms": clock})
        self.vtables["clock"] = vtable
        return vtable

    # -- log
    def log(self, log, max_level):
        if isinstance(log, logging.Logger):
            logger = log

            def log(level, message):
                logger.log(_PYTHON_LOG_LEVELS.get(int(level), logging.INFO), "%s", message)

        def on_log(level, message_ptr, _user_data):
            self._run("log", lambda: log(maybe_enum(LogLevel, level), c_string(message_ptr, "replace") or ""))

        sink = _util.new_struct(_ffi.BeamLogSink, "beam_log_sink_init")
        sink.max_level = max_level
        self._install(sink, {"log": (on_log, _ffi.LOG_FN)}, {"log": log})
        self.vtables["log"] = sink
        return sink

    # -- host crypto
    def _crypto_call(self, what, fn):
        """Runs a crypto callback: 0 on success, 1 for InvalidProof (or a False
        verdict), 2 when it raised anything else (recorded as a callback error)."""
        with callback_scope(self.handle):
            try:
                fn()
                return _CRYPTO_OK
            except (InvalidProof, _InvalidAnswer):
                return _CRYPTO_INVALID
            except BaseException as e:
                self.errors.record(what, e)
                return _CRYPTO_FAILED

    @staticmethod
    def _verdict(what, result):
        if result is True:
            return
        if result is False:
            raise _InvalidAnswer()
        raise TypeError(f"{what} must return True (valid) or False (invalid), not {result!r}")

    @staticmethod
    def _to_sink(what, sink, result):
        data = as_bytes(f"the result of {what}", result)
        check(_ffi.lib().beam_bytes_sink_append(sink, data, len(data)), "beam_bytes_sink_append")

    def crypto(self, crypto):
        fns = {name: _method(crypto, name, "crypto") for name in CRYPTO_METHODS}
        lacking = [name for name, fn in fns.items() if fn is None]
        if lacking:  # beamcore.h: all four callbacks are required with BEAM_PROOFS_HOST
            raise TypeError(f"crypto must have all of {', '.join(CRYPTO_METHODS)}; it lacks {', '.join(lacking)}")

        def verify_single_message(keys, num_keys, message, slot, proof, proof_len, _user_data):
            what = "crypto.verify_single_message"
            return self._crypto_call(what, lambda: self._verdict(what, fns["verify_single_message"](
                keys_at(keys, num_keys), bytes_at(message, ROOT_SIZE), slot, bytes_at(proof, proof_len))))

        def verify_multi_message(keys, keys_per_message, num_messages, messages, slots, proof, proof_len,
                                 _user_data):
            what = "crypto.verify_multi_message"

            def call():
                counts = array_at(ctypes.c_size_t, keys_per_message, num_messages)
                roots = split_fixed(bytes_at(messages, ROOT_SIZE * num_messages), ROOT_SIZE)
                components = [MessageComponent(k, m, s) for k, m, s in zip(
                    grouped_keys_at(keys, counts), roots, array_at(ctypes.c_uint64, slots, num_messages))]
                self._verdict(what, fns["verify_multi_message"](components, bytes_at(proof, proof_len)))

            return self._crypto_call(what, call)

        def aggregate_single_message(child_proofs, child_proof_lens, child_keys, keys_per_child, num_children,
                                     raw_keys, raw_signatures, raw_signature_lens, num_raw, message, slot, sink,
                                     _user_data):
            what = "crypto.aggregate_single_message"

            def call():
                proof_lens = array_at(ctypes.c_size_t, child_proof_lens, num_children)
                proofs = split(bytes_at(child_proofs, sum(proof_lens)), proof_lens)
                keys = grouped_keys_at(child_keys, array_at(ctypes.c_size_t, keys_per_child, num_children))
                children = [ProofWithKeys(p, k) for p, k in zip(proofs, keys)]
                signature_lens = array_at(ctypes.c_size_t, raw_signature_lens, num_raw)
                signatures = split(bytes_at(raw_signatures, sum(signature_lens)), signature_lens)
                raw = [RawSignature(k, s) for k, s in zip(keys_at(raw_keys, num_raw), signatures)]
                result = fns["aggregate_single_message"](children, raw, bytes_at(message, ROOT_SIZE), slot)
                self._to_sink(what, sink, result)

            return self._crypto_call(what, call)

        def merge_multi_message(proofs, proof_lens, keys, keys_per_proof, messages, slots, num_proofs, sink,
                                _user_data):
            what = "crypto.merge_multi_message"

            def call():
                lens = array_at(ctypes.c_size_t, proof_lens, num_proofs)
                components = [MergeComponent(p, k, m, s) for p, k, m, s in zip(
                    split(bytes_at(proofs, sum(lens)), lens),
                    grouped_keys_at(keys, array_at(ctypes.c_size_t, keys_per_proof, num_proofs)),
                    split_fixed(bytes_at(messages, ROOT_SIZE * num_proofs), ROOT_SIZE),
                    array_at(ctypes.c_uint64, slots, num_proofs))]
                self._to_sink(what, sink, fns["merge_multi_message"](components))

            return self._crypto_call(what, call)

        vtable = _util.new_struct(_ffi.BeamCryptoVtable, "beam_crypto_vtable_init")
        self._install(vtable, {
            "verify_single_message": (verify_single_message, _ffi.VERIFY_SINGLE_FN),
            "verify_multi_message": (verify_multi_message, _ffi.VERIFY_MULTI_FN),
            "aggregate_single_message": (aggregate_single_message, _ffi.AGGREGATE_SINGLE_FN),
            "merge_multi_message": (merge_multi_message, _ffi.MERGE_MULTI_FN),
        }, fns)
        self.vtables["crypto"] = vtable
        return vtable
