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
