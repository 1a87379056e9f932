"""Merge: actors, claims, venue and date disputes, failures. Pure data in, data out."""

from __future__ import annotations

from datetime import date

from briefgen.merge import merge
from briefgen.merge.actors import Mention, resolve
from briefgen.schemas import (
    Actor,
    ArticleExtraction,
    ArticleFailure,
    ArticleRef,
    Ask,
    DateMention,
    Extraction,
    Venue,
    WarningItem,
)
from briefgen.text.fold import fold
from briefgen.text.names import is_name_like, person_key


def person(name: str, *aliases: str, role: str | None = None, kind: str = "person") -> Actor:
    return Actor(
        name=name, kind=kind, role=role, affiliation=None, aliases=list(aliases), quote=name
    )


def result(n: int, published: date | None = date(2023, 9, 5), **items) -> ArticleExtraction:
    fields = {k: [] for k in ("actors", "motives", "asks", "warnings", "venues", "dates")}
    fields.update(items)
    return ArticleExtraction(
        article=ArticleRef(id=f"a{n}", source=f"a{n}.txt", published=published),
        extraction=Extraction(**fields),
        model="m",
        prompt_version="v",
    )


def groups(*actors_by_article: list[Actor]) -> list[set[str]]:
    mentions = [Mention(n, a) for n, actors in enumerate(actors_by_article, 1) for a in actors]
    return [
        {f"{mentions[i].source}:{mentions[i].actor.name}" for i in g} for g in resolve(mentions)
    ]


def test_name_folding():
    assert fold("Kim Jong-un’s") == "kim jong un"
    assert person_key("Mr. Kim Jong-un") == person_key("Kim Jong Un") == "kimjongun"
    assert person_key("Russian President Vladimir Putin") == "vladimirputin"
    assert person_key("North Korean Supreme Leader Kim Jong-un") == "kimjongun"
    assert person_key("Mr. Thomas-Greenfield") == "thomasgreenfield"
    assert is_name_like("Mr. Kim")
    assert not is_name_like("the North Korean leader")
    assert not is_name_like("North Korean leader")


def test_spelling_variants_of_one_person_become_one_actor():
    found = groups(
        [person("Kim Jong-un", "Kim", "Mr. Kim", "North Korean leader")],
        [person("Kim Jong Un", "Kim")],
        [person("North Korean Supreme Leader Kim Jong-un")],
        [person("Kim Jong Un", "the North Korean leader")],
    )
    assert len(found) == 1


def test_different_kims_stay_apart():
    found = groups(
        [person("Kim Jong Un", "Kim"), person("Kim Yo Jong")],
        [person("Kim Jong Il"), person("Kim Jong-un")],
    )
    assert sorted(map(sorted, found)) == [
        ["1:Kim Jong Un", "2:Kim Jong-un"],
        ["1:Kim Yo Jong"],
        ["2:Kim Jong Il"],
    ]


def test_transliteration_variant_merges():
    assert len(groups([person("Sergei Shoigu")], [person("Sergey Shoigu")])) == 1


def test_lone_surname_joins_only_an_unambiguous_person():
    assert len(groups([person("John Kirby")], [person("Kirby")])) == 1
    ambiguous = groups([person("Kim Jong Un"), person("Kim Yo Jong")], [person("Kim")])
    assert len(ambiguous) == 3


def test_role_only_mentions_do_not_link_across_articles():
    found = groups(
        [person("Joe Biden", "the president")],
        [person("Vladimir Putin", "the president")],
    )
    assert len(found) == 2


def test_people_and_organisations_do_not_merge():
    found = groups([person("White House", kind="organization")], [person("White House")])
    assert len(found) == 2


def test_merged_actor_keeps_all_names_roles_and_sources():
    brief = merge(
        [
            result(
                1,
                actors=[
                    person("Kim Jong-un", "Mr. Kim", role="North Korean leader"),
                    person("Vladimir Putin"),  # without a name in common, 3 is another story
                ],
            ),
            result(2, actors=[person("Kim Jong Un", "Kim", role="Supreme Leader")]),
            result(3, actors=[person("Vladimir Putin")]),
        ]
    )
    kim = next(a for a in brief.actors if "Kim" in a.name)
    assert set(kim.names) == {"Kim Jong-un", "Mr. Kim", "Kim Jong Un", "Kim"}
    assert kim.roles == ["North Korean leader", "Supreme Leader"]
    assert kim.sources == [1, 2]
    assert [q.source for q in kim.quotes] == [1, 2]
    assert len(brief.actors) == 2


def ask(who, whom, what, quote="q", certainty="reported") -> Ask:
    return Ask(asker=who, asked=whom, ask=what, certainty=certainty, quote=quote)


def test_restated_claims_fold_with_all_citations_and_distinct_ones_stay_apart():
    brief = merge(
        [
            result(
                1,
                actors=[person("Vladimir Putin", "Mr. Putin"), person("Kim Jong-un", "Mr. Kim")],
                asks=[ask("Mr. Putin", "Mr. Kim", "artillery ammunition and anti-tank missiles")],
            ),
            result(
                2,
                actors=[person("Vladimir Putin"), person("Kim Jong Un")],
                asks=[
                    ask(
                        "Vladimir Putin",
                        "Kim Jong Un",
                        "anti-tank missiles and artillery shells",
                        certainty="confirmed",
                    ),
                    ask("Kim Jong Un", "Vladimir Putin", "satellite technology"),
                ],
            ),
        ]
    )
    assert len(brief.asks) == 2
    shells = brief.asks[0]
    assert shells.sources == [1, 2]
    assert shells.who == "Vladimir Putin"
    assert shells.whom in {"Kim Jong-un", "Kim Jong Un"}
    assert shells.certainty == "confirmed"  # the firmest any one source gives
    assert brief.asks[1].what == "satellite technology"
    assert brief.asks[1].sources == [2]


def test_claims_with_shared_words_but_different_substance_stay_apart():
    brief = merge(
        [
            result(
                1,
                actors=[person("Vladimir Putin")],
                asks=[
                    ask("Vladimir Putin", None, "North Korean artillery shells"),
                    ask("Vladimir Putin", None, "North Korean labor for construction"),
                ],
            ),
        ]
    )
    assert len(brief.asks) == 2


def venue(place, certainty="reported", quote="q") -> Venue:
    return Venue(place=place, within=[], certainty=certainty, quote=quote)


def test_two_venues_are_a_dispute_with_who_says_what():
    brief = merge(
        [
            result(1, venues=[venue("Vladivostok", quote="potentially in Vladivostok")]),
            result(2, venues=[venue("Vladivostok, Russia")]),
            result(3, venues=[venue("Vostochny Cosmodrome", "confirmed", "at the Vostochny")]),
        ]
    )
    assert brief.venue.disputed
    values = {v.value: v.sources for v in brief.venue.values}
    assert values == {"Vladivostok": [1, 2], "Vostochny Cosmodrome": [3]}
    vladivostok = brief.venue.values[0]
    assert vladivostok.as_written == ["Vladivostok", "Vladivostok, Russia"]
    assert brief.venue.values[1].quotes[0].quote == "at the Vostochny"


def test_one_venue_in_all_sources_is_agreement():
    brief = merge(
        [
            result(1, venues=[venue("Vladivostok")]),
            result(2, venues=[venue("the city of Vladivostok")]),
        ]
    )
    assert not brief.venue.disputed
    assert brief.venue.values[0].sources == [1, 2]


def when(
    text, central=True, relation="after", event="the summit", certainty="confirmed"
) -> DateMention:
    return DateMention(
        text=text,
        event=event,
        relation=relation,
        central=central,
        certainty=certainty,
        quote=text,
    )


def test_overlapping_dates_agree_and_disjoint_dates_are_disputed():
    agree = merge(
        [
            result(1, dates=[when("September 10-13")]),
            result(2, published=date(2023, 9, 12), dates=[when("Wednesday")]),
        ]
    )
    assert not agree.date.disputed
    assert {v.value for v in agree.date.values} == {"2023-09-10/2023-09-13", "2023-09-13"}

    disagree = merge(
        [
            result(1, dates=[when("September 10-13")]),
            result(2, dates=[when("September 20")]),
        ]
    )
    assert disagree.date.disputed


def test_same_weekday_word_in_two_articles_resolves_to_two_dates():
    brief = merge(
        [
            result(1, published=date(2023, 9, 5), dates=[when("On Tuesday", False, "before")]),
            result(2, published=date(2023, 9, 12), dates=[when("On Tuesday", False, "before")]),
        ]
    )
    assert [(e.date, e.sources) for e in brief.timeline] == [
        ("2023-09-05", [1]),
        ("2023-09-12", [2]),
    ]
    assert all(e.as_written == ["On Tuesday"] for e in brief.timeline)


def test_timeline_folds_one_event_dated_alike_by_several_sources():
    brief = merge(
        [
            result(
                1,
                dates=[
                    when("in 2019", False, "before", "Putin and Kim first met in Vladivostok"),
                    when("on Saturday", False, "after", "G20 summit begins"),
                ],
            ),
            result(
                2,
                dates=[
                    when("2019", False, "before", "Kim last met Putin in Vladivostok"),
                    when("on Saturday", False, "after", "foundation day celebrations"),
                ],
            ),
        ]
    )
    assert [(e.date, e.sources, e.as_written) for e in brief.timeline] == [
        ("2019", [1, 2], ["in 2019", "2019"]),
        ("2023-09-09", [1], ["on Saturday"]),
        ("2023-09-09", [2], ["on Saturday"]),
    ]


def test_unknown_publication_date_leaves_relative_dates_unresolved():
    brief = merge([result(1, published=None, dates=[when("On Tuesday")])])
    assert [(e.date, e.as_written) for e in brief.timeline] == [(None, ["On Tuesday"])]
    assert brief.date.values[0].value is None
    assert brief.date.values[0].as_written == ["On Tuesday"]
    assert not brief.date.disputed


def test_failures_are_sources_with_a_reason_and_provenance_is_kept():
    failure = ArticleFailure(
        article=ArticleRef(id="bad", source="bad.txt"),
        reason="refused",
        model="m",
        prompt_version="v",
    )
    brief = merge([result(1, actors=[person("Vladimir Putin")]), failure])
    assert [(s.n, s.article.id, s.failed) for s in brief.sources] == [
        (1, "a1", None),
        (2, "bad", "refused"),
    ]
    assert [s.n for s in brief.failures] == [2]
    assert brief.model == "m" and brief.prompt_version == "v"


def test_warnings_resolve_role_aliases_within_their_article():
    brief = merge(
        [
            result(
                1,
                actors=[
                    person("John Kirby", "Kirby"),
                    person("North Korea", "Pyongyang", kind="country"),
                ],
                warnings=[
                    WarningItem(
                        warner="Kirby",
                        warned="Pyongyang",
                        warning="stop arms talks",
                        certainty="confirmed",
                        quote="q",
                    )
                ],
            ),
        ]
    )
    assert brief.warnings[0].who == "John Kirby"
    assert brief.warnings[0].whom == "North Korea"


def test_merge_is_independent_of_article_order_for_actors():
    a = result(1, actors=[person("Kim Jong-un", "Kim"), person("Vladimir Putin")])
    b = result(2, actors=[person("Kim Jong Un"), person("Putin")])
    one = merge([a, b])
    two = merge([b, a])
    names = [sorted(sorted(x.names) for x in brief.actors) for brief in (one, two)]
    assert names[0] == names[1]


def test_people_sharing_a_hyphenated_surname_stay_apart():
    found = groups(
        [person("Ivan Novak-Mensah", "Mr. Novak-Mensah")],
        [person("Lena Novak-Mensah", "Mr. Novak-Mensah")],
    )
    assert len(found) == 2


def test_an_added_letter_is_another_person_not_a_spelling():
    assert len(groups([person("Anna Petrov")], [person("Anna Petrova")])) == 2


def test_a_story_with_no_named_person_is_titled_by_its_agreed_place_never_a_description():
    crash = [
        result(1, actors=[person("the driver")], venues=[venue("Sandilands tram stop, Croydon")]),
        result(2, actors=[person("the driver")], venues=[venue("Croydon")]),
    ]
    assert merge(crash).title == "Sandilands tram stop, Croydon: brief from 2 articles"
    nowhere = [result(1, actors=[person("the driver")]), result(2, actors=[person("two people")])]
    assert merge(nowhere).title == "News brief: brief from 2 articles"


def test_a_person_only_one_source_of_many_names_does_not_title_the_story():
    three = [
        result(1, actors=[person("Sayed Kamal Sadat")], venues=[venue("Mazar-i-Sharif")]),
        result(2, actors=[person("Abdul Razaq Qadiri")], venues=[venue("Mazar-i-Sharif")]),
        result(3, actors=[person("the driver")], venues=[venue("Mazar-i-Sharif")]),
    ]
    assert merge(three).title.startswith("Mazar-i-Sharif")
    # named by most sources, a person is what the story is about
    two = [
        result(1, actors=[person("Sayed Kamal Sadat")], venues=[venue("Mazar-i-Sharif")]),
        result(2, actors=[person("Sayed Kamal Sadat")], venues=[venue("Mazar-i-Sharif")]),
        result(3, actors=[person("the driver")], venues=[venue("Mazar-i-Sharif")]),
    ]
    assert merge(two).title == "Sayed Kamal Sadat: brief from 3 articles"


def test_dates_written_in_arabic_and_hebrew_take_part_in_a_dispute():
    day = date(2025, 3, 10)
    brief = merge(
        [
            result(1, published=day, dates=[when("on 12 March 2025")]),
            result(2, published=day, dates=[when("يوم 14 مارس 2025")]),
            result(3, published=day, dates=[when("ב-13 במרץ 2025")]),
        ]
    )
    assert brief.date.disputed
    assert sorted(v.value for v in brief.date.values) == ["2025-03-12", "2025-03-13", "2025-03-14"]
