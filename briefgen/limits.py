"""What a run may spend, shared by every concurrent call: time, tokens, and the server's patience.

`RunLimits` holds the whole-run deadline and token cap: once either is reached no new model call
starts, and the articles still waiting fail with the reason. `Throttle` makes concurrent workers
back off together: one 429 with Retry-After pauses every worker, not just the one that got it,
so they do not stampede the server again the moment the first one's wait ends.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable

from briefgen.schemas import Usage


class RunLimits:
    def __init__(
        self,
        deadline: float | None = None,
        max_tokens_total: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._clock = clock
        self._ends = clock() + deadline if deadline is not None else None
        self.deadline = deadline
        self.max_tokens_total = max_tokens_total
        self.tokens_used = 0

    def remaining(self) -> float | None:
        """Seconds left before the run deadline, or None without one."""
        return None if self._ends is None else max(0.0, self._ends - self._clock())

    def spend(self, usage: Usage) -> None:
        self.tokens_used += usage.input_tokens + usage.output_tokens

    def exhausted(self) -> str | None:
        """Why no new call may start, or None while one may."""
        if self._ends is not None and self._clock() >= self._ends:
            return f"run deadline of {self.deadline:g} s reached before this article finished"
        if self.max_tokens_total is not None and self.tokens_used >= self.max_tokens_total:
            return (
                f"token cap reached ({self.tokens_used} of {self.max_tokens_total} tokens used) "
                "before this article finished"
            )
        return None


class Throttle:
    """A shared pause: `pause(s)` holds every caller of `wait()` for at least s seconds."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        spread: float = 0.0,
    ):
        self._clock = clock
        self._sleep = sleep
        self._resume_at = 0.0
        self._spread = spread
        self.pauses = 0

    def pause(self, seconds: float) -> None:
        resume_at = self._clock() + seconds
        if resume_at > self._resume_at:
            self._resume_at = resume_at
            self.pauses += 1

    async def wait(self) -> float:
        """Sleep out any pause; returns the seconds slept. `spread` > 0 releases waiters over
        that fraction of the pause; it defaults to 0 because, measured (bench/concurrency.py),
        the first ones released re-armed the pause for the rest with fresh 429s and a storm
        cost many pauses instead of one."""
        slept = 0.0
        while (delay := self._resume_at - self._clock()) > 0:
            delay += random.uniform(0, self._spread * delay)
            await self._sleep(delay)
            slept += delay
        return slept
