"""What changed between two briefs: matching, kinds, ordering and the Markdown section."""

from __future__ import annotations

from datetime import date

from briefgen.merge import merge
from briefgen.merge.changes import KIND_ORDER, diff, rank
from briefgen.render.markdown_brief import what_changed as markdown
from briefgen.schemas import (
    ArticleExtraction,
    ArticleFailure,
    Brief,
    Change,
    Changes,
    Motive,
    WarningItem,
)

from test_merge import ask, person, result, venue, when

SINCE = "run 12 (2026-11-30 06:30)"


def titled(n: int, title: str, outlet: str, **items) -> ArticleExtraction:
    made = result(n, **items)
    article = made.article.model_copy(update={"title": title, "outlet": outlet})
    return made.model_copy(update={"article": article})


def first(**overrides) -> ArticleExtraction:
    items = {
        "actors": [
            person("Kim Jong-un", "Mr. Kim", "the North Korean leader", role="North Korean leader"),
            person("Vladimir Putin", "Mr. Putin", "the president", role="Russian President"),
        ],
        "asks": [ask("Mr. Putin", "Mr. Kim", "artillery shells", quote="Putin wants shells")],
        "motives": [
            Motive(
                actor="Mr. Kim",
                motive="satellite technology",
                certainty="reported",
                quote="Kim wants satellite technology",
            )
        ],
        "venues": [venue("Vladivostok", quote="potentially in Vladivostok")],
        "dates": [when("September 10-13")],
    }
    items.update(overrides)
    return titled(1, "Kim to meet Putin", "Reuters", **items)


def second(**overrides) -> ArticleExtraction:
    items = {
        "actors": [
            person("Kim Jong Un", role="Supreme Leader"),
            person("Vladimir Putin"),
            person("John Kirby", "Kirby", role="NSC spokesman"),
            person("North Korea", "Pyongyang", kind="country"),
        ],
        "asks": [ask("Kirby", "Pyongyang", "stop arms talks", quote="Kirby urged Pyongyang")],
        "warnings": [
            WarningItem(
                warner="Kirby",
                warned="Pyongyang",
                warning="North Korea will pay a price",
                certainty="confirmed",
                quote="will pay a price",
            )
        ],
        "venues": [venue("Vladivostok, Russia", quote="in Vladivostok, Russia")],
        "dates": [when("September 12")],
    }
    items.update(overrides)
    return titled(2, "U.S. warns North Korea", "AP", **items)


def base() -> Brief:
    return merge([first(), second()])


def shoigu() -> ArticleExtraction:
    return titled(
        3,
        "Shoigu joins talks",
        "TASS",
        actors=[person("Sergei Shoigu", role="Russian Defense Minister")],
    )


def texts(changes: Changes) -> list[str]:
    return [c.text for c in changes.items]


# --- nothing changed ------------------------------------------------------------------------


def test_identical_briefs_have_no_changes():
    brief = base()
    changes = diff(brief, brief, SINCE)
    assert changes == Changes(since=SINCE, items=[])
    assert markdown(changes) == [f"## Nothing changed since {SINCE}", ""]


def test_a_re_merge_of_the_same_inputs_has_no_changes():
    assert diff(base(), base(), SINCE).items == []


def test_spelling_and_canonical_name_drift_is_not_a_change():
    old = base()
    kim = old.actors[0].model_copy(update={"name": "Kim Jong Un"})
    claim = old.asks[0].model_copy(update={"what": "Artillery  shells.", "who": "vladimir putin"})
    new = old.model_copy(update={"actors": [kim, *old.actors[1:]], "asks": [claim, *old.asks[1:]]})
    assert diff(old, new, SINCE).items == []


def test_a_fuller_claimant_name_and_a_longer_wording_are_the_same_claim():
    lone = [person("Kirby", role="NSC spokesman"), person("North Korea", kind="country")]
    full = [person("John Kirby", "Kirby"), person("North Korea", "Pyongyang", kind="country")]
    old = merge(
        [first(), second(actors=lone, asks=[ask("Kirby", "North Korea", "stop arms talks")])]
    )
    new = merge(
        [
            first(),
            second(
                actors=full,
                asks=[ask("John Kirby", "Pyongyang", "stop arms negotiations with Russia")],
            ),
        ]
    )
    assert old.asks[1].who == "Kirby" and new.asks[1].who == "John Kirby"
    assert diff(old, new, SINCE).items == []


# --- sources --------------------------------------------------------------------------------


def test_a_new_article_is_a_new_source_and_brings_a_new_actor_in_order():
    changes = diff(base(), merge([first(), second(), shoigu()]), SINCE)
    assert changes.items == [
        Change(
            kind="source", change="new", text="new source: “Shoigu joins talks” (TASS)", sources=[3]
        ),
        Change(kind="actor", change="new", text="new actor: Sergei Shoigu", sources=[3]),
    ]


def test_a_removed_article_is_a_dropped_source_cited_in_the_previous_brief():
    changes = diff(merge([first(), second(), shoigu()]), base(), SINCE)
    assert changes.items[0] == Change(
        kind="source",
        change="dropped",
        text="dropped source: “Shoigu joins talks” (TASS)",
        previous_sources=[3],
    )


def test_a_source_that_now_fails_or_now_succeeds_says_so():
    failed = ArticleFailure(
        article=second().article,
        reason="refused by the content filter",
        model="m",
        prompt_version="v",
    )
    ok, broken = base(), merge([first(), failed])
    now_failed = diff(ok, broken, SINCE).items[0]
    assert now_failed == Change(  # failed, not dropped: it is still among the sources
        kind="source",
        change="failed",
        text="source failed: “U.S. warns North Korea” (AP) — refused by the content filter",
        sources=[2],
        previous_sources=[2],
    )
    now_used = next(c for c in diff(broken, ok, SINCE).items if c.kind == "source")
    assert now_used.change == "new"
    assert (
        now_used.text == "new source: “U.S. warns North Korea” (AP) — now used (failed last time)"
    )
    assert diff(broken, broken, SINCE).items == []


def test_sources_match_by_where_they_came_from_not_by_number():
    # The same two articles in the other order: numbers change, nothing else does.
    changes = diff(base(), merge([second(), first()]), SINCE)
    assert [c for c in changes.items if c.kind == "source"] == []


# --- actors ---------------------------------------------------------------------------------


def test_a_dropped_actor_is_cited_in_the_previous_brief():
    old = merge([first(), second(), shoigu()])
    new = merge([first(), second(), titled(3, "Shoigu joins talks", "TASS")])
    assert diff(old, new, SINCE).items == [
        Change(
            kind="actor",
            change="dropped",
            text="dropped actor: Sergei Shoigu",
            previous_sources=[3],
        )
    ]


def test_a_shared_role_alias_does_not_make_two_people_one():
    old = merge([result(1, actors=[person("Joe Biden", "the president")])])
    new = merge([result(1, actors=[person("Vladimir Putin", "the president")])])
    assert texts(diff(old, new, SINCE)) == ["new actor: Vladimir Putin", "dropped actor: Joe Biden"]


# --- asks, warnings, motives ----------------------------------------------------------------


def test_a_dropped_ask():
    old = base()
    new = merge([first(), second(asks=[])])
    assert diff(old, new, SINCE).items == [
        Change(
            kind="ask",
            change="dropped",
            text="dropped ask: John Kirby → North Korea: stop arms talks",
            previous_sources=[2],
        )
    ]


def test_same_words_from_another_party_are_a_new_claim():
    old = base()
    new = merge([first(asks=[ask("Mr. Kim", "Mr. Putin", "artillery shells")]), second()])
    assert texts(diff(old, new, SINCE)) == [
        "new ask: Kim Jong-un → Vladimir Putin: artillery shells",
        "dropped ask: Vladimir Putin → Kim Jong-un: artillery shells",
    ]


def test_two_claims_folded_into_one_are_not_dropped():
    # e.g. the claim check joined two wordings: the folded claim rests on both quotes
    asks = [
        ask("Mr. Putin", "Mr. Kim", "artillery shells", quote="Putin wants shells"),
        ask("Mr. Putin", "Mr. Kim", "replenish stocks", quote="Putin needs stocks"),
    ]
    old = merge([first(asks=asks), second()])
    assert len(old.asks) >= 2
    shells = next(c for c in old.asks if c.what == "artillery shells")
    stocks = next(c for c in old.asks if c.what == "replenish stocks")
    joined = shells.model_copy(
        update={
            "sources": sorted({*shells.sources, *stocks.sources}),
            "quotes": [*shells.quotes, *stocks.quotes],
        }
    )
    rest = [c for c in old.asks if c not in (shells, stocks)]
    new = old.model_copy(update={"asks": [joined, *rest]})
    assert [c for c in diff(old, new, SINCE).items if c.kind == "ask"] == []


def test_another_claim_by_the_same_party_is_new():
    old = base()
    asks = [
        ask("Mr. Putin", "Mr. Kim", "artillery shells", quote="Putin wants shells"),
        ask("Mr. Putin", "Mr. Kim", "North Korean labor for construction", quote="labor"),
    ]
    new = merge([first(asks=asks), second()])
    assert texts(diff(old, new, SINCE)) == [
        "new ask: Vladimir Putin → Kim Jong-un: North Korean labor for construction"
    ]


def test_new_and_dropped_warnings_and_motives():
    old = base()
    new = merge(
        [
            first(
                motives=[
                    Motive(
                        actor="Mr. Putin",
                        motive="replenish artillery stockpiles",
                        certainty="speculated",
                        quote="Putin wants to restock",
                    )
                ]
            ),
            second(warnings=[]),
        ]
    )
    assert texts(diff(old, new, SINCE)) == [
        "dropped warning: John Kirby → North Korea: North Korea will pay a price",
        "new motive: Vladimir Putin: replenish artillery stockpiles",
        "dropped motive: Kim Jong-un: satellite technology",
    ]


# --- venue and date -------------------------------------------------------------------------


def disputed_venue() -> Brief:
    return merge([first(), second(venues=[venue("Vostochny Cosmodrome", "confirmed")])])


def test_a_dispute_that_ends_on_none_of_its_answers_is_a_move_not_a_settlement():
    disputed = disputed_venue()
    elsewhere = merge([first(venues=[venue("Khabarovsk")]), second(venues=[venue("Khabarovsk")])])
    [change] = [c for c in diff(disputed, elsewhere, SINCE).items if c.kind == "venue"]
    assert change.change == "moved"
    assert change.text == "venue moved: Vladivostok vs Vostochny Cosmodrome → Khabarovsk"


def test_a_venue_dispute_that_appears_and_one_that_is_settled():
    agreed, disputed = base(), disputed_venue()
    assert not agreed.venue.disputed and disputed.venue.disputed
    assert diff(agreed, disputed, SINCE).items == [
        Change(
            kind="venue",
            change="disputed",
            text="venue now disputed: Vladivostok vs Vostochny Cosmodrome",
            sources=[1, 2],
            previous_sources=[1, 2],
        )
    ]
    assert diff(disputed, agreed, SINCE).items == [
        Change(
            kind="venue",
            change="settled",
            text="venue settled: Vladivostok",
            sources=[1, 2],
            previous_sources=[1, 2],
        )
    ]


def test_a_dispute_with_a_new_answer_is_reported_and_an_unchanged_one_is_not():
    three = merge(
        [
            first(),
            second(venues=[venue("Vostochny Cosmodrome")]),
            result(3, venues=[venue("Moscow")]),
        ]
    )
    changes = diff(disputed_venue(), three, SINCE)
    assert texts(changes)[0] == (  # a dispute comes first
        "venue still disputed, now: Moscow vs Vladivostok vs Vostochny Cosmodrome"
    )
    assert diff(three, three, SINCE).items == []


def test_an_undisputed_venue_that_moved():
    old = base()
    new = merge(
        [
            first(venues=[venue("Vostochny Cosmodrome")]),
            second(venues=[venue("Vostochny Cosmodrome", "confirmed")]),
        ]
    )
    assert diff(old, new, SINCE).items == [
        Change(
            kind="venue",
            change="moved",
            text="venue moved: Vladivostok → Vostochny Cosmodrome",
            sources=[1, 2],
            previous_sources=[1, 2],
        )
    ]


def test_an_undisputed_date_that_moved_and_one_that_was_only_narrowed():
    old = base()
    moved = merge([first(dates=[when("September 20-21")]), second(dates=[when("September 21")])])
    assert texts(diff(old, moved, SINCE)) == [
        "date moved: 2023-09-10/2023-09-13; 2023-09-12 → 2023-09-20/2023-09-21; 2023-09-21"
    ]
    narrowed = merge([first(dates=[when("September 12")]), second()])
    assert diff(old, narrowed, SINCE).items == []


def test_a_venue_that_appears_or_goes_away():
    old = base()
    none = merge([first(venues=[]), second(venues=[])])
    assert texts(diff(old, none, SINCE)) == ["dropped venue: Vladivostok"]
    assert texts(diff(none, old, SINCE)) == ["new venue: Vladivostok"]


# --- ordering and Markdown ------------------------------------------------------------------


def many_changes() -> Changes:
    old = base()
    new = merge(
        [
            first(asks=[], dates=[when("September 20")]),
            second(venues=[venue("Vostochny Cosmodrome")], warnings=[], dates=[]),
            shoigu(),
        ]
    )
    return diff(old, new, SINCE)


def test_items_come_most_telling_first_and_are_the_same_every_time():
    changes = many_changes()
    kinds = [c.kind for c in changes.items]
    assert kinds == ["venue", "date", "source", "actor", "ask", "warning"]
    assert set(kinds) == {"source", "actor", "ask", "warning", "venue", "date"}
    assert many_changes() == changes
    # the rest (after disputes, moves, new asks and warnings, ...) keep their kind order
    rest = kinds[2:]
    assert rest == sorted(rest, key=KIND_ORDER.index)


def test_markdown_of_every_kind_of_change():
    lines = markdown(many_changes())
    assert lines == [
        f"## What changed since {SINCE}",
        "",
        "- **Disputed** venue: Vladivostok vs Vostochny Cosmodrome [1][2]",
        "- **Moved** date: 2023-09-10/2023-09-13; 2023-09-12 → 2023-09-20 [1]",
        "- **New** source: “Shoigu joins talks” (TASS) [3]",
        "- **New** actor: Sergei Shoigu [3]",
        "- **Dropped** ask: Vladimir Putin → Kim Jong-un: artillery shells"
        " (was [1] in the previous brief)",
        "- **Dropped** warning: John Kirby → North Korea: North Korea will pay a price"
        " (was [2] in the previous brief)",
        "",
    ]


def test_markdown_of_a_settled_dispute_a_dropped_source_and_a_new_motive():
    changes = Changes(
        since="run 3",
        items=[
            Change(
                kind="source",
                change="dropped",
                text="dropped source: “Old story” (AP)",
                previous_sources=[4],
            ),
            Change(
                kind="motive",
                change="new",
                text="new motive: Kim Jong Un: satellite technology",
                sources=[1, 3],
            ),
            Change(
                kind="venue",
                change="settled",
                text="venue settled: Vladivostok",
                sources=[1, 2],
                previous_sources=[1, 2, 3],
            ),
        ],
    )
    assert markdown(changes)[2:] == [
        "- **Dropped** source: “Old story” (AP) (was [4] in the previous brief)",
        "- **New** motive: Kim Jong Un: satellite technology [1][3]",
        "- **Settled** venue: Vladivostok [1][2]",
        "",
    ]


def test_changes_fit_in_the_brief_and_survive_json():
    changes = many_changes()
    brief = base().model_copy(update={"changes": changes})
    again = Brief.model_validate_json(brief.model_dump_json())
    assert again.changes == changes


def test_publication_dates_do_not_count_as_changes():
    old = base()
    later = merge(
        [
            first(),
            second().model_copy(
                update={
                    "article": second().article.model_copy(update={"published": date(2023, 9, 6)})
                }
            ),
        ]
    )
    assert [c for c in diff(old, later, SINCE).items if c.kind == "source"] == []


# --- several stories ------------------------------------------------------------------------


def test_each_story_is_compared_with_the_story_it_continues():
    from test_stories import crash, mixed, place

    old = merge(mixed())
    moved = crash(8).model_copy(deep=True)
    moved.extraction.venues[:] = [place("Manchester")]
    new = merge([*mixed(), moved])
    assert len(old.stories) == len(new.stories) == 1
    items = diff(old, new, SINCE).items
    assert [c.kind for c in items] == ["venue", "source"]
    assert items[0].change == "disputed"
    assert items[0].text.endswith("(story 2)")
    assert "Manchester" in items[0].text and "Vladivostok" not in items[0].text
    assert diff(new, new, SINCE).items == []


def test_a_new_story_brings_its_actors_claims_and_places_and_the_main_story_is_unchanged():
    from test_stories import crash

    old = base()
    new = merge([first(), second(), crash(3), crash(6)])
    assert new.grouping == [[1, 2], [3, 4]]
    changes = diff(old, new, SINCE)
    assert changes.items == rank(changes.items)
    assert changes.items[0].kind == "warning"  # a new warning before the new source and actors
    assert "new actor: Transport for London" in texts(changes)
    warning = "new warning: British Transport Police: the tram derailed on a sharp bend near "
    assert warning + "Sandilands" in texts(changes)
    assert [c.text for c in changes.items if c.kind == "venue"] == ["new venue: Croydon (story 2)"]
    assert [c.text for c in changes.items if c.kind == "date"] == ["new date: 2016-11-09 (story 2)"]
    assert not [c for c in changes.items if c.change in ("moved", "disputed", "settled")]


def test_an_ask_folded_into_a_motive_line_is_not_dropped_and_a_real_drop_still_is():
    old = merge([first()])
    (the_ask,) = old.asks
    moved = the_ask.model_copy(update={"kinds": ["motives", "asks"]})
    new = old.model_copy(update={"asks": [], "motives": [*old.motives, moved]})
    assert [c.text for c in diff(old, new, SINCE).items] == []
    gone = old.model_copy(update={"asks": []})
    texts = [c.text for c in diff(old, gone, SINCE).items]
    assert texts == ["dropped ask: Vladimir Putin → Kim Jong-un: artillery shells"]
