"""Markdown rendering of a Brief."""

from __future__ import annotations

import re
from datetime import date

from briefgen.merge import merge
from briefgen.render import markdown
from briefgen.render import text as render_text
from briefgen.schemas import (
    Actor,
    ArticleFailure,
    ArticleRef,
    Brief,
    DatedEvent,
    Motive,
    OtherDate,
    Quote,
    Slot,
    SlotValue,
    WarningItem,
)

from test_merge import ask, person, result, venue, when
from test_stories import mixed


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
    assert (
        "Vladimir Putin → Kim Jong-un: artillery shells and missiles [1][2] — 2 reports, 2 origins"
    ) in text


def test_disputed_venue_shows_each_answer_with_its_sources_and_words():
    text = markdown(sample_brief())
    assert "## Where — sources disagree" in text
    assert "  - [1] (2023-09-05) “potentially in Vladivostok”" in text
    assert "  - [2] (2023-09-12) “at the Vostochny Cosmodrome”" in text
    assert "Vladivostok, Russia [1] vs Vostochny Cosmodrome [2] — **disputed**" in text


def test_hedged_values_say_so_and_confirmed_ones_do_not():
    text = markdown(sample_brief())
    assert "**Vladivostok**, Russia _(reported)_ — 1 report [1]; last reported 2023-09-05\n" in text
    assert (
        "**Vostochny Cosmodrome** — 1 report [2]; last reported 2023-09-12"
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


# --- evidence under every claim ---------------------------------------------------------------


def test_every_ask_warning_and_motive_shows_its_quotes_under_it():
    brief = merge(
        [
            result(
                1,
                actors=[person("Vladimir Putin"), person("Kim Jong-un")],
                asks=[
                    ask("Vladimir Putin", "Kim Jong-un", "artillery shells", quote="wants shells")
                ],
                warnings=[
                    WarningItem(
                        warner="Kim Jong-un",
                        warned=None,
                        warning="a strong response",
                        certainty="confirmed",
                        quote="warned of a strong response",
                    )
                ],
                motives=[
                    Motive(
                        actor="Kim Jong-un",
                        motive="satellite technology",
                        certainty="speculated",
                        quote="Kim is said to want satellites",
                    )
                ],
            )
        ]
    )
    text = markdown(brief)
    assert (
        "- Vladimir Putin → Kim Jong-un: artillery shells _(reported)_ [1]\n"
        "  - [1] (2023-09-05) “wants shells”\n"
    ) in text
    assert "- Kim Jong-un: a strong response [1]\n  - [1] (2023-09-05) “warned of a strong" in text
    assert (
        "## Motives\n\n- Kim Jong-un: satellite technology _(speculated)_ [1]\n"
        "  - [1] (2023-09-05) “Kim is said to want satellites”\n"
    ) in text


def test_a_claim_from_several_sources_lists_each_source_s_words():
    text = markdown(sample_brief())
    assert (
        "- Vladimir Putin → Kim Jong-un: artillery shells and missiles [1][2] — 2 reports, "
        "2 origins\n"
        "  - [1] (2023-09-05) “Putin wants shells”\n"
        "  - [2] (2023-09-12) “q”\n"
    ) in text


# --- model strings rendered safely ------------------------------------------------------------


def test_text_keeps_ordinary_strings_as_they_are():
    for plain in (
        "Kim Jong-un",
        "U.S. Ambassador Linda Thomas-Greenfield",
        "stop arms talks with Russia (and keep promises)",
        "Putin’s “special” visit: 50% done!",
    ):
        assert render_text(plain) == plain


def test_text_collapses_newlines_and_escapes_what_would_be_markdown():
    assert render_text("line one\nline two\r\n\tthree\u2028four") == "line one line two three four"
    assert render_text("# Heading") == "\\# Heading"
    assert render_text("- item") == "\\- item"
    assert render_text("+ item") == "\\+ item"
    assert render_text("1. first") == "1\\. first"
    assert (
        render_text("* star and **bold** and _it_") == "\\* star and \\*\\*bold\\*\\* and \\_it\\_"
    )
    assert render_text("[click](http://evil.example)") == "\\[click\\](http://evil.example)"
    assert render_text("![img](x.png)") == "!\\[img\\](x.png)"
    assert render_text("`rm -rf`") == "\\`rm -rf\\`"
    assert render_text("a | b") == "a \\| b"
    assert render_text("<script>x</script>") == "\\<script\\>x\\</script\\>"
    assert render_text("> quoted") == "\\> quoted"
    assert render_text("back\\slash") == "back\\\\slash"
    assert render_text("\x1b[31mred\x00") == "\\[31mred"
    assert render_text("\n\n## Injected\n- item") == "\\## Injected - item"


HOSTILE = "x\n\n## Injected heading\n- [evil](http://evil.example) `code` | *b* _i_\n> quote"


def hostile_brief() -> Brief:
    """A brief whose every model string is hostile: names, roles, claims, places, quotes."""
    evil = Actor(
        name=f"Kim{HOSTILE}",
        kind="person",
        role=f"# role{HOSTILE}",
        affiliation=None,
        aliases=[f"- alias{HOSTILE}"],
        quote=f"quote{HOSTILE}",
    )
    brief = merge(
        [
            result(
                1,
                actors=[evil, person("Vladimir Putin"), person("Kim Jong Un")],
                asks=[ask("Vladimir Putin", evil.name, f"shells{HOSTILE}", quote=f"q{HOSTILE}")],
                warnings=[
                    WarningItem(
                        warner=evil.name,
                        warned=None,
                        warning=f"1. warning{HOSTILE}",
                        certainty="confirmed",
                        quote=f"w{HOSTILE}",
                    )
                ],
                motives=[
                    Motive(
                        actor=evil.name,
                        motive=f"* motive{HOSTILE}",
                        certainty="reported",
                        quote=f"m{HOSTILE}",
                    )
                ],
                venues=[venue("Vladivostok\n## Injected place", quote=f"v{HOSTILE}")],
                dates=[when(f"September 12{HOSTILE}", event=f"event{HOSTILE}")],
            ),
            result(
                2,
                actors=[evil, person("Vladimir Putin"), person("Kim Jong Un")],
                venues=[venue("| Moscow [evil](http://evil.example)", quote=f"v2{HOSTILE}")],
                dates=[when(f"in the end{HOSTILE}", event=f"undated{HOSTILE}")],
            ),
        ]
    )
    assert brief.venue.disputed  # quotes of every place are shown
    return brief


def test_no_model_string_breaks_a_list_or_injects_a_heading_a_link_or_code():
    brief = hostile_brief()
    # a title given by the caller is escaped like a model's string
    text = markdown(brief.model_copy(update={"title": f"Kim{HOSTILE}"}))
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings[0].startswith("# Kimx ## Injected heading - \\[evil\\]")  # one line
    assert [h.split(" — ")[0] for h in headings[1:]] == [
        "## Key facts",
        "## Where",
        "## When",
        "## Actors",
        "## Asks",
        "## Warnings",
        "## Motives",
        "## Timeline",
        "## Sources",
        "## How this brief was made",
    ]
    assert "Injected" in text  # still there, as text
    for line in text.splitlines():
        assert line == "" or re.match(r"(#{1,3} |- |  - |\*\*|\d+\. |Not placed|_No source)", line)
        assert not re.search(r"(?<!\\)\[[^\]]*(?<!\\)\]\(", line), line  # no live link
        assert not re.search(r"(?<!\\)`", line.split(" (`a")[0]), line  # code only for paths
        assert not re.search(r"(?<!\\)\|", line), line
    assert (
        "heading - \\[evil\\](http://evil.example) \\`code\\` \\| \\*b\\* \\_i\\_ \\> quote" in text
    )


def test_source_titles_and_paths_are_safe_too():
    made = result(1, actors=[person("Vladimir Putin")])
    article = made.article.model_copy(
        update={"title": "# Big\nnews [x](y)", "outlet": "*AP*", "source": "we`ird.txt"}
    )
    text = markdown(merge([made.model_copy(update={"article": article})]))
    assert "1. \\# Big news \\[x\\](y) — \\*AP\\*, 2023-09-05 (``we`ird.txt``)" in text


# --- wider places, superseded answers, disputed event dates -----------------------------------


def slot_value(value, sources, certainty="confirmed", **extra) -> SlotValue:
    return SlotValue(
        value=value,
        as_written=[value],
        certainty=certainty,
        sources=sources,
        independent=len(sources),
        reported=date(2023, 9, 13 if sources[0] > 1 else 5),
        quotes=[Quote(source=n, quote=f"{value} says [{n}]", certainty=certainty) for n in sources],
        **extra,
    )


def three_sources() -> Brief:
    return merge(
        [
            result(k, published=date(2023, 9, 5 if k == 1 else 13), actors=[person("Kim Jong Un")])
            for k in (1, 2, 3)
        ]
    )


def test_an_agreed_place_is_shown_with_the_wider_places_that_hold_it():
    slot = Slot(
        values=[slot_value("Vostochny Cosmodrome", [2, 3], wider=["Amur region", "Russia"])],
        disputed=False,
    )
    text = markdown(three_sources().model_copy(update={"venue": slot}))
    assert "- **Where:** Vostochny Cosmodrome, Amur region, Russia [2][3]\n" in text
    assert (
        "## Where\n\n- **Vostochny Cosmodrome**, Amur region, Russia — 2 reports, 2 origins [2][3]"
    ) in text


def superseded_venue() -> Slot:
    return Slot(
        values=[
            slot_value("Vostochny Cosmodrome", [2, 3], wider=["Amur region", "Russia"]),
            slot_value("Vladivostok", [1], "speculated", superseded_by="Vostochny Cosmodrome"),
        ],
        disputed=False,
    )


def test_a_superseded_place_is_shown_as_replaced_with_both_sides_words_not_as_a_dispute():
    text = markdown(three_sources().model_copy(update={"venue": superseded_venue()}))
    assert "## Where\n" in text and "sources disagree" not in text and "disputed" not in text
    assert (
        "- **Where:** Vostochny Cosmodrome, Amur region, Russia [2][3] "
        "(earlier reports expected Vladivostok [1])\n"
    ) in text
    assert (
        "- **Vostochny Cosmodrome**, Amur region, Russia — 2 reports, 2 origins [2][3]; last "
        "reported 2023-09-13\n"
        "  - [2] (2023-09-13) “Vostochny Cosmodrome says \\[2\\]”\n"
        "  - [3] (2023-09-13) “Vostochny Cosmodrome says \\[3\\]”\n"
        "- Earlier reports expected **Vladivostok** _(speculated)_ [1]; it took place at "
        "**Vostochny Cosmodrome** [2][3] — superseded, not a dispute\n"
        "  - [1] (2023-09-05) “Vladivostok says \\[1\\]”\n"
    ) in text


def test_a_superseded_answer_in_a_disputed_slot_stays_out_of_the_dispute():
    slot = superseded_venue()
    slot = Slot(values=[*slot.values, slot_value("Khabarovsk", [3], "reported")], disputed=True)
    text = markdown(three_sources().model_copy(update={"venue": slot}))
    assert "## Where — sources disagree" in text
    assert (
        "- **Where:** Vostochny Cosmodrome, Amur region, Russia [2][3] vs Khabarovsk [3] — "
        "**disputed** (earlier reports expected Vladivostok [1])"
    ) in text
    assert "- Earlier reports expected **Vladivostok** _(speculated)_ [1]; it took place" in text


def test_a_superseded_date_by_a_report_not_yet_confirmed_says_later_reports_give():
    slot = Slot(
        values=[
            slot_value("2023-09-13", [2], "planned"),
            slot_value("2023-09-20", [1], "speculated", superseded_by="2023-09-13"),
        ],
        disputed=False,
    )
    text = markdown(three_sources().model_copy(update={"date": slot}))
    assert (
        "- Earlier reports expected **2023-09-20** _(speculated)_ [1]; later reports give "
        "**2023-09-13** [2] — superseded, not a dispute"
    ) in text


def test_a_timeline_event_that_sources_date_apart_says_so_with_their_words():
    event = DatedEvent(
        date="2023-09-11",
        as_written=["on Monday"],
        event="Kim arrives in Russia",
        sources=[1],
        quotes=[Quote(source=1, quote="Kim arrived on Monday")],
        disputed=[OtherDate(date="2023-09-12", sources=[3])],
    )
    text = markdown(three_sources().model_copy(update={"timeline": [event]}))
    assert (
        "- 2023-09-11 — Kim arrives in Russia (“on Monday”) [1] — sources disagree: also dated "
        "2023-09-12 [3]\n  - [1] (2023-09-05) “Kim arrived on Monday”\n"
    ) in text


# --- one section per story --------------------------------------------------------------------


def test_each_story_gets_its_own_section_and_sources_come_once_at_the_end():
    brief = merge(mixed())
    text = markdown(brief)
    assert text.count("## Sources") == 1 and text.count("## How this brief was made") == 1
    story = text.index(f"## Story 2: {brief.stories[0].title}\n")
    assert text.index("## Key facts") < text.index("## Timeline") < story
    assert story < text.index("## Sources") < text.index("## How this brief was made")
    tram = text[story : text.index("## Sources")]
    for heading in ("Key facts", "Where", "When", "Actors", "Warnings", "Timeline"):
        assert f"\n### {heading}" in tram
    assert "Croydon" in tram and "Vladivostok" not in tram and "Vostochny" not in tram
    main = text[text.index("## Key facts") : text.index("## Story 2")]
    assert "Croydon" not in main and "Transport for London" not in main
    # said at once, under the title: how many stories, and which sources each has
    assert text.split("\n")[2] == (
        "_The sources tell 2 unrelated stories, merged apart: this one [1][3][5][7] first, "
        f"then Story 2: {brief.stories[0].title} [2][4][6]._"
    )
    assert (
        "- Stories: 2, merged apart — articles grouped by the names, places, dates and rare words"
        " they share: [1][3][5][7] (the main story); [2][4][6] (story 2)"
    ) in text


def test_a_brief_with_one_story_has_no_story_sections_and_no_grouping_line():
    text = markdown(sample_brief())
    assert "## Story" not in text and "###" not in text and "- Stories:" not in text


def test_an_underscore_inside_a_word_is_left_alone_and_a_bidi_override_goes():
    from briefgen.render import text

    assert text("003_58777fc59fe47373") == "003_58777fc59fe47373"
    assert text("_emph_ and *bold*") == "\\_emph\\_ and \\*bold\\*"
    assert text("Kim\u202eredro\u2066x\u2069") == "Kimredrox"  # no text shown reversed


def test_one_quote_under_a_line_is_shown_once():
    from briefgen.render.markdown_brief import _quotes
    from briefgen.schemas import Quote

    twice = [
        Quote(source=4, quote="same words", item=0),
        Quote(source=4, quote="same words", item=2),
    ]
    assert _quotes(twice, {}) == ["  - [4] “same words”"]


_INVISIBLE_TAIL = "\x00\u202e\u2066\x07"
_ENUMS = re.compile(r"[\d:T.Z/-]+")  # dates and stamps: a value a schema checks


def _poisoned(value: object, keep: frozenset[str]) -> object:
    """Every free string of a brief's JSON with a NUL, a bidi override, an isolate and a bell
    appended; dates, enum values (`keep`) and ids left as the schema wants them."""
    if isinstance(value, dict):
        return {k: v if k in ("id", "source_id") else _poisoned(v, keep) for k, v in value.items()}
    if isinstance(value, list):
        return [_poisoned(v, keep) for v in value]
    if isinstance(value, str) and value and value not in keep and not _ENUMS.fullmatch(value):
        return value + _INVISIBLE_TAIL
    return value


def test_no_nul_control_or_bidi_override_reaches_the_markdown_brief():
    """As the HTML page: every string a model, an article or a source's URL gives, the
    timeline's dates and the sources' paths included, reaches the page without them."""
    import json
    import typing

    from briefgen import schemas

    from adversarial import hostile_brief as every_string_hostile

    keep = frozenset(
        word
        for alias in (schemas.ActorKind, schemas.Certainty, schemas.ChangeKind, schemas.ChangeHow)
        for word in typing.get_args(alias)
    )
    brief = every_string_hostile()
    poisoned = Brief.model_validate(_poisoned(json.loads(brief.model_dump_json()), keep))
    assert _INVISIBLE_TAIL in poisoned.sources[0].article.source  # the poison is in place
    page = markdown(poisoned)
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]", page)
    assert "Kim gnoJ Un" in page  # the text itself stays, its overrides gone
