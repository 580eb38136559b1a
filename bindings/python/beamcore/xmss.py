"""XMSS keys and signing (validator duties): XmssKey and xmss_verify."""

import ctypes
import secrets

from . import _ffi, _util
from ._handle import Closable
from ._util import as_bytes, as_enum, as_public_key, as_root, as_u64, take_buffer
from .constants import PUBLIC_KEY_SIZE
from .enums import XmssScheme
from .errors import check


class XmssKey(Closable):
    """A validator's XMSS secret key (beam_xmss_key). Thread-safe (signing serializes on
    the key). Make one with XmssKey.generate(); use as a context manager or call close()
    (idempotent); destroyed when garbage-collected."""

    _destroy_function = "beam_xmss_key_destroy"

    def __init__(self):
        raise TypeError("an XmssKey is made by XmssKey.generate(scheme, seed, activation_slot, num_active_slots)"
                        " or XmssKey.from_ssz(scheme, data)")

    @classmethod
    def from_ssz(cls, scheme, data):
        """A key loaded from its SSZ encoding (leanSpec's SecretKey: a `*_sk.ssz` key file
        of the cross-client layout). DecodeError when it is malformed; compare
        public_key with the expected one (the tree hashes are not re-checked)."""
        _util.require("beam_xmss_key_from_ssz", "XmssKey.from_ssz")
        scheme = as_enum(XmssScheme, "scheme", scheme)
        data = as_bytes("data", data)
        self = object.__new__(cls)
        self.scheme = scheme
        self._public_key = None
        self._new_handle()
        out = ctypes.c_void_p()
        check(_ffi.lib().beam_xmss_key_from_ssz(scheme, data, len(data), ctypes.byref(out)), "beam_xmss_key_from_ssz")
        self._own(out.value)
        return self

    def to_ssz(self):
        """The key's SSZ encoding, as from_ssz reads it (its prepared window included)."""
        _util.require("beam_xmss_key_to_ssz", "XmssKey.to_ssz")
        with self._h as ptr:
            return take_buffer("beam_xmss_key_to_ssz", _ffi.lib().beam_xmss_key_to_ssz, ptr)

    @classmethod
    def generate(cls, scheme, seed, activation_slot, num_active_slots):
        """A key of `scheme` (XmssScheme) active for at least [activation_slot,
        activation_slot + num_active_slots), derived deterministically from the 32-byte
        `seed` (the same seed gives the same key). seed=None draws 32 random bytes (what
        production wants). TEST keys take milliseconds, PROD keys tens of seconds."""
        scheme = as_enum(XmssScheme, "scheme", scheme)
        seed = secrets.token_bytes(32) if seed is None else as_root("seed", seed)
        activation_slot = as_u64("activation_slot", activation_slot)
        num_active_slots = as_u64("num_active_slots", num_active_slots)
        self = object.__new__(cls)
        self.scheme = scheme
        self._public_key = None
        self._new_handle()
        out = ctypes.c_void_p()
        check(_ffi.lib().beam_xmss_key_generate(scheme, seed, activation_slot, num_active_slots, ctypes.byref(out)),
              "beam_xmss_key_generate")
        self._own(out.value)
        return self

    def _describe(self):
        return f"{self.scheme.name} {self.public_key[:8].hex()}..."

    @property
    def public_key(self):
        """The public key's SSZ encoding (PUBLIC_KEY_SIZE bytes)."""
        if self._public_key is None:
            out = (ctypes.c_uint8 * PUBLIC_KEY_SIZE)()
            with self._h as ptr:
                check(_ffi.lib().beam_xmss_key_public(ptr, out), "beam_xmss_key_public")
            self._public_key = bytes(out)
        return self._public_key

    def sign(self, slot, message):
        """The signature (SSZ) of the 32-byte `message` for `slot`. Never sign two
        messages for one slot. FailedPrecondition outside the key's active range."""
        slot = as_u64("slot", slot)
        message = as_root("message", message)
        with self._h as ptr:
            return take_buffer("beam_xmss_sign", _ffi.lib().beam_xmss_sign, ptr, slot, message)

    def verify(self, slot, message, signature):
        """xmss_verify() with this key's scheme and public key."""
        return xmss_verify(self.scheme, self.public_key, slot, message, signature)

    def sign_attestation(self, validator_index, attestation_data):
        """A validator's vote: signs hash_tree_root(attestation_data) (AttestationData
        SSZ) for its slot and returns the SignedAttestation SSZ, ready for
        Node.on_gossip(TopicKind.ATTESTATION, ...) and for publishing."""
        validator_index = as_u64("validator_index", validator_index)
        attestation_data = as_bytes("attestation_data", attestation_data)
        with self._h as ptr:
            return take_buffer("beam_attestation_sign", _ffi.lib().beam_attestation_sign, ptr, validator_index,
                               attestation_data, len(attestation_data))


def xmss_verify(scheme, public_key, slot, message, signature):
    """Whether `signature` (SSZ) is `public_key`'s (52 bytes) signature of the 32-byte
    `message` for `slot` under `scheme`: True or False. DecodeError for a malformed key
    or signature."""
    scheme = as_enum(XmssScheme, "scheme", scheme)
    public_key = as_public_key("public_key", public_key)
    slot = as_u64("slot", slot)
    message = as_root("message", message)
    signature = as_bytes("signature", signature)
    status = _ffi.lib().beam_xmss_verify(scheme, public_key, slot, message, signature, len(signature))
    if status == _ffi.BEAM_ERR_REJECTED:
        return False
    check(status, "beam_xmss_verify")
    return True
