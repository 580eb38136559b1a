"""Node: a beam_node, the lean-consensus chain a host drives."""

import ctypes
import logging

from . import _ffi, _util
from ._callbacks import CallbackErrors, HostCallbacks
from ._handle import Closable
from ._util import as_bytes, as_enum, as_i32, as_path, as_peer_id, as_root, as_u32, as_u64, take_buffer
from .api import api_handle
from .borrow import StateBorrow
from .enums import LogLevel, ProofMode, ReqProtocol, RespCode, StorageSync, TopicKind, XmssScheme
from .errors import check
from .records import Checkpoint, NodeHealth


class Node(Closable):
    """A beam_node: a lean-consensus chain anchored at `anchor_state` (SSZ bytes).

    anchor_block:       the anchor's Block SSZ (None: rebuilt from the state; genesis)
    validator_indices:  the validators this node runs
    is_aggregator:      aggregate attestations at interval 2 (the initial role; the lean
                        API's POST /lean/v0/admin/aggregator switches it)
    chain_worker:       True: mutations run on the node's own thread (tick/on_gossip only
                        queue; use wait_idle()); False: they run inline in the caller
    xmss_scheme:        XmssScheme.TEST or XmssScheme.PROD
    network:            None, or an object with any of publish_gossip(kind, data),
                        send_request(peer_id, protocol, payload, request_id),
                        send_response_chunk(request_id, payload), send_response_end(
                        request_id, result), report_peer(peer_id, action, reason),
                        request_block(root) (see the README); the methods it lacks are
                        NULL in C
    clock:              None (the host calls tick()), or a callable returning the Unix time
                        in milliseconds: the node then ticks itself from a thread of its own
    log:                None, a callable log(level: LogLevel, message: str), or a
                        logging.Logger (levels mapped to logging's)
    log_level:          the most verbose LogLevel passed to `log` (default INFO)
    crypto:             a host crypto object with all of verify_single_message,
                        verify_multi_message, aggregate_single_message and
                        merge_multi_message (see the README)
    proof_mode:         ProofMode.MOCKED or ProofMode.HOST; default HOST with `crypto`,
                        else MOCKED
    request_timeout_ms: req/resp request timeout in node time (0: the library's 10000)
    range_sync_batch:   blocks per BlocksByRange request (0: the library's 64; at most 1024)
    data_dir:           None (memory only), or a directory (str, bytes or os.PathLike)
                        for the node's SQLite database, created if missing; reopening
                        resumes from it. One node at a time per directory.
    storage_sync:       StorageSync.NORMAL (default: synced at WAL checkpoints; a power
                        loss may roll back the latest blocks) or StorageSync.FULL (each
                        stored block synced before it counts; one fsync per block)
    verify_threads:     threads verifying gossip vote signatures ahead of the chain
                        worker (0, the default: one per core; VERIFY_THREADS_NONE: none)
    serve_history_slots: how far back BlocksByRange is served, in slots (0, the default:
                        leanSpec's 3600; SERVE_HISTORY_ALL: every stored block)

    Callbacks run on the node's threads or on the thread calling into the node; they must
    not block for long and must not call this node (that raises RuntimeError inside the
    callback). Exceptions they raise cannot propagate into C: they are logged on the
    "beamcore" logger and recorded (callback_errors, raise_callback_errors()). The ctypes
    callbacks are kept alive until the node is destroyed.

    Use as a context manager or call close(); a Node not closed is destroyed when
    garbage-collected (or at exit).
    """

    _destroy_function = "beam_node_destroy"

    def __init__(self, anchor_state, anchor_block=None, *, validator_indices=(), is_aggregator=False,
                 chain_worker=True, xmss_scheme=XmssScheme.TEST, network=None, proof_mode=None, crypto=None,
                 clock=None, log=None, log_level=LogLevel.INFO, request_timeout_ms=0, range_sync_batch=0,
                 data_dir=None, storage_sync=StorageSync.NORMAL, verify_threads=0,
                 serve_history_slots=0):
        anchor_state = as_bytes("anchor_state", anchor_state)
        if anchor_block is not None:
            anchor_block = as_bytes("anchor_block", anchor_block)
        if isinstance(validator_indices, (bytes, str)):
            raise TypeError("validator_indices must be an iterable of ints")
        indices = [as_u64("validator_indices[]", v) for v in validator_indices]
        xmss_scheme = as_enum(XmssScheme, "xmss_scheme", xmss_scheme)
        if proof_mode is None:
            proof_mode = ProofMode.HOST if crypto is not None else ProofMode.MOCKED
        proof_mode = as_enum(ProofMode, "proof_mode", proof_mode)
        if proof_mode == ProofMode.HOST and crypto is None:
            raise ValueError("ProofMode.HOST needs a crypto object")
        if proof_mode != ProofMode.HOST and crypto is not None:
            raise ValueError("a crypto object is used only with ProofMode.HOST")
        if clock is not None and not callable(clock):
            raise TypeError("clock must be a callable returning Unix milliseconds")
        if log is not None and not callable(log) and not isinstance(log, logging.Logger):
            raise TypeError("log must be a callable log(level, message) or a logging.Logger")
        log_level = as_enum(LogLevel, "log_level", log_level)
        request_timeout_ms = as_u32("request_timeout_ms", request_timeout_ms)
        range_sync_batch = as_u32("range_sync_batch", range_sync_batch)
        c_data_dir = as_path("data_dir", data_dir) if data_dir is not None else None
        storage_sync = as_enum(StorageSync, "storage_sync", storage_sync)
        verify_threads = as_u32("verify_threads", verify_threads)
        serve_history_slots = as_u64("serve_history_slots", serve_history_slots)

        handle = self._new_handle()
        self._errors = CallbackErrors("Node")
        config = _util.new_struct(_ffi.BeamNodeConfig, "beam_node_config_init")
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
        config.data_dir = c_data_dir
        config.storage_sync = storage_sync
        config.verify_threads = verify_threads
        config.serve_history_slots = serve_history_slots
        callbacks = HostCallbacks(handle, self._errors)
        if network is not None:
            config.network = ctypes.pointer(callbacks.network(network))
        if clock is not None:
            config.clock = ctypes.pointer(callbacks.clock(clock))
        if crypto is not None:
            config.crypto = ctypes.pointer(callbacks.crypto(crypto))
        if log is not None:
            config.log = ctypes.pointer(callbacks.log(log, log_level))
        # Before the create call: a clock or log callback may already run inside it.
        handle.keepalive = callbacks
        self.network = network
        self.clock = clock
        self.crypto = crypto
        self.chain_worker = bool(chain_worker)
        self.proof_mode = proof_mode
        self.data_dir = data_dir

        out = ctypes.c_void_p()
        try:
            check(_ffi.lib().beam_node_create(ctypes.byref(config), ctypes.byref(out)), "beam_node_create")
        except BaseException:
            handle.keepalive = None  # the library destroyed what it made, threads joined
            raise
        self._own(out.value)

    # -- lifetime (close, closed, the context manager: Closable)
    def _describe(self):
        return "worker" if self.chain_worker else "inline"

    # -- callback errors
    @property
    def callback_errors(self):
        """The CallbackErrors recorded and not yet raised (oldest first; at most the last
        64 are kept)."""
        return self._errors.snapshot()

    def raise_callback_errors(self):
        """Raises the oldest recorded CallbackError (clearing the record), if any. Its
        .others holds the ones recorded after it."""
        errors = self._errors.take()
        if errors:
            first = errors[0]
            first.others = errors[1:]
            raise first

    # -- inputs
    def tick(self, interval):
        """Advances the node's clock to `interval` (intervals since genesis;
        INTERVALS_PER_SLOT per slot)."""
        interval = as_u64("interval", interval)
        with self._h as ptr:
            check(_ffi.lib().beam_node_tick(ptr, interval), "beam_node_tick")

    def on_gossip(self, kind, data, peer_id=None):
        """A gossip message of `kind` (TopicKind) from `peer_id` (str, bytes or None).
        With the chain worker, success means "queued for processing"."""
        kind = as_enum(TopicKind, "kind", kind)
        data = as_bytes("data", data)
        peer_id = as_peer_id(peer_id, allow_none=True)
        with self._h as ptr:
            check(_ffi.lib().beam_node_on_gossip(ptr, kind, data, len(data), peer_id), "beam_node_on_gossip")

    def wait_idle(self):
        """Waits until everything queued so far has been processed."""
        with self._h as ptr:
            check(_ffi.lib().beam_node_wait_idle(ptr), "beam_node_wait_idle")

    # -- peers and req/resp
    def peer_connected(self, peer_id):
        """`peer_id` connected: the node asks it for its Status (network.send_request) and
        then fetches what it is missing."""
        peer_id = as_peer_id(peer_id)
        with self._h as ptr:
            check(_ffi.lib().beam_node_peer_connected(ptr, peer_id), "beam_node_peer_connected")

    def peer_disconnected(self, peer_id):
        """`peer_id` disconnected; NotFound for a peer the node does not know."""
        peer_id = as_peer_id(peer_id)
        with self._h as ptr:
            check(_ffi.lib().beam_node_peer_disconnected(ptr, peer_id), "beam_node_peer_disconnected")

    def on_request(self, peer_id, protocol, payload, request_id):
        """A request (ReqProtocol, SSZ payload) from `peer_id` (str, bytes or None). The
        node answers through network.send_response_chunk/send_response_end with the same
        `request_id` before this returns."""
        peer_id = as_peer_id(peer_id, allow_none=True)
        protocol = as_enum(ReqProtocol, "protocol", protocol)
        payload = as_bytes("payload", payload)
        request_id = as_u64("request_id", request_id)
        with self._h as ptr:
            check(_ffi.lib().beam_node_on_request(ptr, peer_id, protocol, payload, len(payload), request_id),
                  "beam_node_on_request")

    def on_response_chunk(self, request_id, payload):
        """A response chunk (SSZ) for a request the node sent (network.send_request).
        NotFound for an unknown, finished or expired request id; a chunk that does not
        answer the request is refused (an error) and its peer reported."""
        request_id = as_u64("request_id", request_id)
        payload = as_bytes("payload", payload)
        with self._h as ptr:
            check(_ffi.lib().beam_node_on_response_chunk(ptr, request_id, payload, len(payload)),
                  "beam_node_on_response_chunk")

    def on_response_end(self, request_id, result=RespCode.SUCCESS):
        """The end of the response to `request_id`; `result` a RespCode (or another
        32-bit code). NotFound for an unknown, finished or expired request id."""
        request_id = as_u64("request_id", request_id)
        result = as_i32("result", result)
        with self._h as ptr:
            check(_ffi.lib().beam_node_on_response_end(ptr, request_id, result), "beam_node_on_response_end")

    # -- production
    def produce_block(self, slot, proposer):
        """Builds (and imports) the block of `slot` as `proposer`: SignedBlock SSZ.
        Rejected("WRONG_PROPOSER") unless `proposer` proposes at `slot`."""
        slot = as_u64("slot", slot)
        proposer = as_u64("proposer", proposer)
        with self._h as ptr:
            return take_buffer("beam_node_produce_block", _ffi.lib().beam_node_produce_block, ptr, slot, proposer)

    def produce_attestation_data(self, slot):
        """The AttestationData SSZ this node's validators vote at `slot`."""
        slot = as_u64("slot", slot)
        with self._h as ptr:
            return take_buffer("beam_node_produce_attestation_data",
                               _ffi.lib().beam_node_produce_attestation_data, ptr, slot)

    # -- reads
    def _checkpoint(self, name):
        out = _ffi.BeamCheckpoint()
        with self._h as ptr:
            check(getattr(_ffi.lib(), name)(ptr, ctypes.byref(out)), name)
        return Checkpoint(bytes(out.root), out.slot)

    def head(self):
        return self._checkpoint("beam_node_head")

    def justified(self):
        return self._checkpoint("beam_node_justified")

    def finalized(self):
        return self._checkpoint("beam_node_finalized")

    def metrics_text(self):
        """The node's metrics in the Prometheus text format."""
        with self._h as ptr:
            text = take_buffer("beam_node_metrics_text", _ffi.lib().beam_node_metrics_text, ptr)
        return text.decode("utf-8", "replace")

    # -- health
    def health(self):
        """The node's own failures so far: a NodeHealth(storage_failed, faults)."""
        out = _util.new_struct(_ffi.BeamNodeHealth, "beam_node_health_init")
        with self._h as ptr:
            check(_ffi.lib().beam_node_health_get(ptr, ctypes.byref(out)), "beam_node_health_get")
        return NodeHealth(storage_failed=bool(out.storage_failed), faults=out.faults)

    def last_fault(self):
        """The message of the node's last failure ("" if none)."""
        with self._h as ptr:
            text = take_buffer("beam_node_last_fault", _ffi.lib().beam_node_last_fault, ptr)
        return text.decode("utf-8", "replace")

    # -- lean HTTP API
    def api(self, method, path, body=b""):
        """Answers one lean HTTP API request (beamcore.api_handle): an ApiResponse."""
        return api_handle(self, method, path, body)

    # -- state borrows
    def _borrow(self, name, *args):
        out = ctypes.c_void_p()
        with self._h as ptr:
            check(getattr(_ffi.lib(), name)(ptr, *args, ctypes.byref(out)), name)
        return StateBorrow._adopt(out.value)

    def borrow_head(self):
        return self._borrow("beam_state_borrow_head")

    def borrow_finalized(self):
        return self._borrow("beam_state_borrow_finalized")

    def borrow_by_root(self, root):
        """The state of block `root`; NotFound when the node keeps none."""
        return self._borrow("beam_state_borrow_by_root", as_root("root", root))
