"""The morning job through the library: the cache, the run log, resuming, what changed, and
failing early and loudly. Every model call goes over HTTP to a fake server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import threading

import pytest

from briefgen import pipeline, prompts, render
from briefgen.errors import BusyError, InputError, NothingProduced
from briefgen.extract import cachekey
from briefgen.files import output_lock
from briefgen.pipeline import amake_brief, make_brief
from briefgen.schemas import ArticleFailure, Extraction
from briefgen.store import Store
from briefgen.store.runs import Runs

from conftest import SAMPLE_TEXT, article_id, sample_extraction, settings_for
from fakeserver import FakeServer, Reply, chat_completion

SHOIGU = "Defence Minister Sergei Shoigu visited Pyongyang in July."


def article_of(body: dict) -> str:
    return article_id(body)


def with_shoigu() -> Extraction:
    answer = sample_extraction()
    shoigu = answer.actors[1].model_copy(
        update={
            "name": "Sergei Shoigu",
            "role": "Defence Minister",
            "aliases": [],
            "quote": "Defence Minister Sergei Shoigu visited Pyongyang",
        }
    )
    return answer.model_copy(update={"actors": [*answer.actors, shoigu]})


def replies(body: dict) -> Reply:
    """The sample answer; article "shoigu" also names Sergei Shoigu."""
    answer = with_shoigu() if article_of(body) == "shoigu" else sample_extraction()
    return Reply(body=chat_completion(answer.model_dump_json()))


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "inbox"
    path.mkdir()
    for name in ("a", "b", "c"):
        (path / f"{name}.txt").write_text(f"Report {name}\n{SAMPLE_TEXT} Story {name}.")
    return path


def calls(server: FakeServer) -> list[str]:
    return sorted(article_of(body) for body in server.requests)


# --- the cache --------------------------------------------------------------------------------


def test_a_rerun_makes_no_model_call_and_gives_the_same_brief(server, folder):
    server.default = replies
    first = make_brief([folder], settings_for(server))
    assert calls(server) == ["a", "b", "c"]
    del server.requests[:]
    second = make_brief([folder], settings_for(server))
    assert server.requests == []
    assert (second.quality.cached, second.quality.attempts) == (3, 0)
    assert first.quality.cached == 0
    same = {"quality", "changes"}
    assert second.model_dump(exclude=same) == first.model_dump(exclude=same)
    assert second.changes is not None and second.changes.items == []


def test_a_rerun_on_the_same_answers_takes_the_last_brief_instead_of_merging(
    server, folder, monkeypatch
):
    server.default = replies
    first = make_brief([folder], settings_for(server))
    merged = []
    real = pipeline.merge.merge
    monkeypatch.setattr(pipeline.merge, "merge", lambda *a, **k: merged.append(1) or real(*a, **k))
    second = make_brief([folder], settings_for(server))
    assert merged == []  # the merge input is the first run's: its brief is taken as it was
    assert (second.quality.cached, second.quality.attempts) == (3, 0)  # this run's counts
    assert second.model_dump(exclude={"quality", "changes"}) == first.model_dump(
        exclude={"quality", "changes"}
    )
    assert second.changes is not None and second.changes.items == []
    # A new answer is a new merge input; so is another title, and another briefgen.
    (folder / "shoigu.txt").write_text(f"Shoigu\n{SAMPLE_TEXT} {SHOIGU}")
    third = make_brief([folder], settings_for(server))
    assert merged == [1] and "Sergei Shoigu" in {a.name for a in third.actors}
    make_brief([folder], settings_for(server, title="Morning brief"))
    assert merged == [1, 1]
    monkeypatch.setattr(pipeline.mergekey, "code_version", lambda: "another briefgen")
    make_brief([folder], settings_for(server, title="Morning brief"))
    assert merged == [1, 1, 1]


def test_one_new_article_costs_one_articles_calls(server, folder):
    server.default = replies
    make_brief([folder], settings_for(server))
    del server.requests[:]
    (folder / "shoigu.txt").write_text(f"Shoigu report\n{SAMPLE_TEXT} {SHOIGU}")
    brief = make_brief([folder], settings_for(server))
    assert calls(server) == ["shoigu"]
    assert brief.quality.cached == 3
    assert brief.changes is not None
    lines = [(c.kind, c.change, c.text) for c in brief.changes.items]
    assert ("actor", "new", "new actor: Sergei Shoigu") in lines
    assert any(kind == "source" and change == "new" for kind, change, _ in lines)
    assert "## What changed since run 1" in render.markdown(brief)


@pytest.mark.parametrize(
    "change",
    ["model", "server", "prompt", "schema", "reasks", "grounding"],
)
def test_what_changes_an_answer_invalidates_the_cache(server, folder, monkeypatch, change):
    server.default = replies
    settings = settings_for(server)
    make_brief([folder], settings)
    del server.requests[:]
    if change == "model":
        settings = settings.model_copy(update={"model": "another-model"})
    elif change == "prompt":
        monkeypatch.setattr(prompts, "prompt_version", lambda *a: "extract-v2+deadbeef")
    elif change == "schema":
        monkeypatch.setattr(cachekey, "schema_version", lambda: "0123456789abcdef")
    elif change == "reasks":
        settings = settings.model_copy(update={"reasks": 2})
    elif change == "grounding":
        settings = settings.model_copy(update={"grounding_reask": False})
    if change == "server":
        with FakeServer(replies) as other:
            make_brief([folder], settings.model_copy(update={"base_url": other.url}))
            assert calls(other) == ["a", "b", "c"]
        assert server.requests == []
        return
    make_brief([folder], settings)
    assert calls(server) == ["a", "b", "c"]


def test_an_edited_article_is_asked_again_and_a_renamed_one_is_not(server, folder):
    server.default = replies
    make_brief([folder], settings_for(server))
    del server.requests[:]
    (folder / "a.txt").write_text(f"Report a\n{SAMPLE_TEXT} Story a, updated.")
    (folder / "c.txt").rename(folder / "renamed.txt")
    brief = make_brief([folder], settings_for(server))
    assert calls(server) == ["a"]
    assert [s.article.id for s in brief.sources] == ["a", "b", "renamed"]


def test_a_page_whose_stamps_and_counters_moved_costs_no_call(server, folder):
    server.default = replies
    (folder / "a.txt").write_text(f"Report a\nUpdated 2 hours ago · Views: 1,204\n{SAMPLE_TEXT}")
    make_brief([folder], settings_for(server))
    del server.requests[:]
    (folder / "a.txt").write_text(f"Report a\nUpdated 1 day ago · Views: 1,377\n{SAMPLE_TEXT}")
    brief = make_brief([folder], settings_for(server))
    assert server.requests == [] and brief.quality.cached == 3
    (folder / "a.txt").write_text(f"Report a\nUpdated 1 day ago\n{SAMPLE_TEXT} A correction.")
    make_brief([folder], settings_for(server))
    assert calls(server) == ["a"]  # a changed sentence is a change


def test_no_cache_asks_again_and_refreshes_the_cache(server, folder):
    server.default = replies
    make_brief([folder], settings_for(server))
    del server.requests[:]
    make_brief([folder], settings_for(server, cache=False))
    assert calls(server) == ["a", "b", "c"]
    del server.requests[:]
    make_brief([folder], settings_for(server))
    assert server.requests == []


def test_a_failed_article_is_not_cached(server, folder):
    def b_fails(body):
        if article_of(body) == "b":
            return Reply(body=chat_completion("not json"))
        return replies(body)

    server.default = b_fails
    brief = make_brief([folder], settings_for(server, reasks=0))
    assert brief.partial and [s.article.id for s in brief.failures] == ["b"]
    del server.requests[:]
    server.default = replies
    again = make_brief([folder], settings_for(server, reasks=0))
    assert calls(server) == ["b"]
    assert not again.partial
    kinds = {(c.kind, c.change) for c in again.changes.items}
    assert ("source", "new") in kinds  # b is used now


def test_replay_neither_reads_nor_fills_the_cache(tmp_path):
    settings = pipeline.demo_settings(db=tmp_path / "demo.db")
    first = make_brief(None, settings)
    second = make_brief(None, settings)
    assert first.quality.attempts == second.quality.attempts > 0
    assert second.quality.cached == 0
    with Store(tmp_path / "demo.db").db.connect() as db:
        assert db.execute("SELECT COUNT(*) FROM extractions").fetchone()[0] == 0


# --- resuming ---------------------------------------------------------------------------------


def test_an_interrupted_run_keeps_what_it_paid_for_and_the_rerun_resumes(server, folder):
    finished = threading.Event()

    def slow_c(body):
        if article_of(body) == "c":
            return Reply(body=chat_completion(sample_extraction().model_dump_json()), delay=30)
        return replies(body)

    server.default = slow_c
    settings = settings_for(server, concurrency=3)
    seen = []

    def on_result(result):
        seen.append(result.article.id)
        if len(seen) == 2:
            finished.set()

    async def run_and_interrupt():
        task = asyncio.create_task(amake_brief([folder], settings, on_result=on_result))
        while not finished.is_set():
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(run_and_interrupt())
    assert sorted(seen) == ["a", "b"]
    store = Store(settings.db_path)
    (run,) = store.runs.latest()
    assert (run.status, run.exit_code) == ("interrupted", 130)
    assert run.cached == 0 and run.articles == 3

    del server.requests[:]
    server.default = replies
    brief = make_brief([folder], settings)
    assert calls(server) == ["c"]
    assert brief.quality.cached == 2


# --- the run log ------------------------------------------------------------------------------


def test_the_run_log_has_a_row_per_run_and_per_article(server, folder, tmp_path):
    def b_fails(body):
        if article_of(body) == "b":
            return Reply(body=chat_completion(None, refusal="I will not."))
        return replies(body)

    server.default = b_fails
    out = tmp_path / "brief.md"
    settings = settings_for(server, out=out)
    make_brief([folder], settings)
    make_brief([folder], settings)
    store = Store(settings.db_path)
    second, first = store.runs.latest()
    assert (first.status, first.exit_code, first.failed, first.cached) == ("partial", 3, 1, 0)
    assert (second.status, second.cached, second.calls) == ("partial", 2, 1)
    assert first.outputs == [str(out)] and first.inputs == [str(folder)]
    assert first.model == settings.model and first.base_url == server.url + "/"
    assert first.prompt_version == prompts.prompt_version()
    assert first.input_tokens == 300 and first.ended is not None
    assert "api_key" not in first.config
    _, articles = store.runs.by_id(second.id)
    assert [(a.article_id, a.outcome) for a in articles] == [
        ("a", "cached"),
        ("b", "failed"),
        ("c", "cached"),
    ]
    assert articles[1].reason == "refused: I will not."


def test_store_writes_run_off_the_event_loop(server, folder, monkeypatch):
    threads = set()
    original = Runs.record_articles

    def spy(self, *args, **kwargs):
        threads.add(threading.current_thread() is threading.main_thread())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Runs, "record_articles", spy)
    server.default = replies
    make_brief([folder], settings_for(server))
    assert threads == {False}


# --- two jobs at once -------------------------------------------------------------------------


def test_two_runs_share_one_store(server, folder, tmp_path):
    server.default = lambda body: Reply(
        body=chat_completion(sample_extraction().model_dump_json()), delay=0.1
    )
    errors = []

    def job(name):
        try:
            make_brief([folder], settings_for(server, cache=False, out=tmp_path / f"{name}.md"))
        except Exception as exc:  # pragma: no cover - shown by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=job, args=(n,)) for n in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    store = Store(settings_for(server).db_path)
    assert sorted(r.status for r in store.runs.latest()) == ["ok", "ok"]
    assert len(server.requests) == 6


def test_a_second_run_on_the_same_output_says_who_holds_it(server, folder, tmp_path):
    server.default = replies
    out = tmp_path / "brief.md"
    settings = settings_for(server, out=out)
    with (
        output_lock([out], settings.db_path.parent),
        pytest.raises(BusyError, match=r"another briefgen run \(pid \d+\) is writing it"),
    ):
        make_brief([folder], settings)
    assert server.requests == []
    make_brief([folder], settings)  # the lock is gone with its holder
    assert out.exists()


# --- failing early and honestly ---------------------------------------------------------------


def test_a_missing_output_folder_fails_before_any_model_call(server, folder, tmp_path):
    server.default = replies
    with pytest.raises(InputError, match="does not exist"):
        make_brief([folder], settings_for(server, json_out=tmp_path / "nope" / "brief.json"))
    assert server.requests == []


def test_an_unreachable_server_raises_nothing_produced(folder):
    unstarted = FakeServer()
    unstarted._server.server_close()  # nothing listens on its port: refused
    settings = settings_for(unstarted, retries=0, timeout=2)
    with pytest.raises(NothingProduced) as raised:
        make_brief([folder], settings)
    brief = raised.value.brief
    assert [s.article.id for s in brief.failures] == ["a", "b", "c"]
    assert all("Connection" in s.failed or "connect" in s.failed for s in brief.failures)
    (run,) = Store(settings.db_path).runs.latest()
    assert (run.status, run.exit_code, run.failed) == ("nothing", 1, 3)


def test_an_article_with_every_item_dropped_is_a_failure(server, folder):
    invented = sample_extraction().model_copy(
        update={
            k: [item.model_copy(update={"quote": "words that are not there"}) for item in v]
            for k, v in sample_extraction()
        }
    )

    def b_invents(body):
        if article_of(body) == "b":
            return Reply(body=chat_completion(invented.model_dump_json()))
        return replies(body)

    server.default = b_invents
    brief = make_brief([folder], settings_for(server))
    assert brief.partial
    (failed,) = brief.failures
    assert failed.article.id == "b"
    assert failed.failed == "no item grounded in the article (6 dropped: quote not in the article)"


def test_since_compares_with_a_given_json_brief(server, folder, tmp_path):
    server.default = replies
    old = tmp_path / "old.json"
    make_brief([folder / "a.txt"], settings_for(server, json_out=old))
    brief = make_brief([folder], settings_for(server, since=old))
    assert brief.changes is not None and brief.changes.since == str(old)
    new_sources = [c for c in brief.changes.items if c.kind == "source" and c.change == "new"]
    assert [c.sources for c in new_sources] == [[2], [3]]


def test_a_failed_result_keeps_its_reason_in_the_library_result(server, folder):
    server.default = lambda body: Reply(body=chat_completion(None, refusal="no"))
    seen = []
    with pytest.raises(NothingProduced, match=r"no article could be extracted \(3 failed\)"):
        make_brief([folder], settings_for(server), on_result=seen.append)
    assert all(isinstance(r, ArticleFailure) and r.reason == "refused: no" for r in seen)


def test_a_callers_own_client_fills_no_cache_entry_that_a_server_run_would_use(server, folder):
    from briefgen.model.client import Completion

    class Canned:
        model = "gpt-4o-mini"  # the same name as the settings' model: still another source

        async def complete(self, messages, schema, stats, *, max_tokens=None):
            stats.attempts += 1
            value = sample_extraction()
            return Completion(value.model_dump_json(), model=self.model)

        async def aclose(self):
            pass

    settings = settings_for(server, model="gpt-4o-mini")
    make_brief([folder], settings, client=Canned())
    assert server.requests == []
    server.default = replies
    brief = make_brief([folder], settings)
    assert calls(server) == ["a", "b", "c"] and brief.quality.cached == 0


def test_the_same_folder_spelled_two_ways_is_one_job(server, folder, monkeypatch):
    server.default = replies
    make_brief([folder], settings_for(server))
    monkeypatch.chdir(folder.parent)
    brief = make_brief([f"./{folder.name}/"], settings_for(server))
    assert brief.changes is not None and brief.changes.since.startswith("run 1 ")
