"""Exit codes and logs an alert can use (docs/scheduling.md, "Exit codes, for alerting"): every
code but 0 says why on stderr, in every log format and under -q; another run holding the
output is 75 and in the run log; --strict is no configuration error; an empty source among
others is a warning; a server nobody answers at fails fast, naming itself and the cause; and
the run log keeps the true counts after SIGTERM and SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefgen.store import Store

from conftest import SAMPLE_TEXT, TEST_KEY, article_id, invoke, sample_extraction
from fakeserver import FakeServer, Reply, chat_completion, error_body


def answer(delay: float = 0.0) -> Reply:
    return Reply(body=chat_completion(sample_extraction().model_dump_json()), delay=delay)


def article_of(body: dict) -> str:
    return article_id(body)


@pytest.fixture
def inbox(tmp_path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name in ("a", "b", "c"):
        (folder / f"{name}.txt").write_text(f"Report {name}\n{SAMPLE_TEXT} Story {name}.")
    return folder


def closed_port() -> int:
    """A port nothing listens on: bound, then closed."""
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        return bound.getsockname()[1]


# --- every code but 0 says why, in every format, -q included ---------------------------------


def _run_for(code: int, server: FakeServer, inbox: Path, tmp_path: Path) -> list[str]:
    """Arguments of a `make` that ends with `code` (after any setup it needs)."""
    out = tmp_path / "brief.md"
    base = ["make", str(inbox), "--base-url", server.url, "--out", str(out), "--no-cache"]
    if code == 0:
        server.default = answer()
    elif code == 1:
        server.default = Reply(400, error_body("no"))
    elif code == 2:
        return ["make", str(tmp_path / "missing"), "--base-url", server.url]
    elif code == 3:
        server.default = lambda body: (
            Reply(400, error_body("no")) if article_of(body) == "b" else answer()
        )
    return base  # for 75 the caller holds the output's lock; for 130 interrupts the run


@pytest.mark.parametrize("quiet", [False, True], ids=["default", "quiet"])
@pytest.mark.parametrize("log_format", ["text", "json"])
@pytest.mark.parametrize("code", [0, 1, 2, 3, 75, 130])
def test_every_exit_code_but_0_prints_a_line_on_stderr(
    runner, server, inbox, tmp_path, db, monkeypatch, code, log_format, quiet
):
    from briefgen import files, pipeline

    args = [*_run_for(code, server, inbox, tmp_path), "--log-format", log_format]
    if quiet:
        args.append("-q")
    if code == 130:

        def interrupted(*args: object, **kwargs: object) -> None:
            raise KeyboardInterrupt

        monkeypatch.setattr(pipeline, "make_brief", interrupted)
    if code == 75:
        with files.output_lock([tmp_path / "brief.md"], db.parent):
            result = invoke(runner, *args)
    else:
        result = invoke(runner, *args)
    assert result.exit_code == code, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    if code == 0:
        assert lines == [] if quiet else lines
        return
    assert lines, f"exit {code} with nothing on stderr ({log_format}, quiet={quiet})"
    assert "Traceback" not in result.stderr
    said = {
        1: "briefgen: error: no article could be extracted (3 failed)",
        2: "briefgen: error: ",
        3: "partial: [2] b failed: ",
        75: "is writing it; nothing was done",
        130: "briefgen: error: interrupted",
    }[code]
    assert said in result.stderr


# --- 75: another run holds the output ---------------------------------------------------------


def test_a_run_refused_for_a_busy_output_exits_75_and_is_in_the_run_log(
    runner, server, inbox, tmp_path, db
):
    from briefgen import files

    server.default = answer()
    out = tmp_path / "brief.md"
    with files.output_lock([out], db.parent):
        refused = invoke(runner, "make", inbox, "--base-url", server.url, "--out", out)
    assert refused.exit_code == 75
    first, last = refused.stderr.splitlines()
    assert first.endswith(" INFO    run 1 refused: no model call, nothing written")
    assert last.startswith(f"briefgen: error: {out}: another briefgen run (pid ")
    assert server.requests == [] and not out.exists()
    (run,) = Store(db).runs.latest()
    assert (run.status, run.exit_code, run.calls) == ("refused", 75, 0)
    assert run.error is not None and "is writing it" in run.error
    listed = invoke(runner, "runs")
    assert " refused " in listed.stdout
    shown = invoke(runner, "runs", "show", str(run.id))
    assert "exit 75" in shown.stdout and "error: " in shown.stdout
    assert invoke(runner, "make", inbox, "--base-url", server.url, "--out", out).exit_code == 0


# --- an empty source among others is a warning ----------------------------------------------


def test_an_empty_folder_or_glob_among_sources_that_gave_articles_is_a_warning(
    runner, server, inbox, tmp_path
):
    server.default = answer()
    empty = tmp_path / "empty-inbox"
    empty.mkdir()
    nothing = str(tmp_path / "nowhere-*.txt")
    out = tmp_path / "brief.md"
    result = invoke(
        runner, "make", empty, nothing, inbox, "--base-url", server.url, "--out", out, "-q"
    )
    assert result.exit_code == 0 and out.exists()
    shown = invoke(runner, "make", empty, inbox, "--base-url", server.url, "--out", out)
    assert shown.exit_code == 0
    assert f"WARNING {empty}: no article files" in shown.stderr
    assert "skipped, the other sources gave 3 article(s)" in shown.stderr
    alone = invoke(runner, "make", empty, nothing, "--base-url", server.url, "--out", out)
    assert alone.exit_code == 2  # every source empty: a mistake in the command or the config
    assert (
        alone.stderr == f"briefgen: error: {empty}: no article files (.txt, .md, .html, "
        ".json, .jsonl, feeds)\n"
    )


def test_a_missing_source_is_still_an_error_among_others(runner, server, inbox, tmp_path):
    server.default = answer()
    result = invoke(runner, "make", tmp_path / "typo", inbox, "--base-url", server.url)
    assert result.exit_code == 2 and "no such file or directory" in result.stderr
    assert server.requests == []


# --- --strict --------------------------------------------------------------------------------


def test_strict_with_an_unreadable_source_exits_1_not_2(runner, server, inbox, db):
    server.default = answer()
    (inbox / "d.txt").write_bytes(b"\n \n")
    result = invoke(runner, "make", inbox, "--base-url", server.url, "--strict", "-q")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "d.txt: no article text" in result.stderr
    assert server.requests == []
    (run,) = Store(db).runs.latest()
    assert (run.status, run.exit_code) == ("nothing", 1)


# --- a server nobody answers at ----------------------------------------------------------------


def test_a_dead_server_fails_fast_naming_the_server_and_the_cause(runner, tmp_path, db):
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(8):
        (folder / f"{n}.txt").write_text(f"Report {n}\n{SAMPLE_TEXT} Story {n}.")
    url = f"http://127.0.0.1:{closed_port()}/v1"
    started = time.monotonic()
    for log_format in ("text", "json"):
        result = invoke(
            runner,
            "make",
            folder,
            "--base-url",
            url,
            "--backoff",
            "0.05",
            "--concurrency",
            "2",
            "--log-format",
            log_format,
            "-q",
        )
        assert result.exit_code == 1
        last = result.stderr.splitlines()[-1]
        assert last == (
            f"briefgen: error: the model server at {url}/ cannot be reached: connection refused; "
            "no article could be extracted (8 failed); nothing was written"
        )
        down = [line for line in result.stderr.splitlines() if "no more calls this run" in line]
        assert len(down) == 1  # the server_down event, an error: shown under -q too
        if log_format == "json":
            assert json.loads(down[0])["event"] == "server_down"
    assert time.monotonic() - started < 10
    for run in Store(db).runs.latest():
        # the first article's 4 attempts, and the other one in flight then: no more
        assert run.status == "nothing" and run.calls <= 4 + 1, run.calls


def test_a_dead_server_after_cached_articles_gives_a_partial_brief(runner, server, inbox, tmp_path):
    server.default = answer()
    out = tmp_path / "brief.md"
    assert invoke(runner, "make", inbox, "--out", out, "--base-url", server.url).exit_code == 0
    for name in ("d", "e"):
        (inbox / f"{name}.txt").write_text(f"Report {name}\n{SAMPLE_TEXT} Story {name}.")
    server._server.shutdown()  # the same URL, nothing listening now
    server._server.server_close()
    result = invoke(
        runner, "make", inbox, "--out", out, "--base-url", server.url, "--backoff", "0", "-q"
    )
    assert result.exit_code == 3  # a, b and c from the cache make a brief
    lines = result.stderr.splitlines()
    assert lines[0].endswith(
        f"ERROR   the model server at {server.url}/ cannot be reached: connection refused "
        "(4 attempts); no more calls this run"
    )
    assert lines[1].startswith("partial: [4] d failed: ") and lines[2].startswith("partial: [5] e")
    assert "Articles used: 3 of 5" in out.read_text()


# --- the run log after signals -----------------------------------------------------------------


def _start(server: FakeServer, inbox: Path, db: Path, out: Path) -> subprocess.Popen:
    env = {**os.environ, "BRIEFGEN_DB": str(db), "OPENAI_API_KEY": TEST_KEY}
    command = [sys.executable, "-m", "briefgen", "make", str(inbox), "--out", str(out)]
    command += ["--base-url", server.url, "--concurrency", "4", "--log-format", "json"]
    return subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)


def _wait_for(condition, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _stored_articles(db: Path) -> int:
    if not db.exists():
        return 0
    with Store(db).db.connect() as conn:
        return conn.execute("SELECT COUNT(*) FROM run_articles").fetchone()[0]


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_the_run_log_keeps_the_true_counts_after_a_signal(server, inbox, tmp_path, sig):
    """a and b answer at once; c and d are held by the server when the signal comes."""
    (inbox / "d.txt").write_text(f"Report d\n{SAMPLE_TEXT} Story d.")
    server.default = lambda body: answer(delay=30 if article_of(body) in "cd" else 0)
    db, out = tmp_path / "job.db", tmp_path / "brief.md"
    process = _start(server, inbox, db, out)
    try:
        _wait_for(lambda: len(server.requests) == 4 and _stored_articles(db) == 2)
        process.send_signal(sig)
        _, stderr = process.communicate(timeout=20)
    finally:
        process.kill()
    (run,) = Store(db).runs.latest()
    assert (run.articles, run.failed) == (4, 0)
    assert run.input_tokens >= 2 * 100 and run.output_tokens >= 2 * 20
    if sig == signal.SIGTERM:
        assert process.returncode == 130
        assert (run.status, run.exit_code) == ("interrupted", 130)
        assert run.calls == len(server.requests) == 4  # in flight too: the server got them
        end = json.loads(next(line for line in stderr.splitlines() if '"run_end"' in line))
        assert end["calls"] == 4 and end["status"] == "interrupted"
    else:
        from briefgen.runlog import shown_status

        assert process.returncode == -signal.SIGKILL
        assert shown_status(run) == "killed" and run.exit_code is None
        assert run.calls >= 2  # the finished articles' calls, written as they came
        env = {**os.environ, "BRIEFGEN_DB": str(db)}
        listed = subprocess.run(
            [sys.executable, "-m", "briefgen", "runs"], env=env, capture_output=True, text=True
        )
        assert " killed " in listed.stdout and "4 articles (0 cached, 0 failed)" in listed.stdout
