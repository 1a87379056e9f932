"""The store's migrations: an old file is brought up to this schema, a newer one left alone."""

from __future__ import annotations

import sqlite3

from briefgen.model.structured import Mode
from briefgen.store import Store
from briefgen.store.migrations import MIGRATIONS, SCHEMA_VERSION


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
    assert store.modes.recall("http://x/v1/", "m") is Mode.JSON_OBJECT
    with store.db.connect() as db:
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


def test_a_store_from_before_job_names_opens_keeps_its_runs_and_names_new_ones(tmp_path):
    path = tmp_path / "briefgen.db"
    old = sqlite3.connect(path)
    for script in MIGRATIONS[:5]:  # the schema before job names
        for statement in script.split(";"):
            if statement.strip():
                old.execute(statement)
    old.execute(
        "INSERT INTO runs (job, started, status, config, inputs, model, base_url,"
        " prompt_version) VALUES ('k', '2026-01-01T06:30:00+00:00', 'ok', '{}', '[]', 'm', 'u',"
        " 'p')"
    )
    old.execute("PRAGMA user_version = 5")
    old.commit()
    old.close()
    store = Store(path)
    (before,) = store.runs.latest()
    assert before.job_name is None and before.status == "ok"
    new = store.runs.start("k", {}, [], "m", "u", "p", name="briefs")
    assert [r.job_name for r in store.runs.latest()] == ["briefs", None]
    assert [r.id for r in store.runs.latest(job_name="briefs")] == [new]
