"""Certainty on the timeline and dates from the brief's own context: speculation and
counterfactuals are no events, allegations keep their claimant, "the final day of the forum"
takes the forum's dates, a time of day joins its date. Pure data in, data out."""

from __future__ import annotations

from datetime import date

from briefgen.merge import merge
from briefgen.merge.timeline import dates_and_timeline
from briefgen.schemas import Actor, ArticleExtraction, ArticleRef, DateMention, Extraction

PUB = date(2023, 9, 12)


def actor(name: str, *aliases: str, kind: str = "person") -> Actor:
    return Actor(
        name=name, kind=kind, role=None, affiliation=None, aliases=list(aliases), quote=name
    )


CAST = [actor("Kim Jong Un", "Kim"), actor("Vladimir Putin", "Putin"), actor("John Kirby", "Kirby")]


def when(
    text: str,
    event: str,
    certainty: str = "confirmed",
    central: bool = False,
    quote: str | None = None,
    relation: str = "before",
) -> DateMention:
    return DateMention(
        text=text,
        event=event,
        relation=relation,
        central=central,
        certainty=certainty,
        quote=quote or f"{event}, {text}",
    )


def article(n: int, *dates: DateMention, published: date | None = PUB) -> ArticleExtraction:
    return ArticleExtraction(
        article=ArticleRef(id=f"a{n}", source=f"a{n}.txt", published=published),
        extraction=Extraction(
            actors=CAST, motives=[], asks=[], warnings=[], venues=[], dates=list(dates)
        ),
        model="m",
        prompt_version="v",
    )


def run(*articles: ArticleExtraction):
    done = list(enumerate(articles, start=1))
    published = {n: a.article.published for n, a in done}
    return dates_and_timeline(done, published, {n: n for n, _ in done})


FORUM = when("September 10-13", "Eastern Economic Forum in Vladivostok", "planned", True)


# --- speculation and counterfactuals are not events ------------------------------------------


def test_a_speculated_date_is_no_timeline_event_but_stays_in_the_date_slot():
    slot, timeline = run(
        article(1, when("in 2025", "Kim may visit Moscow", "speculated", central=True))
    )
    assert timeline == []
    assert [(v.value, v.certainty) for v in slot.values] == [("2025", "speculated")]


def test_a_counterfactual_is_no_timeline_event():
    _, timeline = run(
        article(
            1,
            when("in 2022", "the war would not have broken out"),
            when("in 2022", "the war", quote="the war could have been avoided in 2022"),
            when(
                "in 2022",
                "Russia's invasion of Ukraine",
                quote="Russia invaded Ukraine in 2022, a war that could have been avoided",
            ),
        )
    )
    # the last one's counterfactual is another clause than its date: the invasion stays
    assert [e.event for e in timeline] == ["Russia's invasion of Ukraine"]


def test_events_that_happened_or_are_planned_stay_with_their_certainty():
    _, timeline = run(
        article(
            1,
            when("on Monday", "Kim arrived in Russia"),
            when("in 2024", "Putin visits", "planned"),
        )
    )
    assert [(e.event, e.certainty) for e in timeline] == [
        ("Kim arrived in Russia", "confirmed"),
        ("Putin visits", "planned"),
    ]
    assert all(q.certainty for e in timeline for q in e.quotes)


def test_the_firmest_certainty_of_a_folded_line_is_kept():
    _, timeline = run(
        article(1, when("on Monday", "Kim arrived in Russia", "reported")),
        article(2, when("on Monday", "Kim arrived in Russia", "confirmed")),
    )
    [line] = timeline
    assert (line.certainty, line.according_to) == ("confirmed", [])
    assert [q.certainty for q in line.quotes] == ["reported", "confirmed"]


# --- allegations keep their claimant ---------------------------------------------------------


def test_an_allegation_keeps_who_made_it():
    said = (
        "Kirby said that North Korea had deployed infantry rockets and missiles to Russia in 2022"
    )
    _, timeline = run(
        article(
            1, when("in 2022", "North Korea deployed missiles to Russia", "reported", quote=said)
        )
    )
    [line] = timeline
    assert (line.certainty, line.according_to) == ("reported", ["Kirby"])


def test_the_claimant_takes_the_actors_name_in_a_merged_brief():
    said = "according to Kirby, North Korea deployed missiles to Russia in 2022"
    brief = merge(
        [
            article(
                1,
                when("in 2022", "North Korea deployed missiles to Russia", "reported", quote=said),
            )
        ]
    )
    assert [e.according_to for e in brief.timeline] == [["John Kirby"]]


def test_a_report_that_names_no_one_or_names_itself_adds_no_claimant():
    _, timeline = run(
        article(
            1,
            when(
                "on Tuesday",
                "reports of a planned meeting",
                "reported",
                quote="According to various reports on Tuesday, there are plans for a meeting",
            ),
            when(
                "On September 4",
                "The New York Times reported Kim's planned trip",
                "reported",
                quote="On September 4, The New York Times reported, citing sources",
            ),
        )
    )
    assert [line.according_to for line in timeline] == [[], []]


def test_a_confirmed_event_names_no_claimant():
    _, timeline = run(
        article(
            1,
            when("in 2022", "missiles deployed", quote="Kirby said missiles were deployed in 2022"),
        )
    )
    assert timeline[0].according_to == []


# --- dates from the brief's own context ------------------------------------------------------


def test_the_final_and_first_day_of_the_forum_take_the_forums_dates():
    slot, timeline = run(
        article(1, FORUM),
        article(
            2,
            when("on the final day of the forum", "Putin and Kim meet", "planned", central=True),
            when("on the first day of the forum", "Putin opens the plenary", "planned"),
        ),
    )
    assert {v.value for v in slot.values} == {"2023-09-10/2023-09-13", "2023-09-13"}
    assert not slot.disputed
    by_event = {e.event: e for e in timeline}
    assert by_event["Putin and Kim meet"].date == "2023-09-13"
    assert by_event["Putin opens the plenary"].date == "2023-09-10"
    [context] = by_event["Putin and Kim meet"].from_context
    assert (context.kind, context.anchor, context.anchor_date) == (
        "event",
        "the forum",
        "2023-09-10/2023-09-13",
    )


def test_the_day_after_and_the_eve_of_the_summit():
    _, timeline = run(
        article(1, when("on September 13", "the Putin-Kim summit at Vostochny")),
        article(
            2,
            when("the day after the summit", "Kim visits Komsomolsk"),
            when("on the eve of the summit", "Kim's train crosses the border"),
        ),
    )
    by_event = {e.event: e.date for e in timeline}
    assert by_event["Kim visits Komsomolsk"] == "2023-09-14"
    assert by_event["Kim's train crosses the border"] == "2023-09-12"


def test_an_event_the_brief_dates_twice_apart_resolves_nothing():
    # "the summit" of 2019 and the one of September 2023: which one is not said
    _, timeline = run(
        article(
            1, when("in 2019", "first Putin-Kim summit"), when("September 13", "Putin-Kim summit")
        ),
        article(2, when("the day after the summit", "Kim visits Komsomolsk")),
    )
    assert {e.event: e.date for e in timeline}["Kim visits Komsomolsk"] is None


def test_the_final_day_of_a_one_day_event_is_not_guessed():
    # "the two-day G20 summit begins on Saturday": the final day is not in the brief
    _, timeline = run(
        article(
            1,
            when("on Saturday", "two-day G20 summit in New Delhi begins", "planned"),
            when("on the final day of the summit", "Putin hosts his own event", "planned"),
        )
    )
    assert {e.event: e.date for e in timeline}["Putin hosts his own event"] is None


def test_an_event_the_brief_does_not_date_or_does_not_name_resolves_nothing():
    _, timeline = run(
        article(1, FORUM),
        article(2, when("on the final day of the congress", "Putin and Kim meet")),
    )
    assert {e.event: e.date for e in timeline}["Putin and Kim meet"] is None


def test_a_speculated_event_is_no_anchor():
    _, timeline = run(
        article(1, when("September 10-13", "the forum may be held", "speculated")),
        article(2, when("on the final day of the forum", "Putin and Kim meet")),
    )
    assert [e.date for e in timeline] == [None]


# --- a time of day belongs to its date -------------------------------------------------------


def test_a_time_of_day_joins_the_date_its_source_gives_the_same_event():
    slot, timeline = run(
        article(
            1,
            when("on Wednesday", "Putin welcomes Kim", central=True, relation="after"),
            when("at 11:26 a.m.", "Putin welcomes Kim", central=True),
        )
    )
    [value] = slot.values
    assert value.value == "2023-09-13"
    assert value.as_written == ["on Wednesday", "at 11:26 a.m."]
    assert [c.kind for c in value.from_context] == ["time"]
    [line] = timeline
    assert (line.date, line.as_written) == ("2023-09-13", ["on Wednesday", "at 11:26 a.m."])


def test_a_central_time_of_day_takes_the_sources_one_central_day():
    slot, _ = run(
        article(
            1,
            when("on Wednesday", "the summit", central=True, relation="after"),
            when("at 11:26 a.m.", "Kim's train arrives", central=True),
        )
    )
    assert [v.value for v in slot.values] == ["2023-09-13"]


def test_a_time_of_day_with_no_day_from_its_own_source_stays_unresolved():
    slot, _ = run(
        article(1, when("on Wednesday", "the summit", central=True, relation="after")),
        article(2, when("at 11:26 a.m.", "Kim's train arrives", central=True)),
    )
    assert sorted(v.value or "~" for v in slot.values) == ["2023-09-13", "~"]
