"""Every timeline and date line says its certainty, a reported event who it is credited to, and
a date resolved from the brief's own context how: in Markdown, HTML and JSON alike."""

from __future__ import annotations

import json
from datetime import date

from briefgen.merge import merge
from briefgen.render import html, markdown
from briefgen.schemas import Actor, ArticleExtraction, ArticleRef, DateMention, Extraction

KIRBY = Actor(
    name="John Kirby", kind="person", role=None, affiliation=None, aliases=["Kirby"], quote="Kirby"
)


def mention(text, event, certainty="confirmed", central=False, quote=None) -> DateMention:
    return DateMention(
        text=text,
        event=event,
        relation="before",
        central=central,
        certainty=certainty,
        quote=quote or f"{event} {text}",
    )


def result(n: int, *dates: DateMention) -> ArticleExtraction:
    return ArticleExtraction(
        article=ArticleRef(id=f"a{n}", source=f"a{n}.txt", published=date(2023, 9, 12)),
        extraction=Extraction(
            actors=[KIRBY], motives=[], asks=[], warnings=[], venues=[], dates=list(dates)
        ),
        model="m",
        prompt_version="v",
    )


def brief():
    return merge(
        [
            result(
                1,
                mention("September 10-13", "Eastern Economic Forum", "planned", central=True),
                mention(
                    "in 2022",
                    "North Korea deployed missiles to Russia",
                    "reported",
                    quote="Kirby said that North Korea had deployed missiles to Russia in 2022",
                ),
                mention("in 2022", "the war would not have broken out"),
                mention("in 2025", "Kim may visit Moscow", "speculated"),
            ),
            result(
                2,
                mention(
                    "on the final day of the forum", "Putin meets Kim", "planned", central=True
                ),
            ),
        ]
    )


def test_markdown_lines_carry_certainty_claimant_and_context():
    page = markdown(brief())
    assert (
        "- 2022 — North Korea deployed missiles to Russia (“in 2022”) "
        "_(reported, according to John Kirby)_ [1]" in page
    )
    assert "(“September 10-13”) _(planned)_ [1]" in page
    assert "(“on the final day of the forum”; from the forum's dates) _(planned)_ [2]" in page
    assert (
        "**2023-09-13** (as written: “on the final day of the forum”) (from the forum's dates) "
        "_(planned)_" in page
    )
    assert "would not have" not in page.split("## Timeline")[1]
    assert "may visit" not in page


def test_html_lines_carry_certainty_claimant_and_context():
    page = html(brief())
    assert '<em class="hedge">(reported, according to John Kirby)</em>' in page
    assert "; from the forum&#39;s dates)" in page
    assert "(from the forum&#39;s dates)" in page
    assert "would not have" not in page
    assert "may visit" not in page


def test_json_carries_certainty_claimant_and_context():
    data = json.loads(brief().model_dump_json())
    lines = {e["event"]: e for e in data["timeline"]}
    assert lines["North Korea deployed missiles to Russia"]["certainty"] == "reported"
    assert lines["North Korea deployed missiles to Russia"]["according_to"] == ["John Kirby"]
    assert all(q["certainty"] for e in data["timeline"] for q in e["quotes"])
    assert lines["Putin meets Kim"]["from_context"] == [
        {
            "as_written": "on the final day of the forum",
            "kind": "event",
            "anchor": "the forum",
            "anchor_date": "2023-09-10/2023-09-13",
        }
    ]
    assert "the war would not have broken out" not in lines
