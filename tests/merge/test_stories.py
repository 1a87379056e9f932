"""Grouping articles into stories: unrelated stories apart, one story together. Pure."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.merge import merge, stories
from briefgen.merge.stories import actor_key, group, organisation_key, place_key, rare_words
from briefgen.schemas import (
    Actor,
    ArticleExtraction,
    ArticleRef,
    Ask,
    DateMention,
    Extraction,
    Venue,
    WarningItem,
)

SUMMIT = date(2023, 9, 13)
CRASH = date(2016, 11, 9)


def actor(name: str, kind: str = "person", *aliases: str) -> Actor:
    return Actor(
        name=name, kind=kind, role=None, affiliation=None, aliases=list(aliases), quote=name
    )


def place(name: str, *within: str, certainty: str = "confirmed") -> Venue:
    return Venue(place=name, within=list(within), certainty=certainty, quote=f"in {name}")


def central(text: str, event: str, relation: str = "before") -> DateMention:
    return DateMention(
        text=text, event=event, relation=relation, central=True, certainty="confirmed", quote=text
    )


def article(
    n: int, published: date | None = SUMMIT, title: str | None = None, **items
) -> ArticleExtraction:
    fields = {k: [] for k in ("actors", "motives", "asks", "warnings", "venues", "dates")}
    fields.update(items)
    return ArticleExtraction(
        article=ArticleRef(id=f"s{n}", source=f"s{n}.txt", published=published, title=title),
        extraction=Extraction(**fields),
        model="m",
        prompt_version="v",
    )


def summit(n: int, **extra) -> ArticleExtraction:
    """Kim and Putin meet: three outlets, two places (a real dispute), one date."""
    venues = {
        0: [place("Vladivostok", "Russia", certainty="reported")],
        1: [place("Vostochny Cosmodrome", "Amur region", "Russia")],
        2: [place("Vostochny Cosmodrome")],
    }[n % 3]
    return article(
        n,
        title="Kim Jong Un meets Putin at Russian spaceport",
        actors=[
            actor("Kim Jong Un", "person", "Mr. Kim"),
            actor("Russian President Vladimir Putin", "person", "Putin"),
            actor("Russia", "country"),
            actor("United States", "country"),
            actor("Kremlin", "organization"),
        ],
        asks=[
            Ask(
                asker="Putin",
                asked="Kim Jong Un",
                ask="artillery shells and ammunition",
                certainty="reported",
                quote="Putin wants shells",
            )
        ],
        venues=venues,
        dates=[central("on Wednesday", "Kim and Putin hold talks")],
        **extra,
    )


def crash(n: int) -> ArticleExtraction:
    """A tram derails in Croydon: named bodies and places, descriptions for the people."""
    actors = [
        actor("the driver", "person", "tram driver"),
        actor("two people", "person"),
        actor("Transport for London", "organization", "TfL"),
        actor("British Transport Police", "organization"),
        actor("United Kingdom", "country", "Britain"),
        actor("United States", "country"),
    ]
    return article(
        n,
        published=CRASH,
        title="Seven killed as tram derails in Croydon",
        actors=actors[: 4 + n % 2] + actors[5:],
        warnings=[
            WarningItem(
                warner="British Transport Police",
                warned=None,
                warning="the tram derailed on a sharp bend near Sandilands",
                certainty="reported",
                quote="derailed",
            )
        ],
        venues=[place(["Croydon", "Sandilands tram stop, Croydon", "Croydon"][n % 3])],
        dates=[central("on Wednesday", "the tram derails", "before")],
    )


def mixed() -> list[ArticleExtraction]:
    """Two unrelated stories interleaved, as a feed gives them."""
    return [summit(0), crash(1), summit(2), crash(3), summit(4), crash(5), summit(7)]


def numbered(results: list[ArticleExtraction]) -> list[tuple[int, ArticleExtraction]]:
    return list(enumerate(results, start=1))


def grouped(results: list[ArticleExtraction], copies: dict[int, int] | None = None):
    return group(numbered(results), copies or {})


# --- names, places and words as evidence --------------------------------------------------------


def evidence_key(name: str) -> str | None:
    return actor_key("person", name)


def test_person_names_fold_titles_ages_and_middle_initials_away():
    for written in (
        "James Comey",
        "FBI Director James B. Comey",
        "James B. Comey",
        "Director James Comey's",
    ):
        assert evidence_key(written) == "jamescomey"
    assert evidence_key("Red Bull boss Christian Horner") == "christianhorner"
    assert evidence_key("Five-year-old Zhao Zicong") == "zhaozicong"
    assert evidence_key("63-year-old Robert Huxley") == "roberthuxley"
    assert evidence_key("President-elect Donald Trump") == evidence_key("Donald J. Trump")
    assert evidence_key("Kim Jong-un") == evidence_key("Kim Jong Un") == "kimjongun"
    assert evidence_key("Michelle Obama") != evidence_key("Barack Obama")
    assert evidence_key("Stephen King") == "stephenking"  # a title word as a surname
    assert evidence_key("Conan O'Brien") == evidence_key("Conan O’Brien") == "conanobrien"
    assert evidence_key("Mayor Bill de Blasio") == "billdeblasio"


def test_descriptions_and_lone_surnames_are_no_evidence():
    for written in ("the driver", "tram driver", "two people", "Mr. Kim", "Obama", "officials"):
        assert evidence_key(written) is None


def test_organisations_fold_dots_but_countries_and_common_words_are_no_evidence():
    assert organisation_key("The F.B.I.") == organisation_key("FBI") == "fbi"
    assert organisation_key("Transport for London") == "transport for london"
    for written in ("Russia", "United States", "U.S.", "Britain", "Police", "the government"):
        assert organisation_key(written) is None


def test_places_fold_prepositions_and_plurals_but_countries_are_no_evidence():
    assert place_key("outside Trump Towers") == place_key("Trump Tower")
    assert place_key("the city of Vladivostok, Russia") == place_key("Vladivostok")
    for written in ("Russia", "UK", "Britain", "the United States", "Europe", "a hospital"):
        assert place_key(written) is None


def test_rare_words_leave_out_common_words_in_any_wire_language_and_names():
    found = rare_words("Officials said two people were killed when the tram derailed in Croydon")
    assert found == {"tram", "derail", "croydon"}
    assert rare_words("il 13 settembre della riunione", set()) == set()
    assert rare_words("artillery shells from Pyongyang", {"pyongyang"}) == {"artilleri"}


# --- grouping ----------------------------------------------------------------------------------


def test_two_unrelated_stories_are_grouped_apart_largest_first():
    assert grouped(mixed()) == [[1, 3, 5, 7], [2, 4, 6]]


def test_unrelated_stories_are_merged_apart_places_never_compared():
    brief = merge(mixed())
    assert brief.grouping == [[1, 3, 5, 7], [2, 4, 6]]
    assert {v.value for v in brief.venue.values} == {"Vladivostok", "Vostochny Cosmodrome"}
    assert brief.venue.disputed  # the summit's own dispute stays
    [tram] = brief.stories
    assert tram.sources == [2, 4, 6]
    places = {v.value for v in tram.venue.values}
    assert "Vladivostok" not in places and "Vostochny Cosmodrome" not in places
    # the tram stop "in Croydon" and "Croydon" agree: one answer, Croydon its wider place
    assert not tram.venue.disputed and places == {"Sandilands tram stop"}
    assert tram.venue.values[0].wider[0] == "Croydon"
    assert not tram.date.disputed and not brief.date.disputed  # 2016 and 2023 never compared
    assert [v.value for v in tram.date.values] == ["2016-11-09"]
    assert not {a.name for a in brief.actors} & {a.name for a in tram.actors} - {"United States"}
    assert "Transport for London" in {a.name for a in tram.actors}
    assert "Kim" in brief.title and "Croydon" not in brief.title


def test_one_story_has_no_grouping_and_no_further_stories():
    brief = merge([summit(0), summit(1), summit(2)])
    assert brief.grouping == [] and brief.stories == []
    assert brief.venue.disputed


def test_the_bundled_example_is_one_story():
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from quality import load_results

    results = load_results()
    assert grouped(results) == [[1, 2, 3, 4, 5]]


def test_sharing_only_a_country_or_a_common_word_is_not_one_story():
    a = article(
        1,
        actors=[actor("Ivan Petrov"), actor("Russia", "country")],
        asks=[Ask(asker="Ivan Petrov", asked=None, ask="more people", certainty="reported",
                  quote="q")],
        venues=[place("Russia")],
    )  # fmt: skip
    b = article(
        2,
        actors=[actor("Anna Silva"), actor("Russia", "country")],
        asks=[Ask(asker="Anna Silva", asked=None, ask="people and time", certainty="reported",
                  quote="q")],
        venues=[place("Russia")],
    )  # fmt: skip
    assert grouped([a, b]) == [[1], [2]]


def test_one_shared_name_does_not_join_two_stories_that_share_nothing_else():
    protest = [
        article(
            n,
            actors=[actor("Donald Trump"), actor("Bill de Blasio"), actor("NYPD", "organization")],
            venues=[place("outside Trump Towers")],
        )
        for n in (1, 2)
    ]
    firing = [
        article(
            n,
            actors=[
                actor("President Donald J. Trump"),
                actor("James Comey"),
                actor("F.B.I.", "organization"),
            ],
            venues=[place("Washington")],
        )
        for n in (3, 4)
    ]
    assert grouped([protest[0], firing[0], protest[1], firing[1]]) == [[1, 3], [2, 4]]


def test_a_thin_article_joins_the_story_it_shares_with_and_never_bridges_two():
    protest = [
        article(
            n,
            actors=[actor("Donald Trump"), actor("Bill de Blasio"), actor("NYPD", "organization")],
            venues=[place("Trump Tower")],
        )
        for n in (1, 2, 3)
    ]
    firing = [
        article(
            n,
            actors=[actor("Donald Trump"), actor("James Comey"), actor("FBI", "organization")],
            venues=[place("Washington")],
        )
        for n in (4, 5)
    ]
    only_trump = article(6, actors=[actor("Donald Trump")])
    # It shares as much with each: it joins the larger, and the two stay apart.
    assert grouped([*protest, *firing, only_trump]) == [[1, 2, 3, 6], [4, 5]]


def test_two_one_name_articles_on_one_person_are_one_story():
    assert grouped([article(1, actors=[actor("Kim Jong Un")]),
                    article(2, actors=[actor("Kim Jong-un")])]) == [[1, 2]]  # fmt: skip


def test_shared_place_date_and_words_join_articles_that_name_nobody_alike():
    one = article(
        1,
        published=CRASH,
        title="Tram derails in Croydon",
        actors=[actor("Transport for London", "organization")],
        venues=[place("Croydon")],
        dates=[central("on Wednesday", "the tram derails")],
    )
    two = article(
        2,
        published=CRASH,
        title="Croydon tram derailment: seven dead at Sandilands",
        actors=[actor("Rail Accident Investigation Branch", "organization")],
        venues=[place("Croydon")],
        dates=[central("today", "tram derailed near Sandilands")],
    )
    assert grouped([one, two]) == [[1, 2]]  # a place, a day, "tram", "derail": 1 + 0.5 + 1


def test_an_article_naming_nobody_joins_the_main_story():
    nobody = article(
        9,
        published=CRASH,
        actors=[actor("the driver")],
        venues=[place("a bend in the line")],
    )
    found = grouped([crash(1), summit(2), summit(3), nobody])
    assert found == [[2, 3, 4], [1]]


def test_an_article_naming_nobody_joins_the_story_its_place_names():
    nobody = article(9, published=CRASH, actors=[actor("the driver")], venues=[place("Croydon")])
    found = grouped([crash(1), crash(3), summit(2), summit(4), summit(5), nobody])
    assert found == [[1, 2, 6], [3, 4, 5]]


def test_articles_with_no_evidence_at_all_are_one_story():
    assert grouped([article(1), article(2), article(3)]) == [[1, 2, 3]]
    assert grouped([]) == []


def test_near_copies_are_always_one_story():
    a = article(1, actors=[actor("Ivan Petrov")])
    b = article(2, actors=[actor("Anna Silva")])
    assert grouped([a, b]) == [[1], [2]]
    assert grouped([a, b], copies={1: 1, 2: 1}) == [[1, 2]]


def test_ties_in_size_go_by_the_earliest_source():
    a = article(1, actors=[actor("Ivan Petrov")])
    b = article(2, actors=[actor("Anna Silva")])
    assert grouped([b, a]) == [[1], [2]]


@pytest.mark.slow
def test_cost_stays_bounded_when_every_article_shares_a_hub_name(monkeypatch):
    """2,000 articles naming one hub (and a place), each its own guest: pairs through the hub
    are windowed, so the pairs scored grow with the articles, not their square."""
    calls = 0
    real = stories.score

    def counting(*args):
        nonlocal calls
        calls += 1
        return real(*args)

    monkeypatch.setattr(stories, "score", counting)
    count = 2000
    many = [
        article(
            n,
            actors=[
                actor("Donald Trump"),
                actor("Guest " + "".join(chr(97 + int(d)) for d in f"{n:04d}").title()),
            ],
            venues=[place("Washington")],
        )
        for n in range(count)
    ]
    found = grouped(many)
    assert calls <= 20 * count
    assert found == [list(range(1, count + 1))]  # a hub and a place: one story, chained


# --- order ----------------------------------------------------------------------------------

NAMES = ["Kim Jong Un", "Vladimir Putin", "Ivan Petrov", "Anna Silva", "the driver", "Russia"]
PLACES = ["Vladivostok", "Croydon", "Russia", "Vostochny Cosmodrome"]
WORDS = ["tram derailed", "artillery shells", "people said", "submarine drills"]


@st.composite
def articles(draw) -> list[ArticleExtraction]:
    made = []
    for n in range(draw(st.integers(1, 7))):
        names = draw(st.lists(st.sampled_from(NAMES), max_size=3, unique=True))
        made.append(
            article(
                n,
                published=draw(st.sampled_from([SUMMIT, CRASH, None])),
                title=draw(st.sampled_from([None, *WORDS])),
                actors=[actor(x, "country" if x == "Russia" else "person") for x in names],
                venues=[place(p) for p in draw(st.lists(st.sampled_from(PLACES), max_size=2))],
                dates=[
                    central(t, "event")
                    for t in draw(
                        st.lists(
                            st.sampled_from(["on Wednesday", "September 20", "in 2019"]), max_size=1
                        )
                    )
                ],
            )
        )
    return made


@settings(max_examples=80, deadline=None)
@given(articles(), st.randoms(use_true_random=False))
def test_grouping_does_not_depend_on_the_order_of_articles(made, rng):
    shuffled = made[:]
    rng.shuffle(shuffled)

    def by_id(results):
        found = grouped(results)
        assert sorted(n for s in found for n in s) == list(range(1, len(results) + 1))
        assert [len(s) for s in found] == sorted((len(s) for s in found), reverse=True)
        return {frozenset(results[n - 1].article.id for n in s) for s in found}

    assert by_id(made) == by_id(shuffled)


def test_events_dated_weeks_apart_need_more_than_two_shared_names():
    def trump(n: int, when: str, published: date) -> ArticleExtraction:
        return article(
            n,
            published=published,
            actors=[actor("Donald Trump"), actor("White House", "organization")],
            dates=[central(when, "the event")],
        )

    protest, firing = trump(1, "today", CRASH), trump(2, "today", date(2017, 5, 9))
    assert grouped([protest, firing]) == [[1], [2]]
    undated = [trump(1, "soon", CRASH), trump(2, "soon", date(2017, 5, 9))]
    assert grouped(undated) == [[1, 2]]  # two names and nothing against: one story


def test_reports_that_disagree_on_the_date_but_share_names_and_place_are_one_story():
    one = summit(0, published=date(2023, 9, 5))
    one = one.model_copy(deep=True)
    one.extraction.dates[:] = [central("September 27", "the summit", "after")]  # 2 weeks
    brief = merge([one, summit(3)])
    assert brief.grouping == []
    assert brief.date.disputed


# --- one event in several languages is one story ------------------------------------------------


ALASKA = date(2025, 8, 15)


def alaska(n: int, language: str) -> ArticleExtraction:
    """Putin and Trump meet in Alaska, with their aides, told in en / de / fr / ru: the names as
    each language writes them, no aliases, and titles and words in that language."""
    written = {
        "en": ("Vladimir Putin", "Donald Trump", "Yuri Ushakov", "Sergei Lavrov", "Anchorage"),
        "de": ("Wladimir Putin", "Donald Trump", "Juri Uschakow", "Sergej Lawrow", "Anchorage"),
        "fr": ("Vladimir Poutine", "Donald Trump", "Iouri Ouchakov", "Sergueï Lavrov", "Anchorage"),
        "ru": ("Владимир Путин", "Дональд Трамп", "Юрий Ушаков", "Сергей Лавров", "Анкоридж"),
        "uk": ("Володимир Путін", "Дональд Трамп", "Юрій Ушаков", "Сергій Лавров", "Анкоридж"),
    }[language]
    title = {
        "en": "Putin and Trump meet in Alaska",
        "de": "Putin und Trump treffen sich in Alaska",
        "fr": "Poutine et Trump se rencontrent en Alaska",
        "ru": "Путин и Трамп встретились на Аляске",
        "uk": "Путін і Трамп зустрілися на Алясці",
    }[language]
    *people, venue = written
    return article(
        n,
        published=ALASKA,
        title=title,
        actors=[actor(name) for name in people] + [actor("Russia", "country")],
        venues=[place(venue)],
    )


def test_one_event_told_in_four_languages_is_one_story():
    results = [alaska(1, "en"), alaska(2, "de"), alaska(3, "fr"), alaska(4, "ru")]
    assert grouped(results) == [[1, 2, 3, 4]]


def test_the_ukrainian_forms_of_the_names_are_one_story_with_the_others_and_apart_from_another():
    assert grouped([alaska(1, "en"), alaska(2, "uk")]) == [[1, 2]]
    assert grouped([alaska(1, "ru"), alaska(2, "uk")]) == [[1, 2]]
    found = grouped([alaska(1, "uk"), crash(2), alaska(3, "de"), crash(4)])
    assert sorted(map(sorted, found)) == [[1, 3], [2, 4]]


def test_one_event_in_four_languages_stays_apart_from_another_story():
    results = [alaska(1, "en"), crash(2), alaska(3, "de"), crash(4), alaska(5, "fr")]
    results.append(alaska(6, "ru"))
    found = grouped(results)
    assert sorted(map(sorted, found)) == [[1, 3, 5, 6], [2, 4]]


def test_actor_keys_are_one_across_languages_and_apart_for_different_people():
    assert evidence_key("Владимир Путин") == evidence_key("Vladimir Poutine")
    assert evidence_key("Wladimir Putin") == evidence_key("Russian President Vladimir Putin")
    assert evidence_key("Juri Uschakow") == evidence_key("Юрий Ушаков")
    assert evidence_key("Sergej Lawrow") != evidence_key("Juri Uschakow")
    assert evidence_key("Vladimir Putin") != evidence_key("Volodymyr Zelensky")
    # a name's Ukrainian form is the same person; another surname is not
    assert evidence_key("Володимир Путін") == evidence_key("Vladimir Putin")
    assert evidence_key("Сергій Лавров") == evidence_key("Sergei Lavrov")
    assert evidence_key("Владимир Зеленский") == evidence_key("Volodymyr Zelenskiy")
    assert evidence_key("Володимир Путін") != evidence_key("Володимир Зеленський")
    assert evidence_key("Сергій Лавров") != evidence_key("Юрій Ушаков")
    assert organisation_key("OTAN") == organisation_key("НАТО") == organisation_key("NATO")
