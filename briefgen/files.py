"""Output files: atomic writes (a reader sees the old file or the new one, never half of
either), a check before the run that they can be written, and a lock per output file."""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from briefgen.errors import BusyError, InputError


def _mode_for(path: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual 0666 less the umask
    (mkstemp's 0600 would hide a published brief from the web server that serves it)."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def is_special(path: Path) -> bool:
    """A device, a FIFO or a socket (`/dev/stdout`, `/dev/null`, a pipe): written through, in
    place; a rename over it would put a plain file where the device was."""
    try:
        return not stat.S_ISREG(path.stat().st_mode) and not path.is_dir()
    except OSError:
        return False


@dataclass
class Staged:
    """An output written to a temporary file beside its target (`stage`), waiting to be
    renamed over it (`commit`) or removed (`discard`). A device or a pipe stages nothing: its
    bytes are written through at `commit`."""

    path: Path
    tmp: Path | None
    data: bytes = b""


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def stage(path: Path, text: str | bytes) -> Staged:
    """Write `text` to a temporary file in `path`'s folder, flushed to disk, with the mode
    `path` has (or would get). Nothing is replaced yet; a failed write (a full disk) leaves no
    temporary file behind and raises the OSError."""
    path = path.expanduser()
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    if is_special(path):
        return Staged(path, None, data)
    folder = path.parent
    if not folder.is_dir():
        raise InputError(f"{path}: folder {folder} does not exist")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(tmp, _mode_for(path))
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Staged(path, Path(tmp))


def commit(staged: Staged) -> None:
    """Rename the staged file over its target (a reader sees the old file or the new one,
    never half of either); a device or a pipe is written to as it is."""
    if staged.tmp is None:
        with open(staged.path, "wb") as raw:
            raw.write(staged.data)
        return
    os.replace(staged.tmp, staged.path)


def discard(staged: Staged) -> None:
    """Remove a staged file that will not be committed."""
    if staged.tmp is not None:
        staged.tmp.unlink(missing_ok=True)


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write via a temporary file in the same folder, then rename it over the target; a
    device or a pipe (`is_special`) is written to as it is."""
    staged = stage(path, text)
    try:
        commit(staged)
    except BaseException:
        discard(staged)
        raise


def check_writable(path: Path) -> None:
    """Fail now, before any model call, if `path` cannot be written when the brief is done."""
    path = path.expanduser()
    if is_special(path):  # written in place: only the device or pipe itself must take it
        if not os.access(path, os.W_OK):
            raise InputError(f"{path}: not writable")
        return
    folder = path.parent
    if not folder.is_dir():
        raise InputError(f"{path}: folder {folder} does not exist")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a file")
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise InputError(f"{path}: not writable")


@contextmanager
def output_lock(paths: Sequence[Path], folder: Path) -> Iterator[None]:
    """Hold an exclusive lock per output file for the whole run, so two runs never write the
    same brief; the second says at once who holds it. The locks live in `folder` (beside the
    store), not beside the brief, and are released when the process ends, however it ends."""
    import fcntl

    held: list[int] = []
    try:
        for path in sorted({p.expanduser().resolve() for p in paths}):
            name = hashlib.sha256(str(path).encode()).hexdigest()[:16]
            try:
                (folder / "locks").mkdir(parents=True, exist_ok=True)
                fd = os.open(folder / "locks" / f"{name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:  # beside the store: a read-only or full folder
                raise InputError(
                    f"{folder / 'locks'}: cannot hold the output locks ({exc.strerror or exc})"
                ) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
                os.close(fd)
                raise BusyError(
                    f"{path}: another briefgen run (pid {holder}) is writing it; nothing was done"
                ) from None
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
            held.append(fd)
        yield
    finally:
        for fd in held:
            os.close(fd)


@contextmanager
def held_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on `path` (created if need be), waited for; released when the block
    ends or the process does, however it ends."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
