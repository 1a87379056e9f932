"""Where: the venue slot. Pure.

Places are folded by name; a place a source puts inside another (`within`) nests under it. The
slot is disputed when two places remain neither of which the sources put inside the other.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date

from rapidfuzz import fuzz

from briefgen.actors import fold
from briefgen.grouping import UnionFind
from briefgen.schemas import Slot
from briefgen.slots import SlotItem, slot_value

SAME_PLACE = 85.0
# "the city of Vladivostok, Russia" -> "vladivostok": what follows a comma names the wider area.
_PLACE_PREFIX = re.compile(r"^(?:the\s+)?(?:(?:city|town|port|village)\s+of\s+)?")


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
    withins = [{w for i in members for w in items[i].within} for members in clusters]
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
        values.append(slot_value(name, own, published, story, nested))
    values.sort(key=lambda v: (-v.independent, -len(v.sources), v.value or ""))
    return Slot(values=values, disputed=len(values) > 1)
