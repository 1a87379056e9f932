"""Where: the venue slot. Pure.

Each place as written is normalised and placed (`places`): its chain of wider places (the
model's `within`, innermost first, and ", Wider" or " in Wider" in the text) and, when the
gazetteer knows it, a city, division or country entry. Then:

- places are the SAME when they resolve to the same entry ("UK", "Britain", "in British
  stores"), or have the same normalised name, or name one facility in two wordings ("Vostochny
  Cosmodrome", "Cosmodromo di Vostochny"), unless their anchors cannot both hold;
- a place is INSIDE another by any source's chain or by the gazetteer (a city in its division in
  its country; "south London" in London), transitively, whatever the order of the articles;
- two places CONFLICT when neither is inside the other and they cannot both hold: both are
  anchored (they resolve, or their chains do) to entries of which none can contain another
  (Paris, Texas and Paris, France; Sudan and South Sudan; Vladivostok in Primorye and the
  Vostochny Cosmodrome in the Amur region), or one of them is not anchored at all and their
  names differ. Places inside one the event spreads over ("in British stores") never conflict,
  nor do rooms of one facility (places the gazetteer does not know, inside a cosmodrome, a
  base, a palace: "the assembly and testing building" and "the Soyuz-2 lab").

Places fold into answers: a wider place whose finer places form one chain, or are rooms of one
facility inside it, folds into it, so the answer shows the finest place all of them lie in or
around (given as firmly as any of its levels; a room shows under its facility), its `wider`
levels, each once (the sources', then the gazetteer's country when the place tells one
country) and the finer places it `contains`.
An answer every source gives only as speculated or planned is `superseded_by` a conflicting one
that the same source gives more firmly, or that a source confirms on or after its latest
report; it stays listed with its quotes. The slot is disputed when two answers conflict and
neither is superseded.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import pairwise

from briefgen.merge import places
from briefgen.merge.grouping import CERTAINTY_ORDER, UnionFind, firmest
from briefgen.merge.slots import SlotItem, slot_value
from briefgen.schemas import Certainty, Slot, SlotValue
from briefgen.text.fold import fold
from briefgen.text.gazetteer import BIG_CITY, Entry, gazetteer, lookup

HEDGED: frozenset[Certainty] = frozenset({"speculated", "planned"})


@dataclass(frozen=True)
class Level:
    """One place of a chain: its name as written, its key, its gazetteer entry if any."""

    display: str
    key: str
    entry: Entry | None
    candidates: tuple[Entry, ...]

    @property
    def ident(self) -> str:
        return self.entry.id if self.entry else f"key:{self.key}"


@dataclass(frozen=True)
class Form:
    """A distinct place as written with its chain: the place itself is `levels[0]`."""

    levels: tuple[Level, ...]
    part: bool
    spread: bool

    @property
    def place(self) -> Level:
        return self.levels[0]

    @property
    def anchors(self) -> tuple[Entry, ...]:
        """What the gazetteer says this place can be: its own candidates, or those of the
        innermost level of its chain that resolves (never a part's base as itself)."""
        start = 1 if self.part else 0
        return next((lv.candidates for lv in self.levels[start:] if lv.candidates), ())


def _level(display: str, key: str, within: Entry | None, country: str | None = None) -> Level:
    if country:
        entry = gazetteer().entries.get(f"country:{country}")
        return Level(display, key, entry, (entry,) if entry else ())
    # A name nothing inside the level outside it can be is read on its own: the sources' levels
    # may come in the wrong order ("Afghanistan" given inside "Mazar-e-Sharif").
    found = places.resolve(key, within) or (lookup(key) if within else ())
    return Level(display, key, found[0] if found else None, found)


@lru_cache(maxsize=1 << 14)
def form(text: str, within: tuple[str, ...] = ()) -> Form:
    """A place as written with the model's chain, each level resolved in the context of the
    levels outside it ("Paris" within "Texas" is Paris, US-TX)."""
    parsed = places.parse(text)
    # A comma part or a model's level may carry a chain of its own ("Vladivostok, Russia",
    # "Midtown Manhattan" inside Manhattan): flattened, innermost first.
    flat: list[places.Parsed] = []

    def add(written: str) -> None:
        p = places.parse(written)
        flat.append(p)
        for wider in p.chain:
            add(wider)

    for written in (*parsed.chain, *within):
        add(written)
    levels: list[Level] = []
    context: Entry | None = None
    for p in reversed(flat):
        level = (
            Level(p.display, p.key, None, ())
            if p.part
            else _level(p.display, p.key, context, p.country)
        )
        levels.append(level)
        context = level.entry or context
    own = (
        Level(parsed.display, parsed.key, None, ())
        if parsed.part
        else _level(parsed.display, parsed.key, context, parsed.country)
    )
    return Form((own, *reversed(levels)), parsed.part, parsed.spread)


def _singular(f: Form, known: set[str]) -> Form:
    """'Trump Towers' -> 'Trump Tower' when that is a name the merge or the gazetteer knows."""
    own = f.place
    if own.entry or (one := places.singular(own.key, known)) == own.key:
        return f
    cut = len(own.key) - len(one)
    display = own.display[: len(own.display) - cut] if cut > 0 else own.display
    context = next((lv.entry for lv in f.levels[1:] if lv.entry), None)
    found = places.resolve(one, context) if not f.part else ()
    level = Level(display, one, found[0] if found else None, found)
    return Form((level, *f.levels[1:]), f.part, f.spread)


def _compatible(a: Sequence[Entry], b: Sequence[Entry]) -> bool:
    """Two places' candidate entries (best first) can both hold: their best readings are not
    disjoint, or some readings are one entry or one inside the other ("Paris" may be the Paris
    of "Paris, Texas"). Not merely some pair the data cannot tell apart: "Croydon" and
    "Manchester" are also names of two English districts, which does not make them overlap."""
    if not a or not b:
        return True
    if not places.disjoint(a[0], b[0]):
        return True
    return any(
        x.id == y.id or places.inside(x, y) is True or places.inside(y, x) is True
        for x in a
        for y in b
    )


def _same(f: Form, g: Form) -> bool:
    a, b = f.place, g.place
    if f.part != g.part:
        return False
    if f.part:  # two parts are one when their words and bases are
        return a.key == b.key and f.levels[1].ident == g.levels[1].ident
    if a.entry and b.entry:
        return a.entry.id == b.entry.id
    if not (a.key == b.key or places.same_name(a.key, b.key)):
        return False
    return not (f.anchors and g.anchors) or _compatible(f.anchors, g.anchors)


@dataclass
class _Cluster:
    forms: list[int]
    items: list[int]
    ident: str = ""


def venue_slot(
    items: Sequence[SlotItem], published: Mapping[int, date | None], story: Mapping[int, int]
) -> Slot:
    """Places folded by name and entry, nested by chain and gazetteer, disputed only when two
    answers cannot both hold and neither is superseded.

    Each distinct (place, chain) is normalised and resolved once, so many articles naming the
    same few places stay cheap; pairs are compared per distinct place, not per mention.
    """
    if not items:
        return Slot(values=[], disputed=False)
    by_form: dict[tuple[str, tuple[str, ...]], list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        by_form[(item.text, tuple(item.within))].append(i)
    written = sorted(by_form)
    forms = [form(text, within) for text, within in written]
    known = {lv.key for f in forms for lv in f.levels}
    forms = [_singular(f, known) for f in forms]
    mentions = [by_form[w] for w in written]
    # A place that holds rooms which no source gives as the venue itself is still their one
    # answer: "the assembly and testing building" and "the Soyuz-2 lab", each within the
    # Vostochny Cosmodrome, are the cosmodrome.
    for parent in _room_parents(forms):
        forms.append(parent)
        mentions.append([])

    sets = UnionFind(len(forms))
    for a in range(len(forms)):
        for b in range(a + 1, len(forms)):
            if _same(forms[a], forms[b]):
                sets.union(a, b)
    clusters = [
        _Cluster(group, sorted(i for f in group for i in mentions[f])) for group in sets.groups()
    ]
    graph = _Graph(
        forms,
        clusters,
        [len(m) for m in mentions],
        [_rank(firmest([items[i].certainty for i in m])) for m in mentions],
    )
    graph.merge_cycles()
    clusters = graph.clusters

    # Fold a wider place into its finer places when those form one chain, or are rooms of one
    # place inside it.
    n = len(clusters)
    below = [[d for d in range(n) if d != c and graph.inside(d, c)] for c in range(n)]
    groups = UnionFind(n)
    for c in range(n):
        if below[c] and all(
            graph.inside(x, y) or graph.inside(y, x) or graph.rooms(x, y)
            for i, x in enumerate(below[c])
            for y in below[c][i + 1 :]
        ):
            for d in below[c]:
                groups.union(c, d)
    answers = sorted(groups.groups(), key=lambda g: min(clusters[c].ident for c in g))
    conflicts = {(c, d) for c in range(n) for d in range(c + 1, n) if graph.conflict(c, d)}

    def items_of(group: Iterable[int]) -> list[SlotItem]:
        return [items[i] for c in group for i in clusters[c].items]

    of_cluster = {c: k for k, group in enumerate(answers) for c in group}
    apart = {(of_cluster[c], of_cluster[d]) for c, d in conflicts}
    apart |= {(b, a) for a, b in apart}
    shown = [_answer(graph, group, items_of, published, story) for group in answers]
    superseded: dict[int, int] = {}
    for k, group in enumerate(answers):
        rivals = [
            j
            for j in range(len(answers))
            if (k, j) in apart
            and j != k
            and _supersedes(items_of(answers[j]), items_of(group), published)
        ]
        if rivals:
            superseded[k] = min(rivals, key=lambda j: _firmness(shown[j]))
    # Two answers of one name are told apart by their first wider level: "Paris, Texas".
    named = Counter(v.value for v in shown)
    shown = [
        v.model_copy(update={"value": f"{v.value}, {v.wider[0]}"})
        if named[v.value] > 1 and v.wider
        else v
        for v in shown
    ]
    values = [
        v.model_copy(update={"superseded_by": shown[superseded[k]].value}) if k in superseded else v
        for k, v in enumerate(shown)
    ]
    disputed = any(a == b or (a not in superseded and b not in superseded) for a, b in apart)
    order = sorted(
        range(len(values)),
        key=lambda k: (-values[k].independent, -len(values[k].sources), values[k].value or ""),
    )
    return Slot(values=[values[k] for k in order], disputed=disputed)


def _room_parents(forms: Sequence[Form]) -> list[Form]:
    """The places two or more rooms lie in (by their sources' chains) that no form names."""
    rooms: dict[str, list[Form]] = defaultdict(list)
    for f in forms:
        if _room(f):
            rooms[f.levels[1].key].append(f)
    parents = []
    for group in rooms.values():
        distinct: list[Form] = []
        for f in group:
            if not any(_same(f, g) for g in distinct):
                distinct.append(f)
        parent = Form(group[0].levels[1:], False, False)
        if len(distinct) > 1 and not any(_same(parent, f) for f in forms):
            parents.append(parent)
    return parents


def _room(f: Form) -> bool:
    """A place the gazetteer does not know, placed by its chain inside a facility or a site
    that holds rooms (which the gazetteer does not know either)."""
    if f.part or f.place.entry or len(f.levels) < 2:
        return False
    parent = f.levels[1]
    return parent.entry is None and places.holds_rooms(parent.key)


def _rank(certainty: Certainty | None) -> int:
    return CERTAINTY_ORDER.index(certainty) if certainty else len(CERTAINTY_ORDER)


def _firmness(value: SlotValue) -> tuple[int, int, int, int, str]:
    """Which of several answers that supersede one names it: the firmest, latest, of most
    origins, most cited."""
    return (
        _rank(value.certainty),
        -(value.reported.toordinal() if value.reported else 0),
        -value.independent,
        -len(value.sources),
        value.value or "",
    )


def _supersedes(
    firm: Sequence[SlotItem], hedged: Sequence[SlotItem], published: Mapping[int, date | None]
) -> bool:
    """Every report of `hedged` is speculated or planned, and a source that gives it gives
    `firm` more firmly, or a source confirms `firm` on or after its latest report."""
    if not hedged or any(i.certainty not in HEDGED for i in hedged):
        return False
    rank = {c: n for n, c in enumerate(CERTAINTY_ORDER)}
    for source in {i.source for i in hedged}:
        theirs = [rank[i.certainty] for i in firm if i.source == source and i.certainty]
        mine = [rank[i.certainty] for i in hedged if i.source == source and i.certainty]
        if theirs and mine and min(theirs) < min(mine):
            return True
    dates = [d for i in hedged if (d := published.get(i.source))]
    if not dates:
        return False
    latest = max(dates)
    return any(
        i.certainty == "confirmed" and (d := published.get(i.source)) is not None and d >= latest
        for i in firm
    )


class _Graph:
    """Which cluster of places lies inside which: chain edges of every source and gazetteer
    containment, closed transitively."""

    def __init__(
        self, forms: list[Form], clusters: list[_Cluster], weights: list[int], ranks: list[int]
    ):
        """`weights`: how many mentions each form has; `ranks`: the firmest certainty of them
        (an index into CERTAINTY_ORDER), which names a place on a tie."""
        self.forms, self.clusters, self.weights, self.ranks = forms, clusters, weights, ranks
        self._build()

    def _build(self) -> None:
        alias: dict[str, str] = {}
        for cluster in self.clusters:
            idents = sorted({self.forms[f].place.ident for f in cluster.forms})
            cluster.ident = idents[0]
            for ident in idents:
                alias.setdefault(ident, cluster.ident)
        # A level of a chain that names a place the sources give in other words ("il
        # Cosmodromo di Vostochny" above a laboratory; "Vostochny Cosmodrome" as a venue) is
        # that place. Only places the gazetteer does not know are compared by name.
        unnamed = [
            (f.place.key, cluster.ident)
            for cluster in self.clusters
            for f in (self.forms[i] for i in cluster.forms)
            if f.place.entry is None and not f.part
        ]
        for f in self.forms:
            for level in f.levels[1:]:
                if level.entry is None and level.ident not in alias:
                    match = {c for key, c in unnamed if places.same_name(level.key, key)}
                    if len(match) == 1:
                        alias[level.ident] = match.pop()
        # Levels that name one wider place in other words ("Russian Far East", "Russia’s Far
        # East") are one level, said once; never two levels of one chain.
        chains = [{lv.ident for lv in f.levels} for f in self.forms]
        loose = sorted(
            {
                (lv.ident, lv.key)
                for f in self.forms
                for lv in f.levels[1:]
                if lv.entry is None and lv.ident not in alias
            }
        )
        kept: list[tuple[str, str]] = []
        for ident, key in loose:
            same = next(
                (
                    one
                    for one, other in kept
                    if places.same_name(key, other)
                    and not any(ident in chain and one in chain for chain in chains)
                ),
                None,
            )
            if same is None:
                kept.append((ident, key))
            else:
                alias[ident] = same
        self.alias = alias
        self.of_ident = {c.ident: k for k, c in enumerate(self.clusters)}
        edges: dict[str, set[str]] = defaultdict(set)
        names: dict[str, Counter[str]] = defaultdict(Counter)
        entries: dict[str, Entry] = {}
        firm: dict[str, dict[str, int]] = defaultdict(dict)
        for f, weight, rank in zip(self.forms, self.weights, self.ranks, strict=True):
            chain = [alias.get(lv.ident, lv.ident) for lv in f.levels]
            for level, ident in zip(f.levels, chain, strict=True):
                names[ident][level.display] += weight
                if level.entry:
                    entries[ident] = level.entry
            own = firm[chain[0]]
            own[f.place.display] = min(rank, own.get(f.place.display, rank))
            for (inner, outer), (low, high) in zip(
                pairwise(chain), pairwise(f.levels), strict=True
            ):
                if inner == outer:
                    continue
                if low.entry and high.entry and places.inside(high.entry, low.entry) is True:
                    # "German consulate in Afghanistan" within ["Mazar-e-Sharif"]: the text's
                    # own chain and the model's, joined, put Afghanistan inside the city; the
                    # gazetteer knows better, and a chain never makes a cycle of it
                    edges[outer].add(inner)
                else:
                    edges[inner].add(outer)
        for a, ea in entries.items():
            for b, eb in entries.items():
                if a != b and places.inside(ea, eb) is True:
                    edges[a].add(b)
        self.edges, self.names, self.entries, self.firm = edges, names, entries, firm
        self._up: dict[str, frozenset[str]] = {}

    def up(self, ident: str) -> frozenset[str]:
        """Every place known to contain this one."""
        if ident not in self._up:
            seen: set[str] = set()
            todo = list(self.edges.get(ident, ()))
            while todo:
                x = todo.pop()
                if x not in seen and x != ident:
                    seen.add(x)
                    todo.extend(self.edges.get(x, ()))
            self._up[ident] = frozenset(seen)
        return self._up[ident]

    def inside(self, c: int, d: int) -> bool:
        return self.clusters[d].ident in self.up(self.clusters[c].ident)

    def merge_cycles(self) -> None:
        """Two places each said to contain the other are one place."""
        n = len(self.clusters)
        sets = UnionFind(n)
        for c in range(n):
            for d in range(c + 1, n):
                if self.inside(c, d) and self.inside(d, c):
                    sets.union(c, d)
        groups = sets.groups()
        if len(groups) == n:
            return
        self.clusters = [
            _Cluster(
                sorted(f for c in g for f in self.clusters[c].forms),
                sorted(i for c in g for i in self.clusters[c].items),
            )
            for g in groups
        ]
        self._build()

    def name(self, ident: str) -> str:
        """The name the sources use most for a place (as a venue or a level of a chain); on a
        tie the one not in capitals, with its accents, given most firmly, the shortest."""
        counts = self.names.get(ident)
        if not counts:
            entry = self.entries.get(ident) or gazetteer().entries.get(ident)
            return entry.name if entry else ident.removeprefix("key:")
        firm = self.firm.get(ident, {})
        # Spellings of one name ("São Paulo", "Sao Paulo") count together; of them the one
        # with its accents. Names in other words ("Joint Base Elmendorf-Richardson",
        # "Militärbasis Elmendorf-Richardson") by their counts, then firmness, not script.
        spellings: dict[str, list[str]] = defaultdict(list)
        for t in counts:
            spellings[fold(t)].append(t)
        total = {k: sum(counts[t] for t in ts) for k, ts in spellings.items()}
        group = min(
            spellings.values(),
            key=lambda ts: (
                -total[fold(ts[0])],
                all(t.isupper() for t in ts),
                min(firm.get(t, 9) for t in ts),
                min(len(t) for t in ts),
                min(ts),
            ),
        )
        best = min(
            group,
            key=lambda t: (-counts[t], t.isupper(), t.isascii(), firm.get(t, 9), len(t), t),
        )
        return best.title() if best.isupper() and len(best) > 3 else best  # "LONDON"

    def cluster_name(self, k: int) -> str:
        return self.name(self.clusters[k].ident)

    def spread_over(self, c: int, d: int) -> bool:
        """Both lie in (or are) a place the event spreads over ("in British stores")."""
        for k, cluster in enumerate(self.clusters):
            spread = any(self.forms[f].spread for f in cluster.forms)
            if spread and all(x == k or self.inside(x, k) for x in (c, d)):
                return True
        return False

    def rooms(self, c: int, d: int) -> bool:
        """Both are rooms or buildings of one facility or site they lie in ("the assembly and
        testing building" and "the Soyuz-2 lab" in the Vostochny Cosmodrome): both can hold."""
        if c == d or any(self.forms[f].place.entry for x in (c, d) for f in self.clusters[x].forms):
            return False
        shared = self.up(self.clusters[c].ident) & self.up(self.clusters[d].ident)
        return any(
            ident not in self.entries and places.holds_rooms(self._key(ident)) for ident in shared
        )

    def room(self, c: int) -> bool:
        """Every form of the cluster is a room of a facility or site."""
        return all(_room(self.forms[f]) for f in self.clusters[c].forms)

    def _key(self, ident: str) -> str:
        if ident in self.of_ident:
            return self.forms[self.clusters[self.of_ident[ident]].forms[0]].place.key
        return ident.removeprefix("key:")

    def conflict(self, c: int, d: int) -> bool:
        if self.inside(c, d) or self.inside(d, c) or self.spread_over(c, d) or self.rooms(c, d):
            return False
        if any(self.inside(x, c) and self.inside(x, d) for x in range(len(self.clusters))):
            return False  # both contain one place: they overlap
        anchored = [
            [self.forms[f].anchors for f in self.clusters[x].forms if self.forms[f].anchors]
            for x in (c, d)
        ]
        if not anchored[0] or not anchored[1]:
            return True  # one of them is nowhere the gazetteer knows: different names differ
        return any(not _compatible(a, b) for a in anchored[0] for b in anchored[1])

    def country(self, c: int) -> Entry | None:
        """The country the place lies in, when the gazetteer tells it unambiguously."""
        for f in sorted(self.clusters[c].forms):
            anchors = self.forms[f].anchors
            if anchors:
                if not unambiguous(anchors):
                    return None  # "Nord": a division of Burkina Faso, Haiti and France
                return gazetteer().entries.get(f"country:{anchors[0].country}")
        return None


def unambiguous(candidates: Sequence[Entry]) -> bool:
    """Whether a name's gazetteer candidates (best first) tell one country: all in one country,
    a country, or a city of the best candidate's country that outranks every namesake elsewhere:
    a city ten times as populous, a division when it is a big city ("Washington", "St
    Petersburg"; not "Nord", a division of Burkina Faso, Haiti and France, nor "Birmingham")."""
    if not candidates:
        return False
    best = candidates[0]
    elsewhere = [e for e in candidates if e.country != best.country]
    if not elsewhere or best.kind == "country":
        return True
    top = max(
        (e for e in candidates if e.kind == "city" and e.country == best.country),
        key=lambda e: e.population,
        default=None,
    )
    return top is not None and all(
        e.population * 10 <= top.population if e.kind == "city" else top.population >= BIG_CITY
        for e in elsewhere
    )


def _answer(
    graph: _Graph,
    group: list[int],
    items_of,
    published: Mapping[int, date | None],
    story: Mapping[int, int],
) -> SlotValue:
    """One answer: the finest place given as firmly as any of its levels, with the wider levels
    and the finer places it contains."""
    depth = {c: len(graph.up(graph.clusters[c].ident)) for c in group}
    order = sorted(group, key=lambda c: (-depth[c], graph.cluster_name(c)))
    firm = firmest([i.certainty for i in items_of(group)])
    # The finest place every other place of the answer lies in or around: rooms side by side
    # show under the place that holds them.
    agreed = [
        c for c in order if all(d == c or graph.inside(c, d) or graph.inside(d, c) for d in group)
    ]
    # A room one source names is a detail of the facility the others agree on.
    agreed = [c for c in agreed if not graph.room(c)] or agreed
    shown = next(
        (c for c in agreed if firmest([i.certainty for i in items_of([c])]) == firm), agreed[0]
    )
    up = graph.up(graph.clusters[shown].ident)
    wider_clusters = [c for c in group if c != shown and graph.clusters[c].ident in up]
    finer = [c for c in order if c != shown and c not in wider_clusters]
    levels = sorted(up, key=lambda i: (-len(graph.up(i)), graph.name(i)))
    wider = _readable(list(dict.fromkeys(graph.name(i) for i in levels)))
    country = graph.country(shown)
    if country and country.id not in up and country.id != graph.clusters[shown].ident:
        wider.append(country.name)
    value = slot_value(
        graph.cluster_name(shown),
        items_of([shown, *sorted(wider_clusters)]),
        published,
        story,
        items_of(finer),
    )
    if value.certainty is None:  # a place only its rooms are given in is as firm as they are
        value = value.model_copy(update={"certainty": firm})
    return value.model_copy(update={"wider": wider})


def _readable(wider: list[str]) -> list[str]:
    """Levels as a reader says them: "south London" already says London, so "Croydon, south
    London, London" reads "Croydon, south London"."""
    kept: list[str] = []
    for name in wider:
        if kept and kept[-1].casefold().endswith(" " + name.casefold()):
            continue
        kept.append(name)
    return kept


def same_place(a: str, b: str) -> bool:
    """Whether two place names as written are one place (used to tell a venue that moved)."""
    return _same(form(a), form(b))
