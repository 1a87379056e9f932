"""What briefgen keeps between runs, in one SQLite file:

- `structured_modes`: the structured-output mode that worked per server and model;
- `extractions`: validated, grounded extractions, keyed by what would change the answer
  (see cache.py), so an article is paid for once;
- `runs` and `run_articles`: the run log, one row per run and one per article in it, with the
  brief each run made (compressed JSON), so the next run can say what changed;
- `claim_checks`: the optional claim check's answers (claimcheck.py), keyed by the pair, the
  model, the server and the claim-check prompt version, so a pair is asked once;
- `batches` and `batch_requests`: Batch API jobs (batch.py), each request's answer once
  collected, and whether a run has taken it, so a batch is paid for once.

Schema changes are migrations keyed on SQLite's `user_version`; a file from a newer briefgen is
used as far as this one understands it, never rewritten down. The file is opened in WAL mode with
a busy timeout, so two jobs can share it: readers never wait, writers wait their turn. Each call
is one transaction on a connection of its own, opened and closed with it, so the methods may
run in worker threads (`asyncio.to_thread`) and never stall the event loop on a slow disk; a
thread that writes often keeps one connection open instead (`hold_connection`).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel

from briefgen.errors import InputError
from briefgen.model.client import BatchJob
from briefgen.model.structured import Mode

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
)
SCHEMA_VERSION = len(MIGRATIONS)
UNTAKEN_KEPT = timedelta(days=30)  # prune keeps batch answers no run has taken, this long
TOTALS = ("articles", "cached", "failed", "calls", "reasks", "input_tokens", "output_tokens")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class ModeMemory(Protocol):
    def get(self, base_url: str, model: str) -> Mode | None: ...

    def set(self, base_url: str, model: str, mode: Mode) -> None: ...


class InMemoryModes:
    """For one run only: tests, or a client built without a store."""

    def __init__(self) -> None:
        self._modes: dict[tuple[str, str], Mode] = {}

    def get(self, base_url: str, model: str) -> Mode | None:
        return self._modes.get((base_url, model))

    def set(self, base_url: str, model: str, mode: Mode) -> None:
        self._modes[(base_url, model)] = mode


class NoMemory:
    """Every call starts at the top of the ladder: recordings then hold every step each article
    took, whatever order articles ran in, and replay at any concurrency."""

    def get(self, base_url: str, model: str) -> Mode | None:
        return None

    def set(self, base_url: str, model: str, mode: Mode) -> None:
        pass


class RunRow(BaseModel):
    """One run as the log keeps it."""

    id: int
    job: str
    started: str
    ended: str | None
    status: str
    exit_code: int | None
    pid: int | None
    config: dict[str, Any]
    inputs: list[str]
    model: str
    base_url: str
    prompt_version: str
    articles: int
    cached: int
    failed: int
    calls: int
    reasks: int
    input_tokens: int
    output_tokens: int
    error: str | None
    outputs: list[str]


class ArticleRow(BaseModel):
    """One article of one run."""

    n: int
    article_id: str
    source: str
    title: str | None
    content_hash: str
    outcome: str  # "extracted", "cached" or "failed"
    reason: str | None
    calls: int
    reasks: int
    input_tokens: int
    output_tokens: int
    dropped: int


class BatchRow(BaseModel):
    """One batch as the store keeps it."""

    n: int
    batch_id: str | None  # None while it is being submitted
    input_file_id: str
    base_url: str
    model: str
    job: str
    status: str  # 'submitting', 'not submitted', or the provider's status
    reason: str | None
    requests: int
    completed: int
    failed: int
    created: str
    updated: str
    collected: str | None


class BatchRequest(BaseModel):
    """One request of one batch: its answer (a response body) or error, once collected."""

    batch: int
    custom_id: str
    mode: str
    answer: dict[str, Any] | None
    error: str | None
    used: str | None


class CacheEntry(BaseModel):
    key: str
    content_hash: str
    model: str
    base_url: str
    prompt_version: str
    schema_version: str
    result: str  # ArticleExtraction JSON


class Store:
    """The SQLite file. Safe to share between processes and threads."""

    def __init__(self, path: Path):
        self.path = path.expanduser()
        self._held = threading.local()  # a thread's held connection (hold_connection)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._migrate()
        except (OSError, sqlite3.Error) as exc:
            raise InputError(f"{self.path}: cannot open the briefgen store ({exc})") from None
        # Read once per (server, model) and process: every model call asks, and the answer
        # changes only through `set` (another process's change is seen on the next run).
        self._known: dict[tuple[str, str], Mode | None] = {}

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """One transaction: committed, or rolled back on error. On a thread that holds a
        connection (`hold_connection`) it is that one; elsewhere a connection of its own,
        closed after."""
        held: sqlite3.Connection | None = getattr(self._held, "db", None)
        if held is not None:
            with held:
                yield held
            return
        db = self._open()
        try:
            with db:  # commits, or rolls back on error
                yield db
        finally:
            db.close()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        db.row_factory = sqlite3.Row
        try:
            db.execute("PRAGMA foreign_keys = ON")
            # WAL with NORMAL: a commit is durable once the WAL is synced at a checkpoint; a
            # crash may lose the last commits, never corrupt the file. The cache can afford it.
            db.execute("PRAGMA synchronous = NORMAL")
        except BaseException:
            db.close()
            raise
        return db

    def hold_connection(self) -> None:
        """Keep one connection open for the calling thread, for every `connect` on it until
        `release_connection`. For a thread that writes often (the run log's writer): opening
        and setting up a connection cost more CPU than writing a row. Between transactions the
        held connection holds no lock."""
        if getattr(self._held, "db", None) is None:
            self._held.db = self._open()

    def release_connection(self) -> None:
        """Close the calling thread's held connection, if it has one."""
        held: sqlite3.Connection | None = getattr(self._held, "db", None)
        self._held.db = None
        if held is not None:
            held.close()

    def _migrate(self) -> None:
        """Bring the file to this schema. Two processes opening a new file at once contend for
        the switch to WAL, which SQLite answers with 'locked' at once rather than through the
        busy timeout: that is retried, for a few seconds at most."""
        for _ in range(100):
            try:
                self._migrate_once()
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                time.sleep(0.05)
        self._migrate_once()

    def _migrate_once(self) -> None:
        with self.connect() as db:
            if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                db.execute("PRAGMA journal_mode = WAL")
            version = db.execute("PRAGMA user_version").fetchone()[0]
        if version >= SCHEMA_VERSION:
            return
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
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

    # --- structured-output modes ---------------------------------------------------------------

    def get(self, base_url: str, model: str) -> Mode | None:
        if (base_url, model) not in self._known:
            self._known[(base_url, model)] = self._read_mode(base_url, model)
        return self._known[(base_url, model)]

    def _read_mode(self, base_url: str, model: str) -> Mode | None:
        with self.connect() as db:
            row = db.execute(
                "SELECT mode FROM structured_modes WHERE base_url = ? AND model = ?",
                (base_url, model),
            ).fetchone()
        try:
            return Mode(row[0]) if row else None
        except ValueError:  # written by a briefgen that knew a mode this one does not
            return None

    def set(self, base_url: str, model: str, mode: Mode) -> None:
        self._known[(base_url, model)] = mode
        with self.connect() as db:
            db.execute(
                "INSERT INTO structured_modes (base_url, model, mode, updated) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (base_url, model) DO UPDATE SET mode = excluded.mode,"
                " updated = excluded.updated",
                (base_url, model, mode.value, now()),
            )

    # --- the extraction cache ------------------------------------------------------------------

    def cached(self, keys: Iterable[str]) -> dict[str, str]:
        """key -> stored result JSON, for those keys the cache holds; marks them used."""
        keys = list(dict.fromkeys(keys))
        found: dict[str, str] = {}
        with self.connect() as db:
            for start in range(0, len(keys), 500):  # SQLite's limit on parameters
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = db.execute(
                    f"SELECT key, result FROM extractions WHERE key IN ({marks})", chunk
                )
                found.update((row["key"], row["result"]) for row in rows)
                db.execute(
                    f"UPDATE extractions SET used = ? WHERE key IN ({marks})", [now(), *chunk]
                )
        return found

    # --- the claim check's answers --------------------------------------------------------------

    def claim_decisions(
        self, keys: Sequence[str], model: str, base_url: str, prompt_version: str
    ) -> dict[str, tuple[bool, str, str]]:
        """Pair key -> (same, reason, the model that answered), for the keys the store holds
        for this model, server and prompt version; marks them used."""
        keys = list(dict.fromkeys(keys))
        found: dict[str, tuple[bool, str, str]] = {}
        where = "model = ? AND base_url = ? AND prompt_version = ?"
        with self.connect() as db:
            for start in range(0, len(keys), 500):  # SQLite's limit on parameters
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                scope = [model, base_url, prompt_version, *chunk]
                rows = db.execute(
                    "SELECT key, same, reason, answered_by FROM claim_checks"
                    f" WHERE {where} AND key IN ({marks})",
                    scope,
                )
                found.update(
                    (r["key"], (bool(r["same"]), r["reason"], r["answered_by"])) for r in rows
                )
                db.execute(
                    f"UPDATE claim_checks SET used = ? WHERE {where} AND key IN ({marks})",
                    [now(), *scope],
                )
        return found

    def save_claim_decisions(
        self,
        decisions: dict[str, tuple[bool, str, str]],
        model: str,
        base_url: str,
        prompt_version: str,
    ) -> None:
        stamp = now()
        with self.connect() as db:
            db.executemany(
                "INSERT OR REPLACE INTO claim_checks (key, model, base_url, prompt_version, same,"
                " reason, answered_by, created, used) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (key, model, base_url, prompt_version, int(same), reason, by, stamp, stamp)
                    for key, (same, reason, by) in decisions.items()
                ],
            )

    # --- the run log ---------------------------------------------------------------------------

    def start_run(
        self,
        job: str,
        config: dict[str, Any],
        inputs: list[str],
        model: str,
        base_url: str,
        prompt_version: str,
    ) -> int:
        with self.connect() as db:
            cursor = db.execute(
                "INSERT INTO runs (job, started, status, pid, config, inputs, model, base_url,"
                " prompt_version) VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?)",
                (
                    job,
                    now(),
                    os.getpid(),
                    json.dumps(config, default=str),
                    json.dumps(inputs),
                    model,
                    base_url,
                    prompt_version,
                ),
            )
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    def record_articles(
        self, run_id: int, outcomes: Sequence[tuple[ArticleRow, CacheEntry | None]]
    ) -> None:
        """Articles' outcomes, and their extractions for the cache, in one transaction."""
        stamp = now()
        with self.connect() as db:
            db.executemany(
                "INSERT OR REPLACE INTO run_articles (run_id, n, article_id, source, title,"
                " content_hash, outcome, reason, calls, reasks, input_tokens, output_tokens,"
                " dropped) VALUES (:run_id, :n, :article_id, :source, :title, :content_hash,"
                " :outcome, :reason, :calls, :reasks, :input_tokens, :output_tokens, :dropped)",
                [{"run_id": run_id, **row.model_dump()} for row, _ in outcomes],
            )
            db.executemany(
                "INSERT OR REPLACE INTO extractions (key, content_hash, model, base_url,"
                " prompt_version, schema_version, created, used, result) VALUES (:key,"
                " :content_hash, :model, :base_url, :prompt_version, :schema_version,"
                " :created, :used, :result)",
                [
                    {**entry.model_dump(), "created": stamp, "used": stamp}
                    for _, entry in outcomes
                    if entry is not None
                ],
            )

    def finish_run(
        self,
        run_id: int,
        *,
        status: str,
        exit_code: int,
        totals: dict[str, int],
        error: str | None = None,
        outputs: list[str] | None = None,
        brief: str | None = None,
        merge_key: str | None = None,
    ) -> None:
        known = {k: int(totals.get(k, 0)) for k in TOTALS}
        with self.connect() as db:
            db.execute(
                "UPDATE runs SET ended = :ended, status = :status, exit_code = :exit_code,"
                " error = :error, outputs = :outputs, brief = :brief, merge_key = :merge_key, "
                + ", ".join(f"{k} = :{k}" for k in known)
                + " WHERE id = :id",
                {
                    **known,
                    "id": run_id,
                    "ended": now(),
                    "status": status,
                    "exit_code": exit_code,
                    "error": error,
                    "outputs": json.dumps(outputs or []),
                    "brief": zlib.compress(brief.encode()) if brief is not None else None,
                    "merge_key": merge_key if brief is not None else None,
                },
            )

    def runs(self, limit: int = 20) -> list[RunRow]:
        with self.connect() as db:
            rows = db.execute(
                f"SELECT {_RUN_COLUMNS} FROM runs ORDER BY id DESC LIMIT ?", (limit,)
            ).fetchall()
        return [_run_row(row) for row in rows]

    def run(self, run_id: int) -> tuple[RunRow, list[ArticleRow]] | None:
        with self.connect() as db:
            row = db.execute(f"SELECT {_RUN_COLUMNS} FROM runs WHERE id = ?", (run_id,)).fetchone()
            if row is None:
                return None
            articles = db.execute(
                "SELECT * FROM run_articles WHERE run_id = ? ORDER BY n", (run_id,)
            ).fetchall()
        return _run_row(row), [
            ArticleRow(**{k: a[k] for k in ArticleRow.model_fields}) for a in articles
        ]

    def previous_brief(self, job: str, before: int) -> tuple[int, str, str] | None:
        """(run id, when it ended, brief JSON) of the job's last run that made a brief."""
        with self.connect() as db:
            row = db.execute(
                "SELECT id, ended, brief FROM runs WHERE job = ? AND id < ? AND brief IS NOT NULL"
                " ORDER BY id DESC LIMIT 1",
                (job, before),
            ).fetchone()
        if row is None:
            return None
        return row["id"], row["ended"], zlib.decompress(row["brief"]).decode()

    def merged_brief(self, job: str, merge_key: str, before: int) -> str | None:
        """The brief JSON of the job's last run before `before` whose merge input had this key."""
        with self.connect() as db:
            row = db.execute(
                "SELECT brief FROM runs WHERE job = ? AND merge_key = ? AND id < ?"
                " AND brief IS NOT NULL ORDER BY id DESC LIMIT 1",
                (job, merge_key, before),
            ).fetchone()
        return None if row is None else zlib.decompress(row["brief"]).decode()

    # --- Batch API jobs -------------------------------------------------------------------------

    def batch_submitting(
        self,
        input_file_id: str,
        base_url: str,
        model: str,
        job: str,
        requests: Sequence[tuple[str, str]],
    ) -> int:
        """Record a batch about to be created: its input file and its (custom_id, mode) pairs."""
        with self.connect() as db:
            n = db.execute(
                "INSERT INTO batches (input_file_id, base_url, model, job, status, requests,"
                " created, updated) VALUES (?, ?, ?, ?, 'submitting', ?, ?, ?)",
                (input_file_id, base_url, model, job, len(requests), now(), now()),
            ).lastrowid
            db.executemany(
                "INSERT INTO batch_requests (batch, custom_id, mode) VALUES (?, ?, ?)",
                [(n, custom_id, mode) for custom_id, mode in requests],
            )
        assert n is not None
        return n

    def batch_update(self, n: int, job: BatchJob) -> None:
        """The provider's view of batch `n`: its id, status and counts."""
        with self.connect() as db:
            db.execute(
                "UPDATE batches SET batch_id = ?, status = ?, reason = ?, completed = ?,"
                " failed = ?, updated = ? WHERE n = ?",
                (job.id, job.status, job.reason, job.completed, job.failed, now(), n),
            )

    def batch_abandon(self, n: int, reason: str) -> None:
        """A batch that never reached the provider: its requests are asked anew."""
        with self.connect() as db:
            db.execute(
                "UPDATE batches SET status = 'not submitted', reason = ?, collected = ?,"
                " updated = ? WHERE n = ?",
                (reason, now(), now(), n),
            )
            db.execute(
                "UPDATE batch_requests SET error = ?, used = ? WHERE batch = ?", (reason, now(), n)
            )

    def batch_mark(self, n: int, status: str, reason: str) -> None:
        """A state only briefgen knows (`lost`: the server no longer has the batch)."""
        with self.connect() as db:
            db.execute(
                "UPDATE batches SET status = ?, reason = ?, updated = ? WHERE n = ?",
                (status, reason, now(), n),
            )

    def batch_custom_ids(self, n: int) -> set[str]:
        with self.connect() as db:
            rows = db.execute("SELECT custom_id FROM batch_requests WHERE batch = ?", (n,))
            return {row[0] for row in rows}

    def batch_collected(
        self, n: int, outcomes: dict[str, tuple[dict[str, Any] | None, str | None]]
    ) -> None:
        """Batch `n`'s answers: custom_id -> (response body, None) or (None, error)."""
        with self.connect() as db:
            db.executemany(
                "UPDATE batch_requests SET answer = ?, error = ? WHERE batch = ? AND custom_id = ?",
                [
                    (
                        zlib.compress(json.dumps(body).encode()) if body is not None else None,
                        error,
                        n,
                        custom_id,
                    )
                    for custom_id, (body, error) in outcomes.items()
                ],
            )
            db.execute(
                "UPDATE batches SET collected = ?, updated = ? WHERE n = ?", (now(), now(), n)
            )

    def batch_requests(
        self, custom_ids: Iterable[str], base_url: str, model: str
    ) -> dict[str, list[BatchRequest]]:
        """custom_id -> its requests in batches for this server and model, newest first."""
        custom_ids = list(dict.fromkeys(custom_ids))
        found: dict[str, list[BatchRequest]] = {}
        with self.connect() as db:
            for start in range(0, len(custom_ids), 500):
                chunk = custom_ids[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = db.execute(
                    "SELECT r.* FROM batch_requests r JOIN batches b ON b.n = r.batch"
                    f" WHERE r.custom_id IN ({marks}) AND b.base_url = ? AND b.model = ?"
                    " ORDER BY r.batch DESC",
                    [*chunk, base_url, model],
                )
                for row in rows:
                    answer = row["answer"]
                    found.setdefault(row["custom_id"], []).append(
                        BatchRequest(
                            batch=row["batch"],
                            custom_id=row["custom_id"],
                            mode=row["mode"],
                            answer=json.loads(zlib.decompress(answer)) if answer else None,
                            error=row["error"],
                            used=row["used"],
                        )
                    )
        return found

    def batch_used(self, taken: Iterable[tuple[int, str]]) -> None:
        """Mark (batch, custom_id) answers as taken by a run: they are not handed out again."""
        with self.connect() as db:
            db.executemany(
                "UPDATE batch_requests SET used = ? WHERE batch = ? AND custom_id = ?",
                [(now(), n, custom_id) for n, custom_id in taken],
            )

    def batches(self, numbers: Iterable[int] | None = None, limit: int = 50) -> list[BatchRow]:
        """Batches, newest first: those numbered, or the latest `limit`."""
        with self.connect() as db:
            if numbers is None:
                rows = db.execute("SELECT * FROM batches ORDER BY n DESC LIMIT ?", (limit,))
            else:
                wanted = list(numbers)
                marks = ",".join("?" * len(wanted))
                rows = db.execute(
                    f"SELECT * FROM batches WHERE n IN ({marks}) ORDER BY n DESC", wanted
                )
            return [BatchRow(**dict(row)) for row in rows]

    def batch_by_id(self, batch_id: str) -> BatchRow | None:
        with self.connect() as db:
            row = db.execute("SELECT * FROM batches WHERE batch_id = ?", (batch_id,)).fetchone()
        return BatchRow(**dict(row)) if row else None

    def prune(self, older_than: timedelta) -> tuple[int, int]:
        """Forget cached extractions and claim-check answers not used, and runs not started,
        within `older_than`; returns (extractions, runs) removed. A job's newest brief is kept
        whatever its age, so the next run can still say what changed."""
        cutoff = (datetime.now(UTC) - older_than).isoformat(timespec="seconds")
        with self.connect() as db:
            extractions = db.execute("DELETE FROM extractions WHERE used <= ?", (cutoff,)).rowcount
            db.execute("DELETE FROM claim_checks WHERE used <= ?", (cutoff,))
            # Collected batches. One still running is kept whatever its age, and one holding
            # answers no run has taken yet (they are paid for) for 30 days at least.
            paid = (datetime.now(UTC) - max(older_than, UNTAKEN_KEPT)).isoformat(timespec="seconds")
            db.execute(
                "DELETE FROM batches WHERE updated <= ? AND collected IS NOT NULL AND"
                " (updated <= ? OR NOT EXISTS (SELECT 1 FROM batch_requests r WHERE"
                " r.batch = batches.n AND r.answer IS NOT NULL AND r.used IS NULL))",
                (cutoff, paid),
            )
            runs = db.execute(
                "DELETE FROM runs WHERE started <= ? AND status != 'running' AND id NOT IN"
                " (SELECT MAX(id) FROM runs WHERE brief IS NOT NULL GROUP BY job)",
                (cutoff,),
            ).rowcount
        with self.connect() as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        sqlite3.connect(self.path).execute("VACUUM").connection.close()
        return extractions, runs


_RUN_COLUMNS = ", ".join(name for name in RunRow.model_fields)


def _run_row(row: sqlite3.Row) -> RunRow:
    data = {k: row[k] for k in RunRow.model_fields}
    for key in ("config", "inputs", "outputs"):
        data[key] = json.loads(data[key])
    return RunRow(**data)
