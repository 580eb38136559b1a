"""Sizes and protocol constants (the header's #defines, and leanSpec values the C API
uses without exporting them)."""

from . import _ffi

# leanSpec time (consensus/config.h): a slot is 4 s of five 800 ms intervals, in node time.
INTERVALS_PER_SLOT = 5
MS_PER_SLOT = 4000
MS_PER_INTERVAL = MS_PER_SLOT // INTERVALS_PER_SLOT

ROOT_SIZE = 32                                    # a hash_tree_root / block root
PUBLIC_KEY_SIZE = _ffi.BEAM_XMSS_PUBLIC_KEY_SIZE  # SSZ size of one XMSS public key

# wire.h
MAX_PAYLOAD_SIZE = _ffi.BEAM_WIRE_MAX_PAYLOAD_SIZE              # largest req/resp or gossip payload
MAX_ERROR_MESSAGE_SIZE = _ffi.BEAM_WIRE_MAX_ERROR_MESSAGE_SIZE  # error chunks are cut to this
VARINT_MAX_LEN = _ffi.BEAM_WIRE_VARINT_MAX_LEN                  # the longest varint (a uint64)
MESSAGE_ID_LEN = _ffi.BEAM_WIRE_MESSAGE_ID_LEN                  # a gossip message id
VERIFY_THREADS_NONE = _ffi.BEAM_VERIFY_THREADS_NONE  # Node(verify_threads=...): no verification threads
SERVE_HISTORY_ALL = _ffi.BEAM_SERVE_HISTORY_ALL  # Node(serve_history_slots=...): serve every stored block
