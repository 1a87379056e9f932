"""The library as docs/library.md shows it: make_brief with a client of one's own."""

from __future__ import annotations

import re
from pathlib import Path

from briefgen import Settings, make_brief, render

from conftest import SAMPLE_TEXT, sample_extraction

DOC = Path(__file__).resolve().parents[1] / "docs" / "library.md"


def test_the_documented_canned_client_makes_a_brief(tmp_path):
    code = re.search(
        r"```python\n(from briefgen import make_brief\n.*?)```", DOC.read_text(), re.DOTALL
    )
    assert code, "the custom-client example is missing from docs/library.md"
    story = tmp_path / "story.txt"
    story.write_text("Kim to meet Putin\n" + SAMPLE_TEXT)
    namespace = {"my_extraction": sample_extraction()}
    source = code.group(1).replace('["story.txt"]', repr([str(story)]))
    exec(compile(source, str(DOC), "exec"), namespace)
    brief = namespace["brief"]
    assert brief.model == "canned"
    assert [a.name for a in brief.actors][:2] == ["Kim Jong Un", "Vladimir Putin"]
    assert brief.quality.attempts == 1
    assert "## Sources" in render.markdown(brief)


def test_make_brief_prints_nothing(tmp_path, capsys, server):
    from fakeserver import Reply, chat_completion

    server.default = Reply(body=chat_completion(sample_extraction().model_dump_json()))
    story = tmp_path / "story.txt"
    story.write_text(SAMPLE_TEXT)
    brief = make_brief([story], Settings(base_url=server.url, api_key="sk-test", backoff=0))
    assert brief.failures == []
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
