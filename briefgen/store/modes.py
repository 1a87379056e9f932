"""The structured-output mode that worked, per server and model (`structured_modes`), so the
next call and the next run start there. Satisfies the ladder's `ModeMemory`."""

from __future__ import annotations

from briefgen.model.structured import Mode
from briefgen.store.db import Database, now


class Modes:
    def __init__(self, db: Database):
        self.db = db
        # Read once per (server, model) and process: every model call asks, and the answer
        # changes only through `remember` (another process's change is seen on the next run).
        self._known: dict[tuple[str, str], Mode | None] = {}

    def recall(self, base_url: str, model: str) -> Mode | None:
        """The mode that last worked for this server and model, if the store knows one."""
        if (base_url, model) not in self._known:
            self._known[(base_url, model)] = self._read(base_url, model)
        return self._known[(base_url, model)]

    def _read(self, base_url: str, model: str) -> Mode | None:
        with self.db.connect() as db:
            row = db.execute(
                "SELECT mode FROM structured_modes WHERE base_url = ? AND model = ?",
                (base_url, model),
            ).fetchone()
        try:
            return Mode(row[0]) if row else None
        except ValueError:  # written by a briefgen that knew a mode this one does not
            return None

    def remember(self, base_url: str, model: str, mode: Mode) -> None:
        """The mode that worked for this server and model, from now on."""
        self._known[(base_url, model)] = mode
        with self.db.connect() as db:
            db.execute(
                "INSERT INTO structured_modes (base_url, model, mode, updated) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (base_url, model) DO UPDATE SET mode = excluded.mode,"
                " updated = excluded.updated",
                (base_url, model, mode.value, now()),
            )
