"""The lean HTTP API (/lean/v0/... and /metrics) of a node, for the host's HTTP server:
api_handle (beam_api_handle) and its ApiResponse."""

import ctypes
import dataclasses
import json

from . import _ffi, _util
from ._handle import Handle
from ._util import as_bytes, as_c_string, buffer_bytes
from .errors import check


@dataclasses.dataclass(frozen=True)
class ApiResponse:
    """One HTTP answer (beam_api_response).

    status_code:  200, 400, 404, 405 or 500
    content_type: e.g. "application/json", "application/octet-stream" (SSZ routes),
                  "text/plain; version=0.0.4; charset=utf-8" (/metrics)
    body:         bytes (empty for HEAD)
    allow:        405 only: the path's methods for the Allow header ("GET, HEAD, POST"); else ""
    """
    status_code: int
    content_type: str
    body: bytes
    allow: str = ""

    @property
    def text(self):
        """The body decoded as UTF-8 (JSON and text routes)."""
        return self.body.decode("utf-8", "replace")

    def json(self):
        """The body parsed as JSON (the JSON routes and every HTTP error answer)."""
        return json.loads(self.body)


def api_handle(node, method, path, body=b""):
    """Answers one request of leanSpec's lean API on `node` (beam_api_handle).

    method: "GET", "POST" or "HEAD" (case-sensitive; HEAD wherever GET)
    path:   the request target in origin form ("/lean/v0/fork_choice"; a "?query" is ignored)
    body:   the request body (bytes-like; a str is encoded as UTF-8)

    Routes: GET /lean/v0/health, /lean/v0/checkpoints/justified, /lean/v0/fork_choice
    (JSON); GET /lean/v0/states/finalized, /lean/v0/blocks/finalized (SSZ); GET and POST
    /lean/v0/admin/aggregator (POST {"enabled": true|false} switches the node's
    aggregator role; unauthenticated: expose it to trusted clients only); GET /metrics.
    Every HTTP answer, errors included, is an ApiResponse with its status_code (unknown
    path 404, another method 405, a malformed POST body 400, with a JSON body
    {"code": N, "message": "..."}). Thread-safe; not from the node's own callbacks.
    """
    handle = getattr(node, "_h", None)
    if not isinstance(handle, Handle) or handle.what != "Node":
        raise TypeError(f"node must be a beamcore.Node, not {type(node).__name__}")
    method = as_c_string("method", method)
    path = as_c_string("path", path)
    body = body.encode("utf-8") if isinstance(body, str) else as_bytes("body", body)
    lib = _ffi.lib()
    response = _util.new_struct(_ffi.BeamApiResponse, "beam_api_response_init")
    try:
        with handle as ptr:
            check(lib.beam_api_handle(ptr, method, path, body, len(body), ctypes.byref(response)), "beam_api_handle")
        return ApiResponse(
            status_code=response.status_code,
            content_type=buffer_bytes(response.content_type).decode("utf-8", "replace"),
            body=buffer_bytes(response.body),
            allow=buffer_bytes(response.allow).decode("utf-8", "replace"),
        )
    finally:
        lib.beam_api_response_free(ctypes.byref(response))
