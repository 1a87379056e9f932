"""Invariants of the merge, over generated extractions (hypothesis)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.merge import merge
from briefgen.merge.independence import fingerprint
from briefgen.schemas import (
    Actor,
    ArticleExtraction,
    ArticleRef,
    Ask,
    Brief,
    DateMention,
    Extraction,
    Motive,
    Story,
    Venue,
    WarningItem,
)

# Property tests: hundreds of generated article sets each.
pytestmark = pytest.mark.slow

PEOPLE = [
    ("Kim Jong Un", ("Kim", "Mr. Kim")),
    ("Kim Jong-un", ("the North Korean leader",)),
    ("Kim Yo Jong", ()),
    ("Vladimir Putin", ("Putin",)),
    ("Sergei Shoigu", ("Shoigu",)),
    ("Sergey Shoigu", ()),
    ("John Kirby", ("Kirby",)),
]
COUNTRIES = [("Russia", ("Moscow",)), ("North Korea", ("Pyongyang",)), ("United States", ("U.S.",))]
WHAT = [
    "artillery shells and anti-tank missiles",
    "anti-tank missiles and artillery ammunition",
    "satellite technology",
    "food aid",
    "stop arms talks with Russia",
    "cease arms negotiations with Russia",
    "join naval drills",
]
PLACES = [
    ("Vladivostok", None),
    ("Vostochny Cosmodrome", "Amur region"),
    ("Far Eastern Federal University", "Vladivostok"),
]
WHEN = ["September 10-13", "On Tuesday", "in July", "September 20", "next week"]


@st.composite
def extraction(draw) -> tuple[Extraction, str]:
    """An extraction and an article text that holds every one of its quotes."""
    quotes: list[str] = []

    def quote(text: str) -> str:
        quotes.append(f"{text} ({len(quotes)})")
        return quotes[-1]

    people = draw(st.lists(st.sampled_from(PEOPLE), max_size=4, unique=True))
    countries = draw(st.lists(st.sampled_from(COUNTRIES), max_size=2, unique=True))
    actors = [
        Actor(name=n, kind="person", role=None, affiliation=None, aliases=list(a), quote=quote(n))
        for n, a in people
    ] + [
        Actor(name=n, kind="country", role=None, affiliation=None, aliases=list(a), quote=quote(n))
        for n, a in countries
    ]
    names = [a.name for a in actors] or ["Russia"]
    certainty = st.sampled_from(["confirmed", "planned", "reported", "speculated"])
    asks = [
        Ask(
            asker=draw(st.sampled_from(names)),
            asked=draw(st.sampled_from([None, *names])),
            ask=w,
            certainty=draw(certainty),
            quote=quote(w),
        )
        for w in draw(st.lists(st.sampled_from(WHAT), max_size=3))
    ]
    warnings = [
        WarningItem(
            warner=draw(st.sampled_from(names)),
            warned=None,
            warning=w,
            certainty=draw(certainty),
            quote=quote(w),
        )
        for w in draw(st.lists(st.sampled_from(WHAT), max_size=2))
    ]
    motives = [
        Motive(
            actor=draw(st.sampled_from(names)), motive=w, certainty=draw(certainty), quote=quote(w)
        )
        for w in draw(st.lists(st.sampled_from(WHAT), max_size=2))
    ]
    venues = [
        Venue(place=p, within=[w] if w else [], certainty=draw(certainty), quote=quote(p))
        for p, w in draw(st.lists(st.sampled_from(PLACES), max_size=2, unique=True))
    ]
    dates = [
        DateMention(
            text=t,
            event=f"event {t}",
            relation=draw(st.sampled_from(["before", "after", "unclear"])),
            central=draw(st.booleans()),
            certainty=draw(certainty),
            quote=quote(t),
        )
        for t in draw(st.lists(st.sampled_from(WHEN), max_size=2))
    ]
    found = Extraction(
        actors=actors, motives=motives, asks=asks, warnings=warnings, venues=venues, dates=dates
    )
    return found, "Story. " + " ".join(quotes) + f" Unique {draw(st.integers(0, 10**9))}."


@st.composite
def results(draw) -> list[tuple[ArticleExtraction, str]]:
    count = draw(st.integers(1, 5))
    made = []
    for i in range(count):
        found, text = draw(extraction())
        published = draw(st.sampled_from([None, date(2023, 9, 5), date(2023, 9, 12)]))
        ref = ArticleRef(
            id=f"a{i}", source=f"a{i}.txt", published=published, fingerprint=fingerprint(text)
        )
        made.append(
            (ArticleExtraction(article=ref, extraction=found, model="m", prompt_version="v"), text)
        )
    return made


def canonical(brief: Brief) -> set[str]:
    """Every story of the brief with citation numbers replaced by article ids, lists made into
    sets: which story is the main one may follow the order when two are the same size."""
    ids = {s.n: s.article.id for s in brief.sources}

    def cited(numbers: list[int]) -> frozenset[str]:
        return frozenset(ids[n] for n in numbers)

    def quoted(quotes) -> frozenset[tuple[str, str]]:
        return frozenset((ids[q.source], q.quote) for q in quotes)

    def story(s: Brief | Story) -> str:
        return repr(
            sorted(
                {
                    "actors": sorted(
                        repr((a.kind, sorted(a.names), sorted(cited(a.sources)))) for a in s.actors
                    ),
                    "claims": {
                        kind: sorted(
                            repr((c.certainty, c.independent, sorted(quoted(c.quotes))))
                            for c in getattr(s, kind)
                        )
                        for kind in ("asks", "warnings", "motives")
                    },
                    "venue": (
                        s.venue.disputed,
                        sorted(repr((v.value, sorted(cited(v.sources)))) for v in s.venue.values),
                    ),
                    "date": (
                        s.date.disputed,
                        sorted(repr((v.value, sorted(cited(v.sources)))) for v in s.date.values),
                    ),
                    "timeline": sorted(
                        repr((e.date, sorted(quoted(e.quotes)))) for e in s.timeline
                    ),
                }.items()
            )
        )

    return {story(brief), *map(story, brief.stories)}


@settings(max_examples=60, deadline=None)
@given(results(), st.randoms(use_true_random=False))
def test_merging_does_not_depend_on_the_order_of_articles(made, rng):
    extractions = [e for e, _ in made]
    shuffled = extractions[:]
    rng.shuffle(shuffled)
    assert canonical(merge(extractions)) == canonical(merge(shuffled))


@settings(max_examples=60, deadline=None)
@given(results())
def test_merging_a_set_with_a_copy_of_itself_changes_no_counts(made):
    extractions = [e for e, _ in made]
    copies = [
        e.model_copy(update={"article": e.article.model_copy(update={"id": f"{e.article.id}-c"})})
        for e in extractions
    ]
    once, twice = merge(extractions), merge(extractions + copies)
    assert len(twice.actors) == len(once.actors)
    for kind in ("asks", "warnings", "motives"):
        assert sorted(c.independent for c in getattr(twice, kind)) == sorted(
            c.independent for c in getattr(once, kind)
        )
    assert twice.venue.disputed == once.venue.disputed
    assert len(twice.venue.values) == len(once.venue.values)
    assert sorted(v.independent for v in twice.venue.values) == sorted(
        v.independent for v in once.venue.values
    )


@settings(max_examples=60, deadline=None)
@given(results())
def test_every_citation_points_to_an_article_that_holds_the_evidence(made):
    brief = merge([e for e, _ in made])
    texts = {n: text for n, (_, text) in enumerate(made, start=1)}
    quotes = [q for a in brief.actors for q in a.quotes]
    quotes += [
        q for k in ("asks", "warnings", "motives") for c in getattr(brief, k) for q in c.quotes
    ]
    quotes += [q for slot in (brief.venue, brief.date) for v in slot.values for q in v.quotes]
    quotes += [q for e in brief.timeline for q in e.quotes]
    for q in quotes:
        assert q.quote in texts[q.source]
    for a in brief.actors:
        assert set(a.sources) == {q.source for q in a.quotes}
    for k in ("asks", "warnings", "motives"):
        for c in getattr(brief, k):
            assert set(c.sources) == {q.source for q in c.quotes}
            assert 1 <= c.independent <= len(c.sources)
