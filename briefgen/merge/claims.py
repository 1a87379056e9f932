"""Folding asks, warnings and motives across articles into claims. Pure.

Two items are one claim when they come from the same side, are aimed at a compatible party, and
say the same thing (`same`):

- *side*: a state's leader, ministers, envoys, spokespeople and offices speak for the state, so
  "Putin wants shells" and "Russia wants shells" are one claim with both claimants listed.
  Independent voices (analysts, experts, a former minister) stay themselves. Different sides
  never fold. A claimant written as a description is its words ("demonstrators" = "the
  protesters": `described`).
- *party*: the same side, or one of the two leaves it unsaid.
- *names*: the places and parties each text names, resolved to the story's actors (or to a
  country: "Moscow", "Russian"), must not conflict: two texts each naming one the other lacks in
  the same role ("a ceasefire in Gaza" / "in Lebanon") are two claims.
- *same thing*: no veto (negation, opposites, one substituted slot: `similarity.vetoes`), at
  least two shared words of substance, and a weighted word overlap of `Similarity.threshold`, or
  of TARGET_THRESHOLD when the two share a counterpart (the same addressee, or a story actor
  both texts name). Or literally the same quote in the same article (a joint statement the model
  split per speaker; asks and warnings only).

Items are linked pairwise and grouped by union-find, so the result does not depend on the order
articles arrive in. Candidate pairs come from an index of the rarer words each item uses, so the
cost grows with the number of items, not its square.

Near misses — pairs the rule leaves apart that still share a side, a compatible counterpart and a
word (`candidates`) — may be judged by a model before the merge (claimcheck.py); `gather` takes
those answers as `decisions` and joins the pairs judged the same, quoting every answer.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter

from briefgen.merge import origins
from briefgen.merge.grouping import UnionFind, firmest, quotes_of
from briefgen.merge.similarity import (
    Named,
    Similarity,
    candidate_pairs_of,
    content_words,
    country_of,
    matched,
    names_conflict,
    names_in,
    negated,
    vetoes,
    with_kinds,
)
from briefgen.schemas import Certainty, Claim, ItemRef, Judgement
from briefgen.text.fold import fold


@dataclass(frozen=True, slots=True)
class ClaimItem:
    source: int
    who: str | None
    whom: str | None
    text: str
    certainty: Certainty
    quote: str
    index: int | None = None  # position in its article's list, so citations point at the item
    said_by: str | None = None  # the claimant and counterpart as the article writes them
    said_to: str | None = None


# Same side and the same counterpart (given as the item's target, or a party both texts name)
# is evidence beside the words: such a pair needs less overlap to be one claim.
TARGET_THRESHOLD = 0.35


@dataclass(frozen=True, slots=True)
class _Facts:
    """What the rule compares about one item, beside its text."""

    side: str | None
    whom: str | None  # the side of its explicit counterpart
    names: frozenset[Named]  # every name its text uses (resolved) and its role, own side left out
    targets: frozenset[str]  # the parties it is aimed at: its counterpart and story actors named
    substance: frozenset[str]
    indexed: frozenset[str]  # substance with the general word of each kind: the word index


@dataclass(frozen=True, slots=True)
class Decision:
    """A judgement, made before the merge (claimcheck.py), that two items state the same claim
    or not; `merge` takes them as data, keyed by `pair_key`."""

    same: bool
    reason: str
    model: str


@dataclass(frozen=True, slots=True)
class Candidate:
    """A near miss: two items of one side, compatible counterparts and some shared content, that
    the lexical rule left in different claims. One per pair of lexical claims (the closest)."""

    key: str
    kind: str
    first: ClaimItem
    second: ClaimItem
    score: float


def gather(
    items: Sequence[ClaimItem],
    side: Callable[[str | None], str | None],
    story: Mapping[int, int],
    similarity: Similarity,
    statements: bool = True,
    party: Callable[[int, str], str | None] | None = None,
    *,
    kind: str = "claims",
    decisions: Mapping[str, Decision] | None = None,
) -> list[Claim]:
    """Claims from items; `side` maps a party to the side it speaks for, `story` a source to its
    story group (for counting independent sources). `statements` is false for motives: two
    holders of one motive ("both want less U.S. influence") are two claims, while two speakers
    of one statement are one. `party` maps a name as an article writes it to the side of the
    story's actor it names (None when it names none); without it a name stands for itself.

    `decisions` (pair_key -> Decision, for items of this `kind`) join near misses judged the
    same claim; every decision that concerns a claim's items is quoted in its `judged`."""
    facts = _all_facts(items, side, similarity, party)
    sets = _lexical(items, facts, similarity, statements)
    judged: dict[int, dict[str, Judgement]] = defaultdict(dict)
    if decisions:
        applied = []
        for i, j, key, _ in _near_misses(items, facts, similarity, sets):
            if (decision := decisions.get(_kind_key(kind, key))) is not None:
                applied.append((i, j, key, decision))
        for i, j, key, decision in applied:
            if decision.same:
                sets.union(i, j)
            refs = sorted([(items[i].source, items[i].index), (items[j].source, items[j].index)])
            note = Judgement(
                pair=[ItemRef(source=s, item=k) for s, k in refs],
                same=decision.same,
                reason=decision.reason,
                model=decision.model,
            )
            for k in (i, j):
                previous = judged[k].get(key)
                if previous is None or _ref_order(note) < _ref_order(previous):
                    judged[k][key] = note
    claims = []
    for group in sets.groups():
        notes: dict[str, Judgement] = {}
        for i in group:
            for key, note in judged.get(i, {}).items():
                if key not in notes or _ref_order(note) < _ref_order(notes[key]):
                    notes[key] = note
        claim = _claim([items[i] for i in group], story)
        if notes:
            claim.judged = sorted(notes.values(), key=_ref_order)
        claims.append(claim)
    return sorted(claims, key=lambda c: (-c.independent, -len(c.sources), c.sources[0], c.what))


def candidates(
    items: Sequence[ClaimItem],
    side: Callable[[str | None], str | None],
    similarity: Similarity,
    statements: bool = True,
    party: Callable[[int, str], str | None] | None = None,
    *,
    kind: str = "claims",
) -> list[Candidate]:
    """The near misses `gather` would leave apart, closest first: for each two lexical claims of
    one side whose items share a word of substance, with compatible explicit counterparts, no
    conflicting names and no veto but a substituted slot, the closest pair of their items. These are
    the questions for a model (claimcheck.py); its answers go back to `gather` as `decisions`."""
    facts = _all_facts(items, side, similarity, party)
    sets = _lexical(items, facts, similarity, statements)
    best: dict[tuple[int, int], Candidate] = {}
    for i, j, key, score in _near_misses(items, facts, similarity, sets):
        ri, rj = sets.find(i), sets.find(j)
        groups = (min(ri, rj), max(ri, rj))
        found = Candidate(_kind_key(kind, key), kind, items[i], items[j], score)
        known = best.get(groups)
        if known is None or (-score, found.key) < (-known.score, known.key):
            best[groups] = found
    return sorted(best.values(), key=lambda c: (-c.score, c.key))


def pair_key(kind: str, a: ClaimItem, b: ClaimItem) -> str:
    """What identifies a question about two items, whichever comes first: the kind, and each
    item's text with its claimant and counterpart as its article writes them."""
    return _kind_key(kind, _pair_digest(a, b))


def _kind_key(kind: str, digest: str) -> str:
    return f"{kind}:{digest}"


def _pair_digest(a: ClaimItem, b: ClaimItem) -> str:
    first, second = sorted((_signature(a), _signature(b)))
    return hashlib.sha256(json.dumps([first, second]).encode()).hexdigest()[:32]


def _signature(item: ClaimItem) -> tuple[str, str, str]:
    return (item.said_by or item.who or "", item.said_to or item.whom or "", item.text)


def _ref_order(note: Judgement) -> tuple[tuple[int, int], ...]:
    return tuple((r.source, -1 if r.item is None else r.item) for r in note.pair)


def _lexical(
    items: Sequence[ClaimItem], facts: Sequence[_Facts], similarity: Similarity, statements: bool
) -> UnionFind:
    """Items joined by the lexical rule and, for statements, by a shared quote."""
    sets = UnionFind(len(items))
    blocks: dict[str | None, list[int]] = defaultdict(list)
    joint: dict[tuple[int, str, str], int] = {}
    for i, item in enumerate(items):
        blocks[facts[i].side].append(i)
        if statements:  # one quote, one text, several speakers: a joint statement
            key = (item.source, item.quote, item.text)
            if key in joint:
                sets.union(joint[key], i)
            joint.setdefault(key, i)
    for members in blocks.values():
        for a, b in _linked([items[i] for i in members], [facts[i] for i in members], similarity):
            sets.union(members[a], members[b])
    return sets


def _near_misses(
    items: Sequence[ClaimItem], facts: Sequence[_Facts], similarity: Similarity, sets: UnionFind
) -> Iterable[tuple[int, int, str, float]]:
    """(i, j, pair digest, score) for item pairs in different lexical claims that a model may
    judge: one side, explicit counterparts not different, a shared word of substance, names
    not in conflict, neither negation nor opposites between them. Pairs come from the word
    index, not from all pairs."""
    blocks: dict[str | None, list[int]] = defaultdict(list)
    for i in range(len(items)):
        blocks[facts[i].side].append(i)
    for members in blocks.values():
        for ua, ub in sorted(candidate_pairs_of([facts[i].substance for i in members])):
            i, j = members[ua], members[ub]
            fa, fb = facts[i], facts[j]
            if sets.find(i) == sets.find(j):
                continue
            if fa.whom is not None and fb.whom is not None and fa.whom != fb.whom:
                continue
            if names_conflict(fa.names, fb.names):
                continue
            a, b = items[i], items[j]
            if vetoes(a.text, b.text, fa.substance, fb.substance) in ("negation", "opposites"):
                continue
            yield i, j, _pair_digest(a, b), similarity.score(a.text, b.text)


def same(a: ClaimItem, fa: _Facts, b: ClaimItem, fb: _Facts, similarity: Similarity) -> bool:
    """The lexical rule: do two items of one side state the same claim?"""
    if fa.side != fb.side:
        return False
    if fa.whom is not None and fb.whom is not None and fa.whom != fb.whom:
        return False
    if names_conflict(fa.names, fb.names):  # "a ceasefire in Gaza" / "a ceasefire in Lebanon"
        return False
    if vetoes(a.text, b.text, fa.substance, fb.substance) is not None:
        return False
    sa, sb = (
        matched(fa.substance, fb.substance) if similarity.kinds else (fa.substance, fb.substance)
    )
    shared = sa & sb
    if not shared or len(shared) < min(2, len(fa.substance), len(fb.substance)):
        return False
    threshold = TARGET_THRESHOLD if fa.targets & fb.targets else similarity.threshold
    return similarity.score(a.text, b.text) >= threshold


def _all_facts(
    items: Sequence[ClaimItem],
    side: Callable[[str | None], str | None],
    similarity: Similarity,
    party: Callable[[int, str], str | None] | None,
) -> list[_Facts]:
    """Each item's facts, worked out once per distinct side, counterpart's side, text and
    reading of the names the text uses: the same claims recur across articles, and the many
    officials of one state speak for that one side."""
    memo: dict[tuple, _Facts] = {}
    found = []
    for item in items:
        key = (side(item.who), side(item.whom), item.text, _read_names(item, party))
        facts = memo.get(key)
        if facts is None:
            facts = memo[key] = _facts(*key, similarity)
        found.append(facts)
    return found


def _read_names(
    item: ClaimItem, party: Callable[[int, str], str | None] | None
) -> tuple[tuple[str, str | None, str | None], ...]:
    """(phrase, its role, the actor its article means by it) for the names a text uses: the
    phrase as a story actor, else the country it names as one (None: neither)."""
    read = []
    for phrase, role in names_in(item.text):
        found = party(item.source, phrase) if party else None
        if not found and party is not None and (country := country_of(phrase)) is not None:
            found = party(item.source, country)
        read.append((phrase, role, found))
    return tuple(read)


def _facts(
    side: str | None,
    counterpart: str | None,
    text: str,
    read: tuple[tuple[str, str | None, str | None], ...],
    similarity: Similarity,
) -> _Facts:
    own = described(side)
    whom = described(counterpart)
    mine = fold(own) if own else None
    names: set[Named] = set()
    targets: set[str] = set() if whom is None else {fold(whom)}
    for phrase, role, found in read:
        country = None if found else country_of(phrase)
        key = fold(found or country or phrase)
        if key != mine:
            names.add((key, role))
            if found:
                targets.add(key)
    return _Facts(
        side=own,
        whom=whom,
        names=_shared(frozenset(names)),
        targets=_shared(frozenset(targets - {mine})),
        substance=(substance := similarity.substance(text)),
        indexed=with_kinds(substance) if similarity.kinds else substance,
    )


_SETS: dict[frozenset, frozenset] = {}


def _shared(found: frozenset) -> frozenset:
    """One object for equal sets of names: most items name the same few parties, or none."""
    if len(_SETS) > 1 << 16:  # bounded: a scheduled job merges day after day in one process
        _SETS.clear()
    return _SETS.setdefault(found, found)


@lru_cache(maxsize=1 << 16)  # the same sides recur in every claim
def described(side: str | None) -> str | None:
    """A side as compared: a name as it is; a description (no capitalised word) by its words
    after normalisation, so "demonstrators" and "the protesters" are one side, as two
    "protesters" already are."""
    if side is None or any(c.isupper() for c in side):
        return side
    words = content_words(side)
    return " ".join(sorted(words)) if words else side


def _linked(
    items: Sequence[ClaimItem], facts: Sequence[_Facts], similarity: Similarity
) -> Iterable[tuple[int, int]]:
    """Index pairs judged the same claim, among items of one side.

    Items with the same words, counterpart and names are one unit and join without being
    compared; units are compared in pairs that share a not-too-common word (the word index), so
    the cost grows with the number of distinct claims, not its square."""
    units: dict[tuple[frozenset[str], bool, str | None, frozenset[Named]], list[int]]
    units = defaultdict(list)
    for i, (item, f) in enumerate(zip(items, facts, strict=True)):
        text = item.text
        units[(content_words(text), negated(text), f.whom, f.names)].append(i)
    # in the order of each unit's members sorted by (text, index): as no index is in two
    # units, their first (text, index) alone orders them
    unit_list = sorted(units.values(), key=lambda m: min((items[i].text, i) for i in m))
    for members in unit_list:
        first = members[0]
        for k in members[1:]:
            yield first, k
    firsts = [members[0] for members in unit_list]
    for ua, ub in sorted(candidate_pairs_of([facts[i].indexed for i in firsts])):
        a, b = firsts[ua], firsts[ub]
        if same(items[a], facts[a], items[b], facts[b], similarity):
            yield a, b


def _most_named(names: list[str | None]) -> str | None:
    """The name given most often; ties: the first given."""
    counts: dict[str, int] = {}
    for n in names:
        if n:
            counts[n] = counts.get(n, 0) + 1
    if not counts:
        return None
    most = max(counts.values())
    return next(n for n, count in counts.items() if count == most)


_by_source_and_text = attrgetter("source", "text")


def _claim(cluster: list[ClaimItem], story: Mapping[int, int]) -> Claim:
    cluster = sorted(cluster, key=_by_source_and_text)
    sources = sorted({i.source for i in cluster})
    return Claim(
        who=_most_named([i.who for i in cluster]) or "unknown",
        claimants=list(dict.fromkeys(i.who for i in cluster if i.who)),
        whom=_most_named([i.whom for i in cluster]),
        what=max((i.text for i in cluster), key=lambda t: (len(t), t)),
        certainty=firmest([i.certainty for i in cluster]) or "reported",
        sources=sources,
        independent=origins.count(story, [(i.source, i.quote) for i in cluster]),
        quotes=quotes_of([(i.source, i.quote, i.certainty, i.index) for i in cluster]),
    )
