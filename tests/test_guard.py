"""No traceback, ever, from the command line; a damaged or full store is one line naming the
file and what to do (exit 2), and a store that fills during a run loses no paid answer from the
brief; outputs are written all or none (issue 22)."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from briefgen import pipeline
from briefgen.errors import (
    BriefgenError,
    NothingProduced,
    OutputsNotWritten,
    StoreError,
    StoreNotUpdated,
)
from briefgen.store import Store
from briefgen.store.db import Database, RedactingConnection

from conftest import SAMPLE_TEXT, TEST_KEY, invoke, sample_extraction, settings_for
from diskfull import fail_writes, staged_for
from fakeserver import Reply, chat_completion

ANSWER = Reply(body=chat_completion(sample_extraction().model_dump_json()))


def one_line_error(stderr: str) -> str:
    """The one `briefgen: error:` line of stderr; fails on a traceback or on more lines."""
    assert "Traceback" not in stderr, stderr
    errors = [line for line in stderr.splitlines() if line.startswith("briefgen: error: ")]
    assert len(errors) == 1, stderr
    return errors[0]


@pytest.fixture
def inbox(tmp_path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for n in range(8):
        (folder / f"a{n}.txt").write_text(f"Report {n}\n{SAMPLE_TEXT} Story {n}.")
    return folder


def a_brief(runner, server, inbox, db, out: Path) -> None:
    """A first run that fills the store and writes a brief (md, json, html) at `out`."""
    server.default = ANSWER
    made = invoke(
        runner,
        "make",
        inbox,
        "--base-url",
        server.url,
        "-q",
        "--out",
        out,
        "--json",
        out.with_suffix(".json"),
        "--html",
        out.with_suffix(".html"),
    )
    assert made.exit_code == 0, made.stderr


# --- an unexpected exception in any command ---------------------------------------------------


def _boom(*args: object, **kwargs: object) -> None:
    raise RuntimeError("something nobody foresaw\non two lines sk-fake-abcdefghijklmnopq")


# command line -> where the unexpected exception is raised
COMMANDS = {
    "make": ("briefgen.pipeline.make_brief", ["make", "{inbox}"]),
    "demo": ("briefgen.pipeline.make_brief", ["demo"]),
    "extract": ("briefgen.pipeline.aextract", ["extract", "{inbox}"]),
    "merge": ("briefgen.outputs.read_extractions", ["merge", "{extraction}"]),
    "render": ("briefgen.outputs.read_brief", ["render", "{brief}"]),
    "diff": ("briefgen.outputs.read_brief", ["diff", "{brief}", "{brief}"]),
    "schema": ("briefgen.schemas.Brief.model_json_schema", ["schema"]),
    "config": ("briefgen.config.describe", ["config"]),
    "runs": ("briefgen.store.Store.__init__", ["runs"]),
    "runs show": ("briefgen.store.Store.__init__", ["runs", "show", "1"]),
    "status": ("briefgen.health.check", ["status"]),
    "batches": ("briefgen.pipeline.abatches", ["batches", "--local"]),
    "batches cancel": ("briefgen.pipeline.acancel_batch", ["batches", "cancel", "b1"]),
    "cache prune": ("briefgen.store.Store.prune", ["cache", "prune"]),
}


@pytest.mark.parametrize("debug", [False, True], ids=["plain", "debug"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_an_unexpected_exception_in_any_command_is_one_line_and_exit_1(
    runner, inbox, tmp_path, monkeypatch, command, debug
):
    (tmp_path / "e.json").write_text("{}")
    target, args = COMMANDS[command]
    monkeypatch.setattr(target, _boom)
    names = {"inbox": inbox, "extraction": tmp_path / "e.json", "brief": tmp_path / "e.json"}
    line = [a.format(**names) for a in args]
    result = invoke(runner, *(["--debug"] if debug else []), *line)
    assert result.exit_code == 1, result.output
    if debug:  # the traceback follows the line, redacted like it
        assert "Traceback (most recent call last)" in result.stderr
        assert "in _boom" in result.stderr
        error = [s for s in result.stderr.splitlines() if s.startswith("briefgen: error:")]
        assert len(error) == 1
    else:
        error = [one_line_error(result.stderr)]
        assert "--debug" in error[0]
    assert "unexpected error (RuntimeError: something nobody foresaw on two lines" in error[0]
    assert "this is a bug in briefgen" in error[0]
    assert "sk-fake-abcdefghijklmnopq" not in result.stderr


def test_an_os_error_nobody_foresaw_names_the_file_and_the_cause(runner, inbox, monkeypatch):
    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", "/srv/briefs/somewhere")

    monkeypatch.setattr("briefgen.pipeline.make_brief", denied)
    result = invoke(runner, "make", inbox)
    assert result.exit_code == 1
    line = one_line_error(result.stderr)
    assert line.startswith("briefgen: error: /srv/briefs/somewhere: Permission denied")
    assert "a bug" not in line


def test_the_on_failure_hook_hears_an_unexpected_error(runner, inbox, tmp_path, monkeypatch):
    said = tmp_path / "said"
    (tmp_path / "briefgen.toml").write_text(
        f'sources = ["{inbox}"]\non_failure = "echo $BRIEFGEN_RUN_EXIT_CODE > {said}"\n'
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("briefgen.pipeline.make_brief", _boom)
    result = invoke(runner, "make", "-q")
    assert result.exit_code == 1
    one_line_error(result.stderr)
    assert said.read_text().strip() == "1"


# --- a damaged store --------------------------------------------------------------------------


def damage(path: Path) -> None:
    """Random bytes over every page of the store but the first (the header stays valid)."""
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = path.stat().st_size
    with open(path, "r+b") as raw:
        raw.seek(4096)
        raw.write(os.urandom(size - 4096))


@pytest.mark.parametrize(
    "args",
    [
        ["make", "{inbox}", "--base-url", "{url}"],
        ["runs"],
        ["runs", "show", "1"],
        ["cache", "prune"],
        ["batches", "--local"],
    ],
    ids=["make", "runs", "runs show", "cache prune", "batches"],
)
def test_a_store_with_damaged_pages_is_one_line_naming_it_and_the_remedy(
    runner, server, inbox, db, tmp_path, args
):
    a_brief(runner, server, inbox, db, tmp_path / "brief.md")
    damage(db)
    calls = len(server.requests)
    line = [a.format(inbox=inbox, url=server.url) for a in args]
    result = invoke(runner, *line)
    assert result.exit_code == 2, result.output
    error = one_line_error(result.stderr)
    assert f"{db}: the briefgen store is damaged" in error
    assert f"move it aside (mv {db} {db}.damaged)" in error
    assert len(server.requests) == calls  # nothing paid for on a store that cannot keep it


def test_a_file_that_is_not_a_store_is_one_line(runner, inbox, db):
    db.parent.mkdir(parents=True, exist_ok=True)
    db.write_bytes(os.urandom(64 * 1024))
    result = invoke(runner, "runs")
    assert result.exit_code == 2
    assert f"{db}: the briefgen store is damaged (file is not a database)" in one_line_error(
        result.stderr
    )


def test_a_damaged_store_moved_aside_gives_a_working_one(runner, server, inbox, db, tmp_path):
    a_brief(runner, server, inbox, db, tmp_path / "brief.md")
    damage(db)
    assert invoke(runner, "runs").exit_code == 2
    db.rename(db.with_name(db.name + ".damaged"))  # the remedy the line gives
    for leftover in db.parent.glob(db.name + "-*"):
        leftover.unlink()
    again = invoke(runner, "make", inbox, "--base-url", server.url, "-q")
    assert again.exit_code == 0, again.stderr


# --- a full store -----------------------------------------------------------------------------


def limit_pages(monkeypatch, path: Path, extra: int) -> None:
    """From now on the store may grow by `extra` pages only, as on a disk that is nearly
    full: SQLite then fails its writes with SQLITE_FULL."""
    Store(path)
    with sqlite3.connect(path) as probe:
        probe.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        limit = probe.execute("PRAGMA page_count").fetchone()[0] + extra
    real = Database._open

    def opened(self: Database) -> sqlite3.Connection:
        db = real(self)
        db.execute(f"PRAGMA max_page_count = {limit}")
        return db

    monkeypatch.setattr(Database, "_open", opened)


def test_a_store_that_fills_during_a_run_loses_no_paid_answer_from_the_brief(
    runner, server, inbox, db, tmp_path
):
    server.default = ANSWER
    out = tmp_path / "brief.json"
    with pytest.MonkeyPatch.context() as nearly_full:
        limit_pages(nearly_full, db, extra=6)
        full = invoke(
            runner,
            "make",
            inbox,
            "--base-url",
            server.url,
            "--json",
            out,
            "--concurrency",
            "1",
            "--log-format",
            "json",
        )
    assert full.exit_code == 2, full.stderr
    assert len(server.requests) == 8
    error = one_line_error(full.stderr)
    assert error.startswith("briefgen: error: the brief was written, but the store could not")
    assert "paid answer(s) not cached" in error
    assert f"{db}: the disk holding the briefgen store is full" in error
    assert "free space on it and run again" in error
    assert '"event": "store_failed"' in full.stderr  # said once, when it happened
    assert full.stderr.count('"event": "store_failed"') == 1
    brief = pipeline.outputs.read_brief(out)
    assert len(brief.sources) == 8 and not brief.failures  # every paid answer in the brief
    uncached = int(re.search(r"updated, (\d+) paid answer", error)[1])  # type: ignore[index]
    assert 0 < uncached < 8

    # space freed
    again = invoke(runner, "make", inbox, "--base-url", server.url, "--json", out, "-q")
    assert again.exit_code == 0, again.stderr
    assert len(server.requests) == 8 + uncached  # only the answers the store did not keep
    assert invoke(runner, "runs").exit_code == 0


class FullDisk(RedactingConnection):
    """A connection on a disk with no room left: every write fails as SQLite's would."""

    def execute(self, sql: str, *args: object) -> sqlite3.Cursor:  # type: ignore[override]
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            raise sqlite3.OperationalError("database or disk is full")
        return super().execute(sql, *args)  # type: ignore[arg-type]

    def executemany(self, sql: str, *args: object) -> sqlite3.Cursor:  # type: ignore[override]
        raise sqlite3.OperationalError("database or disk is full")


def test_a_store_full_from_the_start_stops_before_any_call(
    runner, server, inbox, db, tmp_path, monkeypatch
):
    server.default = ANSWER
    Store(db)
    real = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: real(*a, **{**k, "factory": FullDisk}))
    out = tmp_path / "brief.md"
    out.write_text("yesterday's brief")
    result = invoke(runner, "make", inbox, "--base-url", server.url, "--out", out)
    assert result.exit_code == 2
    assert f"{db}: the disk holding the briefgen store is full" in one_line_error(result.stderr)
    assert server.requests == []
    assert out.read_text() == "yesterday's brief"


def test_make_brief_raises_briefgen_errors_for_a_damaged_or_full_store(
    server, inbox, db, tmp_path, monkeypatch
):
    server.default = ANSWER
    settings = settings_for(server, json_out=tmp_path / "b.json", concurrency=1)
    pipeline.make_brief([inbox], settings)
    damage(db)
    with pytest.raises(StoreError, match="damaged") as damaged:
        pipeline.make_brief([inbox], settings)
    assert damaged.value.kind == "damaged" and isinstance(damaged.value, BriefgenError)
    db.unlink()
    limit_pages(monkeypatch, db, extra=6)
    with pytest.raises(StoreNotUpdated) as full:
        pipeline.make_brief([inbox], settings.model_copy(update={"json_out": None}))
    assert full.value.kind == "full"
    assert len(full.value.brief.sources) == 8  # type: ignore[attr-defined]


# --- outputs all or nothing -------------------------------------------------------------------


def digests(*paths: Path) -> list[str]:
    return [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]


@pytest.mark.parametrize("failing", ["brief.md", "brief.json", "brief.html", "copy.html"])
def test_a_disk_full_at_any_output_replaces_none_of_them(
    runner, server, inbox, tmp_path, monkeypatch, failing
):
    out = tmp_path / "out"
    out.mkdir()
    md, js, page = out / "brief.md", out / "brief.json", out / "brief.html"
    archive = tmp_path / "archive"
    monkeypatch.setenv("BRIEFGEN_ARCHIVE", f'["{archive}/{{run}}-copy.html"]')
    args = ["make", inbox, "--base-url", server.url, "--out", md, "--json", js, "--html", page]
    server.default = ANSWER
    assert invoke(runner, *args, "-q").exit_code == 0
    before = digests(md, js, page)
    copies = sorted(archive.iterdir())
    (inbox / "a0.txt").write_text("Report 0, changed\n" + SAMPLE_TEXT)  # a new brief
    with pytest.MonkeyPatch.context() as disk:
        refused = fail_writes(
            disk, staged_for("2-copy.html" if failing == "copy.html" else failing)
        )
        result = invoke(runner, *args, "-q")
    assert refused, "the full disk was never met"
    assert result.exit_code == 1
    error = one_line_error(result.stderr)
    assert "cannot be written (No space left on device); no output was replaced" in error
    assert "the answers are cached" in error
    assert digests(md, js, page) == before  # the previous set, byte for byte
    assert sorted(archive.iterdir()) == copies  # no copy of a brief that was not delivered
    assert [p for p in (*out.iterdir(), *archive.iterdir()) if p.suffix == ".tmp"] == []
    calls = len(server.requests)
    assert invoke(runner, *args, "-q").exit_code == 0  # space freed: the rerun writes it
    assert len(server.requests) == calls  # from the cache
    assert all(d not in before for d in digests(md, js, page))


def test_make_brief_raises_outputs_not_written_with_the_brief(server, inbox, tmp_path, monkeypatch):
    server.default = ANSWER
    md = tmp_path / "b.md"
    md.write_text("old")
    fail_writes(monkeypatch, staged_for("b.md"))
    with pytest.raises(OutputsNotWritten) as failed:
        pipeline.make_brief([inbox], settings_for(server, out=md))
    assert isinstance(failed.value, NothingProduced)
    assert len(failed.value.brief.sources) == 8  # type: ignore[attr-defined]
    assert md.read_text() == "old"


# --- a real full disk: a small tmpfs ----------------------------------------------------------

FULL_RUN = r"""
set -e
mount -t tmpfs -o size=256k tmpfs "$FULL"
cp "$WORK"/brief.* "$FULL"/
# fill what is left
dd if=/dev/zero of="$FULL/filler" bs=4k 2>/dev/null || true
set +e
"$PYTHON" -m briefgen make "$INBOX" --base-url "$URL" -q --out "$FULL/brief.md" \
    --json "$FULL/brief.json" --html "$FULL/brief.html" 2> "$WORK/stderr"
echo $? > "$WORK/code"
sha256sum "$FULL"/brief.* > "$WORK/after"
ls -A "$FULL" > "$WORK/left"
"""


@pytest.mark.slow
def test_a_full_tmpfs_leaves_the_previous_outputs_whole(server, inbox, db, tmp_path):
    if shutil.which("unshare") is None:
        pytest.skip("needs unshare(1) to mount a tmpfs without root")
    probe = subprocess.run(["unshare", "-r", "-m", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("user namespaces are not available here: cannot mount a tmpfs")
    server.default = ANSWER
    work, full = tmp_path / "work", tmp_path / "full"
    work.mkdir()
    full.mkdir()
    env = {**os.environ, "OPENAI_API_KEY": TEST_KEY, "BRIEFGEN_DB": str(db)}
    first = subprocess.run(
        [
            sys.executable,
            "-m",
            "briefgen",
            "make",
            inbox,
            "--base-url",
            server.url,
            "-q",
            "--out",
            work / "brief.md",
            "--json",
            work / "brief.json",
            "--html",
            work / "brief.html",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert first.returncode == 0, first.stderr
    names = sorted(p.name for p in work.glob("brief.*"))
    before = [
        f"{d}  {full}/{n}" for n, d in zip(names, digests(*(work / n for n in names)), strict=True)
    ]
    (inbox / "a0.txt").write_text("Report 0, changed\n" + SAMPLE_TEXT)
    env.update(
        WORK=str(work), FULL=str(full), INBOX=str(inbox), URL=server.url, PYTHON=sys.executable
    )
    subprocess.run(["unshare", "-r", "-m", "sh", "-c", FULL_RUN], env=env, check=True, timeout=60)
    assert (work / "code").read_text().strip() == "1"
    error = one_line_error((work / "stderr").read_text())
    assert "No space left on device" in error and "no output was replaced" in error
    assert sorted((work / "after").read_text().splitlines()) == sorted(before)  # byte for byte
    assert sorted((work / "left").read_text().split()) == [
        "brief.html",
        "brief.json",
        "brief.md",
        "filler",
    ]
