"""The retrying transport on a fake clock: what a 429 costs the worker that got it, and nobody
else. The same through the real SDK and a loopback server is in test_faults.py."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from briefgen.config import Settings
from briefgen.errors import ServerUnreachable
from briefgen.model.client import CallStats
from briefgen.model.limits import RateGate, RunLimits
from briefgen.model.retrying import LimitReached, Transport
from briefgen.schemas import Usage

from test_limits import FakeTime


class Limited(Exception):
    def __init__(self, retry_after: float | None):
        self.retry_after = retry_after


class Down(Exception):
    pass


class Refused(Exception):
    """No connection at all."""


class StubFaults:
    def transient(self, exc: BaseException) -> bool:
        return isinstance(exc, Limited | Down | Refused)

    def rate_limited(self, exc: BaseException) -> bool:
        return isinstance(exc, Limited)

    def retry_after(self, exc: BaseException) -> float | None:
        return exc.retry_after if isinstance(exc, Limited) else None

    def describe(self, exc: BaseException) -> str:
        return type(exc).__name__

    def usage(self, response: Any) -> Usage:
        return Usage()

    def unreachable(self, exc: BaseException) -> str | None:
        return "connection refused" if isinstance(exc, Refused) else None


def transport(time: FakeTime, **settings: Any) -> Transport:
    limits = RunLimits(settings.pop("deadline", None), clock=time.clock)
    return Transport(
        Settings(backoff=0.5, **settings),
        StubFaults(),
        limits,
        RateGate(time.clock, time.sleep),
        sleep=time.sleep,
    )


def server(*faults: Exception, time: FakeTime, sent: list[float]):
    """A send that raises `faults` in turn, then answers; it notes when each request went."""
    queue = list(faults)

    async def send(timeout: float) -> str:
        sent.append(time.now)
        if queue:
            raise queue.pop(0)
        return "answer"

    return send


def test_a_429_waits_its_own_retry_after_and_its_retry_does_not_queue_at_the_gate():
    time, sent = FakeTime(), []
    t = transport(time)
    stats = CallStats()
    send = server(Limited(2.0), time=time, sent=sent)
    assert asyncio.run(t.call(send, stats)) == "answer"
    assert stats.attempts == 2
    assert sent[1] - sent[0] == 2.0  # exactly the Retry-After
    assert time.slept == [2.0]  # and no wait for a token on top of it
    assert t.gate.cuts == 1 and t.gate.rate() is None  # open again once the wait is over


def test_new_requests_after_a_429_are_spaced_by_the_gate_not_held_for_the_retry_after():
    time, sent = FakeTime(), []
    t = transport(time)
    for _ in range(3):
        t.gate.started()
    t.gate.limited(t.gate.started(), 30.0)  # another worker's request: 429, Retry-After 30
    for _ in range(4):
        asyncio.run(t.call(server(time=time, sent=sent), CallStats()))
    # 4 sent in the last second: 4/s, halved: two go at once, then one every half second
    # (a little less as the rate climbs back), none held for the 30 s of the Retry-After
    assert sent[:2] == [100.0, 100.0]
    assert len(time.slept) == 2 and all(0.45 <= s <= 0.5 for s in time.slept), time.slept


def test_a_503_backs_off_and_its_retry_passes_the_gate():
    time, sent = FakeTime(), []
    t = transport(time)
    t.gate.limited(t.gate.started(), 30.0)
    asyncio.run(t.call(server(Down(), time=time, sent=sent), CallStats()))
    backoff, token = time.slept  # the first attempt took the one token saved
    assert 0.5 <= backoff <= 1.0  # backoff 0.5 plus up to 0.5 of jitter
    assert token > 0  # and its retry, a new request for the gate, waited for the next
    assert len(sent) == 2


def test_a_429_wait_is_capped_by_max_wait_and_by_the_run_deadline():
    time, sent = FakeTime(), []
    t = transport(time, max_wait=5.0)
    asyncio.run(t.call(server(Limited(60.0), time=time, sent=sent), CallStats()))
    assert time.slept == [5.0]
    time, sent = FakeTime(), []
    t = transport(time, deadline=3.0)
    with pytest.raises(LimitReached, match="run deadline of 3 s"):
        asyncio.run(t.call(server(Limited(60.0), time=time, sent=sent), CallStats()))
    assert time.slept == [3.0] and len(sent) == 1


# --- a server that cannot be reached ---------------------------------------------------------


def refusing(time: FakeTime, sent: list[float], answer_after: int | None = None):
    """A send that yields to the loop (so calls interleave), then is refused; with
    `answer_after`, it answers from that many requests on."""

    async def send(timeout: float) -> str:
        await asyncio.sleep(0)
        sent.append(time.now)
        if answer_after is not None and len(sent) > answer_after:
            return "answer"
        raise Refused()

    return send


def test_a_refusing_server_costs_one_calls_retries_then_no_call_starts():
    time, sent = FakeTime(), []
    t = transport(time, retries=3)
    t.server = "the model server at http://x/v1/"

    async def eight_at_once():
        stats = [CallStats() for _ in range(8)]
        send = refusing(time, sent)
        results = await asyncio.gather(*(t.call(send, s) for s in stats), return_exceptions=True)
        late = CallStats()  # an article that starts after the server is down
        results.append(await asyncio.gather(t.call(send, late), return_exceptions=True))
        return [*stats, late], results

    stats, results = asyncio.run(eight_at_once())
    # Eight first attempts went out together; one call retried (3 more); then nothing.
    assert len(sent) == 8 + 3
    assert sorted(s.attempts for s in stats) == [0, 1, 1, 1, 1, 1, 1, 1, 4]
    down = "the model server at http://x/v1/ cannot be reached: connection refused"
    assert t.reach.down == down
    messages = [str(r[0] if isinstance(r, list) else r) for r in results]
    assert all(isinstance(r[0] if isinstance(r, list) else r, ServerUnreachable) for r in results)
    assert messages.count(f"{down} (4 attempts)") == 1
    assert messages.count(f"stopped: {down}") == 7
    assert messages[-1] == f"not asked: {down}"


def test_a_server_that_answers_after_a_refusal_clears_the_doubt():
    time, sent = FakeTime(), []
    t = transport(time, retries=3)

    async def four_at_once():
        send = refusing(time, sent, answer_after=4)  # the first wave is refused, then answers
        return await asyncio.gather(*(t.call(send, CallStats()) for _ in range(4)))

    assert asyncio.run(four_at_once()) == ["answer"] * 4
    assert t.reach.down is None
    assert len(sent) == 4 + 4  # each retried once; the others waited for the first's answer


def test_a_cancelled_call_that_was_trying_the_server_lets_the_others_go_on():
    time, sent = FakeTime(), []
    t = transport(time, retries=3)

    async def run():
        first, second = CallStats(), CallStats()
        t.reach.doubt(first)  # the first call tries the server...
        waiting = asyncio.create_task(t.call(refusing(time, sent, answer_after=0), second))
        await asyncio.sleep(0)
        assert sent == []  # ...and the second waits for it
        t.reach.done(first)  # the first is cancelled or ends
        return await waiting

    assert asyncio.run(run()) == "answer"
