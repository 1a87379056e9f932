"""The OpenAI backend: `OpenAIClient`, for OpenAI and any OpenAI-compatible server.

With batch.py (the Batch API), the only module that imports openai; the backend's door, which
the registry finds, is the package (`briefgen/model/openai/__init__.py`). It is three small
parts put together:

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
| no connection at all (refused, no such  | retried by one article while the others wait; its  |
| host), retries exhausted                | `ServerUnreachable`: no new call starts            |

The SDK's own retries are off, so they never multiply briefgen's.
"""

from __future__ import annotations

import email.utils
import json
import re
import socket
import time
from collections.abc import Sequence
from typing import Any

import httpx2
import openai
from pydantic import BaseModel

from briefgen.config import Settings
from briefgen.errors import ArticleError, ModelSetupError, ServerTrouble
from briefgen.model.client import CallStats, Completion, Message
from briefgen.model.ladder import Ladder, ModeMemory, ModeRejected
from briefgen.model.limits import RateGate, RunLimits
from briefgen.model.openai.modes import rejects_mode, request_body
from briefgen.model.retrying import LimitReached, Transport
from briefgen.model.structured import Mode, request_messages
from briefgen.redact import remember, remember_url, scrub
from briefgen.schemas import Usage

__all__ = [
    "LimitReached",
    "OpenAIClient",
    "OpenAIFaults",
    "explain",
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


def explain(exc: openai.APIError) -> str:
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
        if (cause := unreachable(exc)) is not None:
            return f"cannot connect: {cause}"
        return explain(exc) if isinstance(exc, openai.APIError) else type(exc).__name__

    def usage(self, response: Any) -> Usage:
        return usage_of(response)

    def unreachable(self, exc: BaseException) -> str | None:
        return unreachable(exc)


def unreachable(exc: BaseException) -> str | None:
    """Why no connection could be made ("connection refused", "the host name does not
    resolve (…)"), when that is what `exc` says; None for any other fault, a read timeout or a
    connection dropped half-way included (the server was there)."""
    if not isinstance(exc, openai.APIConnectionError) or isinstance(exc, openai.APITimeoutError):
        return None
    cause: BaseException | None = exc.__cause__
    if not isinstance(cause, httpx2.ConnectError):
        return None
    deepest: BaseException = cause
    while (inner := deepest.__cause__ or deepest.__context__) is not None:
        deepest = inner
    if isinstance(deepest, ConnectionRefusedError):
        return "connection refused"
    if isinstance(deepest, socket.gaierror):
        return f"the host name does not resolve ({deepest.strerror or deepest})"
    if isinstance(deepest, OSError) and deepest.strerror:
        return deepest.strerror.lower()
    return scrub(str(cause)) or "cannot connect"


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
        # The key the SDK sends, whatever its shape and wherever it came from (OPENAI_API_KEY),
        # and a password in the base URL: redacted wherever they would be written.
        remember(self._sdk.api_key)
        remember_url(str(self._sdk.base_url))
        self._transport = Transport(
            settings, OpenAIFaults(), limits, gate, server=f"the model server at {self.base_url}"
        )
        self._ladder = Ladder(self.base_url, self.model, settings.structured_output, modes)
        self._sampling = sampling(settings)
        self._options: openai.RequestOptions = {"security": {"bearer_auth": True}}

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
        return openai.AsyncOpenAI(
            api_key=key,
            base_url=settings.base_url,
            timeout=settings.timeout,
            max_retries=0,
            http_client=http_client,
        )

    @property
    def base_url(self) -> str:
        """The server as messages, the run log and the store name it: no credentials."""
        return scrub(str(self._sdk.base_url))

    @property
    def unreachable(self) -> str | None:
        """Why the server cannot be reached, once a call's retries ran out on it; else None."""
        return self._transport.reach.down

    @property
    def sdk(self) -> openai.AsyncOpenAI:
        """The SDK client: its connection pool, key and request timeout (the Batch API's
        requests go through it too)."""
        return self._sdk

    @property
    def settings(self) -> Settings:
        return self._settings

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
            "messages": request_messages(mode, list(messages), schema),
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
                f"the model server at {self.base_url} refused the credentials ({explain(exc)})"
            ) from None
        except openai.NotFoundError as exc:
            raise ModelSetupError(
                f"model {self.model!r} not found at {self.base_url} ({explain(exc)})"
            ) from None
        except openai.APIError as exc:
            trouble = ServerTrouble if _is_transient(exc) else ArticleError
            raise trouble(f"{explain(exc)} after {stats.attempts} attempt(s)") from None
        return to_completion(answer)

    def first_mode(self) -> Mode:
        """The structured-output mode the next call starts in."""
        return self._ladder.first()

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
                    f"({explain(exc)})"
                ) from None
            raise
        except openai.APIStatusError as exc:
            if rejects_mode(exc.status_code, _message(exc)):
                raise ModeRejected(explain(exc)) from None
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
