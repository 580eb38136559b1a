"""The C ABI's enums and code sets as IntEnums (values are the C values)."""

import enum

from . import _ffi


class Status(enum.IntEnum):
    """beam_status. The C name of a code: beamcore.status_string(code)."""
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
    """beam_ssz_type: what hash_tree_root hashes."""
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
    """beam_topic_kind: gossip topics."""
    BLOCK = _ffi.BEAM_TOPIC_BLOCK              # SignedBlock
    ATTESTATION = _ffi.BEAM_TOPIC_ATTESTATION  # SignedAttestation
    AGGREGATE = _ffi.BEAM_TOPIC_AGGREGATE      # SignedAggregatedAttestation


class XmssScheme(enum.IntEnum):
    TEST = _ffi.BEAM_XMSS_TEST
    PROD = _ffi.BEAM_XMSS_PROD


class ProofMode(enum.IntEnum):
    MOCKED = _ffi.BEAM_PROOFS_MOCKED  # the spec's placeholder aggregate proofs (test networks)
    HOST = _ffi.BEAM_PROOFS_HOST      # the host's prover and verifier (Node's `crypto`)


class StorageSync(enum.IntEnum):
    NORMAL = _ffi.BEAM_STORAGE_SYNC_NORMAL  # synced at WAL checkpoints; a power loss may roll back the latest blocks
    FULL = _ffi.BEAM_STORAGE_SYNC_FULL      # every stored block synced before it counts (one fsync per block)


class ReqProtocol(enum.IntEnum):
    STATUS = _ffi.BEAM_REQ_STATUS                    # Status, answered by a Status
    BLOCKS_BY_ROOT = _ffi.BEAM_REQ_BLOCKS_BY_ROOT    # BlocksByRootRequest, answered by SignedBlocks
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
