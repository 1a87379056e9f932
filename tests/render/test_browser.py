"""The HTML brief in headless Chromium: what a person sees, not what the markup says.

Each page (the bundled demo's brief and tests/adversarial.py's) is opened from a file and must:
load nothing and log no error; run no string of the brief as code; show every citation's quotes
when it is focused (keyboard included), within the screen; read without JavaScript and in print
(footnotes shown, popovers not); draw one timeline mark per dated event and the demo's who-asks-
whom arrows; fit a 390 px phone without scrolling sideways. The first tests check the recording
fixture itself (tests/browser.py) on small hand-written pages.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

import pytest

from briefgen import render
from briefgen.pipeline import demo_settings, make_brief
from briefgen.render.timeline_drawing import MAX_ROWS
from briefgen.schemas import Brief, Claim, DatedEvent, Slot, Story

from adversarial import (
    crowd_brief,
    empty_brief,
    hostile,
    hostile_brief,
    hostile_texts,
    stories_brief,
    visible_text,
)
from browser import NO_CHROMIUM, SHOWN_JS, find_chromium, in_thread, missing

# A real browser (Debian's chromium) per module.
pytestmark = pytest.mark.slow

NAMES = ("demo", "hostile", "crowd", "empty", "stories")
PHONE = 390


@pytest.fixture(scope="module")
def briefs(tmp_path_factory) -> dict[str, Brief]:
    db = tmp_path_factory.mktemp("demo") / "briefgen.db"
    # the pipeline runs asyncio, which playwright's running loop forbids in this thread
    demo = in_thread(lambda: make_brief(None, demo_settings(db=db)))
    return {
        "demo": demo,
        "hostile": hostile_brief(),
        "crowd": crowd_brief(),
        "empty": empty_brief(),
        "stories": stories_brief(),
    }


@pytest.fixture(scope="module")
def htmls(briefs) -> dict[str, str]:
    return {name: render.html(brief) for name, brief in briefs.items()}


@pytest.fixture(scope="module", params=NAMES)
def name(request) -> str:
    """Each brief in turn, module-scoped so that pytest runs one brief's tests together: the
    tests that only read a page then share one load of it (`reuse=True`)."""
    return request.param


def each_story(brief: Brief) -> list[Brief | Story]:
    return [brief, *brief.stories]


# --- the fixture itself -------------------------------------------------------------------------


def test_find_chromium_takes_the_setting_or_searches_path(tmp_path, monkeypatch):
    exe = tmp_path / "chromium-browser"
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    assert find_chromium({"BRIEFGEN_CHROMIUM": str(exe)}) == str(exe)
    assert find_chromium({"BRIEFGEN_CHROMIUM": str(tmp_path / "none")}) is None  # no fallback
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_chromium({}) == str(exe)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert find_chromium({}) is None


def test_a_missing_browser_skips_here_and_fails_in_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no Chromium"):
        missing(NO_CHROMIUM)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        missing(NO_CHROMIUM)


def test_the_recorder_sees_console_errors_page_errors_and_every_request(page_of):
    opened = page_of(
        """<!doctype html><title>t</title><img src="https://example.invalid/a.png">
        <script>
        console.error("boom"); console.warn("only a warning");
        setTimeout(() => { throw new Error("late failure") }, 0);
        fetch("http://example.invalid/x").catch(() => { document.title = "fetched" });
        </script>"""
    )
    opened.page.wait_for_function("document.title === 'fetched'")
    assert "boom" in opened.console_errors
    assert "only a warning" not in opened.console_errors
    assert any("late failure" in e for e in opened.page_errors)
    assert set(opened.requests) == {"https://example.invalid/a.png", "http://example.invalid/x"}
    assert len(opened.problems) >= 4


def test_a_clean_page_records_nothing_and_hidden_means_unseen(page_of):
    opened = page_of(
        """<!doctype html><p id="seen">fine</p><p id="gone" style="visibility:hidden">x</p>
        <p id="clipped" style="position:absolute;width:1px;height:1px;overflow:hidden;
        clip:rect(0 0 0 0)">screen readers only</p><a href="#seen">self</a>"""
    )
    opened.page.click("a")  # a link to the page's own fragment is no request
    assert opened.problems == []
    assert opened.shown("#seen")
    assert not opened.shown("#gone") and not opened.shown("#clipped")
    assert not opened.shown("#nothing-has-this-id")


def test_javascript_off_means_no_script_runs(page_of):
    page = "<!doctype html><title>before</title><script>document.title = 'after'</script>"
    assert page_of(page).page.title() == "after"
    assert page_of(page, javascript=False).page.title() == "before"


# --- safe: nothing loads, nothing runs ----------------------------------------------------------

SAFETY_JS = """() => {
    const all = [...document.querySelectorAll('*')];
    const ids = all.map(e => e.id).filter(Boolean);
    const hrefs = all.flatMap(e => ['href', 'xlink:href'].map(a => e.getAttribute(a))).filter(
        h => h !== null);
    const csp = document.querySelector('meta[http-equiv="Content-Security-Policy" i]');
    return {
        pwned: typeof window.__pwned,
        scripts: [...document.querySelectorAll('script')].map(s => s.src),
        loaders: all.filter(e => e.matches('img, image, iframe, frame, object, embed, base, '
            + 'form, link, audio, video, source, meta[http-equiv="refresh" i]')).map(
            e => e.outerHTML.slice(0, 80)),
        handlers: all.flatMap(e => [...e.attributes].filter(a => /^on/i.test(a.name)).map(
            a => e.tagName + ' ' + a.name)),
        badHrefs: hrefs.filter(h => !/^(#|https?:\\/\\/)/i.test(h)),
        deadFragments: hrefs.filter(h => h.startsWith('#') && !document.getElementById(
            decodeURIComponent(h.slice(1)))),
        repeatedIds: ids.filter((id, k) => ids.indexOf(id) !== k),
        lang: document.documentElement.lang,
        charset: document.characterSet,
        viewport: document.querySelector('meta[name=viewport]')?.content,
        csp: csp ? csp.content : null,
    };
}"""


def test_the_page_loads_nothing_logs_no_error_and_runs_no_string_of_the_brief(name, htmls, page_of):
    opened = page_of(htmls[name], reuse=True)
    found = opened.page.evaluate(SAFETY_JS)
    assert opened.problems == []
    assert found["pwned"] == "undefined"
    assert found["scripts"] == [""]  # exactly one script, inline
    assert found["loaders"] == [] and found["handlers"] == []
    assert found["badHrefs"] == []  # only fragments and http(s) links: no javascript:, data:
    assert found["deadFragments"] == [] and found["repeatedIds"] == []
    assert (found["lang"], found["charset"]) == ("en", "UTF-8")
    assert found["viewport"] == "width=device-width, initial-scale=1"
    assert found["csp"] and "default-src 'none'" in found["csp"]


# --- drawings -----------------------------------------------------------------------------------

DRAWINGS_JS = """() => [...document.querySelectorAll('section.story')].map((section, k) => {
    const svg = kind => section.querySelector('svg.' + kind);
    const links = sel => [...section.querySelectorAll(sel)].map(e => {
        const a = e.closest('a');
        const href = a ? a.getAttribute('href') || a.getAttribute('xlink:href') : null;
        return [href, !!(href && document.getElementById(href.slice(1)))];
    });
    const count = sel => section.querySelectorAll(sel).length;
    const prefix = k ? `s${k + 1}-` : '';  // the ids of a further story's elements
    const role = kind => svg(kind) ? svg(kind).getAttribute('role') : null;
    return {
        timeline: role('timeline'), graph: role('graph'),
        marks: count('svg.timeline .mark'), ranges: count('svg.timeline .mark.range'),
        disputed: count('svg.timeline .mark.disputed'), alts: count('svg.timeline .alt'),
        markLinks: links('svg.timeline .mark'), lines: count(`[id^="${prefix}tl-"]`),
        nodes: count('svg.graph .node'), edges: count('svg.graph .edge'),
        asks: count('svg.graph .edge.ask'), warns: count('svg.graph .edge.warn'),
        edgeLinks: links('svg.graph .edge'),
    };
})"""


def span(when: str) -> tuple[date, date]:
    """The first and last day of an ISO day, month ("2023-09"), year or range ("a/b")."""
    first, _, last = when.partition("/")

    def bounds(part: str) -> tuple[date, date]:
        numbers = [int(x) for x in part.split("-")]
        if len(numbers) == 3:
            return date(*numbers), date(*numbers)
        if len(numbers) == 2:
            year, month = numbers
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        return date(numbers[0], 1, 1), date(numbers[0], 12, 31)

    return bounds(first)[0], bounds(last or first)[1]


def spans_days(when: str) -> bool:
    """A month, a year, or a range of two different days: more than a day on the timeline."""
    first, last = span(when)
    return last > first


def dated(story: Brief | Story) -> list[DatedEvent]:
    return [e for e in story.timeline if e.date]


def drawn(story: Brief | Story) -> list[DatedEvent]:
    """The dated events the timeline draws: in date order (then the brief's), the newest
    MAX_ROWS; the earlier ones are only listed below it."""
    ordered = sorted(enumerate(dated(story)), key=lambda p: (span(p[1].date or ""), p[0]))
    return [event for _, event in ordered[-MAX_ROWS:]]


def both_sides(story: Brief | Story) -> list[Claim]:
    """The asks and warnings whose both sides are actors of the story: arrows to draw."""
    names = {n for a in story.actors for n in a.names}
    return [c for c in (*story.asks, *story.warnings) if c.who in names and c.whom in names]


def test_the_timeline_has_a_mark_per_dated_event_and_the_graph_an_arrow_per_claim(
    name, briefs, htmls, page_of
):
    brief = briefs[name]
    pictures = page_of(htmls[name], reuse=True).page.evaluate(DRAWINGS_JS)
    assert len(pictures) == len(each_story(brief))
    for k, (story, found) in enumerate(zip(each_story(brief), pictures, strict=True), start=1):
        prefix = f"#s{k}-" if k > 1 else "#"
        events = drawn(story)
        assert found["timeline"] == ("img" if events else None), k
        assert found["marks"] == len(events)
        assert found["lines"] >= len(dated(story))  # each dated event has its line, drawn or not
        assert found["ranges"] == sum(spans_days(e.date or "") for e in events)
        assert found["disputed"] == sum(bool(e.disputed) for e in events)
        assert found["alts"] == sum(len(e.disputed) for e in events)
        assert all(ok and href.startswith(f"{prefix}tl-") for href, ok in found["markLinks"])
        claims = [c for c in (*story.asks, *story.warnings) if c.whom]
        if not claims:
            assert found["graph"] is None
        if both_sides(story):
            assert found["graph"] == "img" and found["edges"] > 0 and found["nodes"] >= 2
        # at most one arrow from each claimant to whom, for asks and for warnings
        arrows = [len(c.claimants or [c.who]) for c in claims]
        assert found["edges"] == found["asks"] + found["warns"] <= sum(arrows)
        assert found["asks"] <= sum(
            n for n, c in zip(arrows, claims, strict=True) if c in story.asks
        )
        for href, ok in found["edgeLinks"]:
            assert ok and re.match(rf"{prefix}(ask|warn)-", href), href
    if name == "demo":
        assert pictures[0]["edges"] > 0


# --- disputes ------------------------------------------------------------------------------------

DISPUTES_JS = """() => [...document.querySelectorAll('section.story')].map(section =>
    [...section.querySelectorAll('.dispute')].map(d => [...d.querySelectorAll('.side')].map(
        s => [s.textContent.replace(/\\s+/g, ' '), s.classList.contains('latest')])))"""


def sides(slot: Slot) -> list[tuple[str, bool]]:
    """Each current answer of a disputed slot (its value, or its words when it has none) and
    whether it is the one latest report (as the Markdown brief marks it)."""
    current = [v for v in slot.values if not v.superseded_by]
    reported = [v.reported for v in current if v.reported]
    newest = max(reported, default=None)
    unique = reported.count(newest) == 1
    return [
        (v.value or v.as_written[0], unique and v.reported == newest and newest is not None)
        for v in current
    ]


def test_a_disputed_place_or_date_shows_each_side_and_marks_the_latest(
    name, briefs, htmls, page_of
):
    found = page_of(htmls[name], reuse=True).page.evaluate(DISPUTES_JS)
    brief = briefs[name]
    for story, shown in zip(each_story(brief), found, strict=True):
        for slot in (story.venue, story.date):
            if not slot.disputed:
                continue
            want = sides(slot)
            match = [
                d
                for d in shown
                if len(d) == len(want)
                and all(visible_text(value) in visible_text(text) for (value, _), (text, _) in
                        zip(want, d, strict=True))
            ]  # fmt: skip
            assert match, (want, shown)
            assert [latest for _, latest in match[0]] == [latest for _, latest in want]
        if not (
            story.venue.disputed or story.date.disputed or any(e.disputed for e in dated(story))
        ):
            assert shown == []  # nothing disputed, no dispute drawn
    if name != "empty":
        assert brief.venue.disputed  # each of the others has a dispute to show


# --- citations ----------------------------------------------------------------------------------

CITATIONS_JS = (
    """([sources, stride]) => {
    const shown = """
    + SHOWN_JS
    + """;
    // as visible_text() has it: one line, without the characters that do not show
    const text = e => e.textContent.replace(/\\s+/g, ' ').trim().replace(
        /[\\u0000-\\u001f\\u007f\\u200b\\u00ad\\u202a-\\u202e\\u2066-\\u2069]/g, '');
    const links = [...document.querySelectorAll('a.cite-link')];
    const failed = [];
    if (shown(document.getElementById('popover'))) failed.push(['a popover before any focus']);
    for (const [k, link] of links.entries()) {
        const href = link.getAttribute('href') || '';
        const wrong = [];
        const target = document.getElementById(href.slice(1));
        const note = /^#(s\\d+-)?ev-/.test(href);
        if (link.getAttribute('aria-describedby') !== href.slice(1))
            wrong.push('aria-describedby is not its target');
        if (note && !(target && target.matches('ol.evidence > li') &&
                      target.querySelector('q.quote')))
            wrong.push('no footnote with a quote');
        else if (!note && !(/^#src-\\d+$/.test(href) && target && target.matches(
            'table.sources tr')))
            wrong.push('neither a footnote nor a source row');
        if (k % stride) {  // its target checked; its popover is like its neighbours'
            if (wrong.length) failed.push([href, ...wrong]);
            continue;
        }
        link.focus();
        const pop = document.getElementById('popover');
        if (document.activeElement !== link) wrong.push('not focusable');
        if (!pop || !pop.matches('[role=tooltip]') || !shown(pop)) {
            failed.push([href, ...wrong, 'no popover shown on focus']);
            continue;
        }
        if (link.nextElementSibling !== pop) wrong.push('the popover is not next to it');
        const box = pop.getBoundingClientRect();
        if (box.left < -0.5 || box.right > window.innerWidth + 0.5)
            wrong.push(`off screen: ${box.left}..${box.right} of ${window.innerWidth}`);
        const quotes = [...pop.querySelectorAll('q.quote')];
        if (quotes.some(q => !shown(q))) wrong.push('a quote not shown');
        const said = quotes.map(text).sort();
        const notes = note && target ? [...target.querySelectorAll('q.quote')].map(text) : [];
        if (JSON.stringify(said) !== JSON.stringify(notes.sort()))
            wrong.push(`quotes ${said} are not the footnote's ${notes}`);
        const source = sources[(link.textContent.match(/^\\[(\\d+)\\]$/) || [])[1]];
        if (!source) wrong.push(`its text is not [n] of a source: ${link.textContent}`);
        else {
            const all = text(pop);
            for (const part of source.shown)
                if (!all.includes(part)) wrong.push(`no ${part.slice(0, 40)} in the popover`);
            const to = [...pop.querySelectorAll('a.src-link')].map(a => a.getAttribute('href'));
            if (source.link === true ? to.length !== 1 : source.link === false && to.length)
                wrong.push(`source links ${to}`);
            if (to.some(h => h !== source.url)) wrong.push(`a link to another URL: ${to}`);
            const copy = [...pop.querySelectorAll('.copy')].map(text).filter(
                t => t.startsWith('syndicated'));
            const want = source.copy ? [`syndicated copy of [${source.copy}]`] : [];
            if (JSON.stringify(copy) !== JSON.stringify(want)) wrong.push(`copy: ${copy}`);
        }
        if (wrong.length) failed.push([href, ...wrong]);
    }
    return [links.length, failed.slice(0, 10)];
}"""
)


def citations(brief: Brief) -> int:
    """How many citations the brief's lines hold at least: each source of an actor, claim,
    answer of Where or When, and event, in every story."""
    count = 0
    for story in each_story(brief):
        count += sum(len(a.sources) for a in story.actors)
        count += sum(len(c.sources) for c in (*story.asks, *story.warnings, *story.motives))
        count += sum(len(v.sources) for v in (*story.venue.values, *story.date.values))
        count += sum(len(e.sources) for e in story.timeline)
    return count


def popover_facts(brief: Brief) -> dict[str, dict[str, object]]:
    """What the popover says of each source, by its number: the beginnings of its title and
    outlet (a long one may be cut short), whether it links to the source (`link`: True for a
    clean http(s) URL, False for anything but http(s), None when either will do), and what it
    is a copy of."""
    facts: dict[str, dict[str, object]] = {}
    for source in brief.sources:
        a = source.article
        web = re.match(r"https?://", a.source, re.IGNORECASE)
        clean = web and re.fullmatch(r"https?://[^\s\"'<>]+", a.source, re.IGNORECASE)
        facts[str(source.n)] = {
            "shown": [visible_text(x)[:60] for x in (a.title, a.outlet) if x],
            "link": True if clean else None if web else False,
            "url": a.source,
            "copy": source.copy_of,
        }
    return facts


def test_every_citation_shows_its_quotes_on_screen_when_focused(name, briefs, htmls, page_of):
    # On a desktop and a phone. The crowd's 1,100 citations are each checked for their
    # target, but focused one in four, and on the phone only, the narrower screen: each focus
    # lays the big page out again (3 ms), and its citations are all made alike.
    facts = popover_facts(briefs[name])
    stride = 4 if name == "crowd" else 1
    for width in [PHONE] if name == "crowd" else [1200, PHONE]:
        opened = page_of(htmls[name], width=width, reuse=True)  # focusing changes no layout
        count, failed = opened.page.evaluate(CITATIONS_JS, [facts, stride])
        assert failed == [], width
        assert count >= citations(briefs[name])
        assert opened.problems == []


# --- a phone ------------------------------------------------------------------------------------


def test_the_page_fits_a_phone_without_scrolling_sideways(name, htmls, page_of):
    opened = page_of(htmls[name], width=PHONE, reuse=True)
    assert opened.scroll_width() <= PHONE
    links = opened.page.locator(".cite-link")
    for k in range(min(links.count(), 3)):
        links.nth(k).focus()
        assert opened.scroll_width() <= PHONE  # an open popover does not widen the page either


# --- the keyboard, a tap, without JavaScript, in print ------------------------------------------

POPOVER = "#popover"

TAB_JS = (
    "() => { const e = document.activeElement; return [[...document.querySelectorAll("
    "'a.cite-link')].indexOf(e), ("
    + SHOWN_JS
    + ")(e), !!e.closest('#popover'), e.outerHTML.slice(0, 80)] }"
)


def test_tab_reaches_the_citations_in_order_and_every_stop_is_visible(htmls, page_of):
    opened = page_of(htmls["demo"])
    reached: list[int] = []
    for _ in range(200):
        opened.page.keyboard.press("Tab")
        index, visible, in_popover, html = opened.page.evaluate(TAB_JS)
        assert visible, f"Tab stopped on something unseen: {html}"
        if index >= 0:
            reached.append(index)
            assert opened.shown(POPOVER), html
            assert opened.page.evaluate("document.activeElement.nextElementSibling.id") == "popover"
        elif in_popover:
            assert opened.shown(POPOVER)  # Tab went into the popover: its link
        if len(reached) == 5:
            break
    assert reached == [0, 1, 2, 3, 4]
    assert opened.problems == []


def test_a_tap_opens_the_popover_and_escape_a_second_tap_or_a_tap_elsewhere_closes_it(
    htmls, page_of
):
    opened = page_of(htmls["demo"])
    page = opened.page
    link = page.locator("a.cite-link").first
    url = page.url
    link.click()
    assert opened.shown(POPOVER) and page.url == url  # shown, not followed
    page.keyboard.press("Escape")
    assert not opened.shown(POPOVER)
    link.click()
    assert opened.shown(POPOVER)
    link.click()
    assert not opened.shown(POPOVER)
    link.click()
    page.locator("h1").click()
    assert not opened.shown(POPOVER)
    assert opened.problems == []


FOOTNOTES_JS = (
    "() => { const shown = "
    + SHOWN_JS
    + "; return [shown(document.querySelector('ol.evidence#evidence')), "
    "[...document.querySelectorAll('ol.evidence > li')].every(shown), "
    "shown(document.getElementById('popover'))] }"
)


@pytest.mark.parametrize("which", ["demo", "hostile"])
def test_without_javascript_footnotes_show_and_a_citation_leads_to_its_footnote(
    which, htmls, page_of
):
    opened = page_of(htmls[which], javascript=False)
    page = opened.page
    assert page.evaluate(FOOTNOTES_JS) == [True, True, False]
    assert page.evaluate("document.getElementById('popover')") is None
    link = page.locator('a.cite-link[href^="#ev-"]').first
    href = link.get_attribute("href")
    link.hover()
    assert page.evaluate(FOOTNOTES_JS)[2] is False  # hovering shows nothing: no script
    link.click()
    assert page.evaluate("location.hash") == href
    box = page.locator(href).bounding_box()
    height = page.evaluate("innerHeight")
    assert box is not None and -1 < box["y"] < height  # scrolled to: the footnote is on screen
    assert opened.problems == []


TEXT_JS = """() => {
    const body = document.body.cloneNode(true);
    body.querySelectorAll('script, style').forEach(e => e.remove());
    return [body.textContent, document.body.innerText];
}"""


def test_hostile_texts_are_what_the_markdown_brief_states():
    """The strings the page must show are the facts the Markdown brief gives (same facts)."""
    brief = hostile_brief()
    text = render.markdown(brief)
    assert [s[:60] for s in hostile_texts() if render.text(s) not in text and s not in text] == []


def test_every_hostile_string_shows_as_literal_text(htmls, page_of):
    raw, seen = page_of(htmls["hostile"], javascript=False, reuse=True).page.evaluate(TEXT_JS)
    # bidirectional overrides dropped (or isolated in markup): none reverses the text after it
    assert not re.search("[\u202a-\u202e]", raw)
    content, seen = visible_text(raw), visible_text(seen)
    assert [s[:60] for s in hostile_texts() if visible_text(s) not in content] == []
    for label in ("brief title", "actor 1", "ask 1", "venue 1", "event 1", "failure 4"):
        assert visible_text(hostile(label)) in seen, label  # on the page, not only in a footnote


def test_in_print_the_popover_is_hidden_and_footnotes_shown(htmls, page_of):
    opened = page_of(htmls["demo"])
    page = opened.page
    page.locator("a.cite-link").first.click()  # opened and focused, then printed
    assert opened.shown(POPOVER)
    page.emulate_media(media="print")
    assert page.evaluate(FOOTNOTES_JS) == [True, True, False]
    assert opened.problems == []


# --- several stories -------------------------------------------------------------------------


def test_each_story_is_a_section_in_order_and_what_changed_lists_every_change(
    briefs, htmls, page_of
):
    brief = briefs["stories"]
    opened = page_of(htmls["stories"], javascript=False)
    titles = opened.page.evaluate(
        "() => [...document.querySelectorAll('section.story')].map(s => s.textContent)"
    )
    assert len(titles) == 3
    for text, story in zip(titles[1:], brief.stories, strict=True):
        assert story.title in text
    seen = visible_text(opened.page.evaluate("document.body.innerText"))
    assert brief.changes is not None
    assert "What changed" in seen and brief.changes.since in seen
    for change in brief.changes.items:
        detail = change.text.partition(": ")[2] or change.text
        assert visible_text(detail) in seen, detail
