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
