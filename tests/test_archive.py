"""The archive (`archive` setting: a copy of every brief written, under names made from the
date, the run and the job) and `briefgen runs show ID --brief`, which prints a past brief from
the store. Runs go through the CLI against the fake server."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from briefgen import outputs, pipeline
from briefgen.config import Settings
from briefgen.errors import OutputsNotWritten
from briefgen.schemas import Brief

from conftest import SAMPLE_TEXT, invoke, sample_extraction, settings_for
from diskfull import fail_writes, staged_for
from fakeserver import Reply, chat_completion, error_body

ARCHIVE = (
    'archive = ["archive/{date}-{run}.md", "archive/{date}/{job}-{run}.json", '
    '"archive/{date}-{time}-{run}.html"]\n'
)


def answer(body=None) -> Reply:
    return Reply(body=chat_completion(sample_extraction().model_dump_json()))


@pytest.fixture
def job(tmp_path, monkeypatch):
    """A job folder, `briefs`, with two articles; the cwd."""
    folder = tmp_path / "briefs"
    (folder / "inbox").mkdir(parents=True)
    for name in ("one", "two"):
        (folder / "inbox" / f"{name}.txt").write_text(f"Report {name}\n{SAMPLE_TEXT}")
    monkeypatch.chdir(folder)
    return folder


def configure(job, server, extra: str = ARCHIVE) -> None:
    (job / "briefgen.toml").write_text(
        f'name = "morning news"\nsources = ["inbox/"]\nout = "out/brief.md"\n'
        f'json = "out/brief.json"\nbase_url = "{server.url}"\nbackoff = 0\n{extra}'
    )
    (job / "out").mkdir(exist_ok=True)


def archived(job) -> list[str]:
    folder = job / "archive"
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_every_brief_written_is_archived_under_its_date_run_and_job(runner, server, job):
    server.default = answer
    configure(job, server)
    assert not (job / "archive").exists()  # made when the first brief is archived
    first = invoke(runner, "make", "-q")
    assert first.exit_code == 0, first.stderr
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    names = archived(job)
    (page,) = [name for name in names if name.endswith(".html")]
    assert sorted(set(names) - {page}) == [f"{today}-1.md", f"{today}/morning_news-1.json"]
    assert page.startswith(f"{today}-") and page.endswith("-1.html")
    assert len(page) == len("2026-01-31-235959-1.html")
    md = (job / "archive" / f"{today}-1.md").read_text()
    assert md == (job / "out" / "brief.md").read_text()
    copy = (job / "archive" / today / "morning_news-1.json").read_text()
    assert copy == (job / "out" / "brief.json").read_text()
    assert (job / "archive" / page).read_text().startswith("<!doctype html>")
    # the run log names the copies with the outputs
    record = json.loads(invoke(runner, "runs", "--json").stdout)[0]
    assert str(job / "archive" / f"{today}-1.md") in record["outputs"]

    second = invoke(runner, "make", "-q")
    assert second.exit_code == 0
    assert f"{today}-1.md" in archived(job) and f"{today}-2.md" in archived(job)
    assert len(archived(job)) == 6


def test_a_partial_brief_is_archived_too(runner, server, job):
    def refuse_two(body) -> Reply:
        if "Report two" in body["messages"][1]["content"]:
            return Reply(body=chat_completion(None, refusal="I will not."))
        return answer()

    server.default = refuse_two
    configure(job, server, 'archive = "archive/{run}.md"\n')
    assert invoke(runner, "make", "-q").exit_code == 3
    assert archived(job) == ["1.md"]


def test_a_failed_run_archives_nothing_and_keeps_the_last_brief(runner, server, job):
    server.default = answer
    configure(job, server)
    assert invoke(runner, "make", "-q").exit_code == 0
    before = archived(job)
    brief = (job / "out" / "brief.md").read_text()
    (job / "inbox" / "three.txt").write_text(f"Report three\n{SAMPLE_TEXT} More.")
    server.default = Reply(400, error_body("no such model"))
    (job / "inbox" / "one.txt").write_text("Report one, changed\n" + SAMPLE_TEXT)
    (job / "inbox" / "two.txt").write_text("Report two, changed\n" + SAMPLE_TEXT)
    failed = invoke(runner, "make", "-q")
    assert failed.exit_code not in (0, 3)
    assert archived(job) == before
    assert (job / "out" / "brief.md").read_text() == brief


def test_an_output_that_cannot_be_written_takes_back_the_archive_copies(server, job, monkeypatch):
    server.default = answer
    settings = settings_for(
        server,
        out=job / "out" / "brief.md",
        archive=[str(job / "archive" / "{run}.md"), str(job / "archive" / "{run}.json")],
    )
    (job / "out").mkdir()
    refused = fail_writes(monkeypatch, staged_for("brief.md"))
    with pytest.raises(OutputsNotWritten, match="No space left on device"):
        pipeline.make_brief([job / "inbox"], settings)
    assert len(refused) == 1
    assert archived(job) == []  # no copy of a brief that was not delivered
    assert list((job / "out").iterdir()) == []  # and no staged file left behind


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("archive/{day}.md", "unknown field {day} (known: {date}, {time}, {run}, {job})"),
        ("archive/{run}.txt", "an archive file name ends .md, .json or .html"),
        ("archive/{run.md", "not a file name template"),
    ],
)
def test_a_wrong_archive_name_is_a_one_line_error_before_any_call(
    runner, server, job, template, problem
):
    server.default = answer
    configure(job, server, f'archive = "{template}"\n')
    result = invoke(runner, "make", "-q")
    assert result.exit_code == 2 and server.requests == []
    assert problem in result.stderr and len(result.stderr.splitlines()) == 1


def test_an_archive_folder_that_cannot_be_made_fails_before_any_call(runner, server, job):
    server.default = answer
    (job / "archive").write_text("a file, not a folder")
    configure(job, server, 'archive = "archive/{date}/{run}.md"\n')
    result = invoke(runner, "make", "-q")
    assert result.exit_code == 2 and server.requests == []
    assert "is not a folder" in result.stderr


def test_the_archive_names_fill_their_fields_and_make_the_job_a_file_name():
    settings = Settings(name="../night/shift", archive=["a/{job}-{date}-{time}-{run}.md"])
    when = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    (path,) = outputs.archive_paths(settings, 12, when)
    assert path.as_posix() == "a/night_shift-2026-03-04-050607-12.md"
    assert outputs.archive_paths(Settings(), 12, when) == []


# --- runs show ID --brief --------------------------------------------------------------------


def test_runs_show_brief_prints_a_past_brief_in_each_format(runner, server, job, db):
    server.default = answer
    configure(job, server, "")
    assert invoke(runner, "make", "-q").exit_code == 0
    first_md = (job / "out" / "brief.md").read_text()
    first_json = (job / "out" / "brief.json").read_text()
    (job / "inbox" / "three.txt").write_text(f"Report three\n{SAMPLE_TEXT} More.")
    assert invoke(runner, "make", "-q").exit_code == 0
    assert (job / "out" / "brief.md").read_text() != first_md

    shown = invoke(runner, "runs", "show", "1", "--brief")
    assert shown.exit_code == 0 and shown.stdout == first_md
    as_json = invoke(runner, "runs", "show", "1", "--brief", "--format", "json")
    assert Brief.model_validate_json(as_json.stdout) == Brief.model_validate_json(first_json)
    html = invoke(runner, "runs", "show", "1", "--brief", "--format", "html").stdout
    assert html.startswith("<!doctype html>") and "Report one" in html
    # the options of `runs` work before `show` too; --json there means the JSON brief
    before = invoke(runner, "runs", "--json", "--db", db, "show", "1", "--brief")
    assert json.loads(before.stdout) == json.loads(as_json.stdout)


def test_runs_show_brief_of_a_run_that_made_none_says_so(runner, server, job):
    server.default = Reply(400, error_body("no such model"))
    configure(job, server, "")
    assert invoke(runner, "make", "-q").exit_code not in (0, 3)
    result = invoke(runner, "runs", "show", "1", "--brief")
    assert result.exit_code == 2
    assert result.stderr.startswith("briefgen: error: run 1 made no brief (status ")
    result = invoke(runner, "runs", "show", "1", "--format", "md")
    assert result.exit_code == 2 and "--format goes with --brief" in result.stderr
