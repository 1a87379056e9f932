"""When: the date slot and the timeline. Pure.

The date slot: central dates are compared across sources, and the slot is disputed when two of
them cannot both hold (their ranges do not overlap). A date only speculated or planned that a
firmer or later report replaces is *superseded*, not disputed: it stays listed, with its quotes,
and names the date that replaced it.

The timeline: every dated mention, in date order. Two mentions report the *same event* when
they name the same actors and the same action, whatever the wording ("Kim arrives in Russia",
"Kim Jong Un's train arrived in Vladivostok"; see `EventIndex.same`). The same event on the same
date is one line with every citation; the same event on dates that cannot both hold, close
enough to be one occurrence (`DISPUTE_WINDOW`), marks both lines with the other date and who
gives it; reports and statements (`SAYING`) are folded but never disputed. Candidate pairs are
blocked by shared rare action words, as in `similarity`, so the cost stays near-linear in the
number of distinct event texts.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from itertools import combinations

from briefgen.merge.grouping import CERTAINTY_ORDER, UnionFind, firmest, quotes_of
from briefgen.merge.places import FACILITY_HEADS
from briefgen.merge.similarity import COMMON_WORD_LIMIT, content_words
from briefgen.merge.slots import SlotItem, contexts, slot_value
from briefgen.schemas import (
    ArticleExtraction,
    BriefActor,
    ContextDate,
    DatedEvent,
    DateMention,
    OtherDate,
    Slot,
    SlotValue,
)
from briefgen.text.dates import (
    EventRelative,
    bounds,
    counted_from,
    day_level,
    event_relative,
    overlap,
    resolve,
    time_of_day,
)
from briefgen.text.fold import fold
from briefgen.text.hedging import claimant, counterfactual
from briefgen.text.names import is_full_name, is_name_like, parse_person

# Two dates of one event further apart than this are taken for two occurrences (the 2019 summit
# and the 2023 one), not a disagreement: a false dispute is worse than a missed one.
DISPUTE_WINDOW = 7  # days between the nearer ends of the two dates
# Weighted Dice of the action words two reports of one event must reach.
SAME_ACTION = 0.5
# With no name on either side the action words alone must nearly coincide.
SAME_ACTION_UNNAMED = 0.8
# Words that say which occurrence ("first met" / "last met": the date says which), how sure
# the source is ("expected", "planned": that is the mention's certainty) or nothing at all
# ("where", "take place"): not the action.
NOT_ACTION = frozenset(
    """first last only previous latest recent earlier later again next second third
    expect expected expects set due schedule scheduled plan plans planned planning likely
    unlikely possible possibly poised reportedly hope hopes hoped intend intends intended
    would can where when while which who whom whose what then there here is are was were be
    been take takes took taking taken place happen happens happened occur occurs occurred
    hold holds held""".split()
) | frozenset(w for kind in FACILITY_HEADS.values() for w in kind.replace("_", " ").split())
# (a facility's generic head, "cosmodrome" or "spaceport", says where, not what happens)
# Saying is not an event that can be disputed: a report on Monday and one on Tuesday both hold.
SAYING = frozenset(
    """report reports reported reporting say says said announce announces announced
    announcement state states stated statement claim claims claimed confirm confirms confirmed
    confirmation tell tells told reveal reveals revealed cite cites cited""".split()
)
# Verbs and nouns news copy uses for one action. Each group folds to its first word.
EVENT_SYNONYMS: tuple[tuple[str, ...], ...] = tuple(
    tuple(group.split())
    for group in (
        """meet met meets meeting meetings summit summits talks welcome welcomes welcomed greet
        greets greeted receive receives received host hosts hosted""",
        "arrive arrived arrives arrival reach reached reaches",
        """visit visited visits trip trips tour travel travels traveled travelled journey
        journeyed embark embarked""",
        "begin begins began begun start starts started open opens opened",
        "conclude concludes concluded close closes closed finish finished",
        "sign signs signed signing",
    )
)
MAX_NAME_WORDS = 6
# An event that is, by its own words, the one last (or previous) meeting of its people: "Trump
# and Putin last met", "their first meeting since 2019", "letztes Treffen", "dernière
# rencontre", "ultimo incontro", "último encuentro", "последняя встреча", "остання зустріч".
# Such an occurrence is one: two dates for it cannot both hold however far apart they are.
LAST_MEETING = re.compile(
    r"""\b(?:
    (?:last|previous|latest)\s(?:[\w-]+\s){0,2}(?:met|meeting|meetings|summit|encounter|talks)
    |(?:met|meeting)\s(?:[\w-]+\s){0,2}(?:last|previously)\b
    |last\stime\s(?:[\w-]+\s){1,4}met
    |first\s(?:[\w-]+\s){0,3}(?:meeting|summit|encounter|talks)\s(?:[\w-]+\s){0,4}since
    |letzte[nmrs]?\s(?:[\w-]+\s){0,2}(?:treffen|begegnung|gipfel|gipfeltreffen)
    |zuletzt\s(?:[\w-]+\s){0,4}(?:getroffen|trafen|begegnet)
    |erste[nmrs]?\s(?:[\w-]+\s){0,2}(?:treffen|begegnung|gipfel)\s(?:[\w-]+\s){0,4}seit
    |derni[eè]re\s(?:[\w-]+\s){0,2}(?:rencontre|entrevue)
    |dernier\s(?:[\w-]+\s){0,2}(?:sommet|entretien|t[eê]te-[aà]-t[eê]te)
    |premi[eè]re\s(?:[\w-]+\s){0,2}rencontre\s(?:[\w-]+\s){0,4}depuis
    |ne\ss['’][eé]taient\s(?:plus|pas)\s(?:vus|rencontr[eé]s)
    |ultim[oa]\s(?:[\w-]+\s){0,2}(?:incontro|vertice|colloquio)
    |primo\s(?:[\w-]+\s){0,2}incontro\s(?:[\w-]+\s){0,4}da(?:l|i|llo)?
    |[uú]ltim[oa]\s(?:[\w-]+\s){0,2}(?:encuentro|reuni[oó]n|cumbre)
    |primer\s(?:[\w-]+\s){0,2}encuentro\s(?:[\w-]+\s){0,4}desde
    |последн\w*\s(?:[\w-]+\s){0,2}(?:встреч|саммит|переговор)\w*
    |последний\sраз\s(?:[\w-]+\s){0,4}встреча\w*
    |впервые\sс\s\d
    |останн\w*\s(?:[\w'’-]+\s){0,2}(?:зустріч|саміт|переговор)\w*
    |востаннє\s(?:[\w'’-]+\s){0,4}зустріча\w*
    |вперше\sз\s\d
    )""",
    re.IGNORECASE | re.VERBOSE,
)
LAST = "last meeting"
# A name in an inflected language stands in an event's text declined ("встреча Путина и
# Трампа", "з Трампом"): a word of a non-Latin script, of five letters or more, is read as a
# name that it begins, of four letters or more, less at most this many letters of ending.
NAME_ENDING = 3
_WORD = re.compile(r"[^\W_]+")
_POSSESSIVE = re.compile(r"['’]s\b")


# --- the date slot ---------------------------------------------------------------------------


def dates_and_timeline(
    done: Sequence[tuple[int, ArticleExtraction]],
    published: Mapping[int, date | None],
    story: Mapping[int, int],
    actors: Sequence[BriefActor] | None = None,
    venue: Slot | None = None,
) -> tuple[Slot, list[DatedEvent]]:
    """`actors` are the story's resolved actors, whose names identify who an event is about;
    without them the extractions' own actor names are used, matched by name alone. `venue` is
    the story's venue slot: when its sources agree, the names of the agreed place and of the
    places around and inside it name one place, so "overturns near Sandilands" and "overturns
    in Croydon" are not told apart by their places.

    A date the publication date cannot resolve may resolve from the story's own context
    (`in_context`). Speculated and counterfactual mentions stay in the date slot when central,
    but are never timeline events (`not_an_event`)."""
    mentions = [
        (n, m, resolve(m.text, result.article.published, m.relation))
        for n, result in done
        for m in result.extraction.dates
    ]
    central: dict[str | None, list[SlotItem]] = {}
    dated: list[tuple[SlotItem, str, str | None]] = []
    for (n, mention, _), (resolved, context) in zip(mentions, in_context(mentions), strict=True):
        item = SlotItem(n, mention.text, mention.quote, mention.certainty, context=context)
        if mention.central:
            central.setdefault(resolved, []).append(item)
        if not not_an_event(mention):
            dated.append((item, mention.event, resolved))
    events = [event for _, event, _ in dated]
    names = _actor_names(actors) if actors is not None else _extracted_names(done, events)
    index = EventIndex(events, names, _agreed_place_words(venue))
    canonical = {fold(n): a.name for a in actors or () for n in (a.name, *a.names)}
    return date_slot(central, published, story), timeline(dated, index, canonical, published)


# --- certainty and context -------------------------------------------------------------------

_CLAUSE = re.compile(r"[,;:()\u2013\u2014]")


def not_an_event(mention: DateMention) -> bool:
    """Speculation ("may occur on the final day") and counterfactuals ("the war would not have
    broken out in 2022": in the event, or in the quote's clause that holds the date) are not
    events that happened or are planned."""
    if mention.certainty == "speculated" or counterfactual(mention.event):
        return True
    written = mention.text.casefold()
    return any(
        written in clause.casefold() and counterfactual(clause)
        for clause in _CLAUSE.split(mention.quote)
    )


def in_context(
    mentions: Sequence[tuple[int, DateMention, str | None]],
) -> list[tuple[str | None, ContextDate | None]]:
    """Each mention's date, and how the story's context gave it when the publication date did
    not. A time of day alone ("at 11:26 a.m.") takes the day its source gives the same event
    (same event words or same quote), or, for a central mention, the source's one central day.
    Then an expression counted from another event ("on the final day of the forum", "the day
    after the summit") takes that event's dates, when every dated event the words name (all of
    "forum" in the event's words) gives the same day or range of days and no date of theirs
    lies apart from it; otherwise it stays unresolved."""
    found: list[tuple[str | None, ContextDate | None]] = [(r, None) for _, _, r in mentions]
    for k, (_, mention, resolved) in enumerate(mentions):
        if resolved is None and time_of_day(mention.text):
            found[k] = _same_day(k, mentions)
    known = [
        (words, when, mention.certainty)
        for (_, mention, _), (when, _) in zip(mentions, found, strict=True)
        if when is not None and not not_an_event(mention)
        for words in [frozenset(w.casefold() for w in _words(mention.event))]
    ]
    for k, (_, mention, _) in enumerate(mentions):
        if found[k][0] is None and (relative := event_relative(mention.text)):
            found[k] = _from_event(mention.text, relative, known)
    return found


def _same_day(
    k: int, mentions: Sequence[tuple[int, DateMention, str | None]]
) -> tuple[str | None, ContextDate | None]:
    n, mention, _ = mentions[k]
    own = [(m, r) for i, (s, m, r) in enumerate(mentions) if s == n and i != k and r]
    own = [(m, r) for m, r in own if day_level(r) and "/" not in r]
    same = [(m, r) for m, r in own if m.event == mention.event or m.quote == mention.quote]
    if not same and mention.central:
        same = [(m, r) for m, r in own if m.central]
    days = {r for _, r in same}
    if len(days) != 1:
        return None, None
    day = days.pop()
    anchor = next(m.text for m, r in same if r == day)
    return day, ContextDate(as_written=mention.text, kind="time", anchor=anchor, anchor_date=day)


def _from_event(
    text: str,
    relative: EventRelative,
    known: Sequence[tuple[frozenset[str], str, str | None]],
) -> tuple[str | None, ContextDate | None]:
    wanted = {w.casefold() for w in _words(relative.reference)} - {"the"}
    if not wanted:
        return None, None
    dates = {when for words, when, _ in known if wanted <= words}
    anchors = {
        when: day
        for when in dates
        if (not relative.within or "/" in when) and (day := counted_from(when, relative))
    }
    if len(set(anchors.values())) != 1:
        return None, None
    # dates that give the same day (a range and its last day): the widest names the event best
    chosen = min(anchors, key=lambda w: (bounds(w)[0], -bounds(w)[1].toordinal()))
    if not all(overlap(when, chosen) for when in dates):
        return None, None  # "the summit" of 2019 and of 2023: which one is not said
    context = ContextDate(
        as_written=text, kind="event", anchor=relative.reference, anchor_date=chosen
    )
    return anchors[chosen], context


def _agreed_place_words(venue: Slot | None) -> frozenset[str]:
    if venue is None or venue.disputed:
        return frozenset()
    names = [n for v in venue.values for n in (*v.as_written, *v.contains, *v.wider)]
    return frozenset(w.casefold() for name in names for w in _words(name) if _capitalised(w))


def date_slot(
    central: Mapping[str | None, Sequence[SlotItem]],
    published: Mapping[int, date | None],
    story: Mapping[int, int],
) -> Slot:
    """Every central date with its sources; disputed when two that are not superseded cannot
    both hold."""
    values = [slot_value(value, items, published, story) for value, items in central.items()]
    replaced = _superseded(values, central, published)
    values = [
        v.model_copy(update={"superseded_by": replaced[v.value]}) if v.value in replaced else v
        for v in values
    ]
    known = [v.value for v in values if v.value is not None and v.superseded_by is None]
    disputed = any(not overlap(a, b) for i, a in enumerate(known) for b in known[i + 1 :])
    values.sort(key=lambda v: (-len(v.sources), v.value or "~"))
    return Slot(values=values, disputed=disputed)


def _firmer(a: str | None, b: str | None) -> bool:
    return a is not None and (b is None or CERTAINTY_ORDER.index(a) < CERTAINTY_ORDER.index(b))


def _superseded(
    values: Sequence[SlotValue],
    central: Mapping[str | None, Sequence[SlotItem]],
    published: Mapping[int, date | None],
) -> dict[str, str]:
    """Value -> the value that replaced it. A is replaced by B (a date A's ranges do not meet)
    when every report of A is speculated or planned, and either a source that gives A also
    gives B more firmly, or a source published on or after A's latest report confirms B."""
    replaced: dict[str, str] = {}
    by_value = {v.value: v for v in values if v.value is not None}
    for a, value_a in by_value.items():
        items_a = central[a]
        if not all(i.certainty in ("speculated", "planned") for i in items_a):
            continue
        given: dict[int, str] = {}  # the firmest certainty each source gives A
        for item in items_a:
            kept = given.get(item.source)
            if kept is None or _firmer(item.certainty, kept):
                given[item.source] = item.certainty or "speculated"
        candidates = []
        for b, value_b in by_value.items():
            if b == a or overlap(a, b):
                continue
            firmer_same_source = any(
                i.source in given and _firmer(i.certainty, given[i.source]) for i in central[b]
            )
            confirmed_later = any(
                i.certainty == "confirmed"
                and value_a.reported is not None
                and (d := published.get(i.source)) is not None
                and d >= value_a.reported
                for i in central[b]
            )
            if firmer_same_source or confirmed_later:
                rank = CERTAINTY_ORDER.index(value_b.certainty or "speculated")
                candidates.append((rank, -(value_b.reported or date.min).toordinal(), b))
        if candidates:
            replaced[a] = min(candidates)[2]
    # Two answers each said to replace the other (by different sources) are a disagreement.
    return {a: b for a, b in replaced.items() if replaced.get(b) != a}


# --- which events are the same ---------------------------------------------------------------


def _actor_names(actors: Sequence[BriefActor]) -> dict[str, frozenset[str]]:
    """Folded name -> the actors it may name; descriptions ('the leader') name no one. The
    merge has tied these names to their actor, so any capitalised one counts."""
    found: dict[str, set[str]] = defaultdict(set)
    for i, actor in enumerate(actors):
        for name in (actor.name, *actor.names):
            if (name[:1].isupper() or is_name_like(name)) and (key := fold(name)):
                found[key].add(f"{i}")
    return {k: frozenset(v) for k, v in found.items()}


def _extracted_names(
    done: Sequence[tuple[int, ArticleExtraction]], texts: Iterable[str]
) -> dict[str, frozenset[str]]:
    """Folded name -> actor keys, from the extractions: a person by their full name's key, so
    'Kim' (an alias of 'Kim Jong-un') and 'Kim Jong Un' are one. Only names that some event
    text contains are kept, and each distinct actor entry is read once."""
    grams = set()
    for text in set(texts):
        words = fold(text).split()
        for k in range(len(words)):
            for length in range(1, min(MAX_NAME_WORDS, len(words) - k) + 1):
                grams.add(" ".join(words[k : k + length]))
    found: dict[str, set[str]] = defaultdict(set)
    seen: set[tuple[str, str, tuple[str, ...]]] = set()
    for _, result in done:
        for actor in result.extraction.actors:
            entry = (actor.kind, actor.name, tuple(actor.aliases))
            if entry in seen:
                continue
            seen.add(entry)
            named = [f for n in (actor.name, *actor.aliases) if (f := fold(n)) in grams]
            if not named:
                continue
            if actor.kind == "person" and is_full_name(actor.name):
                key = f"{actor.kind}:{parse_person(actor.name).across_key}"
            else:
                key = f"{actor.kind}:{fold(actor.name)}"
            for name in (actor.name, *actor.aliases):
                if (folded := fold(name)) in named and is_name_like(name):
                    found[folded].add(key)
    return {k: frozenset(v) for k, v in found.items()}


@cache
def _synonyms() -> dict[str, str]:
    table: dict[str, str] = {}
    for group in EVENT_SYNONYMS:
        head = next(iter(content_words(group[0])))
        for word in group:
            for stem in content_words(word):
                table.setdefault(stem, head)
    return table


@dataclass(frozen=True, slots=True)
class Event:
    """What an event text says: who (actors, or else other proper names) and what (the rest)."""

    who: frozenset[str]
    named: bool  # `who` are actors, not merely capitalised words
    action: frozenset[str]
    places: frozenset[str] = frozenset()  # capitalised words that name no actor
    saying: bool = False  # a report or a statement (SAYING): folded, never disputed
    occurrence: str = ""  # LAST: the one last meeting of its people (`LAST_MEETING`)


class EventIndex:
    """The events of one story's timeline, read once per distinct text."""

    def __init__(
        self,
        texts: Iterable[str],
        names: Mapping[str, frozenset[str]],
        one_place: frozenset[str] = frozenset(),
    ):
        distinct = sorted(set(texts))
        self.names = names
        self.one_place = one_place  # words naming the story's agreed place and its levels
        self.longest = min(MAX_NAME_WORDS, max((k.count(" ") + 1 for k in names), default=1))
        # Capitalised words met inside an event text are names wherever they stand.
        self.proper = {
            word.casefold()
            for text in distinct
            for k, word in enumerate(_words(text))
            if k > 0 and _capitalised(word)
        }
        read = {text: self._read(text) for text in distinct}
        # Texts that say the same (who, what) are one event, numbered in an order of their own.
        self.events: list[Event] = sorted(set(read.values()), key=_order)
        number = {event: i for i, event in enumerate(self.events)}
        self.id_of: dict[str, int] = {text: number[event] for text, event in read.items()}
        # Rarer words weigh more, but a word every report of one event shares ("arrived") must
        # not weigh nothing: smoothed inverse document frequency, at least 1.
        bags = Counter(word for e in self.events for word in e.action)
        size = len(self.events)
        self.weights = {w: 1 + math.log((size + 1) / (f + 1)) for w, f in bags.items()}

    def _read(self, text: str) -> Event:
        words = _words(text)
        folded = [w.casefold() for w in words]
        who: set[str] = set()
        proper: set[str] = set()
        rest: list[str] = []
        k = 0
        while k < len(words):
            for length in range(min(self.longest, len(words) - k), 0, -1):
                ids = self.names.get(" ".join(folded[k : k + length]))
                if ids or (length == 1 and (ids := self._declined(words[k], folded[k]))):
                    who |= ids
                    k += length
                    break
            else:
                word = words[k]
                if _capitalised(word) and (k > 0 or folded[k] in self.proper or _acronym(word)):
                    proper.add(folded[k])
                else:
                    rest.append(folded[k])
                k += 1
        synonyms = _synonyms()
        action = frozenset(
            synonyms.get(w, w)
            for w in content_words(" ".join(w for w in rest if w not in NOT_ACTION))
            if len(w) > 1 and not w.isdigit()
        )
        saying = any(w in SAYING for w in rest)
        proper_words = frozenset(proper)
        if who:
            last = LAST if len(who) >= 2 and LAST_MEETING.search(text) else ""
            return Event(frozenset(who), True, action, proper_words, saying, last)
        return Event(proper_words, False, action, proper_words, saying)

    def _declined(self, word: str, folded: str) -> frozenset[str] | None:
        """The actors a capitalised word of a non-Latin script names, declined: 'Путина',
        'Трампом' -> Путин, Трамп (a name of four letters or more that the word begins, at most
        NAME_ENDING letters shorter)."""
        if len(folded) < 5 or not _capitalised(word) or folded.isascii():
            return None
        for cut in range(1, NAME_ENDING + 1):
            stem = folded[:-cut]
            if len(stem) >= 4 and (ids := self.names.get(stem)):
                return ids
        return None

    def score(self, a: Event, b: Event) -> float:
        """Weighted Dice of the action words, 0..1."""
        total = sum(self.weights[w] for w in a.action) + sum(self.weights[w] for w in b.action)
        shared = sum(self.weights[w] for w in a.action & b.action)
        return 2 * shared / total if total else 0.0

    def same(self, a: Event, b: Event) -> bool:
        """Same actors (one may name more of them than the other, never each someone the other
        does not: 'Kim meets Putin' is not 'Kim meets Shoigu'), no two other names that share
        nothing ('visits Vladivostok' / 'visits Khabarovsk'; one side alone may name a place),
        and the same action."""
        if a.occurrence and a.occurrence == b.occurrence and a.who == b.who:
            return True  # the last meeting of the same people, in whatever language
        if not a.action & b.action:
            return False
        one = self.one_place
        places_a, places_b = a.places - one, b.places - one
        if places_a and places_b and not places_a & places_b:
            return False
        who_a, who_b = a.who, b.who
        if not a.named and not b.named:
            # the story's agreed place, however each names it, anchors both as an actor would
            who_a, who_b = a.who - one, b.who - one
            if not who_a and not who_b:
                anchored = bool(a.who & one and b.who & one)
                return self.score(a, b) >= (SAME_ACTION if anchored else SAME_ACTION_UNNAMED)
        if a.named != b.named or not who_a & who_b or (who_a - who_b and who_b - who_a):
            return False
        if a.named and (a.action <= b.action or b.action <= a.action):
            return True  # the same people doing the same, one side saying more ("to discuss …")
        return self.score(a, b) >= SAME_ACTION

    def related(self) -> dict[int, set[int]]:
        """Each event's number -> the numbers of the other events that are the same, compared
        only in pairs that share an action word used by at most COMMON_WORD_LIMIT events."""
        by_word: dict[str, list[int]] = defaultdict(list)
        for i, event in enumerate(self.events):
            for word in event.action:
                by_word[word].append(i)
        pairs: set[tuple[int, int]] = set()
        for members in by_word.values():
            if len(members) <= COMMON_WORD_LIMIT:
                pairs.update(combinations(members, 2))
        # the last meeting of the same people shares no word across languages
        by_occurrence: dict[tuple[str, frozenset[str]], list[int]] = defaultdict(list)
        for i, event in enumerate(self.events):
            if event.occurrence:
                by_occurrence[(event.occurrence, event.who)].append(i)
        for members in by_occurrence.values():
            pairs.update(combinations(members, 2))
        found: dict[int, set[int]] = defaultdict(set)
        for i, j in pairs:
            if self.same(self.events[i], self.events[j]):
                found[i].add(j)
                found[j].add(i)
        return found


def _order(event: Event) -> tuple[bool, tuple[str, ...], tuple[str, ...]]:
    return event.named, tuple(sorted(event.who)), tuple(sorted(event.action))


def _words(text: str) -> list[str]:
    return _WORD.findall(_POSSESSIVE.sub("", text))


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _acronym(word: str) -> bool:
    """'G20', 'NATO', 'UN': a name even at the start of a text."""
    return (len(word) > 1 and word.isupper()) or (
        word[:1].isupper() and any(c.isdigit() for c in word)
    )


# --- the timeline ----------------------------------------------------------------------------


def timeline(
    dated: Sequence[tuple[SlotItem, str, str | None]],
    index: EventIndex,
    canonical: Mapping[str, str] | None = None,
    published: Mapping[int, date | None] | None = None,
) -> list[DatedEvent]:
    """Events in date order, undated last. The same event on the same date is one line; the
    same event on dates that cannot both hold marks both lines. Each line keeps the firmest
    certainty its sources give, and a reported one who its quotes credit (`canonical`: folded
    name -> the brief's name for that actor). `published`: each source's publication date, by
    which two dates of one last meeting are compared (`_last_meeting_disputes`)."""
    related = index.related()
    event_of = [index.id_of[text] for _, text, _ in dated]
    by_date: dict[str | None, list[int]] = defaultdict(list)
    for k, (_, _, when) in enumerate(dated):
        by_date[when].append(k)
    lines: list[tuple[str | None, list[int]]] = []
    for when in sorted(by_date, key=lambda d: d or "~"):
        members = by_date[when]
        if when is None:  # undated events are not folded: nothing says they coincide
            groups = [[k] for k in members]
        else:
            groups = _group_events(members, [event_of[k] for k in members], related)
        # in source order, then the order of the source's own list
        groups = [sorted(g, key=lambda k: (dated[k][0].source, k)) for g in groups]
        groups.sort(key=lambda g: (dated[g[0]][0].source, g[0]))
        lines += [(when, g) for g in groups]
    disputes = _disputes(lines, dated, event_of, index, related)
    for i, other in enumerate(_last_meeting_disputes(lines, dated, event_of, index, published)):
        if other:
            known = {d.date: set(d.sources) for d in disputes[i]}
            for when, sources in other.items():
                known[when] = known.get(when, set()) | sources
            disputes[i] = [OtherDate(date=d, sources=sorted(known[d])) for d in sorted(known)]
    found = []
    for i, (when, group) in enumerate(lines):
        items = [dated[k][0] for k in group]
        event = dated[group[0]][1]
        certainty = firmest([item.certainty for item in items])
        found.append(
            DatedEvent(
                date=when,
                as_written=list(dict.fromkeys(item.text for item in items)),
                event=event,
                sources=sorted({item.source for item in items}),
                quotes=quotes_of([(item.source, item.quote, item.certainty) for item in items]),
                disputed=disputes[i],
                certainty=certainty,
                according_to=_according_to(items, event, canonical or {})
                if certainty == "reported"
                else [],
                from_context=contexts(items),
            )
        )
    return found


def _according_to(items: Sequence[SlotItem], event: str, canonical: Mapping[str, str]) -> list[str]:
    """Who the reported items' quotes credit, by the brief's name for them; not one the event's
    own words already name ("The New York Times reported …")."""
    said = f" {fold(event)} "
    found = []
    for item in items:
        who = claimant(item.quote) if item.certainty == "reported" else None
        if who is None or f" {(key := fold(who))} " in said:
            continue
        found.append(canonical.get(key, who))
    return list(dict.fromkeys(found))


def _group_events(
    members: Sequence[int], events: Sequence[int], related: Mapping[int, set[int]]
) -> list[list[int]]:
    """Mentions of one date grouped: the same event joins, transitively, in any order."""
    distinct = {event: n for n, event in enumerate(dict.fromkeys(events))}
    sets = UnionFind(len(distinct))
    for event, n in distinct.items():
        for other in related.get(event, ()):
            if other in distinct:
                sets.union(n, distinct[other])
    groups: dict[int, list[int]] = defaultdict(list)
    for k, event in zip(members, events, strict=True):
        groups[sets.find(distinct[event])].append(k)
    return list(groups.values())


def _disputes(
    lines: Sequence[tuple[str | None, list[int]]],
    dated: Sequence[tuple[SlotItem, str, str | None]],
    event_of: Sequence[int],
    index: EventIndex,
    related: Mapping[int, set[int]],
) -> list[list[OtherDate]]:
    """For each line, the other dates the same event is given that cannot hold with its own,
    within DISPUTE_WINDOW days, with the sources that give them."""
    # event -> date -> sources, then each event's neighbourhood (itself and the same events)
    # as dates sorted by start and by end, so a line finds its disputes by bisection.
    given: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for (item, _, when), event in zip(dated, event_of, strict=True):
        if when is not None:
            given[event][when].add(item.source)
    span = {when: _ordinals(when) for dates in given.values() for when in dates}
    near: dict[int, tuple[list[tuple[int, str]], list[tuple[int, str]], dict[str, set[int]]]]
    near = {}

    def comparable(event: int) -> bool:
        # an event that says nothing happened ("Kim Jong Un") is not compared, nor a report
        return bool(index.events[event].action) and not index.events[event].saying

    def neighbourhood(event: int):
        if event not in near:
            merged: dict[str, set[int]] = defaultdict(set)
            if comparable(event):
                for other in (event, *related.get(event, ())):
                    for when, sources in given.get(other, {}).items() if comparable(other) else ():
                        merged[when] |= sources
            starts = sorted((span[w][0], w) for w in merged)
            ends = sorted((span[w][1], w) for w in merged)
            near[event] = (starts, ends, merged)
        return near[event]

    found: list[list[OtherDate]] = []
    for when, group in lines:
        if when is None:
            found.append([])
            continue
        first, last = span[when]
        others: dict[str, set[int]] = defaultdict(set)
        for event in {event_of[k] for k in group}:
            starts, ends, merged = neighbourhood(event)
            after = starts[
                bisect_right(starts, (last, "~")) : bisect_right(
                    starts, (last + DISPUTE_WINDOW, "~")
                )
            ]
            before = ends[
                bisect_left(ends, (first - DISPUTE_WINDOW, "")) : bisect_left(ends, (first, ""))
            ]
            for _, other in (*after, *before):  # neither overlaps this line's date
                others[other] |= merged[other]
        found.append([OtherDate(date=d, sources=sorted(others[d])) for d in sorted(others)])
    return found


def _last_meeting_disputes(
    lines: Sequence[tuple[str | None, list[int]]],
    dated: Sequence[tuple[SlotItem, str, str | None]],
    event_of: Sequence[int],
    index: EventIndex,
    published: Mapping[int, date | None] | None,
) -> list[dict[str, set[int]]]:
    """For each line of a last meeting (`LAST_MEETING`), the other dates given for the last
    meeting of the same people that cannot hold with its own, however far apart: there is one
    last meeting. Only between sources all published after both dates: a page written before
    a later meeting rightly calls an earlier one the last."""
    given: dict[frozenset[str], dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for (item, _, when), number in zip(dated, event_of, strict=True):
        event = index.events[number]
        if when is not None and event.occurrence == LAST and not event.saying:
            given[event.who][when].add(item.source)
    found: list[dict[str, set[int]]] = []
    for when, group in lines:
        others: dict[str, set[int]] = {}
        events = {index.events[event_of[k]] for k in group}
        mine = {dated[k][0].source for k in group}
        for event in events:
            if when is None or event.occurrence != LAST or event.saying:
                continue
            for other, sources in given[event.who].items():
                if overlap(when, other):
                    continue
                later = max(bounds(when)[1], bounds(other)[1])
                written = [(published or {}).get(n) for n in mine | sources]
                if all(d is not None and d >= later for d in written):
                    others[other] = others.get(other, set()) | sources
        found.append(others)
    return found


def _ordinals(when: str) -> tuple[int, int]:
    start, end = bounds(when)
    return start.toordinal(), end.toordinal()
