"""What changed between two briefs of one job: the "What changed" section. Pure: no I/O, no clock.

`diff(old, new, since)` compares the previous brief with this one and lists what is new,
dropped, disputed, settled or moved, which sources were revised, could not be reached (shown as
last read, `Source.stale`) or failed, most telling first (`rank`): disputes that appeared, were
settled or moved; new asks and warnings (more sources first); new actors several sources name;
revisions; outages and failures; then the rest, in kind order (sources, actors, asks, warnings,
motives, venue, date; within a kind new items in this brief's order, then dropped ones in the
previous brief's). Citations of new things are [n] in this brief; those of dropped things are
kept in `previous_sources`, since citation numbers are per brief. How many lines a brief shows
is the caller's (`Changes.shown`).

Actors and claims are compared across all of a brief's stories (`Brief.stories`); venue and date
story by story: each story of this brief with the previous brief's story it shares most sources
with (the main story with the main one when each brief has one story), and the lines of a story
other than the main one say which ("(story 2)").

A revised source (the same identity, another `text_hash`) is one line with what its own items
now say, no longer say or say otherwise (claims, places, dates: `Change.details`); what only its
items changed elsewhere (an actor it alone named, a venue it alone gave) is not listed again.

How items are matched across the two briefs:

- *sources*: by where the text came from (`source_key`: a URL, a feed entry's link or
  `FEED#ID`; a file's id). Gone from the sources: dropped. Read last time and failed now:
  failed (a feed that failed: one line, naming how many of its entries are left out); the
  other way round: new. Shown as last read: unreachable, one line per source or per feed.
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
from functools import partial
from typing import Any

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
    "revised": "Revised",
    "unreachable": "Unreachable",
    "failed": "Failed",
}
MAX_REASON = 80
FIRST_RUN = "First run of this job: nothing to compare with yet."


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

        # A claim is matched across every kind: a line that now folds an ask into a motive
        # ("also an ask") did not drop the ask.
        return _claim_changes(
            kind,
            old_claims[field],
            new_claims[field],
            same,
            [c for cs in old_claims.values() for c in cs],
            [c for cs in new_claims.values() for c in cs],
        )

    revised = _revised(old, new)
    items = [
        *_source_changes(old.sources, new.sources, revised),
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
    if revised:
        same = partial(_same_claim, similarity=similarity)
        labels = {s.n: _source_label(s) for s in new.sources}
        items += [
            _revision(labels[n], o, n, before, after, (old_names, new_names), same)
            for o, n in revised.items()
        ]
        items = [c for c in items if not _side_effect(c, revised)]
    return Changes(since=since, items=rank(items))


# --- most telling first ---------------------------------------------------------------------


def _rank(change: Change) -> tuple[int, int]:
    """(group, -weight): disputes that appeared, were settled or moved; new asks and warnings
    (more sources first); new actors named by several sources; revisions; outages and
    failures; the rest."""
    if change.kind in ("venue", "date") and change.change in ("disputed", "settled", "moved"):
        return 0, 0
    if change.change == "new" and change.kind in ("ask", "warning"):
        return 1, -len(change.sources)
    if change.change == "new" and change.kind == "actor" and len(change.sources) > 1:
        return 2, -len(change.sources)
    if change.change == "revised":
        return 3, 0
    if change.change in ("unreachable", "failed"):
        return 4, 0
    return 5, 0


def rank(items: list[Change]) -> list[Change]:
    """The changes most telling first (`_rank`); otherwise in the order found."""
    return sorted(items, key=_rank)  # stable: ties keep their order


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
    old_keys = {s.n: source_key(s) for s in old.sources}
    new_keys = {s.n: source_key(s) for s in new.sources}
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


def source_key(source: Source) -> str:
    """A URL is a source's identity (a page's, or a feed entry's link; `FEED#ID` for an entry
    without one); a local file's is its id (its name), which stays the same however the folder
    was spelled on the command line or in the config file."""
    where = source.article.source
    return where if "://" in where else source.article.id


def _keyed(sources: list[Source]) -> dict[tuple[str, int], Source]:
    """Sources by (key, occurrence): the same file listed twice is two sources."""
    seen: dict[str, int] = defaultdict(int)
    keyed = {}
    for source in sources:
        key = source_key(source)
        keyed[(key, seen[key])] = source
        seen[key] += 1
    return keyed


def _source_label(source: Source) -> str:
    article = source.article
    outlet = f" ({article.outlet})" if article.outlet else ""
    return f"“{article.title or article.id}”{outlet}"


def _reason(source: Source | str) -> str:
    why = source if isinstance(source, str) else (source.failed or "")
    reason = " ".join(why.split())
    return reason if len(reason) <= MAX_REASON else reason[: MAX_REASON - 1] + "…"


def _revised(old: Brief, new: Brief) -> dict[int, int]:
    """Sources read in both briefs whose text changed: previous number -> number now."""
    before = _keyed(old.sources)
    found = {}
    for key, source in _keyed(new.sources).items():
        was = before.get(key)
        if was is None or was.failed or source.failed:
            continue
        a, b = was.article.text_hash, source.article.text_hash
        if a and b and a != b:
            found[was.n] = source.n
    return found


def _unreachable(new: list[Source]) -> list[Change]:
    """One line per source shown as last read, one per feed when a feed could not be read."""
    groups: dict[tuple[str, str], list[Source]] = defaultdict(list)
    for source in new:
        if source.stale is not None:
            whole_feed = source.article.via and source.stale.reason.startswith(
                f"{source.article.via}:"
            )
            key = source.article.via if whole_feed else f"{source.n}"
            groups[(key or "", source.stale.reason)].append(source)
    found = []
    for (key, reason), sources in groups.items():
        first = sources[0]
        assert first.stale is not None
        oldest = max(sources, key=lambda s: s.stale.age if s.stale else 0)
        age = oldest.stale.ago if oldest.stale else ""
        if key == f"{first.n}":
            label, where = _source_label(first), first.article.source
            kept = ""
        else:
            label, where = f"feed {key}", key
            kept = f"; its {len(sources)} entr{'y' if len(sources) == 1 else 'ies'} kept as read"
        why = _reason(reason.removeprefix(f"{where}: "))
        found.append(
            Change(
                kind="source",
                change="unreachable",
                text=f"source unreachable: {label} (last good {age} ago{kept}) — {why}",
                sources=[s.n for s in sources],
            )
        )
    return found


def _source_changes(old: list[Source], new: list[Source], revised: dict[int, int]) -> list[Change]:
    before, after = _keyed(old), _keyed(new)
    found = _unreachable(new)
    failed_feeds = {s.article.source: s for s in new if s.failed}
    left_out: dict[str, list[Source]] = defaultdict(list)  # a failed feed's entries of before
    for key, gone in before.items():
        if key not in after and gone.article.via in failed_feeds:
            left_out[gone.article.via or ""].append(gone)
    for key, source in after.items():
        label = _source_label(source)
        was = before.get(key)
        if was is None and source.article.source in left_out:
            entries = left_out[source.article.source]
            where = source.article.source
            why = _reason((source.failed or "").removeprefix(f"{where}: "))
            found.append(
                Change(
                    kind="source",
                    change="failed",
                    text=f"source failed: feed {where} — {why}; its {len(entries)} "
                    f"entr{'y' if len(entries) == 1 else 'ies'} of the previous brief are "
                    "left out",
                    sources=[source.n],
                    previous_sources=[s.n for s in entries],
                )
            )
        elif was is None:
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
                    change="failed",
                    text=f"source failed: {label} — {_reason(source)}",
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
    left = {s.n for entries in left_out.values() for s in entries}
    for key, was in before.items():
        if key not in after and was.n not in left:
            found.append(
                Change(
                    kind="source",
                    change="dropped",
                    text=f"dropped source: {_source_label(was)}",
                    previous_sources=[was.n],
                )
            )
    return found


# --- revisions ------------------------------------------------------------------------------


def _own_claims(stories: list[Story], n: int) -> list[tuple[str, Claim]]:
    return [
        (kind, claim)
        for story in stories
        for kind in ("asks", "warnings", "motives")
        for claim in getattr(story, kind)
        if n in claim.sources
    ]


def _own_values(stories: list[Story], field: str, n: int) -> list[SlotValue]:
    return [v for story in stories for v in getattr(story, field).values if n in v.sources]


def _own_dates(stories: list[Story], n: int) -> dict[str, str]:
    """The source's dated events: folded event -> its date."""
    return {
        fold(e.event): e.date or " / ".join(e.as_written)
        for story in stories
        for e in story.timeline
        if n in e.sources
    }


def _revision(
    label: str,
    was: int,
    now: int,
    before: list[Story],
    after: list[Story],
    names: tuple[dict[str, set[str]], dict[str, set[str]]],
    same: Callable[..., bool],
) -> Change:
    """What a revised source now says, no longer says or says otherwise: its own claims,
    places and dates, old against new."""
    details: list[str] = []
    old_claims, new_claims = _own_claims(before, was), _own_claims(after, now)
    kinds = {"asks": "ask", "warnings": "warning", "motives": "motive"}

    def matched(a: tuple[str, Claim], b: tuple[str, Claim]) -> bool:
        return a[0] == b[0] and same(a[1], names[0], b[1], names[1])

    for kind, claim in new_claims:
        if not any(matched(o, (kind, claim)) for o in old_claims):
            details.append(_claim_text("now says", kinds[kind], claim))
    for kind, claim in old_claims:
        if not any(matched((kind, claim), b) for b in new_claims):
            details.append(_claim_text("no longer says", kinds[kind], claim))
    for field, word in (("venue", "place"), ("date", "date")):
        a = [_label(v) for v in _own_values(before, field, was)]
        b = [_label(v) for v in _own_values(after, field, now)]
        if set(a) != set(b):
            if a and b:
                details.append(f"{word}: {'; '.join(a)} → {'; '.join(b)}")
            elif b:
                details.append(f"now gives the {word}: {'; '.join(b)}")
            else:
                details.append(f"no longer gives the {word}: {'; '.join(a)}")
    old_dates, new_dates = _own_dates(before, was), _own_dates(after, now)
    for event, when in new_dates.items():
        if event in old_dates and old_dates[event] != when:
            details.append(f"dates “{event}” {when}, not {old_dates[event]}")
    summary = "; ".join(details[:3]) + (
        f"; and {len(details) - 3} more" if len(details) > 3 else ""
    )
    summary = summary or "its text changed, not what the brief takes from it"
    return Change(
        kind="source",
        change="revised",
        text=f"revised: [{now}] {label} — {summary}",
        sources=[now],
        previous_sources=[was],
        details=details,
    )


def _side_effect(change: Change, revised: dict[int, int]) -> bool:
    """A change that only a revised source's own items make (an actor dropped with the place
    the correction changed): the revision's line says it."""
    if change.kind == "source" or change.change == "revised":
        return False
    if change.kind in ("venue", "date") and change.change in ("disputed", "settled"):
        return False
    now, was = set(change.sources), set(change.previous_sources)
    if not now and not was:
        return False
    return now <= set(revised.values()) and was <= set(revised)


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
    kind: ChangeKind,
    old: list[Claim],
    new: list[Claim],
    same: Callable[[Claim, Claim], bool],
    old_all: list[Claim] | None = None,
    new_all: list[Claim] | None = None,
) -> list[Change]:
    """New and dropped claims of one kind; `old_all` / `new_all`, the claims of every kind,
    are what a claim is looked for in (the same claim under another kind is no change)."""
    old_all = old if old_all is None else old_all
    new_all = new if new_all is None else new_all
    found = [
        Change(kind=kind, change="new", text=_claim_text("new", kind, claim), sources=claim.sources)
        for claim in new
        if not any(same(was, claim) for was in old_all)
    ]
    found += [
        Change(
            kind=kind,
            change="dropped",
            text=_claim_text("dropped", kind, was),
            previous_sources=was.sources,
        )
        for was in old
        if not any(same(was, claim) for claim in new_all)
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
    cited: dict[str, Any] = {"sources": _cited(new), "previous_sources": _cited(old)}
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
