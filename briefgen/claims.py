"""Folding asks, warnings and motives across articles into claims. Pure.

Two items are one claim when they come from the same side, are aimed at a compatible party, and
say the same thing (`same`):

- *side*: a state's leader, ministers, envoys, spokespeople and offices speak for the state, so
  "Putin wants shells" and "Russia wants shells" are one claim with both claimants listed.
  Independent voices (analysts, experts, a former minister) stay themselves. Different sides
  never fold.
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
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from briefgen.grouping import UnionFind, firmest, quotes_of
from briefgen.schemas import Certainty, Claim
from briefgen.similarity import (
    Named,
    Similarity,
    candidate_pairs_of,
    content_words,
    country_of,
    fold_name,
    names_conflict,
    names_in,
    negated,
    vetoes,
)


@dataclass(frozen=True)
class ClaimItem:
    source: int
    who: str | None
    whom: str | None
    text: str
    certainty: Certainty
    quote: str
    index: int | None = None  # position in its article's list, so citations point at the item


# Same side and the same counterpart (given as the item's target, or a party both texts name)
# is evidence beside the words: such a pair needs less overlap to be one claim.
TARGET_THRESHOLD = 0.35


@dataclass(frozen=True)
class _Facts:
    """What the rule compares about one item, beside its text."""

    side: str | None
    whom: str | None  # the side of its explicit counterpart
    names: frozenset[Named]  # every name its text uses (resolved) and its role, own side left out
    targets: frozenset[str]  # the parties it is aimed at: its counterpart and story actors named
    substance: frozenset[str]


def fold(
    items: Sequence[ClaimItem],
    side: Callable[[str | None], str | None],
    story: Mapping[int, int],
    similarity: Similarity,
    statements: bool = True,
    party: Callable[[int, str], str | None] | None = None,
) -> list[Claim]:
    """Claims from items; `side` maps a party to the side it speaks for, `story` a source to its
    story group (for counting independent sources). `statements` is false for motives: two
    holders of one motive ("both want less U.S. influence") are two claims, while two speakers
    of one statement are one. `party` maps a name as an article writes it to the side of the
    story's actor it names (None when it names none); without it a name stands for itself."""
    facts = [_facts(item, side, similarity, party) for item in items]
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
    claims = [_claim([items[i] for i in group], story) for group in sets.groups()]
    return sorted(claims, key=lambda c: (-c.independent, -len(c.sources), c.sources[0], c.what))


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
    shared = fa.substance & fb.substance
    if not shared or len(shared) < min(2, len(fa.substance), len(fb.substance)):
        return False
    threshold = TARGET_THRESHOLD if fa.targets & fb.targets else similarity.threshold
    return similarity.score(a.text, b.text) >= threshold


def _facts(
    item: ClaimItem,
    side: Callable[[str | None], str | None],
    similarity: Similarity,
    party: Callable[[int, str], str | None] | None,
) -> _Facts:
    own = side(item.who)
    whom = side(item.whom)
    mine = fold_name(own) if own else None
    names: set[Named] = set()
    targets: set[str] = set() if whom is None else {fold_name(whom)}
    for phrase, role in names_in(item.text):
        found = party(item.source, phrase) if party else None
        country = None if found else country_of(phrase)
        if country is not None and party is not None:
            found = party(item.source, country)
        key = fold_name(found or country or phrase)
        if key != mine:
            names.add((key, role))
            if found:
                targets.add(key)
    return _Facts(
        side=own,
        whom=whom,
        names=frozenset(names),
        targets=frozenset(targets - {mine}),
        substance=similarity.substance(item.text),
    )


def _linked(
    items: Sequence[ClaimItem], facts: Sequence[_Facts], similarity: Similarity
) -> Iterable[tuple[int, int]]:
    """Index pairs judged the same claim, among items of one side.

    Items with the same words, counterpart and names are one unit and join without being
    compared; units are compared in pairs that share a not-too-common word (the word index), so
    the cost grows with the number of distinct claims, not its square."""
    units: dict[tuple[frozenset[str], bool, str | None, frozenset[Named]], list[int]]
    units = defaultdict(list)
    for i, item in enumerate(items):
        key = (content_words(item.text), negated(item.text), facts[i].whom, facts[i].names)
        units[key].append(i)
    unit_list = sorted(units.values(), key=lambda m: sorted((items[i].text, i) for i in m))
    for members in unit_list:
        for k in members[1:]:
            yield members[0], k
    firsts = [members[0] for members in unit_list]
    for ua, ub in sorted(candidate_pairs_of([facts[i].substance for i in firsts])):
        a, b = firsts[ua], firsts[ub]
        if same(items[a], facts[a], items[b], facts[b], similarity):
            yield a, b


def _most_named(names: list[str | None]) -> str | None:
    counts = Counter(n for n in names if n)
    if not counts:
        return None
    return min(counts, key=lambda n: (-counts[n], names.index(n)))


def _claim(cluster: list[ClaimItem], story: Mapping[int, int]) -> Claim:
    cluster = sorted(cluster, key=lambda i: (i.source, i.text))
    sources = sorted({i.source for i in cluster})
    return Claim(
        who=_most_named([i.who for i in cluster]) or "unknown",
        claimants=list(dict.fromkeys(i.who for i in cluster if i.who)),
        whom=_most_named([i.whom for i in cluster]),
        what=max((i.text for i in cluster), key=lambda t: (len(t), t)),
        certainty=firmest([i.certainty for i in cluster]) or "reported",
        sources=sources,
        independent=len({story.get(n, n) for n in sources}),
        quotes=quotes_of([(i.source, i.quote, i.certainty, i.index) for i in cluster]),
    )
