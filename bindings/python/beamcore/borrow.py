"""StateBorrow: a read-only reference to a chain state (beam_state_borrow)."""

import ctypes

from . import _ffi
from ._handle import Closable
from ._util import take_buffer
from .errors import check
from .records import Checkpoint


class StateBorrow(Closable):
    """A read-only reference to a chain state (beam_state_borrow). Never blocks the
    node and stays valid after the Node is closed. Use as a context manager or call
    release() (idempotent; close() is the same)."""

    _destroy_function = "beam_state_borrow_release"

    def __init__(self):
        raise TypeError("StateBorrow is obtained from Node.borrow_head/borrow_finalized/borrow_by_root")

    @classmethod
    def _adopt(cls, ptr):
        self = object.__new__(cls)
        self._new_handle()
        self._own(ptr)
        return self

    def release(self):
        self.close()

    @property
    def released(self):
        return self.closed

    def __repr__(self):
        if self.released:
            return "<beamcore.StateBorrow released>"
        return f"<beamcore.StateBorrow slot={self.slot}>"

    def _u64(self, name):
        out = ctypes.c_uint64()
        with self._h as ptr:
            check(getattr(_ffi.lib(), name)(ptr, ctypes.byref(out)), name)
        return out.value

    def _checkpoint(self, name):
        out = _ffi.BeamCheckpoint()
        with self._h as ptr:
            check(getattr(_ffi.lib(), name)(ptr, ctypes.byref(out)), name)
        return Checkpoint(bytes(out.root), out.slot)

    @property
    def slot(self):
        return self._u64("beam_state_borrow_slot")

    @property
    def validator_count(self):
        return self._u64("beam_state_borrow_validator_count")

    @property
    def latest_justified(self):
        return self._checkpoint("beam_state_borrow_latest_justified")

    @property
    def latest_finalized(self):
        return self._checkpoint("beam_state_borrow_latest_finalized")

    def serialize(self):
        """The state's SSZ encoding."""
        with self._h as ptr:
            return take_buffer("beam_state_borrow_serialize", _ffi.lib().beam_state_borrow_serialize, ptr)
