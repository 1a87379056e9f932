"""The HTML brief's two pictures, laid out in Python and drawn as SVG by jinja2 templates.

- `timeline(events, ids)`: one row per dated event in date order, Gantt-like: a day is a dot, a
  month, year or range a bar, each other date of a disputed event a hollow mark on the row (on
  a lane below it when it would touch another mark). At most the newest MAX_ROWS, as a brief
  is read for what is new. The axis is linear while that tells the dates apart; else long
  empty stretches are cut out and the stretch most rows fall in is zoomed in (`_pieces`), so a
  2019 summit and a week of September 2023 are both readable; a legend says what the marks
  drawn mean. Drawn by `templates/timeline.svg.j2`.
- `graph(asks, warnings, actors, ask_ids, warn_ids)`: who asks or warns whom, the claimants and
  the addressee of each claim that names both as nodes (one per actor, whatever name a claim
  uses), one arrow per (from, to, kind). Nodes sit on a circle clockwise from the top, the most
  connected first; when one node is an end of half the arrows or more (everyone warns North
  Korea) it sits in the middle and its arrows are spokes. An arrow bends further (or the other
  way) to pass clear of other nodes and labels (`_bend`); the middle node's label goes where
  the fewest arrows run (`_hub_label`), each arrow's label at the first free place along it
  (`_tag`). Drawn by `templates/graph.svg.j2`.

Both pictures' natural size is their viewBox, one unit a pixel (`width`): the text is 11 units,
so a page that caps a picture's width at `width` px (or a fixed multiple) draws it at that size
instead of blowing a two-node graph up to the column.

Both return a frozen layout (every coordinate computed here, rounded to one decimal) or None
when there is nothing to draw; the templates only print it, with autoescaping on, so every model
or article string is escaped there and never marked safe. Strings are made fit for XML first
(`_clean`: control characters, bidirectional overrides and isolates removed, whitespace folded)
and labels are cut to a length and an estimated width (`_fit`), then wrapped in a first-strong
isolate (U+2068 ... U+2069) so an Arabic or Hebrew name displays right to left inside its label
without reordering the text around it.

Why a hand-written layout and not networkx or graphviz: the graphs are small and capped (at most
`MAX_NODES` nodes, `MAX_EDGES` arrows, `MAX_ROWS` rows), so a circle and a list of rows are all
the layout they need, in milliseconds; the same brief must give the same page byte for
byte, which a force-directed layout (iterated floating point from a random start) or a graphviz
binary (whose output changes with its version) does not promise; and networkx's layouts need
numpy, graphviz a system binary: dependencies briefgen has no other use for.
Pure and deterministic: no randomness, no locale (month names are spelled here), no set order.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
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
    anchor: str  # text-anchor: "start" at a segment's left edge, "end" at its right, else "middle"


@dataclass(frozen=True, slots=True)
class Span:
    """Where a date sits on a row: a dot at `cx` (a day) or a bar from `x` to `x + width`."""

    x: float
    width: float
    cx: float
    range: bool
    text: str  # the date as a reader writes it
    cuts: str = ""  # path of the white notches where a bar crosses a change of scale, or ""


@dataclass(frozen=True, slots=True)
class Alt:
    """Another date that other sources give for a disputed event: a hollow mark, on the row's
    line or, when it would touch another of the row's marks, on a lane below it."""

    span: Span
    title: str
    mark_y: float  # centre line of the mark
    bar_y: float  # top of a bar


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
class Break:
    """A cut in the axis, drawn `//`: a stretch of `days` with no event squeezed to the band
    from `x0` to `x1`, labelled with how long it is; or, when `days` is 0, the edge of a
    zoomed-in stretch, where the scale changes and no day is left out."""

    x0: float
    width: float  # x1 - x0
    height: float  # of the grey band a gap is: the grid's
    x: float  # the middle, where `//` is drawn
    days: int
    label: str  # "12 months", "" at a change of scale
    label_y: float
    d: str  # the `//` path, across the top of the grid


@dataclass(frozen=True, slots=True)
class Zoom:
    """The stretch drawn at a larger scale than the rest, bracketed under the plot from `x0`
    to `x1` and said: "zoomed in 27×"."""

    x0: float
    x1: float
    ratio: int  # its units a day over the rest's
    d: str  # the bracket's path
    text_x: float
    text_y: float

    @property
    def text(self) -> str:
        return f"zoomed in {self.ratio}×"


@dataclass(frozen=True, slots=True)
class Sample:
    """One entry of the legend: a sample mark of `kind` and its text. A "day" is a dot at
    `x`, a "bar" a bar from `x` to `x2`, an "alt" a disputed dot at `x` and another source's
    hollow one at `x2`."""

    kind: str
    x: float
    x2: float
    y: float  # the marks' centre line
    bar_y: float  # top of a bar
    text_x: float
    text_y: float
    text: str


@dataclass(frozen=True, slots=True)
class Timeline:
    width: float  # also the natural width: one unit a pixel, the 11-unit text 11 px
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
    earlier: int  # of those, the ones older than every row drawn: the newest are drawn
    title: str
    note: str  # "12 earlier events are in the list below", when omitted
    note_y: float  # its baseline, above the axis
    dot: float  # radius of a day's mark
    bar: float  # height of a range's bar
    breaks: tuple[Break, ...]  # where the axis is cut, left to right
    zoom: Zoom | None  # the stretch drawn at a larger scale, if one is
    legend: tuple[Sample, ...]  # what the marks mean: only the kinds this timeline draws


_TL_WIDTH, _TL_PAD, _TL_INSET = 440.0, 10.0, 8.0  # 440 wide: 11-unit text is 10 px on a phone
_TL_ROW, _TL_FONT, _SMALL = 30.0, 11.0, 9.5
_DOT, _BAR = 4.5, 8.0  # a day's dot radius, a range's bar height
_MIN_BAR = 6.0  # a range, however short, wider than a day's dot
_LANE = 11.0  # from a row's line to a lane below it, for a mark that would touch another
_MAX_TICKS = 6
# The scale. Linear while every two different dates drawn are _RESOLVE units apart; else an
# empty stretch longer than _GAP of the span is cut out (drawn _GAP_WIDTH wide), and when
# _ZOOM_ROWS of the rows lie in a stretch of at most 1/_ZOOM_RATIO of the days left, that
# stretch gets _ZOOM_SHARE of the width (at most _MAX_DAY units a day), each side of it a
# _ZOOM_WIDTH break where the scale changes.
_RESOLVE, _GAP, _GAP_WIDTH = 3.0, 0.1, 22.0
_ZOOM_ROWS, _ZOOM_RATIO, _ZOOM_SHARE, _MAX_DAY, _ZOOM_WIDTH = 2 / 3, 6, 0.7, 30.0, 12.0


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
    for step in (1, 2, 5, 10, 15):
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


def _tick_label(day: date, unit: str, previous: date | None) -> str:
    if unit == "year":
        return str(day.year)
    if unit == "month":
        new_year = previous is None or previous.year != day.year
        return f"{_MONTHS[day.month - 1]} {day.year}" if new_year else _MONTHS[day.month - 1]
    return _day_text(day, year=previous is None or previous.year != day.year)


def _duration(days: int) -> str:
    """How long a stretch cut out of the axis is: "12 days", "8 months", "3 years"."""
    if days < 61:
        return f"{days} days"
    if days < 730:
        return f"{round(days / 30.44)} months"
    return f"{round(days / 365.25)} years"


@dataclass(frozen=True, slots=True)
class _Piece:
    """Days [a, b) (ordinals) drawn from x0 to x1: an empty stretch cut out (`gap`), or a
    stretch at the zoomed-in (`fine`) or the other scale."""

    a: int
    b: int
    x0: float
    x1: float
    gap: bool
    fine: bool

    def at(self, ordinal: float) -> float:
        return self.x0 + (ordinal - self.a) * (self.x1 - self.x0) / (self.b - self.a)


class _Scale:
    """Days to x: linear over the drawn dates when that tells every two of them apart, else
    piecewise linear, honest inside each piece (`_pieces`)."""

    def __init__(self, marks: list[tuple[int, int]], rows: list[tuple[int, int]]) -> None:
        self.left, self.right = _TL_PAD + _TL_INSET, _TL_WIDTH - _TL_PAD - _TL_INSET
        self.pieces, self.changes = _pieces(marks, rows, self.left, self.right)

    def start(self, ordinal: int) -> float:
        """x where day `ordinal` begins."""
        for piece in self.pieces:
            if piece.a <= ordinal < piece.b:
                return piece.at(ordinal)
        return self.pieces[-1].x1

    def end(self, ordinal: int) -> float:
        """x where the day before `ordinal` ends."""
        for piece in self.pieces:
            if piece.a < ordinal <= piece.b:
                return piece.at(ordinal)
        return self.pieces[0].x0

    def place(self, resolved: str, first: date, last: date) -> Span:
        """The mark of a date; `notch` adds its cuts, once the row's height is known."""
        a, b = first.toordinal(), last.toordinal() + 1
        x0, x1 = self.start(a), self.end(b)
        if x1 - x0 < _MIN_BAR:
            x0, x1 = (x0 + x1 - _MIN_BAR) / 2, (x0 + x1 + _MIN_BAR) / 2
        return Span(_r(x0), _r(x1 - x0), _r((x0 + x1) / 2), first != last, date_text(resolved))

    def notch(self, span: Span, first: date, last: date, bar_y: float) -> Span:
        """`span` with a white notch where its bar crosses a change of scale: the bar's two
        sides are at two scales, each honest, and the notch says so as the axis's `//` does."""
        a, b = first.toordinal(), last.toordinal() + 1
        cuts = " ".join(
            f"M {_r(x - 1)} {_r(bar_y - 1)} L {_r(x + 3)} {_r(bar_y - 1)} "
            f"L {_r(x + 1)} {_r(bar_y + _BAR + 1)} L {_r(x - 3)} {_r(bar_y + _BAR + 1)} Z"
            for day, x in self.changes
            if a < day < b
        )
        return replace(span, cuts=cuts) if cuts else span

    def zoom(self) -> tuple[float, float, int] | None:
        """Where the larger scale runs (x0, x1) and how many times larger it is, if it does."""
        fine = [p for p in self.pieces if p.fine]
        coarse = [p for p in self.pieces if not p.fine and not p.gap]
        if not fine or not coarse:
            return None

        def scale(p: _Piece) -> float:
            return (p.x1 - p.x0) / (p.b - p.a)

        return fine[0].x0, fine[-1].x1, round(scale(fine[0]) / scale(coarse[0]))

    def segments(self) -> list[tuple[int, int, float, float]]:
        """The stretches with one scale and no cut: (first day, end, x0, x1) each."""
        found: list[list] = []
        changes = {day for day, _ in self.changes}
        for piece in self.pieces:
            if piece.gap:
                continue
            if found and found[-1][1] == piece.a and piece.a not in changes:
                found[-1][1], found[-1][3] = piece.b, piece.x1
            else:
                found.append([piece.a, piece.b, piece.x0, piece.x1])
        return [(a, b, x0, x1) for a, b, x0, x1 in found]


def _pieces(
    marks: list[tuple[int, int]], rows: list[tuple[int, int]], left: float, right: float
) -> tuple[list[_Piece], list[tuple[int, float]]]:
    """The scale's pieces, and the days (with their x) where the scale changes.

    `marks` are every drawn date as days [a, b), `rows` the rows' own dates. One linear piece
    when the closest two different dates (the first days, and the ends of ranges) are
    _RESOLVE units apart or more: a 2019 summit and a week of September 2023 are then both
    readable as they are. Otherwise two rules, deterministic and in this order:

    - an empty stretch (no date drawn covers it) longer than _GAP of the span becomes a gap
      _GAP_WIDTH wide: the classic broken axis;
    - when _ZOOM_ROWS of the rows lie in a stretch of at most 1/_ZOOM_RATIO of the days left
      (the shortest such stretch, the earliest of equals), it is drawn at its own, larger
      scale, on _ZOOM_SHARE of the width: the news cluster of September 2023 is drawn by
      the day while the 2019 and 2022 years around it still read as years. A bar that
      crosses a change of scale is notched there (`Span.cuts`)."""
    lo, hi = min(a for a, _ in marks), max(b for _, b in marks)
    width = right - left
    features = sorted({a for a, _ in marks} | {b for a, b in marks if b - a > 1})
    closest = min((q - p for p, q in pairwise(features)), default=hi - lo)
    if closest * width / (hi - lo) >= _RESOLVE:
        return [_Piece(lo, hi, left, right, False, False)], []
    covered: list[list[int]] = []
    for a, b in sorted(marks):
        if covered and a <= covered[-1][1]:
            covered[-1][1] = max(covered[-1][1], b)
        else:
            covered.append([a, b])
    gaps = [(p[1], q[0]) for p, q in pairwise(covered) if q[0] - p[1] > _GAP * (hi - lo)]

    def kept(a: int, b: int) -> int:
        """Days of [a, b) not in a gap."""
        return b - a - sum(max(0, min(b, g1) - max(a, g0)) for g0, g1 in gaps)

    window = None
    need = math.ceil(len(rows) * _ZOOM_ROWS)
    if len(rows) >= 3:
        best: tuple[int, int, int] | None = None
        for wa in sorted({a for a, _ in rows}):
            ends = sorted(b for a, b in rows if a >= wa)
            if len(ends) >= need and (best is None or kept(wa, ends[need - 1]) < best[0]):
                best = (kept(wa, ends[need - 1]), wa, ends[need - 1])
        if best is not None and best[0] * _ZOOM_RATIO <= kept(lo, hi):
            window = best[1:]
    edges = sorted({lo, hi, *(d for g in gaps for d in g), *(window or ())})
    spans = [
        (a, b, (a, b) in gaps, window is not None and window[0] <= a and b <= window[1])
        for a, b in pairwise(edges)
    ]
    changes = [
        k
        for k in range(1, len(spans))
        if not (spans[k][2] or spans[k - 1][2]) and spans[k][3] != spans[k - 1][3]
    ]
    fine = sum(b - a for a, b, gap, f in spans if f and not gap)
    coarse = sum(b - a for a, b, gap, f in spans if not f and not gap)
    fine_scale = coarse_scale = (width - _GAP_WIDTH * len(gaps)) / (fine + coarse)
    if window is not None and coarse:
        avail = width - _GAP_WIDTH * len(gaps) - _ZOOM_WIDTH * len(changes)
        zoomed = min(_ZOOM_SHARE * avail / fine, _MAX_DAY)
        if (avail - zoomed * fine) / coarse < zoomed:  # else zooming in would zoom out
            fine_scale, coarse_scale = zoomed, (avail - zoomed * fine) / coarse
    if fine_scale == coarse_scale:
        changes = []
    pieces, found, x = [], [], left
    for k, (a, b, gap, f) in enumerate(spans):
        if k in changes:
            found.append((a, x + _ZOOM_WIDTH / 2))
            x += _ZOOM_WIDTH
        end = x + (_GAP_WIDTH if gap else (b - a) * (fine_scale if f else coarse_scale))
        pieces.append(_Piece(a, b, x, end, gap, f and bool(changes)))
        x = end
    return pieces, found


def _ticks(scale: _Scale) -> tuple[Tick, ...]:
    """Each stretch's finest ticks whose labels do not touch, each label inside its stretch
    and the picture; none for a stretch too narrow for one. The first tick of each stretch
    says its year."""
    ticks: list[Tick] = []
    segments = scale.segments()
    boxes: list[tuple[float, float]] = []
    for k, (a, b, x0, x1) in enumerate(segments):
        low = _TL_PAD if k == 0 else x0 - 3
        high = _TL_WIDTH - _TL_PAD if k == len(segments) - 1 else x1 + 3
        for days, unit in _tick_steps(date.fromordinal(a), date.fromordinal(b - 1)):
            if not days:
                continue
            found, spans = [], []
            for n, day in enumerate(days):
                label = _tick_label(day, unit, days[n - 1] if n else None)
                at, w = scale.start(day.toordinal()), _width(label, _TL_FONT)
                anchor, left = "middle", at - w / 2
                if left < low:
                    anchor, left = "start", at
                elif left + w > high:
                    anchor, left = "end", at - w
                found.append(Tick(_r(at), label, anchor))
                spans.append((left, left + w))
            ordered = sorted(spans + boxes)
            if all(low <= s and e <= high for s, e in spans) and all(
                q[0] >= p[1] + 6 for p, q in pairwise(ordered)
            ):
                ticks += found
                boxes += spans
                break
    return tuple(ticks)


def _lanes(main: Span, alts: list[Span]) -> list[int]:
    """Each other date's lane: 0, the row's line, unless it would touch a mark there (the
    event's own, or another date's), then the first lane below where it touches none: dates
    a day apart are two marks, not one blob, and each still sits at its own x."""

    def extent(span: Span) -> tuple[float, float]:
        if span.range:
            return span.x - 1.5, span.x + span.width + 1.5
        return span.cx - _DOT - 1.5, span.cx + _DOT + 1.5

    lanes = [[extent(main)]]
    found = [0] * len(alts)
    for j in sorted(range(len(alts)), key=lambda j: (extent(alts[j]), j)):
        e = extent(alts[j])
        free = [
            k for k, lane in enumerate(lanes) if all(e[1] <= o[0] or o[1] <= e[0] for o in lane)
        ]
        k = free[0] if free else len(lanes)
        if k == len(lanes):
            lanes.append([])
        lanes[k].append(e)
        found[j] = k
    return found


def _kind(resolved: str) -> str:
    """ "day", "month", "year" or "range": how a resolved date is drawn and said."""
    if "/" in resolved:
        return "range"
    return {3: "day", 2: "month"}.get(len(resolved.split("-")), "year")


def _legend(kinds: set[str], disputed: bool, y: float) -> tuple[list[Sample], float]:
    """The legend's entries for the kinds of mark drawn, in lines from `y` (wrapped to the
    width), and the y under it."""
    bars = [k for k in ("month", "year", "range") if k in kinds]
    said = [f"a {k}" for k in bars]
    entries = []
    if "day" in kinds:
        entries.append(("day", 10.0, "a day"))
    if said:
        text = said[0] if len(said) == 1 else ", ".join(said[:-1]) + " or " + said[-1]
        entries.append(("bar", 16.0, text.replace("a range", "a range of dates")))
    if disputed:
        entries.append(("alt", 24.0, "disputed: another source’s date"))
    samples, x, line = [], _TL_PAD, 0
    for kind, size, text in entries:
        span = size + 4 + _width(text, _SMALL)
        if x > _TL_PAD and x + span > _TL_WIDTH - _TL_PAD:
            x, line = _TL_PAD, line + 1
        base = y + 8 + line * 14
        first, second = {"day": (5, 5), "bar": (0, 16), "alt": (5, 19)}[kind]
        mid = base - 3.3
        samples.append(
            Sample(
                kind,
                _r(x + first),
                _r(x + second),
                _r(mid),
                _r(mid - _BAR / 2),
                _r(x + size + 4),
                _r(base),
                text,
            )
        )
        x += span + 14
    return samples, y + (line + 1) * 14 if samples else y


def _note(earlier: int, undrawable: int) -> str:
    """What the list below has that the picture does not: "12 earlier events are in the list
    below", "1 event whose date cannot be drawn is ...", "12 earlier events and 1 whose ..."."""
    if not earlier + undrawable:
        return ""
    whose = "whose date cannot be drawn" if undrawable == 1 else "whose dates cannot be drawn"
    if earlier:
        said = f"{earlier} earlier event{'s' if earlier != 1 else ''}"
        said += f" and {undrawable} {whose}" if undrawable else ""
    else:
        said = f"{undrawable} event{'s' if undrawable != 1 else ''} {whose}"
    return f"{said} {'is' if earlier + undrawable == 1 else 'are'} in the list below"


def timeline(events: Sequence[DatedEvent], ids: Sequence[str]) -> Timeline | None:
    """The timeline of `events` (one story's, in the brief's order), `ids[i]` the page id of
    events[i]'s line; None when no event has a date. Rows in date order (first day, last day,
    then the brief's order): the newest MAX_ROWS, as a brief is read for what is new; the
    others are counted above the rows. The scale is `_Scale`'s."""
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
    drawn = placed[-MAX_ROWS:]
    earlier, omitted = len(placed) - len(drawn), len(dated) - len(drawn)
    if not drawn:
        return None  # dates that are not dates: the list says them as written
    alts = {
        i: [(o, s) for o in event.disputed if (s := _span(o.date)) is not None]
        for _, i, event, _ in drawn
    }
    days = [span for span, *_ in drawn] + [s for row in alts.values() for _, s in row]
    scale = _Scale(
        [(a.toordinal(), b.toordinal() + 1) for a, b in days],
        [(a.toordinal(), b.toordinal() + 1) for (a, b), *_ in drawn],
    )

    # Above the plot: the legend, what is not drawn, the tick labels and the breaks.
    kinds = {_kind(event.date or "") for *_, event, _ in drawn}
    kinds |= {_kind(o.date) for row in alts.values() for o, _ in row}
    legend, y = _legend(kinds, any(alts.values()), _TL_PAD - 2)
    note = _note(earlier, len(dated) - len(placed))
    note_y = y + 10
    y += 15 if note else 0
    axis_y, top = y + 14, y + 24
    drawn_breaks, taken = [], []
    gaps = [(p.x0, p.x1, p.b - p.a) for p in scale.pieces if p.gap]
    changes = [(x - _ZOOM_WIDTH / 2, x + _ZOOM_WIDTH / 2, 0) for _, x in scale.changes]
    for x0, x1, length in sorted(gaps + changes):
        x = (x0 + x1) / 2
        label = _duration(length) if length else ""
        w = _width(label, _SMALL)
        box = (max(_TL_PAD, x - w / 2), min(_TL_WIDTH - _TL_PAD, x + w / 2))
        if label and any(box[0] < e + 4 and s < box[1] + 4 for s, e in taken):
            label = ""  # a gap too close to the last one: its `//` says enough
        if label:
            taken.append(box)
        d = f"M {_r(x - 5)} {_r(top + 4)} L {_r(x - 1)} {_r(top - 4)} "
        d += f"M {_r(x + 1)} {_r(top + 4)} L {_r(x + 5)} {_r(top - 4)}"
        drawn_breaks.append((x0, x1, x, length, label, d))
    ticks = _ticks(scale)

    rows = []
    label_width = _TL_WIDTH - 2 * _TL_PAD
    y = top + 6
    for (first, last), i, event, anchor in drawn:
        span = scale.place(event.date or "", first, last)
        when = span.text
        room = label_width - _width(when + " · ", _TL_FONT)
        spans = [scale.place(other.date, *other_span) for other, other_span in alts[i]]
        lanes = _lanes(span, spans)
        span = scale.notch(span, first, last, y + 21 - _BAR / 2)
        others = tuple(
            Alt(
                scale.notch(mark, *other_span, y + 21 + lane * _LANE - _BAR / 2),
                _tip(f"also dated {date_text(other.date)} by {_cite(other.sources)}"),
                _r(y + 21 + lane * _LANE),
                _r(y + 21 + lane * _LANE - _BAR / 2),
            )
            for (other, other_span), mark, lane in zip(alts[i], spans, lanes, strict=True)
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
                alts=others,
            )
        )
        y += _TL_ROW + max(lanes, default=0) * _LANE
    bottom = y
    cuts = tuple(
        Break(_r(x0), _r(x1 - x0), _r(bottom - top), _r(x), length, label, _r(bottom + 14), d)
        for x0, x1, x, length, label, d in drawn_breaks
    )
    zoom = None
    if (zoomed := scale.zoom()) is not None:
        x0, x1, ratio = zoomed
        y0, y1 = bottom + 1, bottom + 4
        d = f"M {_r(x0)} {_r(y0)} L {_r(x0)} {_r(y1)} L {_r(x1)} {_r(y1)} L {_r(x1)} {_r(y0)}"
        zoom = Zoom(_r(x0), _r(x1), ratio, d, _r((x0 + x1) / 2), _r(bottom + 14))
    under = bool(zoom or any(c.label for c in cuts))
    count = f"{len(dated)} dated event{'s' if len(dated) != 1 else ''}"
    first_text = date_text(drawn[0][2].date or "")
    last_text = date_text(max(drawn, key=lambda p: p[0][1])[2].date or "")
    title = f"Timeline: {count}, {first_text}"
    title += f" to {last_text}" if last_text != first_text else ""
    title += f"; the newest {len(drawn)} drawn" if earlier else ""
    return Timeline(
        width=_TL_WIDTH,
        height=_r(bottom + (18 if under else 0) + _TL_PAD),
        label_x=_TL_PAD,
        left=scale.left,
        right=scale.right,
        axis_y=_r(axis_y),
        top=_r(top),
        bottom=_r(bottom),
        ticks=ticks,
        rows=tuple(rows),
        omitted=omitted,
        earlier=earlier,
        title=title,
        note=note,
        note_y=_r(note_y),
        dot=_DOT,
        bar=_BAR,
        breaks=cuts,
        zoom=zoom,
        legend=tuple(legend),
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
_CLEAR = 8.0  # an arrow passes another node this far off its circle: an arrowhead's length
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
    of a side-by-side pair); below a node in the middle (`_hub_label` may move it)."""
    return _placed(centre, _side(angle, pair), lines)


def _side(angle: float | None, pair: bool) -> str:
    """Where a ring node's label goes: "below", "above", "right" or "left" of it."""
    if angle is None:
        return "below"
    if pair or abs(math.sin(angle)) <= 0.3:
        return "below" if pair or math.cos(angle) < 0 else "above"
    return "right" if math.sin(angle) > 0 else "left"


_SIDES = ("below", "above", "right", "left", "below right", "below left", "above right")
_SIDES += ("above left",)


def _placed(
    centre: Point, side: str, lines: tuple[str, ...]
) -> tuple[str, list[tuple[float, float, str]]]:
    """A label's text-anchor and lines on `side` of a node (one of `_SIDES`)."""
    (nx, ny), gap = centre, _NODE_R + 4
    below = ny + gap + _NODE_FONT * 0.8
    above = ny - gap - (len(lines) - 1) * _LINE - _NODE_FONT * 0.2
    beside = ny - (len(lines) - 1) * _LINE / 2 + _NODE_FONT * 0.35
    if side in ("below", "above"):
        anchor, lx, first = "middle", nx, below if side == "below" else above
    elif side in ("right", "left"):
        anchor, lx = ("start", nx + gap) if side == "right" else ("end", nx - gap)
        first = beside
    else:  # a corner: the label's near corner off the node's, clear of it
        vertical, horizontal = side.split()
        anchor = "start" if horizontal == "right" else "end"
        lx = nx + (gap * 0.7 if horizontal == "right" else -gap * 0.7)
        first = ny + gap * 0.7 + _NODE_FONT * 0.8 if vertical == "below" else None
        if first is None:
            first = ny - gap * 0.7 - (len(lines) - 1) * _LINE - _NODE_FONT * 0.2
    return anchor, [(lx, first + j * _LINE, line) for j, line in enumerate(lines)]


def _hub_label(
    centre: Point, name: str, curves: Sequence[Sequence[Point]]
) -> tuple[str, list[tuple[float, float, str]]]:
    """The label of the node in the middle, where the fewest arrows run: its arrows come
    from every side, so the label, on one line or (narrower) broken on two, is tried in 24
    directions around the node, from below it round both ways, at 4 to 24 units off it, and
    scored by the points of the arrows (`curves`, sampled, arrowheads' tips included) inside
    its box. The fewest points win, then the nearest, then one line, then the first tried."""
    shapes = [_wrap(name)]
    if len(shapes[0]) == 1 and " " in shapes[0][0]:
        words = shapes[0][0].split(" ")
        half = min(
            range(1, len(words)),
            key=lambda k: abs(len(" ".join(words[:k])) - len(" ".join(words[k:]))),
        )
        shapes.append((" ".join(words[:half]), " ".join(words[half:])))
    nx, ny = centre
    near = [(x, y) for points in curves for x, y in points if math.hypot(x - nx, y - ny) < 130]
    best: tuple[tuple[int, float, int, int], list[tuple[float, float, str]]] | None = None
    turns = [0, *(k * sign for k in range(1, 13) for sign in (1, -1))][:24]
    for shape, lines in enumerate(shapes):
        w = max(_width(line, _NODE_FONT) for line in lines)
        h = (len(lines) - 1) * _LINE + _NODE_FONT * 1.3
        for order, turn in enumerate(turns):
            ux, uy = math.sin(math.pi * turn / 12), math.cos(math.pi * turn / 12)
            reach = abs(ux) * w / 2 + abs(uy) * h / 2
            for off in (4.0, 8.0, 12.0, 16.0, 20.0, 24.0):
                cx = nx + ux * (_NODE_R + off + reach)
                cy = ny + uy * (_NODE_R + off + reach)
                x0, y0, x1, y1 = cx - w / 2 - 2, cy - h / 2 - 2, cx + w / 2 + 2, cy + h / 2 + 2
                score = sum(x0 <= x <= x1 and y0 <= y <= y1 for x, y in near)
                key = (score, off, shape, order)
                if best is None or key < best[0]:
                    first = cy - h / 2 + _NODE_FONT
                    best = (key, [(cx, first + j * _LINE, t) for j, t in enumerate(lines)])
                if not score:
                    break  # further off in this direction is only further
    assert best is not None
    return "middle", best[1]


def _curve(a: Point, b: Point, bend: float) -> tuple[Point, Point, Point]:
    """An arrow from node a to node b: a quadratic curve bent `bend` of its length to the
    right of its direction (so b to a bends the other way), from a's edge to the arrowhead's
    base at b's edge. Returns its start, control and end points."""
    (ax, ay), (bx, by) = a, b
    px, py = _unit(-(by - ay), bx - ax)
    offset = bend * math.hypot(bx - ax, by - ay)
    cx, cy = (ax + bx) / 2 + px * offset, (ay + by) / 2 + py * offset
    ux, uy = _unit(cx - ax, cy - ay)
    start = (ax + ux * (_NODE_R + 1), ay + uy * (_NODE_R + 1))
    vx, vy = _unit(bx - cx, by - cy)
    end = (bx - vx * (_NODE_R + 1 + _ARROW), by - vy * (_NODE_R + 1 + _ARROW))
    return start, (cx, cy), end


def _at(curve: tuple[Point, Point, Point], t: float) -> Point:
    (sx, sy), (cx, cy), (ex, ey) = curve
    u = 1 - t
    return u * u * sx + 2 * u * t * cx + t * t * ex, u * u * sy + 2 * u * t * cy + t * t * ey


def _points(curve: tuple[Point, Point, Point], tip: Point | None = None) -> list[Point]:
    """Points along a curve, 3 units apart or closer, and the arrowhead's `tip` if given."""
    (sx, sy), _, (ex, ey) = curve
    n = max(8, math.ceil(math.hypot(ex - sx, ey - sy) * 1.6 / 3))
    return [_at(curve, k / n) for k in range(n + 1)] + ([tip] if tip else [])


def _bend(
    a: Point,
    b: Point,
    bend: float,
    others: Sequence[Point],
    labels: Sequence[tuple[float, ...]],
) -> tuple[Point, Point, Point]:
    """The curve from a to b bent `bend`; when it passes through a node of `others` (all but
    its ends) or a label of `labels` (the other nodes'), the first of deeper bends, then of
    bends to the other side, that clears every node by _CLEAR units and crosses no label; when
    none does, the one that clears the nodes, then crosses fewest labels, then clears the
    nodes most (the first of equals)."""
    best: tuple[tuple[bool, int, float], tuple[Point, Point, Point]] | None = None
    for option in (bend, bend + 0.14, bend + 0.28, bend + 0.42, -bend - 0.2, -bend - 0.34):
        curve = _curve(a, b, option)
        points = _points(curve)
        clear = min(
            (math.hypot(x - ox, y - oy) for x, y in points for ox, oy in others),
            default=math.inf,
        )
        crossed = sum(
            any(box[0] <= x <= box[2] and box[1] <= y <= box[3] for x, y in points)
            for box in labels
        )
        score = (clear < _NODE_R + _CLEAR, crossed, -clear)
        if score[:2] == (False, 0):
            return curve
        if best is None or score < best[0]:
            best = (score, curve)
    assert best is not None
    return best[1]


_TS = (
    0.5,
    0.4,
    0.6,
    0.3,
    0.7,
    0.25,
    0.75,
    0.2,
    0.8,
    0.15,
    0.85,
)  # where on its arrow a label may go


def _tag(
    curve: tuple[Point, Point, Point], label: str, taken: Sequence[tuple[float, ...]]
) -> tuple[Point, tuple[float, ...]]:
    """Where an arrow's label goes, and its box: just off the curve on its outer side, at
    the first place along it (`_TS`: the middle, then out towards the ends) whose box
    touches no box `taken` (nodes, their labels, the labels placed before); then the same a
    little further off, on the inner side, further still; when every place touches one, the
    place that overlaps least (the first of equals)."""
    (sx, sy), (cx, cy), (ex, ey) = curve
    best: tuple[float, Point, tuple[float, ...]] | None = None
    w = _width(label, _EDGE_FONT)
    for side, extra in ((1, 0.0), (1, 6.0), (-1, 0.0), (1, 12.0), (-1, 6.0)):
        for t in _TS:
            x, y = _at(curve, t)
            dx = 2 * (1 - t) * (cx - sx) + 2 * t * (ex - cx)
            dy = 2 * (1 - t) * (cy - sy) + 2 * t * (ey - cy)
            nx, ny = _unit(-dy, dx)
            if (nx * (cx - (sx + ex) / 2) + ny * (cy - (sy + ey) / 2) < 0) == (side > 0):
                nx, ny = -nx, -ny  # the outer side is the control point's
            push = abs(nx) * (w / 2 + 2) + abs(ny) * (_EDGE_FONT / 2 + 2) + extra
            mid = (x + nx * push, y + ny * push)
            box = _text_box(mid[0], mid[1] + _EDGE_FONT * 0.35, label, _EDGE_FONT, "middle")
            overlap = sum(
                max(0.0, min(box[2], o[2]) - max(box[0], o[0]) + 1)
                * max(0.0, min(box[3], o[3]) - max(box[1], o[1]) + 1)
                for o in taken
            )
            if not overlap:
                return mid, box
            if best is None or overlap < best[0]:
                best = (overlap, mid, box)
    assert best is not None
    return best[1], best[2]


def _head(curve: tuple[Point, Point, Point], centre: Point) -> Point:
    """Where an arrowhead at the end of `curve` points to: the edge of its node."""
    ex, ey = curve[2]
    ux, uy = _unit(centre[0] - ex, centre[1] - ey)
    return ex + ux * _ARROW, ey + uy * _ARROW


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
    centres = {key: where[key][0] for key in placed}

    # Ring nodes' labels, then the arrows around them, then the middle node's label where
    # the arrows leave it room.
    pair = len(placed) == 2
    hub = next((k for k in placed if where[k][1] is None and not pair), None)
    drawn = {
        key: _label(where[key][0], where[key][1], _wrap(labels[key][0]), pair=pair)
        for key in placed
        if key != hub
    }
    label_boxes = {
        key: [_text_box(lx, ly, line, _NODE_FONT, anchor) for lx, ly, line in lines]
        for key, (anchor, lines) in drawn.items()
    }
    kinds: dict[tuple[str, str], list[str]] = {}  # of each ordered pair, ask before warn
    for source, target, kind in sorted(chosen, key=lambda e: e[2]):
        kinds.setdefault((source, target), []).append(kind)
    arcs = []
    for source, target, kind in chosen:
        bend = _BENDS[kinds[(source, target)].index(kind)]
        others = [centres[k] for k in placed if k not in (source, target)]
        around = [b for k, bs in label_boxes.items() if k not in (source, target) for b in bs]
        arcs.append(_bend(centres[source], centres[target], bend, others, around))
    if hub is not None:
        tracks = [
            _points(arc, _head(arc, centres[e[1]])) for arc, e in zip(arcs, chosen, strict=True)
        ]
        drawn[hub] = _hub_label(centres[hub], labels[hub][0], tracks)

    boxes: list[tuple[float, ...]] = []
    nodes = []
    for key in placed:
        (nx, ny), _ = where[key]
        anchor, lines = drawn[key]
        boxes.append((nx - _NODE_R - 2, ny - _NODE_R - 2, nx + _NODE_R + 2, ny + _NODE_R + 2))
        boxes += [_text_box(lx, ly, line, _NODE_FONT, anchor) for lx, ly, line in lines]
        nodes.append((key, nx, ny, anchor, lines))

    curves, tags = [], []
    for (source, target, kind), (start, control, end) in zip(chosen, arcs, strict=True):
        label = _edge_label(kind, len(found[(source, target, kind)].claims))
        mid, box = _tag((start, control, end), label, boxes + tags)
        tags.append(box)
        curves.append((source, target, kind, label, start, control, end, mid))
    boxes += [(*p, *p) for arc in arcs for p in arc]  # each curve is inside its points' hull
    boxes += tags

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
