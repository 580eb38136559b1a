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
"""

import collections
import ctypes
import enum
import logging
import operator
import threading
import weakref

from . import _ffi
from ._ffi import LibraryNotFoundError, lib, library_path, load
from .errors import (
    BeamError,
    ClosedError,
    DecodeError,
    FailedPrecondition,
    InternalError,
    InvalidArgument,
    NotFound,
    Rejected,
    ResourceExhausted,
    Unavailable,
    check,
    error_for_status,
)

__all__ = [
    "BeamError", "InvalidArgument", "DecodeError", "Rejected", "NotFound", "Unavailable",
    "FailedPrecondition", "ResourceExhausted", "InternalError", "ClosedError", "LibraryNotFoundError",
    "Status", "SszType", "TopicKind", "XmssScheme", "ProofMode", "Checkpoint",
    "Node", "StateBorrow", "LockedMap", "BlockCache", "hash_tree_root", "stf_apply", "genesis_state", "version", "version_number",
    "load", "lib", "library_path", "check", "error_for_status",
    "INTERVALS_PER_SLOT", "ROOT_SIZE", "PUBLIC_KEY_SIZE",
]

_log = logging.getLogger("beamcore")

# leanSpec constants the C API uses but does not export (consensus/config.h).
INTERVALS_PER_SLOT = 5
ROOT_SIZE = 32
PUBLIC_KEY_SIZE = 52  # SSZ size of one XMSS public key in beam_genesis_state
_U64_MAX = (1 << 64) - 1


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
    MOCKED = 0


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
        self.keepalive = None  # ctypes callbacks and the vtable they sit in

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
        keys = [_as_bytes(f"{name}[{i}]", k) for i, k in enumerate(keys)]
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
    52-byte public keys, concatenated (or a list of 52-byte values); None means all-zero
    keys (tests and benchmarks)."""
    genesis_time = _as_u64("genesis_time", genesis_time)
    validator_count = _as_u64("validator_count", validator_count)
    attestation_keys = _keys("attestation_keys", attestation_keys, validator_count)
    proposal_keys = _keys("proposal_keys", proposal_keys, validator_count)
    return _take_buffer("beam_genesis_state", lib().beam_genesis_state,
                        genesis_time, attestation_keys, proposal_keys, validator_count)


# ---------------------------------------------------------------------------------
# Node


def _make_callbacks(network, handle):
    """The ctypes callbacks for `network`, and the vtable pointing at them. They hold no
    reference to the Node, so a dropped Node is still garbage-collected."""
    publish = getattr(network, "publish_gossip", None)
    request = getattr(network, "request_block", None)
    if publish is not None and not callable(publish):
        raise TypeError("network.publish_gossip must be callable")
    if request is not None and not callable(request):
        raise TypeError("network.request_block must be callable")
    if publish is None and request is None:
        raise TypeError("network must have a publish_gossip(kind, data) and/or request_block(root) method")

    def run(what, fn, *args):
        stack = _tls.__dict__.setdefault("callbacks", [])
        stack.append(handle)
        try:
            fn(*args)
        except BaseException:  # nothing may unwind into C; the node goes on
            _log.exception("beamcore: exception in network.%s ignored", what)
        finally:
            stack.pop()

    def on_publish(kind, ptr, length, _user_data):
        try:
            data = ctypes.string_at(ptr, length) if length else b""
            try:
                kind = TopicKind(kind)
            except ValueError:
                pass
        except BaseException:
            _log.exception("beamcore: bad publish_gossip arguments from the library")
            return
        run("publish_gossip", publish, kind, data)

    def on_request(root_ptr, _user_data):
        if not root_ptr:
            _log.error("beamcore: request_block called with a NULL root; ignored")
            return
        run("request_block", request, ctypes.string_at(root_ptr, ROOT_SIZE))

    c_publish = _ffi.PUBLISH_GOSSIP_FN(on_publish) if publish is not None else _ffi.PUBLISH_GOSSIP_FN()
    c_request = _ffi.REQUEST_BLOCK_FN(on_request) if request is not None else _ffi.REQUEST_BLOCK_FN()
    vtable = _ffi.BeamNetworkVtable(ctypes.sizeof(_ffi.BeamNetworkVtable), c_publish, c_request, None)
    return vtable, (c_publish, c_request, vtable)


class Node:
    """A beam_node: a lean-consensus chain anchored at `anchor_state` (SSZ bytes).

    anchor_block:      the anchor's Block SSZ (None: rebuilt from the state; genesis)
    validator_indices: the validators this node runs
    is_aggregator:     aggregate attestations at interval 2
    chain_worker:      True: mutations run on the node's own thread (tick/on_gossip only
                       queue; use wait_idle()); False: they run inline in the caller
    xmss_scheme:       XmssScheme.TEST or XmssScheme.PROD
    network:           None, or an object with publish_gossip(kind: TopicKind, data: bytes)
                       and/or request_block(root: bytes). They run on the node's chain thread
                       (or the caller's, inline), must not block for long and must not call
                       this node; exceptions in them are logged ("beamcore" logger) and ignored.

    Use as a context manager or call close(); a Node not closed is destroyed when
    garbage-collected (or at exit).
    """

    def __init__(self, anchor_state, anchor_block=None, *, validator_indices=(), is_aggregator=False,
                 chain_worker=True, xmss_scheme=XmssScheme.TEST, network=None, proof_mode=ProofMode.MOCKED):
        anchor_state = _as_bytes("anchor_state", anchor_state)
        if anchor_block is not None:
            anchor_block = _as_bytes("anchor_block", anchor_block)
        if isinstance(validator_indices, (bytes, str)):
            raise TypeError("validator_indices must be an iterable of ints")
        indices = [_as_u64("validator_indices[]", v) for v in validator_indices]
        xmss_scheme = _as_enum(XmssScheme, "xmss_scheme", xmss_scheme)
        proof_mode = _as_enum(ProofMode, "proof_mode", proof_mode)

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
        if network is not None:
            vtable, keepalive = _make_callbacks(network, self._h)
            self._h.keepalive = keepalive
            config.network = ctypes.pointer(vtable)
        self.network = network
        self.chain_worker = bool(chain_worker)

        out = ctypes.c_void_p()
        check(lib().beam_node_create(ctypes.byref(config), ctypes.byref(out)), "beam_node_create")
        self._h.ptr = out.value
        self._finalizer = weakref.finalize(self, self._h.finalize)

    # -- lifetime
    def close(self):
        """Stops the node's thread and frees it (beam_node_destroy). Idempotent; waits for
        calls in flight on other threads. Borrows taken from the node stay valid."""
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
        if peer_id is not None:
            if isinstance(peer_id, str):
                peer_id = peer_id.encode("utf-8")
            peer_id = _as_bytes("peer_id", peer_id)
            if b"\0" in peer_id:
                raise ValueError("peer_id must not contain NUL")
        with self._h as ptr:
            check(lib().beam_node_on_gossip(ptr, kind, data, len(data), peer_id), "beam_node_on_gossip")

    def wait_idle(self):
        """Waits until everything queued so far has been processed."""
        with self._h as ptr:
            check(lib().beam_node_wait_idle(ptr), "beam_node_wait_idle")

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
