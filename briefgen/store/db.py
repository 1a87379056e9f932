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

from briefgen.errors import InputError, StoreError
from briefgen.redact import scrub
from briefgen.store.migrations import migrate

# SQLite's primary result codes for a file that is not what it should be, and a full disk.
_DAMAGED = {11: "SQLITE_CORRUPT", 26: "SQLITE_NOTADB"}
_FULL = 13  # SQLITE_FULL
_IOERR = 10  # SQLITE_IOERR, with its extended codes


def store_error(path: Path, exc: sqlite3.Error) -> StoreError | None:
    """The one-line StoreError for a store whose file is damaged or whose disk is full (or
    another I/O error), naming the file and what to do; None for any other SQLite error. By
    the result code SQLite gives, else by its message (an error raised by other code)."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc).lower()
    cause = " ".join(str(exc).split()) or type(exc).__name__
    if primary in _DAMAGED or "malformed" in text or "not a database" in text:
        aside = f"{path}.damaged"
        return StoreError(
            f"{path}: the briefgen store is damaged ({cause}); move it aside "
            f"(mv {path} {aside}) and run again: a new store is made, and its first run "
            "asks the model again for every article",
            path,
            "damaged",
        )
    if primary == _FULL or "disk is full" in text:
        return StoreError(
            f"{path}: the disk holding the briefgen store is full ({cause}); free space on "
            "it and run again",
            path,
            "full",
        )
    if primary == _IOERR or "disk i/o error" in text:
        return StoreError(
            f"{path}: the briefgen store cannot be read or written ({cause}); check its disk, "
            "or move the file aside and run again",
            path,
            "unusable",
        )
    return None


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class RedactingConnection(sqlite3.Connection):
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
        except StoreError:
            raise
        except (OSError, sqlite3.Error) as exc:
            raise InputError(f"{self.path}: cannot open the briefgen store ({exc})") from None

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """One transaction: committed, or rolled back on error. On a thread that holds a
        connection (`hold_connection`) it is that one; elsewhere a connection of its own,
        closed after. A damaged file or a full disk is raised as a StoreError that says what
        to do (`store_error`); other SQLite errors as they are."""
        try:
            with self._transaction() as db:
                yield db
        except sqlite3.Error as exc:
            found = store_error(self.path, exc)
            if found is None:
                raise
            raise found from exc

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
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
        db = sqlite3.connect(self.path, timeout=30, factory=RedactingConnection)
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
        held connection holds no lock. A file that cannot be opened now is left to the next
        `connect`, which says why (this runs as a thread pool's initializer, where an error
        would break the pool)."""
        if getattr(self._held, "db", None) is None:
            try:
                self._held.db = self._open()
            except sqlite3.Error:
                self._held.db = None

    def release_connection(self) -> None:
        """Close the calling thread's held connection, if it has one."""
        held: sqlite3.Connection | None = getattr(self._held, "db", None)
        self._held.db = None
        if held is not None:
            held.close()
