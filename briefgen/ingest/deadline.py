"""The wall-clock budget of one fetch: connect, TLS handshake, headers and body together.

`within(seconds)` sets the budget of the fetches made inside it; `Transport` is an httpx2
transport whose every connect, handshake, read and write is given at most the time left. A
server that sends its headers or body one byte a second is cut off when the budget is spent,
however small its pieces: httpx2's own timeouts are per operation and restart on each byte.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore2
import httpx2

# When the fetch under way must end (time.monotonic()), or None outside a fetch. A context
# variable: each thread (and each task) fetching has its own.
_ENDS: contextvars.ContextVar[float | None] = contextvars.ContextVar("fetch_ends", default=None)


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """The network operations inside end `seconds` from now, all of them together."""
    token = _ENDS.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _ENDS.reset(token)


def _left(timeout: float | None, expired: type[Exception]) -> float | None:
    """The timeout for one operation: `timeout`, cut to what is left of the fetch's budget."""
    ends = _ENDS.get()
    if ends is None:
        return timeout
    left = ends - time.monotonic()
    if left <= 0:
        raise expired("the fetch's time is up")
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore2.NetworkStream):
    def __init__(self, inner: httpcore2.NetworkStream):
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _left(timeout, httpcore2.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _left(timeout, httpcore2.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore2.NetworkStream:
        timeout = _left(timeout, httpcore2.ConnectTimeout)
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore2.NetworkBackend):
    def __init__(self, inner: httpcore2.NetworkBackend):
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.NetworkStream:
        timeout = _left(timeout, httpcore2.ConnectTimeout)
        return _Stream(self._inner.connect_tcp(host, port, timeout, local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore2.NetworkStream:
        timeout = _left(timeout, httpcore2.ConnectTimeout)
        return _Stream(self._inner.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class Transport(httpx2.HTTPTransport):
    """httpx2's transport, its connections held to the budget set by `within`."""

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        # httpx2 takes no network backend of its own: the pool it built is given one. The
        # fetch tests (a server sending a byte a second) fail if this stops taking effect.
        pool = self._pool
        pool._network_backend = _Backend(pool._network_backend)
