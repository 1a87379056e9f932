"""The HTML brief in headless Chromium: what a person sees, not what the markup says.

Each page (the bundled demo's brief and tests/adversarial.py's) is opened from a file and must:
load nothing and log no error; run no string of the brief as code; show every citation's quotes
when it is focused (keyboard included), within the screen; read without JavaScript and in print
(footnotes shown, popovers not); draw one timeline mark per dated event and the demo's who-asks-
whom arrows; fit a 390 px phone without scrolling sideways. The first tests check the recording
fixture itself (tests/browser.py) on small hand-written pages.
"""

from __future__ import annotations

import re

import pytest

from briefgen import render
from briefgen.pipeline import demo_settings, make_brief
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

DRAWINGS_JS = """() => [...document.querySelectorAll('section.story')].map(section => {
    const svg = kind => section.querySelector('svg.' + kind);
    const links = sel => [...section.querySelectorAll(sel)].map(e => {
        const a = e.closest('a');
        const href = a ? a.getAttribute('href') || a.getAttribute('xlink:href') : null;
        return [href, !!(href && document.getElementById(href.slice(1)))];
    });
    const count = sel => section.querySelectorAll(sel).length;
    const role = kind => svg(kind) ? svg(kind).getAttribute('role') : null;
    return {
        timeline: role('timeline'), graph: role('graph'),
        marks: count('svg.timeline .mark'), ranges: count('svg.timeline .mark.range'),
        disputed: count('svg.timeline .mark.disputed'), alts: count('svg.timeline .alt'),
        markLinks: links('svg.timeline .mark'),
        nodes: count('svg.graph .node'), edges: count('svg.graph .edge'),
        asks: count('svg.graph .edge.ask'), warns: count('svg.graph .edge.warn'),
        edgeLinks: links('svg.graph .edge'),
    };
})"""


def spans_days(when: str) -> bool:
    """A month, a year, or a range of two different days: more than a day on the timeline."""
    start, _, end = when.partition("/")
    return len(start) < 10 or bool(end and end != start)


def dated(story: Brief | Story) -> list[DatedEvent]:
    return [e for e in story.timeline if e.date]


def both_sides(story: Brief | Story) -> list[Claim]:
    """The asks and warnings whose both sides are actors of the story: arrows to draw."""
    names = {n for a in story.actors for n in a.names}
    return [c for c in (*story.asks, *story.warnings) if c.who in names and c.whom in names]


def test_the_timeline_has_a_mark_per_dated_event_and_the_graph_an_arrow_per_claim(
    name, briefs, htmls, page_of
):
    brief = briefs[name]
    drawn = page_of(htmls[name], reuse=True).page.evaluate(DRAWINGS_JS)
    assert len(drawn) == len(each_story(brief))
    for k, (story, found) in enumerate(zip(each_story(brief), drawn, strict=True), start=1):
        prefix = f"#s{k}-" if k > 1 else "#"
        events = dated(story)
        assert found["timeline"] == ("img" if events else None), k
        assert found["marks"] == len(events)
        assert found["ranges"] == sum(spans_days(e.date or "") for e in events)
        assert found["disputed"] == sum(bool(e.disputed) for e in events)
        assert found["alts"] == sum(len(e.disputed) for e in events)
        assert all(ok and href.startswith(f"{prefix}tl-") for href, ok in found["markLinks"])
        claims = [c for c in (*story.asks, *story.warnings) if c.whom]
        if not claims:
            assert found["graph"] is None
        if both_sides(story):
            assert found["graph"] == "img" and found["edges"] > 0 and found["nodes"] >= 2
        assert found["edges"] == found["asks"] + found["warns"] <= len(claims)
        assert found["asks"] <= sum(1 for c in claims if c in story.asks)
        for href, ok in found["edgeLinks"]:
            assert ok and re.match(rf"{prefix}(ask|warn)-", href), href
    if name == "demo":
        assert drawn[0]["edges"] > 0


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
    """() => {
    const shown = """
    + SHOWN_JS
    + """;
    const text = e => e.textContent.replace(/\\s+/g, ' ').trim();
    const links = [...document.querySelectorAll('.cite-link')];
    const failed = [];
    const early = [...document.querySelectorAll('.pop')].filter(shown);
    if (early.length) failed.push(['shown before any focus', ...early.map(p => p.id)]);
    for (const link of links) {
        const href = link.getAttribute('href') || '';
        const pop = document.getElementById(link.getAttribute('aria-describedby'));
        const wrong = [];
        if (!pop || !pop.matches('.pop[role=tooltip]') || pop.closest('.cite') !== link.closest(
            '.cite')) {
            failed.push([href, 'no .pop[role=tooltip] in its .cite, named by aria-describedby']);
            continue;
        }
        link.focus();
        if (document.activeElement !== link) wrong.push('not focusable');
        if (!shown(pop)) wrong.push('not shown on focus');
        const box = pop.getBoundingClientRect();
        if (box.left < -0.5 || box.right > window.innerWidth + 0.5)
            wrong.push(`off screen: ${box.left}..${box.right} of ${window.innerWidth}`);
        const quotes = [...pop.querySelectorAll('q.quote')];
        if (quotes.some(q => !shown(q))) wrong.push('a quote not shown');
        const target = document.getElementById(href.slice(1));
        if (/^#(s\\d+-)?ev-/.test(href)) {
            const notes = target ? [...target.querySelectorAll('q.quote')].map(text) : null;
            if (!target || !target.matches('ol.evidence > li')) wrong.push('no footnote');
            else if (!quotes.length) wrong.push('a footnote link without a quote');
            else if (JSON.stringify(notes.sort()) !== JSON.stringify(quotes.map(text).sort()))
                wrong.push(`footnote quotes differ: ${notes} / ${quotes.map(text)}`);
        } else if (/^#src-\\d+$/.test(href)) {
            if (!target || !target.matches('table.sources tr')) wrong.push('no source row');
            if (quotes.length) wrong.push('quotes, but no footnote');
        } else wrong.push('href neither #ev- nor #src-');
        link.blur();
        if (wrong.length) failed.push([href, ...wrong]);
    }
    const late = [...document.querySelectorAll('.pop')].filter(shown);
    if (late.length) failed.push(['still shown after blur', ...late.map(p => p.id)]);
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


def test_every_citation_shows_its_quotes_on_screen_when_focused(name, briefs, htmls, page_of):
    # on a desktop and a phone; the crowd's 1,100 citations only on the phone, the narrower
    # screen (each focus lays the big page out again: a second a width)
    for width in [PHONE] if name == "crowd" else [1200, PHONE]:
        opened = page_of(htmls[name], width=width, reuse=True)  # focus and blur leave it as was
        count, failed = opened.page.evaluate(CITATIONS_JS)
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


# --- the keyboard, a tap, without JavaScript, in print ---------------------------------------


TAB_JS = (
    "() => { const e = document.activeElement; return [[...document.querySelectorAll("
    "'.cite-link')].indexOf(e), ("
    + SHOWN_JS
    + ")(e) || !!e.closest('.pop:focus-within'), e.outerHTML.slice(0, 80)] }"
)


def test_tab_reaches_the_citations_in_order_and_every_stop_is_visible(htmls, page_of):
    opened = page_of(htmls["demo"])
    reached: list[int] = []
    for _ in range(200):
        opened.page.keyboard.press("Tab")
        index, visible, html = opened.page.evaluate(TAB_JS)
        assert visible, f"Tab stopped on something unseen: {html}"
        if index >= 0:
            reached.append(index)
            assert opened.shown(".cite:focus-within .pop"), html
        if len(reached) == 5:
            break
    assert reached == [0, 1, 2, 3, 4]
    assert opened.problems == []


def test_a_tap_opens_a_citation_and_escape_closes_it(htmls, page_of):
    opened = page_of(htmls["demo"])
    page = opened.page
    first = page.locator(".cite").first
    link = first.locator(".cite-link")
    link.click()
    assert "open" in first.get_attribute("class").split()
    assert opened.shown(".cite.open .pop")
    page.keyboard.press("Escape")
    assert "open" not in first.get_attribute("class").split()
    link.click()
    link.click()
    assert "open" not in first.get_attribute("class").split()  # a second tap closes it
    assert opened.problems == []


FOOTNOTES_JS = (
    "() => { const shown = "
    + SHOWN_JS
    + "; return [shown(document.querySelector('ol.evidence#evidence')), "
    "[...document.querySelectorAll('ol.evidence > li')].every(shown), "
    "[...document.querySelectorAll('.pop')].filter(shown).length] }"
)


@pytest.mark.parametrize("which", ["demo", "hostile"])
def test_without_javascript_footnotes_show_and_a_citation_opens_on_hover_or_focus(
    which, htmls, page_of
):
    opened = page_of(htmls[which], javascript=False)
    page = opened.page
    footnotes, every, pops = page.evaluate(FOOTNOTES_JS)
    assert (footnotes, every, pops) == (True, True, 0)
    first, second = page.locator(".cite").nth(0), page.locator(".cite").nth(1)
    first.locator(".cite-link").hover()
    assert first.locator(".pop").evaluate(SHOWN_JS)
    page.mouse.move(0, 0)
    assert not first.locator(".pop").evaluate(SHOWN_JS)
    second.locator(".cite-link").focus()
    assert second.locator(".pop").evaluate(SHOWN_JS)
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
        assert visible_text(hostile(label)) in seen, label  # on the page, not only in a popover


def test_in_print_popovers_are_hidden_and_footnotes_shown(htmls, page_of):
    opened = page_of(htmls["demo"])
    page = opened.page
    page.locator(".cite-link").first.click()  # opened and focused, then printed
    page.emulate_media(media="print")
    footnotes, every, pops = page.evaluate(FOOTNOTES_JS)
    assert (footnotes, every, pops) == (True, True, 0)
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
