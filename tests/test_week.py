"""Issue 21's week: one job run as cron would, every morning for seven days, on an inbox and a
feed served on 127.0.0.1, with one store. Each day asserts the model calls made, the exit code,
the first lines of "What changed" and what `briefgen status` tells a monitor.

Mon  first run                              5 calls  exit 0   "First run of this job"
Tue  the feed server is down (503)          0 calls  exit 0   "Unreachable source: feed …"
Wed  the feed is back, one entry corrected  1 call   exit 0   "Revised source: [4] …"
Thu  a page's stamps and counters moved     0 calls  exit 0   "Nothing changed"
Fri  a short wire copy of a feed story      1 call   exit 0   "New source", marked a copy
Sat  a run overlaps another                 0 calls  exit 75  the run log says refused
Sun  three new articles, a spent budget     1 call   exit 3   "budget reached" for two

The table this prints (pytest -s) is the one in the closing note of issue 21.
"""

from __future__ import annotations

import json

import pytest
from test_what_changed import Job, answer, story, what_changed

from briefgen import files
from briefgen.schemas import Brief

from conftest import invoke

PRICE = json.dumps({"gpt-4o-mini": {"input": 0.15, "output": 0.60}})  # USD per million


def status(job: Job) -> tuple[int, dict]:
    found = invoke(job.runner, "status", "--max-age", "26h", "--json")
    return found.exit_code, json.loads(found.stdout)


def first_line(markdown: str) -> str:
    """The first line of "What changed", or its heading when nothing changed."""
    if "\n## Nothing changed" in markdown:
        return markdown.split("\n## ", 2)[1].splitlines()[0]
    lines = what_changed(markdown)
    return lines[0] if lines else ""


def inbox_page(stamp: str) -> str:
    """An inbox article scraped with the page's stamps and counters around its text."""
    return f"Updated {stamp} · Views: {len(stamp) * 97:,}\n{story(11)}"


@pytest.fixture
def job(runner, server, site, tmp_path, db) -> Job:
    """The job of tests/test_what_changed.py: two inbox articles, a feed of three, one store."""
    server.default = answer
    made = Job(runner, server, site, tmp_path, db)
    (made.inbox / "inbox-10.txt").write_text(story(10))
    return made


def test_a_week_of_mornings(job, monkeypatch):
    monkeypatch.setenv("BRIEFGEN_PRICES", PRICE)
    (job.inbox / "inbox-11.txt").write_text(inbox_page("2 hours ago"))
    week: list[tuple[str, int, int, str, str]] = []

    def morning(day: str, *extra: object) -> tuple[int, int, Brief, str]:
        result, calls, brief, markdown = job.run(*extra)
        code, health = status(job)
        line = first_line(markdown) if result.exit_code in (0, 3) else result.stderr.strip()
        week.append((day, result.exit_code, calls, line[:90], f"{code} {health['healthy']}"))
        return result.exit_code, calls, brief, markdown

    # Mon: the first run asks about every article: 2 in the inbox, 3 in the feed.
    code, calls, brief, markdown = morning("Mon")
    assert (code, calls) == (0, 5)
    assert first_line(markdown) == "_First run of this job: nothing to compare with yet._"
    assert status(job)[0] == 0
    job.a_day_passes()

    # Tue: the feed's server fails. Its stories stay, as last read; nothing is news.
    job.site.pages["/feed.xml"].status = 503
    code, calls, brief, markdown = morning("Tue")
    assert (code, calls) == (0, 0)
    lines = what_changed(markdown)
    assert len(lines) == 1 and lines[0].startswith("- **Unreachable** source: feed ")
    assert "last good 1 day ago" in lines[0] and "Dropped" not in markdown
    assert [bool(s.stale) for s in brief.sources].count(True) == 3
    code, health = status(job)
    assert code == 0 and health["healthy"]  # the brief is whole; the monitor can see why
    (feed,) = health["stale_sources"]  # the feed, whose three entries stand as last read
    assert feed["source"].endswith("/feed.xml") and "503" in feed["reason"]
    job.a_day_passes()

    # Wed: the feed is back, and its second entry was corrected overnight: one call, one line.
    job.site.pages["/feed.xml"].status = 200
    job.entries[1] = ("f2", "Feed story two", story(2, place="Moscow", topic="a ban on grain"))
    job.publish()
    code, calls, brief, markdown = morning("Wed")
    assert (code, calls) == (0, 1)
    lines = what_changed(markdown)
    assert lines[0].startswith("- **Revised** source: [4] “Feed story two” (Daily Planet) — ")
    assert "place: Oslo → Moscow" in lines[0]
    assert not any(line.startswith("- **New** source") for line in lines)
    job.a_day_passes()

    # Thu: the inbox page was scraped again: new stamp, more views. Not content: no call.
    (job.inbox / "inbox-11.txt").write_text(inbox_page("1 day ago"))
    code, calls, brief, markdown = morning("Thu")
    assert (code, calls) == (0, 0)
    assert "## Nothing changed since run 3" in markdown
    job.a_day_passes()

    # Fri: a wire copy of feed story one, short, under a new headline with a dateline and a
    # credit line: one call for the new file, and it counts as a copy, not a confirmation.
    copy = f"Trade council warning shakes markets\nLONDON (Reuters) - {story(1)}\nReporting by A."
    (job.inbox / "wire-copy.txt").write_text(copy)
    code, calls, brief, markdown = morning("Fri")
    assert (code, calls) == (0, 1)
    (wire,) = [s for s in brief.sources if s.article.id == "wire-copy"]
    original = next(s for s in brief.sources if s.article.source.endswith("/f1"))
    # one story: the later-listed of the two names the other (the inbox is listed first)
    assert (wire.copy_of, original.copy_of) == (None, wire.n)
    assert first_line(markdown).startswith("- **New** source: ")
    job.a_day_passes()

    # Sat: cron starts the job while yesterday's is still writing: refused at once, exit 75,
    # in the run log, and no alarm for the monitor.
    with files.output_lock([job.root / "brief.md"], job.db.parent):
        refused = invoke(
            job.runner,
            "make",
            job.inbox,
            job.site.url("/feed.xml"),
            "--base-url",
            job.server.url,
            "-o",
            job.root / "brief.md",
        )
    assert refused.exit_code == 75 and "nothing was done" in refused.stderr
    code, health = status(job)
    said = refused.stderr.strip().splitlines()[-1]
    week.append(("Sat", refused.exit_code, 0, said[:90], f"{code} {health['healthy']}"))
    assert code == 0 and health["healthy"]
    runs = json.loads(invoke(job.runner, "runs", "--json", "-n", "1").stdout)
    assert (runs[0]["status"], runs[0]["exit_code"], runs[0]["calls"]) == ("refused", 75, 0)
    job.a_day_passes()

    # Sun: three new articles, and a budget that one call spends: one is asked, two wait for
    # tomorrow (not cached as failures), and the brief is partial.
    for k in (40, 41, 42):
        (job.inbox / f"late-{k}.txt").write_text(story(k))
    code, calls, brief, markdown = morning(
        "Sun", "--budget-per-day", "0.00002", "--concurrency", "1"
    )
    assert (code, calls) == (3, 1)
    waiting = [s for s in brief.failures if (s.failed or "").startswith("budget reached")]
    assert len(waiting) == 2
    assert "Cost:" in markdown
    code, health = status(job)
    assert code == 0 and health["healthy"] and health["warning"]  # partial: a warning

    # Then the job stops running (cron broken, say): two days on, the monitor hears of it.
    job.a_day_passes()
    job.a_day_passes()
    code, health = status(job)
    assert code == 1 and not health["healthy"]

    print()
    print("| day | exit | calls | What changed, first line (or stderr) | status |")
    print("|---|---|---|---|---|")
    for day, exit_code, n, line, health_line in week:
        print(f"| {day} | {exit_code} | {n} | {line} | {health_line} |")
