"""`briefgen status` and `runs --json`: a job's health and its runs for monitoring, through the
CLI, on runs made against the fake server (or written to the store as a run leaves them)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from briefgen.cli import main
from briefgen.store import Store

from conftest import SAMPLE_TEXT, article_id, invoke, sample_extraction
from fakeserver import Reply, chat_completion


@pytest.fixture
def job(tmp_path, monkeypatch):
    """A job folder, `briefs`, with two articles and a briefgen.toml; the cwd."""
    folder = tmp_path / "briefs"
    (folder / "inbox").mkdir(parents=True)
    (folder / "inbox" / "one.txt").write_text("Kim to meet Putin\n" + SAMPLE_TEXT)
    (folder / "inbox" / "two.txt").write_text("Second report\n" + SAMPLE_TEXT)
    monkeypatch.chdir(folder)
    return folder


def configure(job, server, extra: str = "") -> None:
    (job / "briefgen.toml").write_text(
        f'sources = ["inbox/"]\nout = "brief.md"\nbase_url = "{server.url}"\n{extra}'
    )


def answer() -> Reply:
    return Reply(body=chat_completion(sample_extraction().model_dump_json()))


def refuse_two(body) -> Reply:
    if article_id(body) == "two":
        return Reply(body=chat_completion(None, refusal="I will not."))
    return answer()


def status(runner, *args: str):
    return runner.invoke(main, ["status", *args], catch_exceptions=False)


def test_a_store_with_no_run_of_the_job_is_unhealthy_in_one_line(runner, job, db):
    (job / "briefgen.toml").write_text('sources = ["inbox/"]\n')
    result = status(runner)
    assert result.exit_code == 1
    assert result.stdout == f"unhealthy: job briefs: no runs in {db}\n"
    data = json.loads(status(runner, "--json").stdout)
    assert data["healthy"] is False and data["last_run"] is None and data["job"] == "briefs"


def test_a_run_is_recorded_with_its_jobs_name_and_the_job_is_healthy(runner, server, job):
    server.default = answer()
    configure(job, server)
    assert invoke(runner, "make", "-q").exit_code == 0
    result = status(runner, "--max-age", "1h")
    assert result.exit_code == 0, result.stdout
    lines = result.stdout.splitlines()
    assert lines[0].startswith("healthy: job briefs: last success run 1 ended ")
    assert lines[0].endswith(" min ago (ok)")
    assert "  consecutive failures: 0 (unhealthy at 1)" in lines
    assert "  stale sources:        none" in lines
    data = json.loads(status(runner, "--json").stdout)
    assert data["healthy"] is True and data["reasons"] == [] and data["warning"] is None
    assert data["last_success"]["id"] == data["last_run"]["id"] == 1
    assert 0 <= data["last_success_age_seconds"] < 600
    assert data["max_age_seconds"] == 26 * 3600 and data["stale_sources"] == []
    listed = invoke(runner, "runs").stdout
    assert listed.split()[:4] == ["1", listed.split()[1], listed.split()[2], "briefs"]


def test_a_partial_run_is_a_success_with_a_warning(runner, server, job):
    server.default = refuse_two
    configure(job, server)
    assert invoke(runner, "make", "-q").exit_code == 3
    result = status(runner)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].endswith(
        "(partial); warning: run 1 was partial: 1 of 2 articles failed"
    )
    assert json.loads(status(runner, "--json").stdout)["warning"].startswith("run 1 was partial")


def test_failed_runs_since_the_last_success_make_the_job_unhealthy(runner, server, job):
    server.default = answer()
    configure(job, server)
    invoke(runner, "make", "-q")
    server.default = Reply(body=chat_completion("not json at all"))
    assert invoke(runner, "make", "-q", "--no-cache").exit_code == 1
    result = status(runner)
    assert result.exit_code == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith("unhealthy: job briefs: 1 failed run since the last success (last ")
    assert "no article could be extracted (2 failed)" in first
    assert status(runner, "--failures", "2").exit_code == 0
    assert invoke(runner, "make", "-q", "--no-cache").exit_code == 1
    second = status(runner, "--failures", "2", "--json")
    assert second.exit_code == 1
    data = json.loads(second.stdout)
    assert data["consecutive_failures"] == 2 and data["last_failure"]["id"] == 3
    assert data["last_success"]["id"] == 1 and data["last_failure"]["status"] == "nothing"
    server.default = answer()
    assert invoke(runner, "make", "-q", "--no-cache").exit_code == 0
    assert status(runner).exit_code == 0  # a success ends the streak


def test_a_success_older_than_max_age_is_unhealthy(runner, job, db):
    (job / "briefgen.toml").write_text('sources = ["inbox/"]\n')
    store = Store(db)
    run = store.runs.start("k", {}, [], "m", "u", "p", name="briefs")
    store.runs.finish(run, status="ok", exit_code=0, totals={})
    old = (datetime.now(UTC) - timedelta(hours=30)).isoformat(timespec="seconds")
    with store.db.connect() as conn:
        conn.execute("UPDATE runs SET started = ?, ended = ?", (old, old))
    result = status(runner)
    assert result.exit_code == 1
    assert result.stdout.startswith(
        "unhealthy: job briefs: last success run 1 ended 30.0 h ago, longer than 26h\n"
    )
    assert status(runner, "--max-age", "2d").exit_code == 0
    assert status(runner, "--max-age", "soon").exit_code == 2  # click's usage error


def test_a_killed_run_counts_as_failed_and_a_pending_one_as_neither(runner, job, db):
    (job / "briefgen.toml").write_text('sources = ["inbox/"]\n')
    store = Store(db)
    first = store.runs.start("k", {}, [], "m", "u", "p", name="briefs")
    store.runs.finish(first, status="ok", exit_code=0, totals={})
    pending = store.runs.start("k", {}, [], "m", "u", "p", name="briefs")
    store.runs.finish(pending, status="pending", exit_code=4, totals={})
    assert status(runner).exit_code == 0
    killed = store.runs.start("k", {}, [], "m", "u", "p", name="briefs")
    with store.db.connect() as conn:
        conn.execute("UPDATE runs SET pid = 2147483646 WHERE id = ?", (killed,))
    data = json.loads(status(runner, "--json").stdout)
    assert data["healthy"] is False and data["consecutive_failures"] == 1
    assert data["last_run"]["status"] == "killed"
    assert data["last_error"] == "killed: the process ended without closing its run"


def test_status_and_runs_take_the_job_by_name(runner, server, job, tmp_path):
    server.default = answer()
    configure(job, server, 'name = "morning"\n')
    invoke(runner, "make", "-q")
    invoke(runner, "make", "-q", "--name", "evening", "--out", tmp_path / "evening.md")
    assert status(runner).stdout.startswith("healthy: job morning: last success run 1 ")
    assert status(runner, "--job", "evening").stdout.startswith("healthy: job evening: ")
    assert status(runner, "--job", "nope").exit_code == 1
    assert [line.split()[3] for line in invoke(runner, "runs").stdout.splitlines()] == [
        "evening",
        "morning",
    ]
    only = invoke(runner, "runs", "--job", "morning").stdout.splitlines()
    assert len(only) == 1 and only[0].split()[0] == "1"
    assert invoke(runner, "runs", "--job", "nope").stdout.startswith("no runs of job 'nope' yet")


def test_runs_json_is_one_array_of_records_and_show_one_object(runner, server, job):
    assert json.loads(invoke(runner, "runs", "--json").stdout) == []
    server.default = refuse_two
    configure(job, server)
    invoke(runner, "make", "-q")
    records = json.loads(invoke(runner, "runs", "--json").stdout)
    (record,) = records
    assert record["id"] == 1 and record["job"] == "briefs" and record["status"] == "partial"
    assert record["exit_code"] == 3 and record["articles"] == 2 and record["failed"] == 1
    assert record["sources"] == [str(job / "inbox")] and record["outputs"] == [
        str(job / "brief.md")
    ]
    assert set(record) >= {"job_key", "started", "ended", "seconds", "error", "model", "calls"}
    shown = json.loads(invoke(runner, "runs", "show", "1", "--json").stdout)
    assert {k: shown[k] for k in record} == record
    assert [o["outcome"] for o in shown["outcomes"]] == ["extracted", "failed"]
    assert shown["outcomes"][1]["reason"] == "refused: I will not."
    assert "api_key" not in shown["settings"] and shown["settings"]["out"] == str(job / "brief.md")
    before = json.loads(invoke(runner, "runs", "--json", "show", "1").stdout)
    assert before == shown
