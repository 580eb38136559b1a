"""Raw ctypes declarations of libbeamcore's C ABI and library loading.

Mirrors include/beamcore/common.h, beamcore.h, wire.h and locking.h one to one: the
constants, the structs (field for field, in header order), the callback types and a
prototype for every exported function (abi/libbeamcore.symbols). The Pythonic layer
lives in the other modules. The library is loaded lazily, on the first call that needs
it (or an explicit beamcore.load()).
"""

import ctypes
import ctypes.util
import os
import threading
from pathlib import Path

# The ABI major version this binding was written against (BEAMCORE_VERSION_MAJOR).
ABI_MAJOR = 1

ENV_VAR = "BEAMCORE_LIBRARY"
SONAME = "libbeamcore.so.1"

# ---- common.h ---------------------------------------------------------------------

# beam_status codes.
BEAM_OK = 0
BEAM_ERR_INVALID_ARGUMENT = -1
BEAM_ERR_DECODE = -2
BEAM_ERR_REJECTED = -3
BEAM_ERR_NOT_FOUND = -4
BEAM_ERR_UNAVAILABLE = -5
BEAM_ERR_FAILED_PRECONDITION = -6
BEAM_ERR_RESOURCE_EXHAUSTED = -7
BEAM_ERR_INTERNAL = -8

# beam_topic_kind, beam_req_protocol, BEAM_RESP_*.
BEAM_TOPIC_BLOCK = 1
BEAM_TOPIC_ATTESTATION = 2
BEAM_TOPIC_AGGREGATE = 3
BEAM_REQ_STATUS = 1
BEAM_REQ_BLOCKS_BY_ROOT = 2
BEAM_REQ_BLOCKS_BY_RANGE = 3
BEAM_RESP_SUCCESS = 0
BEAM_RESP_INVALID_REQUEST = 1
BEAM_RESP_SERVER_ERROR = 2
BEAM_RESP_RESOURCE_UNAVAILABLE = 3

# ---- beamcore.h ---------------------------------------------------------------------

# beam_peer_action, beam_log_level, beam_xmss_scheme, beam_proof_mode, beam_storage_sync.
BEAM_PEER_FATAL = 1
BEAM_PEER_LOW_TOLERANCE = 2
BEAM_PEER_MID_TOLERANCE = 3
BEAM_PEER_HIGH_TOLERANCE = 4
BEAM_LOG_ERROR = 1
BEAM_LOG_WARN = 2
BEAM_LOG_INFO = 3
BEAM_LOG_DEBUG = 4
BEAM_XMSS_TEST = 0
BEAM_XMSS_PROD = 1
BEAM_PROOFS_MOCKED = 0
BEAM_PROOFS_HOST = 1
BEAM_STORAGE_SYNC_NORMAL = 0
BEAM_STORAGE_SYNC_FULL = 1
BEAM_VERIFY_THREADS_NONE = 0xFFFFFFFF
BEAM_SERVE_HISTORY_ALL = 0xFFFFFFFFFFFFFFFF
BEAM_XMSS_PUBLIC_KEY_SIZE = 52

# ---- wire.h -----------------------------------------------------------------------

BEAM_WIRE_MAX_PAYLOAD_SIZE = 10 * 1024 * 1024
BEAM_WIRE_MAX_ERROR_MESSAGE_SIZE = 256
BEAM_WIRE_VARINT_MAX_LEN = 10
BEAM_WIRE_MESSAGE_ID_LEN = 20

# ---- C types ----------------------------------------------------------------------

beam_status = ctypes.c_int32
c_enum = ctypes.c_int  # C enums are int-sized on every ABI we target
u8_p = ctypes.POINTER(ctypes.c_uint8)
in_bytes = ctypes.c_char_p  # const uint8_t* / const char* input: bytes (zero copy) or None
handle_p = ctypes.c_void_p  # every opaque handle (beam_node*, beam_xmss_key*, ...)

# Callback arguments are taken as c_void_p (an int or None) so a NULL pointer never
# has to be dereferenced to be detected.
_vp = ctypes.c_void_p
_sz = ctypes.c_size_t
_u64 = ctypes.c_uint64


class BeamBuffer(ctypes.Structure):
    """beam_buffer (common.h)."""
    _fields_ = [("data", u8_p), ("len", ctypes.c_size_t)]


class BeamCheckpoint(ctypes.Structure):
    """beam_checkpoint."""
    _fields_ = [("root", ctypes.c_uint8 * 32), ("slot", ctypes.c_uint64)]


# beam_network_vtable callbacks; user_data is always the last argument.
# (kind, ssz, len, user_data)
PUBLISH_GOSSIP_FN = ctypes.CFUNCTYPE(None, c_enum, _vp, _sz, _vp)
# (peer_id, protocol, ssz, len, request_id, user_data)
SEND_REQUEST_FN = ctypes.CFUNCTYPE(None, _vp, c_enum, _vp, _sz, _u64, _vp)
# (request_id, ssz, len, user_data)
SEND_RESPONSE_CHUNK_FN = ctypes.CFUNCTYPE(None, _u64, _vp, _sz, _vp)
# (request_id, result, user_data)
SEND_RESPONSE_END_FN = ctypes.CFUNCTYPE(None, _u64, ctypes.c_int32, _vp)
# (peer_id, action, reason, user_data)
REPORT_PEER_FN = ctypes.CFUNCTYPE(None, _vp, c_enum, _vp, _vp)
# (root[32], user_data)
REQUEST_BLOCK_FN = ctypes.CFUNCTYPE(None, _vp, _vp)


class BeamNetworkVtable(ctypes.Structure):
    """beam_network_vtable."""
    _fields_ = [
        ("struct_size", ctypes.c_size_t),
        ("user_data", ctypes.c_void_p),
        ("publish_gossip", PUBLISH_GOSSIP_FN),
        ("send_request", SEND_REQUEST_FN),
        ("send_response_chunk", SEND_RESPONSE_CHUNK_FN),
        ("send_response_end", SEND_RESPONSE_END_FN),
        ("report_peer", REPORT_PEER_FN),
        ("request_block", REQUEST_BLOCK_FN),
    ]


# beam_clock_vtable: uint64_t now_ms(void* user_data)
CLOCK_NOW_FN = ctypes.CFUNCTYPE(_u64, _vp)


class BeamClockVtable(ctypes.Structure):
    """beam_clock_vtable."""
    _fields_ = [
        ("struct_size", ctypes.c_size_t),
        ("user_data", ctypes.c_void_p),
        ("now_ms", CLOCK_NOW_FN),
    ]


# beam_crypto_vtable. Every callback returns int: 0 ok/valid, 1 invalid, else failure.
# (public_keys, num_public_keys, message[32], slot, proof, proof_len, user_data)
VERIFY_SINGLE_FN = ctypes.CFUNCTYPE(ctypes.c_int, _vp, _sz, _vp, _u64, _vp, _sz, _vp)
# (public_keys, keys_per_message, num_messages, messages, slots, proof, proof_len, user_data)
VERIFY_MULTI_FN = ctypes.CFUNCTYPE(ctypes.c_int, _vp, _vp, _sz, _vp, _vp, _vp, _sz, _vp)
# (child_proofs, child_proof_lens, child_public_keys, keys_per_child, num_children,
#  raw_public_keys, raw_signatures, raw_signature_lens, num_raw, message, slot, proof_out, user_data)
AGGREGATE_SINGLE_FN = ctypes.CFUNCTYPE(ctypes.c_int, _vp, _vp, _vp, _vp, _sz, _vp, _vp, _vp, _sz, _vp, _u64, _vp, _vp)
# (proofs, proof_lens, public_keys, keys_per_proof, messages, slots, num_proofs, proof_out, user_data)
MERGE_MULTI_FN = ctypes.CFUNCTYPE(ctypes.c_int, _vp, _vp, _vp, _vp, _vp, _vp, _sz, _vp, _vp)


class BeamCryptoVtable(ctypes.Structure):
    """beam_crypto_vtable."""
    _fields_ = [
        ("struct_size", ctypes.c_size_t),
        ("user_data", ctypes.c_void_p),
        ("verify_single_message", VERIFY_SINGLE_FN),
        ("verify_multi_message", VERIFY_MULTI_FN),
        ("aggregate_single_message", AGGREGATE_SINGLE_FN),
        ("merge_multi_message", MERGE_MULTI_FN),
    ]


# beam_log_sink: void log(beam_log_level level, const char* message, void* user_data)
LOG_FN = ctypes.CFUNCTYPE(None, c_enum, _vp, _vp)


class BeamLogSink(ctypes.Structure):
    """beam_log_sink."""
    _fields_ = [
        ("struct_size", ctypes.c_size_t),
        ("user_data", ctypes.c_void_p),
        ("max_level", c_enum),
        ("log", LOG_FN),
    ]


class BeamNodeConfig(ctypes.Structure):
    """beam_node_config."""
    _fields_ = [
        ("struct_size", ctypes.c_size_t),
        ("anchor_state_ssz", in_bytes),
        ("anchor_state_len", ctypes.c_size_t),
        ("anchor_block_ssz", in_bytes),
        ("anchor_block_len", ctypes.c_size_t),
        ("validator_indices", ctypes.POINTER(ctypes.c_uint64)),
        ("validator_count", ctypes.c_size_t),
        ("is_aggregator", ctypes.c_int),
        ("chain_worker", ctypes.c_int),
        ("xmss_scheme", c_enum),
        ("proof_mode", c_enum),
        ("network", ctypes.POINTER(BeamNetworkVtable)),
        ("clock", ctypes.POINTER(BeamClockVtable)),
        ("crypto", ctypes.POINTER(BeamCryptoVtable)),
        ("log", ctypes.POINTER(BeamLogSink)),
        ("request_timeout_ms", ctypes.c_uint32),
        ("range_sync_batch", ctypes.c_uint32),
        ("data_dir", ctypes.c_char_p),
        ("storage_sync", c_enum),  # ABI 1.2
        ("verify_threads", ctypes.c_uint32),  # ABI 1.2
        ("serve_history_slots", ctypes.c_uint64),  # ABI 1.3
    ]


class BeamNodeHealth(ctypes.Structure):
    """beam_node_health."""
    _fields_ = [
        ("struct_size", ctypes.c_size_t),
        ("storage_failed", ctypes.c_int),
        ("faults", ctypes.c_uint64),
    ]


class BeamApiResponse(ctypes.Structure):
    """beam_api_response."""
    _fields_ = [
        ("struct_size", ctypes.c_size_t),
        ("status_code", ctypes.c_int32),
        ("content_type", BeamBuffer),
        ("body", BeamBuffer),
        ("allow", BeamBuffer),
    ]


# locking.h: int (*)(const uint8_t* key, size_t key_len, const uint8_t* value,
#                    size_t value_len, void* user_data)
LOCKED_MAP_VISIT_FN = ctypes.CFUNCTYPE(ctypes.c_int, _vp, _sz, _vp, _sz, _vp)

_buf_p = ctypes.POINTER(BeamBuffer)
_cp_p = ctypes.POINTER(BeamCheckpoint)
_handle_out = ctypes.POINTER(ctypes.c_void_p)
_u64_out = ctypes.POINTER(ctypes.c_uint64)
_size_out = ctypes.POINTER(ctypes.c_size_t)
_int_out = ctypes.POINTER(ctypes.c_int)
_i32_out = ctypes.POINTER(ctypes.c_int32)
_u8 = u8_p  # an output array (uint8_t out[N])
_c_int = ctypes.c_int
_i32 = ctypes.c_int32

# name: (restype, argtypes) — every function of libbeamcore 1.0 (abi/libbeamcore.symbols),
# grouped by header.
PROTOTYPES = {
    # common.h
    "beam_version_string": (ctypes.c_char_p, []),
    "beam_version_number": (ctypes.c_uint, []),
    "beam_status_string": (ctypes.c_char_p, [beam_status]),
    "beam_last_error": (ctypes.c_char_p, []),
    "beam_last_rejection": (ctypes.c_char_p, []),
    "beam_buffer_free": (None, [_buf_p]),
    # beamcore.h: standalone helpers
    "beam_hash_tree_root": (beam_status, [c_enum, in_bytes, _sz, _u8]),
    "beam_stf_apply": (beam_status, [in_bytes, _sz, in_bytes, _sz, _buf_p]),
    "beam_block_root": (beam_status, [in_bytes, _sz, _u8]),
    "beam_genesis_state": (beam_status, [_u64, in_bytes, in_bytes, _sz, _buf_p]),
    # beamcore.h: host interfaces
    "beam_network_vtable_init": (ctypes.c_int32, [ctypes.POINTER(BeamNetworkVtable), ctypes.c_size_t]),
    "beam_clock_vtable_init": (ctypes.c_int32, [ctypes.POINTER(BeamClockVtable), ctypes.c_size_t]),
    "beam_bytes_sink_append": (beam_status, [handle_p, in_bytes, _sz]),
    "beam_crypto_vtable_init": (ctypes.c_int32, [ctypes.POINTER(BeamCryptoVtable), ctypes.c_size_t]),
    "beam_log_sink_init": (ctypes.c_int32, [ctypes.POINTER(BeamLogSink), ctypes.c_size_t]),
    # beamcore.h: node
    "beam_node_config_init": (ctypes.c_int32, [ctypes.POINTER(BeamNodeConfig), ctypes.c_size_t]),
    "beam_node_create": (beam_status, [ctypes.POINTER(BeamNodeConfig), _handle_out]),
    "beam_node_destroy": (None, [handle_p]),
    "beam_node_tick": (beam_status, [handle_p, _u64]),
    "beam_node_on_gossip": (beam_status, [handle_p, c_enum, in_bytes, _sz, ctypes.c_char_p]),
    "beam_node_peer_connected": (beam_status, [handle_p, ctypes.c_char_p]),
    "beam_node_peer_disconnected": (beam_status, [handle_p, ctypes.c_char_p]),
    "beam_node_on_request": (beam_status, [handle_p, ctypes.c_char_p, c_enum, in_bytes, _sz, _u64]),
    "beam_node_on_response_chunk": (beam_status, [handle_p, _u64, in_bytes, _sz]),
    "beam_node_on_response_end": (beam_status, [handle_p, _u64, _i32]),
    "beam_node_wait_idle": (beam_status, [handle_p]),
    "beam_node_produce_block": (beam_status, [handle_p, _u64, _u64, _buf_p]),
    "beam_node_produce_attestation_data": (beam_status, [handle_p, _u64, _buf_p]),
    "beam_node_head": (beam_status, [handle_p, _cp_p]),
    "beam_node_justified": (beam_status, [handle_p, _cp_p]),
    "beam_node_finalized": (beam_status, [handle_p, _cp_p]),
    "beam_node_metrics_text": (beam_status, [handle_p, _buf_p]),
    "beam_node_health_get": (beam_status, [handle_p, ctypes.POINTER(BeamNodeHealth)]),
    "beam_node_last_fault": (beam_status, [handle_p, _buf_p]),
    # beamcore.h: state borrows
    "beam_state_borrow_head": (beam_status, [handle_p, _handle_out]),
    "beam_state_borrow_finalized": (beam_status, [handle_p, _handle_out]),
    "beam_state_borrow_by_root": (beam_status, [handle_p, in_bytes, _handle_out]),
    "beam_state_borrow_slot": (beam_status, [handle_p, _u64_out]),
    "beam_state_borrow_validator_count": (beam_status, [handle_p, _u64_out]),
    "beam_state_borrow_latest_justified": (beam_status, [handle_p, _cp_p]),
    "beam_state_borrow_latest_finalized": (beam_status, [handle_p, _cp_p]),
    "beam_state_borrow_serialize": (beam_status, [handle_p, _buf_p]),
    "beam_state_borrow_release": (None, [handle_p]),
    # beamcore.h: lean HTTP API
    "beam_api_response_init": (ctypes.c_int32, [ctypes.POINTER(BeamApiResponse), ctypes.c_size_t]),
    "beam_node_health_init": (ctypes.c_int32, [ctypes.POINTER(BeamNodeHealth), ctypes.c_size_t]),
    "beam_api_handle": (beam_status, [handle_p, ctypes.c_char_p, ctypes.c_char_p, in_bytes, _sz,
                                      ctypes.POINTER(BeamApiResponse)]),
    "beam_api_response_free": (None, [ctypes.POINTER(BeamApiResponse)]),
    # beamcore.h: XMSS
    "beam_xmss_key_generate": (beam_status, [c_enum, in_bytes, _u64, _u64, _handle_out]),
    "beam_xmss_key_destroy": (None, [handle_p]),
    "beam_xmss_key_public": (beam_status, [handle_p, _u8]),
    "beam_xmss_sign": (beam_status, [handle_p, _u64, in_bytes, _buf_p]),
    "beam_xmss_verify": (beam_status, [c_enum, in_bytes, _u64, in_bytes, in_bytes, _sz]),
    "beam_attestation_sign": (beam_status, [handle_p, _u64, in_bytes, _sz, _buf_p]),
    # wire.h
    "beam_wire_varint_encode": (beam_status, [_u64, _u8, _size_out]),
    "beam_wire_varint_decode": (beam_status, [in_bytes, _sz, _u64_out, _size_out]),
    "beam_wire_snappy_compress": (beam_status, [in_bytes, _sz, _buf_p]),
    "beam_wire_snappy_decompress": (beam_status, [in_bytes, _sz, _buf_p]),
    "beam_wire_snappy_frame_encode": (beam_status, [in_bytes, _sz, _buf_p]),
    "beam_wire_snappy_frame_decode": (beam_status, [in_bytes, _sz, _buf_p]),
    "beam_wire_request_encode": (beam_status, [in_bytes, _sz, _buf_p]),
    "beam_wire_request_decode": (beam_status, [in_bytes, _sz, _buf_p]),
    "beam_wire_response_chunk_encode": (beam_status, [_i32, in_bytes, _sz, _buf_p]),
    "beam_wire_response_error_encode": (beam_status, [_i32, ctypes.c_char_p, _buf_p]),
    "beam_wire_response_chunk_decode": (beam_status, [in_bytes, _sz, _i32_out, _buf_p, _size_out]),
    "beam_wire_gossip_topic": (beam_status, [ctypes.c_char_p, c_enum, _u64, _buf_p]),
    "beam_wire_gossip_message_id": (beam_status, [ctypes.c_char_p, in_bytes, _sz, _u8, _int_out]),
    # locking.h
    "beam_locked_map_create": (beam_status, [_handle_out]),
    "beam_locked_map_destroy": (None, [handle_p]),
    "beam_locked_map_put": (beam_status, [handle_p, in_bytes, _sz, in_bytes, _sz, _int_out]),
    "beam_locked_map_get": (beam_status, [handle_p, in_bytes, _sz, _buf_p]),
    "beam_locked_map_remove": (beam_status, [handle_p, in_bytes, _sz]),
    "beam_locked_map_fetch_remove": (beam_status, [handle_p, in_bytes, _sz, _buf_p]),
    "beam_locked_map_count": (beam_status, [handle_p, _size_out]),
    "beam_locked_map_iterate": (beam_status, [handle_p, LOCKED_MAP_VISIT_FN, ctypes.c_void_p]),
    "beam_block_cache_create": (beam_status, [_handle_out]),
    "beam_block_cache_destroy": (None, [handle_p]),
    "beam_block_cache_insert": (beam_status, [handle_p, in_bytes, _sz, _c_int, _u8]),
    "beam_block_cache_get": (beam_status, [handle_p, in_bytes, _buf_p]),
    "beam_block_cache_remove": (beam_status, [handle_p, in_bytes]),
    "beam_block_cache_remove_children": (beam_status, [handle_p, in_bytes, _size_out]),
    "beam_block_cache_children": (beam_status, [handle_p, in_bytes, _buf_p]),
    "beam_block_cache_count": (beam_status, [handle_p, _size_out]),
}

# Functions added after 1.0. Within 1.x the ABI only grows, so a 1.x library older than
# the binding may lack them: it still loads, and the features that need them raise
# UnsupportedError (see _util.require()).
OPTIONAL_PROTOTYPES = {
    # 1.1
    "beam_xmss_key_from_ssz": (beam_status, [c_enum, in_bytes, _sz, _handle_out]),
    "beam_xmss_key_to_ssz": (beam_status, [handle_p, _buf_p]),
}


class LibraryNotFoundError(OSError):
    """libbeamcore could not be located or loaded, or is not a compatible version."""


_lock = threading.Lock()
_lib = None
_lib_path = None
_missing = frozenset()  # OPTIONAL_PROTOTYPES the loaded library lacks


def _in_tree_path():
    # bindings/python/beamcore/_ffi.py -> bindings/python -> ../../build/release/src
    package_root = Path(__file__).resolve().parent.parent
    return package_root / ".." / ".." / "build" / "release" / "src" / SONAME


def _explicit(path):
    path = str(path)
    # A path (not a bare soname for the dynamic linker): pin it against later chdir.
    return os.path.abspath(path) if os.sep in path else path


def _candidates(path):
    if path is not None:
        return [_explicit(path)], True
    env = os.environ.get(ENV_VAR)
    if env:
        return [_explicit(env)], True  # an explicit choice: no silent fallback
    found = []
    in_tree = _in_tree_path()
    if in_tree.exists():
        found.append(os.path.normpath(str(in_tree)))
    # Installed: the SONAME through the dynamic linker's search (LD_LIBRARY_PATH, the
    # ld.so cache, the default directories), then whatever find_library knows.
    found.append(SONAME)
    name = ctypes.util.find_library("beamcore")
    if name and name != SONAME:
        found.append(name)
    return found, False


def _loaded_file(candidate):
    """The file the dynamic linker loaded for `candidate` (a bare SONAME is searched
    for): its mapping in /proc/self/maps, else `candidate` itself."""
    if os.sep in candidate:
        return candidate
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.rstrip("\n").split(maxsplit=5)[-1]
                if os.path.basename(path).startswith(candidate):
                    return path
    except OSError:
        pass
    return candidate


def _declare(lib):
    """Declares every prototype on `lib`; returns the optional functions it lacks.
    LibraryNotFoundError for a missing required function or another major version."""
    for name, (restype, argtypes) in PROTOTYPES.items():
        try:
            fn = getattr(lib, name)
        except AttributeError as e:
            raise LibraryNotFoundError(f"{lib._name} lacks {name}: not a compatible libbeamcore") from e
        fn.restype = restype
        fn.argtypes = argtypes
    missing = set()
    for name, (restype, argtypes) in OPTIONAL_PROTOTYPES.items():
        try:
            fn = getattr(lib, name)
        except AttributeError:
            missing.add(name)
            continue
        fn.restype = restype
        fn.argtypes = argtypes
    major = lib.beam_version_number() >> 16
    if major != ABI_MAJOR:
        raise LibraryNotFoundError(
            f"{lib._name} has ABI major version {major}; this binding needs {ABI_MAJOR}")
    return missing


def load(path=None):
    """Loads libbeamcore once and returns the ctypes.CDLL (every prototype declared).

    `path` (or $BEAMCORE_LIBRARY) names the library explicitly; otherwise the in-tree
    build (../../build/release/src/libbeamcore.so.1 from bindings/python), then the
    SONAME libbeamcore.so.1 where the dynamic linker finds it (an installed library),
    then ctypes.util.find_library("beamcore") are tried. Later calls return the same
    library; a different explicit `path` after loading is an error.
    """
    global _lib, _lib_path, _missing
    with _lock:
        if _lib is not None:
            if path is not None and os.path.realpath(str(path)) != os.path.realpath(_lib_path):
                raise LibraryNotFoundError(f"libbeamcore is already loaded from {_lib_path}")
            return _lib
        candidates, explicit = _candidates(path)
        if not candidates:
            raise LibraryNotFoundError(
                f"libbeamcore not found: set {ENV_VAR} to the path of {SONAME}, build the release "
                f"preset ({os.path.normpath(str(_in_tree_path()))}), or install it where the dynamic linker finds it")
        errors = []
        for candidate in candidates:
            try:
                # CDLL (not PyDLL): every call releases the GIL, so the node's chain
                # thread can run Python network callbacks while we wait in C.
                lib = ctypes.CDLL(candidate)
            except OSError as e:
                errors.append(f"{candidate}: {e}")
                if explicit:
                    break
                continue
            missing = _declare(lib)
            _lib, _lib_path, _missing = lib, _loaded_file(candidate), frozenset(missing)
            return lib
        raise LibraryNotFoundError("could not load libbeamcore: " + "; ".join(errors))


def lib():
    """The loaded library (loading it on first use)."""
    return _lib if _lib is not None else load()


def library_path():
    """The path libbeamcore was loaded from (loading it on first use)."""
    lib()
    return _lib_path


def has(name):
    """Whether the loaded library (loading it on first use) exports the C function `name`."""
    lib()
    return name in PROTOTYPES or (name in OPTIONAL_PROTOTYPES and name not in _missing)


