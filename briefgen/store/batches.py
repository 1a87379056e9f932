"""Batch API jobs (`batches` and `batch_requests`, see extract/batch.py): one row per batch, one
per request in it, each request's answer once collected, and whether a run has taken it, so a
batch is paid for once."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel

from briefgen.model.client import BatchJob
from briefgen.store.db import Database, now


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


class Batches:
    def __init__(self, db: Database):
        self.db = db

    def submitting(
        self,
        input_file_id: str,
        base_url: str,
        model: str,
        job: str,
        requests: Sequence[tuple[str, str]],
    ) -> int:
        """Record a batch about to be created: its input file and its (custom_id, mode) pairs."""
        with self.db.connect() as db:
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

    def update(self, n: int, job: BatchJob) -> None:
        """The provider's view of batch `n`: its id, status and counts."""
        with self.db.connect() as db:
            db.execute(
                "UPDATE batches SET batch_id = ?, status = ?, reason = ?, completed = ?,"
                " failed = ?, updated = ? WHERE n = ?",
                (job.id, job.status, job.reason, job.completed, job.failed, now(), n),
            )

    def abandon(self, n: int, reason: str) -> None:
        """A batch that never reached the provider: its requests are asked anew."""
        with self.db.connect() as db:
            db.execute(
                "UPDATE batches SET status = 'not submitted', reason = ?, collected = ?,"
                " updated = ? WHERE n = ?",
                (reason, now(), now(), n),
            )
            db.execute(
                "UPDATE batch_requests SET error = ?, used = ? WHERE batch = ?", (reason, now(), n)
            )

    def mark(self, n: int, status: str, reason: str) -> None:
        """A state only briefgen knows (`lost`: the server no longer has the batch)."""
        with self.db.connect() as db:
            db.execute(
                "UPDATE batches SET status = ?, reason = ?, updated = ? WHERE n = ?",
                (status, reason, now(), n),
            )

    def custom_ids(self, n: int) -> set[str]:
        """The custom ids of batch `n`'s requests."""
        with self.db.connect() as db:
            rows = db.execute("SELECT custom_id FROM batch_requests WHERE batch = ?", (n,))
            return {row[0] for row in rows}

    def collected(
        self, n: int, outcomes: dict[str, tuple[dict[str, Any] | None, str | None]]
    ) -> None:
        """Batch `n`'s answers: custom_id -> (response body, None) or (None, error)."""
        with self.db.connect() as db:
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

    def requests(
        self, custom_ids: Iterable[str], base_url: str, model: str
    ) -> dict[str, list[BatchRequest]]:
        """custom_id -> its requests in batches for this server and model, newest first."""
        custom_ids = list(dict.fromkeys(custom_ids))
        found: dict[str, list[BatchRequest]] = {}
        with self.db.connect() as db:
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

    def used(self, taken: Iterable[tuple[int, str]]) -> None:
        """Mark (batch, custom_id) answers as taken by a run: they are not handed out again."""
        with self.db.connect() as db:
            db.executemany(
                "UPDATE batch_requests SET used = ? WHERE batch = ? AND custom_id = ?",
                [(now(), n, custom_id) for n, custom_id in taken],
            )

    def rows(self, numbers: Iterable[int] | None = None, limit: int = 50) -> list[BatchRow]:
        """Batches, newest first: those numbered, or the latest `limit`."""
        with self.db.connect() as db:
            if numbers is None:
                rows = db.execute("SELECT * FROM batches ORDER BY n DESC LIMIT ?", (limit,))
            else:
                wanted = list(numbers)
                marks = ",".join("?" * len(wanted))
                rows = db.execute(
                    f"SELECT * FROM batches WHERE n IN ({marks}) ORDER BY n DESC", wanted
                )
            return [BatchRow(**dict(row)) for row in rows]

    def by_id(self, batch_id: str) -> BatchRow | None:
        """The batch the provider knows by `batch_id`."""
        with self.db.connect() as db:
            row = db.execute("SELECT * FROM batches WHERE batch_id = ?", (batch_id,)).fetchone()
        return BatchRow(**dict(row)) if row else None
