"""The retrying transport: one model request, tried again when the fault is passing.

Backend-neutral: the backend hands `call` a function that sends one request, and a `Faults`
object that says which of its exceptions are passing (connection errors, timeouts, 429, 5xx),
which are rate limits and what they ask us to wait, and what a response used. Everything else a
request raises propagates at once. Around every attempt:

- a 429: this worker waits out its own Retry-After (capped by `max_wait`) and tries again at
  once; nobody else waits for it. The shared `RateGate` is told, and lowers the rate at which
  new requests start for a while;
- the shared `RateGate`: every attempt that does not follow a 429 passes it first (it is
  open, and costs nothing, until a 429);
- the run's `RunLimits`: once the deadline or the token cap is reached no new attempt starts
  (`LimitReached`), and no wait outlasts the deadline;
- exponential backoff with jitter for the other passing faults, capped by `max_wait`.

Transport retries are one budget (`Settings.retries`); re-asks after an unusable answer are
another, spent above the client.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from briefgen.config import Settings
from briefgen.errors import ArticleError
from briefgen.model.client import CallStats
from briefgen.model.limits import RateGate, RunLimits
from briefgen.schemas import Usage

R = TypeVar("R")
log = logging.getLogger("briefgen")


class LimitReached(ArticleError):
    """The run deadline or token cap was reached: no new call starts."""


class Faults(Protocol):
    """What a backend knows about its own errors and responses."""

    def transient(self, exc: BaseException) -> bool: ...

    def rate_limited(self, exc: BaseException) -> bool: ...

    def retry_after(self, exc: BaseException) -> float | None: ...

    def describe(self, exc: BaseException) -> str: ...

    def usage(self, response: Any) -> Usage: ...


class Transport:
    def __init__(
        self,
        settings: Settings,
        faults: Faults,
        limits: RunLimits | None = None,
        gate: RateGate | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ):
        self.settings = settings
        self.faults = faults
        self.limits = limits or RunLimits()
        self.gate = gate or RateGate()
        self._sleep = sleep or asyncio.sleep  # tests give a fake clock

    def timeout(self) -> float:
        """Seconds one request may take: the request timeout, or what is left of the run."""
        remaining = self.limits.remaining()
        if remaining is None:
            return self.settings.timeout
        return min(self.settings.timeout, max(remaining, 0.001))

    async def call(self, send: Callable[[float], Awaitable[R]], stats: CallStats) -> R:
        """`send(timeout)` until it succeeds, fails for good, or the retries run out (then the
        last fault propagates)."""
        retrying = AsyncRetrying(
            retry=retry_if_exception(self.faults.transient),
            stop=stop_after_attempt(self.settings.retries + 1),
            wait=self._wait,
            before_sleep=self._log_retry,
            reraise=True,
            sleep=self._sleep,
        )
        after_429 = False
        async for attempt in retrying:
            with attempt:
                if not after_429:  # a retry after a 429 has waited its own Retry-After
                    await self.gate.admit(self.limits.remaining())
                after_429 = False
                if reason := self.limits.exhausted():
                    raise LimitReached(reason)
                stats.attempts += 1
                started = self.gate.started()
                try:
                    response = await send(self.timeout())
                except Exception as exc:
                    if self.faults.rate_limited(exc):
                        after_429 = True
                        wait = self._rate_limit_wait(exc, attempt.retry_state.attempt_number)
                        self.gate.limited(started, wait)
                    raise
                usage = self.faults.usage(response)
                stats.usage += usage
                self.limits.spend(usage)
                return response
        raise AssertionError("unreachable: tenacity either returns or raises")

    def _wait(self, state: RetryCallState) -> float:
        """Seconds before the next attempt: a 429's own Retry-After, else backoff."""
        exc = state.outcome.exception() if state.outcome else None
        if exc is not None and self.faults.rate_limited(exc):
            return self._rate_limit_wait(exc, state.attempt_number)
        base = self.settings.backoff
        wait = min(
            base * 2 ** (state.attempt_number - 1) + random.uniform(0, base),
            self.settings.max_wait,
        )
        remaining = self.limits.remaining()
        return wait if remaining is None else min(wait, remaining)

    def _rate_limit_wait(self, exc: BaseException, attempt: int) -> float:
        """What a 429 asks this worker to wait (Retry-After, else backoff), capped by
        `max_wait` and by what is left of the run."""
        asked = self.faults.retry_after(exc)
        fallback = self.settings.backoff * 2 ** (attempt - 1)
        wait = min(asked if asked is not None else fallback, self.settings.max_wait)
        remaining = self.limits.remaining()  # never sleep through the run deadline
        return wait if remaining is None else min(wait, remaining)

    def _log_retry(self, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0.0
        reason = self.faults.describe(exc) if exc is not None else "?"
        log.warning(
            "retrying a model call (attempt %d failed: %s) in %.1f s",
            state.attempt_number,
            reason,
            wait,
            extra={
                "briefgen": {"event": "retry", "attempt": state.attempt_number, "reason": reason}
            },
        )
