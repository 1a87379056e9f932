"""Recording and replaying the HTTP exchanges between the openai SDK and a model server.

Both plug in below the SDK as httpx2 transports, so a replayed run goes through exactly the code a
live run does. One JSON file holds one exchange: where it came from (`source`), the request body,
the response status and body, and never a header (headers carry the key). A file is found by a
hash of the request body, so a changed prompt, schema or model finds no answer and says so.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx2

from briefgen.errors import ReplayMissError
from briefgen.files import write_atomic
from briefgen.redact import scrub

# Request fields that vary between runs without changing what is asked.
VOLATILE_FIELDS = frozenset({"user", "metadata", "stream_options"})


def request_key(body: dict[str, Any]) -> str:
    stable = {k: v for k, v in body.items() if k not in VOLATILE_FIELDS}
    canonical = json.dumps(stable, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def recording(body: dict[str, Any], status: int, response: Any, **source: Any) -> dict[str, Any]:
    """One exchange as stored: provenance first, then request and response."""
    return {
        **source,
        "key": request_key(body),
        "request": {"method": "POST", "path": "/chat/completions", "body": body},
        "response": {"status": status, "body": response},
    }


def completion(content: str, completion_id: str, model: str = "hand-written") -> dict[str, Any]:
    """A chat-completion body answering `content`, as a hand-written recording holds it."""
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": content, "refusal": None},
            }
        ],
    }


def write_recording(directory: Path, exchange: dict[str, Any]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{exchange['key'][:16]}.json"
    write_atomic(path, json.dumps(exchange, indent=2, ensure_ascii=False) + "\n")
    return path


def load_recordings(directory: Path) -> dict[str, dict[str, Any]]:
    if not directory.is_dir():
        raise ReplayMissError(f"replay directory not found: {directory}")
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(directory.glob("*.json")):
        try:
            exchange = json.loads(path.read_text(encoding="utf-8"))
            key = request_key(exchange["request"]["body"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ReplayMissError(f"unreadable recording {path}: {exc}") from None
        exchange["_path"] = str(path)
        found[key] = exchange
    return found


def _first_line(body: dict[str, Any], role: str) -> str:
    """The message's first line that says something: not the fence's opening tag."""
    for message in body.get("messages", []):
        if message.get("role") == role:
            lines = str(message.get("content", "")).strip().splitlines()
            said = [line for line in lines if line.strip() and line.strip() != "<article>"]
            return (said or [""])[0][:80]
    return ""


def explain_miss(body: dict[str, Any], recordings: dict[str, dict[str, Any]]) -> str:
    """Say which part of the request no longer matches the closest recording of the article."""
    user = [m for m in body.get("messages", []) if m.get("role") == "user"][:1]
    closest: tuple[list[str], str] | None = None
    for exchange in recordings.values():
        recorded = exchange["request"]["body"]
        if [m for m in recorded.get("messages", []) if m.get("role") == "user"][:1] != user:
            continue
        changed = sorted(
            field
            for field in set(body) | set(recorded)
            if field not in VOLATILE_FIELDS and body.get(field) != recorded.get(field)
        )
        if closest is None or len(changed) < len(closest[0]):
            closest = (changed, exchange["_path"])
    if closest is None:
        return f"no recording for the article beginning {_first_line(body, 'user')!r}"
    changed, path = closest
    notes = {
        "response_format": "response_format (another structured-output mode)",
        "messages": "messages (the prompt changed, or a structured-output mode that spells the "
        "schema in it)",
    }
    return (
        f"no recording matches this request; {path} has the same article but differs in "
        + ", ".join(notes.get(field, field) for field in changed)
    )


class ReplayTransport(httpx2.MockTransport):
    """Answers every request from a directory of recordings; an unknown request is an error."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.recordings = load_recordings(directory)
        super().__init__(self._answer)

    def _answer(self, request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content or b"{}")
        exchange = self.recordings.get(request_key(body))
        if exchange is None:
            raise ReplayMissError(
                f"replay from {self.directory}: {explain_miss(body, self.recordings)}"
            )
        response = exchange["response"]
        return httpx2.Response(response["status"], json=response["body"], request=request)


def public_url(url: str) -> str:
    """A server URL fit to store: no user, password, query or fragment."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


class RecordingTransport(httpx2.AsyncBaseTransport):
    """Passes requests to the real server and saves each exchange, without any header."""

    def __init__(self, directory: Path, inner: httpx2.AsyncBaseTransport | None = None):
        self.directory = directory
        self.inner = inner or httpx2.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = await self.inner.handle_async_request(request)
        content = await response.aread()
        await response.aclose()
        try:
            body = json.loads(request.content or b"{}")
            # A server may echo the key in an error; it must not reach a file.
            answer = json.loads(scrub(content.decode("utf-8")))
        except ValueError:
            answer = None
        if answer is not None and request.method == "POST":
            model = answer.get("model") if isinstance(answer, dict) else None
            write_recording(
                self.directory,
                recording(
                    body,
                    response.status_code,
                    answer,
                    source="recorded",
                    model=model or body.get("model"),
                    server=public_url(str(request.url).rsplit("/chat/completions", 1)[0]),
                ),
            )
        # The body is already decoded, so the encoding headers no longer describe it.
        headers = [
            (k, v)
            for k, v in response.headers.multi_items()
            if k.lower() not in {"content-encoding", "content-length", "transfer-encoding"}
        ]
        return httpx2.Response(
            response.status_code, headers=headers, content=content, request=request
        )

    async def aclose(self) -> None:
        await self.inner.aclose()
