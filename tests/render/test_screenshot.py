"""scripts/screenshot.py: a PNG of a page as the system's Chromium draws it, or a one-line error.

Run in a module of its own, after tests/test_browser.py's browser has stopped: the script
starts playwright itself, which cannot run twice at once in one thread.
"""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path

import pytest

from browser import NO_CHROMIUM, find_chromium, missing

# A real browser (Debian's chromium) and a subprocess.
pytestmark = pytest.mark.slow

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "screenshot.py"
CHROMIUM = find_chromium()  # read now: each test's environment has no BRIEFGEN_ variable


def screenshot():
    spec = importlib.util.spec_from_file_location("screenshot", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_it_writes_the_first_screen_with_a_citation_focused_and_prints_the_path(
    tmp_path, capsys, monkeypatch
):
    if CHROMIUM is None:
        missing(NO_CHROMIUM)
    monkeypatch.setenv("BRIEFGEN_CHROMIUM", CHROMIUM)
    page = tmp_path / "brief.html"
    page.write_text(
        '<!doctype html><p style="height:1500px">tall</p><a class="cite-link" href="#x">[1]</a>'
        '<p id="x">footnote</p><img src="https://example.invalid/a.png">',
        encoding="utf-8",
    )
    out = tmp_path / "shot.png"
    argv = [str(page), str(out), "--width", "390", "--height", "600", "--no-full-page"]
    assert screenshot().main([*argv, "--focus-first-citation"]) == 0
    assert capsys.readouterr().out == f"{out}\n"
    assert png_size(out) == (390, 600)  # the first screen only, though the page is taller


def test_a_missing_page_or_browser_is_a_one_line_error(tmp_path, capsys, monkeypatch):
    main = screenshot().main
    assert main([str(tmp_path / "none.html"), str(tmp_path / "out.png")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such page" in err and "none.html" in err
    (tmp_path / "brief.html").write_text("<p>x</p>")
    monkeypatch.setenv("BRIEFGEN_CHROMIUM", str(tmp_path / "no-such-browser"))
    assert main([str(tmp_path / "brief.html"), str(tmp_path / "out.png")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no Chromium" in err
    assert not (tmp_path / "out.png").exists()
