"""A small OpenAI-compatible server on 127.0.0.1 for tests: scripted answers, recorded requests.

It speaks real HTTP, so the openai SDK, httpx2 and briefgen's transports run unmodified against
it. Each POST to .../chat/completions takes the next scripted reply (or the default one); every
request is kept for assertions, with the `time.monotonic()` at which it arrived (`times`), so
tests can check waits on the server's side instead of sleeping. A reply may be held back
(`delay` seconds: a slow server, a read timeout) or never sent (`drop`: the connection is closed
without an answer).
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    drop: bool = False  # close the connection without any response


def chat_completion(
    content: str | None,
    *,
    finish_reason: str = "stop",
    model: str = "fake-model",
    refusal: str | None = None,
    usage: tuple[int, int] = (100, 20),
) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": model,
        "choices": [
            {
                "index": 0,
                "finish_reason": finish_reason,
                "message": {"role": "assistant", "content": content, "refusal": refusal},
            }
        ],
        "usage": {
            "prompt_tokens": usage[0],
            "completion_tokens": usage[1],
            "total_tokens": sum(usage),
        },
    }


def error_body(message: str, code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": "invalid_request_error", "code": code}}


class FakeServer:
    """Use as a context manager; `url` is the base URL to give the SDK."""

    def __init__(self, default: Reply | Callable[[dict[str, Any]], Reply] | None = None):
        self.replies: deque[Reply] = deque()
        self.default = default
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.times: list[float] = []  # time.monotonic() when each request arrived
        self.dropped = 0
        self._closing = threading.Event()
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                reply = server._next(body, dict(self.headers))
                if reply.delay > 0 and server._closing.wait(reply.delay):
                    reply = Reply(drop=True)  # shutting down: do not keep the test waiting
                if reply.drop:
                    self.close_connection = True
                    return
                payload = json.dumps(reply.body).encode()
                self.send_response(reply.status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            request_queue_size = 128  # the default backlog of 5 stalls concurrent connects
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                # A client that hung up (a cancelled request) is normal here; the stdlib would
                # print a traceback into the stderr that CLI tests assert on.
                server.dropped += 1

        self._server = Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def queue(self, *replies: Reply) -> FakeServer:
        self.replies.extend(replies)
        return self

    def _next(self, body: dict[str, Any], headers: dict[str, str]) -> Reply:
        with self._lock:
            self.times.append(time.monotonic())
            self.requests.append(body)
            self.headers.append(headers)
            if self.replies:
                return self.replies.popleft()
        if callable(self.default):
            return self.default(body)
        if self.default is not None:
            return self.default
        return Reply(500, error_body("no scripted reply left"))

    def __enter__(self) -> FakeServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
