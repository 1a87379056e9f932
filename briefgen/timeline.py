"""When: the date slot and the timeline. Pure.

Central dates are compared across sources: the slot is disputed when their ranges do not overlap.
Every dated mention goes on the timeline, events of one date that match folded into one line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from briefgen.dates import overlap, resolve
from briefgen.grouping import quotes_of
from briefgen.schemas import ArticleExtraction, DatedEvent, Slot
from briefgen.similarity import Similarity, group_similar
from briefgen.slots import SlotItem, slot_value


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
    values = [slot_value(value, items, published, story) for value, items in central.items()]
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
