"""The offline gazetteer: lookups, and its built index kept in the user's cache folder only."""

from __future__ import annotations

import sys

import pytest

from briefgen.text import gazetteer
from briefgen.text.fold import fold
from briefgen.text.gazetteer import lookup


def test_the_gazetteer_loads_once_and_an_unknown_name_finds_nothing():
    first = gazetteer.gazetteer()
    assert gazetteer.gazetteer() is first
    assert lookup.__wrapped__(fold("Place 1234")) == ()


@pytest.mark.slow
def test_the_built_index_is_kept_and_read_back_whole(tmp_path):
    built = gazetteer.gazetteer()
    path = tmp_path / "gazetteer.marshal"
    gazetteer._write_index(path, built)
    read = gazetteer._read_index(path)
    assert read is not None
    assert read.entries == built.entries and read.names == built.names
    assert read.stems == built.stems and read.us_states == built.us_states
    path.write_bytes(b"not an index")  # a damaged file means building again, not an error
    assert gazetteer._read_index(path) is None
    older = tmp_path / "gazetteer-0000.marshal"
    older.write_bytes(b"an older briefgen's index")
    newer = tmp_path / "gazetteer-1111.marshal"
    gazetteer._write_index(newer, built)  # the new index replaces the old one
    assert newer.exists() and not older.exists()


def test_the_index_is_named_by_what_it_is_built_from(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = gazetteer.index_path()
    assert path is not None and path.parent == tmp_path / "cache" / "briefgen" / "index"
    assert path.name.startswith("gazetteer-") and path.suffix == ".marshal"


def test_the_index_is_never_written_beside_a_store(monkeypatch, tmp_path):
    """A run with its own store (--db) and the default store's folder get no index file; it
    goes to the user's cache folder, or nowhere when that cannot be written."""
    from briefgen import config

    default = config.default_db()  # the tests' default store (conftest), in its own folder
    other = tmp_path / "elsewhere" / "run.db"
    for store in (default, other):
        store.parent.mkdir(parents=True, exist_ok=True)
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.setattr(gazetteer, "_build", lambda: gazetteer.Gazetteer(names={}, stems={}))
    gazetteer.gazetteer.cache_clear()
    try:
        gazetteer.gazetteer()
        assert list(default.parent.iterdir()) == [] and list(other.parent.iterdir()) == []
        [written] = (cache / "briefgen" / "index").iterdir()
        assert written.name.startswith("gazetteer-")
        # A cache folder that cannot be written: built in memory, nothing written anywhere.
        monkeypatch.setenv("XDG_CACHE_HOME", str(written))  # a file, not a folder
        gazetteer.gazetteer.cache_clear()
        assert gazetteer.gazetteer().entries == {}
        assert list(default.parent.iterdir()) == [] and list(other.parent.iterdir()) == []
    finally:
        gazetteer.gazetteer.cache_clear()
        gazetteer.lookup.cache_clear()


def test_the_text_layer_imports_no_configuration_and_no_stage():
    import subprocess

    code = (
        "import sys, briefgen.text.gazetteer, briefgen.text.names, briefgen.text.words, "
        "briefgen.text.stems; "
        "print(sorted(m for m in sys.modules if m.startswith('briefgen.') "
        "and not m.startswith(('briefgen.text', 'briefgen.errors', 'briefgen.schemas'))))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == "[]"
