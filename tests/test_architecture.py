"""docs/architecture.md tells today's truth: every module of the package has a row in its
module table, under its own package's heading, and every row names a module that exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "briefgen"
DOC = ROOT / "docs" / "architecture.md"

HEADING = re.compile(r"^### `briefgen/([\w/]*)`")
ROW = re.compile(r"^\| `([\w/]+\.py)`")


def documented() -> dict[str, str]:
    """Module path inside the package -> the heading it is listed under."""
    rows: dict[str, str] = {}
    package = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## ") and package is not None:
            package = None  # the module tables end at the next section
        if heading := HEADING.match(line):
            package = heading.group(1)
            continue
        if package is not None and (row := ROW.match(line)):
            rows[package + row.group(1)] = package
    return rows


def modules() -> set[str]:
    return {path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py")}


def test_every_module_has_a_row_under_its_package():
    rows = documented()
    missing = sorted(modules() - rows.keys())
    assert not missing, f"modules without a row in docs/architecture.md: {missing}"


def test_every_row_names_a_module_that_exists():
    stale = sorted(rows for rows in documented() if rows not in modules())
    assert not stale, f"rows in docs/architecture.md for modules that do not exist: {stale}"


def test_rows_sit_under_their_own_package():
    for module, package in documented().items():
        assert module.rpartition("/")[0] + "/" == package or (
            "/" not in module and package == ""
        ), module


EVENT = re.compile(r'(?:"event": |event=)"(\w+)"')


def logged_events() -> set[tuple[str, str]]:
    """(event, module) for every event the code logs: its `"event": "x"` or `event="x"`."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        module = path.relative_to(PACKAGE).as_posix()
        for event in EVENT.findall(path.read_text(encoding="utf-8")):
            found.add((event, module))
    return found


def test_the_logging_table_names_every_event_and_the_module_that_logs_it():
    text = DOC.read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| `(\w+)` \|[^\n]*\| `([\w/]+\.py)` \|$", text, re.M))
    for event, module in logged_events():
        assert table.get(event) == module, (event, module)
    assert {"run_start", "article", "run_end", "retry", "batch"} <= table.keys()
