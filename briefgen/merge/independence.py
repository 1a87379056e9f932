"""Which articles are the same story: a wire copy reprinted, or rewritten lightly, counts once.

Each article gets a 64-bit SimHash of its word 3-grams at ingest. Two articles whose hashes differ
in at most `MAX_DISTANCE` bits are near-identical texts (unrelated texts differ in about 32).
Candidates are found by banding: split the 64 bits into 8 bands of 8; two hashes within 6 bits of
each other differ in at most 6 bands, so they agree on at least two. Each hash is filed under
each of its 28 pairs of bands (16 bits: one bucket in 65,536), so two near-identical hashes share
a bucket, and only hashes sharing one are compared. A one-band bucket (one in 256) would hold 40
articles of 10,000 and make the comparisons grow with the square of the input; a pair of bands
keeps them near-linear. Articles with the same hash (a wire copy reprinted) are joined at once
and their hash compared once.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from itertools import combinations

BITS = 64
BANDS = 8
MAX_DISTANCE = 6
_WORD = re.compile(r"\w+")


def fingerprint(text: str) -> str:
    """SimHash of the text's word 3-grams, as 16 hex digits: bit b is set when most shingle
    hashes have bit b set."""
    words = _WORD.findall(text.casefold())
    shingles = {" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))}
    # The 8-byte hashes end to end; `hashes[k::8]` is byte k of every hash, and counting the
    # hashes with bit j of that byte set is one translate and one count, both in C.
    hashes = b"".join(hashlib.blake2b(s.encode(), digest_size=8).digest() for s in shingles)
    half = len(shingles) / 2
    result = 0
    for k in range(BITS // 8):  # big-endian: byte 0 holds bits 63..56
        lane = hashes[k :: BITS // 8]
        for j, bit_j in enumerate(_BIT_J):
            if lane.translate(bit_j).count(1) > half:
                result |= 1 << (BITS - 8 * (k + 1) + j)
    return f"{result:016x}"


# _BIT_J[j] maps a byte to its bit j, as the byte 0 or 1.
_BIT_J = [bytes(value >> j & 1 for value in range(256)) for j in range(8)]


def story_groups(fingerprints: Mapping[int, str | None]) -> dict[int, int]:
    """Source number -> the lowest source number of its story; unknown prints stand alone."""
    parent = {n: n for n in fingerprints}

    def find(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        parent[max(ra, rb)] = min(ra, rb)

    holders: dict[int, list[int]] = defaultdict(list)  # hash -> the articles that have it
    for n, fp in fingerprints.items():
        if fp:
            holders[int(fp, 16)].append(n)
    for same in holders.values():
        for n in same[1:]:
            union(same[0], n)
    band_width = BITS // BANDS
    mask = (1 << band_width) - 1
    values = list(holders)
    bands = [[v >> (band * band_width) & mask for v in values] for band in range(BANDS)]
    for i, j in _BAND_PAIRS:  # one pair of bands at a time: one bucket table in memory
        keys = [a << band_width | b for a, b in zip(bands[i], bands[j], strict=True)]
        counts = Counter(keys)
        if len(counts) == len(keys):
            continue
        buckets: dict[int, list[int]] = defaultdict(list)
        for key, value in zip(keys, values, strict=True):
            if counts[key] > 1:
                buckets[key].append(value)
        for members in buckets.values():
            for k, a in enumerate(members):
                for b in members[k + 1 :]:
                    if (a ^ b).bit_count() <= MAX_DISTANCE:
                        union(holders[a][0], holders[b][0])
    return {n: find(n) for n in fingerprints}


_BAND_PAIRS = tuple(combinations(range(BANDS), 2))
