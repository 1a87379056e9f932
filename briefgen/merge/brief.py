"""Per-article extractions in, one Brief out. Pure: no I/O, no clock, no network.

    actors   one actor per person or body (actors.resolve)
    claims   asks, warnings, motives folded across articles and kinds (claims.gather_kinds)
    stories  unrelated stories among the articles, merged apart (stories.group)
    venues   where, disputes shown not resolved (venues)
    timeline when, and the dated events (timeline)

Every line keeps the citation numbers of the articles that support it, and counts how many of
them are independent (near-identical copies of one story count once: independence).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from briefgen.merge import actors as actor_resolution
from briefgen.merge import claims, ids, origins, stories, venues
from briefgen.merge import timeline as dated
from briefgen.merge.actors import Mention, PartyNames, is_name_like
from briefgen.merge.grouping import quotes_of
from briefgen.merge.independence import story_groups
from briefgen.merge.mergekey import quality_of
from briefgen.merge.similarity import Similarity
from briefgen.merge.slots import SlotItem
from briefgen.schemas import (
    ITEM_KINDS,
    ArticleExtraction,
    ArticleFailure,
    Brief,
    BriefActor,
    Claim,
    Dropped,
    Extraction,
    Slot,
    SlotValue,
    Source,
    Story,
)

TOP = frozenset({"title", "sources"})  # a Story's fields the Brief gives of its own


def merge(
    results: Sequence[ArticleExtraction | ArticleFailure],
    title: str | None = None,
    same_claims: Mapping[str, claims.Decision] | None = None,
) -> Brief:
    """`same_claims` holds answers asked before the merge (claimcheck.py) about near-miss claim
    pairs, keyed by claims.pair_key: pairs judged the same are joined, and every answer is
    quoted in the claims it concerns.

    The cyclic garbage collector is paused while it runs: a merge makes hundreds of thousands of
    small objects and no reference cycles, so collection found nothing and cost a third of the
    time (bench/merge_scale.py); what the merge drops is freed as it goes, by reference count."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _merge(results, title, same_claims)
    finally:
        if collecting:
            gc.enable()


def _merge(
    results: Sequence[ArticleExtraction | ArticleFailure],
    title: str | None,
    same_claims: Mapping[str, claims.Decision] | None,
) -> Brief:
    # A flagged article (text addressed to a model) is listed, but its items stay out: they
    # cannot join, fold with or outvote another article's.
    done = [
        (n, r)
        for n, r in enumerate(results, start=1)
        if isinstance(r, ArticleExtraction) and not r.article.flags
    ]
    copies = _copies(done)
    done = _aliases_checked(done, copies)
    checked = dict(done)
    results = [checked.get(n, r) for n, r in enumerate(results, start=1)]
    sources = [
        _source(n, r, copies[n] if copies.get(n, n) != n else None)
        for n, r in enumerate(results, start=1)
    ]
    grouping = stories.group(done, copies)
    by_number = dict(done)
    merged = [_story([(n, by_number[n]) for n in group], copies, same_claims) for group in grouping]
    main = merged[0] if merged else _story([], copies)
    brief = Brief(
        title=title or _title(main.actors, len(results), main.venue, len(merged)),
        model=_joined(r.model for r in results),
        prompt_version=_joined(r.prompt_version for r in results),
        sources=sources,
        # the story's own parts, as they are: built and validated once already
        **{field: getattr(main, field) for field in Story.model_fields if field not in TOP},
        stories=merged[1:],
        grouping=grouping if len(grouping) > 1 else [],
        partial=any(isinstance(r, ArticleFailure) for r in results),
        quality=quality_of(results),
    )
    return ids.assign(brief)


def claim_candidates(
    results: Sequence[ArticleExtraction | ArticleFailure], limit: int = 200
) -> list[claims.Candidate]:
    """The near-miss claim pairs of the brief `merge(results)` would make (claims.candidates_of,
    story by story), closest first, at most `limit`: the questions for the claim check. Only
    what the claims need is worked out: actors and parties, not places, dates or the folds."""
    found: list[claims.Candidate] = []
    done = [
        (n, r)
        for n, r in enumerate(results, start=1)
        if isinstance(r, ArticleExtraction) and not r.article.flags
    ]
    copies = _copies(done)
    done = _aliases_checked(done, copies)
    by_number = dict(done)
    for group in stories.group(done, copies):
        c = _claim_context([(n, by_number[n]) for n in group], copies)
        found += claims.candidates_of(c.items, c.side, c.similarity, c.party)
    found.sort(key=lambda c: (-c.score, c.key))
    return found[:limit]


# For asks, warnings and motives: the fields that give the claimant, the counterpart, the text.
PARTIES: dict[str, tuple[str, str | None, str]] = {
    "asks": ("asker", "asked", "ask"),
    "warnings": ("warner", "warned", "warning"),
    "motives": ("actor", None, "motive"),
}


@dataclass
class _ClaimContext:
    """What folding one story's claims needs: its actors, how a party is read and whom it
    speaks for, the shared vocabulary, and the items of each kind."""

    story: dict[int, int]
    actors: list[BriefActor]
    side: Callable[[str | None], str | None]
    party: Callable[[int, str], str | None]
    similarity: Similarity
    items: dict[str, list[claims.ClaimItem]]


def _claim_context(
    done: Sequence[tuple[int, ArticleExtraction]], copies: Mapping[int, int]
) -> _ClaimContext:
    story = origins.Stories({n: copies.get(n, n) for n, _ in done}, _relayed(done))
    mentions = [Mention(n, actor) for n, r in done for actor in r.extraction.actors]
    groups = actor_resolution.resolve(mentions, story)
    actors = [_brief_actor([mentions[i] for i in group]) for group in groups]
    name_of = _name_lookup(mentions, groups, actors)
    speaks_for = actor_resolution.sides(actors, _affiliations(mentions, groups, actors))
    read = cache(name_of.__call__)  # an article names its parties again and again: read once

    def who(n: int, name: str | None) -> str | None:
        return None if name is None else read(n, name) or name

    def side(name: str | None) -> str | None:
        return None if name is None else speaks_for.get(name, name)

    def party(n: int, name: str) -> str | None:
        found = read(n, name)
        return None if found is None else side(found)

    extractions = [(n, r.extraction) for n, r in done]
    # One vocabulary for all claims: word rarity needs more texts than one kind has.
    similarity = Similarity.for_claims(
        (text for _, x in extractions for text in _claim_texts(x)),
        names=(name for a in actors for name in a.names),
    )
    items: dict[str, list[claims.ClaimItem]] = {kind: [] for kind in PARTIES}
    Item = claims.ClaimItem
    asks, warnings, motives = items["asks"], items["warnings"], items["motives"]
    for n, x in extractions:  # one pass, field by field: 8 items an article
        for k, a in enumerate(x.asks):
            by, to = a.asker, a.asked
            asks.append(
                Item(n, who(n, by), who(n, to), a.ask, a.certainty, a.quote, k, by, to, "asks")
            )
        for k, w in enumerate(x.warnings):
            by, to = w.warner, w.warned
            warnings.append(
                Item(
                    n,
                    who(n, by),
                    who(n, to),
                    w.warning,
                    w.certainty,
                    w.quote,
                    k,
                    by,
                    to,
                    "warnings",
                )
            )
        for k, m in enumerate(x.motives):
            by = m.actor
            motives.append(
                Item(n, who(n, by), None, m.motive, m.certainty, m.quote, k, by, None, "motives")
            )
    return _ClaimContext(story, actors, side, party, similarity, items)


def _story(
    done: Sequence[tuple[int, ArticleExtraction]],
    copies: Mapping[int, int],
    same_claims: Mapping[str, claims.Decision] | None = None,
) -> Story:
    """One story's articles merged: its actors, claims, venue, date and timeline."""
    published = {n: r.article.published for n, r in done}
    c = _claim_context(done, copies)
    story, actors = c.story, c.actors
    folded = claims.gather_kinds(
        c.items, c.side, story, c.similarity, c.party, decisions=same_claims
    )
    venue = venues.venue_slot(
        [
            SlotItem(n, v.place, v.quote, v.certainty, tuple(v.within))
            for n, r in done
            for v in r.extraction.venues
        ],
        published,
        story,
    )
    date_slot, timeline = dated.dates_and_timeline(done, published, story, actors, venue)
    _label_origins(story, [*folded["asks"], *folded["warnings"], *folded["motives"]])
    _label_origins(
        story, [*(venue.values if venue else []), *(date_slot.values if date_slot else [])]
    )
    return Story(
        title=_subject(actors, venue),
        sources=sorted(published),
        actors=actors,
        asks=folded["asks"],
        warnings=folded["warnings"],
        motives=folded["motives"],
        venue=venue,
        date=date_slot,
        timeline=timeline,
    )


def _source(n: int, result: ArticleExtraction | ArticleFailure, copy_of: int | None) -> Source:
    if isinstance(result, ArticleFailure):
        return Source(
            n=n,
            article=result.article,
            failed=result.reason,
            dropped=len(result.dropped),
            cut_off=result.cut_off,
            copy_of=copy_of,
        )
    kept = sum(len(getattr(result.extraction, kind)) for kind in ITEM_KINDS)
    return Source(
        n=n,
        article=result.article,
        kept=kept,
        dropped=len(result.dropped),
        cut_off=result.cut_off,
        chunks=result.chunks,
        copy_of=copy_of,
    )


def _relayed(done: Sequence[tuple[int, ArticleExtraction]]) -> dict[tuple[int, str], str]:
    """(source number, quote) -> the source that quote is relayed from, as each extraction
    recorded it (none for one saved before origins were recorded)."""
    found: dict[tuple[int, str], str] = {}
    for n, r in done:
        for kind, labels in r.origins.items():
            for item, label in zip(getattr(r.extraction, kind, []), labels, strict=False):
                if label:
                    found.setdefault((n, item.quote), label)
    return found


def _label_origins(story: Mapping[int, int], lines: Iterable[Claim | SlotValue]) -> None:
    """Each quote of each line gets its origin's label, as the line's count reads it."""
    for line in lines:
        found = origins.of_quotes(story, [(q.source, q.quote) for q in line.quotes])
        for quote, (_, label) in zip(line.quotes, found, strict=True):
            quote.__dict__["origin"] = label  # set on a quote made without validation


FOREIGN_ALIAS = "alias of another actor"


def _aliases_checked(
    done: Sequence[tuple[int, ArticleExtraction]], copies: Mapping[int, int]
) -> list[tuple[int, ArticleExtraction]]:
    """The extractions with the aliases of an article that would fold other actors into its own
    (actors.foreign_aliases) ignored: every alias of that article, not only the foreign ones,
    for an answer that lists one cannot be trusted on the rest. Each foreign alias is a drop
    with its reason, so the source line and the brief's counts show it."""
    mentions = [Mention(n, actor) for n, r in done for actor in r.extraction.actors]
    foreign = actor_resolution.foreign_aliases(mentions, copies)
    if not foreign:
        return list(done)
    by_source: dict[int, list[actor_resolution.ForeignAlias]] = {}
    for one in foreign:
        by_source.setdefault(one.source, []).append(one)
    checked = []
    for n, r in done:
        if n not in by_source:
            checked.append((n, r))
            continue
        quote = {a.name: a.quote for a in r.extraction.actors}
        drops = [
            Dropped(
                kind="actors",
                quote=quote.get(one.actor, ""),
                reason=f"{FOREIGN_ALIAS}: {one.alias!r} given for {one.actor!r}, but the other "
                f"articles name {one.other!r} apart; this article's aliases are ignored",
            )
            for one in by_source[n]
        ]
        actors = [a.model_copy(update={"aliases": []}) for a in r.extraction.actors]
        extraction = r.extraction.model_copy(update={"actors": actors})
        checked.append(
            (n, r.model_copy(update={"extraction": extraction, "dropped": [*r.dropped, *drops]}))
        )
    return checked


def _copies(done: Sequence[tuple[int, ArticleExtraction]]) -> dict[int, int]:
    """Source number -> the lowest source number of its story (copies of one story)."""
    return story_groups(
        {n: r.article.fingerprint for n, r in done}, {n: r.article.sketch for n, r in done}
    )


def _claim_texts(extraction: Extraction) -> Iterable[str]:
    yield from (a.ask for a in extraction.asks)
    yield from (w.warning for w in extraction.warnings)
    yield from (m.motive for m in extraction.motives)


def _joined(values: Iterable[str]) -> str:
    return ", ".join(dict.fromkeys(v for v in values if v)) or "unknown"


def _title(
    actors: list[BriefActor], count: int, venue: Slot | None = None, stories: int = 1
) -> str:
    about = f"{count} article{'s' if count != 1 else ''}"
    if stories > 1:
        about += f", {stories} stories"
    return f"{_subject(actors, venue)}: brief from {about}"


def _subject(actors: list[BriefActor], venue: Slot | None = None) -> str:
    """The two most-cited people by name, when a person is what most sources are about; else
    the agreed place ("Sandilands, Croydon"); else the most-cited named organisations; else
    "News brief". Descriptions ("the driver") never title a brief."""
    ranked = sorted(actors, key=lambda a: -len(a.sources))
    sources = len({n for a in actors for n in a.sources})
    people = [a for a in ranked if a.kind == "person" and is_name_like(a.name)]
    bodies = [
        a.name
        for a in ranked
        if a.kind == "organization" and is_name_like(a.name) and len(a.name.split()) > 1
    ]
    place = None
    if venue and venue.values and not venue.disputed and venue.values[0].value:
        place = ", ".join([venue.values[0].value, *venue.values[0].wider[:1]])
    # a person one source of many names is a detail of the story, not what it is about
    central = [a.name for a in people if 2 * len(a.sources) >= sources or not place]
    return " and ".join(central[:2]) or place or " and ".join(bodies[:2]) or "News brief"


def _brief_actor(mentions: list[Mention]) -> BriefActor:
    names: dict[str, None] = {}
    roles: dict[str, str] = {}  # folded -> as first written
    read: set[tuple] = set()
    sources: set[int] = set()
    quotes: list[tuple[int, str, None, None]] = []
    for m in mentions:  # one pass: its sources, quotes, names and roles
        a = m.actor
        sources.add(m.source)
        quotes.append((m.source, a.quote, None, None))
        written = (a.kind, a.name, tuple(a.aliases), a.role)
        if written in read:  # written so before: it adds no name or role
            continue
        read.add(written)
        names.update(dict.fromkeys([a.name, *a.aliases]))
        for role in (a.role, *actor_resolution.stated_roles(a)):
            if role:
                roles.setdefault(role.casefold(), role)
    return BriefActor(
        name=actor_resolution.canonical_name(m.actor for m in mentions),
        kind=mentions[0].actor.kind,
        names=list(names),
        roles=list(roles.values()),
        sources=sorted(sources),
        quotes=quotes_of(quotes),
    )


def _name_lookup(
    mentions: list[Mention], groups: list[list[int]], actors: list[BriefActor]
) -> PartyNames:
    """(article, name as a claim gives it) -> the actor's name, read per article as resolution
    reads it ('Obama' is the Obama that article names); None when it means nobody or two."""
    return PartyNames(mentions, groups, [a.name for a in actors])


def _affiliations(
    mentions: list[Mention], groups: list[list[int]], actors: list[BriefActor]
) -> dict[str, list[str]]:
    return {
        actor.name: list(dict.fromkeys(a for i in group if (a := mentions[i].actor.affiliation)))
        for group, actor in zip(groups, actors, strict=True)
    }
