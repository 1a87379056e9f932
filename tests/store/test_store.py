"""The SQLite store: migrations, WAL, the cache table, the run log, pruning."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from briefgen.errors import InputError
from briefgen.model.structured import Mode
from briefgen.store import MIGRATIONS, SCHEMA_VERSION, ArticleRow, CacheEntry, Store


def test_a_file_of_the_first_schema_is_migrated_and_keeps_its_modes(tmp_path):
    path = tmp_path / "briefgen.db"
    old = sqlite3.connect(path)
    old.execute(MIGRATIONS[0])
    old.execute(
        "INSERT INTO structured_modes VALUES ('http://x/v1/', 'm', 'json_object', '2026-01-01')"
    )
    old.execute("PRAGMA user_version = 1")
    old.commit()
    old.close()
    store = Store(path)
    assert store.get("http://x/v1/", "m") is Mode.JSON_OBJECT
    with store.connect() as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 0


def test_a_file_from_a_newer_briefgen_is_not_rewritten(tmp_path):
    path = tmp_path / "briefgen.db"
    Store(path)
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    Store(path)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1


def test_a_store_that_cannot_be_opened_is_one_line(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(InputError, match="cannot open the briefgen store"):
        Store(tmp_path / "file" / "briefgen.db")


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
    run = store.start_run("job", {"model": "m"}, ["inbox/"], "m", "u", "p")
    store.record_articles(run, [(row(1), entry("k1"))])
    store.record_articles(run, [(row(2, "failed"), None)])
    store.finish_run(
        run,
        status="partial",
        exit_code=3,
        totals={"articles": 2, "failed": 1},
        outputs=["brief.md"],
        brief='{"x": 1}',
    )
    assert store.cached(["k1", "k2"]) == {"k1": "{}"}
    (listed,) = store.runs()
    assert (listed.status, listed.exit_code, listed.articles, listed.failed) == ("partial", 3, 2, 1)
    assert listed.outputs == ["brief.md"] and listed.config == {"model": "m"}
    found = store.run(run)
    assert found is not None
    assert [a.outcome for a in found[1]] == ["extracted", "failed"]
    assert store.previous_brief("job", run + 1) == (run, listed.ended, '{"x": 1}')
    assert store.previous_brief("job", run) is None
    assert store.previous_brief("other", run + 1) is None


def test_prune_keeps_each_jobs_latest_brief(tmp_path):
    store = Store(tmp_path / "briefgen.db")
    ids = []
    for _ in range(3):
        run = store.start_run("job", {}, [], "m", "u", "p")
        store.record_articles(run, [(row(1), entry(f"k{run}"))])
        store.finish_run(run, status="ok", exit_code=0, totals={}, brief="{}")
        ids.append(run)
    assert store.prune(timedelta(days=30)) == (0, 0)
    assert store.prune(timedelta(0)) == (3, 2)
    assert [r.id for r in store.runs()] == [ids[-1]]
    assert store.run(ids[0]) is None


def test_a_held_connection_serves_its_thread_until_released(tmp_path, monkeypatch):
    import threading

    store = Store(tmp_path / "b.db")
    opened: list[sqlite3.Connection] = []
    real_open = store._open
    monkeypatch.setattr(store, "_open", lambda: opened.append(real_open()) or opened[-1])
    store.hold_connection()
    store.set("http://a", "m", Mode.SCHEMA)
    store.set("http://b", "m", Mode.JSON_OBJECT)
    assert len(opened) == 1  # both writes on the held connection
    other: list[Mode | None] = []
    thread = threading.Thread(target=lambda: other.append(Store(store.path).get("http://a", "m")))
    thread.start()
    thread.join()
    assert other == [Mode.SCHEMA]  # committed, seen by another connection
    with pytest.raises(sqlite3.IntegrityError), store.connect() as db:
        insert = "INSERT INTO structured_modes (base_url, model, mode, updated) VALUES (?, ?, ?, ?)"
        db.execute(insert, ("x", "m", "j", "t"))
        db.execute(insert, ("x", "m", "j", "t"))
    with store.connect() as db:  # the failed transaction was rolled back
        assert db.execute("SELECT count(*) FROM structured_modes").fetchone()[0] == 2
    store.release_connection()
    with pytest.raises(sqlite3.ProgrammingError):
        opened[0].execute("SELECT 1")  # closed
    store.set("http://c", "m", Mode.JSON_OBJECT)
    assert len(opened) == 2  # a connection of its own again
