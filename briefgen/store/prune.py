"""Forgetting what is old, across the tables: cached extractions and claim-check answers not
used, collected batches, and runs not started, within a given age."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from briefgen.store.db import Database

UNTAKEN_KEPT = timedelta(days=30)  # prune keeps batch answers no run has taken, this long


def prune(database: Database, older_than: timedelta) -> tuple[int, int]:
    """Forget cached extractions and claim-check answers not used, and runs not started,
    within `older_than`; returns (extractions, runs) removed. A job's newest brief is kept
    whatever its age, so the next run can still say what changed."""
    cutoff = (datetime.now(UTC) - older_than).isoformat(timespec="seconds")
    with database.connect() as db:
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
    with database.connect() as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    sqlite3.connect(database.path).execute("VACUUM").connection.close()
    return extractions, runs
