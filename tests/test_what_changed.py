"""A morning job, day by day, through the command line: an inbox folder and an RSS feed on a
loopback web server, the fake model server, one store. Each day's exit code, model calls and
"What changed" are what an operator reading the brief should see: an outage is not news, a
correction is a revision, and a busy day is bounded."""

from __future__ import annotations

import json
import random
import re
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from briefgen.schemas import Brief

from conftest import invoke
from fakeserver import Reply, chat_completion, error_body
from website import Page, Site

FIRST = "Anna Carl Dora Emil Frida Gustav Hanna Ivan Jana Karl Lena Milo Nora Otto".split()
LAST = "Berg Dorn Falk Holm Krog Lund Moll Nord Rask Stein Thal Vogt".split()
PLACES = ["Vladivostok", "Geneva", "Oslo", "Lisbon", "Helsinki", "Vienna", "Prague"]
# Each article's own further text, so that no two read as copies of one story (a shared
# paragraph three times over would make them near-copies, and one story).
_WORDS = (
    "diplomats followed preparations closely officials said details would come days neither side "
    "gave agenda delegates arrived morning trains harbour ministers briefed reporters afternoon "
    "analysts expected cautious statements markets reacted calmly exporters waited patiently "
    "farmers protested quietly unions asked questions envoys travelled north"
).split()


def padding(k: int) -> str:
    pick = random.Random(k)
    return " " + " ".join(pick.choice(_WORDS) for _ in range(90)) + "."


def story(k: int, place: str | None = None, topic: str | None = None) -> str:
    """Article k: one person warning of one thing, and a place; long enough for a feed entry
    to carry the whole article."""
    name = f"{FIRST[k % len(FIRST)]} {LAST[k % len(LAST)]}"
    place = place or PLACES[k % len(PLACES)]
    topic = topic or f"a tariff on product {k}"
    return (
        f"{name} of the trade council warned Ruritania against {topic}. "
        f"The talks will be held in {place}, officials said.{padding(k)}"
    )


def answer(body: dict[str, Any]) -> Reply:
    """The model's answer, read off the article in the request: its warner, topic and place."""
    text = body["messages"][-1]["content"]
    who, topic = re.search(r"(\w+ \w+) of the trade council warned Ruritania against ([^.]+)\.",
                           text).groups()  # fmt: skip
    place = re.search(r"held in (\w+)", text)[1]
    extraction = {
        "actors": [
            {
                "name": who,
                "kind": "person",
                "role": None,
                "affiliation": None,
                "aliases": [],
                "quote": f"{who} of the trade council",
            }
        ],
        "motives": [],
        "asks": [],
        "warnings": [
            {
                "warner": who,
                "warned": "Ruritania",
                "warning": f"against {topic}",
                "certainty": "confirmed",
                "quote": f"{who} of the trade council warned Ruritania against {topic}.",
            }
        ],
        "venues": [
            {
                "place": place,
                "within": [],
                "certainty": "reported",
                "quote": f"The talks will be held in {place}",
            }
        ],
        "dates": [],
    }
    return Reply(body=chat_completion(json.dumps(extraction)))


def rss(entries: list[tuple[str, str, str]]) -> str:
    items = "".join(
        f"<item><title>{title}</title><link>https://planet.test/{slug}</link>"
        f"<guid>https://planet.test/{slug}</guid>"
        f"<pubDate>Tue, 05 Sep 2023 08:00:00 GMT</pubDate>"
        f"<content:encoded><![CDATA[<p>{text}</p>]]></content:encoded></item>"
        for slug, title, text in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>Daily Planet</title><link>https://planet.test/</link>{items}</channel></rss>"
    )


class Job:
    """The job's folder: an inbox, a feed on the site, the brief's files, the store."""

    def __init__(self, runner: Any, server: Any, site: Site, root: Path, db: Path):
        self.runner, self.server, self.site, self.root, self.db = runner, server, site, root, db
        self.inbox = root / "inbox"
        self.inbox.mkdir()
        self.entries = [
            ("f1", "Feed story one", story(1)),
            ("f2", "Feed story two", story(2)),
            ("f3", "Feed story three", story(3)),
        ]
        self.publish()

    def publish(self) -> None:
        self.site.pages["/feed.xml"] = Page(rss(self.entries), content_type="application/rss+xml")

    def run(self, *extra: object) -> tuple[Any, int, Brief, str]:
        """One morning: the exit, the model calls it made, the brief and its Markdown."""
        before = len(self.server.requests)
        result = invoke(
            self.runner,
            "make",
            self.inbox,
            self.site.url("/feed.xml"),
            *extra,
            "--base-url",
            self.server.url,
            "--backoff",
            "0",
            "--retries",
            "0",
            "-o",
            self.root / "brief.md",
            "--json",
            self.root / "brief.json",
            "--html",
            self.root / "brief.html",
        )
        brief = Brief.model_validate_json((self.root / "brief.json").read_text())
        markdown = (self.root / "brief.md").read_text()
        return result, len(self.server.requests) - before, brief, markdown

    def a_day_passes(self) -> None:
        """Every run in the store ended a day earlier than it did."""
        with sqlite3.connect(self.db) as db:
            for run_id, started, ended in db.execute("SELECT id, started, ended FROM runs"):
                shift = [
                    (datetime.fromisoformat(t) - timedelta(days=1)).isoformat() if t else None
                    for t in (started, ended)
                ]
                db.execute("UPDATE runs SET started = ?, ended = ? WHERE id = ?", [*shift, run_id])


@pytest.fixture
def job(runner, server, site, tmp_path, db) -> Job:
    server.default = answer
    made = Job(runner, server, site, tmp_path, db)
    for k in (10, 11):
        (made.inbox / f"inbox-{k}.txt").write_text(story(k))
    return made


def what_changed(markdown: str) -> list[str]:
    """The section's lines, up to the next heading."""
    section = markdown.split("\n## ", 2)[1]
    return [
        line
        for line in section.splitlines()[1:]
        if line.strip() and not line.startswith("_The sources tell")  # the stories' banner
    ]


def test_a_feed_outage_is_not_news_and_its_return_is_not_new(job):
    result, calls, brief, markdown = job.run()
    assert (result.exit_code, calls) == (0, 5)
    assert what_changed(markdown) == ["_First run of this job: nothing to compare with yet._"]
    assert "Articles used: 5 of 5" in markdown
    job.a_day_passes()

    # Day 2: the feed's server fails. Its stories stay, as read yesterday.
    job.site.pages["/feed.xml"] = Page("down for maintenance", 503, "text/plain")
    result, calls, brief, markdown = job.run()
    assert (result.exit_code, calls) == (0, 0), result.output
    feed = job.site.url("/feed.xml")
    assert what_changed(markdown) == [
        f"- **Unreachable** source: feed {feed} (last good 1 day ago; its 3 entries kept as "
        "read) — HTTP 503 Service Unavailable [3][4][5]"
    ]
    assert "Dropped" not in markdown and "**New**" not in markdown
    assert [s.article.source for s in brief.sources][2:] == [
        f"https://planet.test/f{k}" for k in (1, 2, 3)
    ]
    assert {s.article.via for s in brief.sources[2:]} == {feed}
    assert not brief.partial and not brief.failures
    assert [bool(s.stale) for s in brief.sources] == [False, False, True, True, True]
    assert "Articles used: 5 of 5 (3 as last read: stale)" in markdown  # the feed is no article
    stale = (
        f"- **Stale:** [3] planet.test-f1: as read 1 day ago (run 1); this run: {feed}: HTTP 503"
    )
    assert stale in markdown
    warnings = [w for story in (brief, *brief.stories) for w in story.warnings]
    assert len(warnings) == 5  # every story's warning is still there
    assert "stale     [3] planet.test-f1" in result.stderr
    assert "run 2 ok: 5 articles, 2 cached, 0 failed, 3 stale, 0 calls" in result.stderr
    assert "1 day ago" in result.stderr
    job.a_day_passes()

    # Day 3: the feed is back, unchanged. Nothing is new.
    job.publish()
    result, calls, brief, markdown = job.run()
    assert (result.exit_code, calls) == (0, 0)
    assert markdown.startswith("# ") and "## Nothing changed since run 2" in markdown
    assert not any(s.stale for s in brief.sources)


def test_a_corrected_article_is_a_revision_with_the_change_itself(job):
    job.run()
    job.a_day_passes()
    job.entries[1] = ("f2", "Feed story two", story(2, place="Moscow", topic="a ban on grain"))
    job.publish()
    result, calls, brief, markdown = job.run()
    assert (result.exit_code, calls) == (0, 1)
    lines = what_changed(markdown)
    assert lines[0].startswith("- **Revised** source: [4] “Feed story two” (Daily Planet) — ")
    assert lines[0].endswith(
        " — now says warning: Dora Falk → Ruritania: against a ban on grain; no longer says "
        "warning: Dora Falk → Ruritania: against a tariff on product 2; place: Oslo → Moscow"
    )
    assert brief.changes is not None
    assert brief.changes.items[0].details[-1] == "place: Oslo → Moscow"
    assert len(lines) == 1, lines  # not its side effects: no dropped actor, no new warning
    assert "Dropped" not in markdown


def test_the_model_server_failing_on_a_changed_article_keeps_it_as_last_read(job, server):
    job.run()
    job.a_day_passes()
    (job.inbox / "inbox-10.txt").write_text(story(10, topic="a new levy"))
    server.default = Reply(500, error_body("the model server is overloaded"))
    result, calls, brief, markdown = job.run()
    assert result.exit_code == 0, result.output
    assert calls == 1  # retries 0: one call, which failed
    first = brief.sources[0]
    assert first.stale is not None and "HTTP 500" in first.stale.reason
    lines = what_changed(markdown)
    assert len(lines) == 1 and lines[0].startswith("- **Unreachable** source: “inbox-10”")
    assert "last good 1 day ago" in lines[0]
    assert "levy" not in markdown  # the last good reading, not today's text


def test_an_outage_longer_than_stale_after_is_a_failure(job):
    job.run()
    job.a_day_passes()
    job.site.pages["/feed.xml"] = Page("gone away", 503, "text/plain")
    result, _, brief, markdown = job.run("--stale-after", "0.5")
    assert result.exit_code == 3
    assert [s.failed is not None for s in brief.sources] == [False, False, True]
    feed = job.site.url("/feed.xml")
    assert what_changed(markdown)[0] == (
        f"- **Failed** source: feed {feed} — HTTP 503 Service Unavailable; its 3 entries of the "
        "previous brief are left out [3]"
    )
    assert "Dropped** source" not in markdown


def test_a_busy_day_shows_the_top_twelve_and_the_json_has_every_change(job):
    job.run()
    for k in range(20, 60):
        (job.inbox / f"new-{k}.txt").write_text(story(k))
    result, calls, brief, markdown = job.run()
    assert (result.exit_code, calls) == (0, 40)
    lines = what_changed(markdown)
    assert brief.changes is not None and brief.changes.shown == 12
    total = len(brief.changes.items)
    assert total > 40
    assert len(lines) == 13
    assert lines[-1] == f"- …and {total - 12} more (every change is in the JSON brief)"
    # 40 unrelated stories, no dispute among them: new warnings first; no new source or actor of
    # one source among the twelve (disputes above warnings: tests/merge/test_changes.py)
    labels = [line.split(":")[0] for line in lines[:12]]
    assert set(labels) == {"- **New** warning"}
    html = (job.root / "brief.html").read_text()
    assert f"<summary>and {total - 12} more</summary>" in html
    assert html.count('<li class="change ') == total


def test_the_sources_list_changed_is_said_and_compared_with_the_last_brief(job, tmp_path):
    job.run()
    extra = tmp_path / "second-inbox"
    extra.mkdir()
    (extra / "extra-30.txt").write_text(story(30))
    result, calls, _, markdown = job.run(extra)
    assert (result.exit_code, calls) == (0, 1)
    lines = what_changed(markdown)
    assert lines[0] == (
        f"_The job's sources changed since run 1 (added {extra}): compared with that run's brief._"
    )
    assert any("**New** warning: " in line and "product 30 [" in line for line in lines), lines
    assert any("**New** source: “extra-30”" in line for line in lines)
    assert not any("Dropped** source" in line for line in lines), lines
