"""One self-contained HTML page of a Brief: every quote one click away. Pure: data in, text out.

`html(brief)` states the same facts as `markdown(brief)`, in the same order, and adds what a
page does better than text:

- every citation `[n]` is a focusable link to a footnote ("Evidence", at the end) holding the
  line's verbatim quote(s) from that source; the page's one script shows that footnote, with
  the source's title, outlet, date, link and whether it is a syndicated copy (from its row in
  the sources table), in a popover on hover, focus or tap. Without scripts, and in print, the
  footnotes are there: each quote is on the page once per line that cites it, not once per
  popover, which keeps a 1,000-article brief's page a few times the Markdown's size;
- a disputed Where or When shows each side in its own column, with its sources and quotes, and
  the latest report marked: never a silent winner;
- the timeline and who asks / warns whom are drawn as SVG by `timeline_drawing.py` and
  `graph_drawing.py`, at render time.

The page loads nothing: styles and the one small script are inline, and a Content-Security-Policy
allows only them (the script by its hash), so even a string that escaped escaping could neither
run nor fetch. Every model and article string is untrusted text: the jinja2 templates autoescape
everything, URLs become links only when they are http(s), and `clean()` drops control characters
and bidirectional overrides (a quote displays in the order it reads; `<bdi>` and `dir="auto"`
isolate right-to-left text from the line around it).
"""

from __future__ import annotations

import base64
import gc
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from briefgen.merge.changes import LABELS
from briefgen.render import facts, graph_drawing, timeline_drawing
from briefgen.schemas import (
    Brief,
    BriefActor,
    Change,
    Claim,
    DatedEvent,
    Quote,
    Slot,
    SlotValue,
    Source,
    Story,
)

TEMPLATES = Path(__file__).parent / "templates"
KINDS = (("person", "People"), ("organization", "Organisations"), ("country", "Countries"))


@lru_cache(maxsize=1 << 16)  # one quote is cleaned for each line and footnote that shows it
def clean(value: object) -> str:
    """One line of untrusted text: whitespace runs become one space, control characters and
    bidirectional overrides go. Escaping is the templates' (autoescape)."""
    return facts.flat(value)


def link(url: str | None) -> str | None:
    """The URL when a browser may follow it (http or https), else None: an article's source may
    be a file name, '-', or a hostile `javascript:` URL."""
    if url and re.match(r"https?://[^\s\"'<>]+$", url, re.IGNORECASE):
        return url
    return None


@cache
def environment() -> jinja2.Environment:
    """The templates' environment: autoescaping everywhere, an unknown name is an error."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["cites"] = cites
    return env


def cites(found: Iterable[Cite]) -> Markup:
    """A line's citations, `[1][2]`, each a link to its footnote or its source's row.

    The one piece of markup made here rather than in a template: a 1,000-article brief has
    28,000 citations, and a macro call each was a third of the page's time. Nothing in it is
    text from outside: the ids (`ev-12`, `src-3`) and numbers are the page's own integers."""
    return Markup(
        "".join(
            f'<a class="cite-link" href="#{c.target}" aria-describedby="{c.target}">'
            f"[{c.source.n:d}]</a>"
            for c in found
        )
    )


# --- the page's model: what the templates draw ---------------------------------------------


@dataclass(frozen=True)
class SourceView:
    n: int
    id: str
    title: str
    title_guessed: bool
    outlet: str | None
    published: date | None
    url: str | None
    origins: list[tuple[str, str | None]]  # where the text came from, and its link if any
    copy_of: int | None
    failed: str | None
    flags: list[str]
    kept: int
    dropped: int
    chunks: int
    copies: list[int]  # the sources that are copies of this one's story
    stale: str | None = None  # "as read 1 day ago (run 4); this run: REASON"

    @property
    def host(self) -> str:
        """What a link to the article says: its site."""
        return urlsplit(self.url).hostname or "link" if self.url else ""


@dataclass(frozen=True)
class Cite:
    """One citation `[n]` of one line: it links to its footnote when it has quotes, else to the
    source's row."""

    source: SourceView
    note: str | None

    @property
    def target(self) -> str:
        return self.note or f"src-{self.source.n}"


@dataclass
class Note:
    """A footnote: a source's quotes for one line (shared by the lines that cite the same)."""

    id: str
    source: SourceView
    quotes: tuple[str, ...]


@dataclass(frozen=True)
class QuoteView:
    cite: Cite
    day: date | None
    text: str
    label: str | None = None  # a claim's quote: whose, to whom, as what (facts.quote_label)


@dataclass(frozen=True)
class ValueView:
    label: str
    bold: str | None
    wider: list[str]
    as_written: list[str]
    contains: list[str]
    certainty: str | None
    count: str
    cites: list[Cite]
    reported: date | None
    latest: bool
    quotes: list[QuoteView]
    superseded_by: str | None = None
    later: list[Cite] = field(default_factory=list)
    took_place: str | None = None
    context: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SlotView:
    heading: str
    kind: str
    disputed: bool
    current: list[ValueView]
    earlier: list[ValueView]
    evidence: bool


@dataclass(frozen=True)
class ClaimView:
    id: str
    party: str
    whom: str | None
    what: str
    certainty: str | None
    cites: list[Cite]
    count: str | None
    speakers: list[str] = field(default_factory=list)  # whose quote is which: `said`
    also: list[tuple[str, list[Cite]]] = field(default_factory=list)
    said: list[QuoteView] = field(default_factory=list)  # shown when a quote has a label


@dataclass(frozen=True)
class ActorView:
    name: str
    roles: list[str]
    also: list[str]
    cites: list[Cite]


@dataclass(frozen=True)
class EventView:
    id: str
    date: str | None
    event: str
    as_written: list[str]
    cites: list[Cite]
    disputed: list[tuple[str, list[Cite]]]
    certainty: str | None = None
    context: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FactView:
    label: str
    parts: list[tuple[str, list[Cite]]]
    joiner: str
    disputed: bool = False
    earlier: list[tuple[str, list[Cite]]] = field(default_factory=list)
    superseded_only: bool = False
    claim: ClaimView | None = None


@dataclass(frozen=True)
class StoryView:
    number: int
    prefix: str
    title: str | None
    facts: list[FactView]
    where: SlotView
    when: SlotView
    actors: list[tuple[str, list[ActorView]]]
    claims: list[tuple[str, list[ClaimView]]]
    timeline: list[EventView]
    undated: list[EventView]
    drawn_timeline: timeline_drawing.Timeline | None
    drawn_graph: graph_drawing.Graph | None


@dataclass(frozen=True)
class ChangeView:
    label: str
    kind: str
    text: str
    cites: list[Cite]
    was: list[int]
    first: bool = False  # a revision: its source is cited before the text


class Page:
    """The citations and footnotes of one page: ids are unique within it."""

    def __init__(self, brief: Brief) -> None:
        self.brief = brief
        copies: dict[int, list[int]] = {}
        for s in brief.sources:
            if s.copy_of is not None:
                copies.setdefault(s.copy_of, []).append(s.n)
        self.sources = {s.n: _source_view(s, copies.get(s.n, [])) for s in brief.sources}
        self.notes: dict[tuple[int, tuple[str, ...]], Note] = {}

    def cites(self, sources: Iterable[int], quotes: Iterable[Quote] = ()) -> list[Cite]:
        """One citation per source, each with that source's quotes for the line."""
        said: dict[int, list[str]] = {}
        for q in quotes:
            words = clean(q.quote)
            if words and words not in said.setdefault(q.source, []):
                said[q.source].append(words)
        found = []
        for n in dict.fromkeys(sources):
            source = self.sources.get(n)
            if source is None:  # a citation of a source the brief does not list: not linked
                continue
            texts = tuple(said.get(n, ()))
            note = None
            if texts:
                key = (n, texts)
                if key not in self.notes:
                    self.notes[key] = Note(f"ev-{len(self.notes) + 1}", source, texts)
                note = self.notes[key].id
            found.append(Cite(source, note))
        return found

    def quotes(self, quotes: Iterable[Quote]) -> list[QuoteView]:
        """Each source's own words under a line, once each."""
        seen, views = set(), []
        for q in quotes:
            key = (q.source, clean(q.quote))
            if key in seen or q.source not in self.sources:
                continue
            seen.add(key)
            (cite,) = self.cites([q.source], [q])
            published = self.sources[q.source].published
            views.append(QuoteView(cite, published, key[1], facts.relay(q, clean)))
        return views


def _source_view(source: Source, copies: list[int]) -> SourceView:
    a = source.article
    origins = [(clean(x), link(x)) for x in (a.source, *a.also)]
    return SourceView(
        n=source.n,
        id=clean(a.id),
        title=clean(a.title) if a.title else clean(a.id),
        title_guessed=bool(a.title and a.title_guessed),
        outlet=clean(a.outlet) if a.outlet else None,
        published=a.published,
        url=next((u for u in (a.source, *a.also) if link(u)), None),
        origins=origins,
        copy_of=source.copy_of,
        failed=clean(source.failed) if source.failed else None,
        flags=[clean(f) for f in a.flags],
        kept=source.kept,
        dropped=source.dropped,
        chunks=source.chunks,
        copies=copies,
        stale=(
            clean(
                f"as read {source.stale.ago} ago (run {source.stale.run}); "
                f"this run: {source.stale.reason}"
            )
            if source.stale is not None
            else None
        ),
    )


def _label(value: SlotValue) -> str:
    """'Vostochny Cosmodrome, Amur region' or the words as written when not resolvable."""
    if value.value:
        return ", ".join(clean(v) for v in (value.value, *value.wider) if v)
    return " / ".join(map(clean, value.as_written))


def _value(page: Page, value: SlotValue, latest: bool, slot: Slot, kind: str) -> ValueView:
    later, took_place = facts.replaced(value, slot, kind) if value.superseded_by else (None, None)
    return ValueView(
        label=_label(value),
        bold=clean(value.value) if value.value else None,
        wider=[clean(w) for w in value.wider],
        as_written=[clean(w) for w in value.as_written if w != value.value],
        contains=[clean(c) for c in value.contains],
        certainty=facts.hedge(value.certainty),
        count=facts.count(value.sources, value.independent),
        cites=page.cites(value.sources, value.quotes),
        reported=value.reported,
        latest=latest,
        quotes=page.quotes(value.quotes),
        superseded_by=clean(value.superseded_by) if value.superseded_by else None,
        later=page.cites(later.sources, later.quotes) if later else [],
        took_place=took_place,
        context=[clean(n) for n in facts.context_notes(value.from_context)],
    )


def _slot(page: Page, heading: str, slot: Slot, kind: str) -> SlotView:
    current, earlier = facts.split(slot)
    latest = facts.latest(slot)
    return SlotView(
        heading=heading,
        kind=kind,
        disputed=slot.disputed,
        current=[_value(page, v, v is latest, slot, kind) for v in current],
        earlier=[_value(page, v, False, slot, kind) for v in earlier],
        evidence=slot.disputed or bool(earlier),
    )


def _claim(page: Page, claim: Claim, id: str) -> ClaimView:
    """A claim line; with several speakers (or counterparts, kinds, origins) its quotes are
    listed under it, each saying whose it is (facts.quote_label), as in the Markdown."""
    many = len(claim.sources) > 1
    labelled: dict[tuple[int, str], list[str]] = {}
    for q in claim.quotes:
        labels = labelled.setdefault((q.source, q.quote), [])
        if (label := facts.quote_label(q, claim, clean)) and label not in labels:
            labels.append(label)
    said = []
    if any(labelled.values()):
        for (n, words), labels in labelled.items():
            if n in page.sources:
                (cite,) = page.cites([n], [q for q in claim.quotes if q.source == n])
                view = QuoteView(cite, page.sources[n].published, clean(words), "; ".join(labels))
                said.append(view)

    def cited(found: list[tuple[str, list[int]]]) -> list[tuple[str, list[Cite]]]:
        return [(clean(name), page.cites(ns, claim.quotes)) for name, ns in found]

    return ClaimView(
        id=id,
        party=clean(claim.who),
        whom=clean(claim.whom) if claim.whom else None,
        what=clean(claim.what),
        certainty=facts.hedge(claim.certainty),
        cites=page.cites(claim.sources, claim.quotes),
        count=facts.count(claim.sources, claim.independent) if many else None,
        speakers=[clean(name) for name, _ in facts.speakers(claim)],
        also=cited(facts.other_kinds(claim)),
        said=said,
    )


def _actor(page: Page, actor: BriefActor) -> ActorView:
    return ActorView(
        name=clean(actor.name),
        roles=[clean(r) for r in actor.roles],
        also=[clean(n) for n in actor.names if n != actor.name],
        cites=page.cites(actor.sources, actor.quotes),
    )


def _event(page: Page, event: DatedEvent, id: str) -> EventView:
    return EventView(
        id=id,
        date=clean(event.date) if event.date else None,
        event=clean(event.event),
        as_written=[clean(w) for w in event.as_written],
        cites=page.cites(event.sources, event.quotes),
        disputed=[(clean(o.date), page.cites(o.sources)) for o in event.disputed],
        certainty=facts.event_hedge(event),
        context=[clean(n) for n in facts.context_notes(event.from_context)],
    )


def _facts(page: Page, story: Brief | Story) -> list[FactView]:
    """Key facts: who, where, when, the first ask and the first warning."""
    top = facts.key_people(story)
    found = []
    if top:
        who = [(clean(a.name), page.cites(a.sources, a.quotes)) for a in top]
        found.append(FactView("Who", who, "; "))
    for label, slot in (("Where", story.venue), ("When", story.date)):
        current, earlier = facts.split(slot)
        if current or earlier:
            found.append(
                FactView(
                    label,
                    [(_label(v), page.cites(v.sources, v.quotes)) for v in current],
                    " vs " if slot.disputed else "; ",
                    disputed=slot.disputed,
                    earlier=[(_label(v), page.cites(v.sources, v.quotes)) for v in earlier],
                    superseded_only=not current,
                )
            )
    for label, claims in (("Asks", story.asks), ("Warnings", story.warnings)):
        if claims:
            found.append(FactView(label, [], "", claim=_claim(page, claims[0], "")))
    return found


def _story(page: Page, story: Brief | Story, number: int) -> StoryView:
    """One story's parts, their citations made in the order the page shows them."""
    prefix = "" if number == 1 else f"s{number}-"
    key = _facts(page, story)
    where = _slot(page, "Where", story.venue, "venue")
    when = _slot(page, "When", story.date, "date")
    actors = [
        (label, [_actor(page, a) for a in story.actors if a.kind == kind]) for kind, label in KINDS
    ]
    claims = {
        label: [_claim(page, c, f"{prefix}{key}-{i}") for i, c in enumerate(items, start=1)]
        for label, key, items in (
            ("Asks", "ask", story.asks),
            ("Warnings", "warn", story.warnings),
            ("Motives", "motive", story.motives),
        )
    }
    dated = [e for e in story.timeline if e.date]
    undated = [e for e in story.timeline if not e.date]
    events = [_event(page, e, f"{prefix}tl-{i}") for i, e in enumerate(dated, start=1)]
    return StoryView(
        number=number,
        prefix=prefix,
        title=clean(story.title) if isinstance(story, Story) else None,
        facts=key,
        where=where,
        when=when,
        actors=[(label, group) for label, group in actors if group],
        claims=[(label, items) for label, items in claims.items() if items],
        timeline=events,
        undated=[_event(page, e, f"{prefix}un-{i}") for i, e in enumerate(undated, start=1)],
        drawn_timeline=timeline_drawing.timeline(dated, [e.id for e in events]),
        drawn_graph=graph_drawing.graph(
            story.asks,
            story.warnings,
            story.actors,
            [c.id for c in claims["Asks"]],
            [c.id for c in claims["Warnings"]],
        ),
    )


def _change(page: Page, change: Change) -> ChangeView:
    _, colon, detail = change.text.partition(": ")
    if change.change == "revised" and change.sources:  # its source is cited first, as a link
        detail = detail.removeprefix(f"[{change.sources[0]}] ")
    return ChangeView(
        label=LABELS[change.change],
        kind=change.kind,
        text=clean(detail if colon else change.text),
        cites=page.cites(change.sources),
        was=change.previous_sources if change.change == "dropped" else [],
        first=change.change == "revised",
    )


def _asset(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


@cache
def _script() -> tuple[Markup, str]:
    """The page's one script and its CSP hash."""
    source = _asset("brief.js")
    digest = base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()
    return Markup(source), f"'sha256-{digest}'"  # our own file, not data


def html(brief: Brief) -> str:
    """The brief as one self-contained HTML page."""
    # The page's views are many small objects (a 1,000-article brief: some 100,000), and each
    # of the cyclic collector's passes over the brief's own objects cost more than half the
    # render (1.6-2.0 s against 0.67-0.72 s without; gc.freeze: 0.95-1.15 s). Nothing made
    # here outlives the call but the page, so the collector waits until it is made.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _html(brief)
    finally:
        if collecting:
            gc.enable()


def _html(brief: Brief) -> str:
    page = Page(brief)
    changes = [_change(page, c) for c in brief.changes.items] if brief.changes else []
    shown = brief.changes.shown if brief.changes and brief.changes.shown else len(changes)
    main_sources = brief.grouping[0] if brief.grouping else []
    banner = (
        [(page.cites(main_sources), None)]
        + [(page.cites(s.sources), clean(s.title)) for s in brief.stories]
        if brief.stories
        else []
    )
    stories = [_story(page, brief, 1)]
    stories += [_story(page, s, k) for k, s in enumerate(brief.stories, start=2)]
    q = brief.quality
    flagged = [page.sources[s.n] for s in brief.sources if s.article.flags and not s.failed]
    failed = [page.sources[s.n] for s in brief.failures]
    grouping = [page.cites(g) for g in brief.grouping] if len(brief.grouping) > 1 else []
    script, script_hash = _script()
    return (
        environment()
        .get_template("brief.html.j2")
        .render(
            brief=brief,
            title=clean(brief.title),
            since=clean(brief.changes.since) if brief.changes else None,
            changes=changes[:shown],
            more_changes=changes[shown:],
            changes_note=clean(brief.changes.note)
            if brief.changes and brief.changes.note
            else None,
            has_changes=brief.changes is not None,
            stale=[page.sources[s.n] for s in brief.sources if s.stale is not None],
            banner=banner,
            stories=stories,
            sources=[page.sources[s.n] for s in brief.sources],
            failed=failed,
            flagged=flagged,
            used=len(brief.sources) - len(failed) - len(flagged),
            grouping=grouping,
            capped=[page.sources[s.n] for s in brief.sources if s.cut_off],
            quality=q,
            cost=facts.cost(q.cost) if q.cost is not None else None,
            reasons=[(clean(r), c) for r, c in q.dropped_reasons.items()],
            notes=list(page.notes.values()),
            model=clean(brief.model),
            prompt_version=clean(brief.prompt_version),
            style=Markup(_asset("brief.css")),  # our own file, not data
            script=script,
            script_hash=script_hash,
        )
    )
