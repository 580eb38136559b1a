"""The lifetime of library handles: the one base class of every Python object that
owns one (Node, StateBorrow, XmssKey, LockedMap, BlockCache).

close() is idempotent and waits for the calls in flight on other threads; a call after
close() raises ClosedError before reaching C; an object never closed is destroyed when
garbage-collected (or at exit). A callback the library runs for a handle is marked on
its thread, so that calling back into that handle from there fails in Python instead
of deadlocking in C.
"""

import contextlib
import ctypes
import threading
import weakref

from . import _ffi
from .errors import ClosedError, check

_tls = threading.local()  # .callbacks: the handles whose callback runs on this thread


def in_callback_of(handle):
    return handle in getattr(_tls, "callbacks", ())


@contextlib.contextmanager
def callback_scope(handle):
    """Marks the current thread as running a callback of `handle` (nestable)."""
    stack = _tls.__dict__.setdefault("callbacks", [])
    stack.append(handle)
    try:
        yield
    finally:
        stack.pop()


class Handle:
    """One C handle: its pointer, the calls using it, how to destroy it. Referenced by the
    owner's finalizer, so it must never reference the owner.

    `with handle as ptr:` is one call: ClosedError once closed; RuntimeError from
    inside the handle's own callback."""

    def __init__(self, what, destroy_function):
        self.what = what
        self.ptr = None
        self._destroy_function = destroy_function
        self._cv = threading.Condition()
        self._users = 0
        self._closed = False
        self.keepalive = None  # what the C side points at until destroyed (ctypes callbacks)

    @property
    def closed(self):
        return self._closed

    def __enter__(self):
        if in_callback_of(self):
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
        if in_callback_of(self):
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
            getattr(_ffi.lib(), self._destroy_function)(ptr)
        self.keepalive = None  # only now: the C side can no longer call them

    def finalize(self):
        # Garbage collection (or interpreter exit). If that happens on a thread inside
        # this handle's own callback, destroying here would join the thread from itself.
        if in_callback_of(self):
            threading.Thread(target=self._close, name="beamcore-finalize", daemon=True).start()
        else:
            self._close()


class Closable:
    """Base of every class owning a library handle: close() (idempotent), `closed`, a
    context manager, destroyed when garbage-collected.

    A subclass names its C destroy function in `_destroy_function`, calls
    `_new_handle()` (before anything that may call back, such as a create call) and
    `_own(ptr)` once the library has made the handle; `_create(name)` does both for a
    `beam_*_create(T** out)` function. Calls go through `with self._h as ptr:`."""

    _destroy_function = None

    def _new_handle(self):
        self._h = Handle(type(self).__name__, self._destroy_function)
        return self._h

    def _own(self, ptr):
        self._h.ptr = ptr
        self._finalizer = weakref.finalize(self, self._h.finalize)

    def _create(self, create_function):
        self._new_handle()
        out = ctypes.c_void_p()
        check(getattr(_ffi.lib(), create_function)(ctypes.byref(out)), create_function)
        self._own(out.value)

    def close(self):
        """Frees the handle (idempotent; waits for calls in flight on other threads)."""
        self._h.close()

    @property
    def closed(self):
        return self._h.closed

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        if self.closed:
            return f"<beamcore.{type(self).__name__} closed>"
        return f"<beamcore.{type(self).__name__} {self._describe()}>"

    def _describe(self):
        return "open"
