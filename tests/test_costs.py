"""What a run's model calls cost in money (prices.py) and the job's daily budget
(`budget_per_day`): the price table, the cost in the brief, the run log, `runs` and the last
log line, and the budget stopping new calls across runs of one UTC day and within one run.
Every call goes to the fake server, which reports the tokens each answer used."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from briefgen import pipeline
from briefgen.prices import BATCH_FACTOR, PRICES_DATE, Price, cost, money, price_for
from briefgen.schemas import Brief
from briefgen.store import Store

from conftest import SAMPLE_TEXT, article_id, invoke, sample_extraction
from fakeserver import Reply, chat_completion

# 10,000 tokens in and 5,000 out per call: $0.0045 at $0.15 / $0.60 per million.
USAGE = (10_000, 5_000)
PER_CALL = 0.0045
PRICED = 'prices = { "my-model" = { input = 0.15, output = 0.60 } }\nmodel = "my-model"\n'


def answer(body=None) -> Reply:
    return Reply(body=chat_completion(sample_extraction().model_dump_json(), usage=USAGE))


def slow_answer(body=None) -> Reply:
    return Reply(
        body=chat_completion(sample_extraction().model_dump_json(), usage=USAGE), delay=0.4
    )


@pytest.fixture
def job(tmp_path, monkeypatch):
    """A job folder, `briefs`, with four articles (a-d); the cwd."""
    folder = tmp_path / "briefs"
    (folder / "inbox").mkdir(parents=True)
    for name in "abcd":
        (folder / "inbox" / f"{name}.txt").write_text(f"Report {name}\n{SAMPLE_TEXT} Story {name}.")
    monkeypatch.chdir(folder)
    return folder


def configure(job, server, extra: str = "", sources: str = '"inbox/"') -> None:
    (job / "briefgen.toml").write_text(
        f'sources = [{sources}]\nout = "brief.md"\njson = "brief.json"\nhtml = "brief.html"\n'
        f'base_url = "{server.url}"\nbackoff = 0\n{extra}'
    )


def articles_asked(server) -> list[str]:
    return sorted(article_id(body) for body in server.requests)


# --- the price table -------------------------------------------------------------------------


def test_the_built_in_prices_are_openais_and_only_for_openais_api():
    price, source = price_for("gpt-4o-mini", None) or (None, "")
    assert price == Price(input=0.15, output=0.60) and PRICES_DATE in source
    # a dated snapshot costs what its model does, unless the table names the snapshot
    assert price_for("gpt-4o-mini-2024-07-18", "https://api.openai.com/v1/") == (price, source)
    assert price_for("gpt-4o-2024-05-13", None) == (Price(input=5.0, output=15.0), source)
    assert price_for("gpt-4o-2024-08-06", None) == (Price(input=2.5, output=10.0), source)
    # any other server, a local one too, is priced only by the prices setting: never a guess
    assert price_for("gpt-4o-mini", "http://127.0.0.1:8080/v1") is None
    assert price_for("llama3", None) is None
    own = {"gpt-4o-mini": Price(input=0.1, output=0.2), "llama3": Price(input=0, output=0)}
    assert price_for("gpt-4o-mini", None, own) == (own["gpt-4o-mini"], "the prices setting")
    assert price_for("llama3", "http://127.0.0.1:8080/v1", own) == (
        own["llama3"],
        "the prices setting",
    )


def test_cost_is_per_million_tokens_and_the_batch_api_half():
    price = Price(input=0.15, output=0.60)
    assert cost(price, *USAGE) == pytest.approx(PER_CALL)
    assert cost(price, *USAGE, batch=True) == pytest.approx(PER_CALL * BATCH_FACTOR)
    assert BATCH_FACTOR == 0.5
    assert [money(x) for x in (None, 0, 0.00001, 0.0045, 0.25, 12.5)] == [
        "cost unknown",
        "$0.00",
        "<$0.0001",
        "$0.0045",
        "$0.25",
        "$12.50",
    ]


def test_a_price_in_the_config_must_give_both_figures(runner, server, job):
    configure(job, server, 'prices = { "my-model" = { input = 0.15 } }\n')
    result = invoke(runner, "make", "-q")
    assert result.exit_code == 2
    assert "prices.my-model.output: Field required" in result.stderr
    result = runner.invoke(
        main_cli(), ["config"], env={"BRIEFGEN_PRICES": '{"m": {"input": 1, "output": 2}}'}
    )
    assert "m: 1/2 USD per M" in result.stdout and "env BRIEFGEN_PRICES" in result.stdout


def main_cli():
    from briefgen.cli import main

    return main


# --- the cost of a run, everywhere it is shown -----------------------------------------------


def test_a_priced_run_shows_its_cost_in_the_brief_the_run_log_and_the_last_log_line(
    runner, server, job
):
    server.default = answer
    configure(job, server, PRICED)
    result = invoke(runner, "make")
    assert result.exit_code == 0, result.stderr
    usd = 4 * PER_CALL  # $0.018
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("run 1 ok:") or " run 1 ok: " in last
    assert ", $0.018, " in last
    brief = Brief.model_validate_json((job / "brief.json").read_text())
    found = brief.quality.cost
    assert found is not None and found.usd == pytest.approx(usd)
    assert (found.model, found.input_price, found.output_price) == ("my-model", 0.15, 0.6)
    assert found.priced_by == "the prices setting"
    line = "Cost: $0.018 (my-model at $0.15 in, $0.60 out per million tokens, the prices setting)"
    assert f"- {line}\n" in (job / "brief.md").read_text()
    assert line in (job / "brief.html").read_text()
    schema = json.loads(invoke(runner, "schema", "brief").stdout)
    assert "cost" in json.dumps(schema["$defs"]["BriefQuality"]["properties"]["cost"])
    assert schema["$defs"]["Cost"]["properties"]["usd"]["description"]

    listed = invoke(runner, "runs").stdout
    assert "  $0.018  my-model" in listed
    record = json.loads(invoke(runner, "runs", "--json").stdout)[0]
    assert record["cost_usd"] == pytest.approx(usd)
    assert "  cost: $0.018\n" in invoke(runner, "runs", "show", "1").stdout
    assert json.loads(invoke(runner, "runs", "show", "1", "--json").stdout)["cost_usd"] == (
        pytest.approx(usd)
    )
    # a rerun from the cache costs nothing, and says so
    again = invoke(runner, "make", "--log-format", "json")
    end = json.loads(again.stderr.strip().splitlines()[-1])
    assert end["event"] == "run_end" and end["calls"] == 0 and end["cost"] == 0
    assert "- Cost: $0.00 (my-model" in (job / "brief.md").read_text()


def test_a_hook_is_told_the_cost(runner, server, job):
    server.default = answer
    keep = 'env | grep ^BRIEFGEN_RUN_COST > cost.txt; echo "$BRIEFGEN_RUN_RECORD" > record.json'
    configure(job, server, PRICED + f"on_success = '{keep}'\n")
    assert invoke(runner, "make", "-q").exit_code == 0
    assert (job / "cost.txt").read_text() == "BRIEFGEN_RUN_COST=0.018000\n"
    assert json.loads((job / "record.json").read_text())["cost"] == pytest.approx(0.018)


def test_an_unpriced_model_has_an_unknown_cost_never_a_guessed_one(runner, server, job):
    # gpt-4o-mini has a built-in price, but this server is not OpenAI's: it could be anything
    server.default = answer
    configure(job, server)
    result = invoke(runner, "make")
    assert result.exit_code == 0
    assert ", cost unknown, " in result.stderr.strip().splitlines()[-1]
    brief = Brief.model_validate_json((job / "brief.json").read_text())
    assert brief.quality.cost is not None and brief.quality.cost.usd is None
    assert "- Cost: unknown: no price for model gpt-4o-mini (the prices setting gives one" in (
        (job / "brief.md").read_text()
    )
    assert "Cost: unknown" in (job / "brief.html").read_text()
    assert "cost unknown  gpt-4o-mini" in invoke(runner, "runs").stdout
    assert json.loads(invoke(runner, "runs", "--json").stdout)[0]["cost_usd"] is None


def test_replayed_answers_are_not_priced(runner, tmp_path):
    result = invoke(runner, "demo", "--json", tmp_path / "demo.json", "-q")
    assert result.exit_code == 0
    brief = Brief.model_validate_json((tmp_path / "demo.json").read_text())
    assert brief.quality.cost is None and "Cost:" not in result.stdout
    listed = invoke(runner, "runs", "-n", "1").stdout
    assert "  0 tokens  replayed  " in listed and "cost unknown" not in listed


def test_batch_api_answers_are_priced_at_half():
    from briefgen.runlog import RunLog
    from briefgen.schemas import Usage

    from conftest import settings_for

    class Local:
        url = "http://127.0.0.1:9/v1"

    settings = settings_for(
        Local(), model="my-model", prices={"my-model": Price(input=1, output=2)}
    )
    run = RunLog(None, settings, [], [], "my-model", "http://127.0.0.1:9/v1/")
    run.batch_usage = Usage(input_tokens=1_000_000, output_tokens=0)
    found = run.cost(Usage(input_tokens=2_000_000, output_tokens=1_000_000))
    assert found is not None and found.usd == pytest.approx(1 * 0.5 + 1 + 2)


# --- the daily budget ------------------------------------------------------------------------


def test_the_budget_stops_new_calls_within_a_run_and_the_rest_are_asked_tomorrow(
    runner, server, job, db
):
    server.default = answer
    # $0.0045 a call: after 3 calls the day has spent $0.0135, over $0.01
    configure(job, server, PRICED + "budget_per_day = 0.01\nconcurrency = 1\n")
    result = invoke(runner, "make", "-q")
    assert result.exit_code == 3, result.stderr
    assert len(server.requests) == 3
    brief = Brief.model_validate_json((job / "brief.json").read_text())
    (stopped,) = brief.failures
    reason = "budget reached: budget_per_day of $0.01 reached, $0.0135 spent today"
    assert stopped.failed == reason
    assert f"partial: [4] d failed: {reason}" in result.stderr
    assert f"- **Failed:** [4] d: {reason}" in (job / "brief.md").read_text()

    # The same day: the cached articles are used, nothing is asked; the message says why.
    server.requests.clear()
    again = invoke(runner, "make")
    assert again.exit_code == 3 and server.requests == []
    assert (
        "budget_per_day of $0.01 reached: $0.0135 spent today ($0.00 by this run); "
        "1 article not asked, asked again tomorrow" in again.stderr
    )
    assert "failed    d (0 calls): budget reached: " in again.stderr

    # The next UTC day: the article the budget stopped was not cached as a failure.
    yesterday = (datetime.now(UTC) - timedelta(days=1)).isoformat(timespec="seconds")
    with sqlite3.connect(db) as store:
        store.execute("UPDATE runs SET started = ?", (yesterday,))
    server.requests.clear()
    tomorrow = invoke(runner, "make", "-q")
    assert tomorrow.exit_code == 0, tomorrow.stderr
    assert articles_asked(server) == ["d"]


def test_a_budget_not_reached_changes_nothing(runner, server, job):
    server.default = answer
    configure(job, server, PRICED + "budget_per_day = 1.0\n")
    result = invoke(runner, "make")
    assert result.exit_code == 0 and len(server.requests) == 4
    assert "budget reached" not in result.stderr and "budget_per_day" not in result.stderr


def test_a_spent_budget_is_the_jobs_whatever_its_sources(runner, server, job):
    server.default = answer
    configure(job, server, PRICED + "budget_per_day = 0.001\n", sources='"inbox/a.txt"')
    assert invoke(runner, "make", "-q").exit_code == 0  # the first call may start: $0 spent
    assert len(server.requests) == 1
    server.requests.clear()
    configure(job, server, PRICED + "budget_per_day = 0.001\n", sources='"inbox/b.txt"')
    result = invoke(runner, "make", "-q")
    assert result.exit_code == 1 and server.requests == []
    assert result.stderr.splitlines()[-1] == (
        "briefgen: error: no article could be extracted (1 failed; budget reached: "
        "budget_per_day of $0.001 reached, $0.0045 spent today); nothing was written"
    )


def test_calls_already_running_may_overshoot_the_budget_but_no_new_one_starts(runner, server, job):
    server.default = slow_answer  # both calls are in flight before either is priced
    configure(job, server, PRICED + "budget_per_day = 0.001\nconcurrency = 2\n")
    result = invoke(runner, "make", "-q")
    assert result.exit_code == 3
    assert len(server.requests) == 2
    brief = Brief.model_validate_json((job / "brief.json").read_text())
    assert len(brief.failures) == 2 and brief.quality.cost is not None
    assert brief.quality.cost.usd == pytest.approx(2 * PER_CALL)


def test_a_run_that_never_closed_its_row_counts_what_its_articles_used(runner, server, job, db):
    from briefgen.store import ArticleRow

    store = Store(db)
    killed = store.runs.start("somejob", {}, [], "my-model", server.url + "/", "p", name="briefs")
    row = ArticleRow(
        n=1,
        article_id="x",
        source="x.txt",
        title=None,
        content_hash="h",
        outcome="extracted",
        reason=None,
        calls=1,
        reasks=0,
        input_tokens=USAGE[0],
        output_tokens=USAGE[1],
        dropped=0,
    )
    store.runs.record_articles(killed, [(row, None)])  # then SIGKILL: no finish
    server.default = answer
    configure(job, server, PRICED + "budget_per_day = 0.004\n")
    result = invoke(runner, "make", "-q")
    assert result.exit_code == 1 and server.requests == []
    assert "$0.0045 spent today" in result.stderr


def test_a_budget_needs_a_price_for_the_model(runner, server, job):
    server.default = answer
    configure(job, server, "budget_per_day = 5\n")
    result = invoke(runner, "make", "-q")
    assert result.exit_code == 2 and server.requests == []
    assert result.stderr == (
        f"briefgen: error: budget_per_day is set, but model 'gpt-4o-mini' at {server.url}/ has "
        "no known price: give it one in the prices setting "
        "(docs/scheduling.md#12-costs-and-a-daily-budget)\n"
    )


def test_the_library_says_the_cost_too(server, job, db):
    from conftest import settings_for

    server.default = answer
    settings = settings_for(
        server, model="my-model", prices={"my-model": Price(input=0.15, output=0.6)}
    )
    brief = pipeline.make_brief([job / "inbox" / "a.txt"], settings)
    assert brief.quality.cost is not None and brief.quality.cost.usd == pytest.approx(PER_CALL)
    assert Store(db).runs.latest(1)[0].cost == pytest.approx(PER_CALL)
