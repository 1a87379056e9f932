"""The date slot and the timeline: every event's dates compared, one event one line,
superseded dates. Pure data in, data out."""

from __future__ import annotations

import sys
from datetime import date
from itertools import permutations
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.merge import merge
from briefgen.merge.timeline import dates_and_timeline
from briefgen.schemas import (
    Actor,
    ArticleExtraction,
    ArticleRef,
    DateMention,
    Extraction,
    Venue,
)

MON, TUE, WED = date(2023, 9, 11), date(2023, 9, 12), date(2023, 9, 13)


def actor(name: str, *aliases: str, kind: str = "person") -> Actor:
    return Actor(
        name=name, kind=kind, role=None, affiliation=None, aliases=list(aliases), quote=name
    )


KIM = actor("Kim Jong Un", "Kim", "Mr. Kim")
PUTIN = actor("Vladimir Putin", "Putin")
SHOIGU = actor("Sergei Shoigu", "Shoigu")
RUSSIA = actor("Russia", "Moscow", kind="country")
CAST = [KIM, PUTIN, SHOIGU, RUSSIA]


def when(
    text: str,
    event: str,
    relation: str = "before",
    central: bool = False,
    certainty: str = "reported",
) -> DateMention:
    return DateMention(
        text=text,
        event=event,
        relation=relation,
        central=central,
        certainty=certainty,
        quote=f"{event}, {text}",
    )


def article(
    n: int, published: date | None, *dates: DateMention, cast: list[Actor] = CAST
) -> ArticleExtraction:
    return ArticleExtraction(
        article=ArticleRef(id=f"a{n}", source=f"a{n}.txt", published=published),
        extraction=Extraction(
            actors=cast, motives=[], asks=[], warnings=[], venues=[], dates=list(dates)
        ),
        model="m",
        prompt_version="v",
    )


def lines(brief):
    return [(e.date, e.sources) for e in brief.timeline]


# --- every event's dates compared ------------------------------------------------------------


def test_same_event_on_dates_that_cannot_both_hold_marks_both_lines_with_who_says_what():
    # The case: "on Monday" in an article of 12 September is the 11th; another source
    # says September 12. Different words, same actors, same action.
    brief = merge(
        [
            article(1, TUE, when("on Monday", "Kim arrives in Russia")),
            article(2, TUE, when("September 12", "Kim Jong Un's train arrived in Vladivostok")),
        ]
    )
    by_date = {e.date: e for e in brief.timeline}
    assert set(by_date) == {"2023-09-11", "2023-09-12"}
    monday, tuesday = by_date["2023-09-11"], by_date["2023-09-12"]
    assert monday.sources == [1] and tuesday.sources == [2]
    assert [(o.date, o.sources) for o in monday.disputed] == [("2023-09-12", [2])]
    assert [(o.date, o.sources) for o in tuesday.disputed] == [("2023-09-11", [1])]
    assert monday.as_written == ["on Monday"] and tuesday.as_written == ["September 12"]


def test_dates_that_overlap_are_no_disagreement():
    brief = merge(
        [
            article(1, TUE, when("this week", "Kim arrives in Russia", "unclear")),
            article(2, TUE, when("September 12", "Kim Jong Un arrived in Russia")),
        ]
    )
    assert all(e.disputed == [] for e in brief.timeline)


def test_different_events_on_different_dates_are_no_disagreement():
    brief = merge(
        [
            article(1, TUE, when("on Monday", "Kim arrives in Russia")),
            article(2, TUE, when("September 12", "Kim meets Putin")),
            article(3, TUE, when("September 13", "Kim meets Shoigu", "after")),
            article(4, TUE, when("September 12", "Putin meets Shoigu")),
        ]
    )
    assert all(e.disputed == [] for e in brief.timeline)
    assert len(brief.timeline) == 4


def test_one_occurrence_is_not_disputed_by_another_years_apart():
    # The 2019 summit and the 2023 one: same actors, same action, two occurrences.
    brief = merge(
        [
            article(1, TUE, when("in 2019", "Putin and Kim first met in Vladivostok")),
            article(2, TUE, when("September 13", "Kim meets Putin", "after")),
            article(3, TUE, when("in August", "Kim meets Putin")),
        ]
    )
    assert all(e.disputed == [] for e in brief.timeline)


def test_the_same_action_in_two_other_places_is_two_events():
    brief = merge(
        [
            article(1, TUE, when("on Tuesday", "Kim visits Vladivostok")),
            article(2, date(2023, 9, 15), when("on Friday", "Kim visits Khabarovsk")),
            article(3, TUE, when("September 14", "Kim arrives in Vladivostok")),
        ]
    )
    assert all(e.disputed == [] for e in brief.timeline)


def test_a_disagreement_needs_the_dates_close_enough_to_be_one_occurrence():
    brief = merge(
        [
            article(1, TUE, when("on Monday", "Kim arrives in Russia")),
            article(2, TUE, when("September 18", "Kim arrives in Russia", "after")),  # 7 days on
            article(3, TUE, when("September 19", "Kim arrives in Russia", "after")),  # 8 days on
        ]
    )
    by_date = {e.date: e for e in brief.timeline}
    assert [o.date for o in by_date["2023-09-11"].disputed] == ["2023-09-18"]
    assert [o.date for o in by_date["2023-09-19"].disputed] == ["2023-09-18"]


def test_two_reports_on_two_days_both_hold():
    # Reports are not events that can be disputed: a report on Monday and one on Tuesday.
    brief = merge(
        [
            article(
                1, date(2023, 9, 5), when("on Tuesday", "reports of a planned Putin–Kim meeting")
            ),
            article(
                2,
                date(2023, 9, 6),
                when("On September 4", "reports of a planned Kim–Putin meeting"),
            ),
        ]
    )
    assert [e.date for e in brief.timeline] == ["2023-09-04", "2023-09-05"]
    assert all(e.disputed == [] for e in brief.timeline)


def test_a_disagreement_names_every_source_of_the_other_date():
    brief = merge(
        [
            article(1, TUE, when("on Monday", "Kim arrives in Russia")),
            article(2, TUE, when("September 12", "Kim arrived in Russia")),
            article(3, TUE, when("on Tuesday", "Kim Jong Un arrives in Moscow")),
        ]
    )
    by_date = {e.date: e for e in brief.timeline}
    assert by_date["2023-09-12"].sources == [2, 3]
    assert [(o.date, o.sources) for o in by_date["2023-09-11"].disputed] == [("2023-09-12", [2, 3])]
    assert [(o.date, o.sources) for o in by_date["2023-09-12"].disputed] == [("2023-09-11", [1])]


# --- one event, one line ---------------------------------------------------------------------

SIX_OUTLETS = [
    "Kim arrives in Russia",
    "Kim Jong Un arrived in Russia",
    "Kim Jong Un's armoured train arrived in Vladivostok",
    "arrival of Kim in Russia",
    "Mr. Kim reached Russia",
    "Kim arrives in Russia by train",
]


def test_one_event_restated_by_six_outlets_is_one_line_with_every_citation():
    brief = merge(
        [
            article(n, TUE, when(text, event))
            for n, (text, event) in enumerate(
                zip(
                    ["on Tuesday", "September 12", "Tuesday", "12 September", "today", "Sept. 12"],
                    SIX_OUTLETS,
                    strict=True,
                ),
                start=1,
            )
        ]
    )
    assert lines(brief) == [("2023-09-12", [1, 2, 3, 4, 5, 6])]
    (line,) = brief.timeline
    assert line.event == "Kim arrives in Russia"
    assert set(line.as_written) == {
        "on Tuesday",
        "September 12",
        "Tuesday",
        "12 September",
        "today",
        "Sept. 12",
    }
    assert [q.source for q in line.quotes] == [1, 2, 3, 4, 5, 6]
    assert line.disputed == []


def test_different_events_on_the_same_day_stay_apart():
    brief = merge(
        [
            article(1, WED, when("on Wednesday", "Kim meets Putin")),
            article(2, WED, when("September 13", "Kim meets Shoigu")),
            article(3, WED, when("on Wednesday", "Kim visits the Vostochny Cosmodrome")),
            article(4, WED, when("today", "Putin shows Kim a rocket launch site")),
        ]
    )
    assert lines(brief) == [
        ("2023-09-13", [1]),
        ("2023-09-13", [2]),
        ("2023-09-13", [3]),
        ("2023-09-13", [4]),
    ]


def test_same_words_for_two_actors_on_the_same_day_stay_apart():
    brief = merge(
        [
            article(1, WED, when("on Wednesday", "Putin arrives at the cosmodrome")),
            article(2, WED, when("on Wednesday", "Kim arrives at the cosmodrome")),
            article(3, WED, when("on Wednesday", "Putin arrived at the cosmodrome")),
        ]
    )
    assert lines(brief) == [("2023-09-13", [1, 3]), ("2023-09-13", [2])]


def test_without_names_only_near_identical_wording_folds():
    unnamed = [actor("Someone Else")]
    brief = merge(
        [
            article(
                1, TUE, when("on Saturday", "foundation day celebrations", "after"), cast=unnamed
            ),
            article(
                2, TUE, when("on Saturday", "celebrations of foundation day", "after"), cast=unnamed
            ),
            article(3, TUE, when("on Saturday", "two-day summit begins", "after"), cast=unnamed),
        ]
    )
    assert lines(brief) == [("2023-09-16", [1, 2]), ("2023-09-16", [3])]


def test_folding_does_not_depend_on_article_order():
    mentions = [
        (TUE, when("on Tuesday", "Kim arrives in Russia")),
        (TUE, when("September 12", "Kim Jong Un's train arrived in Vladivostok")),
        (TUE, when("on Monday", "Kim Jong Un arrived in Russia")),
        (TUE, when("September 12", "Kim meets Shoigu")),
        (WED, when("yesterday", "Mr. Kim reached Russia")),
    ]

    def shape(order):
        brief = merge([article(n, pub, m) for n, (pub, m) in enumerate(order, start=1)])
        # compare by quote, which does not change with the citation numbers
        return sorted(
            (
                e.date,
                tuple(sorted(q.quote for q in e.quotes)),
                tuple(sorted(o.date for o in e.disputed)),
            )
            for e in brief.timeline
        )

    first = shape(mentions)
    assert len(first) == 3  # the arrival on the 12th (3 sources), on the 11th, the meeting
    for order in permutations(mentions):
        assert shape(order) == first


def test_the_actors_of_the_merge_can_name_who_an_event_is_about():
    # merge's own resolution may join names the extractions do not tie (here, no alias).
    from briefgen.schemas import BriefActor

    one = [actor("Kim Jong Un")]
    two = [actor("Jong-un Kim")]  # a spelling the extraction alone does not take for a name
    done = [
        (1, article(1, TUE, when("on Tuesday", "Kim Jong Un arrives in Vladivostok"), cast=one)),
        (2, article(2, TUE, when("on Tuesday", "Jong-un Kim arrived in Vladivostok"), cast=two)),
    ]
    published = {1: TUE, 2: TUE}
    _, alone = dates_and_timeline(done, published, {1: 1, 2: 2})
    assert [e.sources for e in alone] == [[1], [2]]
    kim = BriefActor(
        name="Kim Jong Un",
        kind="person",
        names=["Kim Jong Un", "Jong-un Kim"],
        roles=[],
        sources=[1, 2],
        quotes=[],
    )
    _, resolved = dates_and_timeline(done, published, {1: 1, 2: 2}, actors=[kim])
    assert [e.sources for e in resolved] == [[1, 2]]


# --- certainty over time: the central date ---------------------------------------------------


def test_a_speculated_date_replaced_by_a_later_confirmed_one_is_superseded_not_disputed():
    brief = merge(
        [
            article(
                1,
                date(2023, 9, 5),
                when("September 20", "Kim–Putin summit", "after", True, "speculated"),
            ),
            article(2, WED, when("on Wednesday", "Kim–Putin summit", "before", True, "confirmed")),
        ]
    )
    assert not brief.date.disputed
    values = {v.value: v for v in brief.date.values}
    assert values["2023-09-20"].superseded_by == "2023-09-13"
    assert values["2023-09-13"].superseded_by is None
    # both stay listed, with their quotes and certainty
    assert [q.source for q in values["2023-09-20"].quotes] == [1]
    assert values["2023-09-20"].quotes[0].certainty == "speculated"
    assert values["2023-09-13"].certainty == "confirmed"


def test_a_source_that_gives_a_firmer_date_supersedes_its_own_planned_one():
    brief = merge(
        [
            article(
                1,
                TUE,
                when("next week", "Kim–Putin summit", "after", True, "speculated"),
                when("on Wednesday", "Kim–Putin summit", "after", True, "planned"),
            ),
        ]
    )
    values = {v.value: v for v in brief.date.values}
    assert values["2023-09-18/2023-09-24"].superseded_by == "2023-09-13"
    assert not brief.date.disputed


def test_an_open_disagreement_stays_disputed():
    # The confirmation came before the other source's speculation: nothing replaced it.
    early = merge(
        [
            article(1, WED, when("September 20", "Kim–Putin summit", "after", True, "planned")),
            article(
                2,
                date(2023, 9, 5),
                when("September 13", "Kim–Putin summit", "after", True, "confirmed"),
            ),
        ]
    )
    assert early.date.disputed
    assert all(v.superseded_by is None for v in early.date.values)
    # Two sources each merely reporting a date: a dispute, whoever wrote last.
    reported = merge(
        [
            article(1, TUE, when("September 13", "Kim–Putin summit", "after", True)),
            article(2, WED, when("September 20", "Kim–Putin summit", "after", True)),
        ]
    )
    assert reported.date.disputed
    assert all(v.superseded_by is None for v in reported.date.values)


def test_a_date_only_partly_speculated_is_not_superseded():
    brief = merge(
        [
            article(1, TUE, when("September 20", "Kim–Putin summit", "after", True, "speculated")),
            article(2, TUE, when("September 20", "Kim–Putin summit", "after", True, "reported")),
            article(3, WED, when("on Wednesday", "Kim–Putin summit", "before", True, "confirmed")),
        ]
    )
    assert brief.date.disputed
    assert all(v.superseded_by is None for v in brief.date.values)


def test_two_dates_each_said_to_replace_the_other_stay_disputed():
    brief = merge(
        [
            article(
                1,
                TUE,
                when("September 20", "summit", "after", True, "speculated"),
                when("September 13", "summit", "after", True, "planned"),
            ),
            article(
                2,
                TUE,
                when("September 13", "summit", "after", True, "speculated"),
                when("September 20", "summit", "after", True, "planned"),
            ),
        ]
    )
    assert brief.date.disputed
    assert all(v.superseded_by is None for v in brief.date.values)


# --- the bundled example ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def example():
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from quality import load_results

    return merge(load_results())


def test_the_bundled_example_date_slot_is_unchanged(example):
    assert not example.date.disputed
    # "on the final day of the forum" [3] is the forum's last day, from the forum's dates [2][5]
    assert [(v.value, v.sources, v.superseded_by) for v in example.date.values] == [
        ("2023-09-10/2023-09-13", [2, 5], None),
        ("2023-09-13", [3], None),
    ]
    [context] = example.date.values[1].from_context
    assert (context.anchor, context.anchor_date) == ("the forum", "2023-09-10/2023-09-13")


def test_the_bundled_example_timeline_folds_the_2019_summit_and_marks_no_disagreement(example):
    summits = [e for e in example.timeline if e.date == "2019" and "umm" in e.event]
    assert [e.sources for e in summits] == [[1, 3, 5]]
    assert all(e.disputed == [] for e in example.timeline)
    # "On Tuesday" stays two dates, one per publication date
    tuesdays = {e.date for e in example.timeline if any("Tuesday" in w for w in e.as_written)}
    assert tuesdays == {"2023-09-05", "2023-09-12"}


# --- properties ------------------------------------------------------------------------------

PEOPLE = {
    "kim": ["Kim", "Kim Jong Un", "Mr. Kim"],
    "putin": ["Putin", "Vladimir Putin"],
    "shoigu": ["Shoigu", "Sergei Shoigu"],
}
ACTIONS = {
    "meet": [
        "{a} meets {b}",
        "{a} met {b}",
        "{a} held a summit with {b}",
        "meeting of {a} and {b}",
    ],
    "sign": [
        "{a} signs a deal with {b}",
        "{a} and {b} signed a deal",
        "signing of a deal by {a} and {b}",
    ],
    "dine": ["{a} dines with {b}", "{a} and {b} dine together", "{a} dined with {b}"],
}


@given(
    data=st.lists(
        st.tuples(
            st.permutations(sorted(PEOPLE)).map(lambda p: tuple(p[:2])),
            st.sampled_from(sorted(ACTIONS)),
            st.integers(0, 3),
            st.integers(0, 2),
            st.integers(0, 1),
        ),
        min_size=2,
        max_size=7,
    )
)
@settings(max_examples=60, deadline=None)
def test_one_line_per_actors_and_action_on_one_day(data):
    """However each outlet words it, mentions of one day share a line exactly when they name
    the same two people doing the same thing."""
    mentions, keys, texts = [], [], []
    for n, ((a, b), act, wording, name_a, name_b) in enumerate(data, start=1):
        names_a, names_b = PEOPLE[a], PEOPLE[b]
        text = ACTIONS[act][wording % len(ACTIONS[act])].format(
            a=names_a[name_a % len(names_a)], b=names_b[name_b % len(names_b)]
        )
        mentions.append(article(n, WED, when("on Wednesday", text)))
        keys.append((frozenset({a, b}), act))
        texts.append(text)
    brief = merge(mentions)
    line_of = {source: i for i, line in enumerate(brief.timeline) for source in line.sources}
    for i in range(len(keys)):
        for j in range(i + 1, len(keys)):
            together = line_of[i + 1] == line_of[j + 1]
            assert together == (keys[i] == keys[j]), (texts[i], texts[j])


def _at(n: int, published: date, place: str, within: list[str], *dates: DateMention):
    found = article(n, published, *dates, cast=[])
    venue = Venue(place=place, within=within, certainty="confirmed", quote=place)
    extraction = found.extraction.model_copy(update={"venues": [venue]})
    return found.model_copy(update={"extraction": extraction})


def test_the_agreed_place_in_other_words_anchors_one_event_with_no_named_actor():
    # "near Sandilands" and "in Croydon": the sources agree the crash was at Sandilands, in
    # Croydon, so the two places do not tell the events apart, and they fold.
    crash = [
        _at(
            1,
            WED,
            "Sandilands",
            ["Croydon"],
            when("on Wednesday", "a tram overturns near Sandilands, killing seven"),
        ),
        _at(
            2,
            WED,
            "Croydon",
            [],
            when("on Wednesday", "the tram overturns in Croydon, killing seven people"),
        ),
    ]
    assert lines(merge(crash)) == [("2023-09-13", [1, 2])]
    # Without an agreed place, two events naming different places stay apart.
    apart = [
        article(1, WED, when("on Wednesday", "a tram overturns near Sandilands, killing seven")),
        article(2, WED, when("on Wednesday", "the tram overturns in Croydon, killing seven")),
    ]
    assert lines(merge(apart)) == [("2023-09-13", [1]), ("2023-09-13", [2])]


def test_welcomes_and_greets_at_the_facility_are_one_meeting():
    brief = merge(
        [
            article(1, WED, when("on Wednesday", "Putin welcomes Kim at the Vostochny Cosmodrome")),
            article(2, WED, when("on Wednesday", "Putin greets Kim at the Vostochny spaceport")),
            article(3, WED, when("on Wednesday", "Putin meets Shoigu at the Vostochny spaceport")),
        ]
    )
    assert lines(brief) == [("2023-09-13", [1, 2]), ("2023-09-13", [3])]


def test_the_same_people_doing_the_same_with_more_said_are_one_line():
    brief = merge(
        [
            article(1, WED, when("on Wednesday", "Putin meets Kim")),
            article(2, WED, when("on Wednesday", "Putin and Kim meet to discuss arms supplies")),
            article(3, WED, when("on Wednesday", "Putin meets Shoigu to discuss arms supplies")),
        ]
    )
    assert lines(brief) == [("2023-09-13", [1, 2]), ("2023-09-13", [3])]


# --- the last meeting of the same people, across languages ------------------------------------

AUG_2025 = date(2025, 8, 16)
TRUMP = actor("Donald Trump", "Trump")
PUTIN_EN = actor("Vladimir Putin", "Putin")
ZELENSKY = actor("Volodymyr Zelensky", "Zelensky")
SUMMIT_CAST = [TRUMP, PUTIN_EN, ZELENSKY]
CASTS = {
    "de": [actor("Donald Trump", "Trump"), actor("Wladimir Putin", "Putin")],
    "fr": [actor("Donald Trump", "Trump"), actor("Vladimir Poutine", "Poutine")],
    "ru": [actor("Дональд Трамп", "Трамп"), actor("Владимир Путин", "Путин")],
    "uk": [actor("Дональд Трамп", "Трамп"), actor("Володимир Путін", "Путін")],
    "it": [actor("Donald Trump", "Trump"), actor("Vladimir Putin", "Putin")],
    "es": [actor("Donald Trump", "Trump"), actor("Vladimir Putin", "Putin")],
}


def _disputes(brief):
    return {
        (e.date, tuple(e.sources)): [(o.date, o.sources) for o in e.disputed]
        for e in brief.timeline
    }


@pytest.mark.parametrize(
    ("language", "text", "event"),
    [
        ("ru", "в июле 2018 года", "последняя личная встреча Путина и Трампа, в Хельсинки"),
        ("uk", "у липні 2018 року", "остання особиста зустріч Путіна і Трампа, у Гельсінкі"),
        ("de", "im Juli 2018", "letztes persönliches Treffen von Trump und Putin in Helsinki"),
        ("fr", "en juillet 2018", "dernière rencontre de Trump et Poutine, à Helsinki"),
        ("it", "nel luglio 2018", "ultimo incontro tra Trump e Putin, a Helsinki"),
        ("es", "en julio de 2018", "último encuentro entre Trump y Putin, en Helsinki"),
    ],
)
def test_two_dates_of_the_last_meeting_of_the_same_people_are_a_disagreement_in_any_language(
    language, text, event
):
    brief = merge(
        [
            article(
                1, AUG_2025, when("2019", "Trump and Putin last met face to face"), cast=SUMMIT_CAST
            ),
            article(
                2,
                AUG_2025,
                when("in 2019", "first meeting of Trump and Putin since Osaka"),
                cast=SUMMIT_CAST,
            ),
            article(3, AUG_2025, when(text, event), cast=CASTS[language]),
        ]
    )
    found = _disputes(brief)
    assert len(found) == 2, found  # the two 2019 reports are one line
    assert found[("2019", (1, 2))] == [(brief.timeline[0].date, [3])]
    assert found[(brief.timeline[0].date, (3,))] == [("2019", [1, 2])]


def test_the_last_meeting_on_agreeing_dates_is_one_line_across_languages():
    brief = merge(
        [
            article(
                1, AUG_2025, when("2019", "Trump and Putin last met face to face"), cast=SUMMIT_CAST
            ),
            article(
                2, AUG_2025, when("2019", "letztes Treffen von Trump und Putin"), cast=CASTS["de"]
            ),
            article(
                3,
                AUG_2025,
                when("в 2019 году", "последняя встреча Путина и Трампа"),
                cast=CASTS["ru"],
            ),
        ]
    )
    assert [(e.date, e.sources, e.disputed) for e in brief.timeline] == [("2019", [1, 2, 3], [])]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        # two different meetings of the same two people: each holds
        (
            ("July 2018", "Trump and Putin met in Helsinki"),
            ("June 2019", "Trump and Putin met in Osaka"),
        ),
        (
            ("в июле 2018 года", "встреча Путина и Трампа в Хельсинки"),
            ("June 2019", "Trump and Putin met in Osaka"),
        ),
        # the first meeting is not the last
        (
            ("July 2017", "Trump and Putin first met in Hamburg"),
            ("2019", "Trump and Putin last met"),
        ),
        # the last meeting of other people
        (("2019", "Trump and Putin last met"), ("2023", "Trump and Zelensky last met")),
        (("2019", "Trump and Putin last met"), ("2023", "Putin and Zelensky last met")),
    ],
)
def test_other_meetings_of_the_same_people_are_no_disagreement(one, other):
    brief = merge(
        [
            article(1, AUG_2025, when(*one), cast=SUMMIT_CAST + CASTS["ru"]),
            article(2, AUG_2025, when(*other), cast=SUMMIT_CAST),
        ]
    )
    assert all(e.disputed == [] for e in brief.timeline), _disputes(brief)


def test_a_last_meeting_named_before_a_later_one_took_place_is_no_disagreement():
    # written in August 2018, the Helsinki summit was rightly their last meeting
    brief = merge(
        [
            article(
                1, date(2018, 8, 1), when("July 2018", "Trump and Putin last met"), cast=SUMMIT_CAST
            ),
            article(
                2, AUG_2025, when("2019", "Trump and Putin last met face to face"), cast=SUMMIT_CAST
            ),
        ]
    )
    assert all(e.disputed == [] for e in brief.timeline), _disputes(brief)
