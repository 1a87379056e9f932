"""A small web server on 127.0.0.1 for tests: pages by path, every request kept. Pages can be
slow (`delay`), fail (`status`), or end without a Content-Length."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Page:
    body: bytes | str = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    length: bool = True  # send Content-Length; else the body ends when the connection closes


class Site:
    """Pages by path, served over HTTP on 127.0.0.1; every request's path and headers kept."""

    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.most_at_once = 0  # the most requests served at the same time
        self._at_once = 0
        self._counting = threading.Lock()
        self._closing = threading.Event()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with site._counting:
                    site._at_once += 1
                    site.most_at_once = max(site.most_at_once, site._at_once)
                try:
                    self._answer()
                finally:
                    with site._counting:
                        site._at_once -= 1

            def _answer(self) -> None:
                site.requests.append((self.path, dict(self.headers)))
                page = site.pages.get(self.path, Page("no such page", 404, "text/plain"))
                if page.delay and site._closing.wait(page.delay):
                    return  # shutting down: no answer, and the test does not wait
                body = page.body.encode() if isinstance(page.body, str) else page.body
                self.send_response(page.status)
                self.send_header("Content-Type", page.content_type)
                if page.length:
                    self.send_header("Content-Length", str(len(body)))
                for key, value in page.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            request_queue_size = 128
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that gave up (too large, timed out) is expected here

        self._server = Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    def url(self, path: str) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{path}"

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]

    def close(self) -> None:
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
