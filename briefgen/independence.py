"""Which articles are the same story: a wire copy reprinted, or rewritten lightly, counts once.

Each article gets a 64-bit SimHash of its word 3-grams at ingest. Two articles whose hashes differ
in at most `MAX_DISTANCE` bits are near-identical texts (unrelated texts differ in about 32).
Candidates are found by banding: split the 64 bits into 8 bands of 8; two hashes within 6 bits of
each other agree on at least two bands, so one shared band is a safe filter, only articles
sharing a band are compared, and the cost stays near-linear.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Mapping

BITS = 64
BANDS = 8
MAX_DISTANCE = 6
_WORD = re.compile(r"\w+")


def fingerprint(text: str) -> str:
    """SimHash of the text's word 3-grams, as 16 hex digits: bit b is set when most shingle
    hashes have bit b set."""
    words = _WORD.findall(text.casefold())
    shingles = {" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))}
    # Count set bits per column with bit-sliced binary counters: counters[j] holds bit j of
    # all 64 column counts at once, so each hash costs a carry or two, not 64 additions.
    counters: list[int] = []
    for shingle in shingles:
        carry = int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")
        for j, counter in enumerate(counters):
            counters[j], carry = counter ^ carry, counter & carry
            if not carry:
                break
        if carry:
            counters.append(carry)
    # Bit b is set when column b's count exceeds half the shingles, i.e. exceeds `threshold`
    # (an odd count's half is x.5). Compared for all 64 columns at once, bit-sliced, from the
    # counts' top bit down: `above` holds the columns already known greater, `level` those
    # equal so far.
    threshold = len(shingles) // 2
    above, level = 0, (1 << BITS) - 1
    for j in range(max(len(counters), threshold.bit_length()) - 1, -1, -1):
        column = counters[j] if j < len(counters) else 0
        if threshold >> j & 1:
            level &= column
        else:
            above |= level & column
            level &= ~column
    return f"{above:016x}"


def story_groups(fingerprints: Mapping[int, str | None]) -> dict[int, int]:
    """Source number -> the lowest source number of its story; unknown prints stand alone."""
    parent = {n: n for n in fingerprints}

    def find(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    values = {n: int(fp, 16) for n, fp in fingerprints.items() if fp}
    band_width = BITS // BANDS
    buckets: dict[tuple[int, int], list[int]] = defaultdict(list)
    for n, value in values.items():
        for band in range(BANDS):
            buckets[(band, value >> (band * band_width) & (1 << band_width) - 1)].append(n)
    for members in buckets.values():
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if (values[a] ^ values[b]).bit_count() <= MAX_DISTANCE:
                    ra, rb = find(a), find(b)
                    parent[max(ra, rb)] = min(ra, rb)
    return {n: find(n) for n in fingerprints}
