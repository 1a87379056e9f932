"""Which articles tell the same story: a feed or a folder often mixes unrelated ones. Pure.

Articles are grouped into stories before merging, so that the places and dates of different
events are never compared. Near-copies of one wire story (`independence.story_groups`) are
always one story, and are compared as one unit.

Evidence that two units tell the same story, and what each piece of it is worth:

    a named person or organisation both name          1 each
    a specific place both give as the venue           1 each
    central events dated within a day of each other   0.5
    central events dated more than a week apart      -1
    a rare word both use in titles, claims or events  0.5 each, at most 4 counted

Named means a name, not a description ("the driver", "two people" are no evidence), with
titles, ages and middle initials folded away ("FBI Director James B. Comey" = "James Comey"),
and read in one spelling whatever the language or script, as actors read it ("Владимир Путин" =
"Wladimir Putin" = "Vladimir Poutine" = "Vladimir Putin", "OTAN" = "NATO";
`briefgen.text.names`), so that one event told in several languages is one story.
Countries never count, as actors or as places ("Russia" appears in unrelated stories), nor do
continents or a one-word body whose name is a common word ("Police"). A word is rare when it is
not among the common words (Zipf frequency 4 and up) of English or the other wire languages
(wordfreq's lists, kept in briefgen/data), and is not a name or place the article already gives.

Two units are one story when what they share is worth SAME_STORY (2) or more: two names, a name
and a place, a place, a day and a rare word... A shared country, a common word or one shared
name alone is not enough; two events dated weeks apart need a third piece of evidence (two
stories of one president in one office, a fortnight apart, stay apart; two reports that name the
same leaders and place but disagree on the date are one story with a date dispute). Those pairs
are grouped transitively (union-find).

Then a unit still standing alone joins the story it shares most with when what it shares is at
least half of its own evidence's worth (and at least 1): two one-name articles on "Kim Jong Un"
are one story, an article with nothing but "Donald Trump" joins a Trump story. It joins one
story only (ties: the larger), so it never bridges two stories that share only that name.

An article that names nobody (no named person or organisation) cannot be told apart: it joins
the story its place or words tie it to, or else the main (largest) story, rather than making a
section of its own that the reader could not place.

Candidate pairs come from an inverted index over names, places and words. A feature shared by
at most FULL units proposes all its pairs; a more common one (a hub name, a common place)
proposes each unit with its WINDOW next ones in a content order, so the cost is near-linear and
a story whose units share only common features is still chained together. Every choice depends
on the articles' contents and references only, so the grouping does not depend on their order.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from briefgen.merge.grouping import UnionFind
from briefgen.merge.places import facility
from briefgen.schemas import ArticleExtraction
from briefgen.text import lexicon
from briefgen.text.dates import bounds, resolve
from briefgen.text.fold import fold
from briefgen.text.names import body_variant, is_name_like, parse_person
from briefgen.text.stems import stem
from briefgen.text.words import STOP_WORDS, common_stems, common_words

SAME_STORY = 2.0
THIN_SHARE = 0.5
NEAR_DAYS = 1
FAR_DAYS = 7
FAR_PENALTY = 1.0
MAX_EVENT_DAYS = 7  # a central date coarser than a week ("in 2019", "September") is no evidence
DATE_WEIGHT = 0.5
WORD_WEIGHT = 0.5
MAX_WORDS = 4
FULL = 24
WINDOW = 4

# "outside the city of Vladivostok" -> "vladivostok"
_PLACE_PREFIX = re.compile(
    r"^(?:(?:in|at|on|near|outside|inside|off|from|around)\s+)*(?:(?:the|a|an)\s+)?"
    r"(?:(?:city|town|port|village|district|province|region)\s+of\s+)?"
)
WIDE_PLACES = frozenset(
    ("africa", "asia", "europe", "north america", "south america", "latin america", "oceania",
     "antarctica", "middle east", "west", "world", "worldwide", "international")
)  # fmt: skip

_WORD = re.compile(r"\w*[^\W\d_]\w*")


@dataclass(frozen=True, slots=True)
class Evidence:
    """What one unit (an article, or a set of its copies) can be told apart by."""

    actors: tuple[frozenset[str], ...]  # one key set per named actor
    places: frozenset[str]
    days: tuple[tuple[int, int], ...]  # central events, as (first, last) day ordinals
    words: frozenset[str]  # stems of rare words

    @property
    def actor_keys(self) -> frozenset[str]:
        return frozenset(k for keys in self.actors for k in keys)

    @property
    def worth(self) -> float:
        return (
            len(self.actors)
            + len(self.places)
            + (DATE_WEIGHT if self.days else 0.0)
            + WORD_WEIGHT * min(len(self.words), MAX_WORDS)
        )

    @property
    def identified(self) -> bool:
        """Names someone: enough to stand as a story of its own."""
        return bool(self.actors)

    def features(self) -> Iterable[tuple[str, str]]:
        yield from (("a", k) for k in self.actor_keys)
        yield from (("p", p) for p in self.places)
        yield from (("w", w) for w in self.words)


def group(
    done: Sequence[tuple[int, ArticleExtraction]], copies: Mapping[int, int]
) -> list[list[int]]:
    """Source numbers of each story, largest first (ties: the earliest source first)."""
    if not done:
        return []
    members: dict[int, list[int]] = defaultdict(list)
    for n, _ in done:
        members[copies.get(n, n)].append(n)
    found = {n: evidence(r) for n, r in done}
    keys: dict[int, tuple] = {n: _content_key(r) for n, r in done}
    if len(set(keys.values())) < len(keys):
        keys = {n: (*keys[n], _evidence_key(found[n])) for n in keys}
    # Content order: candidate windows and every tie below are decided by it, not input order.
    units = sorted(members.values(), key=lambda numbers: min(keys[n] for n in numbers))
    parts = _partition([_merged([found[n] for n in numbers]) for numbers in units],
                       [len(numbers) for numbers in units])  # fmt: skip
    stories = [sorted(n for u in part for n in units[u]) for part in parts]
    return sorted(stories, key=lambda s: (-len(s), s[0]))


def _partition(units: Sequence[Evidence], sizes: Sequence[int]) -> list[list[int]]:
    """Unit indexes of each story; `units` in content order, `sizes` their article counts."""
    index: dict[tuple[str, str], list[int]] = defaultdict(list)
    keys = [ev.actor_keys for ev in units]
    for u, ev in enumerate(units):  # ev.features(), with the actor keys worked out once
        for k in keys[u]:
            index[("a", k)].append(u)
        for p in ev.places:
            index[("p", p)].append(u)
        for w in ev.words:
            index[("w", w)].append(u)
    sets = UnionFind(len(units))
    parent = sets.parent  # finds inlined below: this loop runs for every candidate pair
    tried: set[tuple[int, int]] = set()
    apart = len(units)  # stories so far: once all are one, no pair can change anything
    for posting in index.values():
        if apart == 1:
            break
        # a feature shared by at most FULL units proposes all its pairs, a more common one each
        # unit with its WINDOW next ones; plain loops, as this runs for every candidate pair
        size = len(posting)
        for x in range(size - 1):
            a = posting[x]
            for y in range(x + 1, size if size <= FULL else min(x + 1 + WINDOW, size)):
                b = posting[y]
                ra, rb = a, b
                while parent[ra] != ra:
                    parent[ra] = ra = parent[parent[ra]]
                while parent[rb] != rb:
                    parent[rb] = rb = parent[parent[rb]]
                if ra == rb or (a, b) in tried:
                    continue
                tried.add((a, b))
                if score(units[a], units[b], keys[a], keys[b]) >= SAME_STORY:
                    parent[max(ra, rb)] = min(ra, rb)
                    apart -= 1
    strong = sets.groups()
    component = {u: g for g, members in enumerate(strong) for u in members}
    weight = [sum(sizes[u] for u in members) for members in strong]
    # A thin unit standing alone joins the one story it shares most with.
    joins: list[tuple[int, int]] = []
    for members in strong:
        u = members[0]
        if len(members) != 1:
            continue
        best: tuple[float, int, int, int] | None = None
        for v in _neighbours(u, units[u], index):
            shared = score(units[u], units[v], keys[u], keys[v])
            if shared >= max(1.0, THIN_SHARE * units[u].worth):
                g = component[v]
                rank = (shared, weight[g], -min(strong[g]))
                if best is None or rank > best[:3]:
                    best = (*rank, v)
        if best is not None:
            joins.append((u, best[3]))
    for u, v in joins:
        sets.union(u, v)
    parts = sets.groups()
    # What names nobody cannot be told apart, and joins the main story.
    told = [p for p in parts if any(units[u].identified for u in p)]
    loose = [u for p in parts if not any(units[u].identified for u in p) for u in p]
    if not told:
        return [loose]
    main = max(told, key=lambda p: (sum(sizes[u] for u in p), -min(p)))
    main.extend(loose)
    return told


def score(a: Evidence, b: Evidence, a_keys: frozenset[str], b_keys: frozenset[str]) -> float:
    """How much evidence two units share that they tell one story (SAME_STORY and up: one)."""
    found = 0.0
    if not a_keys.isdisjoint(b_keys):
        shared_a = shared_b = 0  # a loop, not sum(): this runs for every candidate pair
        for keys in a.actors:
            if not keys.isdisjoint(b_keys):
                shared_a += 1
        for keys in b.actors:
            if not keys.isdisjoint(a_keys):
                shared_b += 1
        found += min(shared_a, shared_b)
    found += len(a.places & b.places) + WORD_WEIGHT * min(len(a.words & b.words), MAX_WORDS)
    if a.days and b.days:
        # The distance in days between the two units' nearest central events.
        gap = min(max(a0 - b1, b0 - a1, 0) for a0, a1 in a.days for b0, b1 in b.days)
        if gap <= NEAR_DAYS:
            found += DATE_WEIGHT
        elif gap > FAR_DAYS:  # events weeks apart: more is needed to join them
            found -= FAR_PENALTY
    return found


def _neighbours(u: int, ev: Evidence, index: Mapping[tuple[str, str], list[int]]) -> Iterable[int]:
    found: set[int] = set()
    for feature in ev.features():
        posting = index[feature]
        if len(posting) <= FULL:
            found.update(posting)
        else:
            at = bisect_left(posting, u)
            found.update(posting[max(0, at - WINDOW) : at + WINDOW + 1])
    found.discard(u)
    return sorted(found)


def _merged(found: Sequence[Evidence]) -> Evidence:
    if len(found) == 1:
        return found[0]
    return Evidence(
        actors=tuple(dict.fromkeys(k for ev in found for k in ev.actors)),
        places=frozenset().union(*(ev.places for ev in found)),
        days=tuple(sorted({d for ev in found for d in ev.days})),
        words=frozenset().union(*(ev.words for ev in found)),
    )


def _content_key(result: ArticleExtraction) -> tuple[str, ...]:
    a = result.article
    return (a.fingerprint or "", a.id, a.source, a.published.isoformat() if a.published else "")


def _evidence_key(ev: Evidence) -> tuple:
    """Breaks ties between articles whose references are alike (tests, hand-made input)."""
    return (
        sorted(sorted(keys) for keys in ev.actors),
        sorted(ev.places),
        ev.days,
        sorted(ev.words),
    )


# --- what an article can be told apart by -----------------------------------------------------


def evidence(result: ArticleExtraction) -> Evidence:
    x = result.extraction
    named: list[frozenset[str]] = []
    known: set[str] = set()  # every key in named
    given: set[str] = set()  # the words of the names and places it gives
    for actor in x.actors:
        name_words, keys = _actor_evidence(
            actor.kind, actor.name, tuple(actor.aliases), actor.affiliation or ""
        )
        given |= name_words
        if not keys:
            continue
        if not keys.isdisjoint(known):  # one actor listed twice
            keys = keys.union(*(other for other in named if not keys.isdisjoint(other)))
            named = [other for other in named if keys.isdisjoint(other)]
        named.append(keys)
        known |= keys
    places = {k for v in x.venues for k in _place_keys(v.place)}
    days = []
    for mention in x.dates:
        if not mention.central:
            continue
        resolved = resolve(mention.text, result.article.published, mention.relation)
        if resolved is None:
            continue
        first, last = bounds(resolved)
        if (last - first).days < MAX_EVENT_DAYS:
            days.append((first.toordinal(), last.toordinal()))
    for v in x.venues:
        given |= _name_words(v.place, tuple(v.within))
    texts = [result.article.title or ""]
    texts += [a.ask for a in x.asks]
    texts += [w.warning for w in x.warnings]
    texts += [m.motive for m in x.motives]
    texts += [d.event for d in x.dates]
    # rare_words of each text, in one set
    words = {stemmed for text in texts for word, stemmed in _rare(text) if word not in given}
    return Evidence(
        actors=tuple(sorted(named, key=sorted)),
        places=frozenset(places),
        days=tuple(sorted(set(days))),
        words=frozenset(words),
    )


@lru_cache(maxsize=1 << 16)  # the same actors recur across articles: read each once
def _actor_evidence(
    kind: str, name: str, aliases: tuple[str, ...], affiliation: str
) -> tuple[frozenset[str], frozenset[str]]:
    """The words of an actor's names and affiliation, and its keys (none for a country)."""
    words = _name_words(name, aliases, affiliation)
    return words, frozenset() if kind == "country" else _actor_keys(kind, name, aliases)


@lru_cache(maxsize=1 << 16)  # the same actors recur across articles
def _actor_keys(kind: str, name: str, aliases: tuple[str, ...]) -> frozenset[str]:
    return frozenset(k for n in (name, *aliases) if (k := actor_key(kind, n)))


def actor_key(kind: str, name: str) -> str | None:
    """A named person's or organisation's key; None for a description or a country.

    A person's is the person's key (`briefgen.text.names`) without middle initials or suffix,
    so that 'FBI Director James B. Comey' and 'James Comey' are one person ('jamescomey'); it
    must be a full name ('the driver', 'Mr. Kim', 'Obama', 'King Charles' are none: a lone
    name may mean several people). A name in another East Slavic form has the key across them
    ('Володимир Путін', 'Vladimir Putin' -> 'vladimirputin')."""
    if kind == "person":
        parsed = parse_person(name)
        if not parsed.full or parsed.titled or not is_name_like(name):
            return None
        if parsed.across and not parsed.initials and not parsed.suffix:
            return parsed.across  # 'Володимир Путін' is 'Vladimir Putin' (`across_key`)
        return parsed.reduced
    if kind == "organization":
        return organisation_key(name)
    return None


@lru_cache(maxsize=1 << 16)
def organisation_key(name: str) -> str | None:
    """'The F.B.I.' and 'FBI' -> 'fbi', 'OTAN' and 'НАТО' -> 'nato'; None for a country, a
    description or a common word."""
    words = name.replace("’", "'").split()
    while words and words[0].casefold() == "the":
        words = words[1:]
    connectors = {"of", "and", "for", "the", "on", "in", "&", "de", "du", "des", "la", "le"}
    if not words or not all(
        w[:1].isupper() or not w[:1].isalpha() or w in connectors for w in words
    ):
        return None
    joined = " ".join(words).replace(".", "")
    key = fold(joined)
    if not key or lexicon.known(key, _COUNTRY_KINDS) or key in WIDE_PLACES:
        return None
    key = body_variant(joined)  # 'OTAN', 'НАТО' -> 'nato', as actors read them
    if " " not in key and not joined.isupper() and key in common_words():
        return None
    return key


@lru_cache(maxsize=1 << 16)
def _place_keys(place: str) -> tuple[str, ...]:
    """A venue's keys: its own, and its distinctive name without a facility's generic head
    ("Sandilands tram stop" is also "sandilands", the "Sandilands" another source gives)."""
    key = place_key(place)
    if key is None:
        return ()
    kind, words = facility(key)
    bare = " ".join(sorted(words)) if kind and words else None
    return (key, bare) if bare and bare != key else (key,)


@lru_cache(maxsize=1 << 16)
def place_key(place: str) -> str | None:
    """'outside Trump Towers' -> 'trump tower'; None for a country, a continent, or a place
    without a name ('a hospital')."""
    head = place.split(",", 1)[0]
    words = fold(_PLACE_PREFIX.sub("", fold(head.replace(".", "")))).split()
    if not words or not any(w[:1].isupper() for w in head.split()):
        return None
    key = " ".join(words)
    if lexicon.known(key, _COUNTRY_KINDS) or key in WIDE_PLACES:
        return None
    return " ".join(w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith("ss") else w
                    for w in words)  # fmt: skip


def rare_words(text: str, given: frozenset[str] | set[str] = frozenset()) -> set[str]:
    """Stems of the words in `text` that are not common in any wire language, nor names."""
    return {stemmed for word, stemmed in _rare(text) if word not in given}


@lru_cache(maxsize=1 << 16)  # claims and events repeat across articles
def _rare(text: str) -> tuple[tuple[str, str], ...]:
    found = []
    for raw in _WORD.findall(text):
        word = raw.casefold()
        if len(word) < 4 or word in STOP_WORDS or word in common_words():
            continue
        stemmed = stem(word)
        if stemmed not in common_stems():  # "warns" is as common as "warn"
            found.append((word, stemmed))
    return tuple(found)


@lru_cache(maxsize=1 << 16)  # the same actors recur across articles
def _name_words(name: str, more: tuple[str, ...], last: str = "") -> frozenset[str]:
    return frozenset(word for text in (name, *more, last) for word in _tokens(text))


@lru_cache(maxsize=1 << 16)
def _tokens(name: str) -> tuple[str, ...]:
    return tuple(fold(name).split())


# Country names that are no evidence, as actors or places: names, codes ("us", "gbr") and the
# nations of a country ("England").
_COUNTRY_KINDS = (lexicon.NAME, lexicon.CODE, lexicon.PART)
