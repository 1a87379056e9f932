"""Stable ids for what a program reading the brief's JSON refers to: sources, actors, claims.

Numbers (`[n]`) are positions: they change when a source is added before another. A program
that follows a claim or an actor from one morning's brief to the next needs a name that does
not. Pure; run once on the finished brief.

- A source's id is its article's id (a manifest's or record's id, or the file's name and a
  hash); a source listed twice gets "#2" on the second. Every quote names its source by it.
- An actor's id is its shown name in Latin letters, folded and hyphenated ("vladimir-putin";
  "Владимир Путин" gives the same), with "-2" on a second actor of the same spelling.
- A claim's id is its kind and a hash of its earliest item (article id, item index, quote): it
  holds while that article's item stays in the brief, whatever else joins or leaves the claim.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable

from briefgen.schemas import Brief, BriefActor, Claim, Quote, Slot, Source, Story
from briefgen.text.fold import fold
from briefgen.text.names import latin

KIND_PREFIX = {"asks": "ask", "warnings": "warning", "motives": "motive"}
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def assign(brief: Brief) -> Brief:
    """The brief with every source, quote, actor and claim id filled in (in place)."""
    by_number = _source_ids(brief.sources)
    parts: list[Brief | Story] = [brief, *brief.stories]
    for part in parts:
        _actor_ids(part.actors)
        for kind, prefix in KIND_PREFIX.items():
            claims: list[Claim] = getattr(part, kind)
            used: Counter[str] = Counter()
            for claim in claims:
                claim.id = _unique(_claim_id(prefix, claim, by_number), used)
        _quote_ids(_quotes_of(part), by_number)
    return brief


def slug(name: str) -> str:
    """'Vladimir Putin', 'Владимир Путин' -> 'vladimir-putin'; 'U.S.' -> 'us'."""
    return _NOT_SLUG.sub("-", fold(latin(name)).replace("'", "")).strip("-") or "actor"


def _source_ids(sources: list[Source]) -> dict[int, str]:
    used: Counter[str] = Counter()
    for source in sources:
        source.id = _unique(source.article.id, used, "#")
    return {s.n: s.id for s in sources}


def _actor_ids(actors: list[BriefActor]) -> None:
    used: Counter[str] = Counter()
    for actor in actors:
        actor.id = _unique(slug(actor.name), used)


def _claim_id(prefix: str, claim: Claim, by_number: dict[int, str]) -> str:
    first = min(
        (
            by_number.get(q.source, str(q.source)),
            q.kind or "",
            -1 if q.item is None else q.item,
            q.quote,
        )
        for q in claim.quotes
    )
    digest = hashlib.sha256(repr((prefix, *first)).encode()).hexdigest()[:10]
    return f"{prefix}-{digest}"


def _unique(key: str, used: Counter[str], mark: str = "-") -> str:
    used[key] += 1
    return key if used[key] == 1 else f"{key}{mark}{used[key]}"


def _quotes_of(part: Brief | Story) -> Iterable[Quote]:
    for actor in part.actors:
        yield from actor.quotes
    for kind in KIND_PREFIX:
        for claim in getattr(part, kind):
            yield from claim.quotes
    slots: tuple[Slot, ...] = (part.venue, part.date)
    for slot in slots:
        for value in slot.values:
            yield from value.quotes
    for event in part.timeline:
        yield from event.quotes


def _quote_ids(quotes: Iterable[Quote], by_number: dict[int, str]) -> None:
    # Straight into each quote's field values: every quote of a merge has every field set
    # (grouping.quotes_of), so pydantic's assignment would only add a check and a lookup per
    # quote, 200,000 times at 10,000 articles (a second of the merge).
    for quote in quotes:
        vars(quote)["source_id"] = by_number.get(quote.source)
