"""Actor resolution: which mentions across articles are the same person or body. Pure.

A false merge is worse than a missed one, so links are made only on evidence:
- the same name once spelling, accents, dotted acronyms, hyphens, possessives, titles, offices,
  ages and descriptors are folded away ("FBI Director James Comey", "Five-year-old Zhao Zicong",
  "Mr. Kim Jong-un's"; "F.B.I." = "FBI"); person names are split by nameparser;
- a middle initial is optional, but two different ones are two people: "Donald Trump" joins the
  one "Donald J. Trump"; "George Bush" with both a "George W." and a "George H. W." is ambiguous;
- a near-identical full name (transliteration: "Sergei" / "Sergey"), compared only within a
  block of names sharing half their letters, so cost grows with names, not their square;
- one full name in its Russian, Ukrainian and Belarusian forms: a given name that is one name's
  form in another East Slavic language, with the same surname ("Володимир Путін" / "Vladimir
  Putin", "Владимир Зеленский" / "Volodymyr Zelenskiy"; `PersonName.across_key`); a given name
  alone never joins so ("Volodymyr" is not "Vladimir");
- an alias the model reported for the actor in its own article;
- a lone surname ("Obama", "President Obama") or an organisation's short form ("Cubs") is read
  in its own article: it joins the one full name that article gives it; with none there, the one
  full name the whole merge gives it; with two, nobody. Lone mentions nobody owns, or that are
  ambiguous, join each other when they are written alike (never a "Mr." with a "Mrs.").
Descriptions ("the driver", "two people", "South Korean analysts") link within their article
only, through the same words or the model's aliases there; across articles they could mean
anybody.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import chain

from rapidfuzz.distance import Hamming

from briefgen.merge.grouping import UnionFind
from briefgen.schemas import Actor, ActorKind, BriefActor
from briefgen.text import lexicon
from briefgen.text.fold import fold
from briefgen.text.names import (
    ARTICLES,
    FEMALE,
    MALE,
    OFFICES,
    ROLE_WORDS,
    PersonName,
    body_variant,
    is_name_like,
    parse_person,
    word_key,
)

# The head of a role that says who someone is: "first lady", "Kim's sister", "wife of ...".
FEMALE_ROLES = FEMALE | frozenset(
    """wife widow mother daughter sister actress chairwoman spokeswoman congresswoman policewoman
    businesswoman sportswoman duchess countess baroness empress girlfriend grandmother
    granddaughter niece aunt""".split()
)
MALE_ROLES = MALE | frozenset(
    """husband widower father son brother businessman sportsman duke baron emperor boyfriend
    grandfather grandson nephew uncle""".split()
)
_ROLE_GENDERS = (("m", MALE_ROLES), ("f", FEMALE_ROLES))
# Office words that say nothing of which office: a title shares an office word with a role.
_NOT_AN_OFFICE = frozenset(
    """mr mrs ms miss mx dr madam comrade former late acting interim incoming outgoing ex vice
    deputy supreme prime foreign defense defence state national security council affairs staff
    interior finance economy trade health education energy transport environment treasury
    homeland""".split()
)
_ROLE_HEAD = re.compile(r",|\b(?:of|to|for|at|in|with)\b", re.IGNORECASE)
# Words that do not name one body by themselves: "the ministry", "Local police", "Security
# Council" (whose? several have one). A short form made only of these completes nothing.
GENERIC_BODY = ROLE_WORDS | frozenset(
    """the a an of and for local regional state federal national city county provincial
    municipal foreign defense defence interior justice security supreme central high new
    ministry department council committee court house party bank agency office army navy
    military forces union university college school hospital company firm group association
    federation commission board authority service services institute foundation center centre
    organization organisation club team league parliament assembly senate congress embassy
    consulate operator airline airlines times post news press daily journal""".split()
)
MIN_SIMILAR_LENGTH = 8
# One-letter changes transliteration makes (Sergei/Sergey, Mohammed/Muhammed, Mikhail/Michail),
# inside a word of at least five letters and never its first letter: not Mark / Mary Smith.
_TRANSLITERATION = frozenset({frozenset("iy"), frozenset("ou"), frozenset("ck"), frozenset("jy")})
_MIN_VARIANT_WORD = 5


@lru_cache(maxsize=1 << 16)
def names_a_body(name: str) -> bool:
    """An organisation's or country's own name names one body when it is capitalised, not a
    generic word alone: 'Biden administration', 'Foreign Ministry', 'Chicago Cubs', 'FBI' do;
    'the ministry', 'Police', 'Local police', 'the country' do not."""
    capitalised = [
        fold(w) for w in name.split() if (w[:1].isupper() or w[:1].isdigit()) and fold(w)
    ]
    capitalised = [w for w in capitalised if w not in ARTICLES]
    return len(capitalised) > 1 or any(w not in GENERIC_BODY for w in capitalised)


@lru_cache(maxsize=1 << 12)
def _country_code(key: str, metonym: bool = False) -> str | None:
    """ISO alpha-3 code of a country's folded name, code or name in a wire language: 'us',
    'united states', 'america', 'stati uniti', 'россия' -> 'USA', 'RUS'; with `metonym`, its
    capital too, in any of those languages ('moscow', 'moscou', 'москва' -> 'RUS'). Names that
    several countries go by ('Congo', 'Korea') have none."""
    kinds = (lexicon.NAME, lexicon.CODE, lexicon.FOREIGN)
    found = lexicon.country(key, (*kinds, lexicon.CAPITAL) if metonym else kinds)
    return lexicon.alpha3(found) if found else None


def body_key(name: str, kind: ActorKind) -> str:
    """An organisation's or country's name folded, a leading article dropped; a country by its
    ISO code when it has one ('U.S.', 'US', 'United States' -> 'USA'), or when its capital
    stands for it ('Moscow', 'Moscou' -> 'RUS': an actor of kind country named by a capital is
    its government); another script transliterated and a known other form read as the usual
    one ('OTAN', 'НАТО' -> 'nato'; `briefgen.text.names.body_variant`)."""
    words = fold(name).split()
    while words and words[0] in ARTICLES:
        words = words[1:]
    key = " ".join(words)
    if kind == "country" and (code := _country_code(key, metonym=True)):
        return code
    latin = body_variant(key)
    if kind == "country" and latin != key and (code := _country_code(latin, metonym=True)):
        return code
    return latin


@dataclass(frozen=True, slots=True)
class Mention:
    """One actor as one article reports it; `source` is the article's citation number."""

    source: int
    actor: Actor


@dataclass(frozen=True, slots=True)
class _Read:
    """How resolution reads one mention: by which keys, in which order of evidence."""

    anchors: tuple[str, ...]  # keys that identify it anywhere: full names, bodies' names
    stage: str  # for a mention without anchors: "variant", "lone" or "short" (else "")
    partial: tuple[str, ...]  # its keys of that stage, read in its own article
    owns: tuple[tuple[str, str], ...]  # (stage, key) of partial names it can be the owner of
    descriptions: tuple[str, ...]  # folded descriptions, linked in its own article only
    gender: str
    role_words: frozenset[str]  # every word of its roles, folded
    offices: frozenset[str]  # the office words of its roles: "president" in "President Obama"


_STAGES = ("variant", "lone", "short")


@dataclass(frozen=True, slots=True)
class _Written:
    """What an actor's name and aliases say, whatever else the merge holds."""

    names: tuple[str, ...]  # the name-like ones, as written
    people: tuple[PersonName, ...]  # those names parsed, for a person
    bodies: tuple[str, ...]  # those names' keys, for an organisation or a country
    descriptions: tuple[str, ...]  # the others, folded
    gender: str  # by a title ("Mrs. Obama") or a role ("first lady"), if they agree
    role_words: frozenset[str]
    offices: frozenset[str]


def _written(actor: Actor) -> _Written:
    return _read_texts(actor.kind, actor.name, tuple(actor.aliases), actor.role)


def _offices(*roles: str) -> frozenset[str]:
    """The words of roles that name an office: 'president' in 'former U.S. President'."""
    words = (w for role in roles for w in fold(role).split())
    return frozenset(w for w in words if w in OFFICES and w not in _NOT_AN_OFFICE)


@lru_cache(maxsize=1 << 12)
def _role_gender(role: str) -> str:
    """'first lady', "Kim's sister", 'wife of the president' -> 'f'; "Queen's secretary" -> ''."""
    words = _ROLE_HEAD.split(role, maxsplit=1)[0].split()
    head = word_key(words[-1].split("-")[0]) if words else ""
    return next((g for g, vocabulary in _ROLE_GENDERS if head in vocabulary), "")


@lru_cache(maxsize=1 << 16)  # actors repeat across articles: read each once
def _read_texts(
    kind: ActorKind, name: str, aliases: tuple[str, ...], role: str | None = None
) -> _Written:
    names: list[str] = []
    descriptions: list[str] = []
    for i, text in enumerate((name, *aliases)):
        if not fold(text):
            continue
        named = names_a_body(text) if i == 0 and kind != "person" else is_name_like(text)
        (names if named else descriptions).append(text)
    people = tuple(parse_person(n) for n in names) if kind == "person" else ()
    roles = [r for r in (role, *(p.role for p in people)) if r]
    genders = {p.gender for p in people} | {_role_gender(r) for r in roles}
    genders.discard("")
    role_words = frozenset(w for r in roles for w in fold(r).split())
    return _Written(
        names=tuple(names),
        people=people,
        bodies=() if kind == "person" else tuple(dict.fromkeys(body_key(n, kind) for n in names)),
        descriptions=tuple(dict.fromkeys(map(fold, descriptions))),
        gender=genders.pop() if len(genders) == 1 else "",
        role_words=role_words,
        offices=_offices(*roles),
    )


_NOT_INITIALS = frozenset("of the and for in on at to de du des la le el del".split())


def initials(key: str) -> str | None:
    """An organisation's acronym from its folded name: "new york police department" -> "nypd",
    "north atlantic treaty organization" -> "nato"; None for a name of one word."""
    words = [w for w in key.split() if w not in _NOT_INITIALS]
    return "".join(w[0] for w in words) if len(words) >= 2 else None


def _read_all(mentions: Sequence[Mention]) -> tuple[list[_Read], list[_Written]]:
    """Every mention's keys. A key is partial only against the rest of the merge: "George Bush"
    when both a "George W. Bush" and a "George H. W. Bush" are named; "Cubs" when some
    organisation's name ends with it. Each distinct way of writing an actor is read once."""
    written = [_written(m.actor) for m in mentions]
    # Reads are cached per actor's texts: one object per way of writing an actor.
    distinct = {id(w): (m.actor.kind, w) for m, w in zip(mentions, written, strict=True)}
    specifics: dict[str, set[str]] = defaultdict(set)
    suffixes: set[tuple[str, ...]] = set()
    for kind, w in distinct.values():
        for p in w.people:
            if p.full and (p.initials or p.suffix):
                specifics[p.reduced].add(p.key)
        if kind == "organization":
            for key in w.bodies:
                words = tuple(key.split())
                suffixes.update(words[k:] for k in range(1, len(words)))
                if letters := initials(key):
                    suffixes.add((letters,))
    short_forms = {s for s in suffixes if any(w not in GENERIC_BODY for w in s)}

    def read(kind: ActorKind, w: _Written) -> _Read:
        anchors: list[str] = []
        partial: dict[str, list[str]] = defaultdict(list)
        owns: list[tuple[str, str]] = []
        for p in w.people:
            if not p.full:
                partial["lone"].append(p.key)
                continue
            owns += [("lone", key) for key in p.owns]
            variants = specifics.get(p.key, set()) if p.key == p.reduced else set()
            if len(variants) > 1:
                partial["variant"].append(p.key)  # "George Bush": W. or H. W.?
            else:
                anchors.append(next(iter(variants)) if variants else p.key)
                if p.across:  # "Володимир Путін" is "Vladimir Putin" too
                    anchors.append(p.across)
                if p.initials or p.suffix:
                    owns.append(("variant", p.reduced))
        for key in w.bodies:
            if kind == "organization":
                words = key.split()
                owns += [("short", " ".join(words[k:])) for k in range(1, len(words))]
                if letters := initials(key):
                    owns.append(("short", letters))  # "NYPD" for "New York Police Department"
                if tuple(words) in short_forms:
                    partial["short"].append(key)  # "Cubs", when "Chicago Cubs" is named
                    continue
            anchors.append(key)
        stage = "" if anchors else next((s for s in _STAGES if partial.get(s)), "")
        return _Read(
            anchors=tuple(dict.fromkeys(anchors)),
            stage=stage,
            partial=tuple(dict.fromkeys(partial.get(stage, ()))),
            owns=tuple(dict.fromkeys(owns)),
            descriptions=w.descriptions,
            gender=w.gender,
            role_words=w.role_words,
            offices=w.offices,
        )

    reads = {key: read(kind, w) for key, (kind, w) in distinct.items()}
    return [reads[id(w)] for w in written], written


def resolve(
    mentions: list[Mention], article_of: Mapping[int, int] | None = None
) -> list[list[int]]:
    """Group mention indexes into actors; groups and members come in first-seen order.

    Lone surnames, short forms and descriptions are read per article; `article_of` maps a
    source number to the article it copies (a wire reprint reads as its original). The groups
    do not depend on the order of the mentions."""
    article = [article_of.get(m.source, m.source) if article_of else m.source for m in mentions]
    kinds = [m.actor.kind for m in mentions]
    reads, written = _read_all(mentions)
    sets = UnionFind(len(mentions))
    by_key: dict[tuple[ActorKind, str], int] = {}
    spellings: dict[tuple[ActorKind, str], set[tuple[str, ...]]] = defaultdict(set)
    spelt: set[int] = set()  # ways of writing an actor whose spellings are taken
    for i, read in enumerate(reads):
        kind = kinds[i]
        for key in read.anchors:
            slot = (kind, key)
            if slot in by_key:
                sets.union(by_key[slot], i)
            else:
                by_key[slot] = i
        if id(w := written[i]) not in spelt:  # the same spellings again add nothing
            spelt.add(id(w))
            for p in w.people:
                if p.full and p.key in read.anchors:
                    spellings[(kind, p.key)].add(p.tokens)
    _link_similar(sets, by_key, spellings)
    for stage in _STAGES:
        _link_partial(sets, reads, article, kinds, stage)
    _link_descriptions(sets, reads, article, kinds)
    return sorted(sets.groups(), key=lambda members: members[0])


def _variant_allowed(a: str, b: str, spellings: Iterable[tuple[str, ...]]) -> bool:
    """Is the one letter where keys a and b differ a transliteration variant inside a word?"""
    p = next(k for k, (x, y) in enumerate(zip(a, b, strict=True)) if x != y)
    if frozenset((a[p], b[p])) not in _TRANSLITERATION:
        return False
    for spelling in spellings:
        start = 0
        for token in spelling:
            if start <= p < start + len(token):
                if p == start or len(token) < _MIN_VARIANT_WORD:
                    return False
                break
            start += len(token)
        else:
            return False  # in the suffix: "jr" / "sr"
    return True


def _link_similar(
    sets: UnionFind,
    by_key: dict[tuple[ActorKind, str], int],
    spellings: Mapping[tuple[ActorKind, str], set[tuple[str, ...]]],
) -> None:
    """Join full names one letter apart as transliteration makes them ('sergeishoigu' /
    'sergeyshoigu'): a substitution of a known pair inside a word, never an added or dropped
    letter ('Petrov' / 'Petrova'), a first letter ('Donald' / 'Ronald'), another letter ('Mark'
    / 'Mary') or an initial ('George H. Bush' / 'George W. Bush'). Two such keys agree on their
    first or their second half, so blocks by half keep the comparisons few."""
    blocks: dict[tuple[ActorKind, int, int, str], list[tuple[str, int]]] = defaultdict(list)
    for (kind, key), index in by_key.items():
        if len(key) >= MIN_SIMILAR_LENGTH and (kind, key) in spellings:
            half = len(key) // 2
            blocks[(kind, len(key), 0, key[:half])].append((key, index))
            blocks[(kind, len(key), 1, key[half:])].append((key, index))
    for (kind, *_), members in blocks.items():
        for n, (key_a, a) in enumerate(members):
            for key_b, b in members[n + 1 :]:
                if Hamming.distance(key_a, key_b) == 1 and _variant_allowed(
                    key_a, key_b, spellings[(kind, key_a)] | spellings[(kind, key_b)]
                ):
                    sets.union(a, b)


def _one(candidates: list[set[int]]) -> int | None:
    """The single owner every non-empty candidate set agrees on, if there is exactly one."""
    known = [c for c in candidates if c]
    common = set.intersection(*known) if known else set()
    return next(iter(common)) if len(common) == 1 else None


def _link_partial(
    sets: UnionFind,
    reads: Sequence[_Read],
    article: Sequence[int],
    kinds: Sequence[ActorKind],
    stage: str,
) -> None:
    """Read each mention known only by a partial name ('George Bush', 'Obama', 'Cubs') in its
    article: it joins the one actor there it can mean; if the article names none, the one the
    merge names; if either names two, nobody. A gender that titles or roles give rules an actor
    out ('Mr. Obama' is not the 'first lady'); an office title that none of an actor's roles
    shares ('President Obama', the 'first lady') forbids the join but never picks between two.
    Mentions left over join those of the same kind written alike, but a 'Mr. Obama' never joins
    a 'Mrs. Obama'."""
    waiting = [i for i, read in enumerate(reads) if read.stage == stage]
    if not waiting:
        return
    here: dict[tuple[int, ActorKind, str], set[int]] = defaultdict(set)
    anywhere: dict[tuple[ActorKind, str], set[int]] = defaultdict(set)
    genders: dict[int, set[str]] = defaultdict(set)
    roles: dict[int, set[str]] = defaultdict(set)
    for i, read in enumerate(reads):
        root = sets.find(i)
        if read.gender:
            genders[root].add(read.gender)
        roles[root] |= read.role_words
        for owned_stage, key in read.owns:
            if owned_stage == stage:
                here[(article[i], kinds[i], key)].add(root)
                anywhere[(kinds[i], key)].add(root)
    left: dict[tuple[ActorKind, str], list[int]] = defaultdict(list)
    for i in waiting:
        gender = reads[i].gender

        def fits(roots: set[int], gender: str = gender) -> set[int]:
            return {r for r in roots if genders[r] <= {gender}} if gender else roots

        local = [fits(here.get((article[i], kinds[i], key), set())) for key in reads[i].partial]
        if any(local):
            owner = _one(local)  # the article names it, or names two it could be
        else:
            owner = _one([fits(anywhere.get((kinds[i], key), set())) for key in reads[i].partial])
        offices = reads[i].offices
        if owner is not None and offices and roles[owner] and not offices & roles[owner]:
            owner = None  # "President Obama" is not the one whose roles say "first lady"
        if owner is not None:
            sets.union(owner, i)
        else:
            left[(kinds[i], max(reads[i].partial))].append(i)
    for members in left.values():
        genders_here = {reads[i].gender for i in members} - {""}
        classes: dict[str, list[int]] = defaultdict(list)
        for i in members:
            classes[reads[i].gender if len(genders_here) > 1 else ""].append(i)
        for alike in classes.values():
            for i in alike:
                sets.union(alike[0], i)


def _link_descriptions(
    sets: UnionFind, reads: Sequence[_Read], article: Sequence[int], kinds: Sequence[ActorKind]
) -> None:
    """A mention known only by descriptions ('the driver') joins the mentions of its article
    that use the same words, and the one named actor there that does (through the model's
    alias); if two named actors there use them, it joins neither. Never across articles."""
    holders: dict[tuple[int, ActorKind, str], list[int]] = defaultdict(list)
    for i, read in enumerate(reads):
        for key in read.descriptions:
            holders[(article[i], kinds[i], key)].append(i)

    def unnamed(i: int) -> bool:
        return not reads[i].anchors and not reads[i].stage

    named = {
        slot: {sets.find(i) for i in members if not unnamed(i)} for slot, members in holders.items()
    }
    for members in holders.values():
        plain = [i for i in members if unnamed(i)]
        for i in plain:
            sets.union(plain[0], i)
    ties: dict[int, set[int]] = defaultdict(set)
    torn: set[int] = set()  # tied by some words to two named actors at once
    for slot, members in holders.items():
        for i in members:
            if unnamed(i):
                root = sets.find(i)
                ties[root] |= named[slot]
                if len(named[slot]) > 1:
                    torn.add(root)
    for root, owners in ties.items():
        if len(owners) == 1 and root not in torn:
            sets.union(next(iter(owners)), root)


def _display(actor: Actor) -> str:
    """The name as a brief shows it: a person's full name without titles or descriptions."""
    return _display_name(actor.kind, actor.name)


def _display_name(kind: ActorKind, name: str) -> str:
    if kind == "person" and is_name_like(name):
        parsed = parse_person(name)
        if parsed.full and parsed.bare:
            return parsed.bare
    return name


def canonical_name(actors: Iterable[Actor]) -> str:
    """The fullest of the names, then the most used; ties go to the longer, then alphabetical.
    A person's name is shown without what describes them ('FBI Director James Comey' -> 'James
    Comey'); a name is preferred to a description, an actor's name to its aliases."""
    actors = list(actors)
    written = Counter((a.kind, a.name) for a in actors)  # each way of writing it read once
    names: Counter[str] = Counter()
    for (kind, name), count in written.items():
        if _names(name, kind):
            names[_display_name(kind, name)] += count
    if not names:  # only descriptions: a name among the aliases, if any
        names = Counter(
            _display(a.model_copy(update={"name": alias}))
            for a in actors
            for alias in a.aliases
            if is_name_like(alias)
        )
    if not names:
        names = Counter(a.name for a in actors)
    kind = actors[0].kind if actors else "person"

    def rank(name: str) -> tuple[int, int, int, str]:
        # one name's East Slavic forms are equally full: the most used is shown
        key = parse_person(name).across_key if kind == "person" else body_key(name, kind)
        return (len(key), names[name], len(name), name)

    return max(names, key=rank)


def _names(text: str, kind: ActorKind) -> bool:
    return names_a_body(text) if kind != "person" else is_name_like(text)


def stated_roles(actor: Actor) -> list[str]:
    """Roles a person's names carry: 'FBI Director' from 'FBI Director James Comey'."""
    if actor.kind != "person":
        return []
    people = _written(actor).people
    return list(dict.fromkeys(p.role for p in people if p.role))


class PartyNames:
    """The actor an ask's, warning's or motive's named party is, read as `resolve` reads the same
    name in the same article: the article's own actor by that name; else the one actor its
    full name, surname or short form means there; if the article names none, the one in the
    whole merge; if two, nobody (None). Indexes are built when first asked for."""

    def __init__(
        self, mentions: Sequence[Mention], groups: Sequence[Sequence[int]], names: Sequence[str]
    ):
        # article -> (actor's name, the ways its mention can be found by), for each mention
        self._by_article: dict[int | None, list[tuple[str, tuple[tuple[str, str], ...]]]]
        self._by_article = defaultdict(list)
        # (article, folded name or alias) -> the actor written so there; None when two are
        self._as_written: dict[tuple[int, str], str | None] = {}
        self._actors: dict[str, list[Actor]] = defaultdict(list)
        by_article, as_written = self._by_article, self._as_written
        # an actor written the same way in many articles is read once
        read: dict[tuple, tuple[tuple[tuple[str, str], ...], tuple[str, ...]]] = {}
        for group, name in zip(groups, names, strict=True):
            written = self._actors[name]
            for i in group:
                m = mentions[i]
                actor = m.actor
                how = (actor.kind, actor.name, tuple(actor.aliases))
                if (known := read.get(how)) is None:
                    known = read[how] = (
                        self._ways(*how),
                        tuple(fold(text) for text in (actor.name, *actor.aliases)),
                    )
                ways, folded = known
                by_article[m.source].append((name, ways))
                written.append(actor)
                for text in folded:
                    key = (m.source, text)
                    if as_written.setdefault(key, name) != name:
                        as_written[key] = None
        self._here: dict[int | None, dict[tuple[str, str], set[str]]] = {}
        self._anywhere: dict[tuple[str, str], set[str]] | None = None
        self._known: dict[str, tuple[set[str], set[str]]] = {}
        self._elsewhere: dict[str, str | None] = {}
        self._keys_in: dict[int, tuple[tuple[str, str], ...]] = {}

    @cached_property
    def _named(self) -> set[str]:
        """Actors some full name names: merge-wide, they own no lone bucket."""
        return {
            name
            for name, actors in self._actors.items()
            if any(p.full for a in actors for p in _written(a).people)
        }

    def _traits(self, name: str) -> tuple[set[str], set[str]]:
        """The genders and role words an actor's mentions give (worked out when first asked)."""
        if name not in self._known:
            written = [_written(a) for a in self._actors[name] if a.kind == "person"]
            self._known[name] = (
                {w.gender for w in written} - {""},
                {r for w in written for r in w.role_words},
            )
        return self._known[name]

    @staticmethod
    @lru_cache(maxsize=1 << 16)
    def _ways(kind: ActorKind, name: str, aliases: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        """The keys an actor can be found by, beyond its names as written."""
        w = _read_texts(kind, name, aliases)
        ways: list[tuple[str, str]] = []
        for p in w.people:
            if p.full:
                ways += [("person", p.key), *(("lone", key) for key in p.owns)]
                if p.across:
                    ways.append(("person", p.across))
                if p.initials or p.suffix:
                    ways.append(("variant", p.reduced))
            else:
                ways.append(("unowned lone", p.key))
        for key in w.bodies:
            words = key.split()
            ways.append(("body", key))
            if kind == "organization":
                ways += [("short", " ".join(words[k:])) for k in range(1, len(words))]
                if letters := initials(key):
                    ways.append(("short", letters))
        return tuple(dict.fromkeys(ways))

    def _index(
        self, actors: Iterable[tuple[str, tuple[tuple[str, str], ...]]], anywhere: bool
    ) -> dict[tuple[str, str], set[str]]:
        found: dict[tuple[str, str], set[str]] = defaultdict(set)
        for name, ways in actors:
            for way in ways:
                if not anywhere or way[0] != "unowned lone" or name not in self._named:
                    found[way].add(name)  # merge-wide, a lone bucket is one no full name owns
        return found

    def _local(self, n: int | None) -> dict[tuple[str, str], set[str]]:
        if n not in self._here:
            self._here[n] = self._index(self._by_article.get(n, ()), anywhere=False)
        return self._here[n]

    def _global(self) -> dict[tuple[str, str], set[str]]:
        if self._anywhere is None:
            # an actor written the same way in many articles is indexed once
            every = dict.fromkeys(pair for pairs in self._by_article.values() for pair in pairs)
            self._anywhere = self._index(every, anywhere=True)
        return self._anywhere

    def _find(
        self,
        n: int | None,
        ways: Sequence[tuple[str, str]],
        person: PersonName | None = None,
        where: str = "here, else anywhere",
    ) -> str | None:
        """As `resolve` reads a partial name: the article's candidates, else the merge's; a
        gender rules candidates out, an office title no role of theirs shares forbids one."""
        gender = person.gender if person else ""

        def fit(names: set[str]) -> set[str]:
            return {a for a in names if self._traits(a)[0] <= {gender}} if gender else names

        found: list[set[str]] = []
        if where != "anywhere":
            local = self._local(n)
            found = [s for way in ways if (hit := local.get(way)) and (s := fit(hit))]
        if not found and where != "here":
            every = self._global()
            found = [s for way in ways if (hit := every.get(way)) and (s := fit(hit))]
        common = set.intersection(*found) if found else set()
        if len(common) != 1:
            return None
        actor = next(iter(common))
        offices = _offices(person.role) if person else frozenset()
        roles = self._traits(actor)[1] if offices else set()
        return None if offices and roles and not offices & roles else actor

    def __call__(self, n: int, name: str) -> str | None:
        key = (n, fold(name))
        if key in self._as_written:
            return self._as_written[key]
        if not is_name_like(name):
            return None  # a description means something only in its article
        if not self._looked_up(name).isdisjoint(self._ways_in(n)):
            return self._read(n, name)
        # Nothing the article names answers to it: it reads as in an article naming nobody.
        if name not in self._elsewhere:
            self._elsewhere[name] = self._read(None, name)
        return self._elsewhere[name]

    def _ways_in(self, n: int) -> tuple[tuple[str, str], ...]:
        """The ways the actors of article n can be found by: its local index's keys."""
        if n not in self._keys_in:
            found = chain.from_iterable(ways for _, ways in self._by_article.get(n, ()))
            self._keys_in[n] = tuple(found)  # a tuple: a set per article would cost 2 KB
        return self._keys_in[n]

    @staticmethod
    @lru_cache(maxsize=1 << 16)
    def _looked_up(name: str) -> frozenset[tuple[str, str]]:
        """Every key `_read` may look up in an article's index for the name: when the article
        has none of them, its index plays no part in the answer."""
        ways: list[tuple[str, str]] = []
        p = parse_person(name)
        if p.full:
            ways += [("person", p.key), ("variant", p.key), ("person", p.across_key)]
        elif p.tokens:
            ways += [("lone", p.key), ("unowned lone", p.key)]
        key = _body_lookup(name)
        ways += [("body", key), ("short", key)]
        if code := _country_code(key):
            ways.append(("body", code))
        return frozenset(ways)

    def _read(self, n: int | None, name: str) -> str | None:
        """A name-like party not written as any actor of article n, read there (n None: in an
        article that names nobody)."""
        p = parse_person(name)
        if p.full:
            found = self._find(n, [("person", p.key)])
            if found is None and p.across:
                found = self._find(n, [("person", p.across)])
            if found is None and p.key == p.reduced:
                found = self._find(n, [("variant", p.key)], p)
            if found is not None:
                return found
        elif p.tokens:  # a full name there; a lone mention there; a full name anywhere; ...
            for way, where in [("lone", "here"), ("unowned lone", "here"), ("lone", "anywhere")]:
                if (found := self._find(n, [(way, p.key)], p, where)) is not None:
                    return found
            if self._local(n).get(("lone", p.key)):
                return None  # the article names who it could be, and it is neither
            if (found := self._find(n, [("unowned lone", p.key)], p, "anywhere")) is not None:
                return found
        tried: list[list[tuple[str, str]]] = []
        key = _body_lookup(name)
        tried.append([("body", key)])
        if code := _country_code(key):
            tried.append([("body", code)])
        if any(w not in GENERIC_BODY for w in key.split()):
            tried.append([("short", key)])
        for ways in tried:
            if (found := self._find(n, ways)) is not None:
                return found
        return None


def _body_lookup(name: str) -> str:
    """A party's name as a body's key is looked up: folded, without a leading article."""
    words = fold(name).split()
    while words and words[0] in ARTICLES:
        words = words[1:]
    return " ".join(words)


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


# --- aliases that would join actors the other articles keep apart -----------------------------


def _full_keys(kind: ActorKind, text: str, is_name: bool) -> frozenset[str]:
    """The keys a text identifies an actor by anywhere: a person's full name (and its East
    Slavic form), a body's name; none for a lone surname or a description."""
    if kind == "person":
        if not is_name_like(text):
            return frozenset()
        p = parse_person(text)
        return frozenset(k for k in (p.key, p.across) if k) if p.full else frozenset()
    named = names_a_body(text) if is_name else is_name_like(text)
    return frozenset({body_key(text, kind)}) if named and fold(text) else frozenset()


@dataclass(frozen=True, slots=True)
class ForeignAlias:
    """An alias of one article's actor that names another actor, whom the other articles keep
    apart from it under a full name."""

    source: int  # the article's citation number
    actor: str  # the actor's name in that article
    alias: str
    other: str  # how the other articles name the actor the alias names


def foreign_aliases(
    mentions: Sequence[Mention], article_of: Mapping[int, int] | None = None
) -> list[ForeignAlias]:
    """Aliases that would fold one actor into another: an alias that is a full name some other
    article gives an actor of its own, beside the actor the alias is given to, the two kept
    apart when every mention is resolved without such aliases ("John Kirby" as an alias of
    "Vladimir Putin" while five articles name both). An honest alias ("Mr. Putin", "the
    Kremlin leader", "Vladimir Vladimirovich Putin", a transliteration resolution joins anyway)
    is never one.
    `article_of`: a copy's source number -> its original's (a reprint is the same article)."""
    article = [article_of.get(m.source, m.source) if article_of else m.source for m in mentions]
    name_keys = [_full_keys(m.actor.kind, m.actor.name, True) for m in mentions]
    named_in: dict[tuple[ActorKind, str], set[int]] = defaultdict(set)
    named_by: dict[tuple[ActorKind, str], list[int]] = defaultdict(list)
    for i, m in enumerate(mentions):
        for key in name_keys[i]:
            named_in[(m.actor.kind, key)].add(article[i])
            named_by[(m.actor.kind, key)].append(i)
    candidates: list[tuple[int, str, frozenset[str]]] = []
    for i, m in enumerate(mentions):
        for alias in m.actor.aliases:
            keys = _full_keys(m.actor.kind, alias, False) - name_keys[i]
            if keys and any(named_in[(m.actor.kind, k)] - {article[i]} for k in keys):
                candidates.append((i, alias, keys))
    if not candidates:
        return []
    doubtful: dict[int, set[str]] = defaultdict(set)
    for i, alias, _ in candidates:
        doubtful[i].add(alias)
    plain = [
        Mention(m.source, _without(m.actor, doubtful[i])) if i in doubtful else m
        for i, m in enumerate(mentions)
    ]
    group_of = {i: g for g, members in enumerate(resolve(plain, article_of)) for i in members}
    groups_in: dict[int, set[int]] = defaultdict(set)
    for i, g in group_of.items():
        groups_in[article[i]].add(g)
    found: list[ForeignAlias] = []
    for i, alias, keys in candidates:
        m = mentions[i]
        # Kept apart: another article names the alias's actor and, as someone else, this one.
        others = [
            j
            for key in sorted(keys)
            for j in named_by[(m.actor.kind, key)]
            if article[j] != article[i]
            and group_of[j] != group_of[i]
            and group_of[i] in groups_in[article[j]]
        ]
        if others:
            named = mentions[others[0]].actor.name
            found.append(ForeignAlias(m.source, m.actor.name, alias, named))
    return found


def _without(actor: Actor, aliases: set[str]) -> Actor:
    return actor.model_copy(update={"aliases": [a for a in actor.aliases if a not in aliases]})
