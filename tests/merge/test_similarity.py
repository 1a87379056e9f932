"""Similarity: word normalisation, names and their roles, vetoes, weighting. Pure."""

from __future__ import annotations

import pytest

from briefgen.merge.similarity import (
    FRAMING_WORDS,
    SYNONYMS,
    Similarity,
    candidate_pairs,
    canonical,
    content_words,
    country_of,
    inflections,
    matched,
    name_phrases,
    names_conflict,
    names_in,
    negated,
    proper_part,
    vetoes,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("negotiations", "talks"),
        ("negotiating", "discussions"),
        ("supplies", "provided"),
        ("sold", "sells"),
        ("deeper", "strengthened"),
        ("bolstering", "boosts"),
        ("truce", "ceasefire"),
        ("captives", "hostages"),
        ("soldiers", "troops"),
        ("nations", "country"),
        ("dwindling", "depleted"),
        ("avenged", "retaliation"),
        ("reprisals", "revenge"),
        ("clinched", "wins"),
    ],
)
def test_inflections_irregular_forms_and_synonyms_fold(a, b):
    assert canonical(a) == canonical(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("imported", "importance"),  # a stem shared by unrelated words does not make synonyms
        ("security", "secure"),
        ("talks", "deal"),
        ("weapons", "ammunition"),
        ("raise", "cut"),
        ("revenge", "response"),
        ("clinch", "lose"),
    ],
)
def test_unrelated_words_stay_apart(a, b):
    assert canonical(a) != canonical(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("the defence programme", "the defense program"),
        ("prioritise talks", "prioritize talks"),
        ("neighbouring countries", "neighboring countries"),
        ("take part in the drills", "join the exercises"),
        ("step down", "resign"),
        ("U.S. troops", "US soldiers"),
        ("Russia's arsenal", "Russia arsenal"),
        ("military equipment", "weapons"),
        ("a cease-fire", "a ceasefire"),
        ("witnesses to come forward", "witnesses to contact"),
        ("get in touch with detectives", "contact detectives"),
    ],
)
def test_spellings_phrases_acronyms_and_possessives_fold(a, b):
    assert content_words(a) == content_words(b)


def test_each_synonym_table_word_and_its_inflections_fold_to_its_own_group():
    seen: dict[str, int] = {}
    for n, group in enumerate(SYNONYMS):
        for word in group:
            assert seen.setdefault(word, n) == n, f"{word!r} is in two groups"
            assert {canonical(f) for f in inflections(word)} == {canonical(group[0])}


def test_name_phrases_break_at_punctuation_and_skip_a_sentence_start():
    assert name_phrases("arms deals between Russia and North Korea") == ("Russia", "North Korea")
    assert name_phrases("any Russia–North Korea weapons agreements") == ("Russia", "North Korea")
    assert name_phrases("dissuade North Korea, China and others") == ("North Korea", "China")
    assert name_phrases("breach UN Security Council resolutions") == ("UN Security Council",)
    assert name_phrases("a loan from the Bank of England") == ("Bank of England",)
    assert name_phrases("Iran-backed militias in Iraq") == ("Iran", "Iraq")
    assert name_phrases("Stop arms talks with Pyongyang") == ("Pyongyang",)
    assert name_phrases("Russia wants shells") == ("Russia",)


def test_names_carry_the_role_of_the_preposition_before_them():
    assert names_in("a ceasefire in Gaza") == (("Gaza", "in"),)
    assert names_in("ammunition from North Korea's stockpiles") == (("North Korea", "from"),)
    assert names_in("Russian technology") == (("Russian", None),)


@pytest.mark.parametrize(
    ("name", "country"),
    [
        ("Russian", "Russia"),
        ("North Korean", "North Korea"),
        ("Moscow", "Russia"),
        ("Pyongyang", "North Korea"),
        ("U.S.", "United States"),
        ("Britain", "United Kingdom"),
        ("Chinese", "China"),
        ("Iranian", "Iran"),
        ("Israeli", "Israel"),
        ("South Sudan", "South Sudan"),
        ("Korean", None),
        ("Asian", None),
        ("Wagner", None),
    ],
)
def test_country_of_names_aliases_capitals_and_nationalities(name, country):
    assert country_of(name) == country


def test_names_in_one_role_conflict_and_names_in_different_roles_do_not():
    assert names_conflict([("gaza", "in")], [("lebanon", "in")])
    assert names_conflict([("north korea", "on")], [("south korea", "on")])
    assert names_conflict([("iran", None)], [("russia", "on")])  # no role: any role
    assert not names_conflict([("north korea", "from")], [("ukraine", "in")])
    assert not names_conflict([("kim jong", None)], [("kim jong un", None)])
    assert not names_conflict([("gaza", "in"), ("lebanon", "in")], [("gaza", "in")])
    assert not names_conflict([], [("gaza", "in")])


def _veto(a: str, b: str) -> str | None:
    sim = Similarity.for_claims([a, b])
    return vetoes(a, b, sim.substance(a), sim.substance(b))


def test_vetoes_negation_opposites_and_a_substituted_slot():
    assert negated("not to sell arms") and negated("won't sell arms") and not negated("sell arms")
    assert _veto("sell arms to Ukraine", "not sell arms to Ukraine") == "negation"
    assert _veto("cut interest rates", "raise interest rates") == "opposites"
    assert _veto("impose sanctions on oil", "lift sanctions on oil") == "opposites"
    assert _veto("new sanctions on oil exports", "new sanctions on gas exports") == "substitution"
    assert _veto("two people died in the blast", "five people died in the blast") == "substitution"


def test_no_veto_for_paraphrases_or_for_a_difference_in_another_place():
    assert _veto("stop arms talks", "cease weapons negotiations") is None
    assert _veto("replenish its arsenal", "replenish its diminished arsenal") is None
    # one word differs on each side, but not in the same place among the shared words
    assert _veto("benefits from deeper ties", "bolster and develop ties") is None


def test_small_collections_still_weigh_shared_words_with_the_prior():
    a, b = "artillery shells for the front line", "artillery ammunition for the front and drones"
    assert Similarity([a, b]).score(a, b) < 0.5  # two texts alone: shared words look common
    assert Similarity([a, b], prior=8).score(a, b) > 0.6


def test_framing_words_weigh_nothing_in_claims():
    sim = Similarity.for_claims(["obtain satellite technology", "seek satellite technology"])
    assert canonical("obtain") in FRAMING_WORDS
    assert sim.weight(canonical("seeks")) == 0.0
    assert sim.score("obtain satellite technology", "seek satellite technology") == 1.0
    assert sim.substance("want satellite technology") == content_words("satellite technology")


def test_names_in_the_texts_weigh_little_in_claims():
    texts = ["North Korean artillery shells", "North Korean labor for construction"]
    sim = Similarity.for_claims(texts)
    assert not sim.overlaps(*texts)
    assert sim.substance(texts[0]) == content_words("artillery shells")


def test_only_the_capitalised_words_of_an_actor_name_weigh_as_a_name():
    names = ["the president-elect", "protesters", "the North Korean leader", "Donald Trump"]
    sim = Similarity.for_claims(["protest against the election result"], names=names)
    assert proper_part("the North Korean leader") == "North Korean"
    assert sim.names == content_words("Donald Trump North Korean")
    assert sim.substance("protest against the election result") == content_words(
        "protest election result"
    )


def test_a_kind_meets_its_general_word_only_in_claims_and_only_where_the_other_has_it():
    a, b, c = "ammunition for the front", "weapons for the front", "ammunition for the police"
    assert canonical("ammunition") != canonical("weapons")
    assert Similarity.for_claims([a, b, c]).score(a, b) > 0.8
    assert Similarity([a, b, c], prior=8).score(a, b) < 0.5  # without kinds: one word of two
    weapon = canonical("weapon")
    assert matched(content_words(a), content_words(c)) == (content_words(a), content_words(c))
    assert weapon in matched(content_words(a), content_words(b))[0]
    assert _veto("ammunition for troops at the front", "weapons for troops at the front") is None
    assert _veto("ammunition for troops at the front", "drones for troops at the front") == (
        "substitution"
    )


def test_candidate_pairs_share_a_word():
    pairs = candidate_pairs(["stop arms talks", "cease weapons negotiations", "more food aid"])
    assert pairs == {(0, 1)}
