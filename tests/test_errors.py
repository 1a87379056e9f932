"""Exit codes (errors.ExitCode): the values docs/cli.md documents, each defined once."""

from __future__ import annotations

import re
from pathlib import Path

from briefgen.errors import ExitCode

CLI_DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def test_exit_codes_keep_their_documented_values():
    assert {code.name: int(code) for code in ExitCode} == {
        "OK": 0,
        "NOTHING": 1,
        "USAGE": 2,
        "PARTIAL": 3,
        "BATCH_PENDING": 4,
        "BUSY": 75,
        "INTERRUPTED": 130,
    }


def test_every_exit_code_is_in_the_cli_reference_and_no_other():
    text = CLI_DOC.read_text(encoding="utf-8")
    section = text[text.index("## Exit codes") :]
    section = section[: section.index("\n## ", 1)]
    documented = {int(n) for n in re.findall(r"^\| (\d+) \|", section, re.M)}
    assert documented == {int(code) for code in ExitCode}


def test_the_commands_help_lists_the_exit_codes():
    from briefgen.cli import main

    help_text = " ".join((main.help or "").split())
    assert (
        "Exit codes: 0 ok, 1 nothing produced or written (or an unexpected error), 2 usage, "
        "input or configuration error, or a damaged or full store, 3 partial brief, 4 batch "
        "submitted and not yet finished, 75 another run holds the output (retry later), 130 "
        "interrupted." in help_text
    )
