"""The run log: runs, their articles (with the cache entries written beside them), briefs."""

from __future__ import annotations

from briefgen.store import ArticleRow, CacheEntry, Store


def row(n: int, outcome: str = "extracted") -> ArticleRow:
    return ArticleRow(
        n=n,
        article_id=f"a{n}",
        source=f"a{n}.txt",
        title=None,
        content_hash="h",
        outcome=outcome,
        reason=None,
        calls=1,
        reasks=0,
        input_tokens=10,
        output_tokens=2,
        dropped=0,
    )


def entry(key: str) -> CacheEntry:
    return CacheEntry(
        key=key,
        content_hash="h",
        model="m",
        base_url="u",
        prompt_version="p",
        schema_version="s",
        result="{}",
    )


def test_cache_and_run_log_round_trip(tmp_path):
    store = Store(tmp_path / "briefgen.db")
    run = store.runs.start("job", {"model": "m"}, ["inbox/"], "m", "u", "p")
    store.runs.record_articles(run, [(row(1), entry("k1"))])
    store.runs.record_articles(run, [(row(2, "failed"), None)])
    store.runs.finish(
        run,
        status="partial",
        exit_code=3,
        totals={"articles": 2, "failed": 1},
        outputs=["brief.md"],
        brief='{"x": 1}',
    )
    assert store.cache.lookup(["k1", "k2"]) == {"k1": "{}"}
    (listed,) = store.runs.latest()
    assert (listed.status, listed.exit_code, listed.articles, listed.failed) == ("partial", 3, 2, 1)
    assert listed.outputs == ["brief.md"] and listed.config == {"model": "m"}
    found = store.runs.by_id(run)
    assert found is not None
    assert [a.outcome for a in found[1]] == ["extracted", "failed"]
    assert store.runs.previous_brief("job", run + 1) == (run, listed.ended, '{"x": 1}')
    assert store.runs.previous_brief("job", run) is None
    assert store.runs.previous_brief("other", run + 1) is None


def test_a_brief_is_found_again_by_its_merge_key(tmp_path):
    store = Store(tmp_path / "briefgen.db")
    first = store.runs.start("job", {}, [], "m", "u", "p")
    store.runs.finish(first, status="ok", exit_code=0, totals={}, brief='{"a": 1}', merge_key="k")
    second = store.runs.start("job", {}, [], "m", "u", "p")
    store.runs.finish(second, status="ok", exit_code=0, totals={}, merge_key="k")  # no brief
    assert store.runs.merged_brief("job", "k", second + 1) == '{"a": 1}'
    assert store.runs.merged_brief("job", "k", first) is None
    assert store.runs.merged_brief("job", "other", second + 1) is None
    assert store.runs.merged_brief("other", "k", second + 1) is None


def test_runs_are_found_by_job_name_status_and_after_a_run(tmp_path):
    store = Store(tmp_path / "briefgen.db")
    ids = []
    for name, status in [("a", "ok"), ("b", "ok"), ("a", "error"), ("a", "nothing")]:
        run = store.runs.start("job", {}, [], "m", "u", "p", name=name)
        store.runs.finish(run, status=status, exit_code=0, totals={})
        ids.append(run)
    assert [r.id for r in store.runs.latest(job_name="a")] == [ids[3], ids[2], ids[0]]
    assert [r.id for r in store.runs.latest(1, job_name="a", statuses=("ok",))] == [ids[0]]
    assert store.runs.count(job_name="a", statuses=("error", "nothing"), after=ids[0]) == 2
    assert store.runs.count(job_name="a", statuses=("error",), after=ids[2]) == 0
    assert store.runs.count() == 4 and store.runs.latest(job_name="c") == []
