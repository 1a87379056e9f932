"""The one implementation of the model interface (`client.Client`) over the openai SDK.

This is the only module that imports openai. Everything above it talks to `Client`: give it
messages and a pydantic schema, get back a `Completion` that holds either the validated value or
the reason there is none. Faults are classified once, here:

| fault                                   | outcome                                            |
|-----------------------------------------|----------------------------------------------------|
| connection error, read timeout, 5xx     | retried with exponential backoff and jitter        |
| 429                                     | every worker pauses for Retry-After (capped), then |
|                                         | retried; the same transport budget                 |
| response_format rejected (400/422/500)  | next structured-output mode; remembered per server |
| finish_reason "length"                  | asked once more with a larger max_tokens           |
| not JSON, fails the schema, still cut   | `Completion.error`: the caller's re-ask budget     |
| refusal, content filter                 | `Completion.refused`: never retried or re-asked    |
| 401, 403, 404                           | `ModelSetupError`: the whole run stops             |
| other 4xx, retries exhausted            | `ArticleError`: this article fails                 |
| run deadline, token cap reached         | `LimitReached`: no new call starts                 |

Two budgets stay apart: transport retries (`Settings.retries`) are spent here, re-asks
(`Settings.reasks`) by the caller. The SDK's own retries are off, so they never multiply.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import random
import re
import time
from typing import Any, TypeVar

import httpx2
import openai
from pydantic import BaseModel
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from briefgen.client import CallStats, Completion, Message
from briefgen.config import Settings
from briefgen.errors import ArticleError, ModelSetupError
from briefgen.limits import RunLimits, Throttle
from briefgen.redact import scrub
from briefgen.schemas import Usage
from briefgen.store import InMemoryModes, ModeMemory
from briefgen.structured import (
    LADDER,
    Mode,
    next_mode,
    parse_output,
    rejects_mode,
    request_messages,
    response_format,
)

T = TypeVar("T", bound=BaseModel)
log = logging.getLogger("briefgen")

# On finish_reason "length", ask again once with room for at least this many output tokens.
MIN_ENLARGED_TOKENS = 4096


class LimitReached(ArticleError):
    """The run deadline or token cap was reached: no new call starts."""


class _ModeRejected(Exception):
    """The server cannot do the structured-output mode it was asked for."""


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


def _log_retry(state: RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome else None
    wait = state.next_action.sleep if state.next_action else 0.0
    reason = _describe(exc) if isinstance(exc, openai.APIError) else type(exc).__name__
    log.warning(
        "retrying a model call (attempt %d failed: %s) in %.1f s",
        state.attempt_number,
        reason,
        wait,
        extra={"briefgen": {"event": "retry", "attempt": state.attempt_number, "reason": reason}},
    )


class OpenAIClient:
    """Client over `openai.AsyncOpenAI`, for OpenAI and any OpenAI-compatible server."""

    def __init__(
        self,
        settings: Settings,
        http_client: httpx2.AsyncClient | None = None,
        *,
        modes: ModeMemory | None = None,
        limits: RunLimits | None = None,
        throttle: Throttle | None = None,
    ):
        self.model = settings.model
        self._settings = settings
        self._modes = modes or InMemoryModes()
        self._limits = limits or RunLimits()
        self._throttle = throttle or Throttle()
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

    @staticmethod
    def _make_sdk(
        key: str | None, settings: Settings, http_client: httpx2.AsyncClient | None
    ) -> openai.AsyncOpenAI:
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

    def _first_mode(self) -> Mode:
        if self._settings.structured_output != "auto":
            return Mode(self._settings.structured_output)
        return self._modes.get(self.base_url, self.model) or LADDER[0]

    async def complete(
        self, messages: list[Message], schema: type[T], stats: CallStats
    ) -> Completion[T]:
        first = mode = self._first_mode()
        while True:
            stats.mode = mode
            try:
                response = await self._send(mode, messages, schema, stats)
                break
            except _ModeRejected as rejected:
                lower = next_mode(mode)
                if lower is None:
                    raise ArticleError(
                        f"the server rejects every structured-output mode ({rejected})"
                    ) from None
                mode = lower
        if mode is not first:  # off the event loop: the memory may be a file on a slow disk
            await asyncio.to_thread(self._modes.set, self.base_url, self.model, mode)
        choice = response.choices[0] if response.choices else None
        if choice is not None and choice.finish_reason == "length":
            used = getattr(response.usage, "completion_tokens", 0) or 0
            larger = max(2 * used, MIN_ENLARGED_TOKENS)
            response = await self._send(mode, messages, schema, stats, max_tokens=larger)
        return self._to_completion(response, schema)

    def _wait(self, state: RetryCallState) -> float:
        """Seconds before the next transport attempt. A 429 has already paused the shared
        throttle, which every attempt waits on; other faults back off on their own."""
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, openai.RateLimitError):
            return 0.0
        base = self._settings.backoff
        wait = min(
            base * 2 ** (state.attempt_number - 1) + random.uniform(0, base),
            self._settings.max_wait,
        )
        remaining = self._limits.remaining()
        return wait if remaining is None else min(wait, remaining)

    def _on_rate_limit(self, exc: openai.RateLimitError, attempt: int) -> None:
        asked = retry_after(exc)
        fallback = self._settings.backoff * 2 ** (attempt - 1)
        wait = min(asked if asked is not None else fallback, self._settings.max_wait)
        remaining = self._limits.remaining()  # never sleep through the run deadline
        self._throttle.pause(wait if remaining is None else min(wait, remaining))

    async def _send(
        self,
        mode: Mode,
        messages: list[Message],
        schema: type[BaseModel],
        stats: CallStats,
        max_tokens: int | None = None,
    ) -> Any:
        body_messages = request_messages(mode, list(messages), schema)  # type: ignore[arg-type]
        fmt = response_format(mode, schema)
        extra: dict[str, Any] = {}
        if fmt is not None:
            # As extra_body the schema goes into the JSON untouched; as a typed parameter the
            # SDK walks all of it on every request (measured: the largest CPU cost per call).
            extra["extra_body"] = {"response_format": fmt}
        if max_tokens is not None:
            extra["max_tokens"] = max_tokens
        retrying = AsyncRetrying(
            retry=retry_if_exception(_is_transient),
            stop=stop_after_attempt(self._settings.retries + 1),
            wait=self._wait,
            before_sleep=_log_retry,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    await self._throttle.wait()
                    if reason := self._limits.exhausted():
                        raise LimitReached(reason)
                    stats.attempts += 1
                    response = await self._create(body_messages, extra, attempt)
                    usage = Usage(
                        input_tokens=getattr(response.usage, "prompt_tokens", 0) or 0,
                        output_tokens=getattr(response.usage, "completion_tokens", 0) or 0,
                    )
                    stats.usage += usage
                    self._limits.spend(usage)
                    return response
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
        raise AssertionError("unreachable: tenacity either returns or raises")

    async def _create(self, messages: list[Any], extra: dict[str, Any], attempt: Any) -> Any:
        remaining = self._limits.remaining()
        timeout = (
            self._settings.timeout
            if remaining is None
            else min(self._settings.timeout, max(remaining, 0.001))
        )
        try:
            return await self._sdk.chat.completions.create(
                model=self.model, messages=messages, timeout=timeout, **extra
            )
        except openai.RateLimitError as exc:
            if getattr(exc, "code", None) == "insufficient_quota":
                # Waiting cannot refill a quota: every article would fail the same way.
                raise ModelSetupError(
                    f"the model server at {self.base_url} says the quota is used up "
                    f"({_describe(exc)})"
                ) from None
            self._on_rate_limit(exc, attempt.retry_state.attempt_number)
            raise
        except openai.APIStatusError as exc:
            if rejects_mode(exc.status_code, _message(exc)):
                raise _ModeRejected(_describe(exc)) from None
            raise

    @staticmethod
    def _to_completion(response: Any, schema: type[T]) -> Completion[T]:
        model = getattr(response, "model", None)
        if not response.choices:
            return Completion(None, "", "the server returned no choices", model=model)
        choice = response.choices[0]
        raw = choice.message.content or ""
        refusal = getattr(choice.message, "refusal", None)
        if refusal or choice.finish_reason == "content_filter":
            reason = f"refused: {refusal}" if refusal else "refused by the content filter"
            return Completion(None, raw, reason, refused=True, model=model)
        if choice.finish_reason == "length":
            return Completion(
                None, raw, "the answer was cut off twice (finish_reason=length)", model=model
            )
        value, error = parse_output(raw, schema)
        return Completion(value, raw, error, model=model)
