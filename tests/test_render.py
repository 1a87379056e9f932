"""Markdown rendering of a Brief."""

from __future__ import annotations

from datetime import date

from briefgen.merge import merge
from briefgen.render import markdown
from briefgen.schemas import ArticleFailure, ArticleRef

from test_merge import ask, person, result, venue, when


def sample_brief():
    failure = ArticleFailure(
        article=ArticleRef(id="broken", source="broken.txt"),
        reason="refused by the content filter",
        model="m",
        prompt_version="v",
    )
    return merge(
        [
            result(
                1,
                actors=[
                    person("Kim Jong-un", "Mr. Kim", role="North Korean leader"),
                    person("Vladimir Putin"),
                ],
                asks=[
                    ask(
                        "Vladimir Putin",
                        "Kim Jong-un",
                        "artillery shells",
                        quote="Putin wants shells",
                    )
                ],
                venues=[venue("Vladivostok", quote="potentially in Vladivostok")],
                dates=[when("September 10-13")],
            ),
            result(
                2,
                published=date(2023, 9, 12),
                actors=[person("Kim Jong Un"), person("Vladimir Putin")],
                asks=[
                    ask(
                        "Vladimir Putin",
                        "Kim Jong Un",
                        "artillery shells and missiles",
                        certainty="confirmed",
                    )
                ],
                venues=[venue("Vostochny Cosmodrome", "confirmed", "at the Vostochny Cosmodrome")],
                dates=[when("On Tuesday", central=False, relation="before", event="Kim leaves")],
            ),
            failure,
        ]
    )


def test_markdown_has_every_section_with_citations():
    text = markdown(sample_brief())
    for heading in (
        "## Key facts",
        "## Where",
        "## When",
        "## Actors",
        "## Asks",
        "## Timeline",
        "## Sources",
        "## How this brief was made",
    ):
        assert heading in text
    assert "**Kim Jong-un** (North Korean leader) — also: Mr. Kim, Kim Jong Un [1][2]" in text
    assert "Vladimir Putin → Kim Jong-un: artillery shells and missiles [1][2] — 2 sources" in text


def test_disputed_venue_shows_each_answer_with_its_sources_and_words():
    text = markdown(sample_brief())
    assert "## Where — sources disagree" in text
    assert "  - [1] (2023-09-05) “potentially in Vladivostok”" in text
    assert "  - [2] (2023-09-12) “at the Vostochny Cosmodrome”" in text
    assert "Vladivostok [1] vs Vostochny Cosmodrome [2] — **disputed**" in text


def test_hedged_values_say_so_and_confirmed_ones_do_not():
    text = markdown(sample_brief())
    assert "**Vladivostok** _(reported)_ — 1 source [1]; last reported 2023-09-05\n" in text
    assert (
        "**Vostochny Cosmodrome** — 1 source [2]; last reported 2023-09-12"
        " (**the latest report**)" in text
    )


def test_failures_model_and_prompt_version_are_stated():
    text = markdown(sample_brief())
    assert "- Model: m; prompt version: v" in text
    assert "- Articles used: 2 of 3" in text
    assert "**Failed:** [3] broken: refused by the content filter" in text
    assert "3. broken (`broken.txt`) — **failed:** refused by the content filter" in text


def test_timeline_keeps_the_words_as_written():
    text = markdown(sample_brief())
    assert "- 2023-09-10/2023-09-13 — the summit (“September 10-13”) [1]" in text
    assert "- 2023-09-12 — Kim leaves (“On Tuesday”) [2]" in text


def test_empty_slots_say_no_source_says():
    text = markdown(merge([result(1, actors=[person("Vladimir Putin")])]))
    assert "## Where\n\n_No source says._" in text


def test_each_source_says_what_was_kept_and_dropped_and_why():
    from briefgen.schemas import Dropped

    kept = result(1, actors=[person("Kim Jong-un")]).model_copy(
        update={
            "dropped": [
                Dropped(kind="actors", quote="x", reason="name not in the article: 'Outlet'")
            ]
        }
    )
    empty = ArticleFailure(
        article=ArticleRef(id="weak", source="weak.txt"),
        reason="no item grounded in the article (2 dropped: quote not in the article)",
        model="m",
        prompt_version="v",
        dropped=[Dropped(kind="actors", quote="a"), Dropped(kind="dates", quote="b")],
    )
    brief = merge([kept, empty])
    assert [(s.kept, s.dropped) for s in brief.sources] == [(1, 1), (0, 2)]
    text = markdown(brief)
    assert "(`a1.txt`) — 1 item, 1 dropped" in text
    assert "(`weak.txt`) — 2 dropped — **failed:** no item grounded" in text
    assert (
        "Items dropped as not grounded in the article: 3 (name not in the article: 1; "
        "quote not in the article: 2)"
    ) in text
