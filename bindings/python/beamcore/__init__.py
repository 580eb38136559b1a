"""Python binding of libbeamcore's C ABI (include/beamcore/*.h), via ctypes.

No build step: the shared library is found through $BEAMCORE_LIBRARY, the in-tree
release build, or the dynamic linker (see beamcore._ffi.load). It is loaded lazily,
on first use.

    import beamcore
    genesis = beamcore.genesis_state(0, 4)
    with beamcore.Node(genesis, validator_indices=range(4), chain_worker=False) as node:
        block = node.produce_block(1, 1)
        node.tick(1 * beamcore.INTERVALS_PER_SLOT + 4)
        print(node.head(), node.health(), node.api("GET", "/lean/v0/health").json())

Modules: node (Node), borrow (StateBorrow), xmss (XmssKey), locking (LockedMap,
BlockCache), primitives (hash_tree_root, stf_apply, genesis_state, ...), api (the lean
HTTP API), wire (snappy, req/resp framing, gossip topics and message ids), enums,
records, constants, errors. Everything public is re-exported here. See
bindings/python/README.md.
"""

from . import wire
from ._ffi import LibraryNotFoundError, lib, library_path, load
from .api import ApiResponse, api_handle
from .borrow import StateBorrow
from .constants import (INTERVALS_PER_SLOT, MAX_ERROR_MESSAGE_SIZE, MAX_PAYLOAD_SIZE, MESSAGE_ID_LEN,
                        MS_PER_INTERVAL, MS_PER_SLOT, PUBLIC_KEY_SIZE, ROOT_SIZE, VARINT_MAX_LEN,
                        VERIFY_THREADS_NONE, SERVE_HISTORY_ALL)
from .enums import (LogLevel, PeerAction, ProofMode, ReqProtocol, RespCode, SszType, Status, StorageSync, TopicKind,
                    XmssScheme)
from .errors import (BeamError, CallbackError, ClosedError, DecodeError, FailedPrecondition, InternalError,
                     InvalidArgument, InvalidProof, NotFound, Rejected, ResourceExhausted, Unavailable,
                     UnsupportedError, check, error_for_status, status_string)
from .locking import BlockCache, LockedMap
from .node import Node
from .primitives import block_root, genesis_state, hash_tree_root, stf_apply, version, version_number
from .records import Checkpoint, MergeComponent, MessageComponent, NodeHealth, ProofWithKeys, RawSignature
from .xmss import XmssKey, xmss_verify

__all__ = [
    # errors
    "BeamError", "InvalidArgument", "DecodeError", "Rejected", "NotFound", "Unavailable",
    "FailedPrecondition", "ResourceExhausted", "InternalError", "ClosedError", "LibraryNotFoundError",
    "UnsupportedError", "CallbackError", "InvalidProof", "check", "error_for_status", "status_string",
    # enums and records
    "Status", "SszType", "TopicKind", "XmssScheme", "ProofMode", "StorageSync", "ReqProtocol", "RespCode", "PeerAction",
    "LogLevel", "Checkpoint", "NodeHealth", "ProofWithKeys", "RawSignature", "MessageComponent", "MergeComponent",
    # handles
    "Node", "StateBorrow", "XmssKey", "LockedMap", "BlockCache",
    # functions
    "hash_tree_root", "block_root", "stf_apply", "genesis_state", "xmss_verify", "version", "version_number",
    "api_handle", "ApiResponse", "wire",
    # loading
    "load", "lib", "library_path",
    # constants
    "INTERVALS_PER_SLOT", "MS_PER_INTERVAL", "MS_PER_SLOT", "ROOT_SIZE", "PUBLIC_KEY_SIZE", "VERIFY_THREADS_NONE",
    "SERVE_HISTORY_ALL",
    "MAX_PAYLOAD_SIZE", "MAX_ERROR_MESSAGE_SIZE", "VARINT_MAX_LEN", "MESSAGE_ID_LEN",
]
