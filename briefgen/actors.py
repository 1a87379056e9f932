"""Actor resolution: which mentions across articles are the same person or body. Pure.

A false merge is worse than a missed one, so links are made only on evidence:
- the same name once spelling, hyphens, honorifics and possessives are folded
  ("Mr. Kim Jong-un's" -> "kim jong un");
- a near-identical full name (transliteration: "Sergei" / "Sergey"), compared only within a
  block of names sharing a first letter, so cost grows with mentions, not their square;
- an alias the model reported for the actor in its own article;
- a lone surname ("Kirby") joins the one full name it can mean, never one of several.
Role-only mentions ("the North Korean leader") link within their article only, through the
model's aliases; across articles they could mean anybody.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from briefgen.grouping import UnionFind
from briefgen.schemas import Actor, ActorKind, BriefActor

HONORIFICS = frozenset(
    """mr mrs ms miss dr sir madam comrade president premier chairman general admiral secretary
    minister ambassador senator spokesman spokeswoman spokesperson leader supreme former
    deputy prime foreign defense defence state national security council adviser advisor
    coordinator""".split()
)
ROLE_WORDS = frozenset(
    """leader president minister spokesman spokeswoman spokesperson official officials adviser
    advisor ambassador secretary chairman premier administration government regime delegation
    analysts analyst envoy coordinator head chief""".split()
)
_POSSESSIVE = re.compile(r"['’]s\b")
_NON_WORD = re.compile(r"[^\w\s]")
SIMILAR = 90.0


def fold(name: str) -> str:
    """Case, punctuation, hyphens and possessives folded: 'Kim Jong-un’s' -> 'kim jong un'."""
    text = _POSSESSIVE.sub("", name.replace("-", " "))
    return " ".join(_NON_WORD.sub(" ", text).casefold().split())


def person_key(name: str) -> str:
    """A person's name without honorifics or titles: 'Russian President Vladimir Putin'
    keeps only what is not a title word, so titles written into names do not block a match."""
    tokens = [t for t in fold(name).split() if t not in HONORIFICS]
    while tokens and tokens[0] in {"the", "u", "us", "russian", "north", "korean", "american"}:
        tokens.pop(0)
    return " ".join(tokens)


def is_name_like(alias: str) -> bool:
    """True for names ('Mr. Kim', 'Kim Jong Un'), false for descriptions ('the leader')."""
    words = [w for w in alias.replace("-", " ").split() if w]
    if not words or any(fold(w) in ROLE_WORDS for w in words):
        return False
    return all(w[:1].isupper() or not w[:1].isalpha() for w in words)


@dataclass(frozen=True)
class Mention:
    """One actor as one article reports it; `source` is the article's citation number."""

    source: int
    actor: Actor


def _keys(actor: Actor) -> set[str]:
    names = [actor.name, *(a for a in actor.aliases if is_name_like(a))]
    if actor.kind == "person":
        return {k for k in map(person_key, names) if k}
    return {k for k in map(fold, names) if k}


def resolve(mentions: list[Mention]) -> list[list[int]]:
    """Group mention indexes into actors; groups and members come in first-seen order."""
    sets = UnionFind(len(mentions))
    by_key: dict[tuple[ActorKind, str], int] = {}
    lone: dict[str, list[int]] = defaultdict(list)
    for i, mention in enumerate(mentions):
        for key in _keys(mention.actor):
            if mention.actor.kind == "person" and " " not in key:
                lone[key].append(i)  # a surname alone may mean several people
                continue
            slot = (mention.actor.kind, key)
            if slot in by_key:
                sets.union(by_key[slot], i)
            else:
                by_key[slot] = i

    _link_similar(sets, by_key)
    _link_surnames(sets, by_key, lone)
    return sorted(sets.groups(), key=lambda members: members[0])


def _link_similar(sets: UnionFind, by_key: dict[tuple[ActorKind, str], int]) -> None:
    blocks: dict[tuple[ActorKind, str], list[tuple[str, int]]] = defaultdict(list)
    for (kind, key), index in by_key.items():
        blocks[(kind, key[0])].append((key, index))
    for members in blocks.values():
        for n, (key_a, a) in enumerate(members):
            compact_a = key_a.replace(" ", "")
            for key_b, b in members[n + 1 :]:
                if len(key_a.split()) != len(key_b.split()):
                    continue
                if fuzz.ratio(compact_a, key_b.replace(" ", ""), score_cutoff=SIMILAR):
                    sets.union(a, b)


def _link_surnames(
    sets: UnionFind, by_key: dict[tuple[ActorKind, str], int], lone: dict[str, list[int]]
) -> None:
    """A lone name joins the single person whose full name begins or ends with it; with no
    such person, lone mentions of the same name join each other; with several, nothing."""
    owners: dict[str, set[int]] = defaultdict(set)
    for (kind, key), index in by_key.items():
        if kind == "person":
            parts = key.split()
            for part in (parts[0], parts[-1]):
                owners[part].add(sets.find(index))
    for key, indexes in lone.items():
        roots = owners.get(key, set())
        if len(roots) > 1:
            continue
        anchor = next(iter(roots)) if roots else indexes[0]
        for index in indexes:
            sets.union(index, anchor)


def canonical_name(actors: Iterable[Actor]) -> str:
    """The most used of the fullest names; ties go to the longer, then alphabetical."""
    names = Counter(a.name for a in actors)
    return max(names, key=lambda n: (len(person_key(n).split()), names[n], len(n), n))


OFFICIAL_ROLES = frozenset(
    """president premier prime minister leader chairman chairwoman ambassador envoy spokesman
    spokeswoman spokesperson secretary adviser advisor coordinator king queen chancellor
    foreign defense defence state council""".split()
)


def is_official(roles: Iterable[str]) -> bool:
    """Speaks for a state or office by role: not an analyst, not a *former* minister."""
    for role in roles:
        words = fold(role).split()
        if words and words[0] != "former" and OFFICIAL_ROLES & set(words):
            return True
    return False


def sides(actors: list[BriefActor], affiliations: dict[str, list[str]]) -> dict[str, str]:
    """Actor name -> the name of the actor it speaks for (itself when it speaks for itself).

    Countries speak for themselves; an office (White House, Kremlin) for the country it belongs
    to; a person for their office or country only when their role is an official one. The
    affiliation is matched to an actor by name, or by a country named inside it
    ("U.S. National Security Council", "Russian President").
    """
    by_name: dict[str, BriefActor] = {}
    for actor in actors:
        for name in actor.names:
            by_name.setdefault(fold(name), actor)
    countries = [a for a in actors if a.kind == "country"]

    def country_in(text: str) -> BriefActor | None:
        words = fold(text).split()
        for country in countries:
            for name in country.names:
                target = fold(name).split()
                for i in range(len(words) - len(target) + 1):
                    window = words[i : i + len(target)]
                    last, wanted = window[-1], target[-1]
                    # "Russian" names Russia; "us" must not match "used"
                    demonym = len(wanted) >= 4 and last.startswith(wanted)
                    if window[:-1] == target[:-1] and (last == wanted or demonym):
                        return country
        return None

    def affiliated(actor: BriefActor) -> BriefActor | None:
        texts = affiliations.get(actor.name, [])
        if actor.kind == "person":
            texts = [*texts, *actor.roles]
        for text in texts:
            found = by_name.get(fold(text)) or country_in(text)
            if found is not None and found is not actor:
                return found
        return None

    result: dict[str, str] = {}
    for actor in actors:
        speaks_for = actor
        if actor.kind != "country" and (actor.kind == "organization" or is_official(actor.roles)):
            for _ in range(2):  # person -> office -> country
                above = affiliated(speaks_for)
                if above is None or above.kind == "person":
                    break
                speaks_for = above
        result[actor.name] = speaks_for.name
    return result
