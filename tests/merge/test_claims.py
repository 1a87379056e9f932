"""Claim folding: paraphrases of one claim fold, different claims stay apart. Pure.

The pairs are general news wording, none taken from the bundled example, in both directions:
what must fold (same side, compatible counterpart, same substance in other words) and what must
not (another place or party in the same role, an opposite, a negation, one slot substituted,
another side or counterpart).
"""

# ruff: noqa: E501  (the tables below read best one pair a line)

from __future__ import annotations

import pytest

from briefgen.merge import merge
from briefgen.merge.claims import ClaimItem, Decision, candidates, gather, pair_key
from briefgen.merge.similarity import Similarity
from briefgen.schemas import Actor, ArticleExtraction, ArticleRef, Ask, Extraction, Motive

# Other claims of the same day, so that word rarity is measured against more than the pair.
BACKGROUND = [
    "lower taxes for small businesses",
    "a new trade agreement with Canada",
    "more funding for schools",
    "release of political prisoners",
    "stricter controls on immigration",
    "an end to the strike at the port",
    "investment in renewable energy",
    "a review of the pension system",
    "tighter rules for banks",
    "access to the disputed islands",
    "protection for journalists",
    "a public inquiry into the fire",
    "compensation for flood victims",
    "talks on a new coalition government",
    "higher wages for nurses",
    "a ban on single-use plastics",
    "more police officers on the streets",
    "cheaper train fares",
]
# Names that are actors of the story (and the side each speaks for).
PARTIES = {
    "Iran": "Iran",
    "Israel": "Israel",
    "Russia": "Russia",
    "Ukraine": "Ukraine",
    "China": "China",
    "Taiwan": "Taiwan",
    "Hamas": "Hamas",
    "NATO": "NATO",
    "United States": "United States",
}


def folded(who, a, b, whom_a=None, whom_b=None, who_b=None, parties=PARTIES) -> bool:
    """Do two items, from articles 1 and 2, fold into one claim? Checked in both orders."""
    item_a = ClaimItem(1, who, whom_a, a, "reported", "quote a", 0)
    item_b = ClaimItem(2, who_b or who, whom_b, b, "reported", "quote b", 0)
    results = []
    for items in ([item_a, item_b], [item_b, item_a]):
        similarity = Similarity.for_claims([a, b, *BACKGROUND])
        claims = gather(
            items,
            side=lambda name: name,
            story={1: 1, 2: 2},
            similarity=similarity,
            party=lambda n, name: parties.get(name),
        )
        results.append(len(claims) == 1)
    assert results[0] == results[1], "folding depends on the order of the items"
    return results[0]


def _pairs(table: str) -> list[tuple[str, str, str, str | None, str | None]]:
    """Rows 'who | text a | text b | counterpart a | counterpart b' ('-': none given)."""
    rows = []
    for line in table.strip().splitlines():
        who, a, b, whom_a, whom_b = (cell.strip() for cell in line.split("|"))
        rows.append(
            (who, a, b, None if whom_a == "-" else whom_a, None if whom_b == "-" else whom_b)
        )
    return rows


MUST_FOLD = _pairs(
    """
    EU | return to talks on its nuclear programme | resume negotiations over its nuclear program | Iran | Iran
    China | reduce its dependence on imported oil | cut its reliance on oil imports | - | -
    United States | severe consequences if it uses nuclear weapons in Ukraine | serious repercussions should it use a nuclear weapon in Ukraine | Russia | Russia
    UN | allow more humanitarian aid into Gaza | let additional humanitarian assistance enter Gaza | Israel | Israel
    Ukraine | send more air defence systems | provide additional air defense systems | Germany | Germany
    WHO | the outbreak could spread to neighbouring countries | the epidemic may spread to nearby nations | - | -
    protesters | resign | step down | the president | the president
    Qatar | release all hostages | release every captive | Hamas | Hamas
    Federal Reserve | curb inflation | rein in inflation | - | -
    NATO | pull its troops back from the border | withdraw its soldiers from the frontier | Russia | Russia
    Kremlin | deploying troops to Ukraine would cause a direct conflict with Russia | sending soldiers into Ukraine would lead to direct war with Russia | NATO | NATO
    Saudi Arabia | diversify its economy away from oil | economic diversification away from oil | - | -
    opposition | hold fresh elections this year | hold new elections before the end of the year | government | government
    Tesla | boost production of electric cars | increase output of electric vehicles | - | -
    EU | impose new sanctions on Russian banks | slap fresh sanctions on Russia's banks | Russia | -
    Israel | the release of hostages held in Gaza | releasing the hostages held in Gaza | Hamas | -
    unions | higher pay for teachers | pay rises for teachers | government | government
    China | stop arms sales to Taiwan | halt weapons sales to Taiwan | United States | United States
    China | stop selling advanced weapons to Taiwan | halt arms sales to Taiwan | - | -
    Iran | lift sanctions on its oil exports | remove sanctions on Iranian oil exports | United States | United States
    Ukraine | deliver fighter jets quickly | supply fighter jets as soon as possible | NATO | -
    EU | resume talks on the nuclear deal and allow inspectors back | return to negotiations over the nuclear agreement | - | -
    Hezbollah | avenge the killing of its commander | retaliation for the killing of its commander | - | -
    Liverpool | clinch the league title with a draw | win the league title with a draw | - | -
    police | witnesses to come forward | witnesses to contact detectives | - | -
    Ukraine | ammunition for its troops at the front | weapons for its soldiers at the front | - | -
    Russia | more ammunition from Iran | more weapons from Iran | - | -
    """
)

MUST_NOT_FOLD = _pairs(
    """
    United States | agree to a ceasefire in Gaza | agree to a ceasefire in Lebanon | Israel | Israel
    United States | an immediate ceasefire in Gaza | an immediate ceasefire in Lebanon | - | -
    Federal Reserve | cut interest rates this year | raise interest rates this year | - | -
    EU | impose sanctions on Russian oil | lift sanctions on Russian oil | - | -
    EU | new sanctions on Russian oil exports | new sanctions on Russian gas exports | Russia | Russia
    Germany | sell weapons to Ukraine | not sell weapons to Ukraine | - | -
    Germany | buy Russian gas | sell Russian gas | - | -
    China | more influence in Africa | more influence in Latin America | - | -
    United States | ban TikTok | ban Huawei | - | -
    United States | more weapons for Ukraine | more weapons for Israel | - | -
    forecasters | the storm could cause flooding in Florida | the storm could cause flooding in Georgia | - | -
    police | two people were killed in the attack | five people were killed in the attack | - | -
    Iran | talks with the United States | talks with Saudi Arabia | - | -
    EU | more aid for Ukraine | more aid for Gaza | - | -
    Russia | fighter jets from Iran | drones from Iran | - | -
    company | hire more workers | lay off workers | - | -
    EU | join the talks in Geneva | join the talks in Vienna | - | -
    Hamas | release of hostages held in Gaza | release of prisoners held by Israel | Israel | Israel
    China | reduce its dependence on imported oil | reduce its dependence on imported chips | - | -
    United States | stop arms sales to Taiwan | stop arms sales to Saudi Arabia | China | China
    Hezbollah | revenge for the killing of its commander | revenge for the arrest of its commander | - | -
    Liverpool | win the league title | lose the league title | - | -
    police | witnesses of the stabbing to come forward | witnesses of the shooting to contact them | - | -
    Ukraine | ammunition for its troops at the front | drones for its troops at the front | - | -
    Ukraine | artillery ammunition, tanks and fighter jets for the counteroffensive | more weapons for the counteroffensive | - | -
    Russia | more ammunition from Iran | more weapons from North Korea | - | -
    """
)


@pytest.mark.parametrize(("who", "a", "b", "whom_a", "whom_b"), MUST_FOLD)
def test_paraphrases_of_one_claim_fold(who, a, b, whom_a, whom_b):
    assert folded(who, a, b, whom_a, whom_b)


@pytest.mark.parametrize(("who", "a", "b", "whom_a", "whom_b"), MUST_NOT_FOLD)
def test_different_claims_in_similar_words_stay_apart(who, a, b, whom_a, whom_b):
    assert not folded(who, a, b, whom_a, whom_b)


def test_different_sides_never_fold_even_word_for_word():
    assert not folded(
        "Russia",
        "reduce U.S. influence in the region",
        "reduce U.S. influence in the region",
        who_b="China",
    )


def test_claimants_described_in_the_same_words_are_one_side():
    text = "an end to police violence"
    assert folded("demonstrators", text, text, who_b="the protesters")
    assert folded("an official", text, text, who_b="officials")
    assert not folded("protesters", text, text, who_b="counter-protesters")
    assert not folded("protesters", text, text, who_b="police")
    # a name is compared as it is: two named bodies are two sides, whatever their words
    assert not folded("Protesters Union", text, text, who_b="Demonstrators Union")


def test_different_counterparts_never_fold():
    text = "stop supplying drones to Russia"
    assert not folded("United States", text, text, "Iran", "North Korea")
    assert folded("United States", text, text, "Iran", None)  # one leaves it unsaid


def test_the_same_counterpart_is_evidence_for_a_looser_wording():
    a = "halt the offensive on Rafah and protect civilians sheltering in tents"
    b = "stop the military offensive"
    assert folded("UN", a, b, "Israel", "Israel")
    assert not folded("UN", a, b, None, None)


def test_a_party_both_texts_name_is_a_shared_counterpart():
    a = "reopen the border crossing with Egypt for aid trucks and fuel deliveries"
    b = "open more crossings with Egypt for aid"
    assert not folded("UN", a, b)  # Egypt is not an actor of this story: no counterpart
    assert folded("UN", a, b, parties={**PARTIES, "Egypt": "Egypt"})


def test_a_capital_or_nationality_is_its_country_so_it_does_not_conflict():
    assert folded(
        "Iran", "deeper military ties with Moscow", "stronger military relations with Russia"
    )
    assert folded("Iran", "more Russian drones", "more drones from Russia")


def _article(n: int, actors: list[Actor], **items) -> ArticleExtraction:
    fields = {k: [] for k in ("actors", "motives", "asks", "warnings", "venues", "dates")}
    fields.update(items, actors=actors)
    return ArticleExtraction(
        article=ArticleRef(id=f"a{n}", source=f"a{n}.txt"),
        extraction=Extraction(**fields),
        model="m",
        prompt_version="v",
    )


def _actor(name: str, kind: str = "country", affiliation: str | None = None, role=None) -> Actor:
    return Actor(name=name, kind=kind, role=role, affiliation=affiliation, aliases=[], quote=name)


def test_merge_folds_a_minister_and_his_country_saying_one_thing_in_two_wordings():
    minister = _actor("Annalena Baerbock", "person", "Germany", "foreign minister")
    brief = merge(
        [
            _article(
                1,
                [minister, _actor("Germany"), _actor("Iran")],
                asks=[
                    Ask(
                        asker="Annalena Baerbock",
                        asked="Iran",
                        ask="return to nuclear talks",
                        certainty="reported",
                        quote="q1",
                    )
                ],
            ),
            _article(
                2,
                [_actor("Germany"), _actor("Iran")],
                asks=[
                    Ask(
                        asker="Germany",
                        asked="Iran",
                        ask="resume negotiations on its nuclear programme",
                        certainty="confirmed",
                        quote="q2",
                    )
                ],
            ),
        ]
    )
    assert len(brief.asks) == 1
    assert brief.asks[0].sources == [1, 2]
    assert set(brief.asks[0].claimants) == {"Annalena Baerbock", "Germany"}


def test_merge_keeps_one_holders_motives_about_two_places_apart():
    brief = merge(
        [
            _article(
                1,
                [_actor("Turkey")],
                motives=[
                    Motive(
                        actor="Turkey",
                        motive="a buffer zone in northern Syria",
                        certainty="reported",
                        quote="q1",
                    )
                ],
            ),
            _article(
                2,
                [_actor("Turkey")],
                motives=[
                    Motive(
                        actor="Turkey",
                        motive="a buffer zone in northern Iraq",
                        certainty="reported",
                        quote="q2",
                    )
                ],
            ),
        ]
    )
    assert len(brief.motives) == 2


def _fold_with(items: list[ClaimItem], decisions: dict) -> list:
    texts = [i.text for i in items]
    return gather(
        items,
        side=lambda name: name,
        story={i.source: i.source for i in items},
        similarity=Similarity.for_claims([*texts, *BACKGROUND]),
        party=lambda n, name: PARTIES.get(name),
        kind="asks",
        decisions=decisions,
    )


def test_a_decision_joins_a_near_miss_and_is_quoted_in_both_directions():
    a = ClaimItem(1, "EU", "Iran", "return to nuclear talks", "reported", "qa", 0, "EU", "Iran")
    b = ClaimItem(
        2, "EU", "Iran", "allow nuclear inspectors back", "reported", "qb", 3, "EU", "Iran"
    )
    assert pair_key("asks", a, b) == pair_key("asks", b, a)
    assert candidates([a, b], lambda n: n, Similarity.for_claims([a.text, b.text]), kind="asks")
    key = pair_key("asks", a, b)
    [joined] = _fold_with([a, b], {key: Decision(True, "both nuclear diplomacy", "m")})
    assert [(r.source, r.item) for r in joined.judged[0].pair] == [(1, 0), (2, 3)]
    apart = _fold_with([b, a], {key: Decision(False, "talks are not inspections", "m")})
    assert len(apart) == 2 and all(c.judged[0].reason == "talks are not inspections" for c in apart)


def test_a_decision_never_joins_other_sides_or_other_counterparts():
    a = ClaimItem(1, "EU", "Iran", "return to nuclear talks", "reported", "qa", 0, "EU", "Iran")
    other_side = ClaimItem(2, "China", "Iran", "return to nuclear talks", "reported", "qb", 0)
    other_whom = ClaimItem(3, "EU", "Israel", "return to nuclear talks", "reported", "qc", 0)
    yes = Decision(True, "say yes", "m")
    decisions = {pair_key("asks", a, x): yes for x in (other_side, other_whom)}
    assert len(_fold_with([a, other_side, other_whom], decisions)) == 3
    similarity = Similarity.for_claims([a.text])
    assert not candidates([a, other_side, other_whom], lambda n: n, similarity, kind="asks")


def test_facts_are_shared_by_the_officials_of_one_side_and_read_per_article():
    """Two ministers of one state saying the same words have one side's facts; a name the text
    uses is still read in each item's own article ("Smith" is another actor in article 2)."""
    from briefgen.merge.claims import _all_facts

    text = "new sanctions on Smith"
    sides = {"Anna Petrov": "Russia", "Ivan Novak": "Russia"}
    readings = {(1, "Smith"): "John Smith", (2, "Smith"): "Jane Smith", (3, "Smith"): "John Smith"}
    items = [
        ClaimItem(1, "Anna Petrov", None, text, "reported", "q1", 0),
        ClaimItem(3, "Ivan Novak", None, text, "reported", "q3", 0),
        ClaimItem(2, "Ivan Novak", None, text, "reported", "q2", 0),
    ]
    first, same, other = _all_facts(
        items,
        lambda name: None if name is None else sides.get(name, name),
        Similarity.for_claims([text, *BACKGROUND]),
        lambda n, name: readings.get((n, name)),
    )
    assert first is same and first.side == "Russia"
    assert first.targets == {"john smith"} and other.targets == {"jane smith"}


def test_several_claimants_are_shown_under_their_shared_side_never_one_for_another():
    """The line's `who` was the most named claimant, so one speaker stood for the others
    ("White House / Linda Thomas-Greenfield"): now one claimant is `who`, several are shown
    under the side they share, and with none shared (two analysts) by their names joined."""
    from briefgen.merge.claims import _claim

    sides = {"White House": "United States", "Linda Thomas-Greenfield": "United States"}

    def side(name):
        return None if name is None else sides.get(name, name)

    text = "an arms deal would breach UN resolutions"
    house = ClaimItem(4, "White House", "North Korea", text, "reported", "q4", 0, kind="warnings")
    envoy = ClaimItem(
        5, "Linda Thomas-Greenfield", None, text, "reported", "q5", 0, kind="warnings"
    )
    joint = _claim([house, envoy], {}, side)
    assert joint.who == "United States"
    assert joint.claimants == ["White House", "Linda Thomas-Greenfield"]
    assert joint.whom is None  # the counterpart differs: each quote keeps its own
    assert [(q.source, q.by, q.to, q.kind) for q in joint.quotes] == [
        (4, "White House", "North Korea", "warnings"),
        (5, "Linda Thomas-Greenfield", None, "warnings"),
    ]
    one = _claim([house], {}, side)
    assert one.who == "White House" and one.whom == "North Korea"
    cha = ClaimItem(4, "Victor Cha", None, "a crisis", "speculated", "they cautioned", 2)
    tursa = ClaimItem(4, "Andrius Tursa", None, "a crisis", "speculated", "they cautioned", 3)
    analysts = _claim([cha, tursa], {}, side)
    assert analysts.who == "Victor Cha and Andrius Tursa"
    assert [q.by for q in analysts.quotes] == ["Victor Cha", "Andrius Tursa"]
