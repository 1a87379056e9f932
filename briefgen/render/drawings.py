"""The HTML brief's two pictures, laid out in Python and drawn as SVG by jinja2 templates.

- `timeline(events, ids)`: one row per dated event in date order, Gantt-like, so a 2019 event and
  a cluster of September 2023 days are all readable: a day is a dot, a month, year or range a
  bar, each other date of a disputed event a hollow mark on the same row. Drawn by
  `templates/timeline.svg.j2`.
- `graph(asks, warnings, actors, ask_ids, warn_ids)`: who asks or warns whom, the claimants and
  the addressee of each claim that names both as nodes (one per actor, whatever name a claim
  uses), one arrow per (from, to, kind). Nodes sit on a circle clockwise from the top, the most
  connected first; when one node is an end of half the arrows or more (everyone warns North
  Korea) it sits in the middle and its arrows are spokes. Drawn by `templates/graph.svg.j2`.

Both return a frozen layout (every coordinate computed here, rounded to one decimal) or None
when there is nothing to draw; the templates only print it, with autoescaping on, so every model
or article string is escaped there and never marked safe. Strings are made fit for XML first
(`_clean`: control characters, bidirectional overrides and isolates removed, whitespace folded)
and labels are cut to a length and an estimated width (`_fit`), then wrapped in a first-strong
isolate (U+2068 ... U+2069) so an Arabic or Hebrew name displays right to left inside its label
without reordering the text around it.

Why a hand-written layout and not networkx or graphviz: the graphs are small and capped (at most
`MAX_NODES` nodes, `MAX_EDGES` arrows, `MAX_ROWS` rows), so a circle and a list of rows are all
the layout they need, in a few milliseconds; the same brief must give the same page byte for
byte, which a force-directed layout (iterated floating point from a random start) or a graphviz
binary (whose output changes with its version) does not promise; and networkx's layouts need
numpy, graphviz a system binary: dependencies briefgen has no other use for.
Pure and deterministic: no randomness, no locale (month names are spelled here), no set order.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import pairwise

from briefgen.actors import fold
from briefgen.dates import bounds
from briefgen.schemas import BriefActor, Claim, DatedEvent

MAX_ROWS = 40  # timeline rows; the rest are counted in `Timeline.omitted`
MAX_NODES = 16  # graph nodes, the most connected; the rest counted in `Graph.omitted`
MAX_EDGES = 48  # graph arrows, those of most claims; the rest counted in `Graph.omitted_edges`
ROW_LABEL = 48  # characters of an event's text in its row label
NODE_LABEL = 24  # characters of a node's name in its label
TITLE = 1000  # characters of one string in a tooltip: the page lists every string in full

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Characters XML 1.0 cannot hold, and the bidirectional controls that would make a label display
# in another order than it reads (U+202A-U+202E embeddings and overrides, U+2066-U+2069
# isolates, U+200E/U+200F marks): a label's direction is set by the isolate `_fit` wraps it in.
_UNFIT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069\u200e\u200f]"
)
_FSI, _PDI = "\u2068", "\u2069"


# --- text -------------------------------------------------------------------------------------


def _clean(value: str | None) -> str:
    """One line of text XML can hold: unfit characters removed, whitespace runs one space."""
    return " ".join(_UNFIT.sub("", value or "").split())


@lru_cache(maxsize=4096)
def _em(char: str) -> float:
    """Estimated advance of one character in em, generous, so a label's box is not smaller
    than what a sans-serif font draws: a full em for wide East Asian characters and the widest
    letters, capitals three quarters, marks and format characters nothing."""
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0.0
    if unicodedata.east_asian_width(char) in ("W", "F") or char in "MWmw@%—":
        return 1.0
    if unicodedata.category(char) == "Lu":
        return 0.76
    return 0.62


def _width(text: str, size: float) -> float:
    return sum(map(_em, text)) * size


def _fit(value: str, chars: int, width: float, size: float) -> str:
    """`value` cut to `chars` characters and `width` units at font `size`, with "…" when cut,
    never between a letter and its combining marks."""
    text = _clean(value)
    if len(text) <= chars and _width(text, size) <= width:
        return text
    budget = width - _em("…") * size
    cut, used = 0, 0.0
    for i, char in enumerate(text[: chars - 1]):
        used += _em(char) * size
        if used > budget:
            break
        cut = i + 1
    # Not between a letter and its marks, nor inside a joined sequence: drop the letter too.
    while 0 < cut < len(text) and (
        unicodedata.combining(text[cut]) or "\u200d" in text[cut - 1 : cut + 1]
    ):
        cut -= 1
    return text[:cut].rstrip() + "…"


def _isolate(text: str) -> str:
    """A label that takes its direction from its first strong letter, isolated from the rest."""
    return f"{_FSI}{text}{_PDI}" if text else ""


def _tip(value: str | None) -> str:
    return _fit(value or "", TITLE, math.inf, 1.0)


def _r(value: float) -> float:
    """One decimal, and never -0.0: the same layout prints the same bytes."""
    return round(value, 1) + 0.0


def _cite(sources: Iterable[int]) -> str:
    return "".join(f"[{n}]" for n in sources)


# --- dates ------------------------------------------------------------------------------------


def _day_text(day: date, year: bool = True) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]}" + (f" {day.year}" if year else "")


def _part_text(part: str) -> str:
    """One ISO day, month or year as a reader writes it: "12 Sep 2023", "Sep 2023", "2023"."""
    start, _ = bounds(part)
    pieces = part.split("-")
    if len(pieces) == 3:
        return _day_text(start)
    if len(pieces) == 2:
        return f"{_MONTHS[start.month - 1]} {start.year}"
    return str(start.year)


def date_text(resolved: str) -> str:
    """A resolved date (`briefgen.dates`) as a reader writes it: "12 Sep 2023", "Sep 2023",
    "2019", "10–13 Sep 2023", "30 Aug – 2 Sep 2023", "Jul 2023 – Sep 2023"; the string itself
    when it is not one."""
    try:
        if "/" not in resolved:
            return _part_text(resolved)
        first, last = resolved.split("/", 1)
        (a, _), (_, b) = bounds(first), bounds(last)
        days = len(first.split("-")) == 3 and len(last.split("-")) == 3
        if days and (a.year, a.month) == (b.year, b.month):
            return f"{a.day}–{b.day} {_MONTHS[a.month - 1]} {a.year}"
        if days and a.year == b.year:
            return f"{_day_text(a, year=False)} – {_day_text(b)}"
        return f"{_part_text(first)} – {_part_text(last)}"
    except ValueError:
        return _clean(resolved)


def _span(resolved: str | None) -> tuple[date, date] | None:
    """First and last day of a resolved date, or None when it is not one."""
    if not resolved:
        return None
    try:
        first, last = bounds(resolved.strip())
    except (ValueError, TypeError, IndexError):
        return None
    return (first, last) if first <= last else None


# --- timeline ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tick:
    x: float
    label: str
    anchor: str  # text-anchor: "start" at the left edge, "end" at the right, else "middle"


@dataclass(frozen=True, slots=True)
class Span:
    """Where a date sits on a row: a dot at `cx` (a day) or a bar from `x` to `x + width`."""

    x: float
    width: float
    cx: float
    range: bool
    text: str  # the date as a reader writes it


@dataclass(frozen=True, slots=True)
class Alt:
    """Another date that other sources give for a disputed event: a hollow mark."""

    span: Span
    title: str


@dataclass(frozen=True, slots=True)
class Row:
    anchor: str  # id of the event's line on the page (the mark links to "#anchor")
    y: float  # top of the row
    label_y: float  # baseline of the label
    mark_y: float  # centre line of the marks
    bar_y: float  # top of a bar
    when: str  # the date as written by a reader, first in the label
    label: str  # the event, cut and isolated
    title: str  # the full event, date, words as written and disagreement
    span: Span
    disputed: bool
    alts: tuple[Alt, ...]


@dataclass(frozen=True, slots=True)
class Timeline:
    width: float
    height: float
    label_x: float  # where row labels start
    left: float  # the plot's left and right edges
    right: float
    axis_y: float  # baseline of the tick labels
    top: float  # first row's top: grid lines run from here to `bottom`
    bottom: float
    ticks: tuple[Tick, ...]
    rows: tuple[Row, ...]
    omitted: int  # dated events not drawn (over MAX_ROWS, or a date that is not one)
    title: str
    more_y: float  # baseline of the "and N more in the list" line, when omitted
    dot: float  # radius of a day's mark
    bar: float  # height of a range's bar


_TL_WIDTH, _TL_PAD, _TL_INSET = 440.0, 10.0, 8.0  # 440 wide: 11-unit text is 10 px on a phone
_TL_ROW, _TL_FONT, _TL_AXIS = 30.0, 11.0, 26.0
_DOT, _BAR = 4.5, 8.0  # a day's dot radius, a range's bar height
_MIN_BAR = 6.0  # a range, however short, wider than a day's dot
_MAX_TICKS = 6


def _next_month(day: date) -> date | None:
    """The first of the month after `day`'s; None after December 9999."""
    return (
        date(day.year + day.month // 12, day.month % 12 + 1, 1)
        if day.year < 9999 or (day.month < 12)
        else None
    )


def _tick_steps(start: date, last: date) -> Iterator[tuple[list[date], str]]:
    """Tick days from `start` to `last` at each "nice" step, finest first, that gives at most
    `_MAX_TICKS`: round days of the month (1, 6, 11, ...), round months (Jan, Apr, ...), round
    years (2000, 2010, ...)."""
    for step in (1, 2, 5, 10):
        days: list[date] = []
        for ordinal in range(start.toordinal(), last.toordinal() + 1):
            day = date.fromordinal(ordinal)
            if (day.day - 1) % step == 0 and day.day + step <= 32:  # no 31st then a 1st
                days.append(day)
                if len(days) > _MAX_TICKS:
                    break
        if len(days) <= _MAX_TICKS:
            yield days, "day"
    for step in (1, 2, 3, 6):
        months: list[date] = []
        month: date | None = date(start.year, start.month, 1)
        month = month if month == start else _next_month(start)
        while month is not None and month <= last and len(months) <= _MAX_TICKS:
            if (month.month - 1) % step == 0:
                months.append(month)
            month = _next_month(month)
        if len(months) <= _MAX_TICKS:
            yield months, "month"
    first = start.year if (start.month, start.day) == (1, 1) else start.year + 1
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000):
        aligned = -(-first // step) * step
        years = [date(y, 1, 1) for y in range(aligned, last.year + 1, step)]
        if len(years) <= _MAX_TICKS:
            yield years, "year"


def _axis(start: date, last: date, x: Callable[[date], float]) -> tuple[Tick, ...]:
    """The finest ticks whose labels do not touch, each label inside the picture."""
    ticks: list[Tick] = []
    for days, unit in _tick_steps(start, last):
        ticks, boxes = [], []
        for k, day in enumerate(days):
            label = _tick_label(day, unit, days[k - 1] if k else None)
            at, width = x(day), _width(label, _TL_FONT)
            anchor, left = "middle", at - width / 2
            if left < _TL_PAD:
                anchor, left = "start", at
            elif left + width > _TL_WIDTH - _TL_PAD:
                anchor, left = "end", at - width
            ticks.append(Tick(_r(at), label, anchor))
            boxes.append((left, left + width))
        if all(b[0] >= a[1] + 6 for a, b in pairwise(boxes)):
            break
    return tuple(ticks)


def _tick_label(day: date, unit: str, previous: date | None) -> str:
    if unit == "year":
        return str(day.year)
    if unit == "month":
        new_year = previous is None or previous.year != day.year
        return f"{_MONTHS[day.month - 1]} {day.year}" if new_year else _MONTHS[day.month - 1]
    return _day_text(day, year=previous is None or previous.year != day.year)


def timeline(events: Sequence[DatedEvent], ids: Sequence[str]) -> Timeline | None:
    """The timeline of `events` (one story's, in the brief's order), `ids[i]` the page id of
    events[i]'s line; None when no event has a date. Rows in date order (first day, last day,
    then the brief's order), at most MAX_ROWS; the scale is linear over the drawn dates."""
    if len(ids) != len(events):
        raise ValueError(f"{len(events)} events but {len(ids)} ids")
    dated = [(event, anchor) for event, anchor in zip(events, ids, strict=True) if event.date]
    if not dated:
        return None
    placed = [
        (span, i, event, anchor)
        for i, (event, anchor) in enumerate(dated)
        if (span := _span(event.date)) is not None
    ]
    placed.sort(key=lambda p: (p[0], p[1]))
    drawn = placed[:MAX_ROWS]
    omitted = len(dated) - len(drawn)
    if not drawn:
        return None  # dates that are not dates: the list says them as written
    alts = {i: [(o, _span(o.date)) for o in event.disputed] for _, i, event, _ in drawn}
    days = [span for span, *_ in drawn] + [s for row in alts.values() for _, s in row if s]
    start = min(first for first, _ in days)
    end = max(last for _, last in days)
    left, right = _TL_PAD + _TL_INSET, _TL_WIDTH - _TL_PAD - _TL_INSET
    origin = start.toordinal()
    scale = (right - left) / (end.toordinal() + 1 - origin)  # a day is [day, day + 1)

    def x(day: date, after: int = 0) -> float:
        return left + (day.toordinal() + after - origin) * scale

    def place(resolved: str, first: date, last: date) -> Span:
        a, b = x(first), x(last, after=1)
        if b - a < _MIN_BAR:
            a, b = (a + b - _MIN_BAR) / 2, (a + b + _MIN_BAR) / 2
        return Span(_r(a), _r(b - a), _r((a + b) / 2), first != last, date_text(resolved))

    ticks = _axis(start, end, x)

    rows = []
    label_width = _TL_WIDTH - 2 * _TL_PAD
    for n, ((first, last), i, event, anchor) in enumerate(drawn):
        y = _TL_AXIS + 6 + n * _TL_ROW
        span = place(event.date or "", first, last)
        when = span.text
        room = label_width - _width(when + " · ", _TL_FONT)
        others = []
        for other, other_span in alts[i]:
            if other_span is None:
                continue
            others.append(
                Alt(
                    place(other.date, *other_span),
                    _tip(f"also dated {date_text(other.date)} by {_cite(other.sources)}"),
                )
            )
        written = "; ".join(f"“{_tip(w)}”" for w in event.as_written)
        title = f"{when}: {_tip(event.event)}" + (f" (as written: {written})" if written else "")
        title += f" {_cite(event.sources)}"
        if event.disputed:
            title += " — sources disagree: also dated " + "; ".join(
                f"{date_text(o.date)} {_cite(o.sources)}" for o in event.disputed
            )
        rows.append(
            Row(
                anchor=anchor,
                y=_r(y),
                label_y=_r(y + 12),
                mark_y=_r(y + 21),
                bar_y=_r(y + 21 - _BAR / 2),
                when=when,
                label=_isolate(_fit(event.event, ROW_LABEL, room, _TL_FONT)),
                title=title,
                span=span,
                disputed=bool(event.disputed),
                alts=tuple(others),
            )
        )
    bottom = _TL_AXIS + 6 + len(rows) * _TL_ROW
    height = bottom + (20 if omitted else 0) + _TL_PAD
    count = f"{len(dated)} dated event{'s' if len(dated) != 1 else ''}"
    first_text = date_text(drawn[0][2].date or "")
    last_text = date_text(max(drawn, key=lambda p: p[0][1])[2].date or "")
    title = f"Timeline: {count}, {first_text}"
    title += f" to {last_text}" if last_text != first_text else ""
    return Timeline(
        width=_TL_WIDTH,
        height=_r(height),
        label_x=_TL_PAD,
        left=left,
        right=right,
        axis_y=_r(_TL_AXIS - 10),
        top=_r(_TL_AXIS),
        bottom=_r(bottom),
        ticks=ticks,
        rows=tuple(rows),
        omitted=omitted,
        title=title,
        more_y=_r(bottom + 14),
        dot=_DOT,
        bar=_BAR,
    )


# --- graph ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a label: its baseline and text."""

    x: float
    y: float
    text: str


@dataclass(frozen=True, slots=True)
class Node:
    name: str  # the actor's name, or the string the claims give
    kind: str  # "person", "organization", "country", or "other" for a name no actor has
    x: float
    y: float
    r: float
    anchor: str  # text-anchor of the label
    lines: tuple[Line, ...]  # the label, cut and wrapped on at most two lines
    title: str


@dataclass(frozen=True, slots=True)
class Edge:
    kind: str  # "ask" or "warn"
    anchor: str  # id of the first claim's line on the page
    source: str  # Node.name of each end
    target: str
    d: str  # the path: a quadratic curve ending at the arrow's base
    stroke: float  # 1.5..6 by the most independent sources a claim of it has
    claims: int
    label: str  # "asks", "warns ×3"
    label_x: float
    label_y: float
    title: str  # who asks or warns whom, and each claim's text


@dataclass(frozen=True, slots=True)
class Key:
    """One line of the legend: a sample arrow and what it means."""

    kind: str
    d: str  # the sample arrow's path
    text_x: float
    text_y: float
    text: str


@dataclass(frozen=True, slots=True)
class Graph:
    width: float
    height: float
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    keys: tuple[Key, ...]
    notes: tuple[Line, ...]  # what is not drawn, stated under the legend
    omitted: int  # actors not drawn (over MAX_NODES, or only linked to those)
    omitted_edges: int  # arrows not drawn (over MAX_EDGES, or to an actor not drawn)
    undrawn: int  # claims naming no other side (no addressee, or themselves)
    title: str


_NODE_R, _NODE_FONT, _EDGE_FONT, _LINE = 9.0, 11.0, 9.5, 13.0
_LABEL_CHARS, _LABEL_WIDTH = 14, 96.0  # per line of a node's label
_ARROW = 9.0
_BENDS = (0.13, 0.27)  # curve offsets, by chord length, of a pair's first and second kind
_GRAPH_PAD = 8.0
_VERB = {"ask": "asks", "warn": "warns"}
Point = tuple[float, float]
Pair = tuple[str, str, str]  # an arrow's (from, to, kind)


@dataclass(slots=True)
class _Arrow:
    """The claims of one (from, to, kind), gathered: the first one's order and page id."""

    order: int
    anchor: str
    claims: list[Claim] = field(default_factory=list)
    independent: int = 0


class _Names:
    """Each claim's name as a node: the actor one of whose names folds alike, else itself.

    An actor's own name wins a folded name two actors share, then the actor of most sources,
    then the smaller name: the same nodes whatever the order of `actors`."""

    def __init__(self, actors: Sequence[BriefActor]) -> None:
        ranked = sorted(actors, key=lambda a: (-len(a.sources), a.name, a.kind, a.names))
        self.index: dict[str, BriefActor] = {}
        for own in (True, False):
            for actor in ranked:
                for name in [actor.name] if own else actor.names:
                    key = fold(_clean(name))
                    if key:
                        self.index.setdefault(key, actor)
        self.seen: dict[str, tuple[str, str, str]] = {}
        self.spellings: dict[str, str] = {}

    def node(self, name: str) -> tuple[str, str, str] | None:
        """(key, label, kind) of a name; None for an empty one."""
        if name in self.seen:
            return self.seen[name]
        text = _clean(name)
        if not text:
            return None
        key = fold(text) or text
        actor = self.index.get(key)
        if actor is not None:
            found = ("actor " + actor.name, _clean(actor.name), actor.kind)
        else:
            # Unknown names that fold alike are one node, spelled the smallest way.
            spelling = min(self.spellings.get(key, text), text)
            self.spellings[key] = spelling
            found = ("name " + key, spelling, "other")
        self.seen[name] = found
        return found


def _wrap(name: str) -> tuple[str, ...]:
    """A node's name cut to NODE_LABEL characters, on at most two lines, broken between words
    (or inside a word too long for a line)."""
    text = _fit(name, NODE_LABEL, 2 * _LABEL_WIDTH, _NODE_FONT)
    if len(text) <= _LABEL_CHARS and _width(text, _NODE_FONT) <= _LABEL_WIDTH:
        return (text,)
    words, first = text.split(" "), ""
    while words:
        longer = f"{first} {words[0]}".strip()
        if len(longer) > _LABEL_CHARS or _width(longer, _NODE_FONT) > _LABEL_WIDTH:
            break
        first = longer
        words.pop(0)
    if first:
        rest = " ".join(words)
    else:  # a first word too long for a line: broken
        first = _fit(text, _LABEL_CHARS, _LABEL_WIDTH, _NODE_FONT)[:-1]
        rest = text[len(first) :]
    second = _fit(rest, _LABEL_CHARS, _LABEL_WIDTH, _NODE_FONT)
    return (first, second) if second else (first,)


def _unit(dx: float, dy: float) -> Point:
    length = math.hypot(dx, dy) or 1.0
    return dx / length, dy / length


def _gather(
    asks: Sequence[Claim],
    warnings: Sequence[Claim],
    names: _Names,
    ask_ids: Sequence[str],
    warn_ids: Sequence[str],
) -> tuple[dict[Pair, _Arrow], dict[str, tuple[str, str]], int]:
    """The arrows by (from, to, kind), each node's (label, kind), and the claims not drawable
    (no addressee, or only themselves)."""
    found: dict[Pair, _Arrow] = {}
    labels: dict[str, tuple[str, str]] = {}
    undrawn = order = 0
    for kind, claims, ids in (("ask", asks, ask_ids), ("warn", warnings, warn_ids)):
        for claim, anchor in zip(claims, ids, strict=True):
            target = names.node(claim.whom) if claim.whom else None
            if target is None:
                undrawn += 1
                continue
            sources: dict[str, tuple[str, str, str]] = {}
            for claimant in claim.claimants or [claim.who]:
                source = names.node(claimant)
                if source and source[0] != target[0]:
                    sources.setdefault(source[0], source)  # two names of one actor: one arrow
            undrawn += not sources
            for source in sources.values():
                for key, label, actor_kind in (source, target):
                    labels[key] = (label, actor_kind)
                arrow = found.setdefault((source[0], target[0], kind), _Arrow(order, anchor))
                arrow.claims.append(claim)
                arrow.independent = max(arrow.independent, claim.independent)
                order += 1
    # Unknown names keep their smallest spelling, known only once every claim was read.
    for key, (label, kind) in labels.items():
        if key.startswith("name "):
            labels[key] = (names.spellings.get(key[5:], label), kind)
    return found, labels, undrawn


def _choose(
    found: dict[Pair, _Arrow], labels: dict[str, tuple[str, str]]
) -> tuple[list[str], list[Pair]]:
    """The nodes to draw, most connected first (by arrows, then folded name), and their
    arrows. At most MAX_NODES nodes: the most connected, then each time the one with most
    arrows to those already chosen (so the picture is the densest part of the graph, not
    scattered pairs); then the MAX_EDGES arrows of most claims among them. A node left with no
    arrow is not drawn."""
    neighbours: dict[str, set[str]] = {}
    degree: dict[str, int] = {}
    for source, target, _ in found:
        neighbours.setdefault(source, set()).add(target)
        neighbours.setdefault(target, set()).add(source)
        degree[source] = degree.get(source, 0) + 1
        degree[target] = degree.get(target, 0) + 1
    ranked = sorted(degree, key=lambda k: (-degree[k], fold(labels[k][0]), labels[k][0], k))
    rank = {key: i for i, key in enumerate(ranked)}
    kept: set[str] = set()
    links = dict.fromkeys(ranked, 0)  # arrows' other ends among the kept, by node
    while len(kept) < min(MAX_NODES, len(ranked)):
        best = min((k for k in ranked if k not in kept), key=lambda k: (-links[k], rank[k]))
        kept.add(best)
        for other in neighbours[best]:
            links[other] += 1
    among = [e for e in found if e[0] in kept and e[1] in kept]
    among.sort(key=lambda e: (-len(found[e].claims), -found[e].independent, found[e].order))
    chosen = among[:MAX_EDGES]
    linked = {k for e in chosen for k in e[:2]}
    placed = [k for k in ranked if k in linked]
    chosen.sort(key=lambda e: (rank[e[0]], rank[e[1]], e[2]))
    return placed, chosen


def _circle(placed: list[str], chosen: list[Pair]) -> dict[str, tuple[Point, float | None]]:
    """Each node's centre and angle (clockwise from the top; None in the middle) on a circle
    around (0, 0) with room between neighbours; two nodes side by side. When the most
    connected node is an end of half the arrows or more (everyone warns one country), it sits
    in the middle: its arrows are then short spokes, not chords that cross."""
    touching = sum(placed[0] in e[:2] for e in chosen)
    hub = len(placed) >= 5 and 2 * touching >= len(chosen)
    ring = placed[1:] if hub else placed
    m = len(ring)
    radius = max(80.0, 34.0 / math.sin(math.pi / m)) if m > 2 else 90.0
    where: dict[str, tuple[Point, float | None]] = {placed[0]: ((0.0, 0.0), None)}
    for i, key in enumerate(ring):
        angle = (math.pi / 2 * (3 + 2 * i)) if m == 2 else 2 * math.pi * i / m
        where[key] = ((radius * math.sin(angle), -radius * math.cos(angle)), angle)
    return where


def _label(
    centre: Point, angle: float | None, lines: tuple[str, ...], pair: bool
) -> tuple[str, list[tuple[float, float, str]]]:
    """A node label's text-anchor and lines (x, baseline, text): outside the circle, beside
    the node on the circle's sides, above or below it at the top and bottom (and below each
    of a side-by-side pair); above a node in the middle."""
    (nx, ny), gap = centre, _NODE_R + 4
    below = ny + gap + _NODE_FONT * 0.8
    above = ny - gap - (len(lines) - 1) * _LINE - _NODE_FONT * 0.2
    if angle is None:
        anchor, lx, first = "middle", nx, above
    elif pair or abs(math.sin(angle)) <= 0.3:
        anchor, lx = "middle", nx
        first = below if pair or math.cos(angle) < 0 else above
    else:
        right = math.sin(angle) > 0
        anchor, lx = ("start", nx + gap) if right else ("end", nx - gap)
        first = ny - (len(lines) - 1) * _LINE / 2 + _NODE_FONT * 0.35
    return anchor, [(lx, first + j * _LINE, line) for j, line in enumerate(lines)]


def _curve(a: Point, b: Point, bend: float, label: str) -> tuple[Point, Point, Point, Point]:
    """An arrow from node a to node b: a quadratic curve bent `bend` of its length to the
    right of its direction (so b to a bends the other way), from a's edge to the arrowhead's
    base at b's edge; and where its label goes, just off the curve's middle on its outer side.
    Returns start, control, end and label points."""
    (ax, ay), (bx, by) = a, b
    px, py = _unit(-(by - ay), bx - ax)
    offset = bend * math.hypot(bx - ax, by - ay)
    cx, cy = (ax + bx) / 2 + px * offset, (ay + by) / 2 + py * offset
    ux, uy = _unit(cx - ax, cy - ay)
    start = (ax + ux * (_NODE_R + 1), ay + uy * (_NODE_R + 1))
    vx, vy = _unit(bx - cx, by - cy)
    end = (bx - vx * (_NODE_R + 1 + _ARROW), by - vy * (_NODE_R + 1 + _ARROW))
    push = abs(px) * (_width(label, _EDGE_FONT) / 2 + 2) + abs(py) * (_EDGE_FONT / 2 + 2)
    mid = (
        0.25 * start[0] + 0.5 * cx + 0.25 * end[0] + px * push,
        0.25 * start[1] + 0.5 * cy + 0.25 * end[1] + py * push,
    )
    return start, (cx, cy), end, mid


def _text_box(x: float, y: float, text: str, size: float, anchor: str) -> tuple[float, ...]:
    """The estimated box (x0, y0, x1, y1) of one line of text at baseline y."""
    w = _width(text, size)
    x0 = {"start": x, "end": x - w}.get(anchor, x - w / 2)
    return x0, y - size, x0 + w, y + size * 0.3


def _notes(omitted: int, omitted_edges: int, undrawn: int) -> list[str]:
    notes = []
    if omitted:
        notes.append(f"{omitted} more actor{'s' if omitted != 1 else ''} not drawn")
    if omitted_edges:
        plural = "s" if omitted_edges != 1 else ""
        notes.append(f"{omitted_edges} more arrow{plural} not drawn: see the lists")
    if undrawn:
        plural = "claims" if undrawn != 1 else "claim"
        notes.append(f"{undrawn} {plural} naming no one asked or warned: see the lists")
    return notes


def graph(
    asks: Sequence[Claim],
    warnings: Sequence[Claim],
    actors: Sequence[BriefActor],
    ask_ids: Sequence[str],
    warn_ids: Sequence[str],
) -> Graph | None:
    """Who asks or warns whom among one story's claims; `ask_ids[i]` / `warn_ids[i]` the page
    ids of asks[i]'s / warnings[i]'s lines. None when no claim names both sides.

    Nodes are each drawable claim's claimants (`claimants`, else `who`) and its addressee
    (`whom`), as actors (`_Names`). One arrow per (from, to, kind), its thickness by the most
    independent sources of its claims (1..6), linked to its first claim's line. At most
    MAX_NODES nodes and MAX_EDGES arrows (`_choose`), on a circle (`_circle`); everything is
    laid out around (0, 0), measured, and shifted into a viewBox from (0, 0) at the end."""
    if len(ask_ids) != len(asks) or len(warn_ids) != len(warnings):
        raise ValueError("one id per ask and per warning")
    found, labels, undrawn = _gather(asks, warnings, _Names(actors), ask_ids, warn_ids)
    if not found:
        return None
    placed, chosen = _choose(found, labels)
    where = _circle(placed, chosen)
    boxes: list[tuple[float, ...]] = []

    nodes = []
    for key in placed:
        (nx, ny), angle = where[key]
        anchor, lines = _label((nx, ny), angle, _wrap(labels[key][0]), pair=len(placed) == 2)
        boxes.append((nx - _NODE_R, ny - _NODE_R, nx + _NODE_R, ny + _NODE_R))
        boxes += [_text_box(lx, ly, line, _NODE_FONT, anchor) for lx, ly, line in lines]
        nodes.append((key, nx, ny, anchor, lines))

    kinds: dict[tuple[str, str], list[str]] = {}  # of each ordered pair, ask before warn
    for source, target, kind in sorted(chosen, key=lambda e: e[2]):
        kinds.setdefault((source, target), []).append(kind)
    curves = []
    for source, target, kind in chosen:
        label = _edge_label(kind, len(found[(source, target, kind)].claims))
        bend = _BENDS[kinds[(source, target)].index(kind)]
        start, control, end, mid = _curve(where[source][0], where[target][0], bend, label)
        boxes += [(*p, *p) for p in (start, control, end)]  # the curve is inside their hull
        boxes.append(_text_box(mid[0], mid[1] + _EDGE_FONT * 0.35, label, _EDGE_FONT, "middle"))
        curves.append((source, target, kind, label, start, control, end, mid))

    # The legend and what is not drawn, under the picture.
    min_x, min_y = min(b[0] for b in boxes), min(b[1] for b in boxes)
    legend_y = max(b[3] for b in boxes) + 18
    keys = [("ask", min_x, "asks"), ("warn", min_x + 80, "warns")]
    boxes += [_text_box(x0 + 40, legend_y + 3.5, text, _EDGE_FONT, "start") for _, x0, text in keys]
    omitted, omitted_edges = len(labels) - len(placed), len(found) - len(chosen)
    notes = [
        (min_x, legend_y + 18 + j * 14, text)
        for j, text in enumerate(_notes(omitted, omitted_edges, undrawn))
    ]
    boxes += [_text_box(x0, y0, text, _EDGE_FONT, "start") for x0, y0, text in notes]
    max_x, max_y = max(b[2] for b in boxes), max(b[3] for b in boxes) + 2
    dx, dy = _GRAPH_PAD - min_x, _GRAPH_PAD - min_y

    def point(p: Point) -> str:
        return f"{_r(p[0] + dx)} {_r(p[1] + dy)}"

    edges = []
    for source, target, kind, label, start, control, end, mid in curves:
        arrow = found[(source, target, kind)]
        a, b = labels[source][0], labels[target][0]
        title = f"{_tip(a)} {_VERB[kind]} {_tip(b)}"
        title += "".join(f"\n– {_tip(c.what)} {_cite(c.sources)}" for c in arrow.claims[:10])
        if len(arrow.claims) > 10:
            title += f"\n– and {len(arrow.claims) - 10} more"
        edges.append(
            Edge(
                kind=kind,
                anchor=arrow.anchor,
                source=a,
                target=b,
                d=f"M {point(start)} Q {point(control)} {point(end)}",
                stroke=_r(1.5 + (min(max(arrow.independent, 1), 6) - 1) * 0.9),
                claims=len(arrow.claims),
                label=label,
                label_x=_r(mid[0] + dx),
                label_y=_r(mid[1] + dy + _EDGE_FONT * 0.35),
                title=title,
            )
        )
    return Graph(
        width=_r(max_x - min_x + 2 * _GRAPH_PAD),
        height=_r(max_y - min_y + 2 * _GRAPH_PAD),
        nodes=tuple(
            Node(
                name=labels[key][0],
                kind=labels[key][1],
                x=_r(nx + dx),
                y=_r(ny + dy),
                r=_NODE_R,
                anchor=anchor,
                lines=tuple(Line(_r(lx + dx), _r(ly + dy), _isolate(t)) for lx, ly, t in lines),
                title=_tip(labels[key][0]) + _node_title(key, found),
            )
            for key, nx, ny, anchor, lines in nodes
        ),
        edges=tuple(edges),
        keys=tuple(
            Key(
                kind,
                f"M {point((x0, legend_y))} L {point((x0 + 28, legend_y))}",
                _r(x0 + 40 + dx),
                _r(legend_y + 3.5 + dy),
                text,
            )
            for kind, x0, text in keys
        ),
        notes=tuple(Line(_r(x0 + dx), _r(y0 + dy), text) for x0, y0, text in notes),
        omitted=omitted,
        omitted_edges=omitted_edges,
        undrawn=undrawn,
        title=f"Who asks or warns whom: {len(nodes)} actors, {len(edges)} "
        f"arrow{'s' if len(edges) != 1 else ''}",
    )


def _edge_label(kind: str, claims: int) -> str:
    return _VERB[kind] + (f" ×{claims}" if claims > 1 else "")


def _node_title(key: str, found: dict[Pair, _Arrow]) -> str:
    """What a node's tooltip adds to its name: how many claims it makes and is addressed."""
    counts = dict.fromkeys(("asks", "warns", "asked", "warned"), 0)
    for (source, target, kind), arrow in found.items():
        if source == key:
            counts[_VERB[kind]] += len(arrow.claims)
        if target == key:
            counts[_VERB[kind][:-1] + "ed"] += len(arrow.claims)
    parts = [f"{label} {n}" for label, n in counts.items() if n]
    return f" ({', '.join(parts)})" if parts else ""
