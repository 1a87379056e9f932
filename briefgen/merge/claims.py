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
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import combinations
from operator import attrgetter

from briefgen.merge import origins
from briefgen.merge.grouping import UnionFind, claim_quote, firmest
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
from briefgen.schemas import Certainty, Claim, ClaimKind, ItemRef, Judgement
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
    kind: str = "claims"  # asks, warnings or motives: the list of its article it is in


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
    """Claims from items of one kind; `side` maps a party to the side it speaks for, `story` a
    source to its story group (for counting independent sources). `statements` is false for
    motives: two holders of one motive ("both want less U.S. influence") are two claims, while
    two speakers of one statement are one. `party` maps a name as an article writes it to the
    side of the story's actor it names (None when it names none); without it a name stands for
    itself.

    `decisions` (pair_key -> Decision, for items of this `kind`) join near misses judged the
    same claim; every decision that concerns a claim's items is quoted in its `judged`."""
    typed = [item if item.kind == kind else replace(item, kind=kind) for item in items]
    folded = _gather({kind: typed}, side, story, similarity, party, decisions, {kind: statements})
    return folded[kind]


def gather_kinds(
    items: Mapping[str, Sequence[ClaimItem]],
    side: Callable[[str | None], str | None],
    story: Mapping[int, int],
    similarity: Similarity,
    party: Callable[[int, str], str | None] | None = None,
    *,
    decisions: Mapping[str, Decision] | None = None,
) -> dict[str, list[Claim]]:
    """Claims from the items of every kind (kind -> its items: asks, warnings, motives), folded
    within each kind as `gather` does, and across kinds where one side says the same thing as
    an ask in one article and a warning or motive in another (`across`), or a decision says so.
    A claim is listed under the kind most of its sources give it (ties: asks, warnings,
    motives); its `kinds` names the others. Motives are not statements (see `gather`)."""
    typed = {
        k: [i if i.kind == k else replace(i, kind=k) for i in found] for k, found in items.items()
    }
    statements = {k: k != "motives" for k in typed}
    return _gather(typed, side, story, similarity, party, decisions, statements)


def _gather(
    items: Mapping[str, Sequence[ClaimItem]],
    side: Callable[[str | None], str | None],
    story: Mapping[int, int],
    similarity: Similarity,
    party: Callable[[int, str], str | None] | None,
    decisions: Mapping[str, Decision] | None,
    statements: Mapping[str, bool],
) -> dict[str, list[Claim]]:
    flat = [item for found in items.values() for item in found]
    facts = _all_facts(flat, side, similarity, party)
    sets = _folded(flat, facts, similarity, statements)
    judged: dict[int, dict[str, Judgement]] = defaultdict(dict)
    if decisions:
        applied = []
        for i, j, key, _ in _near_misses(flat, facts, similarity, sets, party):
            if (decision := decisions.get(key)) is not None:
                applied.append((i, j, key, decision))
        for i, j, key, decision in applied:
            if decision.same:
                sets.union(i, j)
            refs = sorted([(flat[i].source, flat[i].index), (flat[j].source, flat[j].index)])
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
    claims: dict[str, list[Claim]] = {kind: [] for kind in items}
    for group in sets.groups():
        notes: dict[str, Judgement] = {}
        for i in group:
            for key, note in judged.get(i, {}).items():
                if key not in notes or _ref_order(note) < _ref_order(notes[key]):
                    notes[key] = note
        claim = _claim([flat[i] for i in group], story, side)
        if notes:
            claim.judged = sorted(notes.values(), key=_ref_order)
        claims[claim.kinds[0] if claim.kinds else flat[group[0]].kind].append(claim)
    return {
        kind: sorted(found, key=lambda c: (-c.independent, -len(c.sources), c.sources[0], c.what))
        for kind, found in claims.items()
    }


def candidates(
    items: Sequence[ClaimItem],
    side: Callable[[str | None], str | None],
    similarity: Similarity,
    statements: bool = True,
    party: Callable[[int, str], str | None] | None = None,
    *,
    kind: str = "claims",
) -> list[Candidate]:
    """The near misses `gather` would leave apart among items of one kind (see `candidates_of`)."""
    typed = [replace(item, kind=kind) for item in items]
    return _candidates({kind: typed}, side, similarity, party, {kind: statements})


def candidates_of(
    items: Mapping[str, Sequence[ClaimItem]],
    side: Callable[[str | None], str | None],
    similarity: Similarity,
    party: Callable[[int, str], str | None] | None = None,
) -> list[Candidate]:
    """The near misses `gather_kinds` would leave apart, closest first: for each two lexical
    claims of one side with compatible explicit counterparts, no conflicting names and no veto
    but a substituted slot, the closest pair of their items that share a word of substance, of
    one kind or two; or, failing that, a pair from articles in different languages, which
    cannot share a word (`_across_languages`). These are the questions for a model
    (claimcheck.py); its answers go back to `gather_kinds` as `decisions`."""
    typed = {k: [replace(i, kind=k) for i in found] for k, found in items.items()}
    return _candidates(typed, side, similarity, party, {k: k != "motives" for k in typed})


def _candidates(
    items: Mapping[str, Sequence[ClaimItem]],
    side: Callable[[str | None], str | None],
    similarity: Similarity,
    party: Callable[[int, str], str | None] | None,
    statements: Mapping[str, bool],
) -> list[Candidate]:
    flat = [item for found in items.values() for item in found]
    facts = _all_facts(flat, side, similarity, party)
    sets = _folded(flat, facts, similarity, statements)
    best: dict[tuple[int, int], Candidate] = {}
    for i, j, key, score in _near_misses(flat, facts, similarity, sets, party):
        ri, rj = sets.find(i), sets.find(j)
        groups = (min(ri, rj), max(ri, rj))
        a, b = flat[i], flat[j]
        found = Candidate(key, _pair_kind(a, b), a, b, score)
        known = best.get(groups)
        if known is None or (-score, found.key) < (-known.score, known.key):
            best[groups] = found
    return sorted(best.values(), key=lambda c: (-c.score, c.key))


def pair_key(kind: str, a: ClaimItem, b: ClaimItem) -> str:
    """What identifies a question about two items, whichever comes first: the kind, and each
    item's text with its claimant and counterpart as its article writes them. Two items of
    different kinds (each item's own `kind`) are asked as such: their kind is "asks+warnings"
    (the two sorted), and each item's kind is part of its signature."""
    if a.kind != b.kind and a.kind != "claims" and b.kind != "claims":
        return _kind_key(_pair_kind(a, b), _pair_digest(a, b))
    return _kind_key(kind, _pair_digest(a, b))


def _pair_kind(a: ClaimItem, b: ClaimItem) -> str:
    return a.kind if a.kind == b.kind else "+".join(sorted((a.kind, b.kind)))


def _kind_key(kind: str, digest: str) -> str:
    return f"{kind}:{digest}"


def _pair_digest(a: ClaimItem, b: ClaimItem) -> str:
    if a.kind != b.kind:  # across kinds: each item's kind is part of what is asked
        mixed = sorted(((a.kind, *_signature(a)), (b.kind, *_signature(b))))
        return hashlib.sha256(json.dumps(mixed).encode()).hexdigest()[:32]
    first, second = sorted((_signature(a), _signature(b)))
    return hashlib.sha256(json.dumps([first, second]).encode()).hexdigest()[:32]


def _signature(item: ClaimItem) -> tuple[str, str, str]:
    return (item.said_by or item.who or "", item.said_to or item.whom or "", item.text)


def _ref_order(note: Judgement) -> tuple[tuple[int, int], ...]:
    return tuple((r.source, -1 if r.item is None else r.item) for r in note.pair)


def _folded(
    items: Sequence[ClaimItem],
    facts: Sequence[_Facts],
    similarity: Similarity,
    statements: Mapping[str, bool],
) -> UnionFind:
    """Items joined by the lexical rule within each kind (`_lexical`), then across kinds
    (`across`)."""
    sets = UnionFind(len(items))
    by_kind: dict[str, list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        by_kind[item.kind].append(i)
    for kind, members in by_kind.items():
        inner = _lexical(
            [items[i] for i in members],
            [facts[i] for i in members],
            similarity,
            statements.get(kind, True),
        )
        for group in inner.groups():
            for k in group[1:]:
                sets.union(members[group[0]], members[k])
    if len(by_kind) > 1:
        for i, j in list(_across(items, facts, similarity, sets)):
            sets.union(i, j)
    return sets


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


def _across(
    items: Sequence[ClaimItem], facts: Sequence[_Facts], similarity: Similarity, sets: UnionFind
) -> Iterable[tuple[int, int]]:
    """Pairs of items of different kinds that one side states as the same thing: an ask in one
    article, a warning or motive in another ("Putin wants Kim to commit to sending anti-tank
    missiles and artillery shells" / "Mr. Putin wants artillery ammunition and anti-tank
    missiles"). The lexical rule (`same`) must hold, and more: every word of substance of one
    is in the other. An ask and a warning on one subject share its words without saying the
    same thing ("stop arms talks" / "arms talks are advancing"); that one text says all the
    other says is what tells the same claim in another kind. The text contained must say
    something of its own (ACROSS_KINDS_WORDS words of substance: "weapons for its war" is in
    every text about the war's weapons), and a claim of one kind joins a claim of another only
    when it has no second candidate of that kind: a text that fits two claims of another kind
    tells neither."""
    links: dict[tuple[int, int], tuple[int, int]] = {}
    partners: dict[tuple[int, str], set[int]] = defaultdict(set)
    for i, j in _contained(items, facts, similarity, sets):
        ri, rj = sets.find(i), sets.find(j)
        links.setdefault((min(ri, rj), max(ri, rj)), (i, j))
        partners[(ri, items[j].kind)].add(rj)
        partners[(rj, items[i].kind)].add(ri)
    for i, j in links.values():
        ri, rj = sets.find(i), sets.find(j)
        if len(partners[(ri, items[j].kind)]) == 1 == len(partners[(rj, items[i].kind)]):
            yield i, j


# The words of substance a text needs to join a claim of another kind by being contained in it.
ACROSS_KINDS_WORDS = 3


def _contained(
    items: Sequence[ClaimItem], facts: Sequence[_Facts], similarity: Similarity, sets: UnionFind
) -> Iterable[tuple[int, int]]:
    """Pairs of items of different kinds, one side, the lexical rule holding and the substance
    of one (of ACROSS_KINDS_WORDS words or more) all in the other."""
    blocks: dict[str | None, list[int]] = defaultdict(list)
    for i in range(len(items)):
        if facts[i].side is not None:
            blocks[facts[i].side].append(i)
    for members in blocks.values():
        if len({items[i].kind for i in members}) < 2:
            continue
        for ua, ub in sorted(candidate_pairs_of([facts[i].indexed for i in members])):
            i, j = members[ua], members[ub]
            a, b, fa, fb = items[i], items[j], facts[i], facts[j]
            if a.kind == b.kind or sets.find(i) == sets.find(j):
                continue
            if not same(a, fa, b, fb, similarity):
                continue
            sa, sb = (
                matched(fa.substance, fb.substance)
                if similarity.kinds
                else (
                    fa.substance,
                    fb.substance,
                )
            )
            if min(len(sa), len(sb)) >= ACROSS_KINDS_WORDS and (sa <= sb or sb <= sa):
                yield i, j


def _near_misses(
    items: Sequence[ClaimItem],
    facts: Sequence[_Facts],
    similarity: Similarity,
    sets: UnionFind,
    party: Callable[[int, str], str | None] | None = None,
) -> Iterable[tuple[int, int, str, float]]:
    """(i, j, pair key, score) for item pairs in different lexical claims that a model may
    judge: one side, explicit counterparts not different, a shared word of substance, names
    not in conflict, neither negation nor opposites between them; of one kind, or of two with a
    score of ACROSS_KINDS_FLOOR. Pairs
    come from the word index, not from all pairs; then the pairs across languages
    (`_across_languages`)."""
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
            score = similarity.score(a.text, b.text)
            if a.kind != b.kind and score < ACROSS_KINDS_FLOOR:
                continue
            yield i, j, _kind_key(_pair_kind(a, b), _pair_digest(a, b)), score
    yield from _across_languages(items, facts, sets, party)


# An ask and a motive of one side share the words of their subject ("Russia", "weapons",
# "war") without being one claim: across kinds a near miss must score this much to be asked.
ACROSS_KINDS_FLOOR = 0.3
# At most this many questions about one claim of one language against claims of others: the
# closest (same claimant, same counterpart) first.
LANGUAGE_PARTNERS = 6
# The score a pair across languages is ranked by (no shared word to weigh): below any pair
# that shares words and passes the threshold, in the order of what else they share.
_ACROSS_LANGUAGES_SCORE = 0.2


def _across_languages(
    items: Sequence[ClaimItem],
    facts: Sequence[_Facts],
    sets: UnionFind,
    party: Callable[[int, str], str | None] | None = None,
) -> Iterable[tuple[int, int, str, float]]:
    """Near misses the word index cannot find: two items of one side from articles in
    different languages ("die Ursachen des Konflikts beseitigen" / "устранить все первопричины
    конфликта"), which share no word of substance, with compatible counterparts
    (`_counterparts_compatible`). The names a text uses are not compared: capitalised words
    are not names in German, and a place is spelt in each language its own way. Bounded: for
    each lexical claim at most LANGUAGE_PARTNERS others, those with the same claimant, the same
    counterpart (or none on both) and the same kind first. A source's language is guessed from
    its items' quotes (`language_of`); a source whose language is unknown has no such pairs."""
    language = _source_languages(items)
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        if (own := facts[i].side) is not None and language.get(item.source):
            blocks[own].append(i)
    for members in blocks.values():
        if len({language[items[i].source] for i in members}) < 2:
            continue
        found: dict[tuple[int, int], tuple[float, int, int]] = {}
        for ua, ub in combinations(range(len(members)), 2):
            i, j = members[ua], members[ub]
            a, b, fa, fb = items[i], items[j], facts[i], facts[j]
            if language[a.source] == language[b.source] or sets.find(i) == sets.find(j):
                continue
            if fa.substance & fb.substance:  # they share a word: the word index has them
                continue
            if not _counterparts_compatible(a, fa, b, fb, party):
                continue
            score = _ACROSS_LANGUAGES_SCORE
            score += 0.05 * (a.who is not None and a.who == b.who)
            score += 0.05 * (fa.whom == fb.whom)
            score += 0.05 * (a.kind == b.kind)
            ri, rj = sets.find(i), sets.find(j)
            pair = (min(ri, rj), max(ri, rj))
            known = found.get(pair)
            if known is None or (-score, i, j) < (-known[0], known[1], known[2]):
                found[pair] = (score, i, j)
        taken: dict[int, int] = defaultdict(int)
        for score, i, j in sorted(found.values(), key=lambda f: (-f[0], f[1], f[2])):
            ri, rj = sets.find(i), sets.find(j)
            if taken[ri] >= LANGUAGE_PARTNERS or taken[rj] >= LANGUAGE_PARTNERS:
                continue
            taken[ri] += 1
            taken[rj] += 1
            a, b = items[i], items[j]
            yield i, j, _kind_key(_pair_kind(a, b), _pair_digest(a, b)), score


def _counterparts_compatible(
    a: ClaimItem,
    fa: _Facts,
    b: ClaimItem,
    fb: _Facts,
    party: Callable[[int, str], str | None] | None,
) -> bool:
    """Across languages: the same counterpart, or one unsaid, or two that name no actor of the
    story ("Kyiv and European capitals" / "Kiew und die europäischen Hauptstädte": written in
    two languages, resolved to nobody, so not known to differ)."""
    if fa.whom is None or fb.whom is None or fa.whom == fb.whom:
        return True
    if party is None or a.said_to is None or b.said_to is None:
        return False
    return party(a.source, a.said_to) is None and party(b.source, b.said_to) is None


def _source_languages(items: Sequence[ClaimItem]) -> dict[int, str | None]:
    """Each source's language, guessed from the quotes of all its items together."""
    quotes: dict[int, list[str]] = defaultdict(list)
    for item in items:
        quotes[item.source].append(item.quote)
    return {n: language_of(" ".join(found)) for n, found in quotes.items()}


# Words frequent in one language's news copy and not a word of the others (function words):
# enough to tell the wire languages apart in a sentence or two of quotes.
_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the and of to that is was for with said has have this from by".split()),
    "de": frozenset("der die das und nicht den dem zu ist mit ein eine sich auf von des".split()),
    "fr": frozenset("le les et du une est pour dans pas au sur qui des aux".split()),
    "it": frozenset("il di che della non per del una gli sono nel alla".split()),
    "es": frozenset("el los las del que por una para con su más".split()),
    "pt": frozenset("os da do não uma com para em ao pela pelo".split()),
}
_WORD_RE = re.compile(r"\w+")


@lru_cache(maxsize=1 << 12)
def language_of(text: str) -> str | None:
    """The language a text is in, guessed: by script where the script tells (Cyrillic: Russian,
    or Ukrainian when it has і, ї, є or ґ; Greek, Arabic, Hebrew, CJK by script), else by the
    wire languages' function words (`_FUNCTION_WORDS`, the most found; none or a tie: None).

    Used only to bound which pairs of claims are asked about across languages; a library
    (py3langid, lingua) would need numpy or large models for that one yes/no."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return None
    scripts: dict[str, int] = defaultdict(int)
    for c in letters:
        scripts[_script(c)] += 1
    script = max(scripts, key=lambda k: scripts[k])
    if script == "CYRILLIC":
        return "uk" if any(c in "іїєґІЇЄҐ" for c in text) else "ru"
    if script != "LATIN":
        return script.lower()
    words = [w.casefold() for w in _WORD_RE.findall(text)]
    votes = {lang: sum(w in table for w in words) for lang, table in _FUNCTION_WORDS.items()}
    most = max(votes.values())
    winners = [lang for lang, count in votes.items() if count == most]
    return winners[0] if most and len(winners) == 1 else None


@lru_cache(maxsize=1 << 10)
def _script(c: str) -> str:
    name = unicodedata.name(c, "")
    return name.split(" ")[0] if name else "UNKNOWN"


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


_by_source_and_text = attrgetter("source", "text")
KIND_ORDER: tuple[ClaimKind, ...] = ("asks", "warnings", "motives")


def _claim(
    cluster: list[ClaimItem],
    story: Mapping[int, int],
    side: Callable[[str | None], str | None] = lambda name: name,
) -> Claim:
    """One line: its claimants are those who each have a quote of their own in it (each quote
    says whose it is: `by`, and whom it addresses: `to`). One claimant is `who`; several are
    shown under the side they all speak for (never one of them standing for the others), or,
    when they share none (a joint statement of two analysts), by their names joined. The
    counterpart is the line's when every quote gives the same one; else each quote keeps its
    own. A line folding several kinds is listed under the kind most of its sources give it."""
    cluster = sorted(cluster, key=_by_source_and_text)
    sources = sorted({i.source for i in cluster})
    claimants = list(dict.fromkeys(i.who for i in cluster if i.who))
    if len(claimants) > 1:
        sides = {side(c) for c in claimants}
        (shared,) = sides if len(sides) == 1 else (None,)
        who = shared or " and ".join(claimants)
    else:
        who = claimants[0] if claimants else "unknown"
    counterparts = {i.whom for i in cluster}
    whom = next(iter(counterparts)) if len(counterparts) == 1 else None
    kinds = _kinds(cluster)
    unique = dict.fromkeys(
        (i.source, i.index, i.kind, i.quote, i.certainty, i.who, i.whom) for i in cluster
    )
    quotes = [
        claim_quote(n, q, c, k, by, to, _kind_of(kind))
        for n, k, kind, q, c, by, to in sorted(
            unique,
            key=lambda u: (
                u[0],
                KIND_ORDER.index(u[2]) if u[2] in KIND_ORDER else 0,
                -1 if u[1] is None else u[1],
            ),
        )
    ]
    return Claim(
        who=who,
        claimants=claimants,
        whom=whom,
        what=_what(cluster, kinds),
        certainty=firmest([i.certainty for i in cluster]) or "reported",
        sources=sources,
        independent=origins.count(story, [(i.source, i.quote) for i in cluster]),
        quotes=quotes,
        kinds=kinds if len(kinds) > 1 else [],
    )


def _what(cluster: Sequence[ClaimItem], kinds: Sequence[str]) -> str:
    """A line's words: in the kind it is listed under (a motive's line reads as a motive), in
    the language most of its items' quotes are in (ties: English), the longest."""
    own = [i for i in cluster if not kinds or i.kind == kinds[0]]
    languages = [language_of(i.quote) for i in own]
    counts: dict[str | None, int] = defaultdict(int)
    for language in languages:
        counts[language] += 1
    best = max(counts, key=lambda k: (counts[k], k == "en"))
    chosen = [i.text for i, language in zip(own, languages, strict=True) if language == best]
    return max(chosen, key=lambda t: (len(t), t))


def _kind_of(kind: str) -> ClaimKind | None:
    return next((k for k in KIND_ORDER if k == kind), None)


def _kinds(cluster: Sequence[ClaimItem]) -> list[ClaimKind]:
    """The kinds of a line's items, the one most of its sources give first (ties: asks,
    warnings, motives)."""
    sources: dict[ClaimKind, set[int]] = defaultdict(set)
    for item in cluster:
        if (kind := _kind_of(item.kind)) is not None:
            sources[kind].add(item.source)
    return sorted(sources, key=lambda k: (-len(sources[k]), KIND_ORDER.index(k)))
