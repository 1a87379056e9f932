"""Per-article extractions in, one Brief out. Pure: no I/O, no clock, no network.

Every line of the brief keeps the citation numbers of the articles that support it. Where
sources disagree (two venues, dates that cannot both hold) the brief shows each answer with its
sources and marks the slot disputed; it never picks a winner.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from briefgen import actors as actor_resolution
from briefgen.actors import Mention, fold, is_name_like, person_key
from briefgen.dates import overlap, resolve
from briefgen.schemas import (
    ArticleExtraction,
    ArticleFailure,
    Brief,
    BriefActor,
    BriefQuality,
    Certainty,
    Claim,
    DatedEvent,
    Quote,
    Slot,
    SlotValue,
    Source,
    Usage,
)
from briefgen.similarity import Similarity

# Firmest first: a folded claim reports the firmest certainty any one source gives it.
CERTAINTY_ORDER: tuple[Certainty, ...] = ("confirmed", "planned", "reported", "speculated")
SAME_PLACE = 85.0
# "the city of Vladivostok, Russia" -> "vladivostok": qualifiers after a comma name the wider
# area the place is in, not another place.
_PLACE_PREFIX = re.compile(r"^(?:the\s+)?(?:(?:city|town|port|village)\s+of\s+)?")


@dataclass(frozen=True)
class _Item:
    """One claim, venue or date from one article, ready to be folded with its like."""

    source: int
    who: str | None
    whom: str | None
    text: str
    certainty: Certainty | None
    quote: str
    written: str = ""  # a date as the article writes it, when `text` is the event


def merge(results: Sequence[ArticleExtraction | ArticleFailure], title: str | None = None) -> Brief:
    sources = [
        Source(n=n, article=r.article, failed=r.reason if isinstance(r, ArticleFailure) else None)
        for n, r in enumerate(results, start=1)
    ]
    done = [(n, r) for n, r in enumerate(results, start=1) if isinstance(r, ArticleExtraction)]
    mentions = [Mention(n, actor) for n, r in done for actor in r.extraction.actors]
    groups = actor_resolution.resolve(mentions)
    actors = [_brief_actor([mentions[i] for i in group]) for group in groups]
    name_of = _name_lookup(mentions, groups, actors)

    def who(n: int, name: str | None) -> str | None:
        if name is None:
            return None
        return name_of.get((n, fold(name))) or name_of.get((0, person_key(name))) or name

    asks = _fold_claims(
        [
            _Item(n, who(n, a.asker), who(n, a.asked), a.ask, a.certainty, a.quote)
            for n, r in done
            for a in r.extraction.asks
        ]
    )
    warnings = _fold_claims(
        [
            _Item(n, who(n, w.warner), who(n, w.warned), w.warning, w.certainty, w.quote)
            for n, r in done
            for w in r.extraction.warnings
        ]
    )
    motives = _fold_claims(
        [
            _Item(n, who(n, m.actor), None, m.motive, m.certainty, m.quote)
            for n, r in done
            for m in r.extraction.motives
        ]
    )
    venue = _venue_slot(
        [
            _Item(n, None, None, v.place, v.certainty, v.quote)
            for n, r in done
            for v in r.extraction.venues
        ]
    )
    date_slot, timeline = _dates(done)
    return Brief(
        title=title or _title(actors, len(results)),
        model=_joined(r.model for r in results),
        prompt_version=_joined(r.prompt_version for r in results),
        sources=sources,
        actors=actors,
        asks=asks,
        warnings=warnings,
        motives=motives,
        venue=venue,
        date=date_slot,
        timeline=timeline,
        quality=BriefQuality(
            dropped_ungrounded=sum(len(r.dropped) for _, r in done),
            attempts=sum(r.attempts for r in results),
            reasks=sum(r.reasks for r in results),
            usage=sum((r.usage for r in results), Usage()),
        ),
    )


def _joined(values: Iterable[str]) -> str:
    return ", ".join(dict.fromkeys(v for v in values if v)) or "unknown"


def _title(actors: list[BriefActor], count: int) -> str:
    people = [a.name for a in sorted(actors, key=lambda a: -len(a.sources)) if a.kind == "person"]
    subject = " and ".join(people[:2]) if people else "News brief"
    return f"{subject}: brief from {count} article{'s' if count != 1 else ''}"


# --- actors ----------------------------------------------------------------------------------


def _brief_actor(mentions: list[Mention]) -> BriefActor:
    first = mentions[0].actor
    names: dict[str, None] = {}
    roles: dict[str, None] = {}
    for m in mentions:
        names.update(dict.fromkeys([m.actor.name, *m.actor.aliases]))
        if m.actor.role:
            roles[m.actor.role] = None
    return BriefActor(
        name=actor_resolution.canonical_name(m.actor for m in mentions),
        kind=first.kind,
        names=list(names),
        roles=list(roles),
        sources=sorted({m.source for m in mentions}),
        quotes=_quotes((m.source, m.actor.quote) for m in mentions),
    )


def _name_lookup(
    mentions: list[Mention], groups: list[list[int]], actors: list[BriefActor]
) -> dict[tuple[int, str], str]:
    """(article, folded name) -> canonical name; article 0 holds names usable anywhere."""
    lookup: dict[tuple[int, str], str] = {}
    for group, actor in zip(groups, actors, strict=True):
        for i in group:
            m = mentions[i]
            for name in (m.actor.name, *m.actor.aliases):
                lookup[(m.source, fold(name))] = actor.name
                if is_name_like(name) and " " in person_key(name):
                    lookup.setdefault((0, person_key(name)), actor.name)
    return lookup


def _quotes(pairs: Iterable[tuple[int, str]]) -> list[Quote]:
    unique = dict.fromkeys(pairs)
    return [Quote(source=n, quote=q) for n, q in sorted(unique, key=lambda p: p[0])]


# --- claims ----------------------------------------------------------------------------------


def _cluster(items: list[_Item], same: Callable[[str, str], bool]) -> list[list[_Item]]:
    """Greedy single pass: an item joins the first cluster whose first text it matches."""
    clusters: list[list[_Item]] = []
    for item in items:
        for cluster in clusters:
            if same(cluster[0].text, item.text):
                cluster.append(item)
                break
        else:
            clusters.append([item])
    return clusters


def _firmest(items: list[_Item]) -> Certainty:
    found = [i.certainty for i in items if i.certainty]
    return min(found, key=CERTAINTY_ORDER.index) if found else "reported"


def _fold_claims(items: list[_Item]) -> list[Claim]:
    by_party: dict[tuple[str | None, str | None], list[_Item]] = {}
    for item in items:
        key = (item.who and fold(item.who), item.whom and fold(item.whom))
        by_party.setdefault(key, []).append(item)
    similarity = Similarity(item.text for item in items)
    claims = []
    for party_items in by_party.values():
        for cluster in _cluster(party_items, similarity.same):
            head = cluster[0]
            claims.append(
                Claim(
                    who=head.who or "unknown",
                    whom=head.whom,
                    what=max((i.text for i in cluster), key=len),
                    certainty=_firmest(cluster),
                    sources=sorted({i.source for i in cluster}),
                    quotes=_quotes((i.source, i.quote) for i in cluster),
                )
            )
    return sorted(claims, key=lambda c: (-len(c.sources), c.sources[0]))


# --- venue and dates -------------------------------------------------------------------------


def _place_key(place: str) -> str:
    return fold(_PLACE_PREFIX.sub("", place.split(",", 1)[0].strip().casefold())) or fold(place)


def _same_place(a: str, b: str) -> bool:
    ka, kb = _place_key(a), _place_key(b)
    return ka in kb or kb in ka or fuzz.ratio(ka, kb) >= SAME_PLACE


def _slot_value(value: str, cluster: list[_Item]) -> SlotValue:
    return SlotValue(
        value=value,
        as_written=list(dict.fromkeys(i.text for i in cluster)),
        certainty=_firmest(cluster) if any(i.certainty for i in cluster) else None,
        sources=sorted({i.source for i in cluster}),
        quotes=_quotes((i.source, i.quote) for i in cluster),
    )


def _venue_slot(items: list[_Item]) -> Slot:
    clusters = _cluster(items, _same_place)
    values = [
        _slot_value(min((i.text for i in c), key=len), c)
        for c in sorted(clusters, key=lambda c: -len({i.source for i in c}))
    ]
    return Slot(values=values, disputed=len(values) > 1)


def _dates(done: list[tuple[int, ArticleExtraction]]) -> tuple[Slot, list[DatedEvent]]:
    central: dict[str | None, list[_Item]] = {}
    dated: dict[str | None, list[_Item]] = {}
    for n, result in done:
        for mention in result.extraction.dates:
            resolved = resolve(mention.text, result.article.published, mention.relation)
            if mention.central:
                item = _Item(n, None, None, mention.text, None, mention.quote)
                central.setdefault(resolved, []).append(item)
            event = _Item(n, None, None, mention.event, None, mention.quote, mention.text)
            dated.setdefault(resolved, []).append(event)
    values = [_slot_value(value, items) for value, items in central.items()]
    known = [v.value for v in values if v.value is not None]
    disputed = any(not overlap(a, b) for i, a in enumerate(known) for b in known[i + 1 :])
    values.sort(key=lambda v: (-len(v.sources), v.value or "~"))
    return Slot(values=values, disputed=disputed), _timeline(dated)


def _timeline(dated: dict[str | None, list[_Item]]) -> list[DatedEvent]:
    """Events in date order, undated last; events of one date that match are folded."""
    similarity = Similarity(item.text for items in dated.values() for item in items)
    events = []
    for when in sorted(dated, key=lambda d: d or "~"):
        same = similarity.same if when is not None else (lambda a, b: False)
        for cluster in _cluster(dated[when], same):
            events.append(
                DatedEvent(
                    date=when,
                    as_written=list(dict.fromkeys(i.written for i in cluster)),
                    event=cluster[0].text,
                    sources=sorted({i.source for i in cluster}),
                    quotes=_quotes((i.source, i.quote) for i in cluster),
                )
            )
    return events
