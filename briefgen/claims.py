"""Folding asks, warnings and motives across articles into claims. Pure.

Two items are one claim when they come from the same side, are aimed at a compatible party, and
say the same thing:

- *side*: a state's leader, ministers, envoys, spokespeople and offices speak for the state, so
  "Putin wants shells" and "Russia wants shells" are one claim with both claimants listed.
  Independent voices (analysts, experts, a former minister) stay themselves.
- *party*: the same side, or one of the two leaves it unsaid.
- *same thing*: `Similarity.same` on the texts; or literally the same quote in the same article
  (a joint statement the model split per speaker; asks and warnings only).

Items are linked pairwise and grouped by union-find, so the result does not depend on the order
articles arrive in. Candidate pairs come from an index of the rarer words each item uses, so the
cost grows with the number of items, not its square.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from briefgen.grouping import UnionFind, firmest, quotes_of
from briefgen.schemas import Certainty, Claim
from briefgen.similarity import Similarity, group_similar


@dataclass(frozen=True)
class ClaimItem:
    source: int
    who: str | None
    whom: str | None
    text: str
    certainty: Certainty
    quote: str
    index: int | None = None  # position in its article's list, so citations point at the item


def fold(
    items: Sequence[ClaimItem],
    side: Callable[[str | None], str | None],
    story: Mapping[int, int],
    similarity: Similarity,
    statements: bool = True,
) -> list[Claim]:
    """Claims from items; `side` maps a party to the side it speaks for, `story` a source to its
    story group (for counting independent sources). `statements` is false for motives: two
    holders of one motive ("both want less U.S. influence") are two claims, while two speakers
    of one statement are one."""
    sets = UnionFind(len(items))
    blocks: dict[str | None, list[int]] = defaultdict(list)
    joint: dict[tuple[int, str], int] = {}
    for i, item in enumerate(items):
        blocks[side(item.who)].append(i)
        if statements:  # one quote, one text, several speakers: a joint statement
            key = (item.source, item.quote, item.text)
            if key in joint:
                sets.union(joint[key], i)
            joint.setdefault(key, i)
    for members in blocks.values():
        texts = [items[i].text for i in members]
        whom = [side(items[i].whom) for i in members]
        for group in group_similar(texts, similarity, whom):
            for k in group[1:]:
                sets.union(members[group[0]], members[k])
    claims = [_claim([items[i] for i in group], story) for group in sets.groups()]
    return sorted(claims, key=lambda c: (-c.independent, -len(c.sources), c.sources[0], c.what))


def _most_named(names: list[str | None]) -> str | None:
    counts = Counter(n for n in names if n)
    if not counts:
        return None
    return min(counts, key=lambda n: (-counts[n], names.index(n)))


def _claim(cluster: list[ClaimItem], story: Mapping[int, int]) -> Claim:
    cluster = sorted(cluster, key=lambda i: (i.source, i.text))
    sources = sorted({i.source for i in cluster})
    return Claim(
        who=_most_named([i.who for i in cluster]) or "unknown",
        claimants=list(dict.fromkeys(i.who for i in cluster if i.who)),
        whom=_most_named([i.whom for i in cluster]),
        what=max((i.text for i in cluster), key=lambda t: (len(t), t)),
        certainty=firmest([i.certainty for i in cluster]) or "reported",
        sources=sources,
        independent=len({story.get(n, n) for n in sources}),
        quotes=quotes_of([(i.source, i.quote, i.certainty, i.index) for i in cluster]),
    )
