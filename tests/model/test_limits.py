"""The run's limits and the rate gate, on a fake clock: nothing here sleeps for real."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from briefgen.model.limits import RateGate, RunLimits
from briefgen.schemas import Usage


class FakeTime:
    """A clock that moves only when slept on."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def gate_on(time: FakeTime, **options: float) -> RateGate:
    return RateGate(time.clock, time.sleep, **options)


def cut_after(gate: RateGate, time: FakeTime, starts: int, recover: float) -> None:
    """`starts` requests go out within the last second, then the last one gets 429."""
    for _ in range(starts):
        started = gate.started()
        time.now += 0.01
    gate.limited(started, recover)


def start_times(gate: RateGate, time: FakeTime, count: int) -> list[float]:
    async def go() -> list[float]:
        times = []
        for _ in range(count):
            await gate.admit()
            times.append(time.now)
            gate.started()
        return times

    return asyncio.run(go())


def test_an_open_gate_never_waits():
    time = FakeTime()
    gate = gate_on(time)
    assert start_times(gate, time, 50) == [100.0] * 50
    assert gate.rate() is None and time.slept == []


def test_after_a_429_new_requests_are_spaced_at_half_the_rate_they_went_out_at():
    time = FakeTime()
    gate = gate_on(time)
    cut_after(gate, time, starts=8, recover=60)  # 8 in the last second: 8/s, cut to 4/s
    cut = time.now
    assert gate.rate() == pytest.approx(4.0)
    times = start_times(gate, time, 9)
    assert times[:4] == [cut] * 4  # a second's worth at the lowered rate goes at once
    gaps = [b - a for a, b in itertools.pairwise(times[3:])]
    # then 4/s, climbing towards 8/s over a minute: a quarter of a second apart, a little less
    assert all(0.24 <= gap <= 0.25 for gap in gaps), gaps
    assert gate.cuts == 1


def test_the_rate_climbs_back_and_the_gate_opens_after_the_wait_the_server_asked():
    time = FakeTime()
    gate = gate_on(time)
    cut_after(gate, time, starts=8, recover=2.0)
    cut = time.now
    assert gate.rate(cut + 1.0) == pytest.approx(6.0)  # halfway from 4/s back to 8/s
    assert gate.rate(cut + 2.0) is None
    time.now = cut + 2.0
    assert start_times(gate, time, 20) == [cut + 2.0] * 20  # open again: no wait at all


def test_a_short_retry_after_still_lowers_the_rate_for_one_window():
    time = FakeTime()
    gate = gate_on(time, window=1.0)
    cut_after(gate, time, starts=8, recover=0.0)
    assert gate.rate() == pytest.approx(4.0)
    assert gate.rate(time.now + 1.0) is None


def test_a_429_to_a_request_sent_before_the_cut_does_not_cut_again():
    time = FakeTime()
    gate = gate_on(time)
    early = gate.started()
    cut_after(gate, time, starts=8, recover=5)
    gate.limited(early, 5)  # the same overload, answered late
    assert gate.cuts == 1 and gate.rate() == pytest.approx(4.5)  # 9 sent: 9/s halved


def test_a_server_still_refusing_brings_the_rate_down_again():
    time = FakeTime()
    gate = gate_on(time)
    cut_after(gate, time, starts=8, recover=60)
    time.now += 1.0  # a quiet second, then two requests at the lowered rate: both 429
    cut_after(gate, time, starts=2, recover=60)
    assert gate.cuts == 2
    assert gate.rate() == pytest.approx(1.0)  # 2/s measured, halved


def test_the_rate_never_falls_below_the_floor():
    time = FakeTime()
    gate = gate_on(time, floor=0.5)
    cut_after(gate, time, starts=1, recover=60)
    assert gate.rate() == pytest.approx(0.5)


def test_a_wait_for_a_token_stops_at_the_limit_given():
    time = FakeTime()
    gate = gate_on(time, floor=0.1)
    cut_after(gate, time, starts=1, recover=600)  # 1/s measured: 0.5/s, one token saved

    async def go() -> list[float]:
        return [await gate.admit(limit=0.3), await gate.admit(limit=0.3)]

    assert asyncio.run(go()) == [0.0, pytest.approx(0.3)]  # the next token is 2 s away


def test_waiting_workers_take_tokens_in_turn():
    time = FakeTime()
    gate = gate_on(time)
    cut_after(gate, time, starts=8, recover=600)
    cut = time.now

    async def worker(name: str, log: list[tuple[str, float]]) -> None:
        await gate.admit()
        log.append((name, time.now))

    async def go() -> list[tuple[str, float]]:
        log: list[tuple[str, float]] = []
        await asyncio.gather(*(worker(n, log) for n in "abc"))
        return log

    start_times(gate, time, 4)  # the four saved tokens, at once
    log = asyncio.run(go())
    assert [name for name, _ in log] == ["a", "b", "c"]
    assert [round(t - cut, 2) for _, t in log] == [0.25, 0.5, 0.75]


def test_run_limits_stop_new_calls_at_the_token_cap_and_at_the_deadline():
    time = FakeTime()
    limits = RunLimits(deadline=10, max_tokens_total=100, clock=time.clock)
    assert limits.exhausted() is None and limits.remaining() == 10
    limits.spend(Usage(input_tokens=60, output_tokens=40))
    assert "token cap reached (100 of 100 tokens used)" in limits.exhausted()
    timed = RunLimits(deadline=10, clock=time.clock)
    time.now += 10
    assert timed.remaining() == 0.0
    assert timed.exhausted() == "run deadline of 10 s reached before this article finished"
