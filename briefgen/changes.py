"""What changed between two briefs of one job: the "What changed" section. Pure: no I/O, no clock.

`diff(old, new, since)` compares the previous brief with this one and lists, in a fixed order
(sources, actors, asks, warnings, motives, venue, date; within a kind new items in this brief's
order, then dropped ones in the previous brief's), what is new, dropped, disputed, settled or
moved. Citations of new things are [n] in this brief; those of dropped things are kept in
`previous_sources`, since citation numbers are per brief.

How items are matched across the two briefs:

- *sources*: by where the text came from (`article.source`; the article id when that is
  missing or '-' for stdin). A source that failed this time but was read last time counts as
  dropped, and the other way round as new; the text says so.
- *actors*: the same when any of their names fold alike (`actors.fold`: case, punctuation,
  hyphens, possessives). Only name-like names count, so role-only aliases ("the president")
  never make two people one.
- *asks, warnings, motives*: the same when their claimants overlap (folded, and widened through
  the brief's actors, so "Kirby" meets "John Kirby") and their texts say the same thing: the
  same folded text, the same content words, or `Similarity.same` over both briefs' claims.
- *venue, date*: a dispute that appeared or was settled; an undisputed answer that moved (a
  place that is not the same place, dates that cannot overlap: "September" -> "September 13"
  is a refinement, not a move); an answer that appeared or went away.

Identical briefs, or one brief merged twice from the same inputs, give no items.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from briefgen.actors import fold, is_name_like
from briefgen.dates import overlap
from briefgen.render import cite
from briefgen.schemas import (
    Brief,
    BriefActor,
    Change,
    ChangeKind,
    Changes,
    Claim,
    Slot,
    SlotValue,
    Source,
)
from briefgen.similarity import Similarity, content_words
from briefgen.venues import same_place

KIND_ORDER: tuple[ChangeKind, ...] = (
    "source",
    "actor",
    "ask",
    "warning",
    "motive",
    "venue",
    "date",
)
LABELS = {
    "new": "New",
    "dropped": "Dropped",
    "disputed": "Disputed",
    "settled": "Settled",
    "moved": "Moved",
}
MAX_REASON = 80


def diff(old: Brief, new: Brief, since: str) -> Changes:
    """What changed from `old` (the previous brief) to `new`; `since` names the previous one."""
    similarity = Similarity(
        (c.what for brief in (old, new) for c in (*brief.asks, *brief.warnings, *brief.motives)),
        names=(name for brief in (old, new) for a in brief.actors for name in a.names),
    )
    old_names, new_names = _name_index(old.actors), _name_index(new.actors)

    def claims(kind: ChangeKind, before: list[Claim], after: list[Claim]) -> list[Change]:
        def same(a: Claim, b: Claim) -> bool:
            return _same_claim(a, old_names, b, new_names, similarity)

        return _claim_changes(kind, before, after, same)

    items = [
        *_source_changes(old.sources, new.sources),
        *_actor_changes(old.actors, new.actors),
        *claims("ask", old.asks, new.asks),
        *claims("warning", old.warnings, new.warnings),
        *claims("motive", old.motives, new.motives),
        *_slot_changes("venue", old.venue, new.venue),
        *_slot_changes("date", old.date, new.date),
    ]
    return Changes(since=since, items=items)


def markdown(changes: Changes) -> list[str]:
    """The "What changed" section as Markdown lines, ending with a blank line."""
    if not changes.items:
        return [f"## Nothing changed since {changes.since}", ""]
    return [f"## What changed since {changes.since}", "", *map(_line, changes.items), ""]


def _line(change: Change) -> str:
    _, colon, detail = change.text.partition(": ")
    line = f"- **{LABELS[change.change]}** {change.kind}: {detail if colon else change.text}"
    if change.sources:
        line += f" {cite(change.sources)}"
    if change.change == "dropped" and change.previous_sources:
        line += f" (was {cite(change.previous_sources)} in the previous brief)"
    return line


# --- sources --------------------------------------------------------------------------------


def _source_key(source: Source) -> str:
    """A URL is a source's identity; a local file's is its id (its name), which stays the same
    however the folder was spelled on the command line or in the config file."""
    where = source.article.source
    return where if "://" in where else source.article.id


def _keyed(sources: list[Source]) -> dict[tuple[str, int], Source]:
    """Sources by (key, occurrence): the same file listed twice is two sources."""
    seen: dict[str, int] = defaultdict(int)
    keyed = {}
    for source in sources:
        key = _source_key(source)
        keyed[(key, seen[key])] = source
        seen[key] += 1
    return keyed


def _source_label(source: Source) -> str:
    article = source.article
    outlet = f" ({article.outlet})" if article.outlet else ""
    return f"“{article.title or article.id}”{outlet}"


def _reason(source: Source) -> str:
    reason = " ".join((source.failed or "").split())
    return reason if len(reason) <= MAX_REASON else reason[: MAX_REASON - 1] + "…"


def _source_changes(old: list[Source], new: list[Source]) -> list[Change]:
    before, after = _keyed(old), _keyed(new)
    found = []
    for key, source in after.items():
        label = _source_label(source)
        was = before.get(key)
        if was is None:
            failed = f" — failed: {_reason(source)}" if source.failed else ""
            found.append(
                Change(
                    kind="source",
                    change="new",
                    text=f"new source: {label}{failed}",
                    sources=[source.n],
                )
            )
        elif source.failed and not was.failed:
            found.append(
                Change(
                    kind="source",
                    change="dropped",
                    text=f"dropped source: {label} — now failed: {_reason(source)}",
                    sources=[source.n],
                    previous_sources=[was.n],
                )
            )
        elif was.failed and not source.failed:
            found.append(
                Change(
                    kind="source",
                    change="new",
                    text=f"new source: {label} — now used (failed last time)",
                    sources=[source.n],
                    previous_sources=[was.n],
                )
            )
    for key, was in before.items():
        if key not in after:
            found.append(
                Change(
                    kind="source",
                    change="dropped",
                    text=f"dropped source: {_source_label(was)}",
                    previous_sources=[was.n],
                )
            )
    return found


# --- actors ---------------------------------------------------------------------------------


def _actor_keys(actor: BriefActor) -> set[str]:
    """The actor's folded names; aliases only when they are names, not descriptions."""
    names = [actor.name, *(n for n in actor.names if is_name_like(n))]
    return {key for key in map(fold, names) if key}


def _actor_changes(old: list[BriefActor], new: list[BriefActor]) -> list[Change]:
    before = [_actor_keys(a) for a in old]
    after = [_actor_keys(a) for a in new]
    found = [
        Change(kind="actor", change="new", text=f"new actor: {actor.name}", sources=actor.sources)
        for actor, keys in zip(new, after, strict=True)
        if not any(keys & other for other in before)
    ]
    found += [
        Change(
            kind="actor",
            change="dropped",
            text=f"dropped actor: {actor.name}",
            previous_sources=actor.sources,
        )
        for actor, keys in zip(old, before, strict=True)
        if not any(keys & other for other in after)
    ]
    return found


# --- asks, warnings, motives ----------------------------------------------------------------


def _name_index(actors: list[BriefActor]) -> dict[str, set[str]]:
    """Folded name (any of an actor's names) -> every folded name of that actor."""
    index: dict[str, set[str]] = defaultdict(set)
    for actor in actors:
        keys = _actor_keys(actor)
        for name in (actor.name, *actor.names):
            index[fold(name)] |= keys
    return index


def _party(claim: Claim, index: dict[str, set[str]]) -> set[str]:
    keys: set[str] = set()
    for name in (claim.who, *claim.claimants):
        key = fold(name)
        if key:
            keys |= {key, *index.get(key, ())}
    return keys


def _same_claim(
    a: Claim,
    a_names: dict[str, set[str]],
    b: Claim,
    b_names: dict[str, set[str]],
    similarity: Similarity,
) -> bool:
    if not _party(a, a_names) & _party(b, b_names):
        return False
    if fold(a.what) == fold(b.what):
        return True
    words = content_words(a.what)
    return (bool(words) and words == content_words(b.what)) or similarity.same(a.what, b.what)


def _claim_text(change: str, kind: str, claim: Claim) -> str:
    whom = f" → {claim.whom}" if claim.whom else ""
    return f"{change} {kind}: {claim.who}{whom}: {claim.what}"


def _claim_changes(
    kind: ChangeKind, old: list[Claim], new: list[Claim], same: Callable[[Claim, Claim], bool]
) -> list[Change]:
    found = [
        Change(kind=kind, change="new", text=_claim_text("new", kind, claim), sources=claim.sources)
        for claim in new
        if not any(same(was, claim) for was in old)
    ]
    found += [
        Change(
            kind=kind,
            change="dropped",
            text=_claim_text("dropped", kind, was),
            previous_sources=was.sources,
        )
        for was in old
        if not any(same(was, claim) for claim in new)
    ]
    return found


# --- venue and date -------------------------------------------------------------------------


def _label(value: SlotValue) -> str:
    return value.value or " / ".join(value.as_written) or "unknown"


def _answers(slot: Slot) -> str:
    return (" vs " if slot.disputed else "; ").join(map(_label, slot.values))


def _cited(slot: Slot) -> list[int]:
    return sorted({n for value in slot.values for n in value.sources})


def _same_value(kind: ChangeKind, a: SlotValue, b: SlotValue) -> bool:
    if kind == "venue":
        return same_place(_label(a), _label(b))
    if a.value is None or b.value is None:
        return a.value == b.value and {fold(w) for w in a.as_written} == {
            fold(w) for w in b.as_written
        }
    return a.value == b.value


def _same_answers(kind: ChangeKind, a: list[SlotValue], b: list[SlotValue]) -> bool:
    return all(any(_same_value(kind, x, y) for y in b) for x in a) and all(
        any(_same_value(kind, x, y) for x in a) for y in b
    )


def _moved(kind: ChangeKind, old: Slot, new: Slot) -> bool:
    """An undisputed answer moved: a different place, or dates that cannot coincide."""
    if kind == "venue":
        return not any(_same_value(kind, a, b) for a in old.values for b in new.values)
    before = [v.value for v in old.values if v.value]
    after = [v.value for v in new.values if v.value]
    if not before or not after:
        return False  # an unresolvable date made resolvable (or not) is not a move
    return not any(_overlap(a, b) for a in before for b in after)


def _overlap(a: str, b: str) -> bool:
    try:
        return overlap(a, b)
    except ValueError:  # not a date briefgen wrote: compare as text
        return a == b


def _slot_changes(kind: ChangeKind, old: Slot, new: Slot) -> list[Change]:
    if not old.values and not new.values:
        return []
    cited = {"sources": _cited(new), "previous_sources": _cited(old)}
    if not new.values:
        return [
            Change(
                kind=kind,
                change="dropped",
                text=f"dropped {kind}: {_answers(old)}",
                previous_sources=_cited(old),
            )
        ]
    if not old.values:
        disputed = " (disputed)" if new.disputed else ""
        return [
            Change(
                kind=kind,
                change="new",
                text=f"new {kind}: {_answers(new)}{disputed}",
                sources=_cited(new),
            )
        ]
    if new.disputed and not old.disputed:
        text = f"{kind} now disputed: {_answers(new)}"
        return [Change(kind=kind, change="disputed", text=text, **cited)]
    if old.disputed and not new.disputed:
        return [
            Change(kind=kind, change="settled", text=f"{kind} settled: {_answers(new)}", **cited)
        ]
    if new.disputed:  # disputed before and now: say so only if the answers changed
        if _same_answers(kind, old.values, new.values):
            return []
        text = f"{kind} still disputed, now: {_answers(new)}"
        return [Change(kind=kind, change="disputed", text=text, **cited)]
    if _moved(kind, old, new):
        text = f"{kind} moved: {_answers(old)} → {_answers(new)}"
        return [Change(kind=kind, change="moved", text=text, **cited)]
    return []
