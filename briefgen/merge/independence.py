"""Which articles are the same story: a wire copy reprinted, or rewritten lightly, counts once.

Each article gets a MinHash sketch of its body's word 3-grams (`sketch`): the text less its
headline, its short lines (bylines, credits, "Read more" lines, share buttons) and a leading
dateline ("ANCHORAGE, Alaska, Aug 15 (Reuters) -"), the parts a republisher changes. Two
articles whose sketches agree in at least `MIN_RESEMBLANCE` of their `K` positions (an estimate
of the Jaccard resemblance of the two sets of 3-grams) are one story. Candidates are found by
banding: the K values in `LSH_BANDS` bands of `ROWS`; two sketches are compared only when they
agree on a whole band: 1 - (1 - J^4)^16 of the pairs at resemblance J, so 89% of the pairs at
0.6, 98% at 0.7, 99.97% at 0.8 and 0.2% at 0.1 (three bands of four would find 99% at 0.6, but
compared 15 times as many pairs in bench/merge_scale.py's day, whose texts are made from a few
templates). A missed pair is a copy counted twice, never a false join. The measurements behind
the threshold are in docs/merge.md, "Copies" (bench/copies.py prints them). Word 3-grams of a
short text: datasketch's MinHash would do the same, but brings numpy and scipy (216 MB, 0.8 s
to import) for 30 lines.

Before sketches, each article got a 64-bit SimHash of its word 3-grams, still computed and kept in
`ArticleRef.fingerprint`: extractions saved by an older briefgen carry only that, and a pair of
articles of which one has no sketch is compared by it, as before. Two articles whose hashes differ
in at most `MAX_DISTANCE` bits are near-identical texts (unrelated texts differ in about 32).
Candidates are found by banding: split the 64 bits into 8 bands of 8; two hashes within 6 bits of
each other differ in at most 6 bands, so they agree on at least two. Each hash is filed under each
of its 28 pairs of bands (16 bits: one bucket in 65,536), so two near-identical hashes share a
bucket, and only hashes sharing one are compared. A one-band bucket (one in 256) would hold 40
articles of 10,000 and make the comparisons grow with the square of the input; a pair of bands
keeps them near-linear. Articles with the same hash (a wire copy reprinted) are joined at once and
their hash compared once.
"""

from __future__ import annotations

import base64
import hashlib
import math
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


def story_groups(
    fingerprints: Mapping[int, str | None], sketches: Mapping[int, str | None] | None = None
) -> dict[int, int]:
    """Source number -> the lowest source number of its story; unknown prints stand alone.
    Two articles that both have a sketch are compared by it; otherwise by their SimHash."""
    parent = {n: n for n in fingerprints}
    sketched = {n: s for n, s in (sketches or {}).items() if s and n in parent}

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
    unsketched = {v: any(n not in sketched for n in same) for v, same in holders.items()}
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
                    if (a ^ b).bit_count() <= MAX_DISTANCE and (
                        unsketched[a] or unsketched[b]  # a pair without two sketches
                    ):
                        union(holders[a][0], holders[b][0])
    for a, b in _similar_sketches(sketched):
        union(a, b)
    return {n: find(n) for n in fingerprints}


_BAND_PAIRS = tuple(combinations(range(BANDS), 2))


# --- MinHash sketches of the body --------------------------------------------------------------

K = 64  # values in a sketch: the resemblance is estimated to about +-0.06 (sqrt(J(1-J)/K))
ROWS = 4  # values per band
LSH_BANDS = K // ROWS  # 16 bands of 4
MIN_RESEMBLANCE = 0.6  # measured (bench/copies.py): copies 0.58-1.0, distinct reports 0.00-0.44
MIN_LINE_WORDS = 8  # shorter lines are furniture: bylines, credits, "Read more", share buttons
_PRIME = (1 << 61) - 1
_MASK = (1 << 32) - 1


def _coefficients() -> list[tuple[int, int]]:
    """K hash functions x -> (a x + b) mod p (p = 2^61 - 1), fixed for ever: a sketch stored
    today must compare with one made by a later briefgen."""
    import random

    rng = random.Random(20)
    return [(rng.randrange(1, _PRIME), rng.randrange(0, _PRIME)) for _ in range(K)]


_AB = _coefficients()
# A dateline at the start of a paragraph, up to its agency credit: "ANCHORAGE, Alaska, Aug 15
# (Reuters) -", "MOSCOW (AP) —", "АНКОРИДЖ /штат Аляска/, 15 августа. /ТАСС/."
_DATELINE = re.compile(
    r"^[^\W\d_]{2,}[^\n]{0,80}(?:\([^()\n]{2,30}\)\s*[-\u2013\u2014]+|/[^/\n]{2,20}/\.?)\s*",
    re.MULTILINE,
)
_SENTENCE_END = re.compile(r"[.!?\u2026:;\"\u201d\u00bb)]\s*$")


def body(text: str) -> str:
    """What a republisher keeps of a story: the text less its first line when that is a
    headline (no sentence end), lines under MIN_LINE_WORDS words and leading datelines. A text
    with nothing else left is taken whole."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > 1 and not _SENTENCE_END.search(lines[0]):
        lines = lines[1:]
    kept = [
        _DATELINE.sub("", line, count=1) for line in lines if len(line.split()) >= MIN_LINE_WORDS
    ]
    return "\n".join(kept) if kept else text


def sketch(text: str) -> str:
    """MinHash of the body's word 3-grams (casefolded), K values of 32 bits: "n:base64", n
    the number of distinct 3-grams. An empty body gives an empty sketch ("0:")."""
    words = _WORD.findall(body(text).casefold())
    shingles = {" ".join(words[i : i + 3]) for i in range(max(0, len(words) - 2))} or (
        {" ".join(words)} if words else set()
    )
    if not shingles:
        return "0:"
    xs = [int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest()) for s in shingles]
    values = [min([(a * x + b) % _PRIME for x in xs]) & _MASK for a, b in _AB]
    packed = b"".join(v.to_bytes(4, "big") for v in values)
    return f"{len(shingles)}:{base64.b64encode(packed).decode('ascii')}"


def _packed(sketch: str) -> bytes | None:
    """A sketch's K values as 4 * K bytes; None for one that is empty or not a sketch."""
    _, _, packed = sketch.partition(":")
    try:
        raw = base64.b64decode(packed, validate=True)
    except ValueError:
        return None
    return raw if len(raw) == 4 * K else None


# Lanes of 32 bits in one integer of 4 * K bytes: every lane 0x7fffffff, every lane 0x80000000.
_LOW = int.from_bytes(b"\x7f\xff\xff\xff" * K)
_HIGH = int.from_bytes(b"\x80\x00\x00\x00" * K)


def _agree(a: int, b: int) -> int:
    """How many of the K values two sketches (as integers) share: the lanes of a ^ b that are
    0. A lane's low 31 bits plus 0x7fffffff carries into its top bit, never into the next lane,
    so (((x & low) + low) | x) & high has the top bit of each lane that is not 0: one pass of
    a few integer operations instead of K comparisons (20 times quicker)."""
    x = a ^ b
    return K - ((((x & _LOW) + _LOW) | x) & _HIGH).bit_count()


def resemblance(a: str, b: str) -> float:
    """The estimated Jaccard resemblance of two sketches' sets of 3-grams (0 when either is
    empty or unreadable)."""
    pa, pb = _packed(a), _packed(b)
    if pa is None or pb is None:
        return 0.0
    return _agree(int.from_bytes(pa), int.from_bytes(pb)) / K


def _similar_sketches(sketches: Mapping[int, str]) -> list[tuple[int, int]]:
    """Pairs of articles whose sketches resemble at least MIN_RESEMBLANCE: articles with the same
    sketch (a reprint) at once, the others by banding: only sketches that agree on a whole band
    are compared, and a pair already joined is not compared again."""
    holders: dict[bytes, list[int]] = defaultdict(list)
    for n, s in sketches.items():
        if (packed := _packed(s)) is not None:
            holders[packed].append(n)
    found = [(same[0], n) for same in holders.values() for n in same[1:]]
    distinct = list(holders)
    numbers = [int.from_bytes(v) for v in distinct]
    joined = list(range(len(distinct)))

    def root(i: int) -> int:
        while joined[i] != i:
            joined[i] = joined[joined[i]]
            i = joined[i]
        return i

    need = math.ceil(MIN_RESEMBLANCE * K)
    width = 4 * ROWS
    for band in range(LSH_BANDS):
        lo = band * width
        keys = [v[lo : lo + width] for v in distinct]
        counts = Counter(keys)
        if len(counts) == len(keys):
            continue
        buckets: dict[bytes, list[int]] = defaultdict(list)
        for i, key in enumerate(keys):
            if counts[key] > 1:
                buckets[key].append(i)
        for members in buckets.values():
            for k, i in enumerate(members):
                for j in members[k + 1 :]:
                    ri, rj = root(i), root(j)
                    if ri != rj and _agree(numbers[i], numbers[j]) >= need:
                        joined[max(ri, rj)] = min(ri, rj)
                        found.append((holders[distinct[i]][0], holders[distinct[j]][0]))
    return found
