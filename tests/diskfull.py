"""A full disk on demand: `os.write` to chosen files fails with ENOSPC, as it does when the
disk fills, and every other write goes through. The file an fd writes to is found through
/proc/self/fd (Linux); where there is none, the tests that need it are skipped."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import pytest


def fd_path(fd: int) -> str:
    return os.readlink(f"/proc/self/fd/{fd}")


def fail_writes(monkeypatch: pytest.MonkeyPatch, full: Callable[[str], bool]) -> list[str]:
    """From now on, `os.write` to a file whose path `full` accepts raises ENOSPC; returns the
    list of paths refused so far."""
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc/self/fd to tell which file a write goes to")
    real = os.write
    refused: list[str] = []

    def write(fd: int, data: bytes) -> int:
        try:
            where = fd_path(fd)
        except OSError:
            where = ""
        if where and full(where):
            refused.append(where)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd, data)

    monkeypatch.setattr(os, "write", write)
    return refused


def staged_for(name: str) -> Callable[[str], bool]:
    """The temporary file an output named `name` is staged in (files.stage: `.NAME.*.tmp`)."""
    return lambda path: Path(path).name.startswith(f".{name}.") and path.endswith(".tmp")
