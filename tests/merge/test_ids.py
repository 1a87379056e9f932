"""Stable ids: sources by article id, actors by name, claims by their earliest item."""

from __future__ import annotations

from datetime import date

from briefgen.merge import merge
from briefgen.merge.ids import slug
from briefgen.schemas import Actor, ArticleExtraction, Ask

from test_merge import person, result


def ask(text: str, quote: str, who: str = "Vladimir Putin") -> Ask:
    return Ask(asker=who, asked=None, ask=text, certainty="confirmed", quote=quote)


def article(n: int, *actors: Actor, asks: list[Ask] | None = None) -> ArticleExtraction:
    found = result(n, date(2025, 8, 15), actors=list(actors), asks=asks or [])
    return found


PUTIN_ASK = ask("hold the next meeting in Moscow", "next time in Moscow")


def test_ids_do_not_move_when_a_source_is_added_in_front():
    one = article(1, person("Vladimir Putin"), asks=[PUTIN_ASK])
    two = article(2, person("Vladimir Putin"), asks=[PUTIN_ASK])
    first = merge([one, two])
    newcomer = article(3, person("Donald Trump"))
    later = merge([newcomer, one, two])
    assert [s.id for s in first.sources] == ["a1", "a2"]
    assert [s.id for s in later.sources] == ["a3", "a1", "a2"]
    # the numbers moved, the ids did not
    assert later.asks[0].sources == [2, 3] and first.asks[0].sources == [1, 2]
    assert later.asks[0].id == first.asks[0].id
    assert {q.source_id for q in later.asks[0].quotes} == {"a1", "a2"}
    putin = {a.name: a.id for a in later.actors}["Vladimir Putin"]
    assert putin == "vladimir-putin" == {a.name: a.id for a in first.actors}["Vladimir Putin"]


def test_a_claim_keeps_its_id_when_another_source_joins_it_later():
    one = article(1, person("Vladimir Putin"), asks=[PUTIN_ASK])
    alone = merge([one]).asks[0].id
    joined = merge([one, article(2, person("Vladimir Putin"), asks=[PUTIN_ASK])]).asks[0]
    assert len(joined.sources) == 2 and joined.id == alone


def test_different_claims_and_kinds_get_different_ids():
    other = ask("end the war on Russia's terms", "the war must end")
    brief = merge([article(1, person("Vladimir Putin"), asks=[PUTIN_ASK, other])])
    ids = [c.id for c in brief.asks]
    assert len(ids) == 2 and len(set(ids)) == 2 and all(i.startswith("ask-") for i in ids)


def test_the_same_article_listed_twice_is_two_ids():
    one = article(1, person("Vladimir Putin"))
    brief = merge([one, one])
    assert [s.id for s in brief.sources] == ["a1", "a1#2"]


def test_actor_slugs_are_latin_and_folded():
    assert slug("Владимир Путин") == slug("Vladimir Putin") == "vladimir-putin"
    assert slug("U.S.") == "us"
    assert slug("Kim Jong-un’s") == "kim-jong-un"
    assert slug("São Tomé and Príncipe") == "sao-tome-and-principe"
    assert slug("…") == "actor"
