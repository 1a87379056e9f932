"""What changed between two briefs of one job: the "What changed" section. Pure: no I/O, no clock.

`diff(old, new, since)` compares the previous brief with this one and lists, in a fixed order
(sources, actors, asks, warnings, motives, venue, date; within a kind new items in this brief's
order, then dropped ones in the previous brief's), what is new, dropped, disputed, settled or
moved. Citations of new things are [n] in this brief; those of dropped things are kept in
`previous_sources`, since citation numbers are per brief.

Actors and claims are compared across all of a brief's stories (`Brief.stories`); venue and date
story by story: each story of this brief with the previous brief's story it shares most sources
with (the main story with the main one when each brief has one story), and the lines of a story
other than the main one say which ("(story 2)").

How items are matched across the two briefs:

- *sources*: by where the text came from (`article.source`; the article id when that is
  missing or '-' for stdin). A source that failed this time but was read last time counts as
  dropped, and the other way round as new; the text says so.
- *actors*: the same when any of their names fold alike (`briefgen.text.fold`: case, punctuation,
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

from briefgen.merge.similarity import Similarity, content_words
from briefgen.merge.venues import same_place
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
    Story,
)
from briefgen.text.dates import overlap
from briefgen.text.fold import fold
from briefgen.text.names import is_name_like

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
    before, after = _stories(old), _stories(new)

    def every(stories: list[Story], field: str) -> list:
        return [item for story in stories for item in getattr(story, field)]

    old_actors, new_actors = every(before, "actors"), every(after, "actors")
    old_claims = {kind: every(before, kind) for kind in ("asks", "warnings", "motives")}
    new_claims = {kind: every(after, kind) for kind in ("asks", "warnings", "motives")}
    similarity = Similarity(
        (c.what for found in (old_claims, new_claims) for cs in found.values() for c in cs),
        names=(name for actors in (old_actors, new_actors) for a in actors for name in a.names),
    )
    old_names, new_names = _name_index(old_actors), _name_index(new_actors)

    def claims(kind: ChangeKind, field: str) -> list[Change]:
        def same(a: Claim, b: Claim) -> bool:
            return _same_claim(a, old_names, b, new_names, similarity)

        return _claim_changes(kind, old_claims[field], new_claims[field], same)

    items = [
        *_source_changes(old.sources, new.sources),
        *_actor_changes(old_actors, new_actors),
        *claims("ask", "asks"),
        *claims("warning", "warnings"),
        *claims("motive", "motives"),
    ]
    empty = Slot(values=[], disputed=False)
    pairs = _matched(old, before, new, after)
    for kind in ("venue", "date"):
        for i, j in pairs:
            was = getattr(before[i], kind) if i is not None else empty
            now = getattr(after[j], kind) if j is not None else empty
            found = _slot_changes(kind, was, now)
            if j != 0:  # not the main story: say which
                where = f"story {j + 1}" if j is not None else "a story of the previous brief"
                found = [c.model_copy(update={"text": f"{c.text} ({where})"}) for c in found]
            items += found
    return Changes(since=since, items=items)


def _stories(brief: Brief) -> list[Story]:
    """The brief's stories, the main one (the brief's own fields) first."""
    main = Story(
        title=brief.title,
        sources=brief.grouping[0] if brief.grouping else [s.n for s in brief.sources],
        **brief.model_dump(
            include={"actors", "asks", "warnings", "motives", "venue", "date", "timeline"}
        ),
    )
    return [main, *brief.stories]


def _matched(
    old: Brief, before: list[Story], new: Brief, after: list[Story]
) -> list[tuple[int | None, int | None]]:
    """Which story of the previous brief each story of this one continues (by the sources they
    share), in this brief's order, then the previous brief's stories that none continues. With
    one story on each side, the two are matched whatever their sources."""
    if len(before) == 1 and len(after) == 1:
        return [(0, 0)]
    old_keys = {s.n: _source_key(s) for s in old.sources}
    new_keys = {s.n: _source_key(s) for s in new.sources}
    was = [{old_keys[n] for n in story.sources if n in old_keys} for story in before]
    now = [{new_keys[n] for n in story.sources if n in new_keys} for story in after]
    shared = sorted(
        ((len(now[j] & was[i]), j, i) for j in range(len(now)) for i in range(len(was))),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    found: dict[int, int] = {}
    taken: set[int] = set()
    for count, j, i in shared:
        if count and j not in found and i not in taken:
            found[j] = i
            taken.add(i)
    if 0 not in found and 0 not in taken:  # the main story continues the main story
        found[0] = 0
        taken.add(0)
    pairs: list[tuple[int | None, int | None]] = [(found.get(j), j) for j in range(len(after))]
    return pairs + [(i, None) for i in range(len(before)) if i not in taken]


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
    if {q.quote for q in a.quotes} & {q.quote for q in b.quotes}:
        return True  # one rests on the other's evidence: folded with more sources, not new
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
        # the same answer needs no gazetteer (a cold process would load it just to say so)
        return _label(a) == _label(b) or same_place(_label(a), _label(b))
    if a.value is None or b.value is None:
        return a.value == b.value and {fold(w) for w in a.as_written} == {
            fold(w) for w in b.as_written
        }
    return a.value == b.value


def _same_answers(kind: ChangeKind, a: list[SlotValue], b: list[SlotValue]) -> bool:
    if kind == "venue" and {_label(x) for x in a} == {_label(y) for y in b}:
        return True  # word for word the same answers: nothing to look up
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
        if _moved(kind, old, new):  # the answer now is none of the disputed ones: it moved
            text = f"{kind} moved: {_answers(old)} → {_answers(new)}"
            return [Change(kind=kind, change="moved", text=text, **cited)]
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
