"""What briefgen keeps between runs, in one SQLite file, as one small object per concern over
one database:

- `store.modes` (modes.py): the structured-output mode that worked per server and model;
- `store.cache` (cache.py): validated, grounded extractions, keyed by what would change the
  answer (see extract/cachekey.py), so an article is paid for once;
- `store.claim_checks` (claimchecks.py): the optional claim check's answers, so a pair is
  asked once;
- `store.runs` (runs.py): the run log, one row per run and one per article in it, with the
  brief each run made, so the next run can say what changed;
- `store.batches` (batches.py): Batch API jobs, each request's answer once collected, and
  whether a run has taken it, so a batch is paid for once;
- `store.prune(older_than)` (prune.py): forgetting what is old, across them.

`store.db` (db.py) is the file itself: opened in WAL mode, migrated to this schema
(migrations.py), one transaction per call.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from briefgen.store.batches import Batches, BatchRequest, BatchRow
from briefgen.store.cache import Cache, CacheEntry
from briefgen.store.claimchecks import ClaimChecks
from briefgen.store.db import Database
from briefgen.store.modes import Modes
from briefgen.store.prune import prune
from briefgen.store.runs import ArticleRow, RunRow, Runs

__all__ = [
    "ArticleRow",
    "BatchRequest",
    "BatchRow",
    "CacheEntry",
    "RunRow",
    "Store",
]


class Store:
    """The SQLite file and its parts. Safe to share between processes and threads."""

    def __init__(self, path: Path):
        self.db = Database(path)
        self.path = self.db.path
        self.modes = Modes(self.db)
        self.cache = Cache(self.db)
        self.claim_checks = ClaimChecks(self.db)
        self.runs = Runs(self.db, self.cache)
        self.batches = Batches(self.db)

    def prune(self, older_than: timedelta) -> tuple[int, int]:
        """See `briefgen.store.prune.prune`."""
        return prune(self.db, older_than)
