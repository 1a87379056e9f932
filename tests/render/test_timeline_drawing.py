"""The HTML brief's timeline (`timeline_drawing`): what is drawn, that it is capped,
well-formed, inside its viewBox, and its dates read as a reader writes them."""

from __future__ import annotations

import itertools
import random
import re

import pytest

from briefgen.render import svgtext, timeline_drawing
from briefgen.render.html_brief import environment
from briefgen.render.timeline_drawing import MAX_ROWS, date_text, timeline
from briefgen.schemas import Brief
from briefgen.text.dates import bounds

from drawing_helpers import (
    SVG,
    assert_inside,
    classes,
    demo_brief,
    draw_timeline,
    event,
    having,
    ids,
    links,
    parse,
    texts,
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Brief:
    return demo_brief(tmp_path_factory)


# --- the demo brief ---------------------------------------------------------------------------


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
    lanes = {(a.mark_y - row.mark_y) / timeline_drawing._LANE for a in row.alts}
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
    assert len(having(root, "mark")) == MAX_ROWS == len(layout.rows)
    assert layout.omitted == 301 - MAX_ROWS and layout.earlier == 300 - MAX_ROWS
    # The newest rows, still in date order: a brief is read for what is new.
    newest = sorted(range(300), key=lambda i: (bounds(events[i].date), i))[-MAX_ROWS:]
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
    assert timeline_drawing._note(earlier, undrawable) == note
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
    assert (gap.days, gap.label, gap.width) == (301, "10 months", timeline_drawing._GAP_WIDTH)
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
    assert all(y <= summit.mark_y + 3 * timeline_drawing._LANE for y, _ in marks)
    assert (
        later.y >= max(y for y, _ in marks) + timeline_drawing._DOT + 4
    )  # the row below makes room
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
        assert key.text_x + svgtext.width(key.text, 9.5) <= layout.width - timeline_drawing._TL_PAD
        assert key.text_y < layout.axis_y


@pytest.mark.slow
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
                    else (m.cx - timeline_drawing._DOT, m.cx + timeline_drawing._DOT)
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
    assert 1 <= len(ticks) <= timeline_drawing._MAX_TICKS
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
        w = svgtext.width(t.label, timeline_drawing._TL_FONT)
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
