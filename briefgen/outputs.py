"""The files a run writes and the files it reads back: which outputs the settings name, the
check before any model call, the lock on them for the run, delivering the set, where the
Markdown goes when no file takes it, and reading a saved JSON brief or `briefgen extract`'s
extractions.

The low-level file work (atomic writes, devices and pipes, locks) is in `files.py`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from briefgen import render
from briefgen.config import Settings
from briefgen.errors import InputError, OutputsNotWritten, validation_summary
from briefgen.files import (
    Staged,
    check_writable,
    commit,
    discard,
    is_special,
    output_lock,
    stage,
)
from briefgen.redact import scrub
from briefgen.schemas import ArticleExtraction, ArticleFailure, Brief

# Each output setting and the option that sets it, in the order they are checked.
OUTPUT_OPTIONS = {"out": "--out", "json_out": "--json", "html": "--html"}


def outputs_of(settings: Settings) -> list[Path]:
    """The files the settings name, Markdown, JSON, HTML."""
    return [p for p in (settings.out, settings.json_out, settings.html) if p is not None]


def locked(settings: Settings, folder: Path) -> AbstractContextManager[None]:
    """Each output file locked for the whole run, so two runs never write the same brief
    (`files.output_lock`; the locks live in `folder`, beside the store)."""
    return output_lock(outputs_of(settings), folder)


def check_outputs(settings: Settings) -> None:
    """Before any model call: each output can be written, and no two share a file (one would
    silently replace the other). A device or a pipe may take more than one."""
    seen: dict[Path, str] = {}
    for name, option in OUTPUT_OPTIONS.items():
        path = getattr(settings, name)
        if path is None:
            continue
        check_writable(path)
        key = path.expanduser().resolve()
        if key in seen and not is_special(key):
            raise InputError(
                f"{path}: given for both {seen[key]} and {option}; each output "
                "needs a file of its own"
            )
        seen[key] = option
    check_archive(settings)


def deliver(brief: Brief, settings: Settings, archive: Sequence[Path] = ()) -> list[Path]:
    """Write the outputs the settings name and the `archive` copies (`archive_paths`), all or
    none; returns the paths written. Every text is rendered, then every file staged beside its
    target (`files.stage`: written and flushed to disk), and only then are they renamed over
    their targets together, the outputs first. If a file cannot be staged (a full disk, an I/O
    error), the staged files are removed, no output is replaced, and OutputsNotWritten says
    which file and why (exit 1); a brief that cannot be rendered replaces none of them."""
    texts: list[tuple[Path, str]] = []
    if settings.json_out is not None:
        texts.append((settings.json_out, brief.model_dump_json(indent=2) + "\n"))
    if settings.html is not None:
        texts.append((settings.html, render.html(brief)))
    if settings.out is not None:
        texts.append((settings.out, render.markdown(brief)))
    copies = [(path, render_as(brief, path.suffix)) for path in archive]
    staged: list[Staged] = []
    path = Path()
    try:
        for path, text in texts:
            staged.append(stage(path, text))
        for path, text in copies:
            path.expanduser().parent.mkdir(parents=True, exist_ok=True)
            staged.append(stage(path, text))
    except OSError as exc:
        for done in staged:
            discard(done)
        raise OutputsNotWritten(
            f"{path}: cannot be written ({exc.strerror or exc}); no output was replaced, "
            "the previous brief is as it was",
            brief,
        ) from None
    except BaseException:
        for done in staged:
            discard(done)
        raise
    _commit_all(staged)
    return [path for path, _ in texts] + list(archive)


def _commit_all(staged: list[Staged]) -> None:
    """Rename every staged file over its target. A rename in the folder where the file was
    just written fails only if the folder changed under the run (its permissions, a mount):
    then the files not yet renamed are removed, and the error names those already replaced."""
    for n, one in enumerate(staged):
        try:
            commit(one)
        except OSError as exc:
            for rest in staged[n:]:
                discard(rest)
            replaced = ", ".join(str(done.path) for done in staged[:n]) or "none"
            raise OutputsNotWritten(
                f"{one.path}: cannot be replaced ({exc.strerror or exc}); already replaced: "
                f"{replaced}"
            ) from None


def render_as(brief: Brief, suffix: str) -> str:
    """The brief as the file ending `suffix` holds it: .md Markdown, .json JSON, .html a page."""
    return scrub(_rendered(brief, suffix.lower()))  # no secret in anything a brief is shown as


def _rendered(brief: Brief, kind: str) -> str:
    if kind == ".json":
        return brief.model_dump_json(indent=2) + "\n"
    if kind == ".html":
        return render.html(brief)
    return render.markdown(brief)


def archive_paths(settings: Settings, run_id: int | None, when: datetime) -> list[Path]:
    """The archive's file names for the brief of run `run_id`, which started at `when` (UTC):
    the `archive` setting's templates with {date}, {time}, {run} and {job} filled in (the
    job's name made safe for a file name)."""
    job = re.sub(r"[^\w.-]+", "_", settings.job_name).strip("._") or "job"
    fields = {
        "date": when.strftime("%Y-%m-%d"),
        "time": when.strftime("%H%M%S"),
        "run": run_id if run_id is not None else 0,
        "job": job,
    }
    return [Path(template.format(**fields)).expanduser() for template in settings.archive]


def check_archive(settings: Settings) -> None:
    """Before any model call: the archive's folders can be made and written (the part of each
    name before its first field must lead to a folder that exists or can be created)."""
    for path in archive_paths(settings, 0, datetime.now(UTC)):
        folder = path.parent
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        if not folder.is_dir():
            raise InputError(f"archive {path}: {folder} is not a folder")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise InputError(f"archive {path}: folder {folder} is not writable")


def for_stdout(brief: Brief, settings: Settings) -> str:
    """What the command prints: the Markdown brief unless a file takes the brief (`out`, or
    the page at `html`); then nothing. `json_out` alone still prints the Markdown."""
    if settings.out is None and settings.html is None:
        return render_as(brief, ".md")
    return ""


def read_brief(path: Path) -> Brief:
    """A JSON brief saved by `--json`; an InputError saying what is wrong otherwise."""
    try:
        return Brief.model_validate_json(path.expanduser().read_bytes())
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        summary = validation_summary(exc) if isinstance(exc, ValidationError) else exc
        hint = ""
        if isinstance(exc, ValidationError) and _looks_like_extraction(path):
            hint = "; it holds an extraction: `briefgen merge` it into a brief first"
        raise InputError(f"{path}: not a briefgen JSON brief ({summary}){hint}") from None


def _looks_like_extraction(path: Path) -> bool:
    try:  # the first value: `briefgen extract` of a folder prints several, one after another
        data, _ = json.JSONDecoder().raw_decode(
            path.expanduser().read_text(encoding="utf-8").lstrip()
        )
    except (OSError, ValueError):
        return False
    first = data[0] if isinstance(data, list) and data else data
    return (
        isinstance(first, dict)
        and "article" in first
        and ("extraction" in first or "reason" in first)
    )


def read_extractions(path: Path) -> list[ArticleExtraction | ArticleFailure]:
    """The extractions in one file: one JSON object, several one after another (what `extract`
    prints for a folder, or JSON lines), or a JSON array of them."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise InputError(f"{path}: not JSON ({exc})") from None
    decoder, blank = json.JSONDecoder(), re.compile(r"\s*")
    values: list[Any] = []
    at = 0
    while (at := blank.match(text, at).end()) < len(text):  # type: ignore[union-attr]  # `\s*` matches anywhere: never None
        try:
            value, at = decoder.raw_decode(text, at)
        except ValueError as exc:
            raise InputError(f"{path}: not JSON ({exc})") from None
        values += value if isinstance(value, list) else [value]
    if not values:
        raise InputError(f"{path}: no extraction in it")
    found: list[ArticleExtraction | ArticleFailure] = []
    for n, data in enumerate(values, start=1):
        model: type[ArticleExtraction | ArticleFailure] = (
            ArticleFailure if isinstance(data, dict) and "reason" in data else ArticleExtraction
        )
        try:
            found.append(model.model_validate(data))
        except ValidationError as exc:
            where = f" (value {n})" if len(values) > 1 else ""
            problem = validation_summary(exc)
            raise InputError(f"{path}{where}: not a briefgen extraction ({problem})") from None
    return found
