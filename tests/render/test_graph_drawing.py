"""The HTML brief's who-asks-whom graph (`graph_drawing`): what is drawn, that it is capped,
well-formed, inside its viewBox and the same bytes every time; and both pictures' templates
included from one page."""

from __future__ import annotations

import itertools
import math
import random
import re
import xml.etree.ElementTree as ET

import pytest

from briefgen.render import graph_drawing
from briefgen.render.graph_drawing import graph
from briefgen.render.html_brief import environment
from briefgen.render.timeline_drawing import timeline
from briefgen.schemas import Brief

from drawing_helpers import (
    SVG,
    actor,
    assert_inside,
    claim,
    classes,
    demo_brief,
    draw_graph,
    draw_timeline,
    having,
    ids,
    label_boxes_inside,
    links,
    parse,
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Brief:
    return demo_brief(tmp_path_factory)


# --- the demo brief ---------------------------------------------------------------------------


def test_the_demo_graph_has_one_node_per_actor_and_one_arrow_per_pair_and_kind(demo):
    layout, svg = draw_graph(demo.asks, demo.warnings, demo.actors)
    root = parse(svg)
    assert_inside(root)
    label_boxes_inside(layout)
    nodes = {n.name: n for n in layout.nodes}
    # Linda Thomas-Greenfield named no addressee: the arrow to North Korea that the White
    # House's quote gave her line is gone (each quote's own counterpart); Putin's ask of Kim
    # is folded into his motive line, listed under motives.
    assert len(having(root, "node")) == len(nodes) == 11
    assert {"Kim Jong-un", "Vladimir Putin", "North Korea", "United States"} <= set(nodes)
    assert not {"Kim", "Putin", "Kim Jong Un", "U.S."} & set(nodes)  # aliases folded into actors
    edges = having(root, "edge")
    assert len(edges) == len(layout.edges) == 12
    assert len(edges) == len({(e.source, e.target, e.kind) for e in layout.edges})
    # Every arrow is an ask or a warning, linked to a claim line of its kind.
    href = links(root)
    for element in edges:
        (kind,) = classes(element) & {"ask", "warn"}
        assert re.fullmatch(f"#{kind}-\\d+", href[element])
    # Kim asks Putin twice in the demo: one arrow, "asks ×2", linked to the first of the two.
    (kim,) = [e for e in layout.edges if (e.source, e.target) == ("Kim Jong-un", "Vladimir Putin")]
    firsts = [
        i
        for i, c in enumerate(demo.asks)
        if c.whom == "Vladimir Putin" and "Kim Jong-un" in c.claimants
    ]
    assert (kim.kind, kim.label, kim.claims, kim.anchor) == (
        "ask",
        "asks ×2",
        2,
        f"ask-{firsts[0]}",
    )
    # a line whose quotes do not share a counterpart draws each quote's own
    undrawn = sum(not (c.whom or any(q.to for q in c.quotes)) for c in [*demo.asks, *demo.warnings])
    assert layout.undrawn == undrawn == 5 and layout.omitted == layout.omitted_edges == 0
    assert "5 claims naming no one asked or warned" in svg


def test_the_demo_pictures_are_the_same_bytes_every_time_and_for_shuffled_actors(demo):
    first = draw_graph(demo.asks, demo.warnings, demo.actors)[1]
    actors = list(demo.actors)
    random.Random(13).shuffle(actors)
    assert draw_graph(demo.asks, demo.warnings, actors)[1] == first
    assert draw_timeline(demo.timeline)[1] == draw_timeline(demo.timeline)[1]


# --- graph ------------------------------------------------------------------------------------


def test_claims_to_one_pair_are_one_arrow_as_thick_as_their_most_independent_sources():
    asks = [
        claim("Kim", "Putin", "send weapons", independent=1),
        claim("Kim Jong Un", "Vladimir Putin", "visit Pyongyang", independent=4),
        claim(["Kim Jong-un’s", "Kim"], "Mr. Putin", "share technology", independent=2),
        claim("Putin", "Kim", "send shells", independent=9),
    ]
    actors = [
        actor("Kim Jong-un", "Kim Jong Un", "Kim", kind="person"),
        actor("Vladimir Putin", "Putin", "Mr. Putin"),
    ]
    layout, svg = draw_graph(asks, actors=actors)
    root = parse(svg)
    assert_inside(root)
    label_boxes_inside(layout)
    assert [n.name for n in layout.nodes] == ["Kim Jong-un", "Vladimir Putin"]
    kim, putin = layout.nodes
    assert kim.y == putin.y and kim.x < putin.x  # two nodes side by side
    assert all(n.anchor == "middle" and n.lines[0].y > n.y for n in layout.nodes)  # below
    forth, back = layout.edges
    assert (forth.source, forth.target, forth.claims, forth.label) == (
        "Kim Jong-un",
        "Vladimir Putin",
        3,
        "asks ×3",
    )
    assert forth.anchor == "ask-0" and back.anchor == "ask-3"
    assert (forth.stroke, back.stroke) == (4.2, 6.0)  # 4 independent; 9 clamped to 6
    for what in ("send weapons", "visit Pyongyang", "share technology"):
        assert what in forth.title
    # The two directions bend to either side of the line between the nodes.
    control = [float(e.d.split()[5]) for e in (forth, back)]
    assert (control[0] - kim.y) * (control[1] - kim.y) < 0
    assert layout.undrawn == 0


def test_claims_without_the_other_side_or_to_themselves_are_counted_not_drawn():
    asks = [
        claim("Kim", None, "aid"),
        claim("Kim", "Kim Jong Un", "himself"),
        claim("Russia", "North Korea", "drills"),
    ]
    actors = [actor("Kim Jong-un", "Kim Jong Un", "Kim")]
    layout, svg = draw_graph(asks, actors=actors)
    assert layout.undrawn == 2 and len(layout.edges) == 1
    assert "2 claims naming no one asked or warned" in svg
    assert draw_graph(asks[:2], actors=actors) == (None, "")
    assert graph([], [], [], [], []) is None
    with pytest.raises(ValueError):
        graph(asks, [], actors, [], [])


def test_asks_and_warnings_differ_in_colour_and_in_dash_with_prefixed_markers():
    asks = [claim("A", "B", "ask one")]
    warnings = [claim("A", "B", "warn one"), claim("C", "B", "warn two")]
    _, svg = draw_graph(asks, warnings, prefix="s2-")
    root = parse(svg)
    ask, warn, _ = (e.find(SVG + "path") for e in having(root, "edge"))
    assert [classes(e) for e in having(root, "edge")] == [
        {"edge", "ask"},
        {"edge", "warn"},
        {"edge", "warn"},
    ]
    assert ask.get("stroke") != warn.get("stroke")
    assert ask.get("stroke-dasharray") is None and warn.get("stroke-dasharray")
    assert ask.get("d") != warn.get("d")  # one pair's two kinds bend apart
    ids_in_svg = {e.get("id") for e in root.iter() if e.get("id")}
    assert ids_in_svg == {"s2-graph-title", "s2-graph-arrow-ask", "s2-graph-arrow-warn"}
    refs = re.findall(r"url\(#([^)]+)\)", svg)
    assert set(refs) <= ids_in_svg and len(refs) == 3 + 2  # three arrows, two legend samples
    assert root.get("aria-labelledby") == "s2-graph-title"
    other = draw_graph(asks, warnings, prefix="")[1]
    assert not ids_in_svg & {e.get("id") for e in parse(other).iter() if e.get("id")}
    legend = having(root, "legend")[0]
    assert ["".join(t.itertext()) for t in legend.iter(SVG + "text")] == ["asks", "warns"]


def test_many_actors_and_claims_stay_within_the_caps_and_the_viewbox():
    rng = random.Random(7)
    actors = [actor(f"Actor number {i}", f"A{i}", sources=range(1, 1 + i % 5)) for i in range(200)]
    names = [f"A{i}" for i in range(200)] + [f"Stranger {i}" for i in range(40)]

    def some(n):
        return [
            claim(rng.choice(names), rng.choice(names), f"claim {i}", independent=rng.randint(1, 8))
            for i in range(n)
        ]

    asks, warnings = some(150), some(150)
    layout, svg = draw_graph(asks, warnings, actors)
    root = parse(svg)
    assert_inside(root)
    label_boxes_inside(layout)
    assert len(having(root, "node")) == len(layout.nodes) == graph_drawing.MAX_NODES  # all used
    assert len(having(root, "edge")) == len(layout.edges) <= graph_drawing.MAX_EDGES
    pairs = {
        (c.claimants[0], c.whom, kind)
        for kind, claims in (("ask", asks), ("warn", warnings))
        for c in claims
        if c.claimants[0] != c.whom
    }
    assert len(layout.edges) + layout.omitted_edges == len(pairs)
    drawn = {n for e in pairs for n in e[:2]}
    assert len(layout.nodes) + layout.omitted == len(drawn)
    assert layout.undrawn == len(asks) + len(warnings) - sum(
        c.claimants[0] != c.whom for c in [*asks, *warnings]
    )
    assert f"{layout.omitted} more actors not drawn" in svg
    shuffled = list(actors)
    rng.shuffle(shuffled)
    assert draw_graph(asks, warnings, shuffled)[1] == svg


def path_points(d: str, n: int = 64) -> list[tuple[float, float]]:
    """Points along an arrow's "M s Q c e" path."""
    sx, sy, cx, cy, ex, ey = (float(v) for v in d.replace("M", "").replace("Q", "").split())
    return [
        (
            (1 - t) ** 2 * sx + 2 * (1 - t) * t * cx + t * t * ex,
            (1 - t) ** 2 * sy + 2 * (1 - t) * t * cy + t * t * ey,
        )
        for t in (k / n for k in range(n + 1))
    ]


def node_label_boxes(node: graph_drawing.Node) -> list[tuple[float, ...]]:
    return [
        graph_drawing._text_box(line.x, line.y, line.text, graph_drawing._NODE_FONT, node.anchor)
        for line in node.lines
    ]


def hub_and_chord():
    """Eight countries warn North Korea, in the middle; four of them ask the one opposite
    them on the circle: four arrows straight across the middle."""
    warnings = [claim(f"Country {i}", "North Korea", f"warning {i}") for i in range(8)]
    asks = [claim(f"Country {i}", f"Country {i + 4}", "across") for i in range(4)]
    layout, svg = draw_graph(asks, warnings)
    ring = [(n.x, n.y) for n in layout.nodes[1:]]
    assert [n.name for n in layout.nodes[1:]] == [f"Country {i}" for i in range(8)]
    for i in range(4):  # each ask's ends are opposite: the straight line runs through the hub
        (x0, y0), (x1, y1), hub = ring[i], ring[i + 4], layout.nodes[0]
        assert abs((x0 + x1) / 2 - hub.x) < 0.2 and abs((y0 + y1) / 2 - hub.y) < 0.2
    return layout, svg


def test_arrows_clear_every_node_but_their_own_two(demo):
    for layout, svg in (hub_and_chord(), draw_graph(demo.asks, demo.warnings, demo.actors)):
        assert_inside(parse(svg))
        at = {n.name: (n.x, n.y) for n in layout.nodes}
        for edge in layout.edges:
            points = path_points(edge.d)
            for name, (x, y) in at.items():
                if name in (edge.source, edge.target):
                    continue
                clear = min(math.hypot(px - x, py - y) for px, py in points)
                assert clear >= graph_drawing._NODE_R + 7.5, (edge.source, edge.target, name, clear)


def crossing(layout: graph_drawing.Graph, boxes: list[tuple[float, ...]]) -> int:
    """How many points of the arrows lie in `boxes`."""
    points = [p for edge in layout.edges for p in path_points(edge.d)]
    return sum(any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes) for x, y in points)


def test_the_middle_nodes_label_is_where_no_arrow_runs(demo):
    spokes = draw_graph([], [claim(f"Country {i}", "North Korea", f"w {i}") for i in range(7)])
    for layout, _ in (spokes[:2], draw_graph(demo.asks, demo.warnings, demo.actors)):
        hub = layout.nodes[0]
        assert hub.name == "North Korea"
        boxes = node_label_boxes(hub)
        # Not above it, where the old label was: every country's arrow from the top ran there.
        name = graph_drawing._wrap(hub.name)
        _, above = graph_drawing._placed((hub.x, hub.y), "above", name)
        old = [
            graph_drawing._text_box(x, y, t, graph_drawing._NODE_FONT, "middle")
            for x, y, t in above
        ]
        assert crossing(layout, boxes) <= 1 < crossing(layout, old)
        # and near its node, not anywhere
        for x0, y0, x1, y1 in boxes:
            nearest = math.hypot(max(x0 - hub.x, 0, hub.x - x1), max(y0 - hub.y, 0, hub.y - y1))
            assert nearest < graph_drawing._NODE_R + 30


def test_arrow_labels_touch_no_other_label_nor_a_node(demo):
    """On the demo and on a star (the crowded middle of `hub_and_chord` may leave no free
    place: then a label takes the one it overlaps least)."""
    star = [claim(f"Country {i}", "North Korea", f"w {i}") for i in range(7)]
    star += [claim("Country 0", "Country 1", "ask"), claim("Country 1", "Country 0", "ask")]
    for layout, _ in (draw_graph(demo.asks, demo.warnings, demo.actors), draw_graph(star)):
        tags = [
            graph_drawing._text_box(
                e.label_x, e.label_y, e.label, graph_drawing._EDGE_FONT, "middle"
            )
            for e in layout.edges
        ]
        nodes = [(n.x - n.r, n.y - n.r, n.x + n.r, n.y + n.r) for n in layout.nodes]
        names = [b for n in layout.nodes for b in node_label_boxes(n)]

        def overlap(a, b):
            return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

        for (i, a), (j, b) in itertools.combinations(enumerate(tags), 2):
            assert not overlap(a, b), (layout.edges[i].label, layout.edges[j].label)
        for a in tags:
            assert not [b for b in nodes + names if overlap(a, b)]
        # each label still beside its own arrow
        for edge in layout.edges:
            near = min(
                math.hypot(x - edge.label_x, y - edge.label_y) for x, y in path_points(edge.d)
            )
            assert near < 30


def test_a_small_graph_has_its_natural_size_with_text_of_eleven_units():
    layout, svg = draw_graph([claim("Kim", "Putin"), claim("Putin", "Kim")])
    root = parse(svg)
    assert root.get("viewBox") == f"0 0 {layout.width} {layout.height}"
    assert root.get("width") == "100%" and root.get("font-size") == "11"
    # Capped at its width (x 1.25) by the page, the text is 11 (13.75) px: not a two-node
    # picture blown up to the column with 25 px names.
    assert 200 <= layout.width <= 320 and layout.height <= 140


def test_one_actor_everyone_addresses_sits_in_the_middle():
    warnings = [claim(f"Country {i}", "North Korea", f"warning {i}") for i in range(7)]
    layout, _ = draw_graph([], warnings)
    hub = layout.nodes[0]
    assert hub.name == "North Korea"
    others = layout.nodes[1:]
    distances = {round(math.hypot(n.x - hub.x, n.y - hub.y), 0) for n in others}
    assert len(distances) == 1  # the others on a circle around it
    assert min(n.y for n in others) < hub.y < max(n.y for n in others)


# --- both templates in one page -----------------------------------------------------------


def test_the_templates_include_from_a_page_once_per_story_with_unique_ids(demo):
    page = environment().from_string(
        "<div>{% for story in stories %}"
        "{% set prefix = story.prefix %}{% set timeline = story.timeline %}"
        "{% set graph = story.graph %}"
        '{% include "timeline.svg.j2" %}{% include "graph.svg.j2" %}'
        "{% endfor %}</div>"
    )
    events = ids("tl", len(demo.timeline))
    stories = [
        {
            "prefix": prefix,
            "timeline": timeline(demo.timeline, [prefix + i for i in events]),
            "graph": graph(
                demo.asks,
                demo.warnings,
                demo.actors,
                [prefix + i for i in ids("ask", len(demo.asks))],
                [prefix + i for i in ids("warn", len(demo.warnings))],
            ),
        }
        for prefix in ("", "s2-")
    ]
    root = ET.fromstring(page.render(stories=stories))
    svgs = list(root)
    assert [s.get("class") for s in svgs] == ["timeline", "graph", "timeline", "graph"]
    found = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(found) == len(set(found)) == 8  # two titles and two arrowheads a story
    hrefs = [a.get("href") for a in svgs[2].iter(SVG + "a")]
    assert hrefs and all(h.startswith("#s2-tl-") for h in hrefs)
