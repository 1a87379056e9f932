"""What a run may spend, shared by every concurrent call: time, tokens, and the server's patience.

`RunLimits` holds the whole-run deadline, token cap and money `Budget`: once one is reached no
new model call starts, and the articles still waiting fail with the reason. `RateGate` slows the
start of new requests after a 429 (a token bucket that lowers the rate and climbs back), without
pausing anyone: the worker that got the 429 waits for its own Retry-After.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from briefgen.prices import Price, cost, money
from briefgen.schemas import Usage

BUDGET_REACHED = "budget reached"  # how an article's failure reason starts


@dataclass
class Budget:
    """The money a job may still spend today (`budget_per_day`): the day's limit, what the
    job's earlier runs of the day spent, and the price of this run's calls. Live calls only:
    a Batch API answer is paid for when the batch runs, before the run can weigh it."""

    per_day: float
    spent_before: float  # by the job's earlier runs of this UTC day
    price: Price
    spent: float = 0.0  # by this run's live calls so far

    def spend(self, usage: Usage) -> None:
        self.spent += cost(self.price, usage.input_tokens, usage.output_tokens)

    def reached(self) -> str | None:
        """Why no new call may start, or None while one may."""
        today = self.spent_before + self.spent
        if today < self.per_day:
            return None
        return (
            f"{BUDGET_REACHED}: budget_per_day of {money(self.per_day)} reached, "
            f"{money(today)} spent today"
        )


class RunLimits:
    def __init__(
        self,
        deadline: float | None = None,
        max_tokens_total: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        budget: Budget | None = None,
        started: float | None = None,  # when the run began, by `clock`: default now
    ):
        self._clock = clock
        begun = clock() if started is None else started
        self._ends = begun + deadline if deadline is not None else None
        self.deadline = deadline
        self.max_tokens_total = max_tokens_total
        self.tokens_used = 0
        self.budget = budget

    def remaining(self) -> float | None:
        """Seconds left before the run deadline, or None without one."""
        return None if self._ends is None else max(0.0, self._ends - self._clock())

    def spend(self, usage: Usage) -> None:
        self.tokens_used += usage.input_tokens + usage.output_tokens
        if self.budget is not None:
            self.budget.spend(usage)

    def exhausted(self) -> str | None:
        """Why no new call may start, or None while one may."""
        if self._ends is not None and self._clock() >= self._ends:
            return f"run deadline of {self.deadline:g} s reached before this article finished"
        if self.max_tokens_total is not None and self.tokens_used >= self.max_tokens_total:
            return (
                f"token cap reached ({self.tokens_used} of {self.max_tokens_total} tokens used) "
                "before this article finished"
            )
        if self.budget is not None:
            return self.budget.reached()
        return None


class RateGate:
    """The gate every NEW request passes, shared by all workers: open until the server answers
    429, then a token bucket that lets new requests start at a lowered rate, climbing back.

    It never pauses anyone: the worker that got the 429 waits for its own Retry-After (the
    transport does that) and its retry does not pass the gate; the others carry on, and only
    the requests they start anew are spaced out while the rate is lowered.

    - A 429 cuts the rate to `cut` times the rate requests were starting at over the last
      `window` seconds (retries included; never below `floor` per second). Once per flight: a
      429 to a request that started before the last cut is the same overload, already counted.
    - From there the rate climbs back in a straight line to the rate it was cut from, over
      `recover` seconds (what the server asked the worker to wait, at least `window`), and the
      gate opens again. A 429 to a request started after the cut cuts again, from what the
      run was then sending: a server still refusing brings the rate down step by step.
    - The bucket holds at most `rate * window` tokens (at least one), and is full at a cut: in
      any window, at most that many new requests start at once, then one per 1/rate seconds.
      So a 429 lowers the rate without delaying the next few requests, and a lull is not
      followed by a burst larger than the lowered rate allows.
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        *,
        cut: float = 0.5,
        window: float = 1.0,
        floor: float = 0.1,
    ):
        self._clock = clock
        self._sleep = sleep
        self.cut = cut
        self.window = window
        self.floor = floor
        self._starts: deque[float] = deque()  # when requests started, over the last window
        self._cut_at: float | None = None
        self._opens_at = 0.0
        self._low = self._high = 0.0  # the rate right after the cut, and the one it came from
        self._tokens = 0.0
        self._refilled = 0.0
        self._lock: asyncio.Lock | None = None  # waiters take tokens one at a time, in turn
        self.cuts = 0

    def rate(self, now: float | None = None) -> float | None:
        """New requests per second the gate lets through now; None while it is open."""
        now = self._clock() if now is None else now
        if self._cut_at is None or now >= self._opens_at:
            return None
        climbed = (now - self._cut_at) / (self._opens_at - self._cut_at)
        return self._low + (self._high - self._low) * climbed

    def started(self) -> float:
        """Note a request going out (any request, retries too); returns the time it started."""
        now = self._clock()
        self._starts.append(now)
        self._forget(now)
        return now

    def limited(self, started_at: float, recover: float) -> None:
        """A request that started at `started_at` got 429; `recover`: the wait it was asked."""
        now = self._clock()
        if self._cut_at is not None and started_at < self._cut_at:
            return  # in flight before the last cut: that cut answered this overload
        self._forget(now)
        sending = max(len(self._starts), 1) / self.window
        self._low = max(self.floor, self.cut * sending)
        self._high = max(sending, self._low)
        self._cut_at = now
        self._opens_at = now + max(recover, self.window)
        self._tokens, self._refilled = max(1.0, self._low * self.window), now
        self.cuts += 1

    async def admit(self, limit: float | None = None) -> float:
        """Wait until a new request may start; returns the seconds waited. `limit`: wait no
        longer than this (the time left of the run), and let the caller decide."""
        if self.rate() is None:
            return 0.0
        if self._lock is None:
            self._lock = asyncio.Lock()
        waited = 0.0
        async with self._lock:
            while True:
                now = self._clock()
                rate = self.rate(now)
                if rate is None:
                    return waited
                capacity = max(1.0, rate * self.window)
                self._tokens = min(capacity, self._tokens + (now - self._refilled) * rate)
                self._refilled = now
                if self._tokens >= 1 - 1e-9:
                    self._tokens -= 1
                    return waited
                # The rate only climbs until the gate opens, so this wait is never too short.
                delay = min((1 - self._tokens) / rate, self._opens_at - now)
                if limit is not None:
                    delay = min(delay, limit - waited)
                    if delay <= 0:
                        return waited
                await self._sleep(delay)
                waited += delay

    def _forget(self, now: float) -> None:
        while self._starts and self._starts[0] <= now - self.window:
            self._starts.popleft()
