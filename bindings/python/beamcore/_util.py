"""Argument conversion (Python values to C arguments: misuse fails here, in Python,
before any C call) and reading what the library hands back (owned buffers, pointers
passed to callbacks)."""

import ctypes
import operator
import os

from . import _ffi
from .constants import PUBLIC_KEY_SIZE, ROOT_SIZE
from .errors import UnsupportedError, check

U64_MAX = (1 << 64) - 1

# ---- Python arguments -------------------------------------------------------------


def as_bytes(name, data):
    """Any bytes-like object as bytes (str and None are refused)."""
    if isinstance(data, bytes):
        return data
    if data is None or isinstance(data, str):
        raise TypeError(f"{name} must be bytes-like, not {type(data).__name__}")
    try:
        return bytes(memoryview(data))
    except TypeError:
        raise TypeError(f"{name} must be bytes-like, not {type(data).__name__}") from None


def as_root(name, data):
    """Exactly ROOT_SIZE bytes (the C side reads 32 bytes, no length)."""
    data = as_bytes(name, data)
    if len(data) != ROOT_SIZE:
        raise ValueError(f"{name} must be {ROOT_SIZE} bytes, not {len(data)}")
    return data


def as_public_key(name, data):
    data = as_bytes(name, data)
    if len(data) != PUBLIC_KEY_SIZE:
        raise ValueError(f"{name} must be {PUBLIC_KEY_SIZE} bytes, not {len(data)}")
    return data


def _as_int(name, value):
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an int, not bool")
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be an int, not {type(value).__name__}") from None


def as_u64(name, value):
    value = _as_int(name, value)
    if not 0 <= value <= U64_MAX:
        raise ValueError(f"{name} must be in [0, 2**64), not {value}")
    return value


def as_u32(name, value):
    value = as_u64(name, value)
    if value > 0xFFFFFFFF:
        raise ValueError(f"{name} must be in [0, 2**32), not {value}")
    return value


def as_i32(name, value):
    value = _as_int(name, value)
    if not -(1 << 31) <= value < (1 << 31):
        raise ValueError(f"{name} must be a 32-bit signed int, not {value}")
    return value


def as_enum(enum_type, name, value):
    """An enum member from a member or its int value (ValueError for another int)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a {enum_type.__name__} or int, not {type(value).__name__}")
    try:
        return enum_type(value)
    except ValueError:
        raise ValueError(f"{name}: {value} is not a valid {enum_type.__name__}") from None


def maybe_enum(enum_type, value):
    """The enum member for a value the library passed, or the value itself if unknown."""
    try:
        return enum_type(value)
    except ValueError:
        return value


def as_c_string(name, value, errors="strict"):
    """str (UTF-8) or bytes as a NUL-free C string."""
    if isinstance(value, str):
        value = value.encode("utf-8", errors)
    elif not isinstance(value, (bytes, bytearray, memoryview)):
        raise TypeError(f"{name} must be str or bytes, not {type(value).__name__}")
    value = bytes(value)
    if b"\0" in value:
        raise ValueError(f"{name} must not contain NUL")
    return value


def as_peer_id(value, allow_none=False):
    """A peer id (str or bytes; non-UTF-8 bytes round-trip as surrogate escapes)."""
    if value is None and allow_none:
        return None
    if value is None:
        raise TypeError("peer_id must be str or bytes, not NoneType")
    return as_c_string("peer_id", value, "surrogateescape")


def as_path(name, value):
    """A filesystem path (str, bytes or os.PathLike) as a C string."""
    try:
        value = os.fsencode(value)
    except TypeError:
        raise TypeError(f"{name} must be a path (str, bytes or os.PathLike), not {type(value).__name__}") from None
    if b"\0" in value:
        raise ValueError(f"{name} must not contain NUL")
    return value


# ---- What the library hands back --------------------------------------------------


def take_buffer(function, fn, *args):
    """Calls fn(*args, &buffer) and returns the buffer's bytes (freeing it)."""
    buf = _ffi.BeamBuffer()
    status = fn(*args, ctypes.byref(buf))
    try:
        check(status, function)
        return buffer_bytes(buf)
    finally:
        _ffi.lib().beam_buffer_free(ctypes.byref(buf))


def buffer_bytes(buf):
    """The bytes of a beam_buffer (not freed)."""
    return ctypes.string_at(buf.data, buf.len) if buf.len else b""


def bytes_at(ptr, length):
    """`length` bytes at the address `ptr` (callback arguments)."""
    if not length:
        return b""
    if not ptr:
        raise ValueError(f"the library passed a NULL pointer for {length} bytes")
    return ctypes.string_at(ptr, length)


def c_string(ptr, errors="surrogateescape"):
    """A NUL-terminated string at `ptr` as str (None for NULL). Peer ids: bytes that are
    not UTF-8 survive as surrogates, so an id handed back is the same C string."""
    return ctypes.string_at(ptr).decode("utf-8", errors) if ptr else None


def array_at(c_type, ptr, count):
    """`count` values of `c_type` at `ptr`, as a list."""
    if not count:
        return []
    if not ptr:
        raise ValueError(f"the library passed a NULL array of {count} elements")
    return list((c_type * count).from_address(ptr))


def split(data, lengths):
    """`data` cut into consecutive pieces of `lengths`."""
    out, offset = [], 0
    for n in lengths:
        out.append(data[offset:offset + n])
        offset += n
    return out


def split_fixed(data, size):
    return [data[i:i + size] for i in range(0, len(data), size)]


def keys_at(ptr, count):
    """`count` concatenated public keys at `ptr`, as a list of PUBLIC_KEY_SIZE bytes."""
    return split_fixed(bytes_at(ptr, count * PUBLIC_KEY_SIZE), PUBLIC_KEY_SIZE)


def grouped_keys_at(ptr, counts):
    """Concatenated public keys at `ptr`, grouped by `counts` (a list of lists)."""
    keys = keys_at(ptr, sum(counts))
    out, offset = [], 0
    for n in counts:
        out.append(keys[offset:offset + n])
        offset += n
    return out


def require(name, feature):
    """Raises UnsupportedError unless the loaded library has the C function `name`
    (for the features that need functions added after 1.0)."""
    if not _ffi.has(name):
        raise UnsupportedError(f"{feature} needs {name}, which the loaded libbeamcore ({_ffi.library_path()}) lacks")


def new_struct(cls, init_function):
    """A `cls` (a versioned struct) with the library's defaults, from its _init
    function given this binding's size: the library zeroes exactly that many bytes and
    sets struct_size to it, whatever size its own header has."""
    out = cls()
    status = getattr(_ffi.lib(), init_function)(ctypes.byref(out), ctypes.sizeof(cls))
    if status != 0:
        check(status, init_function)
    return out
