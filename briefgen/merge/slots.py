"""What the venue and date slots share: one item as a source gives it, one answer with its
sources. Pure.

A slot lists every answer the sources give, each with its sources, their words and the date of
its latest report. It is *disputed* when the answers cannot all hold. briefgen never picks a
winner; the reader sees who says what, and when. The venue slot is built in `venues`, the date
slot and the timeline in `timeline`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from briefgen.merge import origins
from briefgen.merge.grouping import firmest, quotes_of
from briefgen.schemas import Certainty, ContextDate, SlotValue


@dataclass(frozen=True, slots=True)
class SlotItem:
    source: int
    text: str
    quote: str
    certainty: Certainty | None = None
    within: tuple[str, ...] = field(default=())
    context: ContextDate | None = None  # a date resolved from the brief's own context


def slot_value(
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
        independent=origins.count(story, [(i.source, i.quote) for i in every]),
        reported=max(dates) if dates else None,
        quotes=quotes_of([(i.source, i.quote, i.certainty) for i in every]),
        from_context=contexts(items),
    )


def contexts(items: Sequence[SlotItem]) -> list[ContextDate]:
    """The items' dates resolved from context, each once, in order."""
    found = {
        (c.as_written, c.kind, c.anchor, c.anchor_date): c
        for i in items
        if (c := i.context) is not None
    }
    return list(found.values())
