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
- exponential backoff with jitter for the other passing faults, capped by `max_wait`;
- `Reachability`: a server that cannot be reached at all (connection refused, a host name that
  does not resolve) is tried by one call while the others wait; when that call's retries run
  out the server is down for the run (`ServerUnreachable`, one `server_down` error event), and
  every later call fails at once without a request.

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
from briefgen.errors import ArticleError, ServerUnreachable
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

    def unreachable(self, exc: BaseException) -> str | None:
        """The cause, when `exc` says no connection could be made at all; None otherwise."""
        ...

    def usage(self, response: Any) -> Usage: ...


class Reachability:
    """Whether the server can be reached at all, for every call of one transport. A call whose
    connection could not be made puts the server in doubt: that call (its article's `stats`)
    goes on retrying, and the other calls wait before their next attempt. Any answer, an error
    status too, clears the doubt; the doubting call's retries running out make the server
    `down` for the rest of the run. So a dead server costs one article's retries, not every
    article's."""

    def __init__(self) -> None:
        self.down: str | None = None
        self._prober: CallStats | None = None
        self._settled = asyncio.Event()

    async def wait(self, stats: CallStats) -> None:
        """Until the server is not in doubt, or `stats`' call is the one trying it."""
        while self.down is None and self._prober is not None and self._prober is not stats:
            await self._settled.wait()

    def doubt(self, stats: CallStats) -> None:
        if self.down is None and self._prober is None:
            self._prober = stats
            self._settled = asyncio.Event()

    def reached(self) -> None:
        self._release()

    def give_up(self, reason: str) -> None:
        self.down = reason
        self._release()

    def done(self, stats: CallStats) -> None:
        """`stats`' call ended (answered, failed, cancelled): it tries the server no longer."""
        if self._prober is stats:
            self._release()

    def _release(self) -> None:
        self._prober = None
        self._settled.set()


class Transport:
    def __init__(
        self,
        settings: Settings,
        faults: Faults,
        limits: RunLimits | None = None,
        gate: RateGate | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        server: str = "the model server",
    ):
        self.settings = settings
        self.faults = faults
        self.limits = limits or RunLimits()
        self.gate = gate or RateGate()
        self._sleep = sleep or asyncio.sleep  # tests give a fake clock
        self.server = server  # as messages name it: "the model server at URL"
        self.reach = Reachability()

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
        try:
            async for attempt in retrying:
                with attempt:
                    await self.reach.wait(stats)
                    if self.reach.down is not None:
                        why = (
                            ServerUnreachable.STOPPED
                            if stats.attempts
                            else ServerUnreachable.NOT_ASKED
                        )
                        raise ServerUnreachable(why + self.reach.down)
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
                        if self.faults.unreachable(exc) is not None:
                            self.reach.doubt(stats)
                        else:  # an answer, if an unwelcome one: the server is there
                            self.reach.reached()
                        if self.faults.rate_limited(exc):
                            after_429 = True
                            wait = self._rate_limit_wait(exc, attempt.retry_state.attempt_number)
                            self.gate.limited(started, wait)
                        raise
                    self.reach.reached()
                    usage = self.faults.usage(response)
                    stats.usage += usage
                    self.limits.spend(usage)
                    return response
        except Exception as exc:
            cause = self.faults.unreachable(exc)
            if cause is None:
                raise
            reason = f"{self.server} cannot be reached: {cause}"
            if self.reach.down is None:
                self.reach.give_up(reason)
                log.error(
                    "%s (%d attempts); no more calls this run",
                    reason,
                    stats.attempts,
                    extra={"briefgen": {"event": "server_down", "reason": reason}},
                )
            raise ServerUnreachable(f"{reason} ({stats.attempts} attempts)") from None
        finally:
            self.reach.done(stats)
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
