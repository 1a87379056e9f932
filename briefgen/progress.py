"""How a run looks on stderr: the CLI's handlers for the library's `briefgen` log records.

- on a terminal: a progress bar (rich) with articles done, cached and failed, model calls,
  tokens and time left; warnings and errors print above it;
- elsewhere (cron, systemd, a pipe): one plain line per event with a UTC timestamp;
- `json`: one JSON object per line, for log collectors;
- quiet: errors only.

The library itself only logs; each record's `briefgen` attribute holds the event's fields.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable
from typing import IO, Any

LOGGER = "briefgen"


class UTCFormatter(logging.Formatter):
    # time.gmtime is a builtin, never bound as a method; staticmethod says so to mypy.
    converter = staticmethod(time.gmtime)

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(message)s", "%Y-%m-%dT%H:%M:%SZ")


class JSONFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created)),
            "level": record.levelname.lower(),
            "message": record.getMessage(),
        }
        data.update(getattr(record, "briefgen", {}))
        return json.dumps(data, ensure_ascii=False, default=str)


class BarHandler(logging.Handler):
    """A rich progress bar driven by the run's events."""

    def __init__(self, stream: IO[str]):
        super().__init__(logging.INFO)
        from rich.console import Console

        self.console = Console(file=stream, stderr=True)
        self.progress: Any = None
        self.task: Any = None
        self.counts = {"cached": 0, "failed": 0, "calls": 0, "tokens": 0}

    def _start(self, total: int) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(
            TextColumn("articles"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[status]}"),
            TimeRemainingColumn(),
            console=self.console,
            transient=True,
        )
        self.task = self.progress.add_task("", total=total, status=self._status())
        self.progress.start()

    def _status(self) -> str:
        c = self.counts
        return (
            f"{c['cached']} cached · {c['failed']} failed · {c['calls']} calls · "
            f"{c['tokens']} tokens"
        )

    def emit(self, record: logging.LogRecord) -> None:
        fields = getattr(record, "briefgen", {})
        kind = fields.get("event")
        if kind == "run_start":
            self._start(int(fields.get("articles", 0)))
            return
        if kind == "article" and self.progress is not None:
            self.counts["calls"] += int(fields.get("calls", 0))
            self.counts["tokens"] += int(fields.get("tokens", 0))
            if fields.get("outcome") in ("cached", "failed"):
                self.counts[fields["outcome"]] += 1
            self.progress.update(self.task, advance=1, status=self._status())
        if kind == "run_end" and self.progress is not None:
            self.progress.stop()
            self.progress = None
        if record.levelno >= logging.WARNING or kind in ("run_end", "batch"):
            self.console.print(record.getMessage(), markup=False, highlight=False)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
        super().close()


def attach(
    log_format: str = "text", quiet: bool = False, stream: IO[str] | None = None
) -> Callable[[], None]:
    """Show the run on `stream` (stderr); returns the function that detaches it again."""
    stream = stream or sys.stderr
    handler: logging.Handler
    if log_format == "json":
        handler = logging.StreamHandler(stream)
        handler.setFormatter(JSONFormatter())
    elif not quiet and stream.isatty():
        handler = BarHandler(stream)
    else:
        handler = logging.StreamHandler(stream)
        handler.setFormatter(UTCFormatter())
    handler.setLevel(logging.ERROR if quiet else logging.INFO)
    logger = logging.getLogger(LOGGER)
    logger.addHandler(handler)
    previous_level, previous_propagate = logger.level, logger.propagate
    logger.setLevel(logging.INFO)
    logger.propagate = False  # the CLI shows the run once, not also through the root logger

    def detach() -> None:
        logger.removeHandler(handler)
        handler.close()
        logger.setLevel(previous_level)
        logger.propagate = previous_propagate

    return detach
