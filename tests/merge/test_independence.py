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
