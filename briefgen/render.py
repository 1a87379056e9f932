"""Markdown of a Brief: a page a person reads in two minutes. Pure: data in, text out.

Citations are [n], numbering the Sources section. Disputed slots show each answer with the
sources that give it and their own words, so the reader sees who says what.
"""

from __future__ import annotations

from datetime import date

from briefgen.schemas import Brief, BriefActor, Claim, Slot, SlotValue


def cite(sources: list[int]) -> str:
    return "".join(f"[{n}]" for n in sources)


def _hedge(certainty: str | None) -> str:
    return f" _({certainty})_" if certainty and certainty != "confirmed" else ""


def _value(value: SlotValue, latest: bool) -> str:
    written = "; ".join(f"“{w}”" for w in value.as_written if w != value.value)
    if value.value is None:
        head = f"{written} (not resolvable to a date)"
    else:
        head = f"**{value.value}**{f' (as written: {written})' if written else ''}"
        if value.contains:
            head += f", including {', '.join(value.contains)}"
    when = f"; last reported {value.reported}" if value.reported else ""
    mark = " (**the latest report**)" if latest else ""
    return (
        f"{head}{_hedge(value.certainty)} — {_count(value.sources, value.independent)} "
        f"{cite(value.sources)}{when}{mark}"
    )


def _slot(heading: str, slot: Slot, published: dict[int, date | None]) -> list[str]:
    if not slot.values:
        return [f"## {heading}", "", "_No source says._", ""]
    lines = [f"## {heading}{' — sources disagree' if slot.disputed else ''}", ""]
    reported = [v.reported for v in slot.values if v.reported]
    newest = max(reported, default=None)
    unique = reported.count(newest) == 1 if newest else False
    for value in slot.values:
        latest = slot.disputed and unique and value.reported == newest
        lines.append(f"- {_value(value, latest)}")
        if slot.disputed:
            for q in value.quotes:
                day = f" ({published[q.source]})" if published.get(q.source) else ""
                lines.append(f"  - [{q.source}]{day} “{q.quote}”")
    return [*lines, ""]


def _key_facts(brief: Brief) -> list[str]:
    lines = ["## Key facts", ""]
    people = [a for a in brief.actors if a.kind == "person"]
    top = sorted(people, key=lambda a: -len(a.sources))[:4]
    if top:
        lines.append("- **Who:** " + "; ".join(f"{a.name} {cite(a.sources)}" for a in top))
    for label, slot in (("Where", brief.venue), ("When", brief.date)):
        if slot.values:
            answers = (" vs " if slot.disputed else "; ").join(
                f"{v.value or ' / '.join(v.as_written)} {cite(v.sources)}" for v in slot.values
            )
            lines.append(f"- **{label}:** {answers}{' — **disputed**' if slot.disputed else ''}")
    for label, claims in (("Asks", brief.asks), ("Warnings", brief.warnings)):
        if claims:
            lines.append(f"- **{label}:** {_claim_text(claims[0])}")
    return [*lines, ""]


def _count(sources: list[int], independent: int | None = None) -> str:
    text = f"{len(sources)} source{'s' if len(sources) != 1 else ''}"
    if independent is not None and independent < len(sources):
        text += f", {independent} independent"
    return text


def _claim_text(claim: Claim) -> str:
    party = " / ".join(claim.claimants or [claim.who]) + (f" → {claim.whom}" if claim.whom else "")
    return f"{party}: {claim.what}{_hedge(claim.certainty)} {cite(claim.sources)}"


def _claims(heading: str, claims: list[Claim]) -> list[str]:
    if not claims:
        return []
    lines = [f"## {heading}", ""]
    for claim in claims:
        many = len(claim.sources) > 1
        count = f" — {_count(claim.sources, claim.independent)}" if many else ""
        lines.append(f"- {_claim_text(claim)}{count}")
    return [*lines, ""]


def _actor(actor: BriefActor) -> str:
    roles = f" ({'; '.join(actor.roles)})" if actor.roles else ""
    others = [n for n in actor.names if n != actor.name]
    also = f" — also: {', '.join(others)}" if others else ""
    return f"- **{actor.name}**{roles}{also} {cite(actor.sources)}"


def _actors(brief: Brief) -> list[str]:
    lines = ["## Actors", ""]
    for kind, label in (
        ("person", "People"),
        ("organization", "Organisations"),
        ("country", "Countries"),
    ):
        group = [a for a in brief.actors if a.kind == kind]
        if group:
            lines += [f"**{label}**", "", *map(_actor, group), ""]
    return lines


def _timeline(brief: Brief) -> list[str]:
    dated = [e for e in brief.timeline if e.date]
    undated = [e for e in brief.timeline if not e.date]
    if not brief.timeline:
        return []
    lines = ["## Timeline", ""]
    for event in dated:
        written = "; ".join(f"“{w}”" for w in event.as_written)
        lines.append(f"- {event.date} — {event.event} ({written}) {cite(event.sources)}")
    if undated:
        lines += [
            "",
            "Not placed in time: "
            + "; ".join(f"{e.event} (“{e.as_written[0]}”) {cite(e.sources)}" for e in undated),
        ]
    return [*lines, ""]


def _sources(brief: Brief) -> list[str]:
    lines = ["## Sources", ""]
    for source in brief.sources:
        a = source.article
        about = ", ".join(str(x) for x in (a.outlet, a.published) if x)
        title = (f"{a.title} _(title guessed from the first line)_" if a.title_guessed else a.title
                 ) if a.title else a.id  # fmt: skip
        failed = f" — **failed:** {source.failed}" if source.failed else ""
        counts = (
            f" — {source.kept} item{'s' if source.kept != 1 else ''}" if not source.failed else ""
        )
        if source.dropped:
            counts += f"{',' if counts else ' —'} {source.dropped} dropped"
        origin = ", ".join(f"`{x}`" for x in (a.source, *a.also))
        copy = f" — a copy of [{source.copy_of}]'s story" if source.copy_of else ""
        if source.chunks > 1:
            copy += f" — long: extracted in {source.chunks} parts"
        if a.flags:
            copy += f" — **flagged:** {', '.join(a.flags)}; its items are left out of this brief"
        lines.append(
            f"{source.n}. {title}{f' — {about}' if about else ''} ({origin}){counts}{copy}{failed}"
        )
    return [*lines, ""]


def _quality(brief: Brief) -> list[str]:
    q = brief.quality
    failed = brief.failures
    lines = ["## How this brief was made", ""]
    lines.append(f"- Model: {brief.model}; prompt version: {brief.prompt_version}")
    flagged = [s for s in brief.sources if s.article.flags and not s.failed]
    used = len(brief.sources) - len(failed) - len(flagged)
    lines.append(f"- Articles used: {used} of {len(brief.sources)}")
    for source in failed:
        lines.append(f"- **Failed:** [{source.n}] {source.article.id}: {source.failed}")
    for source in flagged:
        lines.append(
            f"- **Flagged, left out:** [{source.n}] {source.article.id}: its text addresses the "
            f"model ({', '.join(source.article.flags)})"
        )
    capped = [f"[{s.n}] {s.article.id}" for s in brief.sources if s.cut_off]
    if capped:
        lines.append(f"- Answers cut off at the token cap: {', '.join(capped)}")
    why = "; ".join(f"{reason}: {count}" for reason, count in q.dropped_reasons.items())
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
    return [*lines, ""]


def markdown(brief: Brief) -> str:
    lines = [f"# {brief.title}", ""]
    if brief.changes is not None:
        from briefgen.changes import markdown as changes_markdown

        lines += changes_markdown(brief.changes)
    lines += _key_facts(brief)
    published = {s.n: s.article.published for s in brief.sources}
    lines += _slot("Where", brief.venue, published)
    lines += _slot("When", brief.date, published)
    lines += _actors(brief)
    lines += _claims("Asks", brief.asks)
    lines += _claims("Warnings", brief.warnings)
    lines += _claims("Motives", brief.motives)
    lines += _timeline(brief)
    lines += _sources(brief)
    lines += _quality(brief)
    return "\n".join(lines).rstrip() + "\n"
