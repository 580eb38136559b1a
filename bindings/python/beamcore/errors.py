"""Exceptions: one class per beam_status error code, and the binding's own errors."""

from . import _ffi


def status_string(status):
    """The C name of a beam_status code (beam_status_string): "BEAM_OK",
    "BEAM_ERR_DECODE", ...; "BEAM_ERR_UNKNOWN" for any other value."""
    if isinstance(status, bool) or not isinstance(status, int):
        raise TypeError(f"status must be an int, not {type(status).__name__}")
    if not -(1 << 31) <= status < (1 << 31):
        raise ValueError(f"status must be a 32-bit signed int, not {status}")
    return _ffi.lib().beam_status_string(status).decode("ascii")


class BeamError(Exception):
    """A libbeamcore call failed.

    status:      the beam_status code (a negative int)
    status_name: its C name (beam_status_string), e.g. "BEAM_ERR_DECODE"
    message:     beam_last_error() right after the failed call
    rejection:   beam_last_rejection() (a leanSpec RejectionReason name for Rejected, else "")
    function:    the C function that failed (may be "")
    """

    def __init__(self, status, message="", rejection="", function="", status_name=None):
        self.status = status
        self.message = message
        self.rejection = rejection
        self.function = function
        self._status_name = status_name
        text = message or (status_name or f"beam_status {status}")
        if rejection and not text.startswith(rejection):
            text = f"{rejection}: {text}"
        if function:
            text = f"{function}: {text}"
        super().__init__(text)

    @property
    def status_name(self):
        if self._status_name is None:
            self._status_name = status_string(self.status)
        return self._status_name


class InvalidArgument(BeamError):
    """BEAM_ERR_INVALID_ARGUMENT: a NULL pointer, bad size or bad enum value."""


class DecodeError(BeamError):
    """BEAM_ERR_DECODE: malformed SSZ or wire bytes."""


class Rejected(BeamError):
    """BEAM_ERR_REJECTED: a consensus rejection; see .rejection."""


class NotFound(BeamError, LookupError):
    """BEAM_ERR_NOT_FOUND (also a LookupError)."""


class Unavailable(BeamError):
    """BEAM_ERR_UNAVAILABLE: not now (e.g. a block waiting for its slot, a response chunk
    that has not fully arrived)."""


class FailedPrecondition(BeamError):
    """BEAM_ERR_FAILED_PRECONDITION."""


class ResourceExhausted(BeamError):
    """BEAM_ERR_RESOURCE_EXHAUSTED (e.g. a full queue, out of memory)."""


class InternalError(BeamError):
    """BEAM_ERR_INTERNAL."""


class ClosedError(ValueError):
    """An object owning a library handle (Node, StateBorrow, XmssKey, LockedMap,
    BlockCache) was used after close()/release(). Raised in Python, before any C call
    (like I/O on a closed file)."""


class UnsupportedError(NotImplementedError):
    """The loaded libbeamcore (an older 1.x) predates a feature: it lacks the C function
    the feature needs. Raised in Python, before any C call."""


class InvalidProof(Exception):
    """Raised by a host crypto object's method (see Node's `crypto`) to answer "the
    proof / input is invalid" (the C return code 1) rather than "could not do the work"
    (any other exception, code 2)."""


class CallbackError(Exception):
    """An exception a Python callback (network, clock, log, crypto) raised while the
    library called it. It could not propagate into C, so it was logged on the
    "beamcore" logger and recorded on the Node (Node.callback_errors,
    Node.raise_callback_errors()).

    callback:  which callback raised, e.g. "network.send_request" or "crypto.verify_single_message"
    exception: the original exception (also __cause__)
    """

    def __init__(self, callback, exception):
        self.callback = callback
        self.exception = exception
        super().__init__(f"{callback} raised {type(exception).__name__}: {exception}")
        self.__cause__ = exception


STATUS_ERRORS = {
    _ffi.BEAM_ERR_INVALID_ARGUMENT: InvalidArgument,
    _ffi.BEAM_ERR_DECODE: DecodeError,
    _ffi.BEAM_ERR_REJECTED: Rejected,
    _ffi.BEAM_ERR_NOT_FOUND: NotFound,
    _ffi.BEAM_ERR_UNAVAILABLE: Unavailable,
    _ffi.BEAM_ERR_FAILED_PRECONDITION: FailedPrecondition,
    _ffi.BEAM_ERR_RESOURCE_EXHAUSTED: ResourceExhausted,
    _ffi.BEAM_ERR_INTERNAL: InternalError,
}


def error_for_status(status, message="", rejection="", function="", status_name=None):
    """The exception for a non-OK `status` (BeamError itself for unknown codes)."""
    return STATUS_ERRORS.get(status, BeamError)(status, message, rejection, function, status_name)


def check(status, function=""):
    """Raises the matching BeamError unless `status` is BEAM_OK.

    Must run on the thread that made the failed call, before any other beam_* call
    there: beam_last_error()/beam_last_rejection() are thread-local.
    """
    if status == _ffi.BEAM_OK:
        return
    lib = _ffi.lib()
    message = (lib.beam_last_error() or b"").decode("utf-8", "replace")
    rejection = (lib.beam_last_rejection() or b"").decode("utf-8", "replace")
    name = lib.beam_status_string(status).decode("ascii")  # a static string: no error state
    raise error_for_status(status, message, rejection, function, name)
