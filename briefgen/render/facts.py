"""What the Markdown brief and the HTML page both say, decided once. Pure.

The two pages word a brief differently (Markdown escapes, HTML autoescapes) but must state the
same facts: which answers of a slot are current and which superseded, which one is the latest
report, how sources are counted, who the key people are. Those decisions live here, so the
pages cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from briefgen.prices import money, per_million
from briefgen.schemas import (
    Brief,
    BriefActor,
    Claim,
    ContextDate,
    Cost,
    DatedEvent,
    Quote,
    Slot,
    SlotValue,
    Story,
)

# Control characters, and the bidirectional overrides and isolates that would make a quote
# display in another order than it reads (U+202A-U+202E, U+2066-U+2069).
_CONTROL = re.compile("[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
KEY_PEOPLE = 4


def flat(value: object) -> str:
    """One line of untrusted text: whitespace runs become one space, control characters and
    bidirectional overrides go. Escaping is each page's own."""
    return _CONTROL.sub("", " ".join(str(value).split()))


def count(sources: Sequence[int], independent: int | None = None) -> str:
    """'1 report'; '5 reports, 2 origins': the sources that give a line, and how many origins
    they have (copies of one story and relays of one source count once)."""
    found = f"{len(sources)} report{'s' if len(sources) != 1 else ''}"
    if independent is not None and len(sources) > 1:
        found += f", {independent} origin{'s' if independent != 1 else ''}"
    return found


def hedge(certainty: str | None) -> str | None:
    """The certainty worth saying: anything but 'confirmed'."""
    return certainty if certainty and certainty != "confirmed" else None


def event_hedge(event: DatedEvent) -> str | None:
    """A timeline line's certainty worth saying, with who a reported one is credited to:
    'reported, according to John Kirby'."""
    said = hedge(event.certainty)
    if said and event.according_to:
        said += f", according to {' and '.join(event.according_to)}"
    return said


def context_notes(found: Sequence[ContextDate]) -> list[str]:
    """How dates were resolved from the brief's own context: 'from the forum's dates' (another
    event of the brief), 'time of day on the day of “on Wednesday”' (its source's own date)."""
    notes = []
    for c in found:
        if c.kind == "event":
            notes.append(f"from {flat(c.anchor)}'s dates")
        else:
            notes.append(f"time of day on the day of “{flat(c.anchor)}”")
    return list(dict.fromkeys(notes))


def split(slot: Slot) -> tuple[list[SlotValue], list[SlotValue]]:
    """The slot's current answers, and the earlier ones a later report superseded."""
    return (
        [v for v in slot.values if not v.superseded_by],
        [v for v in slot.values if v.superseded_by],
    )


def latest(slot: Slot) -> SlotValue | None:
    """The answer of a disputed slot reported last, when one alone was: said, never chosen."""
    if not slot.disputed:
        return None
    current, _ = split(slot)
    reported = [v.reported for v in current if v.reported]
    newest = max(reported, default=None)
    if newest is None or reported.count(newest) != 1:
        return None
    return next(v for v in current if v.reported == newest)


def replaced(value: SlotValue, slot: Slot, kind: str) -> tuple[SlotValue | None, str]:
    """The answer that superseded `value`, and how to say so: 'it took place at' when that
    answer is confirmed, else 'later reports give'."""
    later = next((v for v in slot.values if v.value == value.superseded_by), None)
    if later is not None and later.certainty == "confirmed":
        return later, "it took place at" if kind == "venue" else "it took place on"
    return later, "later reports give"


def key_people(story: Brief | Story) -> list[BriefActor]:
    """The people most sources name, for Key facts."""
    people = [a for a in story.actors if a.kind == "person"]
    return sorted(people, key=lambda a: -len(a.sources))[:KEY_PEOPLE]


# --- who said which quote of a claim ---------------------------------------------------------

# How a line names a kind of item it also folds: "also an ask [2]".
KIND_NOUNS = {"asks": "an ask", "warnings": "a warning", "motives": "a motive"}


def speakers(claim: Claim) -> list[tuple[str, list[int]]]:
    """The claimants a line of several names after its side, each with the sources of its own
    quotes: "United States (White House [4]; Linda Thomas-Greenfield [5])". The side itself,
    when it speaks too, is the heading and not repeated; one claimant, or a joint statement
    named by its claimants ("Victor Cha and Andrius Tursa"), lists none."""
    if len(claim.claimants) < 2 or claim.who == " and ".join(claim.claimants):
        return []
    return [
        (name, sorted({q.source for q in claim.quotes if q.by == name}))
        for name in claim.claimants
        if name != claim.who
    ]


def other_kinds(claim: Claim) -> list[tuple[str, list[int]]]:
    """The other kinds a line folds ("a warning", its sources), after the kind it is under."""
    return [
        (KIND_NOUNS[kind], sorted({q.source for q in claim.quotes if q.kind == kind}))
        for kind in claim.kinds[1:]
    ]


def relay(quote: Quote, escape: Callable[[str], str] = flat) -> str | None:
    """'via The New York Times' when the quote's source relays it from another, else None:
    "[n]", a source's own reporting, goes without saying."""
    if quote.origin and not quote.origin.startswith("["):
        return f"via {escape(quote.origin)}"
    return None


def quote_label(quote: Quote, claim: Claim, escape: Callable[[str], str] = flat) -> str | None:
    """What a claim's quote says of itself beside its words, or None: its claimant when the
    line has several, its counterpart when the line's quotes do not share one, the kind of
    item when the line folds several, its origin when it came through one ("via Fox News
    interview"; "[n]", a source's own reporting, goes without saying). Every page shows a
    claim's quote through this one function; `escape` is the page's own for text from outside."""
    label = ""
    if len(claim.claimants) > 1 and quote.by:
        label = escape(quote.by)
    if quote.to and not claim.whom:
        label += f" → {escape(quote.to)}" if label else f"→ {escape(quote.to)}"
    notes = []
    if len(claim.kinds) > 1 and quote.kind and quote.kind != claim.kinds[0]:
        notes.append(f"as {KIND_NOUNS[quote.kind]}")
    if relayed := relay(quote, escape):
        notes.append(relayed)
    if notes:
        label += f" ({'; '.join(notes)})" if label else f"({'; '.join(notes)})"
    return label or None


def cost(found: Cost) -> str:
    """The "Cost:" line of "How this brief was made", without its label (plain text)."""
    if found.usd is None or found.input_price is None or found.output_price is None:
        return (
            f"unknown: no price for model {flat(found.model)} (the prices setting gives one; "
            "see docs/scheduling.md#12-costs-and-a-daily-budget)"
        )
    batch = found.batch_usage
    batched = (
        f"; {batch.input_tokens}/{batch.output_tokens} tokens by the Batch API at half price"
        if batch.input_tokens or batch.output_tokens
        else ""
    )
    where = f", {flat(found.priced_by)}" if found.priced_by else ""
    return (
        f"{money(found.usd)} ({flat(found.model)} at {per_million(found.input_price)} in, "
        f"{per_million(found.output_price)} out per million tokens{where}{batched})"
    )
