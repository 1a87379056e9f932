"""The drawings' text (`svgtext`): hostile, long, right-to-left and combining strings are
escaped, cut whole to their length and width, and isolated, in both pictures."""

from __future__ import annotations

from briefgen.render import graph_drawing, svgtext, timeline_drawing

from drawing_helpers import (
    ARABIC,
    HEBREW,
    HOSTILE,
    SVG,
    actor,
    assert_inside,
    claim,
    draw_graph,
    draw_timeline,
    event,
    label_boxes_inside,
    parse,
)

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
    assert (
        cut == "\u2068" + "Z" * (len(cut) - 3) + "…\u2069"
        and len(cut) <= timeline_drawing.ROW_LABEL + 2
    )
    assert "\u2068" + ARABIC + "\u2069" in labels  # RTL kept whole, isolated from the date
    (long_row,) = [r for r in layout.rows if "Z" in r.label]
    assert len(long_row.title) < svgtext.TITLE + 200
    names = {n.name: n for n in glayout.nodes}
    assert HOSTILE[1] + "x" in names  # the actor's own name, given by an alias
    for node in glayout.nodes:
        shown = (
            "".join(line.text for line in node.lines).replace("\u2068", "").replace("\u2069", "")
        )
        assert len(shown) <= graph_drawing.NODE_LABEL + 1
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
    assert second.endswith("…") and svgtext.width(second, timeline_drawing._TL_FONT) < layout.width
    for row in layout.rows:
        shown = row.when + " · " + row.label
        assert (
            svgtext.width(shown, timeline_drawing._TL_FONT)
            <= layout.width - 2 * timeline_drawing._TL_PAD
        )
