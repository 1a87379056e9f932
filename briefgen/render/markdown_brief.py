"""Markdown of a Brief: a page a person reads in two minutes. Pure: data in, text out.

Citations are [n], numbering the Sources section. Every line that states something cites its
sources; asks, warnings and motives show each source's own words under the line, and so do the
answers of a disputed or superseded Where or When and a disputed timeline date, so the reader
sees who says what.

The main story comes first, as the brief's own sections; each further story (`Brief.stories`,
largest first) gets a `## Story n: title` section with the same parts a level down. Sources and
"How this brief was made" come once, at the end.

Every string that came from a model or an article (names, roles, claims, events, places, quotes,
titles) goes through `text()`: one line, Markdown's control characters escaped, so a hostile or
clumsy string can neither break a list nor inject a heading, emphasis or a link.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from briefgen.merge.changes import LABELS
from briefgen.render import facts
from briefgen.schemas import (
    Brief,
    BriefActor,
    Change,
    Changes,
    Claim,
    DatedEvent,
    Quote,
    Slot,
    SlotValue,
    Story,
)

# An underscore inside a word ("003_58777fc5") starts no emphasis: only one at a word's edge is.
_SPECIAL = re.compile(r"([\\`*\[\]<>|~]|(?<!\w)_|_(?!\w))")
_LEADING = re.compile(r"^([#+=-])|^(\d+)([.)])")
_LEFT_OVER = re.compile("[\x00-\x09\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def text(value: object) -> str:
    """A model's or an article's string made safe inside a Markdown line.

    Whitespace runs (newlines, tabs, line separators) become one space and other control
    characters (and bidirectional overrides) go; backslash, backtick, `*`, `[`, `]`, `<`, `>`,
    `|` and `~` are escaped everywhere, `_` at a word's edge, and a leading `#`, `-`, `+`, `=`
    or `1.` that would start a heading or a list.
    """
    escaped = _SPECIAL.sub(r"\\\1", facts.flat(value))
    return _LEADING.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", escaped)


def _code(value: str) -> str:
    """A path or URL as inline code, fenced longer than any run of backticks inside it; control
    characters and bidirectional overrides gone, as from any other string."""
    flat = facts.flat(value)
    fence = "`" * (max((len(r) for r in re.findall(r"`+", flat)), default=0) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def cite(sources: list[int]) -> str:
    return "".join(f"[{n}]" for n in sources)


def _hedge(certainty: str | None) -> str:
    said = facts.hedge(certainty)
    return f" _({said})_" if said else ""


def _quotes(quotes: Iterable[Quote], published: dict[int, date | None]) -> list[str]:
    """Each source's own words, as a list nested under the line they support."""
    lines = []
    for q in quotes:
        day = f" ({published[q.source]})" if published.get(q.source) else ""
        via = f" {relayed}:" if (relayed := facts.relay(q, text)) else ""
        lines.append(f"  - [{q.source}]{day}{via} “{text(q.quote)}”")
    return list(dict.fromkeys(lines))  # two items of one article may rest on one quote


def _place(value: SlotValue) -> str:
    """The answer with the wider places that hold it: 'Vostochny Cosmodrome, Amur region'."""
    return ", ".join(text(v) for v in (value.value, *value.wider) if v)


def _value(value: SlotValue, latest: bool) -> str:
    written = "; ".join(f"“{text(w)}”" for w in value.as_written if w != value.value)
    if value.value is None:
        head = f"{written} (not resolvable to a date)"
    else:
        wider = "".join(f", {text(w)}" for w in value.wider)
        head = f"**{text(value.value)}**{wider}{f' (as written: {written})' if written else ''}"
        if value.from_context:
            head += f" ({'; '.join(map(text, facts.context_notes(value.from_context)))})"
        if value.contains:
            head += f", including {', '.join(map(text, value.contains))}"
    when = f"; last reported {value.reported}" if value.reported else ""
    mark = " (**the latest report**)" if latest else ""
    return (
        f"{head}{_hedge(value.certainty)} — {facts.count(value.sources, value.independent)} "
        f"{cite(value.sources)}{when}{mark}"
    )


def _label(value: SlotValue) -> str:
    return _place(value) if value.value else " / ".join(map(text, value.as_written))


def _superseded(value: SlotValue, slot: Slot, kind: str) -> str:
    """'Earlier reports expected Vladivostok [1]; it took place at Vostochny Cosmodrome [2]'."""
    later, then = facts.replaced(value, slot, kind)
    new = f"**{text(value.superseded_by)}**" + (f" {cite(later.sources)}" if later else "")
    return (
        f"Earlier reports expected **{_label(value)}**{_hedge(value.certainty)} "
        f"{cite(value.sources)}; {then} {new} — superseded, not a dispute"
    )


def _slot(
    heading: str, slot: Slot, published: dict[int, date | None], kind: str, level: int = 2
) -> list[str]:
    mark = "#" * level
    if not slot.values:
        return [f"{mark} {heading}", "", "_No source says._", ""]
    lines = [f"{mark} {heading}{' — sources disagree' if slot.disputed else ''}", ""]
    current, earlier = facts.split(slot)
    latest = facts.latest(slot)
    # Who says what: when sources disagree, and when an earlier answer was replaced.
    evidence = slot.disputed or bool(earlier)
    for value in current:
        lines.append(f"- {_value(value, value is latest)}")
        if evidence:
            lines += _quotes(value.quotes, published)
    for value in earlier:
        lines.append(f"- {_superseded(value, slot, kind)}")
        lines += _quotes(value.quotes, published)
    return [*lines, ""]


def _key_facts(story: Brief | Story, level: int = 2) -> list[str]:
    lines = [f"{'#' * level} Key facts", ""]
    top = facts.key_people(story)
    if top:
        lines.append("- **Who:** " + "; ".join(f"{text(a.name)} {cite(a.sources)}" for a in top))
    for label, slot in (("Where", story.venue), ("When", story.date)):
        current, earlier = facts.split(slot)
        if current or earlier:
            answers = (" vs " if slot.disputed else "; ").join(
                f"{_label(v)} {cite(v.sources)}" for v in current
            )
            line = f"- **{label}:** {answers}{' — **disputed**' if slot.disputed else ''}"
            if earlier:
                was = "; ".join(f"{_label(v)} {cite(v.sources)}" for v in earlier)
                line += f" (earlier reports expected {was})" if current else f"{was} (superseded)"
            lines.append(line)
    for label, claims in (("Asks", story.asks), ("Warnings", story.warnings)):
        if claims:
            lines.append(f"- **{label}:** {_claim_text(claims[0])}")
    return [*lines, ""]


def _claim_text(claim: Claim) -> str:
    """ "Side (claimant [n]; claimant [n]) → counterpart: what [n][n]", and the other kinds it
    folds ("also a warning [2]")."""
    party = text(claim.who)
    if named := facts.speakers(claim):
        party += f" ({'; '.join(f'{text(name)} {cite(found)}'.strip() for name, found in named)})"
    party += f" → {text(claim.whom)}" if claim.whom else ""
    also = "".join(f"; also {noun} {cite(found)}" for noun, found in facts.other_kinds(claim))
    also = f" ({also[2:]})" if also else ""
    return f"{party}: {text(claim.what)}{_hedge(claim.certainty)} {cite(claim.sources)}{also}"


def _claim_quotes(claim: Claim, published: dict[int, date | None]) -> list[str]:
    """A claim's quotes under its line, each with what it says of itself (facts.quote_label:
    whose it is, to whom, as what kind, through what origin); one quote of several speakers
    (a joint statement) once, with every speaker."""
    said: dict[tuple[int, str], list[str]] = {}
    for q in claim.quotes:
        labels = said.setdefault((q.source, q.quote), [])
        label = facts.quote_label(q, claim, text)
        if label and label not in labels:
            labels.append(label)
    lines = []
    for (n, quote), labels in said.items():
        day = f" ({published[n]})" if published.get(n) else ""
        by = f" {'; '.join(labels)}:" if labels else ""
        lines.append(f"  - [{n}]{day}{by} “{text(quote)}”")
    return lines


def _claims(
    heading: str, claims: list[Claim], published: dict[int, date | None], level: int = 2
) -> list[str]:
    if not claims:
        return []
    lines = [f"{'#' * level} {heading}", ""]
    for claim in claims:
        many = len(claim.sources) > 1
        count = f" — {facts.count(claim.sources, claim.independent)}" if many else ""
        lines.append(f"- {_claim_text(claim)}{count}")
        lines += _claim_quotes(claim, published)
    return [*lines, ""]


def _actor(actor: BriefActor) -> str:
    roles = f" ({'; '.join(map(text, actor.roles))})" if actor.roles else ""
    others = [n for n in actor.names if n != actor.name]
    also = f" — also: {', '.join(map(text, others))}" if others else ""
    return f"- **{text(actor.name)}**{roles}{also} {cite(actor.sources)}"


def _actors(story: Brief | Story, level: int = 2) -> list[str]:
    lines = [f"{'#' * level} Actors", ""]
    for kind, label in (
        ("person", "People"),
        ("organization", "Organisations"),
        ("country", "Countries"),
    ):
        group = [a for a in story.actors if a.kind == kind]
        if group:
            lines += [f"**{label}**", "", *map(_actor, group), ""]
    return lines


def _event(event: DatedEvent) -> str:
    written = "; ".join(f"“{text(w)}”" for w in event.as_written)
    notes = "".join(f"; {text(n)}" for n in facts.context_notes(event.from_context))
    line = (
        f"- {facts.flat(event.date)} — {text(event.event)} ({written}{notes}){_event_hedge(event)} "
        f"{cite(event.sources)}"
    )
    if event.disputed:
        others = "; ".join(f"{text(o.date)} {cite(o.sources)}" for o in event.disputed)
        line += f" — sources disagree: also dated {others}"
    return line


def _event_hedge(event: DatedEvent) -> str:
    said = facts.event_hedge(event)
    return f" _({text(said)})_" if said else ""


def _timeline(story: Brief | Story, published: dict[int, date | None], level: int = 2) -> list[str]:
    dated = [e for e in story.timeline if e.date]
    undated = [e for e in story.timeline if not e.date]
    if not story.timeline:
        return []
    lines = [f"{'#' * level} Timeline", ""]
    for event in dated:
        lines.append(_event(event))
        if event.disputed:
            lines += _quotes(event.quotes, published)
    if undated:
        lines += [
            "",
            "Not placed in time: "
            + "; ".join(
                f"{text(e.event)} (“{text(e.as_written[0])}”){_event_hedge(e)} {cite(e.sources)}"
                for e in undated
            ),
        ]
    return [*lines, ""]


def _story(story: Brief | Story, published: dict[int, date | None], level: int) -> list[str]:
    """One story's sections: key facts, where, when, actors, claims, timeline."""
    return [
        *_key_facts(story, level),
        *_slot("Where", story.venue, published, "venue", level),
        *_slot("When", story.date, published, "date", level),
        *_actors(story, level),
        *_claims("Asks", story.asks, published, level),
        *_claims("Warnings", story.warnings, published, level),
        *_claims("Motives", story.motives, published, level),
        *_timeline(story, published, level),
    ]


def _sources(brief: Brief) -> list[str]:
    lines = ["## Sources", ""]
    for source in brief.sources:
        a = source.article
        about = ", ".join(text(x) for x in (a.outlet, a.published) if x)
        title = (f"{text(a.title)} _(title guessed from the first line)_" if a.title_guessed
                 else text(a.title)) if a.title else text(a.id)  # fmt: skip
        failed = f" — **failed:** {text(source.failed)}" if source.failed else ""
        if source.stale is not None:
            why = text(source.stale.reason)
            failed = f" — **stale:** as read {source.stale.ago} ago; this run: {why}"
        counts = (
            f" — {source.kept} item{'s' if source.kept != 1 else ''}" if not source.failed else ""
        )
        if source.dropped:
            counts += f"{',' if counts else ' —'} {source.dropped} dropped"
        origin = ", ".join(_code(x) for x in (a.source, *a.also))
        copy = f" — a copy of [{source.copy_of}]'s story" if source.copy_of else ""
        if source.chunks > 1:
            copy += f" — long: extracted in {source.chunks} parts"
        if a.flags:
            copy += (
                f" — **flagged:** {', '.join(map(text, a.flags))}; its items are left out of "
                "this brief"
            )
        lines.append(
            f"{source.n}. {title}{f' — {about}' if about else ''} ({origin}){counts}{copy}{failed}"
        )
    return [*lines, ""]


def _grouping(brief: Brief) -> list[str]:
    """How the sources were grouped into stories, when there is more than one."""
    if len(brief.grouping) < 2:
        return []
    parts = [f"{cite(brief.grouping[0])} (the main story)"]
    parts += [f"{cite(g)} (story {k})" for k, g in enumerate(brief.grouping[1:], start=2)]
    return [
        f"- Stories: {len(brief.grouping)}, merged apart — articles grouped by the names, "
        f"places, dates and rare words they share: {'; '.join(parts)}"
    ]


def _quality(brief: Brief) -> list[str]:
    q = brief.quality
    failed = brief.failures
    lines = ["## How this brief was made", ""]
    lines.append(f"- Model: {text(brief.model)}; prompt version: {text(brief.prompt_version)}")
    flagged = [s for s in brief.sources if s.article.flags and not s.failed]
    used = len(brief.sources) - len(failed) - len(flagged)
    stale = [s for s in brief.sources if s.stale is not None]
    as_read = f" ({len(stale)} as last read: stale)" if stale else ""
    lines.append(f"- Articles used: {used} of {len(brief.sources)}{as_read}")
    lines += _grouping(brief)
    for source in failed:
        lines.append(f"- **Failed:** [{source.n}] {text(source.article.id)}: {text(source.failed)}")
    for source in stale:
        assert source.stale is not None
        lines.append(
            f"- **Stale:** [{source.n}] {text(source.article.id)}: as read {source.stale.ago} "
            f"ago (run {source.stale.run}); this run: {text(source.stale.reason)}"
        )
    for source in flagged:
        lines.append(
            f"- **Flagged, left out:** [{source.n}] {text(source.article.id)}: its text addresses "
            f"the model ({', '.join(map(text, source.article.flags))})"
        )
    capped = [f"[{s.n}] {text(s.article.id)}" for s in brief.sources if s.cut_off]
    if capped:
        lines.append(f"- Answers cut off at the token cap: {', '.join(capped)}")
    why = "; ".join(f"{text(reason)}: {count}" for reason, count in q.dropped_reasons.items())
    lines.append(
        f"- Items dropped as not grounded in the article: {q.dropped_ungrounded}"
        + (f" ({why})" if why else "")
    )
    tokens = (
        f"{q.usage.input_tokens}/{q.usage.output_tokens}"
        if q.usage.input_tokens or q.usage.output_tokens
        else "not reported by the server"
    )
    cached = f"; articles from the cache: {q.cached}" if q.cached else ""
    lines.append(
        f"- Model calls: {q.attempts}; re-asks: {q.reasks}; tokens in/out: {tokens}{cached}"
    )
    if q.cost is not None:
        lines.append(f"- Cost: {text(facts.cost(q.cost))}")
    return [*lines, ""]


def what_changed(changes: Changes) -> list[str]:
    """The "What changed" section, ending with a blank line: the first `changes.shown` items
    (most telling first) and how many more the JSON has."""
    note = [f"_{text(changes.note)}_", ""] if changes.note else []
    if not changes.since:  # the job's first run
        return ["## What changed", "", *note]
    if not changes.items:
        return [f"## Nothing changed since {text(changes.since)}", "", *note]
    shown = changes.items[: changes.shown] if changes.shown else changes.items
    more = len(changes.items) - len(shown)
    rest = [f"- …and {more} more (every change is in the JSON brief)"] if more else []
    return [
        f"## What changed since {text(changes.since)}",
        "",
        *note,
        *map(_change, shown),
        *rest,
        "",
    ]


def _change(change: Change) -> str:
    _, colon, detail = change.text.partition(": ")
    if change.change == "revised" and change.sources:  # its source is cited first, as a link
        detail = detail.removeprefix(f"[{change.sources[0]}] ")
    said = text(detail if colon else change.text)
    if change.change == "revised":  # a revision names its source first
        return f"- **{LABELS[change.change]}** {change.kind}: {cite(change.sources)} {said}"
    line = f"- **{LABELS[change.change]}** {change.kind}: {said}"
    if change.sources:
        line += f" {cite(change.sources)}"
    if change.change == "dropped" and change.previous_sources:
        line += f" (was {cite(change.previous_sources)} in the previous brief)"
    return line


def markdown(brief: Brief) -> str:
    lines = [f"# {text(brief.title)}", ""]
    if brief.changes is not None:
        lines += what_changed(brief.changes)
    published = {s.n: s.article.published for s in brief.sources}
    if brief.stories:  # say at once that the sources tell several stories, and which
        main = brief.grouping[0] if brief.grouping else []
        others = "; ".join(
            f"Story {k}: {text(story.title)} {cite(story.sources)}"
            for k, story in enumerate(brief.stories, start=2)
        )
        lines += [
            f"_The sources tell {len(brief.stories) + 1} unrelated stories, merged apart: "
            f"this one {cite(main)} first, then {others}._",
            "",
        ]
    lines += _story(brief, published, level=2)
    for k, story in enumerate(brief.stories, start=2):
        lines += [f"## Story {k}: {text(story.title)}", ""]
        lines += _story(story, published, level=3)
    lines += _sources(brief)
    lines += _quality(brief)
    # Whatever a line was built from, no NUL, other control character (but the newlines that
    # end lines) or bidirectional override reaches the page: as the HTML page, by `flat`.
    return _LEFT_OVER.sub("", "\n".join(lines)).rstrip() + "\n"
