"""The documented recipes, run as written: docs/scheduling.md's briefgen.toml and its Python
job, against a fake server on 127.0.0.1."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import SAMPLE_TEXT, invoke, sample_extraction
from fakeserver import Reply, chat_completion

DOCS = Path(__file__).resolve().parents[1] / "docs"


def block(doc: str, language: str, starting: str = "") -> str:
    text = (DOCS / doc).read_text(encoding="utf-8")
    for found in re.finditer(rf"```{language}\n(.*?)```", text, re.DOTALL):
        if found.group(1).startswith(starting):
            return found.group(1)
    raise AssertionError(f"no ```{language} block starting {starting!r} in {doc}")


def test_the_scheduling_recipe_runs_as_written(runner, server, tmp_path, monkeypatch, capsys):
    server.default = Reply(body=chat_completion(sample_extraction().model_dump_json()))
    job = tmp_path / "srv" / "briefs"
    (job / "inbox").mkdir(parents=True)
    (job / "out").mkdir()
    (job / "inbox" / "one.txt").write_text("Kim to meet Putin\n" + SAMPLE_TEXT)
    (job / "inbox" / "two.txt").write_text("Second report\n" + SAMPLE_TEXT)
    toml = block("scheduling.md", "toml", "# /srv/briefs/briefgen.toml")
    local = '# base_url = "http://127.0.0.1:8080/v1"'
    assert local in toml
    (job / "briefgen.toml").write_text(toml.replace(local, f'base_url = "{server.url}"'))
    monkeypatch.chdir(job)

    shown = invoke(runner, "config")
    assert shown.exit_code == 0
    assert re.search(
        rf"^out +{re.escape(f'= {job}/out/brief.md  ({job}/briefgen.toml)')}$", shown.stdout, re.M
    ), shown.stdout
    first = invoke(runner, "make")
    assert first.exit_code == 0, first.stderr
    assert len(server.requests) == 2
    second = invoke(runner, "make")
    assert second.exit_code == 0
    assert len(server.requests) == 2  # every article from the cache
    assert (job / "out" / "brief.md").read_text().startswith("# Kim Jong Un")
    assert (job / "out" / "brief.json").is_file()
    listed = invoke(runner, "runs")
    assert len(listed.stdout.splitlines()) == 2

    code = block("scheduling.md", "python", "import logging")
    exec(compile(code, "docs/scheduling.md", "exec"), {})
    assert "0 changes since run 2" in capsys.readouterr().out


def test_every_setting_is_in_the_configuration_table_and_every_option_in_the_cli_reference():
    from briefgen.config import Settings, option_flag

    configuration = (DOCS / "configuration.md").read_text(encoding="utf-8")
    cli = (DOCS / "cli.md").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert re.search(rf"^\| `{name}`", configuration, re.M), f"{name}: not in configuration.md"
        flag = option_flag(name)
        if flag is None:
            continue
        assert f"`{flag}" in cli or f", {flag}" in cli, f"{flag}: not in cli.md"
