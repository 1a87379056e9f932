"""The store's file: opening it, and a thread's held connection."""

from __future__ import annotations

import sqlite3

import pytest

from briefgen.errors import InputError
from briefgen.model.structured import Mode
from briefgen.store import Store


def test_a_store_that_cannot_be_opened_is_one_line(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(InputError, match="cannot open the briefgen store"):
        Store(tmp_path / "file" / "briefgen.db")


def test_a_held_connection_serves_its_thread_until_released(tmp_path, monkeypatch):
    import threading

    store = Store(tmp_path / "b.db")
    opened: list[sqlite3.Connection] = []
    real_open = store.db._open
    monkeypatch.setattr(store.db, "_open", lambda: opened.append(real_open()) or opened[-1])
    store.db.hold_connection()
    store.modes.remember("http://a", "m", Mode.SCHEMA)
    store.modes.remember("http://b", "m", Mode.JSON_OBJECT)
    assert len(opened) == 1  # both writes on the held connection
    other: list[Mode | None] = []
    thread = threading.Thread(
        target=lambda: other.append(Store(store.path).modes.recall("http://a", "m"))
    )
    thread.start()
    thread.join()
    assert other == [Mode.SCHEMA]  # committed, seen by another connection
    with pytest.raises(sqlite3.IntegrityError), store.db.connect() as db:
        insert = "INSERT INTO structured_modes (base_url, model, mode, updated) VALUES (?, ?, ?, ?)"
        db.execute(insert, ("x", "m", "j", "t"))
        db.execute(insert, ("x", "m", "j", "t"))
    with store.db.connect() as db:  # the failed transaction was rolled back
        assert db.execute("SELECT count(*) FROM structured_modes").fetchone()[0] == 2
    store.db.release_connection()
    with pytest.raises(sqlite3.ProgrammingError):
        opened[0].execute("SELECT 1")  # closed
    store.modes.remember("http://c", "m", Mode.JSON_OBJECT)
    assert len(opened) == 2  # a connection of its own again
