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
from functools import lru_cache

from rapidfuzz.distance import Hamming

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
MIN_SIMILAR_LENGTH = 8


@lru_cache(maxsize=1 << 16)  # names repeat across articles: fold each once
def fold(name: str) -> str:
    """Case, punctuation, hyphens and possessives folded: 'Kim Jong-un’s' -> 'kim jong un'."""
    text = _POSSESSIVE.sub("", name.replace("-", " "))
    return " ".join(_NON_WORD.sub(" ", text).casefold().split())


@lru_cache(maxsize=1 << 16)  # names repeat across articles: fold each once
def person_tokens(name: str) -> tuple[str, ...]:
    """A person's name as tokens, titles dropped: 'Russian President Vladimir Putin' ->
    ['vladimir', 'putin']. Whatever precedes the last title word is the title's own
    description ('North Korean Supreme Leader'), so only what follows it is the name.
    Hyphens join rather than split ('Jong-un' -> 'jongun', 'Thomas-Greenfield' one surname)."""
    text = _POSSESSIVE.sub("", name).replace("-", "")
    tokens = " ".join(_NON_WORD.sub(" ", text).casefold().split()).split()
    titles = [i for i, t in enumerate(tokens) if t in HONORIFICS]
    if titles and titles[-1] + 1 < len(tokens):
        return tuple(tokens[titles[-1] + 1 :])
    return tuple(t for t in tokens if t not in HONORIFICS)


def person_key(name: str) -> str:
    """The name with spacing folded away: 'Kim Jong-un' and 'Kim Jong Un' -> 'kimjongun'."""
    return "".join(person_tokens(name))


def is_full_name(name: str) -> bool:
    return len(person_tokens(name)) >= 2


@lru_cache(maxsize=1 << 16)  # names repeat across articles: fold each once
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


def _keys(actor: Actor) -> set[tuple[str, bool]]:
    """(key, is a full name) for the actor's name and its name-like aliases."""
    names = [actor.name, *(a for a in actor.aliases if is_name_like(a))]
    if actor.kind == "person":
        return {(person_key(n), is_full_name(n)) for n in names if person_key(n)}
    return {(k, True) for k in map(fold, names) if k}


def resolve(mentions: list[Mention]) -> list[list[int]]:
    """Group mention indexes into actors; groups and members come in first-seen order."""
    sets = UnionFind(len(mentions))
    by_key: dict[tuple[ActorKind, str], int] = {}
    lone: dict[str, list[int]] = defaultdict(list)
    tokens: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for i, mention in enumerate(mentions):
        actor = mention.actor
        for name in (actor.name, *actor.aliases):
            if actor.kind == "person" and is_name_like(name) and is_full_name(name):
                tokens[person_key(name)].add(person_tokens(name))
        for key, full in _keys(actor):
            if not full:
                lone[key].append(i)  # a surname alone may mean several people
                continue
            slot = (actor.kind, key)
            if slot in by_key:
                sets.union(by_key[slot], i)
            else:
                by_key[slot] = i
    _link_similar(sets, by_key)
    _link_surnames(sets, by_key, lone, tokens)
    return sorted(sets.groups(), key=lambda members: members[0])


def _link_similar(sets: UnionFind, by_key: dict[tuple[ActorKind, str], int]) -> None:
    """Join full names one letter apart ('sergeishoigu' / 'sergeyshoigu'): a substitution, as
    transliteration makes, never an added or dropped letter ('Petrov' / 'Petrova' are two
    people). Two such keys agree on their first or their second half, so blocks by half keep
    the comparisons few."""
    blocks: dict[tuple[ActorKind, int, int, str], list[tuple[str, int]]] = defaultdict(list)
    for (kind, key), index in by_key.items():
        if len(key) >= MIN_SIMILAR_LENGTH:
            half = len(key) // 2
            blocks[(kind, len(key), 0, key[:half])].append((key, index))
            blocks[(kind, len(key), 1, key[half:])].append((key, index))
    for members in blocks.values():
        for n, (key_a, a) in enumerate(members):
            for key_b, b in members[n + 1 :]:
                if Hamming.distance(key_a, key_b) == 1:
                    sets.union(a, b)


def _link_surnames(
    sets: UnionFind,
    by_key: dict[tuple[ActorKind, str], int],
    lone: dict[str, list[int]],
    tokens: dict[str, set[tuple[str, ...]]],
) -> None:
    """A lone name joins the single person whose full name begins or ends with it; with no
    such person, lone mentions of the same name join each other; with several, nothing.

    A name 'ends with' its surname however the surname is spaced: 'Omar Tanaka Ivanova' owns
    'Ivanova' and 'Tanaka-Ivanova' alike, so two Tanaka-Ivanovas are seen as two."""
    owners: dict[str, set[int]] = defaultdict(set)
    for (kind, key), index in by_key.items():
        for parts in tokens.get(key, ()) if kind == "person" else ():
            for part in (parts[0], *("".join(parts[k:]) for k in range(1, len(parts)))):
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
    return max(names, key=lambda n: (len(person_key(n)), names[n], len(n), n))


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
