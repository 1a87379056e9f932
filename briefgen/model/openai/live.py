"""The OpenAI backend: `OpenAIClient`, for OpenAI and any OpenAI-compatible server.

This is the only module that imports openai. It is three small parts put together:

- `retrying.Transport` retries one request (this module's `OpenAIFaults` says which faults
  pass: connection errors, read timeouts, 429, 5xx), under the shared rate gate and run limits;
- `ladder.Ladder` picks the structured-output mode and steps down when the server rejects one;
- `OpenAIClient` itself builds the SDK, builds each request's whole JSON body in one place
  (`request_body`, which a Batch API line can carry as it is), sends it through the SDK's
  `post` (its headers, auth and error classes, without re-walking the body), and turns the
  answer's JSON into a `Completion` (text and finish state). It does not validate: that is
  `structured.read`.

Faults are classified once, here:

| fault                                   | outcome                                            |
|-----------------------------------------|----------------------------------------------------|
| connection error, read timeout, 5xx     | retried with exponential backoff and jitter        |
| 429                                     | this worker waits its own Retry-After (capped),    |
|                                         | then retries; the others go on, new requests are   |
|                                         | spaced by the shared gate for that long            |
| response_format rejected (400/422/500)  | next structured-output mode; remembered per server |
| 401, 403, 404, quota used up            | `ModelSetupError`: the whole run stops             |
| other 4xx, retries exhausted            | `ArticleError`: this article fails                 |
| a 2xx whose body is not a JSON object   | `ArticleError`: this article fails                 |
| run deadline, token cap reached         | `LimitReached`: no new call starts                 |

The SDK's own retries are off, so they never multiply briefgen's.
"""

from __future__ import annotations

import email.utils
import json
import re
import time
from collections.abc import Sequence
from typing import IO, Any

import httpcore2
import httpx2
import openai
from pydantic import BaseModel

from briefgen.config import Settings
from briefgen.errors import ArticleError, BatchError, BatchGone, ModelSetupError
from briefgen.model.client import BatchJob, CallStats, Completion, Message
from briefgen.model.ladder import Ladder, ModeMemory, ModeRejected
from briefgen.model.limits import RateGate, RunLimits
from briefgen.model.openai.network import AsyncioBackend
from briefgen.model.retrying import LimitReached, Transport
from briefgen.model.structured import Mode, rejects_mode, request_body, request_messages
from briefgen.redact import scrub
from briefgen.schemas import Usage

__all__ = [
    "LimitReached",
    "OpenAIBatches",
    "OpenAIClient",
    "OpenAIFaults",
    "retry_after",
    "to_completion",
    "usage_of",
]


_SDK_PREFIX = re.compile(r"^Error code: \d+(?: - )?")


def _message(exc: openai.APIError) -> str:
    """The server's own words. The SDK quotes only an OpenAI-shaped {"error": {"message": ...}}
    body, after "Error code: N"; servers that answer {"error": "..."}, {"detail": [...]} or plain
    text would say nothing, and their rejection of a response_format would go unrecognised."""
    message = _SDK_PREFIX.sub("", str(exc.message or ""))
    body = exc.body
    if not message and body is not None:
        message = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return message or type(exc).__name__


def _describe(exc: openai.APIError) -> str:
    status = getattr(exc, "status_code", None)
    prefix = f"HTTP {status}: " if status else ""
    # One line, however the server formats its error (some send tracebacks).
    return scrub(" ".join((prefix + _message(exc)).split()))[:500]


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, openai.APIConnectionError):  # includes read timeouts
        return True
    return isinstance(exc, openai.APIStatusError) and (
        exc.status_code == 429 or exc.status_code >= 500
    )


def retry_after(exc: BaseException) -> float | None:
    """Seconds the server asks us to wait (Retry-After-Ms, Retry-After seconds or HTTP date)."""
    response = getattr(exc, "response", None)
    if response is None:
        return None
    headers = response.headers
    try:
        if (ms := headers.get("retry-after-ms")) is not None:
            return max(0.0, float(ms) / 1000)
        if (value := headers.get("retry-after")) is not None:
            try:
                return max(0.0, float(value))
            except ValueError:
                when = email.utils.parsedate_to_datetime(value)
                return max(0.0, when.timestamp() - time.time())
    except (TypeError, ValueError):
        return None
    return None


class OpenAIFaults:
    """How the openai SDK's errors and responses read, for the retrying transport."""

    def transient(self, exc: BaseException) -> bool:
        return _is_transient(exc)

    def rate_limited(self, exc: BaseException) -> bool:
        return isinstance(exc, openai.RateLimitError)

    def retry_after(self, exc: BaseException) -> float | None:
        return retry_after(exc)

    def describe(self, exc: BaseException) -> str:
        return _describe(exc) if isinstance(exc, openai.APIError) else type(exc).__name__

    def usage(self, response: Any) -> Usage:
        return usage_of(response)


def _network_on_asyncio(http_client: httpx2.AsyncClient) -> None:
    """Give the client's pool briefgen's asyncio network backend instead of anyio's
    (network.py: the same connects, reads, writes, TLS and timeouts for less CPU). The pool is
    httpx2's own; where a later httpx2 lays it out differently, nothing changes."""
    pool = getattr(getattr(http_client, "_transport", None), "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if isinstance(backend, httpcore2.AsyncNetworkBackend):
        pool._network_backend = AsyncioBackend()  # type: ignore[union-attr]


class OpenAIClient:
    """Client over `openai.AsyncOpenAI`, for OpenAI and any OpenAI-compatible server."""

    def __init__(
        self,
        settings: Settings,
        http_client: httpx2.AsyncClient | None = None,
        *,
        modes: ModeMemory | None = None,
        limits: RunLimits | None = None,
        gate: RateGate | None = None,
    ):
        self.model = settings.model
        self._settings = settings
        key = settings.api_key.get_secret_value() if settings.api_key else None
        try:
            self._sdk = self._make_sdk(key, settings, http_client)
        except openai.OpenAIError:  # no key given and none in OPENAI_API_KEY
            if settings.base_url is None:
                raise ModelSetupError(
                    "no API key: set OPENAI_API_KEY, or give --base-url for a local server "
                    "that needs none, or --replay DIR to answer from recordings"
                ) from None
            # Local OpenAI-compatible servers (llama.cpp, vLLM, Ollama) ignore the key.
            self._sdk = self._make_sdk("no-key", settings, http_client)
        self._transport = Transport(settings, OpenAIFaults(), limits, gate)
        self._ladder = Ladder(self.base_url, self.model, settings.structured_output, modes)
        self._sampling = sampling(settings)
        self._options: dict[str, Any] = {"security": {"bearer_auth": True}}

    @staticmethod
    def _make_sdk(
        key: str | None, settings: Settings, http_client: httpx2.AsyncClient | None
    ) -> openai.AsyncOpenAI:
        if http_client is None:
            # One pool for the run, as wide as the run: `concurrency` requests in flight, each
            # on a connection kept alive for the next. The SDK's default (1,000 connections)
            # makes the pool scan every idle connection on each request and each answer.
            width = settings.concurrency
            limits = httpx2.Limits(max_connections=width, max_keepalive_connections=width)
            http_client = openai.DefaultAsyncHttpxClient(limits=limits)
            _network_on_asyncio(http_client)
        return openai.AsyncOpenAI(
            api_key=key,
            base_url=settings.base_url,
            timeout=settings.timeout,
            max_retries=0,
            http_client=http_client,
        )

    @property
    def base_url(self) -> str:
        return str(self._sdk.base_url)

    async def aclose(self) -> None:
        await self._sdk.close()

    def request_body(
        self,
        messages: Sequence[Message],
        schema: type[BaseModel],
        mode: Mode,
        max_tokens: int | None,
    ) -> dict[str, Any]:
        """The whole JSON body of one chat-completion request, ready to send as it is: the
        model, the messages as sent in `mode` (the schema spelled out in the prompt where the
        server does not hold it), the sampling settings, what `mode` adds (response_format,
        tools or a server's own fields) and `max_tokens`. The one place a request is built:
        the live path sends exactly this, and a Batch API line carries it as its `body`.
        Its schema pieces are shared: do not mutate them."""
        body: dict[str, Any] = {
            "model": self.model,
            "messages": request_messages(mode, list(messages), schema),  # type: ignore[arg-type]
        }
        if max_tokens is not None:
            body["max_tokens"] = max_tokens
        body.update(self._sampling)
        body.update(request_body(mode, schema, self._settings.max_items))
        return body

    async def complete(
        self,
        messages: list[Message],
        schema: type[BaseModel],
        stats: CallStats,
        *,
        max_tokens: int | None = None,
    ) -> Completion:
        async def in_mode(mode: Mode) -> dict[str, Any]:
            body = self.request_body(messages, schema, mode, max_tokens)
            return await self._transport.call(lambda timeout: self._post(body, timeout), stats)

        try:
            answer = await self._ladder.run(in_mode, stats)
        except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
            raise ModelSetupError(
                f"the model server at {self.base_url} refused the credentials ({_describe(exc)})"
            ) from None
        except openai.NotFoundError as exc:
            raise ModelSetupError(
                f"model {self.model!r} not found at {self.base_url} ({_describe(exc)})"
            ) from None
        except openai.APIError as exc:
            raise ArticleError(f"{_describe(exc)} after {stats.attempts} attempt(s)") from None
        return to_completion(answer)

    def first_mode(self) -> Mode:
        """The structured-output mode the next call starts in."""
        return self._ladder.first()

    def batches(self) -> OpenAIBatches:
        """This server's Batch API, through the same SDK client and request timeout."""
        return OpenAIBatches(self)

    async def _post(self, body: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Send one JSON-ready body through the SDK's own `post`: its headers, auth and
        mapping of error statuses to exception classes, without `chat.completions.create`'s
        walk of every parameter (its transform cost more CPU than anything else per call).
        The answer comes back as the decoded JSON: `to_completion` reads only a few fields,
        so the SDK's model of the whole response is not built."""
        try:
            response = await self._sdk.post(
                "/chat/completions",
                body=body,
                cast_to=httpx2.Response,
                options={**self._options, "timeout": timeout},
            )
        except openai.RateLimitError as exc:
            if getattr(exc, "code", None) == "insufficient_quota":
                # Waiting cannot refill a quota: every article would fail the same way.
                raise ModelSetupError(
                    f"the model server at {self.base_url} says the quota is used up "
                    f"({_describe(exc)})"
                ) from None
            raise
        except openai.APIStatusError as exc:
            if rejects_mode(exc.status_code, _message(exc)):
                raise ModeRejected(_describe(exc)) from None
            raise
        try:
            answer = json.loads(response.content)
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            head = scrub(" ".join(response.text[:200].split()))
            raise ArticleError(
                f"HTTP {response.status_code}: the answer is not a chat completion ({head!r})"
            )
        return answer


def sampling(settings: Settings) -> dict[str, Any]:
    """The sampling settings given, as the request body spells them (`repeat_penalty` is
    llama.cpp's own; servers that do not know a field ignore it)."""
    given = {
        "temperature": settings.temperature,
        "frequency_penalty": settings.frequency_penalty,
        "repeat_penalty": settings.repeat_penalty,
    }
    return {k: v for k, v in given.items() if v is not None}


def to_completion(answer: dict[str, Any]) -> Completion:
    """A chat.completion's JSON (as the live path decodes it, or as a Batch API output line's
    `response.body` holds it) as text and finish state; a forced tool call's arguments are the
    text."""
    model = answer.get("model")
    choices = answer.get("choices") or []
    if not choices:
        return Completion("", "no_choices", model=model)
    choice = choices[0]
    message = choice.get("message") or {}
    raw = message.get("content") or ""
    calls = message.get("tool_calls") or []
    if not raw and calls:
        raw = (calls[0].get("function") or {}).get("arguments") or ""
    return Completion(raw, choice.get("finish_reason"), refusal=message.get("refusal"), model=model)


def usage_of(answer: dict[str, Any]) -> Usage:
    """The tokens a chat.completion's JSON says it used (0 where the server does not say)."""
    usage = answer.get("usage") or {}
    return Usage(
        input_tokens=usage.get("prompt_tokens") or 0,
        output_tokens=usage.get("completion_tokens") or 0,
    )


class OpenAIBatches:
    """The Batch API (`/v1/files`, `/v1/batches`, `/v1/files/{id}/content`) of the server an
    `OpenAIClient` talks to: the `client.BatchBackend` that `batch.py` drives. Requests go
    through the client's SDK and retrying transport; the provider's refusals become one-line
    `BatchError`s, and refused credentials a `ModelSetupError`."""

    ENDPOINT = "/v1/chat/completions"

    def __init__(self, client: OpenAIClient):
        self._client = client
        self._sdk = client._sdk
        # Its own retries, without the run's deadline or token cap: files and batch objects
        # cost no tokens, and a status check is not a model call.
        self._transport = Transport(client._settings, _BatchFaults())
        # Creating a batch is not safe to repeat: a create that timed out may have made one.
        self._once = Transport(client._settings.model_copy(update={"retries": 0}), _BatchFaults())
        self.model = client.model
        self.base_url = client.base_url

    def request_body(
        self, messages: list[Message], schema: type[BaseModel], max_tokens: int | None
    ) -> tuple[str, dict[str, Any]]:
        mode = self._client.first_mode()
        return mode.value, self._client.request_body(messages, schema, mode, max_tokens)

    def completion(self, body: dict[str, Any]) -> tuple[Completion, Usage]:
        """A batch output line's `response.body`: the chat completion a live call returns."""
        if not isinstance(body.get("choices"), list):
            return Completion("", "invalid_response"), Usage()
        return to_completion(body), usage_of(body)

    async def _call(self, what: str, send: Any, *, once: bool = False) -> Any:
        transport = self._once if once else self._transport
        try:
            return await transport.call(lambda timeout: send(timeout), CallStats())
        except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
            raise ModelSetupError(
                f"the model server at {self.base_url} refused the credentials ({_describe(exc)})"
            ) from None
        except openai.NotFoundError as exc:
            if what.startswith("uploading"):  # the first batch request a run makes
                raise BatchError(
                    f"the server at {self.base_url} has no Batch API ({what}: "
                    f"{_describe(exc)}); run without --batch"
                ) from None
            raise BatchGone(f"{what} at {self.base_url}: not found ({_describe(exc)})") from None
        except openai.APIError as exc:
            raise BatchError(f"{what} at {self.base_url} failed ({_describe(exc)})") from None

    async def upload(self, jsonl: bytes | IO[bytes], filename: str) -> str:
        found = await self._call(
            "uploading a batch file",
            lambda timeout: self._sdk.files.create(
                file=(filename, jsonl, "application/jsonl"), purpose="batch", timeout=timeout
            ),
        )
        return str(found.id)

    async def create(self, input_file_id: str, metadata: dict[str, str]) -> BatchJob:
        found = await self._call(
            "creating a batch",
            lambda timeout: self._sdk.batches.create(
                input_file_id=input_file_id,
                endpoint=self.ENDPOINT,
                completion_window="24h",
                metadata=metadata,
                timeout=timeout,
            ),
            once=True,
        )
        return batch_job(found)

    async def retrieve(self, batch_id: str) -> BatchJob:
        found = await self._call(
            f"checking batch {batch_id}",
            lambda timeout: self._sdk.batches.retrieve(batch_id, timeout=timeout),
        )
        return batch_job(found)

    async def cancel(self, batch_id: str) -> BatchJob:
        found = await self._call(
            f"cancelling batch {batch_id}",
            lambda timeout: self._sdk.batches.cancel(batch_id, timeout=timeout),
        )
        return batch_job(found)

    async def list(self, since: int = 0) -> list[BatchJob]:
        """Every batch created at or after `since` (Unix seconds), newest first, page by page:
        the list is newest first, so the pages stop at the first older batch."""
        found: list[BatchJob] = []
        after: str | None = None
        while True:

            async def page(timeout: float, after: str | None = after) -> Any:
                extra = {"after": after} if after else {}
                return await self._sdk.batches.list(limit=100, timeout=timeout, **extra)

            listed = await self._call("listing batches", page)
            for item in listed.data:
                if (item.created_at or 0) < since:
                    return found
                found.append(batch_job(item))
            if not listed.data or not getattr(listed, "has_more", False):
                return found
            after = listed.data[-1].id

    async def download(self, file_id: str) -> bytes:
        found = await self._call(
            f"downloading file {file_id}",
            lambda timeout: self._sdk.files.content(file_id, timeout=timeout),
        )
        return bytes(found.content)


class _BatchFaults(OpenAIFaults):
    def usage(self, response: Any) -> Usage:
        return Usage()


def batch_job(batch: Any) -> BatchJob:
    """The SDK's `Batch` as the backend-neutral `BatchJob`."""
    counts = batch.request_counts
    errors = getattr(batch.errors, "data", None) or []
    reason = "; ".join(
        " ".join(f"{e.code or 'error'}: {e.message or ''}".split())
        + (f" (line {e.line})" if e.line else "")
        for e in errors[:3]
    )
    return BatchJob(
        id=batch.id,
        status=batch.status,
        input_file_id=batch.input_file_id,
        output_file_id=batch.output_file_id,
        error_file_id=batch.error_file_id,
        total=getattr(counts, "total", 0) or 0,
        completed=getattr(counts, "completed", 0) or 0,
        failed=getattr(counts, "failed", 0) or 0,
        reason=scrub(reason)[:500] or None,
        created_at=batch.created_at or 0,
    )
