"""The command line end to end: commands, exit codes, one-line errors, atomic writes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from briefgen.cli import main
from briefgen.merge.changes import FIRST_RUN
from briefgen.schemas import ArticleExtraction, Brief

from conftest import SAMPLE_TEXT, article_id, invoke, sample_extraction
from fakeserver import Reply, chat_completion, error_body


@pytest.fixture
def articles(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "one.txt").write_text("Kim to meet Putin\n" + SAMPLE_TEXT)
    (folder / "two.txt").write_text("Second report\n" + SAMPLE_TEXT)
    return folder


def answer() -> Reply:
    return Reply(body=chat_completion(sample_extraction().model_dump_json()))


def test_make_against_a_live_server_on_loopback_writes_brief_and_json(
    runner, server, articles, tmp_path
):
    server.default = answer()
    out, js = tmp_path / "brief.md", tmp_path / "brief.json"
    result = invoke(
        runner,
        "make",
        articles,
        "--out",
        out,
        "--json",
        js,
        "--base-url",
        server.url,
        "--model",
        "local-model",
    )
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert text.startswith("# Kim Jong Un and Vladimir Putin: brief from 2 articles")
    assert "**Kim Jong Un** (North Korean leader) — also: Mr. Kim [1][2]" in text
    brief = json.loads(js.read_text())
    assert [s["article"]["id"] for s in brief["sources"]] == ["one", "two"]
    assert {r["model"] for r in server.requests} == {"local-model"}
    assert "run 1 ok: 2 articles, 0 cached, 0 failed, 2 calls, tokens in/out 200/40" in (
        result.stderr
    )


def test_make_prints_markdown_to_stdout_without_out(runner, server, articles):
    server.default = answer()
    result = invoke(runner, "make", articles / "one.txt", "--base-url", server.url, "-q")
    assert result.exit_code == 0
    assert result.stdout.startswith("# ")
    assert "## Sources" in result.stdout
    assert result.stderr == ""


def test_partial_brief_exits_3_and_lists_the_failure(runner, server, articles, tmp_path):
    def by_article(body):
        if article_id(body) == "two":
            return Reply(body=chat_completion(None, refusal="I will not."))
        return answer()

    server.default = by_article
    out = tmp_path / "brief.md"
    result = invoke(runner, "make", articles, "--out", out, "--base-url", server.url)
    assert result.exit_code == 3
    assert "partial: [2] two failed: refused: I will not." in result.stderr
    assert "**Failed:** [2] two: refused: I will not." in out.read_text()


def test_nothing_produced_exits_1_and_keeps_the_previous_brief(runner, server, articles, tmp_path):
    server.default = Reply(body=chat_completion("not json at all"))
    out = tmp_path / "brief.md"
    out.write_text("yesterday's brief\n")
    result = invoke(runner, "make", articles, "--out", out, "--base-url", server.url)
    assert result.exit_code == 1
    assert "nothing was written" in result.stderr
    assert out.read_text() == "yesterday's brief\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_bad_key_exits_2_with_one_line_and_no_key(runner, server, articles, tmp_path):
    server.default = Reply(401, error_body("Incorrect API key provided: sk-test-not-a-real-key"))
    out = tmp_path / "brief.md"
    result = invoke(runner, "make", articles, "--out", out, "--base-url", server.url, "-q")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("briefgen: error: the model server at")
    assert "sk-test-not-a-real-key" not in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["make", "no/such/file.txt"], "no/such/file.txt: no such file or directory"),
        (["merge", "no/such.json"], "no/such.json"),
        (["make", "--concurrency", "0", "x"], "Invalid value for '--concurrency'"),
    ],
)
def test_bad_input_exits_2_without_traceback(runner, args, message):
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_an_empty_article_fails_and_strict_makes_it_nothing_produced(runner, server, tmp_path, db):
    server.default = answer()
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    good = tmp_path / "good.txt"
    good.write_text("Kim to meet Putin\n" + SAMPLE_TEXT)
    alone = invoke(runner, "make", empty, "--base-url", server.url, "-q")
    assert alone.exit_code == 1  # nothing else to make a brief of
    # The file by the name the brief shows, not by its absolute path.
    assert "failed   empty: empty.txt: no article text" in alone.stderr
    mixed = invoke(runner, "make", empty, good, "--base-url", server.url)
    assert mixed.exit_code == 3
    assert "partial: [2] empty failed: empty.txt: no article text" in mixed.stderr
    assert len(server.requests) == 1  # only the good one
    strict = invoke(runner, "make", empty, good, "--base-url", server.url, "--strict")
    assert strict.exit_code == 1  # nothing produced; not a configuration error
    assert strict.stderr.splitlines()[-1] == (
        "briefgen: error: empty.txt: no article text (strict: nothing was asked or written)"
    )
    assert len(server.requests) == 1  # nothing asked
    from briefgen.store import Store

    last = Store(db).runs.latest()[0]  # `runs` shows it
    assert (last.status, last.exit_code, last.calls) == ("nothing", 1, 0)
    assert last.error is not None and "no article text" in last.error


def test_output_folder_must_exist(runner, server, articles, tmp_path):
    server.default = answer()
    result = invoke(
        runner, "make", articles, "--out", tmp_path / "nope" / "brief.md", "--base-url", server.url
    )
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_replay_and_record_together_is_a_usage_error(runner, articles, tmp_path):
    result = runner.invoke(
        main, ["make", str(articles), "--replay", str(tmp_path), "--record", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "cannot be used together" in result.stderr


def test_extract_then_merge_gives_the_same_brief_as_make(runner, server, articles, tmp_path):
    server.default = answer()
    paths = []
    for name in ("one", "two"):
        result = invoke(runner, "extract", articles / f"{name}.txt", "--base-url", server.url)
        assert result.exit_code == 0
        extraction = ArticleExtraction.model_validate_json(result.stdout)
        assert extraction.extraction == sample_extraction()
        path = tmp_path / f"{name}.json"
        path.write_text(result.stdout)
        paths.append(path)
    merged = invoke(runner, "merge", *paths, "--json", tmp_path / "merged.json", "-q")
    made = invoke(
        runner, "make", articles, "--json", tmp_path / "made.json", "-q", "--base-url", server.url
    )
    assert merged.exit_code == made.exit_code == 0
    # The same brief; only a run knows what its calls cost (here: no price for the model), and
    # only a job's run says it is the job's first.
    assert "- Cost: unknown" in made.stdout and "Cost:" not in merged.stdout
    assert first_run_removed(uncosted(made.stdout)) == merged.stdout
    assert same_but_first_run(tmp_path / "merged.json", tmp_path / "made.json")


def test_extract_of_a_folder_into_one_file_merges_as_make_does(runner, server, articles, tmp_path):
    # what docs/cli.md shows: `briefgen extract FOLDER > all.json`, then `briefgen merge all.json`
    server.default = answer()
    extracted = invoke(runner, "extract", articles, "--base-url", server.url)
    assert extracted.exit_code == 0
    every = tmp_path / "all.json"
    every.write_text(extracted.stdout)  # several objects, one after another
    merged = invoke(runner, "merge", every, "--json", tmp_path / "merged.json", "-q")
    made = invoke(
        runner, "make", articles, "--json", tmp_path / "made.json", "-q", "--base-url", server.url
    )
    assert merged.exit_code == made.exit_code == 0
    assert same_but_first_run(tmp_path / "merged.json", tmp_path / "made.json")
    # JSON lines and a JSON array of extractions read the same
    values = [json.loads(line) for line in _objects(extracted.stdout)]
    lines = tmp_path / "all.jsonl"
    lines.write_text("".join(json.dumps(v) + "\n" for v in values))
    array = tmp_path / "array.json"
    array.write_text(json.dumps(values))
    for path in (lines, array):
        again = invoke(runner, "merge", path, "--json", tmp_path / "again.json", "-q")
        assert again.exit_code == 0
        assert (tmp_path / "again.json").read_text() == (tmp_path / "merged.json").read_text()


FIRST_RUN_SECTION = "## What changed\n\n_First run of this job: nothing to compare with yet._\n\n"


def first_run_removed(markdown: str) -> str:
    """`make`'s Markdown without the line a job's first run has, which `merge` does not."""
    assert FIRST_RUN_SECTION in markdown
    return markdown.replace(FIRST_RUN_SECTION, "", 1)


def same_but_first_run(merged: Path, made: Path) -> bool:
    """The two JSON briefs are the same but for `make`'s first-run note."""
    a, b = json.loads(merged.read_text()), json.loads(uncosted(made))
    assert a.pop("changes") is None
    assert b.pop("changes") == {"since": "", "items": [], "shown": 12, "note": FIRST_RUN}
    return a == b


def uncosted(brief: str | Path) -> str:
    """A made brief (Markdown text, or a JSON file) without what its run's calls cost."""
    if isinstance(brief, str):
        return "".join(line for line in brief.splitlines(True) if not line.startswith("- Cost:"))
    found = Brief.model_validate_json(brief.read_text())
    assert found.quality.cost is not None
    return (
        found.model_copy(
            update={"quality": found.quality.model_copy(update={"cost": None})}
        ).model_dump_json(indent=2)
        + "\n"
    )


def _objects(text: str) -> list[str]:
    decoder, at, found = json.JSONDecoder(), 0, []
    while (at := len(text) - len(text[at:].lstrip())) < len(text):
        _, end = decoder.raw_decode(text, at)
        found.append(text[at:end])
        at = end
    return found


def test_merge_of_a_file_broken_after_its_first_extraction_says_where(
    runner, server, articles, tmp_path
):
    server.default = answer()
    one = invoke(runner, "extract", articles / "one.txt", "--base-url", server.url).stdout
    broken = tmp_path / "broken.json"
    broken.write_text(one + '\n{"hello": 1}\n')
    result = runner.invoke(main, ["merge", str(broken)])
    assert result.exit_code == 2
    assert f"{broken} (value 2): not a briefgen extraction" in result.stderr
    broken.write_text(one + "\n{not json")
    result = runner.invoke(main, ["merge", str(broken)])
    assert result.exit_code == 2 and "not JSON" in result.stderr


def test_merge_rejects_files_that_are_not_extractions(runner, tmp_path):
    bogus = tmp_path / "bogus.json"
    bogus.write_text('{"hello": 1}')
    result = runner.invoke(main, ["merge", str(bogus)])
    assert result.exit_code == 2
    assert "not a briefgen extraction" in result.stderr


def test_extract_of_a_failing_article_exits_1(runner, server, articles):
    server.default = Reply(body=chat_completion("{}"))
    result = invoke(runner, "extract", articles / "one.txt", "--base-url", server.url)
    assert result.exit_code == 1
    assert json.loads(result.stdout)["reason"].startswith("the answer does not match the schema")


@pytest.mark.parametrize(("which", "title"), [("article", "ArticleExtraction"), ("brief", "Brief")])
def test_schema_prints_json_schema(runner, which, title):
    result = invoke(runner, "schema", which)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == title


def test_version_and_help(runner):
    assert invoke(runner, "--version").stdout.startswith("briefgen, version ")
    help_text = invoke(runner, "make", "--help").stdout
    for option in (
        "--out",
        "--json",
        "--model",
        "--base-url",
        "--concurrency",
        "--replay",
        "--record",
    ):
        assert option in help_text


def test_stdin_is_an_article(runner, server):
    server.default = answer()
    result = runner.invoke(main, ["make", "-", "--base-url", server.url, "-q"], input=SAMPLE_TEXT)
    assert result.exit_code == 0
    assert "`-`" in result.stdout


def test_make_replay_of_the_bundled_recordings_equals_the_demo(runner, tmp_path):
    from briefgen.pipeline import DEMO_DIR

    made = invoke(
        runner,
        "make",
        DEMO_DIR,
        "--replay",
        DEMO_DIR / "recordings",
        "-q",
        "--json",
        tmp_path / "made.json",
        "--db",
        tmp_path / "made.db",
    )
    demo = invoke(
        runner, "demo", "-q", "--json", tmp_path / "demo.json", "--db", tmp_path / "demo.db"
    )
    assert made.exit_code == demo.exit_code == 0
    assert made.stdout == demo.stdout
    assert (tmp_path / "made.json").read_text() == (tmp_path / "demo.json").read_text()


def test_a_folder_mixing_two_stories_gives_two_sections_and_never_compares_them(runner, tmp_path):
    # The quality set's mixed folder, as a user gives it: the Mazar-i-Sharif consulate bombing
    # and the Croydon tram crash (hand-written answers, replayed through the SDK).
    from pathlib import Path

    mixed = Path(__file__).parent / "fixtures" / "quality" / "mixed-mazar-croydon-2016-11"
    out, brief_json = tmp_path / "brief.md", tmp_path / "brief.json"
    result = invoke(
        runner,
        "make",
        mixed / "articles",
        "--replay",
        mixed / "recordings",
        "-q",
        "--out",
        out,
        "--json",
        brief_json,
    )
    assert result.exit_code == 0, result.stderr
    text = out.read_text()
    # titled by its place: each person is named by one source of three
    assert text.startswith("# German consulate, Mazar-i-Sharif: brief from 5 articles, 2 stories")
    assert "\n## Story 2: Sandilands, Croydon\n" in text
    assert "sources disagree" not in text and "**disputed**" not in text
    assert "Stories: 2, merged apart" in text
    brief = json.loads(brief_json.read_text())
    assert brief["grouping"] == [[1, 3, 5], [2, 4]]
    assert [v["value"] for v in brief["venue"]["values"]] == ["German consulate"]
    assert [v["value"] for v in brief["stories"][0]["venue"]["values"]] == ["Sandilands"]
    # every ask, warning and motive line carries its quote
    for claim in (*brief["asks"], *brief["warnings"], *brief["motives"]):
        for quote in claim["quotes"]:
            assert quote["quote"] in text


def test_replay_with_another_model_names_the_difference(runner):
    from briefgen.pipeline import DEMO_DIR

    result = invoke(
        runner,
        "make",
        DEMO_DIR / "000_deedc7ba026f4e2c.txt",
        "--replay",
        DEMO_DIR / "recordings",
        "--model",
        "other-model",
    )
    assert result.exit_code == 2
    assert "same article but differs in model" in result.stderr


def test_ctrl_c_writes_nothing_and_exits_130(runner, articles, tmp_path, monkeypatch):
    from briefgen import pipeline

    def interrupted(*args, **kwargs):
        # Raised here rather than inside the event loop: CPython 3.11 can corrupt its
        # recursion counter when KeyboardInterrupt unwinds through a coroutine in-process.
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "make_brief", interrupted)
    out = tmp_path / "brief.md"
    out.write_text("previous\n")
    result = invoke(runner, "make", articles, "--out", out)
    assert result.exit_code == 130
    assert "interrupted; nothing was written" in result.stderr
    assert out.read_text() == "previous\n"


def test_written_files_keep_or_get_ordinary_permissions(runner, server, articles, tmp_path):
    import os
    import stat

    server.default = answer()
    fresh, kept = tmp_path / "fresh.md", tmp_path / "kept.json"
    kept.write_text("{}")
    kept.chmod(0o640)
    result = invoke(
        runner, "make", articles, "--out", fresh, "--json", kept, "--base-url", server.url, "-q"
    )
    assert result.exit_code == 0
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    assert kept.read_text().startswith("{\n")


def test_merge_of_failures_only_names_them_and_exits_1(runner, tmp_path):
    failure = {
        "article": {"id": "x", "source": "x.txt"},
        "reason": "refused: no",
        "model": "m",
        "prompt_version": "v",
    }
    path = tmp_path / "x.json"
    path.write_text(json.dumps(failure))
    result = invoke(runner, "merge", path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "failed   x: refused: no",
        "briefgen: error: no article could be extracted; nothing was written",
    ]


def test_a_multi_line_server_error_becomes_one_line(runner, server, articles):
    server.default = Reply(400, error_body('bad request\n  File "app.py", line 1\n    boom'))
    result = invoke(runner, "make", articles / "one.txt", "--base-url", server.url)
    assert result.exit_code == 1
    failed = [
        line.split(" WARNING ", 1)[1].strip()
        for line in result.stderr.splitlines()
        if " WARNING " in line
    ]
    assert failed == [
        'failed    one (1 call): HTTP 400: bad request File "app.py", line 1 '
        "boom after 1 attempt(s)"
    ]


# --- the morning job ---------------------------------------------------------------------------


def _job_folder(tmp_path, server, **extra):
    job = tmp_path / "job"
    (job / "inbox").mkdir(parents=True)
    (job / "inbox" / "one.txt").write_text("Kim to meet Putin\n" + SAMPLE_TEXT)
    (job / "inbox" / "two.txt").write_text("Second report\n" + SAMPLE_TEXT)
    lines = ['sources = ["inbox/"]', f'base_url = "{server.url}"', "backoff = 0"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in extra.items()]
    (job / "briefgen.toml").write_text("\n".join(lines) + "\n")
    return job


def test_make_in_a_folder_with_briefgen_toml_runs_the_job(runner, server, tmp_path, monkeypatch):
    server.default = answer()
    job = _job_folder(tmp_path, server, json="out/brief.json")
    (job / "out").mkdir()
    monkeypatch.chdir(job)
    result = invoke(runner, "make", "--out", "brief.md")
    assert result.exit_code == 0, result.stderr
    assert (job / "brief.md").read_text().startswith("# Kim Jong Un and Vladimir Putin")
    assert json.loads((job / "out" / "brief.json").read_text())["partial"] is False
    assert len(server.requests) == 2

    monkeypatch.chdir(tmp_path)  # from anywhere, with --config: paths are the file's
    again = invoke(runner, "make", "--config", job / "briefgen.toml", "-q")
    assert again.exit_code == 0
    assert len(server.requests) == 2  # every article from the cache
    assert again.stdout.startswith("# Kim Jong Un")
    assert "## Nothing changed since run 1" in again.stdout


def test_make_without_articles_or_config_is_a_usage_error(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["make"])
    assert result.exit_code == 2
    assert "no articles: give ARTICLES, or list sources in briefgen.toml" in result.stderr


def test_a_bad_config_file_is_one_line_naming_file_and_key(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "briefgen.toml").write_text('sources = ["x"]\nconcurrency = 0\n')
    result = runner.invoke(main, ["make"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"briefgen: error: {tmp_path / 'briefgen.toml'}: concurrency: "
        "Input should be greater than or equal to 1\n"
    )


def test_runs_lists_runs_and_shows_one(runner, server, articles, tmp_path):
    server.default = answer()
    invoke(runner, "make", articles, "--base-url", server.url, "-q", "--out", tmp_path / "b.md")
    invoke(runner, "make", articles, "--base-url", server.url, "-q", "--out", tmp_path / "b.md")
    listed = invoke(runner, "runs")
    assert listed.exit_code == 0
    lines = listed.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].split()[:1] == ["2"] and " ok " in lines[0]
    assert "2 articles (2 cached, 0 failed)  0 calls" in lines[0]
    assert "2 articles (0 cached, 0 failed)  2 calls" in lines[1]
    assert lines[1].endswith(f"-> {tmp_path / 'b.md'}")
    shown = invoke(runner, "runs", "show", "1")
    assert shown.exit_code == 0
    assert "[1] extracted one  1 call, 120 tokens, 0 dropped" in shown.stdout
    assert "  settings: model=gpt-4o-mini, base_url=" in shown.stdout
    assert "[2] extracted two" in shown.stdout
    missing = runner.invoke(main, ["runs", "show", "99"])
    assert missing.exit_code == 2
    assert "no run 99 in" in missing.stderr


def test_runs_show_takes_db_before_or_after_show(runner, server, articles, tmp_path):
    server.default = answer()
    db = tmp_path / "job.db"
    args = ("make", articles, "--base-url", server.url, "-q", "--out", tmp_path / "b.md")
    invoke(runner, *args, "--db", db)
    before = runner.invoke(main, ["runs", "--db", str(db), "show", "1"])
    after = runner.invoke(main, ["runs", "show", "1", "--db", str(db)])
    assert before.exit_code == after.exit_code == 0
    assert after.stdout == before.stdout and "[1] extracted one" in after.stdout
    elsewhere = runner.invoke(main, ["runs", "show", "1", "--db", str(tmp_path / "other.db")])
    assert elsewhere.exit_code == 2 and "no run 1 in" in elsewhere.stderr


def test_diff_prints_what_changed_between_two_json_briefs(runner, server, articles, tmp_path):
    server.default = answer()
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    invoke(runner, "make", articles / "one.txt", "--base-url", server.url, "-q", "--json", old)
    invoke(runner, "make", articles, "--base-url", server.url, "-q", "--json", new)
    result = invoke(runner, "diff", old, new)
    assert result.exit_code == 0
    assert result.stdout.startswith(f"## What changed since {old}")
    assert "**New** source" in result.stdout and "[2]" in result.stdout
    same = invoke(runner, "diff", new, new)
    assert same.stdout.startswith(f"## Nothing changed since {new}")
    bad = runner.invoke(main, ["diff", str(articles / "one.txt"), str(new)])
    assert bad.exit_code == 2 and "not a briefgen JSON brief" in bad.stderr


def test_cache_prune_forgets_old_entries(runner, server, articles, tmp_path):
    server.default = answer()
    invoke(runner, "make", articles, "--base-url", server.url, "-q")
    kept = invoke(runner, "cache", "prune", "--older-than", "30d")
    assert kept.stdout.startswith("removed 0 extractions and 0 runs")
    pruned = invoke(runner, "cache", "prune", "--older-than", "0s")
    # the run is kept: it holds the job's latest brief, for the next "What changed"
    assert pruned.stdout.startswith("removed 2 extractions and 0 runs")
    invoke(runner, "make", articles, "--base-url", server.url, "-q")
    assert len(server.requests) == 2 + 2
    bad = runner.invoke(main, ["cache", "prune", "--older-than", "soon"])
    assert bad.exit_code == 2 and "give a number and a unit" in bad.stderr


@pytest.mark.slow
def test_fast_commands_never_import_openai(tmp_path):
    import subprocess
    import sys

    from briefgen.pipeline import DEMO_DIR

    extraction = tmp_path / "x.json"
    failure = {
        "article": {"id": "x", "source": "x.txt"},
        "reason": "refused: no",
        "model": "m",
        "prompt_version": "v",
    }
    extraction.write_text(json.dumps(failure))
    for args in (
        ["--help"],
        ["schema"],
        ["runs"],
        ["merge", str(extraction)],
        ["diff", "--help"],
        ["config"],
    ):
        code = (
            "import sys\nfrom briefgen.cli import main\n"
            f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
            "sys.stderr.write('OPENAI=%s' % ('openai' in sys.modules))"
        )
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env={"BRIEFGEN_DB": str(tmp_path / "b.db"), "PATH": ""},
            cwd=tmp_path,
            timeout=60,
        )
        assert done.stderr.endswith("OPENAI=False"), (args, done.stderr)
    assert DEMO_DIR.is_dir()


@pytest.mark.slow
@pytest.mark.parametrize("sigint_ignored", [False, True])
def test_sigterm_is_handled_like_ctrl_c(server, articles, tmp_path, sigint_ignored):
    """Also when SIGINT is ignored, as for a job a shell starts in the background (`cmd &`)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from briefgen.store import Store

    def two_is_slow(body):
        if article_id(body) == "two":
            return Reply(body=chat_completion(sample_extraction().model_dump_json()), delay=30)
        return answer()

    server.default = two_is_slow
    db, out = tmp_path / "job.db", tmp_path / "brief.md"
    out.write_text("yesterday's brief\n")
    env = {**os.environ, "BRIEFGEN_DB": str(db), "OPENAI_API_KEY": "sk-test"}
    command = [
        sys.executable,
        "-c",
        "from briefgen.cli import main; main()",
        "make",
        str(articles),
        "--out",
        str(out),
        "--base-url",
        server.url,
        "--concurrency",
        "2",
    ]

    def ignore_sigint() -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    process = subprocess.Popen(
        command,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=ignore_sigint if sigint_ignored else None,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # until article one is stored and two is asked
            if len(server.requests) == 2 and db.exists():
                with Store(db).db.connect() as conn:
                    if conn.execute("SELECT COUNT(*) FROM run_articles").fetchone()[0] == 1:
                        break
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=20)
    finally:
        process.kill()
    assert process.returncode == 130
    assert stderr.splitlines()[-1] == (
        "briefgen: error: terminated (SIGTERM); nothing was written, finished articles are cached"
    )
    assert out.read_text() == "yesterday's brief\n"
    (run,) = Store(db).runs.latest()
    assert (run.status, run.exit_code) == ("interrupted", 130)
    with Store(db).db.connect() as conn:
        assert conn.execute("SELECT COUNT(*) FROM extractions").fetchone()[0] == 1


def test_demo_logs_its_run_in_the_configured_store_and_ignores_the_jobs_file(
    runner, db, tmp_path, monkeypatch
):
    from briefgen.store import Store

    monkeypatch.chdir(tmp_path)
    (tmp_path / "briefgen.toml").write_text('out = "job-brief.md"\nmodel = "job-model"\n')
    result = invoke(runner, "demo", "-q")
    assert result.exit_code == 0
    assert not (tmp_path / "job-brief.md").exists()  # the job's output is not the demo's
    (run,) = Store(db).runs.latest()
    assert run.status == "ok" and run.calls == 5 and run.model == "gpt-4o-mini"


@pytest.mark.slow
def test_two_processes_share_a_store_and_never_write_the_same_brief(server, articles, tmp_path):
    import os
    import subprocess
    import sys
    import time

    from briefgen.store import Store

    # Slow enough that the first run still holds its output when the others start.
    server.default = Reply(body=chat_completion(sample_extraction().model_dump_json()), delay=3)
    db = tmp_path / "shared.db"
    env = {**os.environ, "BRIEFGEN_DB": str(db), "OPENAI_API_KEY": "sk-test"}

    def start(out: str, *extra: str) -> subprocess.Popen:
        command = [
            sys.executable,
            "-m",
            "briefgen",
            "make",
            str(articles),
            "--out",
            str(tmp_path / out),
            "--base-url",
            server.url,
            "--no-cache",
            *extra,
        ]
        return subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)

    first = start("a.md")
    deadline = time.monotonic() + 20
    while not server.requests and time.monotonic() < deadline:  # it holds its lock now
        time.sleep(0.02)
    same = start("a.md", "-q")
    other = start("b.md", "-q")
    try:
        _, same_err = same.communicate(timeout=30)
        other.communicate(timeout=30)
        first.communicate(timeout=30)
    finally:
        for process in (first, same, other):
            process.kill()
    assert (first.returncode, other.returncode, same.returncode) == (0, 0, 75)
    assert "another briefgen run (pid " in same_err and "is writing it" in same_err
    assert (tmp_path / "a.md").exists() and (tmp_path / "b.md").exists()
    statuses = sorted(r.status for r in Store(db).runs.latest())
    assert statuses == ["ok", "ok", "refused"]  # the refused run is logged, with no call
    (refused,) = [r for r in Store(db).runs.latest() if r.status == "refused"]
    assert (refused.exit_code, refused.calls) == (75, 0)


def test_a_run_that_died_without_closing_its_row_is_listed_as_killed(runner, db):
    from briefgen.store import Store

    store = Store(db)
    store.runs.start("job", {}, ["inbox/"], "m", "u", "p")
    with store.db.connect() as conn:
        conn.execute("UPDATE runs SET pid = 2147483646")  # no such process
    listed = invoke(runner, "runs")
    assert " killed " in listed.stdout


def test_the_same_article_twice_is_paid_once_and_listed_once_with_both_origins(
    runner, server, tmp_path, monkeypatch
):
    server.default = answer()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in").mkdir()
    story = (
        SAMPLE_TEXT
        + " "
        + " ".join(
            f"Paragraph {i} of the wire story goes on about the summit and its guests."
            for i in range(12)
        )
    )
    (tmp_path / "in" / "a.txt").write_text("Kim to meet Putin\n" + story)
    (tmp_path / "copy.txt").write_text("Kim to meet Putin\n" + story)
    (tmp_path / "plain.txt").write_text(story + " Reporting by a second desk.")
    result = invoke(
        runner,
        "make",
        "in/a.txt",
        tmp_path / "in" / "a.txt",
        "copy.txt",
        "plain.txt",
        "--base-url",
        server.url,
        "-q",
    )
    assert result.exit_code == 0, result.stderr
    assert len(server.requests) == 2  # a.txt (and its copies) once, plain.txt once
    sources = result.stdout.split("## Sources", 1)[1]
    assert (
        "1. Kim to meet Putin _(title guessed from the first line)_ (`in/a.txt`, `copy.txt`)"
        in (sources)
    )
    assert str(tmp_path) not in result.stdout  # never a local absolute path
    assert "2. plain (`plain.txt`) — " in sources and "a copy of [1]'s story" in sources


def test_messy_inputs_through_the_cli_the_good_ones_are_used_and_each_bad_one_named(
    runner, server, tmp_path, monkeypatch
):
    server.default = answer()
    monkeypatch.chdir(tmp_path)
    records = [
        {"id": "zoned", "text": SAMPLE_TEXT, "published": "2023-09-05T23:30:00-05:00"},
        {"id": "utc", "text": SAMPLE_TEXT + " Two.", "published": "2023-09-05T14:30:00Z"},
        {"id": "none", "text": SAMPLE_TEXT + " Three.", "published": "None"},
    ]
    lines = [json.dumps(r) for r in records]
    lines.insert(2, '{"id": "broken", "text": "cut off')
    (tmp_path / "crawl.jsonl").write_text("\n".join(lines) + "\n")
    french = "Réunion à Vladivostok\n" + SAMPLE_TEXT + " Les élèves attendaient."
    (tmp_path / "latin1.txt").write_bytes(french.encode("latin-1"))
    polish = "Spotkanie w Łodzi\n" + SAMPLE_TEXT + " Żółta łódź płynęła."
    (tmp_path / "polish.txt").write_bytes(polish.encode("cp1250"))
    (tmp_path / "huge.txt").write_text("Big\n" + SAMPLE_TEXT + " x" * 6000)
    result = invoke(
        runner,
        "make",
        "crawl.jsonl",
        "latin1.txt",
        "polish.txt",
        "huge.txt",
        "--base-url",
        server.url,
        "--max-input-bytes",
        "10000",
        "--json",
        "b.json",
    )
    assert result.exit_code == 3, result.stderr
    brief = json.loads((tmp_path / "b.json").read_text())
    used = {s["article"]["id"]: s["article"] for s in brief["sources"] if not s["failed"]}
    assert set(used) == {"zoned", "utc", "none", "latin1", "polish"}
    assert used["zoned"]["published"] == "2023-09-05" and used["none"]["published"] is None
    assert used["latin1"]["title"] == "Réunion à Vladivostok"
    assert used["polish"]["title"] == "Spotkanie w Łodzi"
    failed = {s["article"]["id"]: s["failed"] for s in brief["sources"] if s["failed"]}
    assert (
        failed["crawl-3"].startswith("crawl.jsonl:3: not JSON") or "not JSON" in failed["crawl-3"]
    )
    assert "more than the 10,000 a run reads per file" in failed["huge"]
    assert len(server.requests) == 5


def test_a_scraped_one_line_body_reaches_the_model_without_its_furniture(runner, server, tmp_path):
    server.default = answer()
    body = (
        "Skip Ad Ad Loading... x Embed x Share " + SAMPLE_TEXT + " Image copyright Getty Images "
        "Image caption Kim Jong Un in Pyongyang. Get daily updates directly to your inbox "
        "Subscribe Thank you for subscribing! Invalid Email Read or Share this story: "
        "https://example.com/kim"
    )
    records = tmp_path / "crawl.jsonl"
    records.write_text(json.dumps({"id": "scraped", "title": "Kim to meet Putin", "text": body}))
    result = invoke(runner, "extract", records, "--base-url", server.url)
    assert result.exit_code == 0, result.stderr
    sent = server.requests[0]["messages"][1]["content"]
    assert SAMPLE_TEXT in sent  # every substantive sentence kept, character for character
    for furniture in (
        "Skip Ad",
        "x Embed",
        "Image copyright",
        "Subscribe Thank you",
        "Invalid Email",
        "Read or Share",
    ):
        assert furniture not in sent, furniture
    extraction = ArticleExtraction.model_validate_json(result.stdout)
    assert extraction.extraction == sample_extraction()


# --- the HTML page -------------------------------------------------------------------------------


def test_the_config_files_html_key_writes_the_page_beside_the_markdown(
    runner, server, tmp_path, monkeypatch
):
    server.default = answer()
    job = _job_folder(tmp_path, server, html="out/brief.html")
    (job / "out").mkdir()
    monkeypatch.chdir(tmp_path)
    result = invoke(runner, "make", "--config", job / "briefgen.toml", "--out", job / "brief.md")
    assert result.exit_code == 0, result.stderr
    page = (job / "out" / "brief.html").read_text()
    assert page.startswith("<!doctype html>")
    assert '<h1 dir="auto">Kim Jong Un and Vladimir Putin: brief from 2 articles</h1>' in page
    assert (job / "brief.md").exists()


def test_html_alone_writes_the_page_and_prints_no_markdown(runner, tmp_path):
    page = tmp_path / "brief.html"
    result = invoke(runner, "demo", "--html", page, "--json", tmp_path / "brief.json")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "Vostochny Cosmodrome" in page.read_text()
    # a saved JSON brief renders to the same page, and to the demo's Markdown
    again = invoke(runner, "render", tmp_path / "brief.json", "--html", tmp_path / "again.html")
    assert again.exit_code == 0 and again.stdout == ""
    assert (tmp_path / "again.html").read_text() == page.read_text()
    printed = invoke(runner, "render", tmp_path / "brief.json")
    assert printed.stdout.startswith("# Vladimir Putin and Kim Jong-un: brief from 5 articles")


def test_merge_writes_the_page_too(runner, server, articles, tmp_path):
    server.default = answer()
    one = tmp_path / "one.json"
    one.write_text(invoke(runner, "extract", articles / "one.txt", "--base-url", server.url).stdout)
    result = invoke(runner, "merge", one, "--html", tmp_path / "m.html", "--out", tmp_path / "m.md")
    assert result.exit_code == 0
    assert "Kim Jong Un" in (tmp_path / "m.html").read_text()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "No such file or directory"),
        ('{"hello": 1}', "not a briefgen JSON brief"),
        ("not json", "not a briefgen JSON brief"),
        (
            '{"article": {"id": "a", "source": "a.txt"}, "extraction": {}, "model": "m", '
            '"prompt_version": "v"}',
            "it holds an extraction: `briefgen merge` it into a brief first",
        ),
        (
            '{"article": {"id": "a", "source": "a.txt"}, "reason": "r", "model": "m", '
            '"prompt_version": "v"}\n{"article": {"id": "b", "source": "b.txt"}, "reason": "r", '
            '"model": "m", "prompt_version": "v"}\n',
            "it holds an extraction: `briefgen merge` it into a brief first",
        ),
    ],
)
def test_render_of_a_bad_brief_is_a_one_line_input_error(runner, tmp_path, content, message):
    brief = tmp_path / "brief.json"
    if content is not None:
        brief.write_text(content)
    result = runner.invoke(main, ["render", str(brief), "--html", str(tmp_path / "x.html")])
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.html").exists()


def test_render_into_a_missing_folder_fails_before_reading(runner, tmp_path):
    result = runner.invoke(main, ["render", "nothing.json", "--html", str(tmp_path / "no/x.html")])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_two_outputs_on_one_file_is_a_usage_error_before_anything_runs(runner, tmp_path):
    same = tmp_path / "same.x"
    result = runner.invoke(main, ["demo", "--out", str(same), "--html", str(same)])
    assert result.exit_code == 2
    assert "given for both --out and --html" in result.stderr
    assert not same.exists()
    brief = tmp_path / "brief.json"
    assert invoke(runner, "demo", "--json", brief, "-q").exit_code == 0
    result = runner.invoke(main, ["render", str(brief), "--out", str(same), "--html", str(same)])
    assert result.exit_code == 2 and not same.exists()


def test_render_to_dev_null_leaves_the_device_alone(runner, tmp_path):
    brief = tmp_path / "brief.json"
    assert invoke(runner, "demo", "--json", brief, "-q").exit_code == 0
    result = invoke(runner, "render", brief, "--html", os.devnull)
    assert result.exit_code == 0
    assert Path(os.devnull).is_char_device()
