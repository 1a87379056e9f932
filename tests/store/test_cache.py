"""The extraction cache: what it hands back, and that it marks it used."""

from __future__ import annotations

import sqlite3

import pytest

from briefgen.store import Store

from test_runs import entry


def used(store: Store) -> dict[str, str]:
    with store.db.connect() as db:
        return {r["key"]: r["used"] for r in db.execute("SELECT key, used FROM extractions")}


def test_lookup_hands_back_what_it_holds_and_marks_it_used(tmp_path):
    store = Store(tmp_path / "b.db")
    with store.db.connect() as db:
        store.cache.save(db, [entry("k1"), entry("k2")], "2026-01-01T00:00:00+00:00")
    assert store.cache.lookup([]) == {}
    assert used(store) == dict.fromkeys(["k1", "k2"], "2026-01-01T00:00:00+00:00")
    keys = ["k1", "k1", "none", *(f"x{i}" for i in range(600))]  # more than one chunk
    assert store.cache.lookup(keys) == {"k1": "{}"}
    after = used(store)
    assert after["k1"] > "2026-01-01T00:00:00+00:00"
    assert after["k2"] == "2026-01-01T00:00:00+00:00"


def test_saving_is_part_of_the_callers_transaction(tmp_path):
    store = Store(tmp_path / "b.db")
    with pytest.raises(sqlite3.IntegrityError), store.db.connect() as db:
        store.cache.save(db, [entry("k1")], "2026-01-01T00:00:00+00:00")
        db.execute("INSERT INTO runs (id, job) VALUES (1, 'j')")  # fails: NOT NULL columns
    assert store.cache.lookup(["k1"]) == {}
