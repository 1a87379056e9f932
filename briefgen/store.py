"""What briefgen remembers between runs, in one SQLite file: the structured-output mode that
worked for each server and model, so the next run starts there instead of stepping down again.

Schema changes are migrations keyed on SQLite's `user_version`; a file from a newer briefgen is
left alone rather than rewritten.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from briefgen.structured import Mode

MIGRATIONS: tuple[str, ...] = (
    """CREATE TABLE structured_modes (
        base_url TEXT NOT NULL,
        model TEXT NOT NULL,
        mode TEXT NOT NULL,
        updated TEXT NOT NULL,
        PRIMARY KEY (base_url, model)
    )""",
)


class ModeMemory(Protocol):
    def get(self, base_url: str, model: str) -> Mode | None: ...

    def set(self, base_url: str, model: str, mode: Mode) -> None: ...


class InMemoryModes:
    """For one run only: replay, tests, or no state folder."""

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


class StateStore:
    """The SQLite file in the state folder. Each call opens, commits and closes: runs are short,
    several may overlap, and a held connection would serialise them for nothing."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "state.db"
        # Read once per (server, model) and process: every model call asks, and the answer
        # changes only through `set` (another process's change is seen on the next run).
        self._known: dict[tuple[str, str], Mode | None] = {}
        with self._connect() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            for number, statement in enumerate(MIGRATIONS[version:], start=version + 1):
                db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=10)
        try:
            with db:  # commits, or rolls back on error
                yield db
        finally:
            db.close()

    def get(self, base_url: str, model: str) -> Mode | None:
        if (base_url, model) not in self._known:
            self._known[(base_url, model)] = self._read(base_url, model)
        return self._known[(base_url, model)]

    def _read(self, base_url: str, model: str) -> Mode | None:
        with self._connect() as db:
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
        with self._connect() as db:
            db.execute(
                "INSERT INTO structured_modes (base_url, model, mode, updated) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (base_url, model) DO UPDATE SET mode = excluded.mode,"
                " updated = excluded.updated",
                (base_url, model, mode.value, datetime.now(UTC).isoformat(timespec="seconds")),
            )
