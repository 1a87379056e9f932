"""The store's SQLite file: opening it (migrated to this schema), its connections, and the
time stamp its rows carry.

The file is opened in WAL mode with a busy timeout, so two jobs can share it: readers never
wait, writers wait their turn. Each transaction is on a connection of its own, opened and closed
with it, so the store's methods may run in worker threads (`asyncio.to_thread`) and never stall
the event loop on a slow disk; a thread that writes often keeps one connection open instead
(`hold_connection`).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from briefgen.errors import InputError
from briefgen.redact import scrub
from briefgen.store.migrations import migrate


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class _Redacting(sqlite3.Connection):
    """A connection that never writes a secret: every text parameter of a statement is
    scrubbed (redact.py) first, so an error, a reason, a source, the settings or a server URL
    reaches the file redacted; a lookup by such a value is scrubbed the same way, so it finds
    it."""

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        return super().execute(sql, _scrubbed(parameters))

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> sqlite3.Cursor:
        return super().executemany(sql, (_scrubbed(p) for p in parameters))


def _scrubbed(parameters: Any) -> Any:
    if isinstance(parameters, dict):
        return {k: scrub(v) if isinstance(v, str) else v for k, v in parameters.items()}
    return [scrub(v) if isinstance(v, str) else v for v in parameters]


def _redacted_row(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> sqlite3.Row:
    """A row as `sqlite3.Row`, its text scrubbed: a store written before redaction was
    complete hands out no secret either."""
    return sqlite3.Row(cursor, tuple(scrub(v) if isinstance(v, str) else v for v in row))


class Database:
    """The SQLite file. Safe to share between processes and threads."""

    def __init__(self, path: Path):
        self.path = path.expanduser()
        self._held = threading.local()  # a thread's held connection (hold_connection)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            migrate(self.path, self.connect)
        except (OSError, sqlite3.Error) as exc:
            raise InputError(f"{self.path}: cannot open the briefgen store ({exc})") from None

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
        db = sqlite3.connect(self.path, timeout=30, factory=_Redacting)
        db.row_factory = _redacted_row
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
