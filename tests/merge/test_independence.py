"""Near copies: SimHash fingerprints (the count in C gives what counting each column would)
and story groups (band pairs find what comparing every pair finds)."""

from __future__ import annotations

import hashlib
import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.merge.independence import MAX_DISTANCE, fingerprint, story_groups


def brute_force(fingerprints: dict[int, str | None]) -> dict[int, int]:
    """Every pair compared: the lowest source number of each group of near-identical hashes."""
    numbers = sorted(fingerprints)
    group = {n: n for n in numbers}
    changed = True
    while changed:
        changed = False
        for a in numbers:
            for b in numbers:
                fa, fb = fingerprints[a], fingerprints[b]
                if not fa or not fb or group[a] == group[b]:
                    continue
                if (int(fa, 16) ^ int(fb, 16)).bit_count() <= MAX_DISTANCE:
                    low = min(group[a], group[b])
                    for n in numbers:
                        if group[n] in (group[a], group[b]):
                            group[n] = low
                    changed = True
    return group


def flipped(value: int, bits: int, rng: random.Random) -> int:
    for bit in rng.sample(range(64), bits):
        value ^= 1 << bit
    return value


def test_same_groups_as_comparing_every_pair():
    # Near copies at every distance around the limit, exact copies, chains, unknown prints.
    rng = random.Random(7)
    values: list[int | None] = []
    for _ in range(60):
        base = rng.getrandbits(64)
        values.append(base)
        for _ in range(rng.randrange(4)):
            values.append(flipped(base, rng.randrange(0, MAX_DISTANCE + 3), rng))
        if rng.random() < 0.2:
            values.append(None)
    rng.shuffle(values)
    prints = {n: None if v is None else f"{v:016x}" for n, v in enumerate(values, start=1)}
    found = story_groups(prints)
    assert found == brute_force(prints)
    assert len(set(found.values())) < len(prints)  # some copies were found


def test_six_bits_apart_in_six_bands_are_one_story():
    # The worst case for the filter: every differing bit in a band of its own.
    base = 0x0123456789ABCDEF
    other = base
    for band in range(6):
        other ^= 1 << (band * 8 + 3)
    far = other ^ 1 << 62  # seven bits from base
    prints = {1: f"{base:016x}", 2: f"{other:016x}", 3: f"{far:016x}", 4: None}
    assert story_groups(prints) == {1: 1, 2: 1, 3: 1, 4: 4}  # 3 is one bit from 2
    assert story_groups({1: prints[1], 3: prints[3]}) == {1: 1, 3: 3}


def test_a_reprint_and_a_light_rewrite_are_one_story():
    text = " ".join(f"word{i}" for i in range(400))
    rewrite = text.replace("word17 ", "changed ")
    other = " ".join(f"other{i}" for i in range(400))
    prints = {5: fingerprint(text), 2: fingerprint(text), 9: fingerprint(rewrite)}
    prints[3] = fingerprint(other)
    assert story_groups(prints) == {5: 2, 2: 2, 9: 2, 3: 3}


def by_columns(text: str) -> str:
    """The definition, spelled out: bit b is set when most shingle hashes have bit b set."""
    words = re.findall(r"\w+", text.casefold())
    shingles = {" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))}
    hashes = [
        int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big") for s in shingles
    ]
    result = 0
    for bit in range(64):
        if sum(h >> bit & 1 for h in hashes) > len(hashes) / 2:
            result |= 1 << bit
    return f"{result:016x}"


WORDS = st.sampled_from(["kim", "putin", "met", "in", "the", "port", "on", "monday", "said"])


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, max_size=120).map(" ".join))
def test_fingerprint_is_the_majority_of_each_column(text):
    assert fingerprint(text) == by_columns(text)


def test_a_reprint_is_the_same_story_and_another_text_is_not():
    text = " ".join(f"word{i} said the minister in the port" for i in range(40))
    other = " ".join(f"term{i} asked the council about the budget" for i in range(40))
    prints = {1: fingerprint(text), 2: fingerprint(text + " Reuters"), 3: fingerprint(other)}
    assert story_groups(prints) == {1: 1, 2: 1, 3: 3}


# --- sketches: copies of short stories, and distinct reports of one event ---------------------

from pathlib import Path  # noqa: E402

from briefgen.merge.independence import (  # noqa: E402
    MIN_RESEMBLANCE,
    body,
    resemblance,
    sketch,
)

ALASKA = Path(__file__).parent.parent / "fixtures" / "quality" / "alaska-summit-2025-08-15"


def _text(name: str) -> str:
    return (ALASKA / "articles" / name).read_text(encoding="utf-8")


def test_a_short_wire_story_republished_is_a_copy():
    # 212 words, a new headline, the dateline changed, other furniture: 7 bits apart by SimHash
    wire, copy = _text("000_wire.txt"), _text("001_copy.txt")
    assert (int(fingerprint(wire), 16) ^ int(fingerprint(copy), 16)).bit_count() > MAX_DISTANCE
    assert resemblance(sketch(wire), sketch(copy)) >= MIN_RESEMBLANCE
    groups = story_groups(
        {1: fingerprint(wire), 2: fingerprint(copy)}, {1: sketch(wire), 2: sketch(copy)}
    )
    assert groups == {1: 1, 2: 1}


def test_reports_of_one_event_in_other_languages_are_not_copies():
    names = ["000_wire.txt", "002_german.txt", "003_french.txt", "004_russian.txt"]
    names.append("005_ukrainian.txt")
    prints = {n: _text(name) for n, name in enumerate(names, start=1)}
    groups = story_groups(
        {n: fingerprint(t) for n, t in prints.items()}, {n: sketch(t) for n, t in prints.items()}
    )
    assert groups == {n: n for n in prints}


STATEMENT = (
    '"We strongly advise North Korea to stop their discussions on arms with Russia and adhere '
    "to the public promises made by Pyongyang, which prohibit the provision or sale of weapons "
    'to Russia, and we will keep watching closely what they do next," the spokesman said.'
)


def test_two_short_reports_quoting_one_long_statement_are_not_copies():
    # Half of each text is the same quote of one speaker: two reports of it, not one.
    first = (
        "Seoul - The White House repeated on Tuesday its warning to Pyongyang as Kim Jong Un "
        "prepared for a rare journey to meet Vladimir Putin in the Russian Far East, officials "
        "in Washington told reporters after a briefing at the State Department. " + STATEMENT
    )
    second = (
        "Washington renewed its pressure on North Korea ahead of the summit in Vladivostok, "
        "where the two leaders are expected at the Eastern Economic Forum this week, according "
        "to a statement read out by a spokesman for the National Security Council. " + STATEMENT
    )
    assert resemblance(sketch(first), sketch(second)) < MIN_RESEMBLANCE
    groups = story_groups(
        {1: fingerprint(first), 2: fingerprint(second)}, {1: sketch(first), 2: sketch(second)}
    )
    assert groups == {1: 1, 2: 2}


def test_the_body_drops_headline_furniture_and_dateline():
    text = (
        "Putin invites Trump to Moscow\n\nBy Jana Berger\n\nMOSCOW (Reuters) - The Kremlin said "
        "on Saturday that the next meeting of the two presidents could take place in Moscow.\n\n"
        "Read more: World news\n\nАНКОРИДЖ /штат Аляска/, 15 августа. /ТАСС/. Президент России "
        "Владимир Путин и президент США Дональд Трамп провели переговоры в пятницу."
    )
    kept = body(text)
    assert kept.startswith("The Kremlin said on Saturday")
    assert "Президент России" in kept and "ТАСС" not in kept
    assert "Read more" not in kept and "Berger" not in kept and "invites" not in kept


def test_an_old_fingerprint_without_a_sketch_is_still_compared_by_simhash():
    text = " ".join(f"word{i} said the minister in the port" for i in range(40))
    other = " ".join(f"term{i} asked the council about the budget" for i in range(40))
    prints = {1: fingerprint(text), 2: fingerprint(text + " Reuters"), 3: fingerprint(other)}
    # 1 was extracted by an older briefgen: no sketch
    sketches = {2: sketch(text + " Reuters"), 3: sketch(other)}
    assert story_groups(prints, sketches) == {1: 1, 2: 1, 3: 3}


def test_two_sketched_articles_are_not_joined_by_a_near_simhash_alone():
    # The SimHash rule speaks only for a pair that lacks a sketch.
    a, b = "0123456789abcdef", "0123456789abcdee"  # one bit apart
    first = sketch("one story about the port of Vladivostok and its new cranes, told at length")
    second = sketch("another story entirely: the budget of the city council for the next year")
    assert story_groups({1: a, 2: b}, {1: first, 2: second}) == {1: 1, 2: 2}
    assert story_groups({1: a, 2: b}, {1: first}) == {1: 1, 2: 1}


def test_banding_finds_what_comparing_every_pair_finds():
    rng = random.Random(11)
    vocabulary = [f"w{i}" for i in range(400)]
    texts: list[str] = []
    for _ in range(40):
        words = [rng.choice(vocabulary) for _ in range(rng.randrange(30, 200))]
        texts.append(" ".join(words))
        for _ in range(rng.randrange(3)):  # copies with a few words changed
            changed = list(words)
            for _ in range(rng.randrange(0, len(words) // 6 + 1)):
                changed[rng.randrange(len(changed))] = rng.choice(vocabulary)
            texts.append(" ".join(changed))
    sketches = {n: sketch(t) for n, t in enumerate(texts, start=1)}
    found = story_groups(dict.fromkeys(sketches), sketches)
    # every pair the estimate joins, joined by hand (union of the pairs over the threshold)
    expected = {n: n for n in sketches}
    for a in sketches:
        for b in sketches:
            if a < b and resemblance(sketches[a], sketches[b]) >= MIN_RESEMBLANCE:
                low, high = sorted((expected[a], expected[b]))
                expected = {n: low if g == high else g for n, g in expected.items()}
    # banding may miss a pair near the threshold (a miss is a copy counted twice, never a
    # false join): what it joins is a subset of every-pair, and it finds nearly all of it
    assert all(expected[a] == expected[b] for a in found for b in found if found[a] == found[b])
    assert len(set(found.values())) <= len(set(expected.values())) + 2


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=64, max_size=64), st.randoms(use_true_random=False))
def test_lanes_that_agree_are_counted_as_comparing_each_value(same, rng):
    from briefgen.merge.independence import _agree

    a = [rng.getrandbits(32) for _ in range(64)]
    b = [x if keep else rng.getrandbits(32) for x, keep in zip(a, same, strict=True)]
    pack = b"".join(v.to_bytes(4, "big") for v in a), b"".join(v.to_bytes(4, "big") for v in b)
    expected = sum(x == y for x, y in zip(a, b, strict=True))
    assert _agree(int.from_bytes(pack[0]), int.from_bytes(pack[1])) == expected
