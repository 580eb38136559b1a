"""Raw ctypes declarations of include/beamcore/beamcore.h and library loading.

Everything here mirrors the C header one to one; the Pythonic layer lives in
beamcore/__init__.py. The library is loaded lazily, on the first call that needs it
(or an explicit beamcore.load()).
"""

import ctypes
import ctypes.util
import os
import threading
from pathlib import Path

# The ABI major version this binding was written against (BEAMCORE_VERSION_MAJOR).
ABI_MAJOR = 0

ENV_VAR = "BEAMCORE_LIBRARY"
SONAME = "libbeamcore.so.0"

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

beam_status = ctypes.c_int32
c_enum = ctypes.c_int  # C enums are int-sized on every ABI we target
u8_p = ctypes.POINTER(ctypes.c_uint8)
in_bytes = ctypes.c_char_p  # const uint8_t* input: accepts bytes (zero copy) or None
handle_p = ctypes.c_void_p  # beam_node* / beam_state_borrow* (opaque)


class BeamBuffer(ctypes.Structure):
    _fields_ = [("data", u8_p), ("len", ctypes.c_size_t)]


class BeamCheckpoint(ctypes.Structure):
    _fields_ = [("root", ctypes.c_uint8 * 32), ("slot", ctypes.c_uint64)]


# beam_req_protocol, BEAM_RESP_*, beam_peer_action, beam_log_level.
BEAM_REQ_STATUS = 1
BEAM_REQ_BLOCKS_BY_ROOT = 2
BEAM_REQ_BLOCKS_BY_RANGE = 3
BEAM_RESP_SUCCESS = 0
BEAM_RESP_INVALID_REQUEST = 1
BEAM_RESP_SERVER_ERROR = 2
BEAM_RESP_RESOURCE_UNAVAILABLE = 3
BEAM_PEER_FATAL = 1
BEAM_PEER_LOW_TOLERANCE = 2
BEAM_PEER_MID_TOLERANCE = 3
BEAM_PEER_HIGH_TOLERANCE = 4
BEAM_LOG_ERROR = 1
BEAM_LOG_WARN = 2
BEAM_LOG_INFO = 3
BEAM_LOG_DEBUG = 4
BEAM_PROOFS_MOCKED = 0
BEAM_PROOFS_HOST = 1
BEAM_XMSS_TEST = 0
BEAM_XMSS_PROD = 1
BEAM_XMSS_PUBLIC_KEY_SIZE = 52

# Callback arguments are taken as c_void_p (an int or None) so a NULL pointer never
# has to be dereferenced to be detected.
_vp = ctypes.c_void_p
_sz = ctypes.c_size_t
_u64 = ctypes.c_uint64

# beam_network_vtable
PUBLISH_GOSSIP_FN = ctypes.CFUNCTYPE(None, c_enum, _vp, _sz, _vp)
REQUEST_BLOCK_FN = ctypes.CFUNCTYPE(None, _vp, _vp)
# (peer_id, protocol, ssz, len, request_id, user_data)
SEND_REQUEST_FN = ctypes.CFUNCTYPE(None, _vp, c_enum, _vp, _sz, _u64, _vp)
# (request_id, ssz, len, user_data)
SEND_RESPONSE_CHUNK_FN = ctypes.CFUNCTYPE(None, _u64, _vp, _sz, _vp)
# (request_id, result, user_data)
SEND_RESPONSE_END_FN = ctypes.CFUNCTYPE(None, _u64, ctypes.c_int32, _vp)
# (peer_id, action, reason, user_data)
REPORT_PEER_FN = ctypes.CFUNCTYPE(None, _vp, c_enum, _vp, _vp)


class BeamNetworkVtable(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_size_t),
        ("publish_gossip", PUBLISH_GOSSIP_FN),
        ("request_block", REQUEST_BLOCK_FN),
        ("user_data", ctypes.c_void_p),
        # Appended after the first version (struct_size tells the library).
        ("send_request", SEND_REQUEST_FN),
        ("send_response_chunk", SEND_RESPONSE_CHUNK_FN),
        ("send_response_end", SEND_RESPONSE_END_FN),
        ("report_peer", REPORT_PEER_FN),
    ]


# beam_clock_vtable: uint64_t now_ms(void* user_data)
CLOCK_NOW_FN = ctypes.CFUNCTYPE(_u64, _vp)


class BeamClockVtable(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_size_t),
        ("now_ms", CLOCK_NOW_FN),
        ("user_data", ctypes.c_void_p),
    ]


# beam_crypto_vtable. Every callback returns int: 0 ok/valid, 1 invalid, else failure.
# (public_keys, num_public_keys, message[32], slot, proof, proof_len, user_data)
VERIFY_SINGLE_FN = ctypes.CFUNCTYPE(ctypes.c_int, _vp, _sz, _vp, _u64, _vp, _sz, _vp)
# (public_keys, keys_per_message, num_messages, messages, slots, proof, proof_len, user_data)
VERIFY_MULTI_FN = ctypes.CFUNCTYPE(ctypes.c_int, _vp, _vp, _sz, _vp, _vp, _vp, _sz, _vp)
# (child_proofs, child_proof_lens, child_public_keys, keys_per_child, num_children,
#  raw_public_keys, raw_signatures, raw_signature_lens, num_raw, message, slot, proof_out, user_data)
AGGREGATE_SINGLE_FN = ctypes.CFUNCTYPE(ctypes.c_int, _vp, _vp, _vp, _vp, _sz, _vp, _vp, _vp, _sz, _vp, _u64, _vp, _vp)
# (proofs, proof_lens, public_keys, keys_per_proof, num_proofs, proof_out, user_data)
MERGE_MULTI_FN = ctypes.CFUNCTYPE(ctypes.c_int, _vp, _vp, _vp, _vp, _sz, _vp, _vp)


class BeamCryptoVtable(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_size_t),
        ("verify_single_message", VERIFY_SINGLE_FN),
        ("verify_multi_message", VERIFY_MULTI_FN),
        ("aggregate_single_message", AGGREGATE_SINGLE_FN),
        ("merge_multi_message", MERGE_MULTI_FN),
        ("user_data", ctypes.c_void_p),
    ]


# beam_log_sink: void log(beam_log_level level, const char* message, void* user_data)
LOG_FN = ctypes.CFUNCTYPE(None, c_enum, _vp, _vp)


class BeamLogSink(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_size_t),
        ("log", LOG_FN),
        ("max_level", c_enum),
        ("user_data", ctypes.c_void_p),
    ]


class BeamNodeConfig(ctypes.Structure):
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
        # Appended after the first version (struct_size tells the library).
        ("clock", ctypes.POINTER(BeamClockVtable)),
        ("crypto", ctypes.POINTER(BeamCryptoVtable)),
        ("log", ctypes.POINTER(BeamLogSink)),
        ("request_timeout_ms", ctypes.c_uint32),
        ("range_sync_batch", ctypes.c_uint32),
    ]


# int (*)(const uint8_t* key, size_t key_len, const uint8_t* value, size_t value_len, void* user_data)
LOCKED_MAP_VISIT_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p,
                                       ctypes.c_size_t, ctypes.c_void_p)

_buf_p = ctypes.POINTER(BeamBuffer)
_cp_p = ctypes.POINTER(BeamCheckpoint)
_handle_out = ctypes.POINTER(ctypes.c_void_p)
_u64_out = ctypes.POINTER(ctypes.c_uint64)
_size_out = ctypes.POINTER(ctypes.c_size_t)
_int_out = ctypes.POINTER(ctypes.c_int)

# name: (restype, argtypes) — every function of beamcore.h.
PROTOTYPES = {
    "beam_version_string": (ctypes.c_char_p, []),
    "beam_version_number": (ctypes.c_uint, []),
    "beam_last_error": (ctypes.c_char_p, []),
    "beam_last_rejection": (ctypes.c_char_p, []),
    "beam_buffer_free": (None, [_buf_p]),
    "beam_hash_tree_root": (beam_status, [c_enum, in_bytes, ctypes.c_size_t, u8_p]),
    "beam_stf_apply": (beam_status, [in_bytes, ctypes.c_size_t, in_bytes, ctypes.c_size_t, _buf_p]),
    "beam_block_root": (beam_status, [in_bytes, ctypes.c_size_t, u8_p]),
    "beam_genesis_state": (beam_status, [ctypes.c_uint64, in_bytes, in_bytes, ctypes.c_size_t, _buf_p]),
    "beam_node_create": (beam_status, [ctypes.POINTER(BeamNodeConfig), _handle_out]),
    "beam_node_destroy": (None, [handle_p]),
    "beam_node_tick": (beam_status, [handle_p, ctypes.c_uint64]),
    "beam_node_on_gossip": (beam_status, [handle_p, c_enum, in_bytes, ctypes.c_size_t, ctypes.c_char_p]),
    "beam_node_peer_connected": (beam_status, [handle_p, ctypes.c_char_p]),
    "beam_node_peer_disconnected": (beam_status, [handle_p, ctypes.c_char_p]),
    "beam_node_on_request": (beam_status, [handle_p, ctypes.c_char_p, c_enum, in_bytes, ctypes.c_size_t,
                                           ctypes.c_uint64]),
    "beam_node_on_response_chunk": (beam_status, [handle_p, ctypes.c_uint64, in_bytes, ctypes.c_size_t]),
    "beam_node_on_response_end": (beam_status, [handle_p, ctypes.c_uint64, ctypes.c_int32]),
    "beam_node_wait_idle": (beam_status, [handle_p]),
    "beam_node_produce_block": (beam_status, [handle_p, ctypes.c_uint64, ctypes.c_uint64, _buf_p]),
    "beam_node_produce_attestation_data": (beam_status, [handle_p, ctypes.c_uint64, _buf_p]),
    "beam_node_head": (beam_status, [handle_p, _cp_p]),
    "beam_node_justified": (beam_status, [handle_p, _cp_p]),
    "beam_node_finalized": (beam_status, [handle_p, _cp_p]),
    "beam_node_metrics_text": (beam_status, [handle_p, _buf_p]),
    "beam_state_borrow_head": (beam_status, [handle_p, _handle_out]),
    "beam_state_borrow_finalized": (beam_status, [handle_p, _handle_out]),
    "beam_state_borrow_by_root": (beam_status, [handle_p, in_bytes, _handle_out]),
    "beam_state_borrow_slot": (beam_status, [handle_p, _u64_out]),
    "beam_state_borrow_validator_count": (beam_status, [handle_p, _u64_out]),
    "beam_state_borrow_latest_justified": (beam_status, [handle_p, _cp_p]),
    "beam_state_borrow_latest_finalized": (beam_status, [handle_p, _cp_p]),
    "beam_state_borrow_serialize": (beam_status, [handle_p, _buf_p]),
    "beam_state_borrow_release": (None, [handle_p]),
    "beam_locked_map_create": (beam_status, [_handle_out]),
    "beam_locked_map_destroy": (None, [handle_p]),
    "beam_locked_map_put": (beam_status, [handle_p, in_bytes, ctypes.c_size_t, in_bytes, ctypes.c_size_t, _int_out]),
    "beam_locked_map_get": (beam_status, [handle_p, in_bytes, ctypes.c_size_t, _buf_p]),
    "beam_locked_map_remove": (beam_status, [handle_p, in_bytes, ctypes.c_size_t]),
    "beam_locked_map_fetch_remove": (beam_status, [handle_p, in_bytes, ctypes.c_size_t, _buf_p]),
    "beam_locked_map_count": (beam_status, [handle_p, _size_out]),
    "beam_locked_map_iterate": (beam_status, [handle_p, LOCKED_MAP_VISIT_FN, ctypes.c_void_p]),
    "beam_block_cache_create": (beam_status, [_handle_out]),
    "beam_block_cache_destroy": (None, [handle_p]),
    "beam_block_cache_insert": (beam_status, [handle_p, in_bytes, ctypes.c_size_t, ctypes.c_int, u8_p]),
    "beam_block_cache_get": (beam_status, [handle_p, in_bytes, _buf_p]),
    "beam_block_cache_remove": (beam_status, [handle_p, in_bytes]),
    "beam_block_cache_remove_children": (beam_status, [handle_p, in_bytes, _size_out]),
    "beam_block_cache_children": (beam_status, [handle_p, in_bytes, _buf_p]),
    "beam_block_cache_count": (beam_status, [handle_p, _size_out]),
}

# Functions added after the first 0.x release. A library without them still loads (the
# ABI only grows within a major version); the features that need them raise
# UnsupportedError. Their presence also tells that the library knows the config fields
# appended with them (clock, crypto, log, request_timeout_ms, range_sync_batch): an
# older library would accept the larger struct_size and silently ignore those.
OPTIONAL_PROTOTYPES = {
    "beam_bytes_sink_append": (beam_status, [handle_p, in_bytes, ctypes.c_size_t]),
    "beam_xmss_key_generate": (beam_status, [c_enum, in_bytes, ctypes.c_uint64, ctypes.c_uint64, _handle_out]),
    "beam_xmss_key_destroy": (None, [handle_p]),
    "beam_xmss_key_public": (beam_status, [handle_p, u8_p]),
    "beam_xmss_sign": (beam_status, [handle_p, ctypes.c_uint64, in_bytes, _buf_p]),
    "beam_xmss_verify": (beam_status, [c_enum, in_bytes, ctypes.c_uint64, in_bytes, in_bytes, ctypes.c_size_t]),
    "beam_attestation_sign": (beam_status, [handle_p, ctypes.c_uint64, in_bytes, ctypes.c_size_t, _buf_p]),
}
# The marker of the library revision that reads the appended beam_node_config fields.
CONFIG_V2_MARKER = "beam_bytes_sink_append"


class LibraryNotFoundError(OSError):
    """libbeamcore could not be located or loaded."""


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
    name = ctypes.util.find_library("beamcore")
    if name:
        found.append(name)
    return found, False


def _declare(lib):
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
    build (../../build/release/src/libbeamcore.so.0 from bindings/python) and then
    ctypes.util.find_library("beamcore") are tried. Later calls return the same
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
            _lib, _lib_path, _missing = lib, candidate, frozenset(missing)
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
