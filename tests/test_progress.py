"""How a run looks on stderr: timestamped lines off a terminal, JSON lines, a bar on a terminal,
errors only when quiet."""

from __future__ import annotations

import io
import json
import logging
import re
import threading
import time

import pytest

from briefgen import progress
from briefgen.runlog import event

from conftest import SAMPLE_TEXT, invoke, sample_extraction
from fakeserver import Reply, chat_completion

LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (INFO|WARNING|ERROR)\s+\S")


class TTY(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def logger():
    """The `briefgen` logger, put back as it was whatever a test does to it."""
    log = logging.getLogger(progress.LOGGER)
    saved = (log.level, log.propagate, list(log.handlers))
    yield log
    log.setLevel(saved[0])
    log.propagate = saved[1]
    log.handlers[:] = saved[2]


def a_run() -> None:
    """The events of a small run: two articles, one cached, one failed."""
    event("run 1 started: 2 articles, 1 cached", event="run_start", run=1, articles=2, cached=1)
    event(
        "cached    one: 2 actors, 2 claims, 0 dropped, 0 calls",
        event="article",
        outcome="cached",
        id="one",
        calls=0,
        tokens=0,
    )
    event(
        "failed    two (2 calls): refused: I will not.",
        logging.WARNING,
        event="article",
        outcome="failed",
        id="two",
        reason="refused: I will not.",
        calls=2,
    )
    event(
        "run 1 partial: 2 articles, 1 cached, 1 failed, 2 calls",
        event="run_end",
        run=1,
        status="partial",
        exit_code=3,
    )


def test_plain_lines_with_utc_timestamps_off_a_terminal(logger):
    stream = io.StringIO()
    detach = progress.attach("text", False, stream)
    try:
        a_run()
    finally:
        detach()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 4
    for line in lines:
        assert LINE.match(line), line
    assert re.match(r"^\S+Z INFO    run 1 started: 2 articles, 1 cached$", lines[0])
    assert re.match(r"^\S+Z INFO    cached    one: ", lines[1])
    assert re.match(r"^\S+Z WARNING failed    two \(2 calls\): refused: I will not\.$", lines[2])
    assert lines[3].endswith(" INFO    run 1 partial: 2 articles, 1 cached, 1 failed, 2 calls")


@pytest.fixture
def tokyo(monkeypatch):
    """A local time zone that is not UTC, so local time cannot pass for UTC."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("tokyo")
@pytest.mark.parametrize("log_format", ["text", "json"])
def test_timestamps_are_utc(logger, log_format):
    stream = io.StringIO()
    detach = progress.attach(log_format, False, stream)
    try:
        record = logging.LogRecord("briefgen", logging.INFO, __file__, 1, "at zero", None, None)
        record.created = 0.0
        logger.handle(record)
    finally:
        detach()
    if log_format == "text":
        assert stream.getvalue() == "1970-01-01T00:00:00Z INFO    at zero\n"
    else:
        assert json.loads(stream.getvalue())["time"] == "1970-01-01T00:00:00Z"


def test_detach_removes_the_handler_and_restores_the_logger(logger):
    logger.setLevel(logging.WARNING)
    logger.propagate = True
    before = list(logger.handlers)
    stream = io.StringIO()

    detach = progress.attach("text", False, stream)
    assert len(logger.handlers) == len(before) + 1
    assert logger.level == logging.INFO
    assert logger.propagate is False
    event("while attached", event="article")
    detach()

    assert logger.handlers == before
    assert logger.level == logging.WARNING
    assert logger.propagate is True
    written = stream.getvalue()
    event("after detach", logging.ERROR, event="article")
    assert stream.getvalue() == written
    assert "while attached" in written


@pytest.mark.parametrize("stream_class", [io.StringIO, TTY], ids=["pipe", "terminal"])
def test_quiet_shows_errors_only(logger, stream_class):
    stream = stream_class()
    detach = progress.attach("text", True, stream)
    try:
        a_run()  # info and warning only
        event("cannot write the brief", logging.ERROR, event="run_end", status="error")
    finally:
        detach()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    assert LINE.match(lines[0])
    assert lines[0].endswith(" ERROR   cannot write the brief")


def test_json_lines_carry_the_event_fields(logger):
    stream = TTY()  # json is json, on a terminal too
    detach = progress.attach("json", False, stream)
    try:
        a_run()
    finally:
        detach()
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [r["event"] for r in records] == ["run_start", "article", "article", "run_end"]
    for r in records:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r["time"])
    assert [r["level"] for r in records] == ["info", "info", "warning", "info"]
    assert records[0]["articles"] == 2 and records[0]["cached"] == 1
    assert records[1]["outcome"] == "cached" and records[1]["id"] == "one"
    failed = records[2]
    assert failed["outcome"] == "failed"
    assert failed["reason"] == "refused: I will not."
    assert failed["message"] == "failed    two (2 calls): refused: I will not."
    assert records[3]["status"] == "partial" and records[3]["exit_code"] == 3


def test_json_quiet_shows_errors_only(logger):
    stream = io.StringIO()
    detach = progress.attach("json", True, stream)
    try:
        a_run()
        event("boom", logging.ERROR, event="run_end", status="error")
    finally:
        detach()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["level"] == "error"


def test_a_terminal_gets_a_bar_that_stops_at_run_end(logger, monkeypatch):
    for name in ("TTY_INTERACTIVE", "TTY_COMPATIBLE", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    stream = TTY()
    detach = progress.attach("text", False, stream)
    try:
        handler = logger.handlers[-1]
        assert isinstance(handler, progress.BarHandler)
        event("run 1 started", event="run_start", run=1, articles=2, cached=1)
        bar = handler.progress
        assert bar is not None and bar.live.is_started
        a_run_rest()
        assert handler.progress is None
        assert not bar.live.is_started
        assert handler.counts == {"cached": 1, "failed": 1, "calls": 2, "tokens": 0}
        assert bar.tasks[0].completed == 2
    finally:
        detach()
    for thread in threading.enumerate():  # rich's refresh thread ends, nothing keeps drawing
        if type(thread).__name__ == "_RefreshThread":
            thread.join(timeout=2)
            assert not thread.is_alive()
    output = stream.getvalue()
    assert "failed    two (2 calls): refused: I will not." in output
    assert output.rstrip().endswith("run 1 partial: 2 articles, 1 cached, 1 failed, 2 calls")
    assert "cached    one" not in output  # an INFO article line moves the bar, no line
    assert output.rfind("\x1b[?25h") > output.rfind("\x1b[?25l")  # the cursor is back
    after = len(output)
    event("later", logging.WARNING, event="article")
    assert len(stream.getvalue()) == after  # detached


def a_run_rest() -> None:
    event("cached    one", event="article", outcome="cached", id="one", calls=0, tokens=0)
    event(
        "failed    two (2 calls): refused: I will not.",
        logging.WARNING,
        event="article",
        outcome="failed",
        id="two",
        calls=2,
    )
    event(
        "run 1 partial: 2 articles, 1 cached, 1 failed, 2 calls",
        event="run_end",
        run=1,
        status="partial",
    )


def test_detaching_mid_run_stops_the_bar(logger):
    stream = TTY()
    detach = progress.attach("text", False, stream)
    handler = logger.handlers[-1]
    assert isinstance(handler, progress.BarHandler)
    event("run 1 started", event="run_start", run=1, articles=3)
    bar = handler.progress
    assert bar is not None
    detach()  # the run was interrupted: no run_end
    assert not bar.live.is_started


def test_make_with_json_logs_on_stderr(runner, server, tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "one.txt").write_text("Kim to meet Putin\n" + SAMPLE_TEXT)
    (folder / "two.txt").write_text("Second report\n" + SAMPLE_TEXT)
    server.default = Reply(body=chat_completion(sample_extraction().model_dump_json()))

    result = invoke(runner, "make", folder, "--base-url", server.url, "--log-format", "json")

    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# ")
    lines = result.stderr.splitlines()
    assert lines
    records = [json.loads(line) for line in lines]  # every line is JSON
    assert all(isinstance(r, dict) for r in records)
    events = [r.get("event") for r in records]
    assert events.count("run_start") == 1
    assert events.count("article") == 2
    assert events.count("run_end") == 1
    assert events[0] == "run_start" and events[-1] == "run_end"
    start = records[events.index("run_start")]
    assert start["articles"] == 2 and start["level"] == "info"
    articles = [r for r in records if r.get("event") == "article"]
    assert sorted(r["id"] for r in articles) == ["one", "two"]
    assert {r["outcome"] for r in articles} == {"extracted"}
    end = records[-1]
    assert end["status"] == "ok"
    assert end["exit_code"] == 0
    assert end["articles"] == 2 and end["failed"] == 0
    assert end["message"].startswith(f"run {end['run']} ok: 2 articles")
