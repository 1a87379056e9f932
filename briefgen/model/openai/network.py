"""The HTTP pool's sockets, on asyncio itself: `AsyncioBackend`, an httpcore2 network backend.

httpx2's pool reaches the network through anyio, which adds a cancel scope, a backend lookup
and an exception map to every read and write, a task group and an event to every connect,
and answers "is this idle connection readable?" by building its whole table of socket
attributes (with a `getpeername`). At 32 requests in flight that cost more of the event loop
than briefgen's own work on an answer. This backend does the same on an `asyncio.Protocol`:
a connect is `loop.create_connection` (the same Happy Eyeballs delay as anyio: 0.25 s), a
read takes what the protocol has buffered or waits for it, a write hands the bytes to the
transport and waits only when its buffer is full, TLS is `loop.start_tls`, and the idle
probe is the protocol's own state plus one `poll`. Timeouts and failures are httpcore2's
exceptions, as with anyio (so httpx2 and the SDK map them as before).

Used only under asyncio (briefgen's event loop); it imports no SDK.
"""

from __future__ import annotations

import asyncio
import select
import socket
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore2

# httpx2 passes (level, option, value) tuples; anyio took them the same way.
SocketOption = tuple[int, int, int | bytes] | tuple[int, int, None, int]

HAPPY_EYEBALLS_DELAY = 0.25  # anyio's, for host names with several addresses


class _Protocol(asyncio.Protocol):
    """Buffers what arrives; wakes the one reader or writer waiting."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.eof = False
        self.error: BaseException | None = None
        self.reader: asyncio.Future[None] | None = None
        self.paused = False
        self.drained: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        self._wake_reader()

    def eof_received(self) -> bool:
        self.eof = True
        self._wake_reader()
        return False  # close the transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        self.error = exc
        self._wake_reader()
        self.paused = False
        self._wake_writer()

    def pause_writing(self) -> None:
        self.paused = True

    def resume_writing(self) -> None:
        self.paused = False
        self._wake_writer()

    def _wake_reader(self) -> None:
        if self.reader is not None and not self.reader.done():
            self.reader.set_result(None)

    def _wake_writer(self) -> None:
        if self.drained is not None and not self.drained.done():
            self.drained.set_result(None)


def _readable(sock: Any) -> bool:
    """True when a read would not block: data, or the peer's close (httpcore's own test)."""
    fd = sock.fileno() if sock is not None else -1
    if fd < 0:
        return True
    poll = select.poll()
    poll.register(fd, select.POLLIN)
    return bool(poll.poll(0))


class AsyncioStream(httpcore2.AsyncNetworkStream):
    """One connection: an asyncio transport and its buffering protocol."""

    def __init__(self, transport: asyncio.Transport, protocol: _Protocol):
        self._transport = transport
        self._protocol = protocol

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        protocol = self._protocol
        if not protocol.buffer and not protocol.eof:
            protocol.reader = asyncio.get_running_loop().create_future()
            try:
                async with asyncio.timeout(timeout):
                    await protocol.reader
            except TimeoutError:
                raise httpcore2.ReadTimeout("timed out reading from the server") from None
            finally:
                protocol.reader = None
        if protocol.buffer:
            data = bytes(protocol.buffer[:max_bytes])
            del protocol.buffer[:max_bytes]
            return data
        if protocol.error is not None:
            raise httpcore2.ReadError(str(protocol.error) or type(protocol.error).__name__)
        return b""  # the server closed the connection

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        protocol = self._protocol
        if self._transport.is_closing():
            raise httpcore2.WriteError("the connection is closed")
        self._transport.write(buffer)
        if protocol.paused:
            protocol.drained = asyncio.get_running_loop().create_future()
            try:
                async with asyncio.timeout(timeout):
                    await protocol.drained
            except TimeoutError:
                raise httpcore2.WriteTimeout("timed out writing to the server") from None
            finally:
                protocol.drained = None
            if protocol.error is not None:
                raise httpcore2.WriteError(str(protocol.error) or "the connection was lost")

    async def aclose(self) -> None:
        self._transport.close()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore2.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            transport = await loop.start_tls(
                self._transport,
                self._protocol,
                ssl_context,
                server_hostname=server_hostname,
                ssl_handshake_timeout=timeout,
            )
        except TimeoutError:
            self._transport.abort()
            raise httpcore2.ConnectTimeout("timed out in the TLS handshake") from None
        except (OSError, ssl.SSLError, ConnectionError) as exc:
            self._transport.abort()
            raise httpcore2.ConnectError(str(exc) or type(exc).__name__) from exc
        if transport is None:  # the connection went away during the handshake
            raise httpcore2.ConnectError("the connection closed during the TLS handshake")
        return AsyncioStream(transport, self._protocol)  # type: ignore[arg-type]

    def get_extra_info(self, info: str) -> Any:
        transport = self._transport
        if info == "is_readable":
            protocol = self._protocol
            return protocol.eof or bool(protocol.buffer) or _readable(self._socket())
        if info == "ssl_object":
            return transport.get_extra_info("ssl_object")
        if info == "client_addr":
            return transport.get_extra_info("sockname")
        if info == "server_addr":
            return transport.get_extra_info("peername")
        if info == "socket":
            return self._socket()
        return None

    def _socket(self) -> Any:
        return self._transport.get_extra_info("socket")


class AsyncioBackend(httpcore2.AsyncNetworkBackend):
    """httpcore2's network on the running asyncio loop (see the module's docstring)."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore2.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        local = (local_address, 0) if local_address else None
        try:
            async with asyncio.timeout(timeout):
                transport, protocol = await loop.create_connection(
                    _Protocol,
                    host,
                    port,
                    local_addr=local,
                    happy_eyeballs_delay=HAPPY_EYEBALLS_DELAY,
                )
        except TimeoutError:
            raise httpcore2.ConnectTimeout(f"timed out connecting to {host}:{port}") from None
        except OSError as exc:
            raise httpcore2.ConnectError(str(exc) or type(exc).__name__) from exc
        _set_options(transport, socket_options)
        return AsyncioStream(transport, protocol)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore2.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                transport, protocol = await loop.create_unix_connection(_Protocol, path)
        except TimeoutError:
            raise httpcore2.ConnectTimeout(f"timed out connecting to {path}") from None
        except OSError as exc:
            raise httpcore2.ConnectError(str(exc) or type(exc).__name__) from exc
        _set_options(transport, socket_options)
        return AsyncioStream(transport, protocol)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def _set_options(transport: asyncio.BaseTransport, options: Iterable[Any] | None) -> None:
    sock: socket.socket | None = transport.get_extra_info("socket")
    if sock is None:
        return
    for option in options or ():
        sock.setsockopt(*option)
