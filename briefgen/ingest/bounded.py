"""Reads that end: a byte cap on local files and stdin, and blocking reads kept off the event
loop's thread (the time of a fetch is bounded in deadline.py).

- `read_file` reads a regular file and nothing else: a FIFO, a device or a socket is refused
  before it is opened (opening a FIFO blocks until a writer comes; /dev/zero never ends), and
  the cap is applied to the bytes read, not to the size the file reports.
- `read_stream` reads stdin (or any stream) up to the cap.
- `off_thread` runs a blocking function on a daemon thread and awaits it: the event loop
  stays responsive, so the first SIGINT or SIGTERM cancels the run at once, and a read still
  blocked then does not keep the process alive.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import os
import stat
import threading
from collections.abc import Callable
from typing import IO, Any, TypeVar

from briefgen.errors import InputError

T = TypeVar("T")

# --- local files and stdin --------------------------------------------------------------------

_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


def kind(mode: int) -> str | None:
    """What a file of `mode` is when it is not a regular file ("a FIFO (named pipe)", ...)."""
    if stat.S_ISREG(mode):
        return None
    return next((what for test, what in _KINDS if test(mode)), "not a regular file")


def too_large(name: str, limit: int, size: int | None = None) -> InputError:
    said = f"{size:,} bytes, more than the {limit:,}" if size else f"more than the {limit:,} bytes"
    return InputError(f"{name}: {said} a run reads per file (max_input_bytes)")


def read_file(path: str | os.PathLike[str], limit: int, name: str) -> bytes:
    """The bytes of the regular file at `path` (a link is followed), at most `limit`; anything
    else is an `InputError` whose message starts with `name`. A FIFO, a device or a socket is
    refused without being opened; one put in the file's place after that check is opened
    without blocking and refused too."""
    try:
        found = kind(os.stat(path).st_mode)
        if found is not None:
            raise InputError(f"{name}: {found}, not a file; briefgen reads files and stdin only")
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        with os.fdopen(os.open(path, flags), "rb") as file:
            info = os.fstat(file.fileno())
            if kind(info.st_mode) is not None:
                raise InputError(f"{name}: not a regular file; briefgen reads files and stdin only")
            if info.st_size > limit:
                raise too_large(name, limit, info.st_size)
            data = file.read(limit + 1)  # the reported size may be wrong: /proc, a growing file
    except OSError as exc:
        raise InputError(f"{name}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise too_large(name, limit)
    return data


def read_stream(stream: IO[Any], limit: int, name: str = "-") -> bytes | str:
    """At most `limit` bytes of `stream` (its binary buffer when it has one; characters from a
    text stream without one), or an `InputError` when there is more."""
    source = getattr(stream, "buffer", stream)
    try:
        data = source.read(limit + 1)
    except OSError as exc:
        raise InputError(f"{name}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise too_large(name, limit)
    return data


# --- blocking reads off the event loop ----------------------------------------------------------


async def off_thread(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`function(*args, **kwargs)` run on a daemon thread of its own, awaited.

    Not `asyncio.to_thread`: its pool's threads are joined when the loop closes and when the
    interpreter exits, so one blocked in a read would hold the process after a cancellation.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()
    context = contextvars.copy_context()

    def settle(result: T | None, error: BaseException | None) -> None:
        if future.done():  # cancelled while the thread worked
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]

    def work() -> None:
        try:
            result, error = context.run(function, *args, **kwargs), None
        except BaseException as exc:
            result, error = None, exc
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits any more
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=work, name=f"briefgen-{function.__name__}", daemon=True).start()
    return await future
