"""The HTML brief (render/html_brief.py), read back with the standard library's HTML parser.

What a browser shows is tested in test_browser.py; here: what the page holds. Untrusted text is
escaped, every reference resolves, each popover holds its footnote's quotes, the page loads
nothing, and it states the Markdown brief's facts in the Markdown brief's order.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser

import pytest

from briefgen import pipeline
from briefgen.merge import merge
from briefgen.render import html, markdown
from briefgen.render.html_brief import clean, link
from briefgen.schemas import (
    ArticleFailure,
    ArticleRef,
    Brief,
    Change,
    Changes,
    Slot,
)

from test_merge import ask, person, result, venue, when
from test_stories import mixed

HOSTILE = '<script>window.__pwned=1</script>"><img src=x onerror="window.__pwned=1">'


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)  # the classes of the enclosing elements
    ancestors: list[int] = field(default_factory=list)  # their positions in Page.elements


class Page(HTMLParser):
    """Every element with its attributes, its text, and the classes around it."""

    VOID = frozenset({"meta", "link", "br", "img", "hr", "input", "wbr", "source"})

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.stack: list[Element] = []
        self.texts: list[str] = []
        self.positions: dict[int, int] = {}
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        parents = [c for e in self.stack for c in e.attrs.get("class", "").split()]
        ancestors = [self.positions[id(e)] for e in self.stack]
        element = Element(tag, {k: v or "" for k, v in attrs}, parents=parents, ancestors=ancestors)
        self.positions[id(element)] = len(self.elements)
        self.elements.append(element)
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        for element in self.stack:
            element.text.append(data)
        self.texts.append(data)

    def by_id(self) -> dict[str, Element]:
        return {e.attrs["id"]: e for e in self.elements if "id" in e.attrs}

    def having(self, cls: str, tag: str | None = None) -> list[Element]:
        return [
            e
            for e in self.elements
            if cls in e.attrs.get("class", "").split() and (tag is None or e.tag == tag)
        ]


def quotes_in(element_id: str, page: Page) -> list[str]:
    """The quote texts inside the element with this id."""
    at = page.elements.index(page.by_id()[element_id])
    return ["".join(e.text) for e in page.elements if e.tag == "q" and at in e.ancestors]


@pytest.fixture(scope="module")
def demo_brief(tmp_path_factory) -> Brief:
    folder = tmp_path_factory.mktemp("html-demo")
    return pipeline.make_brief(None, pipeline.demo_settings(db=folder / "store.db"))


@pytest.fixture(scope="module")
def demo_page(demo_brief) -> tuple[str, Page]:
    page = html(demo_brief)
    return page, Page(page)


def hostile_brief() -> Brief:
    broken = ArticleFailure(
        article=ArticleRef(id=f"broken{HOSTILE}", source="javascript:alert(1)"),
        reason=f"refused {HOSTILE}",
        model="m",
        prompt_version="v",
    )
    brief = merge(
        [
            result(
                1,
                actors=[person(f"Kim {HOSTILE}", role=f"leader {HOSTILE}"), person("Putin")],
                asks=[ask(f"Kim {HOSTILE}", "Putin", f"shells {HOSTILE}", quote="wants shells")],
                venues=[venue("Vladivostok", quote="potentially in Vladivostok")],
                dates=[when("September 10-13")],
            ),
            broken,
        ],
        title=f"Title {HOSTILE}",
    )
    article = brief.sources[0].article.model_copy(
        update={"title": f"\u202eevil{HOSTILE}", "source": "https://example.org/a?b=1&c=2"}
    )
    sources = [brief.sources[0].model_copy(update={"article": article}), *brief.sources[1:]]
    return brief.model_copy(update={"sources": sources, "model": f"model {HOSTILE}"})


def test_untrusted_text_is_escaped_and_no_element_comes_from_it():
    page = html(hostile_brief())
    parsed = Page(page)
    assert [e.tag for e in parsed.elements].count("script") == 1  # the page's own
    assert not [e for e in parsed.elements if e.tag == "img"]
    assert not [e for e in parsed.elements if any(a.startswith("on") for a in e.attrs)]
    text = "".join(parsed.texts)
    assert "window.__pwned=1</script>" in text  # shown as text, not run
    assert HOSTILE.replace('"', "&quot;") not in page  # the raw markup never appears
    assert "<script>window.__pwned" not in page


def test_only_http_urls_become_links():
    parsed = Page(html(hostile_brief()))
    hrefs = [e.attrs["href"] for e in parsed.elements if e.tag == "a"]
    assert "https://example.org/a?b=1&c=2" in hrefs
    assert not [h for h in hrefs if not (h.startswith("#") or h.startswith("https://"))]
    assert link("javascript:alert(1)") is None
    assert link("file:///etc/passwd") is None
    assert link("https://x.org/a b") is None
    assert link("HTTPS://X.ORG/") == "HTTPS://X.ORG/"


def test_bidi_overrides_and_control_characters_are_dropped():
    assert clean("a\u202eb\u2066c\x00d\n\te") == "abcd e"
    page = html(hostile_brief())
    assert "\u202e" not in page


def test_the_page_loads_nothing_and_allows_only_its_own_script(demo_page):
    page, parsed = demo_page
    (csp,) = [e for e in parsed.elements if e.attrs.get("http-equiv") == "Content-Security-Policy"]
    policy = csp.attrs["content"]
    assert "default-src 'none'" in policy
    (script,) = [e for e in parsed.elements if e.tag == "script"]
    assert "src" not in script.attrs
    body = re.search(r"<script>(.*?)</script>", page, re.S)[1]
    digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy
    for element in parsed.elements:
        for attr in ("src", "srcset", "poster", "data"):
            assert attr not in element.attrs, element
        if element.tag == "link":
            pytest.fail(f"an external resource: {element.attrs}")
    assert not re.search(r"url\((?!#)", page)  # no font, no image: only the page's own markers
    assert "@import" not in page


def test_ids_are_unique_and_every_reference_resolves(demo_page):
    _, parsed = demo_page
    ids = Counter(e.attrs["id"] for e in parsed.elements if "id" in e.attrs)
    assert [i for i, n in ids.items() if n > 1] == []
    for element in parsed.elements:
        href = element.attrs.get("href", "")
        if href.startswith("#"):
            assert href[1:] in ids, href
        for ref in element.attrs.get("aria-describedby", "").split():
            assert ref in ids, ref


def test_every_citation_links_to_its_quotes_or_its_source(demo_page):
    _, parsed = demo_page
    links = parsed.having("cite-link", "a")
    assert len(links) > 100
    ids = parsed.by_id()
    with_quotes = 0
    for a in links:
        n = "".join(a.text).strip("[]")
        target = a.attrs["href"][1:]
        assert a.attrs["aria-describedby"] == target  # what a screen reader reads with it
        if target.startswith("ev-"):
            with_quotes += 1
            note = ids[target]
            assert "".join(note.text).startswith(f"[{n}]")
            assert quotes_in(target, parsed)
        else:
            assert target == f"src-{n}"
    assert with_quotes > len(links) * 0.9  # the demo's lines all rest on quotes


def test_each_footnote_is_one_sources_quotes_for_one_line(demo_brief, demo_page):
    _, parsed = demo_page
    notes = [
        e for e in parsed.elements if e.tag == "li" and e.attrs.get("id", "").startswith("ev-")
    ]
    keys = [("".join(n.text).split("]")[0], tuple(quotes_in(n.attrs["id"], parsed))) for n in notes]
    assert len(keys) == len(set(keys))  # cited twice, listed once
    (ask,) = [e for e in parsed.elements if e.attrs.get("id") == "ask-1"]
    claim = demo_brief.asks[0]
    at = parsed.elements.index(ask)
    # the line's own citations; a line of several speakers lists its quotes under it
    targets = [
        e.attrs["href"][1:]
        for e in parsed.elements
        if e.tag == "a" and at in e.ancestors and "quotes" not in e.parents
    ]
    for source, target in zip(claim.sources, targets, strict=True):
        said = [clean(q.quote) for q in claim.quotes if q.source == source]
        assert quotes_in(target, parsed) == list(dict.fromkeys(said))


def test_every_quote_of_the_brief_is_in_the_page(demo_brief, demo_page):
    _, parsed = demo_page
    shown = {"".join(e.text) for e in parsed.elements if e.tag == "q"}
    quotes = [q for claim in demo_brief.asks + demo_brief.warnings for q in claim.quotes]
    quotes += [q for value in demo_brief.venue.values for q in value.quotes]
    assert quotes
    for q in quotes:
        assert clean(q.quote) in shown


def test_the_dispute_shows_each_side_in_its_own_column(demo_brief, demo_page):
    _, parsed = demo_page
    (dispute,) = parsed.having("dispute")
    sides = parsed.having("side")
    at = parsed.elements.index(dispute)
    assert all(at in side.ancestors for side in sides)
    assert len(sides) == len([v for v in demo_brief.venue.values if not v.superseded_by]) == 2
    texts = ["".join(s.text) for s in sides]
    assert "Vladivostok" in texts[0] and "Vostochny Cosmodrome" in texts[1]
    assert "Mr. Kim plans to journey to Russia" in texts[0]
    assert "Vostochny Cosmodrome space center" in texts[1]


def test_the_latest_report_of_a_dispute_is_marked():
    brief = merge(
        [
            result(1, venues=[venue("Vladivostok", quote="potentially in Vladivostok")]),
            result(
                2,
                published=date(2023, 9, 12),
                venues=[venue("Vostochny Cosmodrome", quote="at the Vostochny Cosmodrome")],
            ),
        ]
    )
    assert brief.venue.disputed
    parsed = Page(html(brief))
    (latest,) = [s for s in parsed.having("side") if "latest" in s.attrs["class"]]
    assert "Vostochny Cosmodrome" in "".join(latest.text)
    assert "the latest report" in "".join(latest.text)
    assert "(**the latest report**)" in markdown(brief)


def headings(page: Page) -> list[str]:
    return [" ".join("".join(e.text).split()) for e in page.elements if e.tag in ("h2", "h3")]


def test_the_same_sections_in_the_same_order_as_the_markdown(demo_brief, demo_page):
    md = [
        line.lstrip("#").strip() for line in markdown(demo_brief).splitlines() if line[:3] in "## "
    ]
    md = [h for h in md if h]
    html_headings = [h for h in headings(demo_page[1]) if h not in ("Evidence",)]
    html_headings = [h for h in html_headings if h != "Who asks and warns whom"]
    assert html_headings == md


def test_stories_have_their_own_sections_and_ids(tmp_path):
    brief = merge(mixed())
    assert brief.stories
    parsed = Page(html(brief))
    assert len(parsed.having("story", "section")) == 1 + len(brief.stories)
    md_headings = [
        line.lstrip("#").strip() for line in markdown(brief).splitlines() if line.startswith("#")
    ][1:]
    assert [h for h in headings(parsed) if h not in ("Evidence", "Who asks and warns whom")] == [
        h.replace("\\", "") for h in md_headings
    ]
    ids = parsed.by_id()
    assert "s2-story" in ids and "s2-where" in ids


def test_claims_cite_the_same_sources_as_the_markdown(demo_brief, demo_page):
    _, parsed = demo_page
    ids = parsed.by_id()
    for i, claim in enumerate(demo_brief.asks, start=1):
        line = ids[f"ask-{i}"]
        start = parsed.elements.index(line)
        cited = []
        for element in parsed.elements[start + 1 :]:
            if element.tag == "li" and "quotes" not in element.parents:
                break
            if "quotes" in element.parents:  # the quotes listed under a line of several speakers
                continue
            if element.tag == "a" and "cite-link" in element.attrs.get("class", ""):
                cited.append(int("".join(element.text).strip("[]")))
        assert cited == claim.sources


def test_an_empty_brief_says_so():
    failure = ArticleFailure(
        article=ArticleRef(id="a", source="a.txt"), reason="timeout", model="m", prompt_version="v"
    )
    brief = merge([result(1), failure])
    assert brief.actors == []
    page = html(brief)
    parsed = Page(page)
    text = " ".join("".join(parsed.texts).split())
    assert "No actor named." in text
    assert "No source says." in text
    assert "Failed: [2] a: timeout" in text
    assert "partial: 1 failed" in text
    assert not parsed.having("timeline") and not parsed.having("graph")


def test_what_changed_comes_first_with_its_citations():
    brief = merge([result(1, asks=[ask("Putin", "Kim", "shells", quote="wants shells")])])
    brief = brief.model_copy(
        update={
            "changes": Changes(
                since="run 3 (2026-12-01 06:30 UTC)",
                items=[
                    Change(kind="ask", change="new", text="new ask: Putin: shells", sources=[1]),
                    Change(
                        kind="actor",
                        change="dropped",
                        text="dropped actor: Shoigu",
                        previous_sources=[2],
                    ),
                ],
            )
        }
    )
    parsed = Page(html(brief))
    assert headings(parsed)[0] == "What changed since run 3 (2026-12-01 06:30 UTC)"
    (section,) = [e for e in parsed.elements if e.attrs.get("id") == "changes"]
    text = " ".join("".join(section.text).split())
    assert "New ask: Putin: shells" in text
    assert "(was [2] in the previous brief)" in text
    nothing = brief.model_copy(update={"changes": Changes(since="run 3", items=[])})
    assert headings(Page(html(nothing)))[0] == "Nothing changed since run 3"


def test_the_page_is_the_same_for_the_same_brief(demo_brief):
    assert html(demo_brief) == html(Brief.model_validate_json(demo_brief.model_dump_json()))


def test_sources_state_model_prompt_and_drops(demo_brief, demo_page):
    page, parsed = demo_page
    rows = [e for e in parsed.elements if e.tag == "tr" and e.attrs.get("id", "").startswith("src")]
    assert len(rows) == len(demo_brief.sources)
    text = " ".join("".join(parsed.texts).split())
    assert f"prompt version: {demo_brief.prompt_version}" in text
    assert "Items dropped as not grounded in the article: 0" in text
    assert "/work/" not in page and "/tmp/" not in page


def test_a_syndicated_copy_is_said_in_its_row_which_the_popover_shows():
    brief = merge(
        [
            result(1, asks=[ask("Putin", "Kim", "shells", quote="wants shells")]),
            result(2, asks=[ask("Putin", "Kim", "shells", quote="wants shells")]),
        ]
    )
    sources = [brief.sources[0], brief.sources[1].model_copy(update={"copy_of": 1})]
    parsed = Page(html(brief.model_copy(update={"sources": sources})))
    row = parsed.by_id()["src-2"]
    (line,) = [e for e in parsed.having("src") if parsed.elements.index(row) in e.ancestors]
    assert "syndicated copy of [1]" in "".join(line.text)  # what the popover copies
    assert "a copy of [1]'s story" in "".join(row.text)
    assert "counts once" in "".join(parsed.by_id()["src-1"].text)


def test_empty_slots_and_no_timeline():
    brief = merge([result(1, actors=[person("Putin")])])
    assert brief.venue == Slot(values=[], disputed=False)
    parsed = Page(html(brief))
    assert not parsed.having("timeline-list")


def test_the_collector_is_left_as_it_was_found(demo_brief):
    import gc

    assert gc.isenabled()
    html(demo_brief)
    assert gc.isenabled()
    gc.disable()
    try:
        html(demo_brief)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_line_of_several_speakers_shows_whose_quote_is_which_in_both_pages(demo_brief, demo_page):
    """Issue 20: "White House / Linda Thomas-Greenfield → North Korea" credited her with the
    White House's addressee; now the line is the side they share, each quote with its speaker,
    and the counterpart only beside the quote that gives it."""
    (line,) = [c for c in demo_brief.warnings if "Linda Thomas-Greenfield" in c.claimants]
    assert line.who == "United States" and line.whom is None
    md = markdown(demo_brief)
    assert (
        "- United States (White House [4]; Linda Thomas-Greenfield [5]): any Russia–North Korea"
        in md
    )
    assert "[4] (2023-09-12) White House → North Korea: “as such actions" in md
    assert "[5] (2023-09-06) Linda Thomas-Greenfield: “any weapons agreements" in md
    _, parsed = demo_page
    labels = ["".join(e.text) for e in parsed.elements if "by" in e.attrs.get("class", "").split()]
    assert "White House → North Korea:" in labels and "Linda Thomas-Greenfield:" in labels
