"""The structured-output mode memory the store keeps across runs."""

from __future__ import annotations

from briefgen.model.ladder import Ladder, ModeMemory
from briefgen.model.structured import Mode
from briefgen.store import Store


def test_a_mode_remembered_is_recalled_here_and_by_the_next_run(tmp_path):
    store = Store(tmp_path / "b.db")
    assert store.modes.recall("http://x/v1/", "m") is None
    store.modes.remember("http://x/v1/", "m", Mode.JSON_OBJECT)
    store.modes.remember("http://x/v1/", "m", Mode.PROMPT)  # the newest wins
    assert store.modes.recall("http://x/v1/", "m") is Mode.PROMPT
    assert Store(store.path).modes.recall("http://x/v1/", "m") is Mode.PROMPT
    assert Store(store.path).modes.recall("http://x/v1/", "other") is None


def test_a_mode_this_briefgen_does_not_know_is_not_recalled(tmp_path):
    store = Store(tmp_path / "b.db")
    with store.db.connect() as db:
        db.execute("INSERT INTO structured_modes VALUES ('u', 'm', 'telepathy', '2026-01-01')")
    assert store.modes.recall("u", "m") is None


def test_the_stores_modes_are_the_ladders_memory(tmp_path):
    memory: ModeMemory = Store(tmp_path / "b.db").modes
    assert Ladder("u", "m", memory=memory).first() is Mode.STRICT
    memory.remember("u", "m", Mode.TOOLS)
    assert Ladder("u", "m", memory=memory).first() is Mode.TOOLS
