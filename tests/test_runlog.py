"""The run log's events and bookkeeping, with a scripted client and no server."""

from __future__ import annotations

import asyncio
import logging
import os

from briefgen.config import Settings
from briefgen.model.client import Completion
from briefgen.runlog import STATUS_CODES, RunLog, job_key, shown_status
from briefgen.store import Store

from conftest import sample_extraction


class Canned:
    model = "canned"

    def __init__(self) -> None:
        self.calls = 0

    async def complete(self, messages, schema, stats, *, max_tokens=None):
        self.calls += 1
        stats.attempts += 1
        value = sample_extraction()
        return Completion(value.model_dump_json(), model="canned")

    async def aclose(self) -> None:
        pass


def test_the_same_sources_are_the_same_job_in_any_order():
    assert job_key(["a/", "b.txt"]) == job_key(["b.txt", "a/"])
    assert job_key(["a/"]) != job_key(["a/", "b.txt"])


def test_events_carry_their_fields_and_the_run_is_closed(article, db, caplog):
    caplog.set_level(logging.INFO, logger="briefgen")
    store = Store(db)
    client = Canned()
    connected = []

    def connect():
        connected.append(True)
        return client

    async def run_twice():
        for _ in range(2):
            run = RunLog(store, Settings(db=db), ["x"], [article], "canned", "http://x/v1/")
            await run.start()
            await run.extract(connect)
            run.finish("ok")

    asyncio.run(run_twice())
    assert client.calls == 1 and connected == [True]  # the second run needed no client
    events = [r.briefgen for r in caplog.records if hasattr(r, "briefgen")]
    assert [e["event"] for e in events] == ["run_start", "article", "run_end"] * 2
    first_end, second_start, second_article = events[2], events[3], events[4]
    assert first_end["status"] == "ok" and first_end["calls"] == 1 and first_end["cached"] == 0
    assert second_start["cached"] == 1
    assert second_article["outcome"] == "cached" and second_article["calls"] == 0
    assert [r.status for r in store.runs.latest()] == ["ok", "ok"]


def test_each_status_is_closed_with_its_exit_code(article, db, caplog):
    caplog.set_level(logging.INFO, logger="briefgen")
    store = Store(db)
    expected = {
        "ok": 0,
        "nothing": 1,
        "error": 2,
        "partial": 3,
        "pending": 4,
        "refused": 75,
        "interrupted": 130,
    }
    assert expected == STATUS_CODES
    for status in expected:
        run = RunLog(store, Settings(db=db), [status], [article], "canned", "http://x/v1/")
        asyncio.run(run.start())
        run.finish(status)
    ends = [
        r.briefgen for r in caplog.records if getattr(r, "briefgen", {}).get("event") == "run_end"
    ]
    assert [(e["status"], e["exit_code"]) for e in ends] == list(expected.items())
    assert all(type(e["exit_code"]) is int for e in ends)  # a plain number in JSON logs
    rows = {r.status: r.exit_code for r in store.runs.latest(limit=10)}
    assert rows == expected


def test_a_run_still_marked_running_whose_process_is_gone_was_killed(db):
    store = Store(db)
    store.runs.start("job", {}, ["inbox/"], "m", "u", "p")
    [running] = store.runs.latest()
    assert running.pid == os.getpid()
    assert shown_status(running) == "running"  # this process: alive
    with store.db.connect() as conn:
        conn.execute("UPDATE runs SET pid = 2147483646")  # no such process
    [dead] = store.runs.latest()
    assert shown_status(dead) == "killed"
    closed = dead.model_copy(update={"status": "ok", "exit_code": 0})
    assert shown_status(closed) == "ok"  # a closed row says how it ended, whatever its pid
