"""The HTML brief's timeline, laid out in Python and drawn as SVG by `templates/timeline.svg.j2`.

`timeline(events, ids)`: one row per dated event in date order, Gantt-like: a day is a dot, a
month, year or range a bar, each other date of a disputed event a hollow mark on the row (on a
lane below it when it would touch another mark). At most the newest MAX_ROWS, as a brief is read
for what is new. The axis is linear while that tells the dates apart; else long empty stretches
are cut out and the stretch most rows fall in is zoomed in (`_pieces`), so a 2019 summit and a
week of September 2023 are both readable; a legend says what the marks drawn mean.

The picture's natural size is its viewBox, one unit a pixel (`width`): the text is 11 units, so
a page that caps a picture's width at `width` px (or a fixed multiple) draws it at that size.

It returns a frozen layout (every coordinate computed here, rounded to one decimal) or None when
there is nothing to draw; the template only prints it, with autoescaping on, so every model or
article string is escaped there and never marked safe. Labels are cleaned, cut and isolated by
`svgtext`. Why a hand-written layout: see `graph_drawing`.
Pure and deterministic: no randomness, no locale (month names are spelled here), no set order.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from itertools import pairwise

from briefgen.render import svgtext
from briefgen.schemas import DatedEvent
from briefgen.text.dates import bounds

MAX_ROWS = 40  # timeline rows; the rest are counted in `Timeline.omitted`
ROW_LABEL = 48  # characters of an event's text in its row label

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


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
    """A resolved date (`briefgen.text.dates`) as a reader writes it: "12 Sep 2023", "Sep 2023",
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
        return svgtext.clean(resolved)


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
        return Span(
            svgtext.r(x0),
            svgtext.r(x1 - x0),
            svgtext.r((x0 + x1) / 2),
            first != last,
            date_text(resolved),
        )

    def notch(self, span: Span, first: date, last: date, bar_y: float) -> Span:
        """`span` with a white notch where its bar crosses a change of scale: the bar's two
        sides are at two scales, each honest, and the notch says so as the axis's `//` does."""
        a, b = first.toordinal(), last.toordinal() + 1
        cuts = " ".join(
            f"M {svgtext.r(x - 1)} {svgtext.r(bar_y - 1)} "
            f"L {svgtext.r(x + 3)} {svgtext.r(bar_y - 1)} "
            f"L {svgtext.r(x + 1)} {svgtext.r(bar_y + _BAR + 1)} "
            f"L {svgtext.r(x - 3)} {svgtext.r(bar_y + _BAR + 1)} Z"
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
                at, w = scale.start(day.toordinal()), svgtext.width(label, _TL_FONT)
                anchor, left = "middle", at - w / 2
                if left < low:
                    anchor, left = "start", at
                elif left + w > high:
                    anchor, left = "end", at - w
                found.append(Tick(svgtext.r(at), label, anchor))
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
        span = size + 4 + svgtext.width(text, _SMALL)
        if x > _TL_PAD and x + span > _TL_WIDTH - _TL_PAD:
            x, line = _TL_PAD, line + 1
        base = y + 8 + line * 14
        first, second = {"day": (5, 5), "bar": (0, 16), "alt": (5, 19)}[kind]
        mid = base - 3.3
        samples.append(
            Sample(
                kind,
                svgtext.r(x + first),
                svgtext.r(x + second),
                svgtext.r(mid),
                svgtext.r(mid - _BAR / 2),
                svgtext.r(x + size + 4),
                svgtext.r(base),
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
        (found, i, event, anchor)
        for i, (event, anchor) in enumerate(dated)
        if (found := _span(event.date)) is not None
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
    drawn_breaks = []
    taken: list[tuple[float, float]] = []
    gaps = [(p.x0, p.x1, p.b - p.a) for p in scale.pieces if p.gap]
    changes = [(x - _ZOOM_WIDTH / 2, x + _ZOOM_WIDTH / 2, 0) for _, x in scale.changes]
    for x0, x1, length in sorted(gaps + changes):
        x = (x0 + x1) / 2
        label = _duration(length) if length else ""
        w = svgtext.width(label, _SMALL)
        box = (max(_TL_PAD, x - w / 2), min(_TL_WIDTH - _TL_PAD, x + w / 2))
        if label and any(box[0] < e + 4 and s < box[1] + 4 for s, e in taken):
            label = ""  # a gap too close to the last one: its `//` says enough
        if label:
            taken.append(box)
        d = f"M {svgtext.r(x - 5)} {svgtext.r(top + 4)} L {svgtext.r(x - 1)} {svgtext.r(top - 4)} "
        d += f"M {svgtext.r(x + 1)} {svgtext.r(top + 4)} L {svgtext.r(x + 5)} {svgtext.r(top - 4)}"
        drawn_breaks.append((x0, x1, x, length, label, d))
    ticks = _ticks(scale)

    rows = []
    label_width = _TL_WIDTH - 2 * _TL_PAD
    y = top + 6
    for (first, last), i, event, anchor in drawn:
        span = scale.place(event.date or "", first, last)
        when = span.text
        room = label_width - svgtext.width(when + " · ", _TL_FONT)
        spans = [scale.place(other.date, *other_span) for other, other_span in alts[i]]
        lanes = _lanes(span, spans)
        span = scale.notch(span, first, last, y + 21 - _BAR / 2)
        others = tuple(
            Alt(
                scale.notch(mark, *other_span, y + 21 + lane * _LANE - _BAR / 2),
                svgtext.tip(f"also dated {date_text(other.date)} by {svgtext.cite(other.sources)}"),
                svgtext.r(y + 21 + lane * _LANE),
                svgtext.r(y + 21 + lane * _LANE - _BAR / 2),
            )
            for (other, other_span), mark, lane in zip(alts[i], spans, lanes, strict=True)
        )
        written = "; ".join(f"“{svgtext.tip(w)}”" for w in event.as_written)
        title = f"{when}: {svgtext.tip(event.event)}" + (
            f" (as written: {written})" if written else ""
        )
        title += f" {svgtext.cite(event.sources)}"
        if event.disputed:
            title += " — sources disagree: also dated " + "; ".join(
                f"{date_text(o.date)} {svgtext.cite(o.sources)}" for o in event.disputed
            )
        rows.append(
            Row(
                anchor=anchor,
                y=svgtext.r(y),
                label_y=svgtext.r(y + 12),
                mark_y=svgtext.r(y + 21),
                bar_y=svgtext.r(y + 21 - _BAR / 2),
                when=when,
                label=svgtext.isolate(svgtext.fit(event.event, ROW_LABEL, room, _TL_FONT)),
                title=title,
                span=span,
                disputed=bool(event.disputed),
                alts=others,
            )
        )
        y += _TL_ROW + max(lanes, default=0) * _LANE
    bottom = y
    cuts = tuple(
        Break(
            svgtext.r(x0),
            svgtext.r(x1 - x0),
            svgtext.r(bottom - top),
            svgtext.r(x),
            length,
            label,
            svgtext.r(bottom + 14),
            d,
        )
        for x0, x1, x, length, label, d in drawn_breaks
    )
    zoom = None
    if (zoomed := scale.zoom()) is not None:
        x0, x1, ratio = zoomed
        y0, y1 = bottom + 1, bottom + 4
        d = (
            f"M {svgtext.r(x0)} {svgtext.r(y0)} L {svgtext.r(x0)} {svgtext.r(y1)} "
            f"L {svgtext.r(x1)} {svgtext.r(y1)} L {svgtext.r(x1)} {svgtext.r(y0)}"
        )
        zoom = Zoom(
            svgtext.r(x0), svgtext.r(x1), ratio, d, svgtext.r((x0 + x1) / 2), svgtext.r(bottom + 14)
        )
    under = bool(zoom or any(c.label for c in cuts))
    count = f"{len(dated)} dated event{'s' if len(dated) != 1 else ''}"
    first_text = date_text(drawn[0][2].date or "")
    last_text = date_text(max(drawn, key=lambda p: p[0][1])[2].date or "")
    title = f"Timeline: {count}, {first_text}"
    title += f" to {last_text}" if last_text != first_text else ""
    title += f"; the newest {len(drawn)} drawn" if earlier else ""
    return Timeline(
        width=_TL_WIDTH,
        height=svgtext.r(bottom + (18 if under else 0) + _TL_PAD),
        label_x=_TL_PAD,
        left=scale.left,
        right=scale.right,
        axis_y=svgtext.r(axis_y),
        top=svgtext.r(top),
        bottom=svgtext.r(bottom),
        ticks=ticks,
        rows=tuple(rows),
        omitted=omitted,
        earlier=earlier,
        title=title,
        note=note,
        note_y=svgtext.r(note_y),
        dot=_DOT,
        bar=_BAR,
        breaks=cuts,
        zoom=zoom,
        legend=tuple(legend),
    )
