"""Hooks: the `on_success`, `on_partial` and `on_failure` commands of a job, run by
`briefgen make` once the run is over (its outputs written, or not), with the run's facts in
`BRIEFGEN_RUN_*` environment variables.

Which one runs follows the command's exit code: 0 `on_success`, 3 `on_partial`, 4 (batches
not finished) none, anything else `on_failure`. A hook is a shell command line, run by
`/bin/sh -c` as cron runs a crontab line, in the config file's folder (else the current one),
with stdin empty; what it prints goes to briefgen's stderr. It may take `hook_timeout` seconds;
then it is killed, with every process it started. Its failure or timeout is logged in one line
(event `hook`, level ERROR) and never changes the run's exit code.

The facts are environment variables, never pasted into the command: a title or an error line
cannot become shell code. Their prefix, `BRIEFGEN_RUN_`, is no setting's (config.RUN_PREFIX),
so a hook may run briefgen itself.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen.config import RUN_PREFIX, Settings
from briefgen.errors import ExitCode
from briefgen.redact import scrub
from briefgen.runlog import STATUS_CODES, event

LOGGER = "briefgen"
SHELL = "/bin/sh"
# Counts of the run_end event handed to a hook, as BRIEFGEN_RUN_<NAME>.
COUNTS = ("articles", "cached", "failed", "calls", "input_tokens", "output_tokens")


def which(code: int) -> str | None:
    """The hook for an exit code: a settings field name, or None (batches pending)."""
    if code == ExitCode.OK:
        return "on_success"
    if code == ExitCode.PARTIAL:
        return "on_partial"
    if code == ExitCode.BATCH_PENDING:
        return None
    return "on_failure"


class RunEnd(logging.Handler):
    """Keeps the fields of the last `run_end` event logged while it is attached."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.facts: dict[str, Any] | None = None

    def emit(self, record: logging.LogRecord) -> None:
        fields = getattr(record, "briefgen", None)
        if isinstance(fields, dict) and fields.get("event") == "run_end":
            self.facts = dict(fields)


def listen() -> tuple[RunEnd, Callable[[], None]]:
    """Attach a `RunEnd` to the `briefgen` logger; returns it and the function that detaches."""
    handler = RunEnd()
    logger = logging.getLogger(LOGGER)
    previous = logger.level
    logger.addHandler(handler)
    if logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)

    def detach() -> None:  # once; later calls do nothing
        if handler in logger.handlers:
            logger.removeHandler(handler)
            logger.setLevel(previous)

    return handler, detach


def environment(
    settings: Settings,
    code: int,
    facts: Mapping[str, Any] | None,
    error: str | None,
    hook: str,
) -> dict[str, str]:
    """The `BRIEFGEN_RUN_*` variables for a hook: the run's facts, '' where there is none."""
    facts = facts or {}
    statuses = {int(c): s for s, c in STATUS_CODES.items()}
    status = facts.get("status") or statuses.get(code, "error")
    line = error or facts.get("error") or ""

    def path(value: Path | None) -> str:
        return str(Path(value).expanduser().absolute()) if value is not None else ""

    values: dict[str, str] = {
        "HOOK": hook,
        "ID": "" if facts.get("run") is None else str(facts["run"]),
        "JOB": settings.job_name,
        "STATUS": str(status),
        "EXIT_CODE": str(code),
        "ERROR": " ".join(str(line).split()),  # one line, whatever it was given
        "OUT": path(settings.out),
        "JSON": path(settings.json_out),
        "HTML": path(settings.html),
        "DB": path(settings.db_path),
        "SECONDS": "" if facts.get("seconds") is None else str(facts["seconds"]),
        **{name.upper(): str(int(facts.get(name) or 0)) for name in COUNTS},
        # US dollars (prices.py); empty when unknown: an unpriced model, replayed answers
        "COST": "" if facts.get("cost") is None else f"{float(facts['cost']):.6f}",
    }
    values = {name: scrub(value) for name, value in values.items()}  # no secret in a hook's env
    run = f"run {values['ID']}" if values["ID"] else "no run"
    values["SUMMARY"] = (
        f"briefgen {values['JOB']}: {run} {values['STATUS']} (exit {code}): "
        f"{values['ARTICLES']} articles, {values['FAILED']} failed, {values['CALLS']} calls"
        + (f"; {values['ERROR']}" if values["ERROR"] else "")
    )
    numbers = {"ID", "EXIT_CODE", "SECONDS", "COST", *(name.upper() for name in COUNTS)}
    record: dict[str, Any] = {"text": values["SUMMARY"]}  # what chat webhooks show
    for name, value in values.items():
        if name != "SUMMARY":
            record[name.lower()] = _number(value) if name in numbers else value or None
    values["RECORD"] = json.dumps(record, ensure_ascii=False)
    return {RUN_PREFIX + name: value for name, value in values.items()}


def _number(value: str) -> int | float | None:
    if not value:
        return None
    return float(value) if "." in value else int(value)


@dataclass
class Ran:
    """A hook's end: its exit code (None if killed at the timeout), what it printed."""

    hook: str
    code: int | None
    output: str
    seconds: float

    @property
    def ok(self) -> bool:
        return self.code == 0


def run(
    settings: Settings,
    code: int,
    facts: Mapping[str, Any] | None,
    error: str | None = None,
    *,
    cwd: Path | None = None,
    show: Callable[[str], Any] | None = None,
) -> Ran | None:
    """Run the hook for exit `code`, if the settings have one; hand what it printed to `show`
    (default: stderr), then log how it ended."""
    hook = which(code)
    command = getattr(settings, hook) if hook else None
    if hook is None or not command:
        return None
    env = {**os.environ, **environment(settings, code, facts, error, hook)}
    started = time.monotonic()
    try:
        process = subprocess.Popen(
            [SHELL, "-c", command],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a timeout kills all of it
        )
    except OSError as exc:
        _log(hook, f"could not be started ({exc.strerror or exc})", None, 0.0)
        return Ran(hook, None, "", 0.0)
    try:
        output, _ = process.communicate(timeout=settings.hook_timeout)
        result: int | None = process.returncode
    except subprocess.TimeoutExpired:
        _kill(process)
        try:
            output, _ = process.communicate(timeout=5)
        except subprocess.TimeoutExpired:  # a child left its group and holds the pipe
            output = b""
        result = None
    except BaseException:  # Ctrl-C while it runs: it goes too
        _kill(process)
        process.wait()
        raise
    seconds = time.monotonic() - started
    text = output.decode("utf-8", "replace")
    if text:
        (show or sys.stderr.write)(text if text.endswith("\n") else text + "\n")
    if result is None:
        _log(hook, f"timed out after {settings.hook_timeout:g} s and was killed", None, seconds)
    elif result != 0:
        last = text.strip().splitlines()[-1:] or [""]
        said = f": {last[0].strip()[:200]}" if last[0].strip() else ""
        _log(hook, f"failed with exit {result}{said}", result, seconds)
    else:
        event(
            f"hook {hook} ran: exit 0, {seconds:.1f} s",
            event="hook",
            hook=hook,
            exit_code=0,
            seconds=round(seconds, 3),
        )
    return Ran(hook, result, text, seconds)


def _kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def _log(hook: str, what: str, code: int | None, seconds: float) -> None:
    event(
        f"hook {hook} {what}; the run's exit code stands",
        logging.ERROR,
        event="hook",
        hook=hook,
        exit_code=code,
        seconds=round(seconds, 3),
    )
