"""Relays: the source an article names for an item, in each wire language; and what is not one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefgen.text.relays import origin_key, origins, relays_in, wire_credit

ALASKA = Path(__file__).parent.parent / "fixtures" / "quality" / "alaska-summit-2025-08-15"
PARTIES = {"asks": "asker", "warnings": "warner", "motives": "actor", "venues": "", "dates": ""}


def one(text: str, quote: str, claimant: str | None = None) -> str | None:
    return origins(text, {"asks": [(quote, claimant)]})["asks"][0]


@pytest.mark.parametrize(
    ("text", "quote", "claimant", "origin"),
    [
        # English: reported, according to, citing, per, an interview, a readout
        (
            "Kim plans to meet Putin in Vladivostok, The New York Times reported, citing them.",
            "Kim plans to meet Putin in Vladivostok",
            "Kim Jong Un",
            "The New York Times",
        ),
        (
            "According to the Kremlin, Putin invited Trump to Moscow.",
            "Putin invited Trump to Moscow",
            "Vladimir Putin",
            "the Kremlin",
        ),
        (
            "Putin wants Kim to send shells, per NYT.",
            "Putin wants Kim to send shells",
            "Vladimir Putin",
            "The New York Times",
        ),
        (
            "In an interview with Fox News, Trump said it was up to Zelensky to get it done.",
            "it was up to Zelensky to get it done",
            "Donald Trump",
            "Fox News interview",
        ),
        (
            "Trump told Fox News that Zelensky should make a deal.",
            "Zelensky should make a deal",
            "Donald Trump",
            "Fox News interview",
        ),
        (
            "Shoigu said drills were discussed, according to an Interfax report.",
            "drills were discussed",
            "Sergei Shoigu",
            "Interfax",
        ),
        (
            "The talks will go on, the Washington Times reported on Monday.",
            "The talks will go on",
            None,
            "The Washington Times",
        ),
        # German, French, Italian, Spanish
        (
            "Nach Kremlangaben lud Putin Trump nach Moskau ein.",
            "lud Putin Trump nach Moskau ein",
            "Wladimir Putin",
            "the Kremlin",
        ),
        (
            "Laut Reuters will Putin Trump in Moskau empfangen.",
            "will Putin Trump in Moskau empfangen",
            "Wladimir Putin",
            "Reuters",
        ),
        (
            "Selon le Kremlin, Poutine a invité Trump à Moscou.",
            "Poutine a invité Trump à Moscou",
            "Vladimir Poutine",
            "the Kremlin",
        ),
        (
            "D'après l'AFP, Poutine a invité Trump à Moscou.",
            "Poutine a invité Trump à Moscou",
            "Vladimir Poutine",
            "AFP",
        ),
        (
            "Secondo il Cremlino, Putin ha invitato Trump a Mosca.",
            "Putin ha invitato Trump a Mosca",
            "Vladimir Putin",
            "the Kremlin",
        ),
        (
            "Según Reuters, Putin invitó a Trump a Moscú.",
            "Putin invitó a Trump a Moscú",
            "Vladimir Putin",
            "Reuters",
        ),
        # Russian and Ukrainian: the Kremlin inflected, TASS, Interfax
        (
            "По данным Кремля, Путин пригласил Трампа в Москву.",
            "Путин пригласил Трампа в Москву",
            "Владимир Путин",
            "the Kremlin",
        ),
        (
            "Как сообщил ТАСС, Путин пригласил Трампа в Москву.",
            "Путин пригласил Трампа в Москву",
            "Владимир Путин",
            "TASS",
        ),
        (
            "Як повідомив Кремль, Путін запросив Трампа до Москви.",
            "Путін запросив Трампа до Москви",
            "Володимир Путін",
            "the Kremlin",
        ),
        (
            "За даними Інтерфакс, Путін запросив Трампа до Москви.",
            "Путін запросив Трампа до Москви",
            "Володимир Путін",
            "Interfax",
        ),
        (
            '"Тепер усе залежить від Зеленського", - сказав Трамп в інтерв\'ю Fox News.',
            "Тепер усе залежить від Зеленського",
            "Дональд Трамп",
            "Fox News interview",
        ),
    ],
)
def test_a_relay_is_found(text, quote, claimant, origin):
    assert one(text, quote, claimant) == origin


@pytest.mark.parametrize(
    ("text", "quote", "claimant"),
    [
        # the speaker's own words: a person is never a relay
        ("Trump said there was no deal until there was a deal.", "no deal until", "Donald Trump"),
        ("Kirby said North Korea had sent rockets.", "North Korea had sent rockets", None),
        ("Putin sagte, die Gespräche seien positiv.", "die Gespräche seien positiv", "Putin"),
        ("Путин заявил, что переговоры прошли хорошо.", "переговоры прошли хорошо", "Путин"),
        ("Зеленський заявив, що Україна готова.", "Україна готова", "Зеленський"),
        # a body that says it itself is the claimant, not a relay
        (
            "The Kremlin said it would develop ties with Pyongyang.",
            "it would develop ties with Pyongyang",
            "Kremlin",
        ),
        (
            "Кремль заявил, что будет развивать отношения.",
            "будет развивать отношения",
            "Кремль",
        ),
        # an outlet or body named with no relaying word near it
        (
            "The White House seems to be pre-leaking intelligence about the meeting.",
            "pre-leaking intelligence",
            None,
        ),
        ("Trump watched Fox News on the plane home.", "watched Fox News", "Donald Trump"),
        # unnamed sources are no origin of their own
        (
            "According to various reports, there are plans for a meeting.",
            "there are plans for a meeting",
            None,
        ),
        # "Ansage" is no ANSA, a cosmodrome no agency
        ("Die Ansage kam spät: Putin reist nach Wostotschny.", "Putin reist", "Putin"),
        # a relay in another sentence is not this item's
        (
            "The New York Times reported the plan. Kim then visited a factory in Pyongyang.",
            "Kim then visited a factory",
            "Kim",
        ),
    ],
)
def test_not_a_relay(text, quote, claimant):
    assert one(text, quote, claimant) is None


def test_the_report_points_back_to_the_outlet_named_before():
    text = (
        "On September 4, *The New York Times* [reported](#), citing sources, that Kim intends to "
        "travel.\n\nMoscow has not confirmed it.\n\nCiting U.S. intelligence sources, the report "
        "posited that Kim intended to discuss weapons."
    )
    assert one(text, "Kim intended to discuss weapons", "Kim") == "The New York Times"
    assert one(text, "Moscow has not confirmed it", "Russia") is None


def test_reportedly_takes_the_outlet_named_in_its_paragraph_only():
    text = (
        "Kim is reportedly planning to meet Putin. They will discuss arms, The New York Times "
        "reported.\nPutin is reportedly ill."
    )
    assert one(text, "reportedly planning to meet Putin", "Kim") == "The New York Times"
    assert one(text, "Putin is reportedly ill", None) is None


def test_a_wire_credit_is_the_origin_of_every_item_not_relayed_otherwise():
    text = (
        'Headline\n\nANCHORAGE, Alaska, Aug 15 (Reuters) - Putin said: "Next time in Moscow." '
        "In an interview with Fox News, Trump said it was up to Zelenskiy."
    )
    assert wire_credit(text) == "Reuters"
    assert one(text, "Next time in Moscow.", "Putin") == "Reuters"
    assert one(text, "it was up to Zelenskiy", "Trump") == "Fox News interview"
    assert wire_credit("АНКОРИДЖ /штат Аляска/, 15 августа. /ТАСС/. Путин ...") == "TASS"
    assert wire_credit("Par Claire Dumas (avec AFP)\nLe sommet ...") == "AFP"
    assert wire_credit("Gipfel in Alaska (Bild: picture alliance)\nText") is None


def test_one_origin_across_languages_and_scripts():
    assert origin_key("the Kremlin") == origin_key("Kremlin") == "kremlin"
    found = [
        r.label
        for s in ("по данным Кремля", "nach Kremlangaben", "laut Kreml")
        for r in relays_in(s)
    ]
    assert found == ["the Kremlin"] * 3


def test_the_multilingual_set_s_relays_are_the_gold_s_origins():
    """Every claim group of the gold with `origins`: as many distinct origins as the gold."""
    from briefgen.schemas import Extraction

    gold = json.loads((ALASKA / "gold.json").read_text(encoding="utf-8"))
    found: dict[str, dict[str, list[str | None]]] = {}
    for path in sorted((ALASKA / "answers").glob("*.json")):
        extraction = Extraction.model_validate_json(path.read_text(encoding="utf-8"))
        text = (ALASKA / "articles" / f"{path.stem}.txt").read_text(encoding="utf-8")
        items = {
            kind: [(i.quote, getattr(i, who) if who else None) for i in getattr(extraction, kind)]
            for kind, who in PARTIES.items()
        }
        found[path.stem] = origins(text, items)
    copies = gold["copies"]
    for group in gold["claims"]:
        if "origins" not in group:
            continue
        ours = {
            origin_key(label) if (label := found[a][group["kind"]][k]) else copies.get(a, a)
            for a, k in group["members"]
        }
        assert len(ours) == len(set(group["origins"])), group["note"]
