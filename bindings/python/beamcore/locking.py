"""The chain's concurrency primitives (locking.h): LockedMap and BlockCache."""

import ctypes

from . import _ffi
from ._handle import Closable, callback_scope
from ._util import as_bytes, as_root, split_fixed, take_buffer
from .constants import ROOT_SIZE
from .errors import NotFound, check


class LockedMap(Closable):
    """beam_locked_map: a mutex-protected hash map of byte strings (copied in and out).

    Mirrors the C calls (put/get/remove/fetch_remove/count/iterate) and adds the mapping
    sugar: len(m), key in m, m[key] (KeyError if absent), m[key] = value, del m[key],
    items(). Thread-safe.
    """

    _destroy_function = "beam_locked_map_destroy"

    def __init__(self):
        self._create("beam_locked_map_create")

    def _describe(self):
        return f"count={self.count()}"

    def put(self, key, value):
        """Sets key to value; True if the key was new, False if its value was replaced."""
        key, value = as_bytes("key", key), as_bytes("value", value)
        inserted = ctypes.c_int(-1)
        with self._h as ptr:
            check(_ffi.lib().beam_locked_map_put(ptr, key, len(key), value, len(value), ctypes.byref(inserted)),
                  "beam_locked_map_put")
        return inserted.value == 1

    def get(self, key):
        """The value of key; NotFound if absent."""
        key = as_bytes("key", key)
        with self._h as ptr:
            return take_buffer("beam_locked_map_get", _ffi.lib().beam_locked_map_get, ptr, key, len(key))

    def remove(self, key):
        """Removes key; NotFound if absent."""
        key = as_bytes("key", key)
        with self._h as ptr:
            check(_ffi.lib().beam_locked_map_remove(ptr, key, len(key)), "beam_locked_map_remove")

    def fetch_remove(self, key):
        """Removes key and returns its value; NotFound if absent."""
        key = as_bytes("key", key)
        with self._h as ptr:
            return take_buffer("beam_locked_map_fetch_remove", _ffi.lib().beam_locked_map_fetch_remove, ptr, key,
                               len(key))

    def count(self):
        out = ctypes.c_size_t()
        with self._h as ptr:
            check(_ffi.lib().beam_locked_map_count(ptr, ctypes.byref(out)), "beam_locked_map_count")
        return out.value

    def iterate(self, fn):
        """Calls fn(key, value) for every entry, under the map's lock (so fn must not use
        this map: that raises RuntimeError). A truthy return stops the iteration; an
        exception stops it and propagates."""
        if not callable(fn):
            raise TypeError("fn must be callable")
        handle = self._h
        raised = []

        def visit(key, key_len, value, value_len, _user_data):
            with callback_scope(handle):
                try:
                    k = ctypes.string_at(key, key_len) if key_len else b""
                    v = ctypes.string_at(value, value_len) if value_len else b""
                    return 1 if fn(k, v) else 0
                except BaseException as e:  # re-raised once the C call returns
                    raised.append(e)
                    return 1

        c_visit = _ffi.LOCKED_MAP_VISIT_FN(visit)
        with self._h as ptr:
            check(_ffi.lib().beam_locked_map_iterate(ptr, c_visit, None), "beam_locked_map_iterate")
        if raised:
            raise raised[0]

    def items(self):
        """A snapshot list of (key, value) pairs."""
        out = []
        self.iterate(lambda k, v: out.append((k, v)))
        return out

    def keys(self):
        return [k for k, _ in self.items()]

    def __len__(self):
        return self.count()

    def __contains__(self, key):
        try:
            self.get(key)
            return True
        except NotFound:
            return False

    def __getitem__(self, key):
        try:
            return self.get(key)
        except NotFound:
            raise KeyError(key) from None

    def __setitem__(self, key, value):
        self.put(key, value)

    def __delitem__(self, key):
        try:
            self.remove(key)
        except NotFound:
            raise KeyError(key) from None


class BlockCache(Closable):
    """beam_block_cache: blocks waiting for their parent (SignedBlock SSZ, keyed by block
    root, with parent links), at most 1024 blocks. Thread-safe."""

    _destroy_function = "beam_block_cache_destroy"

    def __init__(self):
        self._create("beam_block_cache_create")

    def _describe(self):
        return f"count={self.count()}"

    def insert(self, signed_block, keep_ssz=True):
        """Caches a SignedBlock (SSZ) under its block root, which is returned. Re-inserting
        is a no-op; ResourceExhausted when full; DecodeError on malformed SSZ."""
        signed_block = as_bytes("signed_block", signed_block)
        root = (ctypes.c_uint8 * ROOT_SIZE)()
        with self._h as ptr:
            check(_ffi.lib().beam_block_cache_insert(ptr, signed_block, len(signed_block), 1 if keep_ssz else 0,
                                                     root),
                  "beam_block_cache_insert")
        return bytes(root)

    def get(self, root):
        """The block's SignedBlock SSZ; NotFound if absent."""
        root = as_root("root", root)
        with self._h as ptr:
            return take_buffer("beam_block_cache_get", _ffi.lib().beam_block_cache_get, ptr, root)

    def remove(self, root):
        """Removes the block and its parent link; NotFound if absent."""
        root = as_root("root", root)
        with self._h as ptr:
            check(_ffi.lib().beam_block_cache_remove(ptr, root), "beam_block_cache_remove")

    def remove_children(self, parent_root):
        """Removes every cached descendant of parent_root; returns how many."""
        parent_root = as_root("parent_root", parent_root)
        removed = ctypes.c_size_t()
        with self._h as ptr:
            check(_ffi.lib().beam_block_cache_remove_children(ptr, parent_root, ctypes.byref(removed)),
                  "beam_block_cache_remove_children")
        return removed.value

    def children(self, parent_root):
        """The roots of the cached children of parent_root (a list of 32-byte values)."""
        parent_root = as_root("parent_root", parent_root)
        with self._h as ptr:
            roots = take_buffer("beam_block_cache_children", _ffi.lib().beam_block_cache_children, ptr, parent_root)
        return split_fixed(roots, ROOT_SIZE)

    def count(self):
        out = ctypes.c_size_t()
        with self._h as ptr:
            check(_ffi.lib().beam_block_cache_count(ptr, ctypes.byref(out)), "beam_block_cache_count")
        return out.value

    def __len__(self):
        return self.count()

    def __contains__(self, root):
        try:
            self.get(root)
            return True
        except NotFound:
            return False
