"""The HTML brief's who-asks-whom graph, laid out in Python and drawn as SVG by
`templates/graph.svg.j2`.

`graph(asks, warnings, actors, ask_ids, warn_ids)`: who asks or warns whom, the claimants and
the addressee of each claim that names both as nodes (one per actor, whatever name a claim
uses), one arrow per (from, to, kind). Nodes sit on a circle clockwise from the top, the most
connected first; when one node is an end of half the arrows or more (everyone warns North
Korea) it sits in the middle and its arrows are spokes. An arrow bends further (or the other
way) to pass clear of other nodes and labels (`_bend`); the middle node's label goes where
the fewest arrows run (`_hub_label`), each arrow's label at the first free place along it
(`_tag`).

The picture's natural size is its viewBox, one unit a pixel (`width`): the text is 11 units, so
a page that caps a picture's width at `width` px (or a fixed multiple) draws it at that size
instead of blowing a two-node graph up to the column.

It returns a frozen layout (every coordinate computed here, rounded to one decimal) or None when
there is nothing to draw; the template only prints it, with autoescaping on, so every model or
article string is escaped there and never marked safe. Labels are cleaned, cut and isolated by
`svgtext`.

Why a hand-written layout and not networkx or graphviz (for this graph and the timeline): the
pictures are small and capped (at most `MAX_NODES` nodes, `MAX_EDGES` arrows,
`timeline_drawing.MAX_ROWS` rows), so a circle and a list of rows are all the layout they need,
in milliseconds; the same brief must give the same page byte for byte, which a force-directed
layout (iterated floating point from a random start) or a graphviz binary (whose output changes
with its version) does not promise; and networkx's layouts need numpy, graphviz a system
binary: dependencies briefgen has no other use for.
Pure and deterministic: no randomness, no locale, no set order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from briefgen.render import svgtext
from briefgen.schemas import BriefActor, Claim
from briefgen.text.fold import fold

MAX_NODES = 16  # graph nodes, the most connected; the rest counted in `Graph.omitted`
MAX_EDGES = 48  # graph arrows, those of most claims; the rest counted in `Graph.omitted_edges`
NODE_LABEL = 24  # characters of a node's name in its label


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
                    key = fold(svgtext.clean(name))
                    if key:
                        self.index.setdefault(key, actor)
        self.seen: dict[str, tuple[str, str, str]] = {}
        self.spellings: dict[str, str] = {}

    def node(self, name: str) -> tuple[str, str, str] | None:
        """(key, label, kind) of a name; None for an empty one."""
        if name in self.seen:
            return self.seen[name]
        text = svgtext.clean(name)
        if not text:
            return None
        key = fold(text) or text
        actor = self.index.get(key)
        found: tuple[str, str, str]  # the kind: an actor's, or "other"
        if actor is not None:
            found = ("actor " + actor.name, svgtext.clean(actor.name), actor.kind)
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
    text = svgtext.fit(name, NODE_LABEL, 2 * _LABEL_WIDTH, _NODE_FONT)
    if len(text) <= _LABEL_CHARS and svgtext.width(text, _NODE_FONT) <= _LABEL_WIDTH:
        return (text,)
    words, first = text.split(" "), ""
    while words:
        longer = f"{first} {words[0]}".strip()
        if len(longer) > _LABEL_CHARS or svgtext.width(longer, _NODE_FONT) > _LABEL_WIDTH:
            break
        first = longer
        words.pop(0)
    if first:
        rest = " ".join(words)
    else:  # a first word too long for a line: broken
        first = svgtext.fit(text, _LABEL_CHARS, _LABEL_WIDTH, _NODE_FONT)[:-1]
        rest = text[len(first) :]
    second = svgtext.fit(rest, _LABEL_CHARS, _LABEL_WIDTH, _NODE_FONT)
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
            # who addresses whom: each quote's own claimant and counterpart where it gives
            # them (a line of several speakers), else the line's
            said = [(q.by, q.to) for q in claim.quotes if q.by] or [
                (c, claim.whom) for c in claim.claimants or [claim.who]
            ]
            ends: dict[tuple[str, str], tuple[tuple[str, str, str], tuple[str, str, str]]] = {}
            for by, to in said:
                target = names.node(to) if to else None
                source = names.node(by) if target else None
                if source and target and source[0] != target[0]:
                    # two names of one actor: one arrow
                    ends.setdefault((source[0], target[0]), (source, target))
            undrawn += not ends
            for source, target in ends.values():
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


_SIDES: tuple[str, ...] = (
    "below",
    "above",
    "right",
    "left",
    "below right",
    "below left",
    "above right",
    "above left",
)


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
        if vertical == "below":
            first = ny + gap * 0.7 + _NODE_FONT * 0.8
        else:
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
        w = max(svgtext.width(line, _NODE_FONT) for line in lines)
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
    w = svgtext.width(label, _EDGE_FONT)
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
    w = svgtext.width(text, size)
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

    curves = []
    tags: list[tuple[float, ...]] = []
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
        return f"{svgtext.r(p[0] + dx)} {svgtext.r(p[1] + dy)}"

    edges = []
    for source, target, kind, label, start, control, end, mid in curves:
        arrow = found[(source, target, kind)]
        a, b = labels[source][0], labels[target][0]
        title = f"{svgtext.tip(a)} {_VERB[kind]} {svgtext.tip(b)}"
        title += "".join(
            f"\n– {svgtext.tip(c.what)} {svgtext.cite(c.sources)}" for c in arrow.claims[:10]
        )
        if len(arrow.claims) > 10:
            title += f"\n– and {len(arrow.claims) - 10} more"
        edges.append(
            Edge(
                kind=kind,
                anchor=arrow.anchor,
                source=a,
                target=b,
                d=f"M {point(start)} Q {point(control)} {point(end)}",
                stroke=svgtext.r(1.5 + (min(max(arrow.independent, 1), 6) - 1) * 0.9),
                claims=len(arrow.claims),
                label=label,
                label_x=svgtext.r(mid[0] + dx),
                label_y=svgtext.r(mid[1] + dy + _EDGE_FONT * 0.35),
                title=title,
            )
        )
    return Graph(
        width=svgtext.r(max_x - min_x + 2 * _GRAPH_PAD),
        height=svgtext.r(max_y - min_y + 2 * _GRAPH_PAD),
        nodes=tuple(
            Node(
                name=labels[key][0],
                kind=labels[key][1],
                x=svgtext.r(nx + dx),
                y=svgtext.r(ny + dy),
                r=_NODE_R,
                anchor=anchor,
                lines=tuple(
                    Line(svgtext.r(lx + dx), svgtext.r(ly + dy), svgtext.isolate(t))
                    for lx, ly, t in lines
                ),
                title=svgtext.tip(labels[key][0]) + _node_title(key, found),
            )
            for key, nx, ny, anchor, lines in nodes
        ),
        edges=tuple(edges),
        keys=tuple(
            Key(
                kind,
                f"M {point((x0, legend_y))} L {point((x0 + 28, legend_y))}",
                svgtext.r(x0 + 40 + dx),
                svgtext.r(legend_y + 3.5 + dy),
                text,
            )
            for kind, x0, text in keys
        ),
        notes=tuple(Line(svgtext.r(x0 + dx), svgtext.r(y0 + dy), text) for x0, y0, text in notes),
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
