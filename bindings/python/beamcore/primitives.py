"""Standalone consensus helpers (no node needed, thread-safe): the library version,
hash_tree_root, block_root, stf_apply and genesis_state."""

import ctypes

from . import _ffi
from ._util import as_bytes, as_enum, as_u64, take_buffer
from .constants import PUBLIC_KEY_SIZE, ROOT_SIZE
from .enums import SszType
from .errors import check
from .xmss import XmssKey


def version():
    """The library version, "MAJOR.MINOR.PATCH" (beam_version_string)."""
    return _ffi.lib().beam_version_string().decode("ascii")


def version_number():
    """The library version as (MAJOR << 16) | (MINOR << 8) | PATCH (beam_version_number)."""
    return _ffi.lib().beam_version_number()


def hash_tree_root(ssz_type, data):
    """hash_tree_root of the SSZ value `data` of `ssz_type` (an SszType): 32 bytes."""
    ssz_type = as_enum(SszType, "ssz_type", ssz_type)
    data = as_bytes("data", data)
    out = (ctypes.c_uint8 * ROOT_SIZE)()
    check(_ffi.lib().beam_hash_tree_root(ssz_type, data, len(data), out), "beam_hash_tree_root")
    return bytes(out)


def block_root(signed_block):
    """The block root (hash_tree_root of the inner Block) of a SignedBlock SSZ value: 32
    bytes. Not hash_tree_root(SszType.SIGNED_BLOCK, ...), which hashes the envelope."""
    signed_block = as_bytes("signed_block", signed_block)
    out = (ctypes.c_uint8 * ROOT_SIZE)()
    check(_ffi.lib().beam_block_root(signed_block, len(signed_block), out), "beam_block_root")
    return bytes(out)


def stf_apply(pre_state, signed_block):
    """state_transition(pre_state, signed_block.block) (signatures unchecked): the
    post-state SSZ."""
    pre_state = as_bytes("pre_state", pre_state)
    signed_block = as_bytes("signed_block", signed_block)
    return take_buffer("beam_stf_apply", _ffi.lib().beam_stf_apply,
                       pre_state, len(pre_state), signed_block, len(signed_block))


def _keys(name, keys, count):
    if keys is None:
        return None
    if isinstance(keys, (list, tuple)):
        keys = [k.public_key if isinstance(k, XmssKey) else as_bytes(f"{name}[{i}]", k) for i, k in enumerate(keys)]
        if any(len(k) != PUBLIC_KEY_SIZE for k in keys):
            raise ValueError(f"each of {name} must be {PUBLIC_KEY_SIZE} bytes")
        keys = b"".join(keys)
    keys = as_bytes(name, keys)
    # The C call takes no length: a short buffer would be read past its end.
    if len(keys) != PUBLIC_KEY_SIZE * count:
        raise ValueError(f"{name} must hold {count} keys of {PUBLIC_KEY_SIZE} bytes "
                         f"({PUBLIC_KEY_SIZE * count} bytes), not {len(keys)} bytes")
    return keys


def genesis_state(genesis_time, validator_count, attestation_keys=None, proposal_keys=None):
    """The genesis state SSZ for `validator_count` validators. Keys are the validators'
    52-byte public keys, concatenated (or a list of 52-byte values or XmssKeys); None
    means all-zero keys (tests and benchmarks)."""
    genesis_time = as_u64("genesis_time", genesis_time)
    validator_count = as_u64("validator_count", validator_count)
    attestation_keys = _keys("attestation_keys", attestation_keys, validator_count)
    proposal_keys = _keys("proposal_keys", proposal_keys, validator_count)
    return take_buffer("beam_genesis_state", _ffi.lib().beam_genesis_state,
                       genesis_time, attestation_keys, proposal_keys, validator_count)
