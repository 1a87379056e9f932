"""Corroboration by origin: copies and relays of one source count once, in every line."""

from __future__ import annotations

from datetime import date

from briefgen.merge import merge
from briefgen.merge.origins import Stories, count, of_quotes
from briefgen.schemas import Actor, ArticleExtraction, ArticleRef, Ask, Extraction, Venue


def person(name: str) -> Actor:
    return Actor(name=name, kind="person", role=None, affiliation=None, aliases=[], quote=name)


def result(
    n: int, asks=(), venues=(), origins=None, sketch: str | None = None
) -> ArticleExtraction:
    return ArticleExtraction(
        article=ArticleRef(
            id=f"a{n}", source=f"a{n}.txt", published=date(2023, 9, 5), sketch=sketch
        ),
        extraction=Extraction(
            actors=[person("Vladimir Putin"), person("Donald Trump")],
            motives=[],
            asks=list(asks),
            warnings=[],
            venues=list(venues),
            dates=[],
        ),
        model="m",
        prompt_version="v",
        origins=origins or {},
    )


def invite(quote: str) -> Ask:
    return Ask(
        asker="Vladimir Putin",
        asked="Donald Trump",
        ask="hold the next meeting in Moscow",
        certainty="confirmed",
        quote=quote,
    )


def place(quote: str) -> Venue:
    return Venue(place="Vladivostok", within=[], certainty="reported", quote=quote)


def test_two_reports_relaying_one_readout_are_one_origin():
    results = [
        result(1, [invite("q1")], origins={"asks": ["the Kremlin"]}),
        result(2, [invite("q2")], origins={"asks": ["Kremlin"]}),  # another spelling
        result(3, [invite("q3")]),  # its own report
    ]
    brief = merge(results)
    (claim,) = brief.asks
    assert claim.sources == [1, 2, 3]
    assert claim.independent == 2
    assert [q.origin for q in claim.quotes] == ["the Kremlin", "Kremlin", "[3]"]


def test_reports_of_their_own_are_each_an_origin():
    brief = merge([result(n, [invite(f"q{n}")]) for n in (1, 2, 3)])
    assert brief.asks[0].independent == 3
    assert [q.origin for q in brief.asks[0].quotes] == ["[1]", "[2]", "[3]"]


def test_extractions_saved_before_origins_count_by_story_as_before():
    old = [result(n, [invite(f"q{n}")]) for n in (1, 2)]
    assert all(r.origins == {} for r in old)
    assert merge(old).asks[0].independent == 2


def test_a_copy_and_its_original_are_one_origin():
    from briefgen.merge.independence import sketch

    text = " ".join(f"word{i} said the minister in the port of the city" for i in range(30))
    results = [
        result(1, [invite("q1")], sketch=sketch(text)),
        result(2, [invite("q2")], sketch=sketch("Headline\n\n" + text + "\n\nShare this")),
        result(3, [invite("q3")], sketch=sketch("another text " * 40)),
    ]
    brief = merge(results)
    assert brief.sources[1].copy_of == 1
    assert brief.asks[0].independent == 2
    assert [q.origin for q in brief.asks[0].quotes] == ["[1]", "[1]", "[3]"]


def test_a_source_that_names_its_origin_for_a_value_got_the_value_from_there():
    # [2] relays the venue from the Times in one quote and repeats it unattributed in another:
    # its unattributed quote is not one more origin. [3] reports it itself.
    results = [
        result(1, venues=[place("p1")], origins={"venues": ["The New York Times"]}),
        result(
            2,
            venues=[place("p2"), place("p2 again")],
            origins={"venues": ["The New York Times", None]},
        ),
        result(3, venues=[place("p3")]),
    ]
    venue = merge(results).venue
    assert venue is not None
    (value,) = venue.values
    assert value.sources == [1, 2, 3]
    assert value.independent == 2
    assert {q.origin for q in value.quotes if q.source == 2} == {"The New York Times"}


def test_counting_with_a_plain_story_map_counts_stories():
    assert count({1: 1, 2: 1, 3: 3}, [(1, "a"), (2, "b"), (3, "c")]) == 2
    stories = Stories({1: 1, 2: 2}, {(1, "a"): "Reuters", (2, "b"): "Reuters"})
    assert count(stories, [(1, "a"), (2, "b")]) == 1
    assert of_quotes(stories, [(1, "a"), (2, "z")]) == [("reuters", "Reuters"), ("[2]", "[2]")]
    assert of_quotes(stories, [(2, "z"), (2, "b")]) == [("reuters", "Reuters")] * 2
