"""Pruning: what is old goes, a job's latest brief stays."""

from __future__ import annotations

from datetime import timedelta

from briefgen.store import Store

from test_runs import entry, row


def test_prune_keeps_each_jobs_latest_brief(tmp_path):
    store = Store(tmp_path / "briefgen.db")
    ids = []
    for _ in range(3):
        run = store.runs.start("job", {}, [], "m", "u", "p")
        store.runs.record_articles(run, [(row(1), entry(f"k{run}"))])
        store.runs.finish(run, status="ok", exit_code=0, totals={}, brief="{}")
        ids.append(run)
    assert store.prune(timedelta(days=30)) == (0, 0)
    assert store.prune(timedelta(0)) == (3, 2)
    assert [r.id for r in store.runs.latest()] == [ids[-1]]
    assert store.runs.by_id(ids[0]) is None
