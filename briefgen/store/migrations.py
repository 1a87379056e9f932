"""The store's schema, as the migrations that build it, and bringing a file up to it.

Schema changes are migrations keyed on SQLite's `user_version`: migration n is the script that
takes a file from version n - 1 to n. A file from a newer briefgen is used as far as this one
understands it, never rewritten down.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

MIGRATIONS: tuple[str, ...] = (
    """CREATE TABLE structured_modes (
        base_url TEXT NOT NULL,
        model TEXT NOT NULL,
        mode TEXT NOT NULL,
        updated TEXT NOT NULL,
        PRIMARY KEY (base_url, model)
    )""",
    """CREATE TABLE extractions (
        key TEXT PRIMARY KEY,
        content_hash TEXT NOT NULL,
        model TEXT NOT NULL,
        base_url TEXT NOT NULL,
        prompt_version TEXT NOT NULL,
        schema_version TEXT NOT NULL,
        created TEXT NOT NULL,
        used TEXT NOT NULL,
        result TEXT NOT NULL
    );
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        job TEXT NOT NULL,
        started TEXT NOT NULL,
        ended TEXT,
        status TEXT NOT NULL,
        exit_code INTEGER,
        pid INTEGER,
        config TEXT NOT NULL,
        inputs TEXT NOT NULL,
        model TEXT NOT NULL,
        base_url TEXT NOT NULL,
        prompt_version TEXT NOT NULL,
        articles INTEGER NOT NULL DEFAULT 0,
        cached INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        calls INTEGER NOT NULL DEFAULT 0,
        reasks INTEGER NOT NULL DEFAULT 0,
        input_tokens INTEGER NOT NULL DEFAULT 0,
        output_tokens INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        outputs TEXT NOT NULL DEFAULT '[]',
        brief BLOB
    );
    CREATE INDEX runs_by_job ON runs (job, id);
    CREATE TABLE run_articles (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        n INTEGER NOT NULL,
        article_id TEXT NOT NULL,
        source TEXT NOT NULL,
        title TEXT,
        content_hash TEXT NOT NULL,
        outcome TEXT NOT NULL,
        reason TEXT,
        calls INTEGER NOT NULL,
        reasks INTEGER NOT NULL,
        input_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL,
        dropped INTEGER NOT NULL,
        PRIMARY KEY (run_id, n)
    );""",
    """CREATE TABLE claim_checks (
        key TEXT NOT NULL,
        model TEXT NOT NULL,
        base_url TEXT NOT NULL,
        prompt_version TEXT NOT NULL,
        same INTEGER NOT NULL,
        reason TEXT NOT NULL,
        answered_by TEXT NOT NULL,
        created TEXT NOT NULL,
        used TEXT NOT NULL,
        PRIMARY KEY (key, model, base_url, prompt_version)
    )""",
    # The merge's input key of each run's brief (mergekey.py): a rerun on the same answers
    # takes the brief instead of merging again.
    "ALTER TABLE runs ADD COLUMN merge_key TEXT",
    # Batch API jobs (batch.py): one row per batch, one per request in it. A batch is written
    # before it is created at the provider ('submitting', with its input file), so a run killed
    # in between finds it again (by that file) instead of paying for it twice.
    """CREATE TABLE batches (
        n INTEGER PRIMARY KEY AUTOINCREMENT,
        batch_id TEXT UNIQUE,
        input_file_id TEXT NOT NULL,
        base_url TEXT NOT NULL,
        model TEXT NOT NULL,
        job TEXT NOT NULL,
        status TEXT NOT NULL,
        reason TEXT,
        requests INTEGER NOT NULL,
        completed INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        created TEXT NOT NULL,
        updated TEXT NOT NULL,
        collected TEXT
    );
    CREATE TABLE batch_requests (
        batch INTEGER NOT NULL REFERENCES batches (n) ON DELETE CASCADE,
        custom_id TEXT NOT NULL,
        mode TEXT NOT NULL,
        answer BLOB,
        error TEXT,
        used TEXT,
        PRIMARY KEY (batch, custom_id)
    );
    CREATE INDEX batch_requests_by_id ON batch_requests (custom_id)""",
    # The job's name (the `name` setting, default the config file's folder) beside its key:
    # `runs --job NAME` and `status` find a job's runs by it. Runs of an older briefgen have none.
    """ALTER TABLE runs ADD COLUMN job_name TEXT;
    CREATE INDEX runs_by_job_name ON runs (job_name, id)""",
    # What each run's model calls cost in US dollars (prices.py), NULL when the model has no
    # known price or the run never closed its row; `budget_per_day` sums a job's day from it.
    "ALTER TABLE runs ADD COLUMN cost REAL",
)
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(path: Path, connect: Callable[[], AbstractContextManager[sqlite3.Connection]]) -> None:
    """Bring the file to this schema. Two processes opening a new file at once contend for
    the switch to WAL, which SQLite answers with 'locked' at once rather than through the
    busy timeout: that is retried, for a few seconds at most."""
    for _ in range(100):
        try:
            _migrate_once(path, connect)
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            time.sleep(0.05)
    _migrate_once(path, connect)


def _migrate_once(
    path: Path, connect: Callable[[], AbstractContextManager[sqlite3.Connection]]
) -> None:
    with connect() as db:
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            db.execute("PRAGMA journal_mode = WAL")
        version = db.execute("PRAGMA user_version").fetchone()[0]
    if version >= SCHEMA_VERSION:
        return
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")  # one process migrates; the others wait, then see it
        version = db.execute("PRAGMA user_version").fetchone()[0]
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            for statement in script.split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {number}")
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    finally:
        db.close()
