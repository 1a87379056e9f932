"""SimHash fingerprints: the bit-sliced count gives what counting each column would."""

from __future__ import annotations

import hashlib
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.independence import fingerprint, story_groups


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
