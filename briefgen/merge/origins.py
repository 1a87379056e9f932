"""How many origins a line has: copies of one story and relays of one source count once. Pure.

A line's sources are its reports; its origins are where they got it. Each quote's origin is
the source its article relays it from (`ArticleExtraction.origins`, found at extraction time by
text/relays.py: "The New York Times reported", "nach Kremlangaben", a wire dateline), else its
article's own story: the article and its copies (`independence.story_groups`), labelled by the
story's first source number, "[2]". A source that names where it got one of its quotes for a line
got the line from there: its other quotes for that line share that origin rather than count as
one more. Extractions saved before origins were recorded have none: each of their quotes is its
story's own, as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache

from briefgen.text.relays import origin_key


class Stories(dict[int, int]):
    """Source number -> its story group (the lowest source number of it and its copies), and
    `relayed`: (source number, quote) -> the label of the source that quote is relayed from."""

    def __init__(
        self, groups: Mapping[int, int], relayed: Mapping[tuple[int, str], str] | None = None
    ):
        super().__init__(groups)
        self.relayed: Mapping[tuple[int, str], str] = relayed or {}


def of_quotes(story: Mapping[int, int], quotes: Iterable[tuple[int, str]]) -> list[tuple[str, str]]:
    """(identity, label) of each quote's origin, in order, as one line's quotes."""
    relayed = story.relayed if isinstance(story, Stories) else {}
    if not relayed:  # no article names a source: each quote is its story's own
        return [_own(story.get(n, n)) for n, _ in quotes]
    quotes = list(quotes)
    named: dict[int, str] = {}
    for n, q in quotes:
        if (label := relayed.get((n, q))) is not None:
            named.setdefault(n, label)
    found = []
    for n, q in quotes:
        label = relayed.get((n, q)) or named.get(n)
        if label is None:
            found.append(_own(story.get(n, n)))
        else:
            found.append((origin_key(label), label))
    return found


def count(story: Mapping[int, int], quotes: Iterable[tuple[int, str]]) -> int:
    """How many origins one line's quotes (source number, quote) have."""
    if not (isinstance(story, Stories) and story.relayed):
        return len({story.get(n, n) for n, _ in quotes})
    return len({key for key, _ in of_quotes(story, quotes)})


@lru_cache(maxsize=1 << 14)
def _own(group: int) -> tuple[str, str]:
    """The own reporting of the story whose first source is `group`: "[2]"."""
    label = f"[{group}]"
    return label, label
