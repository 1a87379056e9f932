"""Hooks: `on_success`, `on_partial`, `on_failure` run by `briefgen make` after the run, under
/bin/sh, with the run's facts in BRIEFGEN_RUN_* variables; a hook's failure or timeout is one
line and never changes the exit code."""

from __future__ import annotations

import json
import os
import sys
import time

import pytest

from briefgen import hooks
from briefgen.cli import main

from conftest import SAMPLE_TEXT, article_id, invoke, sample_extraction
from fakeserver import Reply, chat_completion

# A hook that keeps what it was told: every BRIEFGEN_RUN_ variable, and its folder.
KEEP = "env | grep ^BRIEFGEN_RUN_ | sort > facts.txt; pwd > where.txt"


@pytest.fixture
def job(tmp_path, monkeypatch):
    folder = tmp_path / "briefs"
    (folder / "inbox").mkdir(parents=True)
    (folder / "inbox" / "one.txt").write_text("Kim to meet Putin\n" + SAMPLE_TEXT)
    (folder / "inbox" / "two.txt").write_text("Second report\n" + SAMPLE_TEXT)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # hooks run in the config file's folder all the same
    return folder


def configure(job, server, hooks_toml: str) -> None:
    (job / "briefgen.toml").write_text(
        f'sources = ["inbox/"]\nout = "brief.md"\njson = "brief.json"\n'
        f'base_url = "{server.url}"\n{hooks_toml}\n'
    )


def make(runner, job, *args: object):
    return runner.invoke(main, ["make", "--config", str(job / "briefgen.toml"), *map(str, args)])


def facts(job) -> dict[str, str]:
    lines = (job / "facts.txt").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines)


def answer() -> Reply:
    return Reply(body=chat_completion(sample_extraction().model_dump_json()))


def test_on_success_gets_the_runs_facts_in_the_config_files_folder(runner, server, job, db):
    server.default = answer()
    configure(job, server, f"on_success = '{KEEP}'\non_failure = 'touch failed'")
    result = make(runner, job, "-q")
    assert result.exit_code == 0, result.stderr
    told = facts(job)
    assert told["BRIEFGEN_RUN_HOOK"] == "on_success"
    assert told["BRIEFGEN_RUN_ID"] == "1" and told["BRIEFGEN_RUN_JOB"] == "briefs"
    assert told["BRIEFGEN_RUN_STATUS"] == "ok" and told["BRIEFGEN_RUN_EXIT_CODE"] == "0"
    assert told["BRIEFGEN_RUN_OUT"] == str(job / "brief.md")
    assert told["BRIEFGEN_RUN_JSON"] == str(job / "brief.json")
    assert told["BRIEFGEN_RUN_HTML"] == "" and told["BRIEFGEN_RUN_ERROR"] == ""
    assert told["BRIEFGEN_RUN_DB"] == str(db)
    counts = ("ARTICLES", "CACHED", "FAILED", "CALLS")
    assert [told[f"BRIEFGEN_RUN_{c}"] for c in counts] == ["2", "0", "0", "2"]
    assert float(told["BRIEFGEN_RUN_SECONDS"]) >= 0
    record = json.loads(told["BRIEFGEN_RUN_RECORD"])
    assert record["id"] == 1 and record["status"] == "ok" and record["articles"] == 2
    assert record["text"] == told["BRIEFGEN_RUN_SUMMARY"]
    # no price for the fake server's model: the cost is unknown, never 0
    assert told["BRIEFGEN_RUN_COST"] == "" and record["cost"] is None
    assert (
        told["BRIEFGEN_RUN_SUMMARY"]
        == "briefgen briefs: run 1 ok (exit 0): 2 articles, 0 failed, 2 calls"
    )
    assert (job / "where.txt").read_text().strip() == str(job)
    assert not (job / "failed").exists()
    assert (job / "brief.md").is_file()  # written before the hook ran
    make(runner, job, "-q")
    assert facts(job)["BRIEFGEN_RUN_ID"] == "2" and facts(job)["BRIEFGEN_RUN_CACHED"] == "2"


def test_on_partial_and_on_failure_follow_the_exit_code(runner, server, job):
    def refuse_two(body):
        if article_id(body) == "two":
            return Reply(body=chat_completion(None, refusal="I will not."))
        return answer()

    server.default = refuse_two
    configure(job, server, f"on_partial = '{KEEP}'\non_success = 'touch succeeded'")
    assert make(runner, job, "-q").exit_code == 3
    told = facts(job)
    assert (told["BRIEFGEN_RUN_HOOK"], told["BRIEFGEN_RUN_STATUS"]) == ("on_partial", "partial")
    assert told["BRIEFGEN_RUN_FAILED"] == "1" and told["BRIEFGEN_RUN_EXIT_CODE"] == "3"
    assert not (job / "succeeded").exists()

    server.default = Reply(body=chat_completion("not json at all"))
    configure(job, server, f"on_failure = '{KEEP}'")
    result = make(runner, job, "-q", "--no-cache")
    assert result.exit_code == 1
    told = facts(job)
    assert (told["BRIEFGEN_RUN_HOOK"], told["BRIEFGEN_RUN_STATUS"]) == ("on_failure", "nothing")
    assert told["BRIEFGEN_RUN_ID"] == "2" and told["BRIEFGEN_RUN_EXIT_CODE"] == "1"
    assert told["BRIEFGEN_RUN_ERROR"] == (
        "no article could be extracted (2 failed); nothing was written"
    )


def test_a_run_stopped_before_it_started_runs_on_failure_without_a_run(runner, server, job):
    configure(job, server, f"on_failure = '{KEEP}'")
    (job / "briefgen.toml").write_text(
        (job / "briefgen.toml").read_text().replace('"inbox/"', '"missing/"')
    )
    result = make(runner, job, "-q")
    assert result.exit_code == 2
    told = facts(job)
    assert told["BRIEFGEN_RUN_ID"] == "" and told["BRIEFGEN_RUN_STATUS"] == "error"
    assert told["BRIEFGEN_RUN_EXIT_CODE"] == "2" and "missing" in told["BRIEFGEN_RUN_ERROR"]
    assert told["BRIEFGEN_RUN_ARTICLES"] == "0" and told["BRIEFGEN_RUN_SECONDS"] == ""
    assert len(server.requests) == 0


def test_a_failing_hook_is_one_line_and_the_exit_code_stands(runner, server, job):
    server.default = answer()
    configure(job, server, "on_success = 'echo to the log; echo mail: no server >&2; exit 7'")
    result = make(runner, job, "-q")
    assert result.exit_code == 0
    assert result.stdout == ""  # the brief went to its file; the hook's words to stderr
    lines = result.stderr.splitlines()
    assert lines[:2] == ["to the log", "mail: no server"] and len(lines) == 3
    assert lines[2].endswith(
        "Z ERROR   hook on_success failed with exit 7: mail: no server; the run's exit code stands"
    )


def test_the_hooks_output_never_mixes_with_the_brief_on_stdout(runner, server, job):
    server.default = answer()
    configure(job, server, "on_success = 'echo from the hook'")
    (job / "briefgen.toml").write_text(
        (job / "briefgen.toml").read_text().replace('out = "brief.md"\n', "")
    )
    result = make(runner, job, "-q")
    assert result.exit_code == 0
    assert result.stdout.startswith("# ") and "from the hook" not in result.stdout
    assert result.stderr == "from the hook\n"


def test_a_hook_past_its_timeout_is_killed_with_what_it_started(runner, server, job):
    server.default = answer()
    hook = "sleep 30 & echo $! > sleeper.pid; wait"
    configure(job, server, f"on_success = '{hook}'\nhook_timeout = 0.5")
    started = time.monotonic()
    result = make(runner, job, "-q")
    assert time.monotonic() - started < 20
    assert result.exit_code == 0
    assert "hook on_success timed out after 0.5 s and was killed" in result.stderr
    pid = int((job / "sleeper.pid").read_text())
    for _ in range(50):  # killed: gone once its parent is reaped (SIGKILL is not instant)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the hook's child outlived the timeout")


def test_a_hook_may_run_briefgen_itself(runner, server, job):
    server.default = answer()
    command = f"{sys.executable} -m briefgen runs show $BRIEFGEN_RUN_ID > shown.txt 2>&1"
    configure(job, server, f"on_success = '{command}'")
    assert make(runner, job, "-q").exit_code == 0
    shown = (job / "shown.txt").read_text()
    assert "not a briefgen setting" not in shown
    assert shown.split()[:4][0] == "1" and "briefs" in shown.splitlines()[0]


def test_the_hook_for_each_exit_code():
    assert [hooks.which(code) for code in (0, 3, 4, 1, 2, 75, 130)] == [
        "on_success",
        "on_partial",
        None,
        "on_failure",
        "on_failure",
        "on_failure",
        "on_failure",
    ]


def test_make_without_hooks_runs_none(runner, server, job):
    server.default = answer()
    configure(job, server, "")
    result = invoke(runner, "make", "--config", job / "briefgen.toml", "-q")
    assert result.exit_code == 0 and result.stderr == ""
