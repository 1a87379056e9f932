"""Where and when: the venue and date slots, and the timeline. Pure.

A slot lists every answer the sources give, each with its sources, their words and the date of
its latest report. It is *disputed* when the answers cannot all hold: two places neither of which
the sources put inside the other, or central dates whose ranges do not overlap. briefgen never
picks a winner; the reader sees who says what, and when.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz

from briefgen.actors import fold
from briefgen.dates import overlap, resolve
from briefgen.grouping import UnionFind, firmest, quotes_of
from briefgen.schemas import ArticleExtraction, Certainty, DatedEvent, Slot, SlotValue
from briefgen.similarity import Similarity, group_similar

SAME_PLACE = 85.0
# "the city of Vladivostok, Russia" -> "vladivostok": what follows a comma names the wider area.
_PLACE_PREFIX = re.compile(r"^(?:the\s+)?(?:(?:city|town|port|village)\s+of\s+)?")


@dataclass(frozen=True)
class SlotItem:
    source: int
    text: str
    quote: str
    certainty: Certainty | None = None
    within: str | None = None


def place_key(place: str) -> str:
    return fold(_PLACE_PREFIX.sub("", place.split(",", 1)[0].strip().casefold())) or fold(place)


def same_place(a: str, b: str) -> bool:
    ka, kb = place_key(a), place_key(b)
    return (
        ka == kb
        or fuzz.ratio(ka, kb) >= SAME_PLACE
        or f" {ka} " in f" {kb} "
        or (f" {kb} " in f" {ka} ")
    )


def _value(
    value: str | None,
    items: Sequence[SlotItem],
    published: Mapping[int, date | None],
    story: Mapping[int, int],
    inner: Sequence[SlotItem] = (),
) -> SlotValue:
    """`inner` are the mentions of places inside this one: they support it, under their names."""
    every = [*items, *inner]
    sources = sorted({i.source for i in every})
    dates = [d for n in sources if (d := published.get(n))]
    return SlotValue(
        value=value,
        as_written=list(dict.fromkeys(i.text for i in items)),
        contains=list(dict.fromkeys(i.text for i in inner)),
        certainty=firmest([i.certainty for i in items]),
        sources=sources,
        independent=len({story.get(n, n) for n in sources}),
        reported=max(dates) if dates else None,
        quotes=quotes_of([(i.source, i.quote, i.certainty) for i in every]),
    )


def venue_slot(
    items: Sequence[SlotItem], published: Mapping[int, date | None], story: Mapping[int, int]
) -> Slot:
    """Places folded by name; a place a source puts inside another ("within") nests under it.

    Names are compared once per distinct name, not per mention, so many articles naming the
    same few places stay cheap.
    """
    by_key: dict[str, list[int]] = {}
    for i, item in enumerate(items):
        by_key.setdefault(place_key(item.text), []).append(i)
    keys = list(by_key)
    key_sets = UnionFind(len(keys))
    for a in range(len(keys)):
        for b in range(a + 1, len(keys)):
            if same_place(keys[a], keys[b]):
                key_sets.union(a, b)
    clusters = sorted(
        ([i for k in group for i in by_key[keys[k]]] for group in key_sets.groups()), key=min
    )
    names = [{place_key(items[i].text) for i in members} for members in clusters]
    withins = [{items[i].within for i in members if items[i].within} for members in clusters]
    parent: dict[int, int] = {}
    for c in range(len(clusters)):
        for d in range(len(clusters)):
            if (
                c != d
                and d not in parent
                and any(same_place(w, name) for w in withins[c] for name in names[d])
            ):
                parent[c] = d
                break

    def top(c: int) -> int:
        seen = {c}
        while c in parent and parent[c] not in seen:
            c = parent[c]
            seen.add(c)
        return c

    values = []
    for c, members in enumerate(clusters):
        if top(c) != c:
            continue
        nested = [items[m] for d, ms in enumerate(clusters) if d != c and top(d) == c for m in ms]
        own = [items[i] for i in members]
        name = min((i.text for i in own), key=lambda t: (len(t), t))
        values.append(_value(name, own, published, story, nested))
    values.sort(key=lambda v: (-v.independent, -len(v.sources), v.value or ""))
    return Slot(values=values, disputed=len(values) > 1)


def dates_and_timeline(
    done: Sequence[tuple[int, ArticleExtraction]],
    published: Mapping[int, date | None],
    story: Mapping[int, int],
) -> tuple[Slot, list[DatedEvent]]:
    central: dict[str | None, list[SlotItem]] = {}
    dated: dict[str | None, list[tuple[SlotItem, str]]] = {}
    for n, result in done:
        for mention in result.extraction.dates:
            resolved = resolve(mention.text, result.article.published, mention.relation)
            item = SlotItem(n, mention.text, mention.quote)
            if mention.central:
                central.setdefault(resolved, []).append(item)
            dated.setdefault(resolved, []).append((item, mention.event))
    values = [_value(value, items, published, story) for value, items in central.items()]
    known = [v.value for v in values if v.value is not None]
    disputed = any(not overlap(a, b) for i, a in enumerate(known) for b in known[i + 1 :])
    values.sort(key=lambda v: (-len(v.sources), v.value or "~"))
    return Slot(values=values, disputed=disputed), _timeline(dated)


def _timeline(dated: dict[str | None, list[tuple[SlotItem, str]]]) -> list[DatedEvent]:
    """Events in date order, undated last; events of one date that match are folded."""
    similarity = Similarity(event for pairs in dated.values() for _, event in pairs)
    events = []
    for when in sorted(dated, key=lambda d: d or "~"):
        pairs = dated[when]
        if when is None:  # undated events are not folded: nothing says they coincide
            found = [[i] for i in range(len(pairs))]
        else:
            found = group_similar([event for _, event in pairs], similarity)
        for group in sorted(found, key=lambda g: (min(pairs[i][0].source for i in g), min(g))):
            members = [pairs[i] for i in sorted(group, key=lambda i: (pairs[i][0].source, i))]
            events.append(
                DatedEvent(
                    date=when,
                    as_written=list(dict.fromkeys(item.text for item, _ in members)),
                    event=members[0][1],
                    sources=sorted({item.source for item, _ in members}),
                    quotes=quotes_of([(item.source, item.quote, None) for item, _ in members]),
                )
            )
    return events
