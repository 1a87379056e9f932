"""The run log (`runs` and `run_articles`): one row per run and one per article in it, with
the brief each run made (compressed JSON), so the next run can say what changed."""

from __future__ import annotations

import json
import os
import sqlite3
import zlib
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from briefgen.redact import scrub
from briefgen.store.cache import Cache, CacheEntry
from briefgen.store.db import Database, now

TOTALS = ("articles", "cached", "failed", "calls", "reasks", "input_tokens", "output_tokens")


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
    job_name: str | None = None  # the job's name; None for runs of a briefgen before names
    cost: float | None = None  # US dollars; None: unknown, not priced, or not closed


class ArticleRow(BaseModel):
    """One article of one run."""

    n: int
    article_id: str
    source: str
    title: str | None
    content_hash: str
    outcome: str  # "extracted", "cached", "failed", or "stale" (failed, shown as last read)
    reason: str | None
    calls: int
    reasks: int
    input_tokens: int
    output_tokens: int
    dropped: int


class Runs:
    def __init__(self, db: Database, cache: Cache):
        self.db = db
        self.cache = cache  # an article's extraction is cached with its outcome, at once

    def start(
        self,
        job: str,
        config: dict[str, Any],
        inputs: list[str],
        model: str,
        base_url: str,
        prompt_version: str,
        *,
        name: str | None = None,
    ) -> int:
        with self.db.connect() as db:
            cursor = db.execute(
                "INSERT INTO runs (job, started, status, pid, config, inputs, model, base_url,"
                " prompt_version, job_name) VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?, ?)",
                (
                    job,
                    now(),
                    os.getpid(),
                    json.dumps(config, default=str),
                    json.dumps(inputs),
                    model,
                    base_url,
                    prompt_version,
                    name,
                ),
            )
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    def record_articles(
        self,
        run_id: int,
        outcomes: Sequence[tuple[ArticleRow, CacheEntry | None]],
        totals: dict[str, int] | None = None,
    ) -> None:
        """Articles' outcomes, and their extractions for the cache, in one transaction; with
        `totals`, the run's totals so far too, so a run killed half-way keeps its counts."""
        stamp = now()
        with self.db.connect() as db:
            if totals:
                known = {k: int(totals.get(k, 0)) for k in TOTALS}
                db.execute(
                    "UPDATE runs SET "
                    + ", ".join(f"{k} = :{k}" for k in known)
                    + " WHERE id = :id",
                    {**known, "id": run_id},
                )
            db.executemany(
                "INSERT OR REPLACE INTO run_articles (run_id, n, article_id, source, title,"
                " content_hash, outcome, reason, calls, reasks, input_tokens, output_tokens,"
                " dropped) VALUES (:run_id, :n, :article_id, :source, :title, :content_hash,"
                " :outcome, :reason, :calls, :reasks, :input_tokens, :output_tokens, :dropped)",
                [{"run_id": run_id, **row.model_dump()} for row, _ in outcomes],
            )
            self.cache.save(db, [entry for _, entry in outcomes if entry is not None], stamp)

    def finish(
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
        cost: float | None = None,
    ) -> None:
        known = {k: int(totals.get(k, 0)) for k in TOTALS}
        with self.db.connect() as db:
            db.execute(
                "UPDATE runs SET ended = :ended, status = :status, exit_code = :exit_code,"
                " error = :error, outputs = :outputs, brief = :brief, merge_key = :merge_key,"
                " cost = :cost, " + ", ".join(f"{k} = :{k}" for k in known) + " WHERE id = :id",
                {
                    **known,
                    "id": run_id,
                    "ended": now(),
                    "status": status,
                    "exit_code": exit_code,
                    "error": error,
                    "outputs": json.dumps(outputs or []),
                    "brief": zlib.compress(scrub(brief).encode()) if brief is not None else None,
                    "merge_key": merge_key if brief is not None else None,
                    "cost": cost,
                },
            )

    def latest(
        self,
        limit: int = 20,
        *,
        job_name: str | None = None,
        statuses: Sequence[str] | None = None,
        after: int | None = None,
    ) -> list[RunRow]:
        """The last `limit` runs, newest first; only the named job's, only runs with one of
        `statuses`, only runs after the run `after`, when given."""
        where, values = _filter(job_name, statuses, after)
        with self.db.connect() as db:
            rows = db.execute(
                f"SELECT {_RUN_COLUMNS} FROM runs{where} ORDER BY id DESC LIMIT ?",
                (*values, limit),
            ).fetchall()
        return [_run_row(row) for row in rows]

    def count(
        self,
        *,
        job_name: str | None = None,
        statuses: Sequence[str] | None = None,
        after: int | None = None,
    ) -> int:
        """How many runs `latest` would find with no limit."""
        where, values = _filter(job_name, statuses, after)
        with self.db.connect() as db:
            found: int = db.execute(f"SELECT COUNT(*) FROM runs{where}", values).fetchone()[0]
        return found

    def by_id(self, run_id: int) -> tuple[RunRow, list[ArticleRow]] | None:
        """A run and its articles, in order."""
        with self.db.connect() as db:
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
        with self.db.connect() as db:
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
        with self.db.connect() as db:
            row = db.execute(
                "SELECT brief FROM runs WHERE job = ? AND merge_key = ? AND id < ?"
                " AND brief IS NOT NULL ORDER BY id DESC LIMIT 1",
                (job, merge_key, before),
            ).fetchone()
        return None if row is None else zlib.decompress(row["brief"]).decode()

    # --- for "What changed" and stale sources (stale.py) ---

    def last_good(
        self, sources: Sequence[str], job: str, before: int
    ) -> dict[str, tuple[int, str, str]]:
        """For each of `sources` (as run_articles has them) that some run before `before` read
        and extracted (or took from the cache): (that run's id, when it ended, the text's
        content hash), the newest. A URL is the same source in any job; a file only in `job`."""
        found: dict[str, tuple[int, str, str]] = {}
        wanted = list(dict.fromkeys(sources))
        with self.db.connect() as db:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = db.execute(
                    "SELECT a.source, a.run_id, COALESCE(r.ended, r.started) AS at,"
                    " a.content_hash FROM run_articles a JOIN runs r ON r.id = a.run_id"
                    f" WHERE a.source IN ({marks}) AND a.run_id < ?"
                    " AND a.outcome IN ('extracted', 'cached') AND a.content_hash != ''"
                    " AND (r.job = ? OR a.source LIKE '%://%') ORDER BY a.run_id DESC",
                    [*chunk, before, job],
                ).fetchall()
                for row in rows:
                    found.setdefault(row["source"], (row["run_id"], row["at"], row["content_hash"]))
        return found

    def with_briefs(self, before: int, limit: int = 200) -> list[tuple[int, list[str], list[str]]]:
        """(id, inputs, outputs) of the last `limit` runs before `before` that made a brief,
        newest first: to find a job's last brief after its list of sources changed."""
        with self.db.connect() as db:
            rows = db.execute(
                "SELECT id, inputs, outputs FROM runs WHERE id < ? AND brief IS NOT NULL"
                " ORDER BY id DESC LIMIT ?",
                (before, limit),
            ).fetchall()
        return [(row["id"], json.loads(row["inputs"]), json.loads(row["outputs"])) for row in rows]

    def mark(self, run_id: int, numbers: Sequence[int], outcome: str) -> None:
        """Set the outcome of some articles of a run (`stale`: failed, shown as last read)."""
        with self.db.connect() as db:
            db.executemany(
                "UPDATE run_articles SET outcome = ? WHERE run_id = ? AND n = ?",
                [(outcome, run_id, n) for n in numbers],
            )

    def brief_of(self, run_id: int) -> tuple[int, str, str] | None:
        """(run id, when it ended, brief JSON) of one run, if it made a brief."""
        with self.db.connect() as db:
            row = db.execute(
                "SELECT id, ended, brief FROM runs WHERE id = ? AND brief IS NOT NULL", (run_id,)
            ).fetchone()
        if row is None:
            return None
        return row["id"], row["ended"], zlib.decompress(row["brief"]).decode()

    def day_spend(self, job_name: str, day: str, before: int) -> list[SpendRow]:
        """What the job's runs started on `day` (UTC, YYYY-MM-DD) before the run `before` spent:
        each run's cost, and for a run that never closed its row (killed, or still running)
        the tokens of the articles it finished, for the caller to price."""
        with self.db.connect() as db:
            rows = db.execute(
                "SELECT runs.id, runs.model, runs.base_url, runs.cost,"
                " (SELECT COALESCE(SUM(input_tokens), 0) FROM run_articles WHERE run_id = runs.id)"
                " AS input_tokens,"
                " (SELECT COALESCE(SUM(output_tokens), 0) FROM run_articles"
                " WHERE run_id = runs.id) AS output_tokens, runs.ended IS NULL AS open"
                " FROM runs WHERE job_name = ? AND substr(started, 1, 10) = ? AND id < ?"
                " ORDER BY id",
                (job_name, day, before),
            ).fetchall()
        return [SpendRow(**{k: row[k] for k in SpendRow.model_fields}) for row in rows]

    def brief_json(self, run_id: int) -> str | None:
        """The brief JSON the run made, if it made one."""
        with self.db.connect() as db:
            row = db.execute("SELECT brief FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None or row["brief"] is None:
            return None
        return zlib.decompress(row["brief"]).decode()


class SpendRow(BaseModel):
    """One run of a job's day, as `Runs.day_spend` finds it."""

    id: int
    model: str
    base_url: str
    cost: float | None
    input_tokens: int
    output_tokens: int
    open: bool  # never closed its row: `cost` is unknown, its articles' tokens are known


_RUN_COLUMNS = ", ".join(name for name in RunRow.model_fields)


def _filter(
    job_name: str | None, statuses: Sequence[str] | None, after: int | None
) -> tuple[str, list[Any]]:
    """A WHERE clause (or nothing) and its values."""
    clauses: list[str] = []
    values: list[Any] = []
    if job_name is not None:
        clauses.append("job_name = ?")
        values.append(job_name)
    if statuses is not None:
        clauses.append(f"status IN ({', '.join('?' * len(statuses))})")
        values.extend(statuses)
    if after is not None:
        clauses.append("id > ?")
        values.append(after)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), values


def _run_row(row: sqlite3.Row) -> RunRow:
    data = {k: row[k] for k in RunRow.model_fields}
    for key in ("config", "inputs", "outputs"):
        data[key] = json.loads(data[key])
    return RunRow(**data)
