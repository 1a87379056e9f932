"""Batch mode against a loopback Batch API (tests/fakebatch.py) answering from the demo's
recordings: the same answers a live run gets, through the real openai SDK."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefgen.config import Settings
from briefgen.errors import BatchPending, NothingProduced
from briefgen.extract import batch
from briefgen.pipeline import DEMO_DIR, abatches, acancel_batch, demo_settings, make_brief
from briefgen.store import Store
from tests.conftest import TEST_KEY, invoke
from tests.fakebatch import BatchServer

RECORDINGS = DEMO_DIR / "recordings"


@pytest.fixture
def api():
    with BatchServer.replaying(RECORDINGS) as running:
        yield running


@pytest.fixture
def articles(tmp_path) -> Path:
    """The demo's articles in a folder of their own (some tests add one)."""
    folder = tmp_path / "articles"
    shutil.copytree(DEMO_DIR, folder, ignore=shutil.ignore_patterns("recordings"))
    return folder


def batch_settings(api: BatchServer, articles: Path, tmp_path: Path, **overrides) -> Settings:
    values: dict[str, object] = {
        "sources": [str(articles)],
        "db": os.environ["BRIEFGEN_DB"],
        "base_url": api.url,
        "api_key": TEST_KEY,
        "backoff": 0,
        "timeout": 5,
        "batch": True,
        "batch_poll": 0.01,
        "out": tmp_path / "brief.md",
        "json_out": tmp_path / "brief.json",
    }
    values.update(overrides)
    return Settings.model_validate(values)


def collect_then_die(api: BatchServer, articles: Path, tmp_path: Path, monkeypatch) -> None:
    """A batch run killed after its answers were collected, before extraction took them."""
    from briefgen.extract import extract

    async def die(*args, **kwargs):
        raise KeyboardInterrupt

    real = extract.extract_all
    monkeypatch.setattr(extract, "extract_all", die)
    with pytest.raises(KeyboardInterrupt):
        make_brief(None, batch_settings(api, articles, tmp_path))
    monkeypatch.setattr(extract, "extract_all", real)


def facts(brief) -> dict:
    """What a brief says, without the run's own counts and provenance."""
    data = brief.model_dump(mode="json")
    return {k: data[k] for k in ("actors", "asks", "warnings", "motives", "venue", "timeline")}


@pytest.mark.slow
def test_a_batch_run_gives_the_live_runs_brief_with_no_live_call(api, articles, tmp_path):
    live = make_brief(None, demo_settings(db=tmp_path / "other.db"))
    brief = make_brief(None, batch_settings(api, articles, tmp_path))
    assert facts(brief) == facts(live)
    assert api.live == []  # every first answer came from the batch, and none needed a re-ask
    assert len(api.batches) == 1 and sorted(api.lines_run) == sorted(set(api.lines_run))
    assert len(api.lines_run) == 5
    assert brief.quality.attempts == 5
    assert (tmp_path / "brief.md").exists()
    [row] = Store(Path(os.environ["BRIEFGEN_DB"])).batches.rows()
    assert row.status == "completed" and row.collected and row.requests == 5


def test_cached_articles_stay_out_of_the_next_batch(api, articles, tmp_path):
    make_brief(None, batch_settings(api, articles, tmp_path))
    again = make_brief(None, batch_settings(api, articles, tmp_path))
    assert len(api.batches) == 1 and len(api.lines_run) == 5  # all five from the cache
    assert again.quality.cached == 5
    extra = articles / "extra.txt"
    # The demo's first article again under another name: ingest keeps one copy of a text, so
    # a changed first line makes it a sixth article the cache does not hold.
    first = sorted(articles.glob("*.txt"))[0].read_text(encoding="utf-8")
    extra.write_text("Update. " + first, encoding="utf-8")
    brief = make_brief(None, batch_settings(api, articles, tmp_path))
    # Its answer is not recorded (the server answers 400): what matters is what was submitted.
    assert [f.article.id for f in brief.failures] == ["extra"]
    assert len(api.batches) == 2
    newest = max(api.batches.values(), key=lambda b: b["_seq"])
    assert len(newest["_lines"]) == 1


def test_batch_wait_zero_exits_pending_and_the_next_run_collects(api, articles, tmp_path):
    api.hold = True
    settings = batch_settings(api, articles, tmp_path, batch_wait=0)
    with pytest.raises(BatchPending, match="submitted, not finished: 5 article request"):
        make_brief(None, settings)
    assert not (tmp_path / "brief.md").exists() and not (tmp_path / "brief.json").exists()
    store = Store(Path(os.environ["BRIEFGEN_DB"]))
    [run] = store.runs.latest()
    assert (run.status, run.exit_code) == ("pending", 4)
    with pytest.raises(BatchPending):  # still running: waits again, submits nothing new
        make_brief(None, settings)
    assert len(api.batches) == 1 and api.uploads == 1
    api.release()
    brief = make_brief(None, settings)
    assert len(api.batches) == 1 and len(api.lines_run) == 5 and api.live == []
    assert len(brief.sources) == 5 and not brief.failures


@pytest.mark.slow
def test_a_bounded_wait_that_passes_exits_4_from_the_cli(api, articles, tmp_path, runner):
    api.hold = True
    result = invoke(
        runner,
        "make",
        articles,
        "--base-url",
        api.url,
        "--batch",
        "--batch-wait",
        "0.2",
        "--batch-poll",
        "0.05",
        "--out",
        tmp_path / "brief.md",
    )
    assert result.exit_code == 4
    assert "submitted, not finished" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "brief.md").exists()
    listed = invoke(runner, "batches", "--base-url", api.url)
    assert listed.exit_code == 0 and "in_progress" in listed.stdout and "0/5 done" in listed.stdout
    batch_id = next(iter(api.batches))
    cancelled = invoke(runner, "batches", "cancel", batch_id)
    assert cancelled.exit_code == 0 and "cancelled" in cancelled.stdout
    # The cancelled batch answered nothing: its articles fail, never asked live at full
    # price; the run after submits them again.
    out = ("--out", tmp_path / "brief.md")
    rerun = invoke(runner, "make", articles, "--base-url", api.url, "--batch", *out)
    assert rerun.exit_code == 1 and "batch batch_" in rerun.stderr and "cancelled" in rerun.stderr
    assert api.live == []
    api.release()
    third = invoke(
        runner,
        "make",
        articles,
        "--base-url",
        api.url,
        "--batch",
        "--batch-poll",
        "0.01",
        "--batch-wait",
        "30",
        *out,
    )
    assert third.exit_code == 0, third.stderr
    assert len(api.batches) == 2 and api.live == [] and len(api.lines_run) == 5


def test_a_line_error_falls_back_to_a_live_call(api, articles, tmp_path):
    settings = batch_settings(api, articles, tmp_path)
    keys = _custom_ids(settings)
    api.line_errors = {keys[0]}
    brief = make_brief(None, settings)
    assert len(api.live) == 1 and not brief.failures
    assert brief.quality.attempts == 4 + 1  # four batch answers, one live call; not the line


def test_a_line_error_with_batch_only_is_a_failure_saying_why(api, articles, tmp_path):
    settings = batch_settings(api, articles, tmp_path, batch_only=True)
    api.line_errors = {_custom_ids(settings)[0]}
    brief = make_brief(None, settings)
    assert api.live == []
    [failure] = brief.failures
    assert (
        failure.failed.startswith("batch batch_")
        and "line: HTTP 500" in failure.failed
        and "error processing the line" in failure.failed
    )
    # The next run submits that article again (its answer was taken), the others are cached.
    api.line_errors = set()
    again = make_brief(None, settings)
    assert not again.failures and len(api.batches) == 2 and len(api.lines_run) == 6


@pytest.mark.parametrize("batch_only", [False, True])
def test_an_expired_batch_reports_why_and_its_rest_is_submitted_again(
    api, articles, tmp_path, caplog, batch_only
):
    """Lines a batch never ran fail with its reason, live fallback or not (asking them live
    would pay full price for what was sent to be half), and go into the next run's batch."""
    api.outcome, api.expire_after = "expired", 2
    settings = batch_settings(api, articles, tmp_path, batch_only=batch_only)
    brief = make_brief(None, settings)
    assert len(api.lines_run) == 2 and api.live == []
    assert [f.failed for f in brief.failures] == [f"batch {next(iter(api.batches))} expired"] * 3
    assert any("expired: 2 of 5 answered" in r.getMessage() for r in caplog.records)
    api.outcome = "completed"
    again = make_brief(None, settings)
    assert not again.failures and len(api.batches) == 2 and api.live == []
    newest = max(api.batches.values(), key=lambda b: b["_seq"])
    assert len(newest["_lines"]) == 3


def test_a_failed_batch_names_the_providers_reason(api, articles, tmp_path):
    api.outcome = "failed"
    settings = batch_settings(api, articles, tmp_path, batch_only=True)
    with pytest.raises(NothingProduced) as raised:
        make_brief(None, settings)
    brief = raised.value.brief
    assert len(brief.failures) == 5
    assert all(
        f.failed.startswith("batch batch_")
        and "failed: invalid_request: line 1: bad input" in f.failed
        for f in brief.failures
    )


def test_large_runs_are_split_into_several_batches(api, articles, tmp_path):
    brief = make_brief(None, batch_settings(api, articles, tmp_path, batch_max_requests=2))
    assert [len(b["_lines"]) for b in api.batches.values()] == [2, 2, 1]
    assert not brief.failures and api.live == []


def test_splitting_keeps_every_batch_under_the_byte_limit_too(api, articles, tmp_path):
    """The demo's lines are 7-12 kB each: a 20 kB limit puts one or two in a batch."""
    brief = make_brief(None, batch_settings(api, articles, tmp_path, batch_max_bytes=20_000))
    sizes = [len(api.files[b["input_file_id"]]) for b in api.batches.values()]
    assert len(sizes) >= 3 and all(size <= 20_000 for size in sizes)
    assert sum(len(b["_lines"]) for b in api.batches.values()) == 5
    assert not brief.failures and api.live == []


def test_a_run_killed_between_create_and_record_finds_its_batch_again(
    api, articles, tmp_path, monkeypatch
):
    """The batch was created at the provider, but the run died before it wrote the batch id:
    the next run finds it by its input file and collects it instead of paying again."""
    from briefgen.model.openai.batch import OpenAIBatches

    real = OpenAIBatches.create

    async def create_then_die(self, input_file_id, metadata):
        await real(self, input_file_id, metadata)
        raise KeyboardInterrupt

    monkeypatch.setattr(OpenAIBatches, "create", create_then_die)
    api.hold = True
    with pytest.raises(KeyboardInterrupt):
        make_brief(None, batch_settings(api, articles, tmp_path))
    [row] = Store(Path(os.environ["BRIEFGEN_DB"])).batches.rows()
    assert row.status == "submitting" and row.batch_id is None
    monkeypatch.setattr(OpenAIBatches, "create", real)
    api.release()
    brief = make_brief(None, batch_settings(api, articles, tmp_path))
    assert len(api.batches) == 1 and len(api.lines_run) == 5 and not brief.failures


def test_an_upload_that_never_became_a_batch_is_submitted_again(
    api, articles, tmp_path, monkeypatch
):
    from briefgen.model.openai.batch import OpenAIBatches

    async def die(self, input_file_id, metadata):
        raise KeyboardInterrupt

    real = OpenAIBatches.create
    monkeypatch.setattr(OpenAIBatches, "create", die)
    with pytest.raises(KeyboardInterrupt):
        make_brief(None, batch_settings(api, articles, tmp_path))
    monkeypatch.setattr(OpenAIBatches, "create", real)
    # Just after, the server may still be creating it: the run waits rather than pay twice.
    with pytest.raises(BatchPending, match="not listed by the server yet"):
        make_brief(None, batch_settings(api, articles, tmp_path))
    assert api.batches == {}
    monkeypatch.setattr(batch, "SUBMIT_GRACE", 0.0)  # later: it was never created
    brief = make_brief(None, batch_settings(api, articles, tmp_path))
    assert len(api.batches) == 1 and not brief.failures
    rows = Store(Path(os.environ["BRIEFGEN_DB"])).batches.rows()
    assert [r.status for r in rows] == ["completed", "not submitted"]


def test_a_create_that_timed_out_is_never_sent_twice(api, articles, tmp_path, monkeypatch):
    """The server made the batch but the answer never came: the run finds it by its file
    instead of creating another (a blind retry would have made four)."""
    from briefgen.model.openai.batch import OpenAIBatches

    real = OpenAIBatches.create
    calls = []

    async def made_but_timed_out(self, input_file_id, metadata):
        calls.append(input_file_id)
        await real(self, input_file_id, metadata)
        from briefgen.errors import BatchError

        raise BatchError("creating a batch at X failed (Request timed out.)")

    monkeypatch.setattr(OpenAIBatches, "create", made_but_timed_out)
    brief = make_brief(None, batch_settings(api, articles, tmp_path))
    assert len(calls) == 1 and len(api.batches) == 1 and not brief.failures


def test_a_create_sent_twice_by_the_server_keeps_one_and_cancels_the_other(
    api, articles, tmp_path, monkeypatch
):
    from briefgen.model.openai.batch import OpenAIBatches

    real = OpenAIBatches.create

    async def twice_then_die(self, input_file_id, metadata):
        await real(self, input_file_id, metadata)
        await real(self, input_file_id, metadata)
        raise KeyboardInterrupt

    monkeypatch.setattr(OpenAIBatches, "create", twice_then_die)
    api.hold = True
    with pytest.raises(KeyboardInterrupt):
        make_brief(None, batch_settings(api, articles, tmp_path))
    monkeypatch.setattr(OpenAIBatches, "create", real)
    api.release()
    brief = make_brief(None, batch_settings(api, articles, tmp_path))
    assert not brief.failures and api.live == []
    statuses = sorted(b["status"] for b in api.batches.values())
    assert statuses == ["cancelled", "completed"] and len(api.lines_run) == 5


def test_a_batch_the_server_forgot_fails_its_articles_and_is_submitted_again(
    api, articles, tmp_path
):
    api.hold = True
    settings = batch_settings(api, articles, tmp_path, batch_wait=0)
    with pytest.raises(BatchPending):
        make_brief(None, settings)
    api.batches.clear()  # another key's project, or the server's retention ran out
    api.release()
    with pytest.raises(NothingProduced) as raised:
        make_brief(None, settings)
    assert all(
        " lost: " in f.failed and "not found" in f.failed for f in raised.value.brief.failures
    )
    [row] = Store(Path(os.environ["BRIEFGEN_DB"])).batches.rows()
    assert row.status == "lost"
    brief = make_brief(None, batch_settings(api, articles, tmp_path))
    assert not brief.failures and len(api.batches) == 1


@pytest.mark.slow
def test_a_process_killed_while_waiting_is_collected_by_the_next_run(api, articles, tmp_path):
    """A real `briefgen make --batch` process, SIGKILLed while it waits for its batch."""
    api.hold = True
    env = {**os.environ, "OPENAI_API_KEY": TEST_KEY}
    command = [
        sys.executable,
        "-m",
        "briefgen",
        "make",
        str(articles),
        "--base-url",
        api.url,
        "--batch",
        "--batch-poll",
        "0.05",
        "--out",
        str(tmp_path / "brief.md"),
        "-q",
    ]
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE)
    try:
        for _ in range(400):  # until the batch exists and has been asked about (20 s at most)
            if api.batches and next(iter(api.batches.values()))["status"] == "in_progress":
                break
            time.sleep(0.05)
        else:
            pytest.fail("the batch was never submitted")
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    assert not (tmp_path / "brief.md").exists()
    api.release()
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert rerun.returncode == 0, rerun.stderr
    assert len(api.batches) == 1 and len(api.lines_run) == 5 and api.live == []
    assert (tmp_path / "brief.md").exists()


def test_answers_collected_but_not_taken_are_used_by_the_next_run(
    api, articles, tmp_path, monkeypatch
):
    """Killed after collecting, before extraction finished: the answers wait in the store."""
    collect_then_die(api, articles, tmp_path, monkeypatch)
    brief = make_brief(None, batch_settings(api, articles, tmp_path))
    assert len(api.batches) == 1 and len(api.lines_run) == 5 and not brief.failures


def test_batch_mode_refuses_replay(articles, tmp_path):
    from briefgen.errors import InputError

    with pytest.raises(InputError, match="not with replay or record"):
        make_brief(None, demo_settings(batch=True, db=tmp_path / "x.db"))


def test_library_lists_and_cancels(api, articles, tmp_path):
    import asyncio

    api.hold = True
    settings = batch_settings(api, articles, tmp_path, batch_wait=0)
    with pytest.raises(BatchPending) as raised:
        make_brief(None, settings)
    [batch_id] = raised.value.batches
    [row] = asyncio.run(abatches(settings))
    assert row.batch_id == batch_id and row.status == "in_progress"
    cancelled = asyncio.run(acancel_batch(batch_id, settings))
    assert cancelled.status == "cancelled"


def test_read_output_reads_answers_line_errors_and_request_errors():
    data = (
        b"\n".join(
            json.dumps(line).encode()
            for line in [
                {
                    "custom_id": "a",
                    "response": {"status_code": 200, "body": {"id": "x"}},
                    "error": None,
                },
                {
                    "custom_id": "b",
                    "response": {
                        "status_code": 400,
                        "body": {"error": {"message": "bad", "code": "c"}},
                    },
                    "error": None,
                },
                {
                    "custom_id": "c",
                    "response": None,
                    "error": {"code": "batch_expired", "message": "too late"},
                },
            ]
        )
        + b"\nnot json\n"
    )
    assert batch.read_output(data) == {
        "a": ({"id": "x"}, None),
        "b": (None, "HTTP 400: c: bad"),
        "c": (None, "batch_expired: too late"),
    }


def _custom_ids(settings: Settings) -> list[str]:
    """The custom_ids of the demo's requests, in article order."""
    from briefgen.extract import extract
    from briefgen.ingest import inputs

    articles = inputs.load([str(s) for s in settings.sources])
    base_url = settings.base_url.rstrip("/") + "/"
    return [
        batch.request_id(messages, tokens, settings.model, base_url, settings)
        for a in articles
        for messages, tokens in extract.first_requests(a, settings)
    ]


def test_batch_mode_with_a_client_that_has_no_batch_api_says_so(articles, tmp_path):
    from briefgen.errors import InputError
    from briefgen.model.client import Completion

    class Canned:
        model = "canned"

        async def complete(self, messages, schema, stats, *, max_tokens=None):
            return Completion("{}")

        async def aclose(self):
            pass

    settings = Settings(sources=[str(articles)], batch=True, db=os.environ["BRIEFGEN_DB"])
    with pytest.raises(InputError, match="Canned has no Batch API"):
        make_brief(None, settings, client=Canned())
    [run] = Store(Path(os.environ["BRIEFGEN_DB"])).runs.latest()
    assert run.status == "error"


def test_a_server_without_a_batch_api_is_one_line_and_exit_2(api, articles, tmp_path, runner):
    api.batch_api = False  # like llama.cpp's server: chat completions only
    result = invoke(
        runner, "make", articles, "--base-url", api.url, "--batch", "-q", "--out", tmp_path / "b.md"
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("briefgen: error: the server at http://127.0.0.1:")
    assert "has no Batch API" in result.stderr and "run without --batch" in result.stderr
    assert result.stderr.count("\n") == 1 and api.live == []


@pytest.mark.parametrize("quiet", [False, True], ids=["default", "quiet"])
@pytest.mark.parametrize("log_format", ["text", "json"])
def test_pending_says_why_in_every_log_format_and_under_quiet(
    api, articles, tmp_path, runner, log_format, quiet
):
    api.hold = True
    result = invoke(
        runner,
        "make",
        articles,
        "--base-url",
        api.url,
        "--batch",
        "--batch-wait",
        "0",
        "--log-format",
        log_format,
        *(["-q"] if quiet else []),
        "--out",
        tmp_path / "brief.md",
    )
    assert result.exit_code == 4 and result.stdout == ""
    # Every exit code but 0 says why, -q included; the batch recipe keeps it out of cron's mail.
    said = [line for line in result.stderr.splitlines() if line.startswith("briefgen: ")]
    assert said == [line for line in said if "submitted, not finished: " in line] and said
    if quiet:
        assert result.stderr.count("\n") == 1


def test_batches_without_a_key_still_lists_the_store(api, articles, tmp_path, runner, monkeypatch):
    api.hold = True
    with pytest.raises(BatchPending):
        make_brief(None, batch_settings(api, articles, tmp_path, batch_wait=0))
    monkeypatch.delenv("OPENAI_API_KEY")
    result = invoke(runner, "batches")
    assert result.exit_code == 0  # the batch is another server's than the default: not asked
    assert "in_progress" in result.stdout and "Traceback" not in result.stderr
    asked = invoke(runner, "batches", "--base-url", "https://api.openai.com/v1")
    assert asked.exit_code == 0 and "in_progress" in asked.stdout


def test_claim_check_and_batch_only_cannot_go_together(api, articles, tmp_path):
    from briefgen.errors import InputError

    settings = batch_settings(api, articles, tmp_path, batch_only=True, claim_check=True)
    with pytest.raises(InputError, match="claim check asks the model live"):
        make_brief(None, settings)
    assert api.batches == {}


def test_prune_keeps_answers_no_run_has_taken(api, articles, tmp_path, monkeypatch):
    from datetime import timedelta

    collect_then_die(api, articles, tmp_path, monkeypatch)  # collected, not yet taken
    store = Store(Path(os.environ["BRIEFGEN_DB"]))
    store.prune(timedelta(0))
    assert len(store.batches.rows()) == 1
    brief = make_brief(None, batch_settings(api, articles, tmp_path))
    assert len(api.batches) == 1 and not brief.failures
    store.prune(timedelta(0))  # every answer taken now: the batch goes
    assert store.batches.rows() == []


def test_batch_answers_are_priced_at_half_and_a_spent_budget_submits_no_batch(
    api, articles, tmp_path
):
    from briefgen.prices import Price, cost

    recorded = api.answer  # the demo's recordings report no usage: each answer reports some

    def with_usage(body):
        status, answer = recorded(body)
        return status, {**answer, "usage": {"prompt_tokens": 3000, "completion_tokens": 600}}

    api.answer = with_usage
    price = Price(input=0.15, output=0.60)
    priced = {"prices": {"gpt-4o-mini": price}}
    brief = make_brief(None, batch_settings(api, articles, tmp_path, **priced))
    found, usage = brief.quality.cost, brief.quality.usage
    assert found is not None and found.batch_usage == usage and usage.input_tokens > 0
    half = cost(price, usage.input_tokens, usage.output_tokens) / 2
    assert found.usd == pytest.approx(half)
    assert Store(Path(os.environ["BRIEFGEN_DB"])).runs.latest(1)[0].cost == pytest.approx(half)

    # The day's budget is spent (by the run above): a new article is not submitted at all.
    first = sorted(articles.glob("*.txt"))[0].read_text(encoding="utf-8")
    (articles / "extra.txt").write_text("Update. " + first, encoding="utf-8")
    spent = batch_settings(api, articles, tmp_path, budget_per_day=half / 2, **priced)
    again = make_brief(None, spent)
    assert len(api.batches) == 1
    (stopped,) = again.failures
    assert stopped.article.id == "extra" and (stopped.failed or "").startswith("budget reached")
