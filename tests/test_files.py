"""Output files (files.py): atomic writes, devices and pipes written in place, the check
that a file can be written. The check of a run's set of outputs is in test_outputs.py."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from briefgen.errors import InputError
from briefgen.files import check_writable, is_special, write_atomic


def test_a_write_replaces_the_file_whole_and_keeps_its_mode(tmp_path):
    target = tmp_path / "brief.md"
    target.write_text("old")
    target.chmod(0o640)
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["brief.md"]  # no temporary file left


def test_a_pipe_is_written_through_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    assert is_special(fifo)
    check_writable(fifo)
    write_atomic(fifo, "<!doctype html>")
    reader.join(timeout=5)
    assert got == [b"<!doctype html>"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still the pipe, not a file renamed over it


def test_dev_null_takes_a_brief_and_stays_a_device():
    null = Path(os.devnull)
    check_writable(null)
    write_atomic(null, "brief")
    assert null.is_char_device()


def test_a_missing_folder_or_a_folder_is_not_an_output(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        check_writable(tmp_path / "nowhere" / "brief.md")
    with pytest.raises(InputError, match="is a folder"):
        check_writable(tmp_path)
    assert not is_special(tmp_path) and not is_special(tmp_path / "missing")


def test_a_lock_folder_that_cannot_be_made_is_one_line(tmp_path):
    from briefgen.files import output_lock

    (tmp_path / "store").write_text("a file where the store's folder should be")
    locked = output_lock([tmp_path / "brief.md"], tmp_path / "store")
    with pytest.raises(InputError, match="cannot hold the output locks"), locked:
        pass
