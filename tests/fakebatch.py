"""A loopback server with OpenAI's Batch API, for tests: `/v1/files`, `/v1/batches` and
`/v1/files/{id}/content` as OpenAI documents them, plus live `/v1/chat/completions`.

Every chat-completion request, in a batch line or live, is answered by `answer(body)`: a
function of the request body returning (HTTP status, response body). `BatchServer.replaying`
answers from a folder of recordings (the demo's), matched by the same request hash replay uses,
so a batch answer is exactly the answer a live call would get.

Batches end when they are first retrieved, unless `hold` is set (they stay `in_progress`
until `release()`), and end as `outcome` says: "completed", "expired" (the first
`expire_after` lines answered, the rest in the error file as `batch_expired`), or "failed"
(input validation failed: no output at all). `line_errors` names custom_ids whose line gets a
500 in the output file. What was paid for is kept: `lines_run` (custom_id per batch line
answered) and `live` (live request bodies).
"""

from __future__ import annotations

import email.parser
import email.policy
import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from briefgen.model.replay import load_recordings, request_key

Answer = Callable[[dict[str, Any]], tuple[int, dict[str, Any]]]


def _error(message: str, code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": "invalid_request_error", "code": code}}


class BatchServer:
    def __init__(self, answer: Answer):
        self.answer = answer
        self.files: dict[str, bytes] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.hold = False
        self.batch_api = True  # False: a server with only /v1/chat/completions (llama.cpp)
        self.outcome = "completed"
        self.expire_after = 0
        self.line_errors: set[str] = set()
        self.lines_run: list[str] = []
        self.live: list[dict[str, Any]] = []
        self.uploads = 0
        self._ids = itertools.count(1)
        self._lock = threading.RLock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _send(self, status: int, body: Any, raw: bytes | None = None) -> None:
                payload = raw if raw is not None else json.dumps(body).encode()
                self.send_response(status)
                self.send_header(
                    "content-type", "application/octet-stream" if raw else "application/json"
                )
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _read(self) -> bytes:
                return self.rfile.read(int(self.headers.get("content-length", 0)))

            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                with server._lock:
                    if m := re.fullmatch(r"/v1/files/([^/]+)/content", path):
                        data = server.files.get(m.group(1))
                        if data is None:
                            return self._send(404, _error("No such file"))
                        return self._send(200, None, raw=data)
                    if m := re.fullmatch(r"/v1/batches/([^/]+)", path):
                        batch = server.batches.get(m.group(1))
                        if batch is None:
                            return self._send(404, _error("No such batch"))
                        server._advance(batch)
                        return self._send(200, server._public(batch))
                    if path == "/v1/batches":
                        found = sorted(server.batches.values(), key=lambda b: -b["_seq"])
                        data = [server._public(b) for b in found]
                        return self._send(200, {"object": "list", "data": data, "has_more": False})
                self._send(404, _error(f"no route {path}"))

            def do_POST(self) -> None:
                path = self.path.split("?")[0]
                body = self._read()
                if not server.batch_api and path != "/v1/chat/completions":
                    return self._send(404, _error("Not Found"))
                with server._lock:
                    if path == "/v1/files":
                        return self._send(200, server._upload(self.headers, body))
                    if path == "/v1/batches":
                        return self._send(*server._create(json.loads(body)))
                    if m := re.fullmatch(r"/v1/batches/([^/]+)/cancel", path):
                        batch = server.batches.get(m.group(1))
                        if batch is None:
                            return self._send(404, _error("No such batch"))
                        if batch["status"] not in ("completed", "failed", "expired"):
                            server._finish(batch, "cancelled")
                        return self._send(200, server._public(batch))
                if path == "/v1/chat/completions":
                    request = json.loads(body)
                    with server._lock:
                        server.live.append(request)
                    return self._send(*server.answer(request))
                self._send(404, _error(f"no route {path}"))

            def log_message(self, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            request_queue_size = 128
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass

        self._server = Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @classmethod
    def replaying(cls, directory: Path) -> BatchServer:
        recordings = load_recordings(directory)

        def answer(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
            found = recordings.get(request_key(body))
            if found is None:
                return 400, _error("no recorded answer for this request")
            return found["response"]["status"], found["response"]["body"]

        return cls(answer)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> BatchServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def release(self) -> None:
        with self._lock:
            self.hold = False

    # --- the API -----------------------------------------------------------------------------

    def _upload(self, headers: Any, body: bytes) -> dict[str, Any]:
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"content-type: " + headers["content-type"].encode() + b"\r\n\r\n" + body
        )
        fields = {
            part.get_param("name", header="content-disposition"): part
            for part in message.iter_parts()
        }
        data = fields["file"].get_payload(decode=True)
        assert fields["purpose"].get_content().strip() == "batch"
        file_id = f"file-{next(self._ids)}"
        self.files[file_id] = data
        self.uploads += 1
        return {
            "id": file_id,
            "object": "file",
            "bytes": len(data),
            "created_at": int(time.time()),
            "filename": fields["file"].get_filename(),
            "purpose": "batch",
            "status": "processed",
        }

    def _create(self, request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        file_id = request.get("input_file_id")
        if file_id not in self.files:
            return 400, _error("input_file_id not found")
        if (
            request.get("endpoint") != "/v1/chat/completions"
            or request.get("completion_window") != "24h"
        ):
            return 400, _error("unsupported endpoint or completion_window")
        lines = [json.loads(line) for line in self.files[file_id].splitlines() if line.strip()]
        batch_id = f"batch_{next(self._ids)}"
        batch = {
            "id": batch_id,
            "object": "batch",
            "endpoint": request["endpoint"],
            "errors": None,
            "input_file_id": file_id,
            "completion_window": "24h",
            "status": "validating",
            "output_file_id": None,
            "error_file_id": None,
            "created_at": int(time.time()),
            "_seq": next(self._ids),  # the list's order: newest first, as OpenAI's
            "in_progress_at": None,
            "expires_at": int(time.time()) + 86400,
            "completed_at": None,
            "request_counts": {"total": len(lines), "completed": 0, "failed": 0},
            "metadata": request.get("metadata"),
            "_lines": lines,
        }
        self.batches[batch_id] = batch
        return 200, self._public(batch)

    def _public(self, batch: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in batch.items() if not k.startswith("_")}

    def _advance(self, batch: dict[str, Any]) -> None:
        if batch["status"] == "validating":
            batch["status"] = "in_progress"
            batch["in_progress_at"] = int(time.time())
        if batch["status"] == "in_progress" and not self.hold:
            self._finish(batch, self.outcome)

    def _finish(self, batch: dict[str, Any], status: str) -> None:
        lines = batch["_lines"]
        if status == "failed":
            batch["errors"] = {
                "object": "list",
                "data": [{"code": "invalid_request", "message": "line 1: bad input", "line": 1}],
            }
            batch["status"] = "failed"
            return
        run = lines if status == "completed" else lines[: self.expire_after]
        if status == "cancelled":
            run = []
        output, errors = [], []
        for line in run:
            self.lines_run.append(line["custom_id"])
            if line["custom_id"] in self.line_errors:
                status_code, body = 500, _error("The server had an error processing the line")
            else:
                status_code, body = self.answer(line["body"])
            output.append(
                {
                    "id": f"batch_req_{next(self._ids)}",
                    "custom_id": line["custom_id"],
                    "response": {"status_code": status_code, "request_id": "req", "body": body},
                    "error": None,
                }
            )
        code = "batch_expired" if status == "expired" else "batch_cancelled"
        for line in lines[len(run) :]:
            errors.append(
                {
                    "id": f"batch_req_{next(self._ids)}",
                    "custom_id": line["custom_id"],
                    "response": None,
                    "error": {
                        "code": code,
                        "message": "This request could not be executed before the "
                        "completion window expired.",
                    },
                }
            )
        ok = sum(1 for o in output if o["response"]["status_code"] == 200)
        batch["request_counts"] = {
            "total": len(lines),
            "completed": ok,
            "failed": len(lines) - ok,
        }
        for name, rows in (("output_file_id", output), ("error_file_id", errors)):
            if rows:
                file_id = f"file-{next(self._ids)}"
                self.files[file_id] = b"".join(json.dumps(r).encode() + b"\n" for r in rows)
                batch[name] = file_id
        batch["status"] = status
        batch[f"{status}_at"] = int(time.time())
