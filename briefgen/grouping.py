"""Small pieces every folding step shares: union-find, certainty order, quote lists."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from briefgen.schemas import Certainty, Quote

# Firmest first: a folded line reports the firmest certainty any one source gives it.
CERTAINTY_ORDER: tuple[Certainty, ...] = ("confirmed", "planned", "reported", "speculated")


class UnionFind:
    def __init__(self, size: int):
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[list[int]]:
        found: dict[int, list[int]] = defaultdict(list)
        for i in range(len(self.parent)):
            found[self.find(i)].append(i)
        return list(found.values())


def firmest(certainties: Sequence[Certainty | None]) -> Certainty | None:
    known = [c for c in certainties if c]
    return min(known, key=CERTAINTY_ORDER.index) if known else None


def quotes_of(
    pairs: Sequence[tuple[int, str, Certainty | None]]
    | Sequence[tuple[int, str, Certainty | None, int | None]],
) -> list[Quote]:
    """Quotes in source order, each once; an optional fourth element is the item's index."""
    unique = dict.fromkeys(tuple(p) + (None,) * (4 - len(p)) for p in pairs)
    return [
        Quote(source=n, quote=q, certainty=c, item=i)
        for n, q, c, i in sorted(unique, key=lambda p: (p[0], p[3] if p[3] is not None else -1))
    ]
