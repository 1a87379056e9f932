"""The HTML brief's timeline and graph: what is drawn, that it is escaped, capped, well-formed,
inside its viewBox and the same bytes every time."""

from __future__ import annotations

import itertools
import math
import random
import re
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from briefgen.cli import main
from briefgen.dates import bounds
from briefgen.render import drawings
from briefgen.render.drawings import date_text, graph, timeline
from briefgen.render.html_brief import environment
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


def draw_timeline(events, prefix: str = "") -> tuple[drawings.Timeline | None, str]:
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


def label_boxes_inside(layout: drawings.Graph) -> None:
    """Each node label's estimated box inside the viewBox (the estimate is generous)."""
    for node in layout.nodes:
        for line in node.lines:
            w = drawings._width(line.text, drawings._NODE_FONT)
            left = {"start": line.x, "end": line.x - w, "middle": line.x - w / 2}[node.anchor]
            assert left >= 0 and left + w <= layout.width, (node.name, left, w, layout.width)
            assert drawings._NODE_FONT <= line.y <= layout.height


def texts(root: ET.Element, cls: str) -> list[str]:
    return ["".join(e.itertext()) for e in having(root, cls)]


# --- the demo brief ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Brief:
    js = tmp_path_factory.mktemp("demo") / "brief.json"
    result = CliRunner().invoke(main, ["demo", "--json", str(js)])
    assert result.exit_code == 0, result.output
    return Brief.model_validate_json(js.read_text())


def test_the_demo_timeline_has_a_mark_per_dated_event_in_date_order(demo):
    layout, svg = draw_timeline(demo.timeline)
    root = parse(svg)
    assert_inside(root)
    dated = [(i, e) for i, e in enumerate(demo.timeline) if e.date]
    assert len(dated) == 23 and len(demo.timeline) > len(dated)  # undated ones are not drawn
    marks = having(root, "mark")
    assert len(marks) == len(dated) and layout.omitted == 0
    ranges = [e for _, e in dated if bounds(e.date)[0] != bounds(e.date)[1]]
    assert len(having(root, "range")) == len(ranges) == 13  # years, months, "September 10-13"
    assert having(root, "alt") == having(root, "disputed") == []
    # Each mark links to its own event's line, rows in date order.
    href = links(root)
    expected = sorted(dated, key=lambda p: (bounds(p[1].date), p[0]))
    assert [href[m] for m in marks] == [f"#tl-{i}" for i, _ in expected]
    ys = [float(m.get("cy") or m.get("y")) for m in marks]
    assert ys == sorted(ys) and len(set(ys)) == len(ys)
    # A day is a dot, a month a bar; the dates read as written by a reader.
    assert [m.tag for m in marks].count(SVG + "circle") == len(dated) - len(ranges)
    assert any(
        label.startswith("10–13 Sep 2023 · \u2068Eastern Economic Forum")
        for label in texts(root, "label")
    )
    assert root.find(SVG + "title").text.startswith("Timeline: 23 dated events, 2019 to")
    # Not 2019-2023 linear with September in a few units: 2021, empty, is cut out, and the
    # stretch of 16 of the 23 rows (August to 13 September 2023) is zoomed in.
    (gap,) = [b for b in layout.breaks if b.days]
    assert (gap.days, gap.label) == (365, "12 months")  # the year 2021
    assert layout.zoom is not None and layout.zoom.ratio > 10
    assert "zoomed in" in svg and "12 months" in svg
    assert layout.zoom.x1 - layout.zoom.x0 > 0.6 * (layout.right - layout.left)
    rows = {r.when: r for r in layout.rows}
    cluster = [r.span.cx for r in layout.rows if r.when.endswith("Sep 2023")]
    assert max(cluster) - min(cluster) > 0.1 * (layout.right - layout.left)  # was 0.01
    # Honest inside the zoomed stretch: a week's bar is 7/31 of a month's.
    week, month = rows["4–10 Sep 2023"].span.width, rows["Aug 2023"].span.width
    assert abs(week / month - 7 / 31) < 0.02
    # The first tick of each stretch says its year; none falls in a gap.
    assert re.fullmatch(
        r"\d{4}|[A-Z][a-z]{2} \d{4}|\d{1,2} [A-Z][a-z]{2} \d{4}", layout.ticks[0].label
    )
    assert not [t for t in layout.ticks if gap.x0 < t.x < gap.x0 + gap.width]
    # A bar across a change of scale is notched there, once per change it crosses.
    (year,) = [r for r in layout.rows if r.when == "2023"]
    assert year.span.cuts.count("Z") == 2
    assert rows["2019"].span.cuts == ""


def test_the_demo_graph_has_one_node_per_actor_and_one_arrow_per_pair_and_kind(demo):
    layout, svg = draw_graph(demo.asks, demo.warnings, demo.actors)
    root = parse(svg)
    assert_inside(root)
    label_boxes_inside(layout)
    nodes = {n.name: n for n in layout.nodes}
    assert len(having(root, "node")) == len(nodes) == 12
    assert {"Kim Jong-un", "Vladimir Putin", "North Korea", "United States"} <= set(nodes)
    assert not {"Kim", "Putin", "Kim Jong Un", "U.S."} & set(nodes)  # aliases folded into actors
    edges = having(root, "edge")
    assert len(edges) == len(layout.edges) == 14
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
    undrawn = sum(not c.whom for c in [*demo.asks, *demo.warnings])
    assert layout.undrawn == undrawn == 5 and layout.omitted == layout.omitted_edges == 0
    assert "5 claims naming no one asked or warned" in svg


def test_the_demo_pictures_are_the_same_bytes_every_time_and_for_shuffled_actors(demo):
    first = draw_graph(demo.asks, demo.warnings, demo.actors)[1]
    actors = list(demo.actors)
    random.Random(13).shuffle(actors)
    assert draw_graph(demo.asks, demo.warnings, actors)[1] == first
    assert draw_timeline(demo.timeline)[1] == draw_timeline(demo.timeline)[1]


# --- timeline ---------------------------------------------------------------------------------


def test_a_disputed_event_has_an_alt_mark_per_other_date_on_its_row():
    events = [
        event("summit", "2023-09-13", "2023-09-12", "2023-09-10/2023-09-11"),
        event("forum", "2023-09-10/2023-09-13"),
        event("talks", None),
        event("visit", "2023-08"),
    ]
    layout, svg = draw_timeline(events)
    root = parse(svg)
    assert_inside(root)
    marks = having(root, "mark")
    assert len(marks) == 3
    (disputed,) = having(root, "disputed")
    assert disputed.tag == SVG + "circle" and classes(disputed) == {"mark", "disputed"}
    alts = having(root, "alt")
    assert [a.tag for a in alts] == [SVG + "circle", SVG + "rect"]
    # Each other date on the row's line, or on a lane below it where it would touch a mark.
    (row,) = [r for r in layout.rows if r.disputed]
    lanes = {(a.mark_y - row.mark_y) / drawings._LANE for a in row.alts}
    assert lanes <= {0, 1, 2} and {a.get("cy") or str(float(a.get("y")) + 4) for a in alts} == {
        str(a.mark_y) for a in row.alts
    }
    href = links(root)
    assert href[disputed] == "#tl-0" and {href[a] for a in alts} == {"#tl-0"}
    assert [classes(m) for m in marks] == [
        {"mark", "range"},
        {"mark", "range"},
        {"mark", "disputed"},
    ]
    assert len(having(root, "connector")) == 2  # dashed, from the mark to each other date
    assert "sources disagree: also dated 12 Sep 2023 [2]; 10–11 Sep 2023 [2]" in row.title
    assert "as written: “written 2023-09-13”" in row.title
    assert layout.omitted == 0 and "more in the list" not in svg


def test_rows_are_capped_to_the_newest_and_the_earlier_counted_above_them():
    events = [
        event(f"event {i}", f"20{10 + i % 14}-{1 + i % 12:02d}-{1 + i % 28:02d}")
        for i in range(300)
    ]
    events.append(event("never", "sometime"))
    layout, svg = draw_timeline(events)
    root = parse(svg)
    assert_inside(root)
    assert len(having(root, "mark")) == drawings.MAX_ROWS == len(layout.rows)
    assert layout.omitted == 301 - drawings.MAX_ROWS and layout.earlier == 300 - drawings.MAX_ROWS
    # The newest rows, still in date order: a brief is read for what is new.
    newest = sorted(range(300), key=lambda i: (bounds(events[i].date), i))[-drawings.MAX_ROWS :]
    assert [r.anchor for r in layout.rows] == [f"tl-{i}" for i in newest]
    assert layout.rows[-1].when == "28 Dec 2023"  # the last day any event has
    note = "260 earlier events and 1 whose date cannot be drawn are in the list below"
    assert layout.note == note and note in svg and "more in the list" not in svg
    assert layout.note_y < layout.axis_y < layout.top  # above the rows
    title = root.find(SVG + "title").text
    assert title.startswith("Timeline: 301 dated events") and "the newest 40 drawn" in title


@pytest.mark.parametrize(
    ("earlier", "undrawable", "note"),
    [
        (0, 0, ""),
        (1, 0, "1 earlier event is in the list below"),
        (5, 0, "5 earlier events are in the list below"),
        (0, 1, "1 event whose date cannot be drawn is in the list below"),
        (0, 2, "2 events whose dates cannot be drawn are in the list below"),
        (3, 2, "3 earlier events and 2 whose dates cannot be drawn are in the list below"),
    ],
)
def test_the_note_says_what_the_list_has_that_the_picture_does_not(earlier, undrawable, note):
    assert drawings._note(earlier, undrawable) == note
    events = [event(f"e{i}", f"2023-09-{1 + i % 28:02d}") for i in range(40 + earlier)]
    events += [event(f"n{i}", "sometime") for i in range(undrawable)]
    layout = timeline(events, ids("tl", len(events)))
    assert (layout.note, layout.earlier, layout.omitted) == (note, earlier, earlier + undrawable)


def test_an_empty_stretch_is_cut_out_and_both_sides_keep_one_scale():
    days = ["2023-09-01", "2023-09-02", "2023-09-03", "2024-07-01", "2024-07-02", "2024-07-03"]
    layout, svg = draw_timeline([event(f"e{i}", d) for i, d in enumerate(days)])
    root = parse(svg)
    assert_inside(root)
    (gap,) = layout.breaks
    assert (gap.days, gap.label, gap.width) == (301, "10 months", drawings._GAP_WIDTH)
    assert layout.zoom is None and "10 months" in svg and having(root, "gap")
    xs = [r.span.cx for r in layout.rows]
    steps = {round(xs[k + 1] - xs[k], 1) for k in (0, 1, 3, 4)}
    assert len(steps) == 1 and steps.pop() > 30  # a day's step, the same each side: was 1.3
    assert xs[2] < gap.x0 < gap.x0 + gap.width < xs[3]
    # Each side's first tick says its year, and no tick falls in the gap.
    labels = [t.label for t in layout.ticks]
    assert labels[0] == "1 Sep 2023" and "1 Jul 2024" in labels
    assert not [t for t in layout.ticks if gap.x0 < t.x < gap.x0 + gap.width]


def test_a_week_of_days_is_drawn_linear_with_no_break():
    layout, svg = draw_timeline([event(f"e{i}", f"2023-09-{10 + i}") for i in range(5)])
    assert layout.breaks == () and layout.zoom is None and 'class="break"' not in svg
    xs = [r.span.cx for r in layout.rows]
    assert len({round(b - a, 1) for a, b in itertools.pairwise(xs)}) == 1


def test_disputed_dates_a_day_apart_are_marks_apart_not_one_blob():
    events = [
        event("old", "2019"),
        event("summit", "2023-09-12", "2023-09-13", "2023-09-11", "2023-09-10/2023-09-13"),
        event("later", "2024-01"),
    ]
    layout, svg = draw_timeline(events)
    assert_inside(parse(svg))
    summit, later = layout.rows[1:]
    marks = [(summit.mark_y, summit.span)] + [(a.mark_y, a.span) for a in summit.alts]

    def extent(span):
        return (span.x, span.x + span.width) if span.range else (span.cx - 4.5, span.cx + 4.5)

    for (y1, a), (y2, b) in itertools.combinations(marks, 2):
        if y1 == y2:  # on one line: apart, strokes included
            (a0, a1), (b0, b1) = extent(a), extent(b)
            assert a1 + 1.5 <= b0 or b1 + 1.5 <= a0, (a, b)
    assert len({y for y, _ in marks}) > 1  # a day apart at this scale: some on a lane below
    assert all(y <= summit.mark_y + 3 * drawings._LANE for y, _ in marks)
    assert later.y >= max(y for y, _ in marks) + drawings._DOT + 4  # the row below makes room
    root = parse(svg)
    for connector in having(root, "connector"):  # from the event's mark to each other date
        assert connector.get("y1") == str(summit.mark_y)
        assert connector.get("y2") in {str(a.mark_y) for a in summit.alts}


@pytest.mark.parametrize(
    ("dates", "said"),
    [
        ([["2023-09-12"], ["2023-09-13"]], ["a day"]),
        ([["2023-09"], ["2023-09-12"]], ["a day", "a month"]),
        ([["2023"], ["2023-09-10/2023-09-13"]], ["a year or a range of dates"]),
        ([["2022"], ["2023-09"], ["2023-07/2023-08"]], ["a month, a year or a range of dates"]),
        (
            [["2023-09-12", "2023-09-13"], ["2023-09-14"]],
            ["a day", "disputed: another source’s date"],
        ),
        ([["2023-09", "2023-10"]], ["a month", "disputed: another source’s date"]),
    ],
)
def test_the_legend_says_what_the_marks_drawn_mean_and_no_more(dates, said):
    layout, svg = draw_timeline([event(f"e{i}", *d) for i, d in enumerate(dates)])
    root = parse(svg)
    assert_inside(root)
    assert [k.text for k in layout.legend] == said
    kinds = [k.kind for k in layout.legend]
    assert kinds == [
        {"a day": "day", "disputed: another source’s date": "alt"}.get(t, "bar") for t in said
    ]
    (legend,) = having(root, "legend")
    assert ["".join(t.itertext()) for t in legend.iter(SVG + "text")] == said
    for key in layout.legend:
        assert key.text_x + drawings._width(key.text, 9.5) <= layout.width - drawings._TL_PAD
        assert key.text_y < layout.axis_y


def test_random_timelines_stay_inside_with_ticks_and_marks_apart():
    """Days, months, years and ranges from year 1 to 9999, some disputed: the scale may be
    linear, cut or zoomed, and every picture stays well-formed, inside its viewBox, with a
    tick, no two marks of a line touching, and the same bytes twice."""
    rng = random.Random(11)

    def some_date() -> str:
        year = rng.choice([1, 1200, 1950, 2019, 2022, 2023, 2023, 2024, 9999])
        month, day, kind = rng.randint(1, 12), rng.randint(1, 28), rng.random()
        if kind < 0.15:
            return f"{year:04d}"
        if kind < 0.35:
            return f"{year:04d}-{month:02d}"
        if kind < 0.5:
            last = min(28, day + rng.randint(1, 9))
            return f"{year:04d}-{month:02d}-{day:02d}/{year:04d}-{month:02d}-{last:02d}"
        return f"{year:04d}-{month:02d}-{day:02d}"

    for _ in range(120):
        events = [
            event(f"e{i}", some_date(), *[some_date() for _ in range(rng.choice([0, 0, 1, 3]))])
            for i in range(rng.randint(1, 60))
        ]
        layout, svg = draw_timeline(events)
        assert_inside(parse(svg))
        assert layout.ticks and draw_timeline(events)[1] == svg
        for row in layout.rows:
            marks = [(row.mark_y, row.span)] + [(a.mark_y, a.span) for a in row.alts]
            for (y1, a), (y2, b) in itertools.combinations(marks, 2):
                ends = [
                    (m.x, m.x + m.width)
                    if m.range
                    else (m.cx - drawings._DOT, m.cx + drawings._DOT)
                    for m in (a, b)
                ]
                assert y1 != y2 or ends[0][1] + 1.4 <= ends[1][0] or ends[1][1] + 1.4 <= ends[0][0]


def test_no_timeline_without_a_date():
    assert timeline([], []) is None
    assert timeline([event("talks", None), event("more talks", None)], ["a", "b"]) is None
    assert timeline([event("never", "not a date")], ["a"]) is None
    with pytest.raises(ValueError):
        timeline([event("talks", "2023")], [])


@pytest.mark.parametrize(
    ("dates", "unit"),
    [
        (["2023-09-12"], "day"),
        (["2023-09-01", "2023-09-13"], "day"),
        (["2023-07-30", "2023-09-13"], "day"),  # 1 Aug, 16 Aug, 1 Sep
        (["2021-02", "2023-09-13"], "month"),
        (["1950", "2023-09-13"], "year"),
        (["1200", "9999"], "month"),  # two years 8,800 apart: each its own stretch
    ],
)
def test_axis_ticks_are_round_dates_that_do_not_collide(dates, unit):
    layout, svg = draw_timeline([event(f"e{i}", d) for i, d in enumerate(dates)])
    root = parse(svg)
    assert_inside(root)
    ticks = layout.ticks
    assert 1 <= len(ticks) <= drawings._MAX_TICKS
    xs = [t.x for t in ticks]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    pattern = {
        "day": r"\d{1,2} [A-Z][a-z]{2}( \d{4})?",
        "month": r"[A-Z][a-z]{2}( \d{4})?",
        "year": r"\d{4}",
    }[unit]
    assert all(re.fullmatch(pattern, t.label) for t in ticks), [t.label for t in ticks]
    assert re.search(r"\d{4}", ticks[0].label)  # the first tick says its year
    boxes = []
    for t in ticks:
        w = drawings._width(t.label, drawings._TL_FONT)
        left = {"start": t.x, "end": t.x - w, "middle": t.x - w / 2}[t.anchor]
        assert left >= 0 and left + w <= layout.width
        boxes.append((left, left + w))
    assert all(b[0] > a[1] for a, b in itertools.pairwise(boxes))


def test_dates_read_as_a_reader_writes_them():
    assert date_text("2023-09-12") == "12 Sep 2023"
    assert date_text("2023-09") == "Sep 2023"
    assert date_text("2019") == "2019"
    assert date_text("2023-09-10/2023-09-13") == "10–13 Sep 2023"
    assert date_text("2023-08-30/2023-09-02") == "30 Aug – 2 Sep 2023"
    assert date_text("2022-12-30/2023-01-02") == "30 Dec 2022 – 2 Jan 2023"
    assert date_text("2023-07/2023-09") == "Jul 2023 – Sep 2023"
    assert date_text("sometime") == "sometime"


def test_timeline_rows_do_not_depend_on_the_order_events_come_in():
    events = [event(f"event {i}", f"2023-{1 + i:02d}-{1 + 2 * i:02d}") for i in range(10)]
    anchors = ids("tl", 10)
    order = list(range(10))
    random.Random(4).shuffle(order)
    env = environment().get_template("timeline.svg.j2")
    one = env.render(timeline=timeline(events, anchors), prefix="")
    other = timeline([events[i] for i in order], [anchors[i] for i in order])
    assert env.render(timeline=other, prefix="") == one


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
    assert len(having(root, "node")) == len(layout.nodes) == drawings.MAX_NODES  # all used
    assert len(having(root, "edge")) == len(layout.edges) <= drawings.MAX_EDGES
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


def node_label_boxes(node: drawings.Node) -> list[tuple[float, ...]]:
    return [
        drawings._text_box(line.x, line.y, line.text, drawings._NODE_FONT, node.anchor)
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
                assert clear >= drawings._NODE_R + 7.5, (edge.source, edge.target, name, clear)


def crossing(layout: drawings.Graph, boxes: list[tuple[float, ...]]) -> int:
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
        name = drawings._wrap(hub.name)
        _, above = drawings._placed((hub.x, hub.y), "above", name)
        old = [drawings._text_box(x, y, t, drawings._NODE_FONT, "middle") for x, y, t in above]
        assert crossing(layout, boxes) <= 1 < crossing(layout, old)
        # and near its node, not anywhere
        for x0, y0, x1, y1 in boxes:
            nearest = math.hypot(max(x0 - hub.x, 0, hub.x - x1), max(y0 - hub.y, 0, hub.y - y1))
            assert nearest < drawings._NODE_R + 30


def test_arrow_labels_touch_no_other_label_nor_a_node(demo):
    """On the demo and on a star (the crowded middle of `hub_and_chord` may leave no free
    place: then a label takes the one it overlaps least)."""
    star = [claim(f"Country {i}", "North Korea", f"w {i}") for i in range(7)]
    star += [claim("Country 0", "Country 1", "ask"), claim("Country 1", "Country 0", "ask")]
    for layout, _ in (draw_graph(demo.asks, demo.warnings, demo.actors), draw_graph(star)):
        tags = [
            drawings._text_box(e.label_x, e.label_y, e.label, drawings._EDGE_FONT, "middle")
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


# --- hostile text -----------------------------------------------------------------------------


def test_hostile_long_and_right_to_left_strings_are_escaped_cut_and_isolated():
    long = "Z" * 5000
    events = [
        event(HOSTILE[0], "2023-09-12"),
        event(HOSTILE[1] + "\x00\x07\u202e", "2023-09-13", "2023-09-14"),
        event(long, "2023-09-14"),
        event(ARABIC, "2023-09-15"),
        event(HEBREW + " " + ARABIC, "2023-09-16"),
    ]
    layout, svg = draw_timeline(events, prefix='"><b>')
    asks = [claim(HOSTILE[0], HOSTILE[1], HOSTILE[0]), claim(long, ARABIC), claim(HEBREW, long)]
    glayout, gsvg = draw_graph(asks, actors=[actor(HOSTILE[1] + "x", HOSTILE[1])])
    for out in (svg, gsvg):
        root = parse(out)
        assert_inside(root)
        assert "<script" not in out and "<img" not in out and "<b>" not in out
        assert "\x00" not in out and "\u202e" not in out
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
        assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in out
        for e in root.iter():  # the parsed text is the text given, not markup
            assert e.tag.startswith(SVG) and e.tag[len(SVG) :] in {
                "svg",
                "title",
                "g",
                "a",
                "text",
                "tspan",
                "line",
                "circle",
                "rect",
                "path",
                "defs",
                "marker",
            }
        assert len(out) < 40_000  # no 5,000-character label, only a capped tooltip
    labels = {r.label for r in layout.rows}
    assert "\u2068" + HOSTILE[0] + "\u2069" in labels
    (cut,) = [r.label for r in layout.rows if "Z" in r.label]
    assert cut == "\u2068" + "Z" * (len(cut) - 3) + "…\u2069" and len(cut) <= drawings.ROW_LABEL + 2
    assert "\u2068" + ARABIC + "\u2069" in labels  # RTL kept whole, isolated from the date
    (long_row,) = [r for r in layout.rows if "Z" in r.label]
    assert len(long_row.title) < drawings.TITLE + 200
    names = {n.name: n for n in glayout.nodes}
    assert HOSTILE[1] + "x" in names  # the actor's own name, given by an alias
    for node in glayout.nodes:
        shown = (
            "".join(line.text for line in node.lines).replace("\u2068", "").replace("\u2069", "")
        )
        assert len(shown) <= drawings.NODE_LABEL + 1
        assert all(
            line.text.startswith("\u2068") and line.text.endswith("\u2069") for line in node.lines
        )
    label_boxes_inside(glayout)


def test_combining_marks_and_wide_characters_are_cut_whole():
    accented = "e\u0301" * 60  # é as a letter and its mark
    wide = "北朝鮮の金正恩総書記がロシア極東を訪問" * 3
    layout, svg = draw_timeline([event(accented, "2023"), event(wide, "2024")])
    parse(svg)
    first, second = (r.label.strip("\u2068\u2069") for r in layout.rows)
    assert first.endswith("\u0301…") and not first.startswith("\u0301")
    assert second.endswith("…") and drawings._width(second, drawings._TL_FONT) < layout.width
    for row in layout.rows:
        shown = row.when + " · " + row.label
        assert drawings._width(shown, drawings._TL_FONT) <= layout.width - 2 * drawings._TL_PAD


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
