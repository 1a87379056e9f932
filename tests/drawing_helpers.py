"""What the drawing tests share: small brief parts, the pictures drawn through their
templates, the SVG parsed and checked inside its viewBox, and the demo brief."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from briefgen.cli import main
from briefgen.render import graph_drawing, svgtext, timeline_drawing
from briefgen.render.graph_drawing import graph
from briefgen.render.html_brief import environment
from briefgen.render.timeline_drawing import timeline
from briefgen.schemas import Brief, BriefActor, Claim, DatedEvent, OtherDate, Quote

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')
ARABIC = "وزير الخارجية الروسي سيرغي لافروف يلتقي نظيره"
HEBREW = "ראש הממשלה בנימין נתניהו"


# --- helpers ----------------------------------------------------------------------------------


def event(text: str, when: str | None, *others: str, sources: tuple[int, ...] = (1,)):
    return DatedEvent(
        date=when,
        as_written=[f"written {when}"],
        event=text,
        sources=list(sources),
        quotes=[Quote(source=sources[0], quote=f"quote about {text[:20]}")],
        disputed=[OtherDate(date=o, sources=[2]) for o in others],
    )


def claim(who: str | list[str], whom: str | None, what: str = "something", independent=1):
    claimants = who if isinstance(who, list) else [who]
    return Claim(
        who=claimants[0],
        claimants=claimants,
        whom=whom,
        what=what,
        certainty="reported",
        sources=list(range(1, independent + 1)),
        independent=independent,
        quotes=[],
    )


def actor(name: str, *names: str, kind="person", sources=(1,)) -> BriefActor:
    return BriefActor(
        name=name, kind=kind, names=[name, *names], roles=[], sources=list(sources), quotes=[]
    )


def ids(prefix: str, n: int) -> list[str]:
    return [f"{prefix}-{i}" for i in range(n)]


def draw_timeline(events, prefix: str = "") -> tuple[timeline_drawing.Timeline | None, str]:
    layout = timeline(events, ids("tl", len(events)))
    if layout is None:
        return None, ""
    return layout, environment().get_template("timeline.svg.j2").render(
        timeline=layout, prefix=prefix
    )


def draw_graph(asks, warnings=(), actors=(), prefix: str = ""):
    layout = graph(asks, warnings, actors, ids("ask", len(asks)), ids("warn", len(warnings)))
    if layout is None:
        return None, ""
    return layout, environment().get_template("graph.svg.j2").render(graph=layout, prefix=prefix)


def parse(svg: str) -> ET.Element:
    """The SVG as XML: proves it well-formed."""
    root = ET.fromstring(svg)
    assert root.tag == SVG + "svg"
    return root


def classes(element: ET.Element) -> set[str]:
    return set(element.get("class", "").split())


def having(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if name in classes(e)]


def links(root: ET.Element) -> dict[ET.Element, str]:
    """Each element inside an <a> -> the link's href."""
    found = {}
    for a in root.iter(SVG + "a"):
        for e in a.iter():
            found[e] = a.get("href")
    return found


ROUNDED = re.compile(r"-?\d+(\.\d)?")  # what every number in the output looks like


def assert_inside(root: ET.Element) -> None:
    """Every coordinate finite, rounded to a decimal and inside the viewBox."""
    box = root.get("viewBox").split()
    assert all(ROUNDED.fullmatch(n) for n in box)
    x0, y0, width, height = map(float, box)
    assert (x0, y0) == (0, 0) and width > 0 and height > 0
    assert root.get("width") == "100%" and root.get("height") is None
    for e in root.iter():
        for name in ("x", "cx", "x1", "x2", "y", "cy", "y1", "y2", "r", "width", "stroke-width"):
            if (value := e.get(name)) is not None and value != "100%":
                v = float(value)
                assert math.isfinite(v) and ROUNDED.fullmatch(value), (name, value)
                limit = width if name in ("x", "cx", "x1", "x2", "width") else height
                assert 0 <= v <= limit, (name, v, limit)
        if e.tag == SVG + "rect":
            assert float(e.get("x")) + float(e.get("width")) <= width
        if e.tag in (SVG + "circle"):
            cx, cy, r = (float(e.get(n)) for n in ("cx", "cy", "r"))
            assert r <= cx <= width - r and r <= cy <= height - r
    for path in root.iter(SVG + "path"):
        if path.get("class") != "line":
            continue  # the arrowheads' own 10 x 10 boxes
        numbers = [n for n in path.get("d").split() if not n.isalpha()]
        assert numbers and all(ROUNDED.fullmatch(n) for n in numbers), path.get("d")
        for xs, ys in zip(numbers[::2], numbers[1::2], strict=True):
            assert 0 <= float(xs) <= width and 0 <= float(ys) <= height, (xs, ys)


def label_boxes_inside(layout: graph_drawing.Graph) -> None:
    """Each node label's estimated box inside the viewBox (the estimate is generous)."""
    for node in layout.nodes:
        for line in node.lines:
            w = svgtext.width(line.text, graph_drawing._NODE_FONT)
            left = {"start": line.x, "end": line.x - w, "middle": line.x - w / 2}[node.anchor]
            assert left >= 0 and left + w <= layout.width, (node.name, left, w, layout.width)
            assert graph_drawing._NODE_FONT <= line.y <= layout.height


def texts(root: ET.Element, cls: str) -> list[str]:
    return ["".join(e.itertext()) for e in having(root, cls)]


def demo_brief(tmp_path_factory: pytest.TempPathFactory) -> Brief:
    """The bundled demo's brief, made offline by `briefgen demo --json`."""
    js = tmp_path_factory.mktemp("demo") / "brief.json"
    result = CliRunner().invoke(main, ["demo", "--json", str(js)])
    assert result.exit_code == 0, result.output
    return Brief.model_validate_json(js.read_text())
