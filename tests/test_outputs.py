"""A run's output files (outputs.py): which files, the check before a run, the set delivered,
what goes to stdout, and reading a saved brief or extractions back."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from briefgen import merge, outputs, render
from briefgen.config import Settings
from briefgen.errors import BusyError, InputError
from briefgen.schemas import ArticleExtraction, ArticleFailure, ArticleRef, Brief

from conftest import sample_extraction


def extraction(name: str = "a") -> ArticleExtraction:
    return ArticleExtraction(
        article=ArticleRef(id=name, title="Kim to meet Putin", source=f"{name}.txt"),
        extraction=sample_extraction(),
        model="m",
        prompt_version="v",
    )


def failure(name: str = "b") -> ArticleFailure:
    return ArticleFailure(
        article=ArticleRef(id=name, source=f"{name}.txt"),
        reason="refused",
        model="m",
        prompt_version="v",
    )


@pytest.fixture
def brief() -> Brief:
    return merge.merge([extraction()], title="Kim and Putin")


@pytest.mark.parametrize(
    ("first", "second"), [("out", "html"), ("json_out", "html"), ("out", "json_out")]
)
def test_two_outputs_on_one_file_are_refused(tmp_path, monkeypatch, first, second):
    monkeypatch.chdir(tmp_path)
    settings = Settings(**{first: tmp_path / "same.x", second: Path("same.x")})
    with pytest.raises(InputError, match="given for both"):
        outputs.check_outputs(settings)


def test_outputs_on_a_device_may_share_it(tmp_path):
    outputs.check_outputs(Settings(out=Path(os.devnull), html=Path(os.devnull)))
    outputs.check_outputs(Settings(out=tmp_path / "a.md", html=tmp_path / "a.html"))


def test_the_outputs_are_the_files_the_settings_name(tmp_path):
    assert outputs.outputs_of(Settings()) == []
    md, js, page = tmp_path / "b.md", tmp_path / "b.json", tmp_path / "b.html"
    assert outputs.outputs_of(Settings(html=page, out=md, json_out=js)) == [md, js, page]


def test_delivery_writes_each_named_output_and_says_which(brief, tmp_path):
    md, js, page = tmp_path / "b.md", tmp_path / "b.json", tmp_path / "b.html"
    written = outputs.deliver(brief, Settings(out=md, json_out=js, html=page))
    assert sorted(written) == sorted([md, js, page])
    assert md.read_text(encoding="utf-8") == render.markdown(brief)
    assert page.read_text(encoding="utf-8") == render.html(brief)
    assert js.read_text(encoding="utf-8") == brief.model_dump_json(indent=2) + "\n"
    assert outputs.read_brief(js) == brief
    assert outputs.deliver(brief, Settings()) == []


def test_a_brief_that_cannot_be_rendered_replaces_no_output(brief, tmp_path, monkeypatch):
    md, js = tmp_path / "b.md", tmp_path / "b.json"
    md.write_text("old brief")
    js.write_text("{}")

    def broken(_: Brief) -> str:
        raise RuntimeError("render failed")

    monkeypatch.setattr(outputs.render, "markdown", broken)
    with pytest.raises(RuntimeError):
        outputs.deliver(brief, Settings(out=md, json_out=js))
    assert md.read_text() == "old brief" and js.read_text() == "{}"


@pytest.mark.parametrize(
    ("files", "printed"),
    [
        ({}, True),
        ({"json_out": "b.json"}, True),
        ({"out": "b.md"}, False),
        ({"html": "b.html"}, False),
        ({"out": "b.md", "html": "b.html", "json_out": "b.json"}, False),
    ],
)
def test_the_markdown_goes_to_stdout_unless_a_file_takes_the_brief(brief, files, printed):
    settings = Settings(**{k: Path(v) for k, v in files.items()})
    assert outputs.for_stdout(brief, settings) == (render.markdown(brief) if printed else "")


def test_a_second_lock_on_the_same_output_is_refused_at_once(tmp_path):
    settings = Settings(out=tmp_path / "b.md")
    with (
        outputs.locked(settings, tmp_path),
        pytest.raises(BusyError, match="is writing it"),
        outputs.locked(Settings(html=tmp_path / "b.md"), tmp_path),
    ):
        pass
    with outputs.locked(settings, tmp_path):  # released when the first run ended
        pass


def test_reading_a_brief_names_what_is_wrong(brief, tmp_path):
    path = tmp_path / "brief.json"
    with pytest.raises(InputError, match=r"brief\.json: No such file"):
        outputs.read_brief(path)
    path.write_text("{not json")
    with pytest.raises(InputError, match="not a briefgen JSON brief"):
        outputs.read_brief(path)
    path.write_text(extraction().model_dump_json())
    with pytest.raises(InputError, match="it holds an extraction: `briefgen merge` it"):
        outputs.read_brief(path)
    path.write_text('{"hello": 1}')
    with pytest.raises(InputError, match=r"not a briefgen JSON brief \([^)]*\)$"):
        outputs.read_brief(path)


def test_extractions_are_read_as_one_value_several_or_an_array(tmp_path):
    values = [extraction("a"), failure("b"), extraction("c")]
    dumped = [json.loads(v.model_dump_json()) for v in values]
    path = tmp_path / "all.json"
    for text in (
        "\n".join(v.model_dump_json(indent=2) for v in values),  # `extract` of a folder
        "".join(json.dumps(d) + "\n" for d in dumped),  # JSON lines
        json.dumps(dumped),  # an array
    ):
        path.write_text(text)
        assert outputs.read_extractions(path) == values
    path.write_text(values[1].model_dump_json())
    assert outputs.read_extractions(path) == [values[1]]


def test_a_bad_extraction_file_says_where(tmp_path):
    path = tmp_path / "x.json"
    with pytest.raises(InputError, match=r"x\.json: No such file"):
        outputs.read_extractions(path)
    path.write_text("  \n")
    with pytest.raises(InputError, match=r"x\.json: no extraction in it"):
        outputs.read_extractions(path)
    path.write_text(extraction().model_dump_json() + '\n{"hello": 1}\n')
    with pytest.raises(InputError, match=r"x\.json \(value 2\): not a briefgen extraction"):
        outputs.read_extractions(path)
    path.write_text('{"hello": 1}')
    with pytest.raises(InputError, match=r"x\.json: not a briefgen extraction"):
        outputs.read_extractions(path)
    path.write_text(extraction().model_dump_json() + "\n{not json")
    with pytest.raises(InputError, match=r"x\.json: not JSON"):
        outputs.read_extractions(path)
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(InputError, match=r"x\.json: not JSON"):
        outputs.read_extractions(path)
