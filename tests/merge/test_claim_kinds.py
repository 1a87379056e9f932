"""One claim across kinds and languages, and one claimant per quote. Pure.

Both directions: the same claim by one side, once an ask and once a motive, is one line (listed
under the kind most sources give it, saying the other); an ask and a warning on one subject that
say different things stay apart, as do the same words by two sides or by two people who merely
share a name. Across languages no word is shared, so the lexical rule cannot join; the pairs
are questions for the claim check, bounded, and its answers join them.
"""

from __future__ import annotations

import pytest

from briefgen.extract.claimcheck import answer_key, messages_for
from briefgen.merge.claims import (
    ClaimItem,
    Decision,
    candidates_of,
    gather_kinds,
    language_of,
    pair_key,
)
from briefgen.merge.similarity import Similarity
from briefgen.render import facts
from briefgen.schemas import Claim, Quote

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
    "higher wages for nurses",
]
SIDES = {
    "Vladimir Putin": "Russia",
    "Sergei Lavrov": "Russia",
    "Wladimir Putin": "Russia",
    "Владимир Путин": "Russia",
    "Vladimir Poutine": "Russia",
    "John Kirby": "United States",
    "White House": "United States",
}


def side(name: str | None) -> str | None:
    return None if name is None else SIDES.get(name, name)


def item(n, who, text, kind, whom=None, quote=None, index=0):
    return ClaimItem(
        n, who, whom, text, "reported", quote or f"q{n} {text}", index, who, whom, kind
    )


def fold(items, decisions=None):
    by_kind: dict[str, list[ClaimItem]] = {"asks": [], "warnings": [], "motives": []}
    for i in items:
        by_kind[i.kind].append(i)
    similarity = Similarity.for_claims([*(i.text for i in items), *BACKGROUND])
    return gather_kinds(by_kind, side, {}, similarity, decisions=decisions)


def lines(folded):
    return [c for kind in ("asks", "warnings", "motives") for c in folded[kind]]


# --- across kinds ----------------------------------------------------------------------------


def test_an_ask_and_a_motive_of_one_side_saying_the_same_are_one_line_under_the_motive():
    found = fold(
        [
            item(1, "Vladimir Putin", "artillery ammunition and anti-tank missiles", "motives"),
            item(
                3,
                "Russia",
                "obtain artillery shells and anti-tank missiles from North Korea",
                "motives",
            ),
            item(
                2,
                "Vladimir Putin",
                "commit to sending anti-tank missiles and artillery shells to Russia",
                "asks",
                "Kim Jong-un",
            ),
        ]
    )
    assert found["asks"] == []
    (line,) = found["motives"]
    assert line.kinds == ["motives", "asks"]
    assert line.who == "Russia" and line.claimants == ["Vladimir Putin", "Russia"]
    assert line.whom is None  # only the ask names Kim: the ask's quote keeps it
    assert {(q.source, q.kind, q.to) for q in line.quotes} == {
        (1, "motives", None),
        (2, "asks", "Kim Jong-un"),
        (3, "motives", None),
    }
    assert "missiles" in line.what and "commit" not in line.what  # worded as a motive


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # one subject, different things said: neither text says all the other says
        (
            ("asks", "stop arms talks with Russia"),
            ("warnings", "arms talks with Russia are advancing"),
        ),
        (
            ("asks", "withdraw troops from the border"),
            ("motives", "keep troops on the border for the winter"),
        ),
        # an opposite or a negation vetoes across kinds as within one
        (
            ("asks", "lift sanctions on Russian banks"),
            ("motives", "impose sanctions on Russian banks"),
        ),
        (("asks", "sell arms to the rebels"), ("warnings", "not sell arms to the rebels")),
    ],
)
def test_an_ask_and_a_warning_on_one_subject_saying_different_things_stay_apart(first, second):
    found = fold(
        [item(1, "John Kirby", first[1], first[0]), item(2, "John Kirby", second[1], second[0])]
    )
    assert len(lines(found)) == 2


def test_the_same_words_by_two_sides_or_two_namesakes_stay_two_lines_across_kinds():
    text = "new sanctions on Iranian oil exports and shipping"
    sides = fold([item(1, "United States", text, "asks"), item(2, "China", text, "motives")])
    assert len(lines(sides)) == 2
    namesakes = fold(
        [item(1, "Michelle Obama", text, "asks"), item(2, "Barack Obama", text, "motives")]
    )
    assert len(lines(namesakes)) == 2


def test_two_speakers_of_one_side_who_said_different_things_stay_apart():
    found = fold(
        [
            item(1, "Vladimir Putin", "hold the next meeting in Moscow", "asks", "Donald Trump"),
            item(2, "Sergei Lavrov", "lift the sanctions on Russian banks", "asks", "Donald Trump"),
        ]
    )
    assert [c.claimants for c in found["asks"]] in (
        [["Vladimir Putin"], ["Sergei Lavrov"]],
        [["Sergei Lavrov"], ["Vladimir Putin"]],
    )


def test_a_text_that_fits_two_claims_of_another_kind_joins_neither():
    """Russia's ask for "artillery shells for the war" is all in each of two motives that the
    substituted slot keeps apart (drones / workers): joined to both, it would join them."""
    ask = item(1, "Russia", "artillery shells for the war", "asks", "North Korea")
    drones = item(2, "Russia", "artillery shells for the war and drones", "motives")
    workers = item(3, "Russia", "artillery shells for the war and workers", "motives")
    assert [c.kinds for c in lines(fold([ask, drones]))] == [["asks", "motives"]]
    assert all(not c.kinds for c in lines(fold([ask, drones, workers])))
    assert len(lines(fold([ask, drones, workers]))) == 3


# --- across languages ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Putin said the causes of the conflict had to be eliminated", "en"),
        ("Putin forderte erneut, die Ursachen des Konflikts zu beseitigen", "de"),
        ("Poutine a insisté sur la nécessité d'éliminer les causes profondes du conflit", "fr"),
        ("Putin ha detto che le cause del conflitto vanno eliminate per la pace", "it"),
        ("Putin insistió en que las causas del conflicto deben eliminarse para la paz", "es"),
        ("необходимо устранить все первопричины конфликта", "ru"),
        ("Путін запросив Трампа провести наступну зустріч у Москві", "uk"),
        ("Trump", None),  # a name alone tells no language
    ],
)
def test_the_language_of_a_source_is_guessed_from_its_quotes(text, language):
    assert language_of(text) == language


CAUSES = {
    "en": (
        "Vladimir Putin",
        "eliminate all the primary causes of the conflict",
        "repeated that all the primary causes of the conflict had to be eliminated",
    ),
    "de": (
        "Wladimir Putin",
        "die Ursachen des Konflikts beseitigen",
        "forderte erneut, die Ursachen des Konflikts zu beseitigen",
    ),
    "ru": (
        "Владимир Путин",
        "устранить все первопричины конфликта",
        "необходимо устранить все первопричины конфликта",
    ),
}


def _causes(n, language, **changes):
    who, text, quote = CAUSES[language]
    return item(
        n, changes.get("who", who), text, changes.get("kind", "asks"), changes.get("whom"), quote
    )


def _candidates(items):
    by_kind: dict[str, list[ClaimItem]] = {"asks": [], "warnings": [], "motives": []}
    for i in items:
        by_kind[i.kind].append(i)
    similarity = Similarity.for_claims([*(i.text for i in items), *BACKGROUND])
    return candidates_of(by_kind, side, similarity)


def test_one_side_in_three_languages_is_asked_about_and_joined_by_the_answers():
    items = [_causes(1, "en"), _causes(2, "de"), _causes(3, "ru")]
    assert len(lines(fold(items))) == 3  # no shared word: the lexical rule cannot join
    asked = _candidates(items)
    assert len(asked) == 3
    decisions = {c.key: Decision(True, "the same demand", "m") for c in asked}
    (line,) = lines(fold(items, decisions))
    assert line.sources == [1, 2, 3] and line.who == "Russia"
    assert line.what == CAUSES["en"][1]  # ties between languages: English


def test_across_languages_another_side_a_different_counterpart_or_one_language_is_not_asked():
    assert not _candidates([_causes(1, "en"), _causes(2, "de", who="Olaf Scholz")])
    assert not _candidates(
        [_causes(1, "en", whom="Donald Trump"), _causes(2, "de", whom="Emmanuel Macron")]
    )
    same_language = [
        _causes(1, "en"),
        item(
            2,
            "Vladimir Putin",
            "hold the next meeting in Moscow",
            "asks",
            quote="he said the next meeting would be in Moscow",
        ),
    ]
    assert not _candidates(same_language)


def test_pairs_across_languages_are_bounded_per_claim():
    from briefgen.merge.claims import LANGUAGE_PARTNERS

    items = [_causes(1, "en")]
    for n in range(2, 2 + 3 * LANGUAGE_PARTNERS):
        text = f"den Fortschritt im Bereich {n} nicht torpedieren"  # all different, all German
        items.append(
            item(
                n,
                "Wladimir Putin",
                text,
                "asks",
                quote=f"er sagte, die Gespräche über den Bereich {n} und das nicht",
            )
        )
    asked = _candidates(items)
    english = [c for c in asked if 1 in (c.first.source, c.second.source)]
    assert len(english) == LANGUAGE_PARTNERS


def test_a_question_across_kinds_says_each_items_kind_and_its_answer_key_matches():
    ask = _causes(1, "en")
    warning = item(
        2,
        "Wladimir Putin",
        "den Fortschritt nicht torpedieren",
        "warnings",
        "Kiew",
        "warnte er davor, den Fortschritt zu torpedieren",
    )
    (candidate,) = _candidates([ask, warning])
    assert candidate.kind == "asks+warnings"
    user = messages_for(candidate)[1]["content"]
    assert "item 1 is an ask" in user and "item 2 a warning" in user
    assert "Ask: eliminate" in user and "Warning: den Fortschritt" in user
    written = answer_key(
        "asks+warnings",
        {"who": warning.said_by, "whom": warning.said_to, "text": warning.text, "kind": "warnings"},
        {"who": ask.said_by, "whom": None, "text": ask.text, "kind": "asks"},
    )
    assert written == candidate.key == pair_key("asks", ask, warning)


def test_a_question_of_one_kind_reads_as_it_always_has():
    first = item(1, "Germany", "return to nuclear talks", "asks", "Iran")
    second = item(2, "Germany", "resume nuclear negotiations soon", "asks", "Iran")
    similarity = Similarity.for_claims([first.text, second.text, *BACKGROUND])
    (candidate,) = candidates_of({"asks": [first, second]}, side, similarity) or [None]
    if candidate is None:  # the lexical rule joined them: nothing to ask
        return
    assert messages_for(candidate)[1]["content"].startswith("Both items are asks: ")


# --- one claimant, one quote: what a page shows --------------------------------------------


def _claim(**changes) -> Claim:
    quotes = [
        Quote(
            source=4,
            quote="as such actions would breach",
            by="White House",
            to="North Korea",
            kind="warnings",
            item=0,
        ),
        Quote(source=5, quote="shameful", by="Linda Thomas-Greenfield", kind="warnings", item=0),
    ]
    base = dict(
        who="United States",
        claimants=["White House", "Linda Thomas-Greenfield"],
        whom=None,
        what="an arms deal would breach UN resolutions",
        certainty="confirmed",
        sources=[4, 5],
        independent=2,
        quotes=quotes,
    )
    return Claim.model_validate({**base, **changes})


def test_a_line_of_several_speakers_names_each_with_its_own_quote():
    claim = _claim()
    assert facts.speakers(claim) == [("White House", [4]), ("Linda Thomas-Greenfield", [5])]
    labels = [facts.quote_label(q, claim) for q in claim.quotes]
    assert labels == ["White House → North Korea", "Linda Thomas-Greenfield"]


def test_one_speaker_and_one_counterpart_label_nothing():
    quote = Quote(source=1, quote="we urge", by="John Kirby", to="North Korea", kind="asks")
    claim = _claim(
        claimants=["John Kirby"], who="John Kirby", whom="North Korea", quotes=[quote], sources=[1]
    )
    assert facts.speakers(claim) == [] and facts.quote_label(quote, claim) is None


def test_a_quote_with_an_origin_says_it():
    class Relayed(Quote):  # the origin another change adds to a quote
        origin: str | None = None

    quote = Relayed(
        source=1, quote="get it done", by="Donald Trump", kind="asks", origin="Fox News interview"
    )
    claim = _claim(
        claimants=["Donald Trump"], who="Donald Trump", whom=None, quotes=[quote], sources=[1]
    )
    assert facts.quote_label(quote, claim) == "(Fox News interview)"


def test_a_line_of_two_kinds_says_the_other_kind_beside_its_quote():
    quotes = [
        Quote(source=1, quote="wants shells", by="Vladimir Putin", kind="motives"),
        Quote(source=2, quote="wants Kim to commit", by="Vladimir Putin", kind="asks"),
    ]
    claim = _claim(
        claimants=["Vladimir Putin"],
        who="Vladimir Putin",
        quotes=quotes,
        sources=[1, 2],
        kinds=["motives", "asks"],
    )
    assert facts.other_kinds(claim) == [("an ask", [2])]
    assert [facts.quote_label(q, claim) for q in quotes] == [None, "(as an ask)"]
