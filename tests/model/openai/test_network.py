"""network.AsyncioBackend under httpx2's pool, against small loopback servers."""

from __future__ import annotations

import asyncio
import shutil
import ssl
import subprocess
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx2
import pytest

from briefgen.model.openai.live import _network_on_asyncio
from briefgen.model.openai.network import AsyncioBackend

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


def client(**kwargs: object) -> httpx2.AsyncClient:
    http = httpx2.AsyncClient(**kwargs)  # type: ignore[arg-type]
    _network_on_asyncio(http)
    assert isinstance(http._transport._pool._network_backend, AsyncioBackend)  # type: ignore[attr-defined]
    return http


async def read_request(reader: asyncio.StreamReader) -> bytes | None:
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return await reader.readexactly(length) if length else b""


def reply(body: bytes, close: bool = False) -> bytes:
    extra = b"connection: close\r\n" if close else b""
    return b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n%s\r\n%s" % (len(body), extra, body)


async def serve(handler: Handler, ssl_context: ssl.SSLContext | None = None) -> asyncio.Server:
    return await asyncio.start_server(handler, "127.0.0.1", 0, ssl=ssl_context)


def port(server: asyncio.Server) -> int:
    return server.sockets[0].getsockname()[1]


def test_requests_share_a_kept_alive_connection_and_bodies_arrive_whole():
    connections: list[int] = []

    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        try:
            while True:
                body = await read_request(reader)
                writer.write(reply(body[::-1]))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def run() -> list[bytes]:
        server = await serve(echo)
        big = bytes(range(256)) * 4096  # 1 MB: more than one read, a full write buffer
        async with server, client() as http:
            url = f"http://127.0.0.1:{port(server)}/"
            answers = [(await http.post(url, content=b"abc")).content]
            answers.append((await http.post(url, content=big)).content)
            return answers

    small, large = asyncio.run(run())
    assert small == b"cba"
    assert large == (bytes(range(256)) * 4096)[::-1]
    assert connections == [1]


def test_a_slow_server_is_a_read_timeout():
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await asyncio.sleep(5)

    async def run() -> None:
        server = await serve(silent)
        async with server, client(timeout=httpx2.Timeout(5, read=0.1)) as http:
            await http.get(f"http://127.0.0.1:{port(server)}/")

    with pytest.raises(httpx2.ReadTimeout):
        asyncio.run(run())


def test_a_refused_connection_is_a_connect_error():
    async def run() -> None:
        server = await serve(lambda r, w: asyncio.sleep(0))
        free = port(server)
        server.close()
        await server.wait_closed()
        async with client() as http:
            await http.get(f"http://127.0.0.1:{free}/")

    with pytest.raises(httpx2.ConnectError):
        asyncio.run(run())


def test_a_connection_the_server_closed_is_not_reused():
    connections: list[int] = []

    async def once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        await read_request(reader)
        writer.write(reply(b"ok"))  # keep-alive announced, then closed anyway
        await writer.drain()
        writer.close()

    async def run() -> list[bytes]:
        server = await serve(once)
        async with server, client() as http:
            url = f"http://127.0.0.1:{port(server)}/"
            first = (await http.get(url)).content
            await asyncio.sleep(0.05)  # the close reaches the idle connection
            return [first, (await http.get(url)).content]

    assert asyncio.run(run()) == [b"ok", b"ok"]
    assert connections == [1, 1]


def test_a_server_that_hangs_up_mid_answer_is_an_error():
    async def cut(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly part")
        await writer.drain()
        writer.close()

    async def run() -> None:
        server = await serve(cut)
        async with server, client() as http:
            await http.get(f"http://127.0.0.1:{port(server)}/")

    with pytest.raises(httpx2.RemoteProtocolError):
        asyncio.run(run())


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    make = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    names = ["-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]
    out = ["-keyout", str(key), "-out", str(cert)]
    subprocess.run([*make, *out, *names], check=True, capture_output=True)
    return cert, key


def test_https_goes_through_the_tls_handshake_and_checks_the_certificate(certificate):
    cert, key = certificate
    served = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    served.load_cert_chain(cert, key)

    async def hello(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                await read_request(reader)
                writer.write(reply(b"secret"))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
            writer.close()

    async def run(verify: ssl.SSLContext | bool) -> list[bytes]:
        server = await serve(hello, served)
        async with server, client(verify=verify) as http:
            url = f"https://127.0.0.1:{port(server)}/"
            return [(await http.get(url)).content, (await http.get(url)).content]

    trusted = ssl.create_default_context(cafile=str(cert))
    assert asyncio.run(run(trusted)) == [b"secret", b"secret"]
    with pytest.raises(httpx2.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        asyncio.run(run(True))  # the system's roots do not know it
