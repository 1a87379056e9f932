"""Typed data passed between the stages: ingest -> extract -> merge -> render.

Two families live here. `Extraction` and its item types are what the model is asked to fill;
their JSON Schema is sent to the server, so they carry no defaults (strict structured outputs
want every field required) and no descriptions (the system prompt says what each field holds);
`corrections` is the part of `Extraction` a re-ground asks for. Everything else is briefgen's
own record of what happened and is never shown to the model.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model


class Strict(BaseModel):
    """Base for every boundary model: unknown fields are an error, not silently kept."""

    model_config = ConfigDict(extra="forbid")


# How firmly the article states something. Kept from the article and never upgraded by merge.
Certainty = Literal["confirmed", "planned", "reported", "speculated"]
ActorKind = Literal["person", "organization", "country"]
ClaimKind = Literal["asks", "warnings", "motives"]

# --- what the model fills -------------------------------------------------------------------
# What each field holds is said once, in the system prompt (prompts/extract.system.j2), which
# every model reads whatever the structured-output mode: servers that turn the schema into a
# grammar never show the model its descriptions. So these fields carry none, and the schema sent
# with every request is structure only (tests/test_prompts.py checks the prompt names each field).


class Actor(Strict):
    name: str
    kind: ActorKind
    role: str | None
    affiliation: str | None
    aliases: list[str]
    quote: str


class Motive(Strict):
    actor: str
    motive: str
    certainty: Certainty
    quote: str


class Ask(Strict):
    asker: str
    asked: str | None
    ask: str
    certainty: Certainty
    quote: str


class WarningItem(Strict):
    warner: str
    warned: str | None
    warning: str
    certainty: Certainty
    quote: str


class Venue(Strict):
    place: str
    within: list[str]
    certainty: Certainty
    quote: str


class DateMention(Strict):
    text: str
    event: str
    relation: Literal["before", "after", "unclear"]
    central: bool
    certainty: Certainty
    quote: str


class Extraction(Strict):
    # One article's facts. Every item carries evidence; nothing outside the article. (A
    # comment, not a docstring: a docstring would be sent as the schema's description.)

    actors: list[Actor]
    motives: list[Motive]
    asks: list[Ask]
    warnings: list[WarningItem]
    venues: list[Venue]
    dates: list[DateMention]


ITEM_KINDS: tuple[str, ...] = ("actors", "motives", "asks", "warnings", "venues", "dates")


@cache
def corrections(kinds: tuple[str, ...]) -> type[BaseModel]:
    """The part of `Extraction` with only these lists (in ITEM_KINDS order), named
    "Corrections": what a re-ground asks for, so its schema holds only the items to fix. Other
    lists in an answer (a model that writes its whole answer again) are ignored, not an error;
    the schema sent still forbids them (structured.strict_json_schema)."""
    fields: dict[str, Any] = {
        kind: (Extraction.model_fields[kind].annotation, ...)
        for kind in ITEM_KINDS
        if kind in kinds
    }
    return create_model("Corrections", __config__=ConfigDict(extra="ignore"), **fields)


def as_extraction(value: BaseModel) -> Extraction:
    """An `Extraction` or a `corrections(...)` value as an Extraction, the lists it lacks empty."""
    if isinstance(value, Extraction):
        return value
    return Extraction(**{kind: getattr(value, kind, []) for kind in ITEM_KINDS})


# --- briefgen's own records -----------------------------------------------------------------


class Removed(Strict):
    """A piece of an article's text that cleaning dropped, and why."""

    reason: str
    text: str


class Article(Strict):
    id: str
    text: str
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: date | None = None
    source: str
    also: list[str] = Field(
        default=[], description="Other sources that gave the same text, read once."
    )
    title_guessed: bool = Field(
        default=False, description="The title is the text's first line, not given by a source."
    )
    flags: list[str] = Field(
        default=[], description="Text addressed to a model, not a reader (hostile.py)."
    )
    removed: list[Removed] = []
    via: str | None = Field(
        default=None, description="The feed that listed it (its URL or file), if it came from one."
    )


class Unreadable(Strict):
    """A source, or one record of it, that could not be read into an article: a failure in the
    brief, not an abort (unless the run is strict)."""

    id: str
    source: str
    reason: str
    transient: bool = Field(
        default=False,
        description="It could not be reached (no connection, a timeout, HTTP 5xx or 429): the "
        "network's or the server's trouble, not the source's; a later run may read it.",
    )
    via: str | None = Field(default=None, description="The feed that listed it, if any.")


class ArticleRef(Strict):
    """What the brief says about a source; the text itself stays with the Article."""

    id: str = Field(
        description="The article's id: from a manifest or record, or the file's name and a hash."
    )
    title: str | None = Field(
        default=None,
        description="Its title, as the source gives it or guessed from its first line.",
    )
    outlet: str | None = Field(
        default=None, description="The outlet that published it, when known."
    )
    published: date | None = Field(
        default=None,
        description="Its publication date, when known: relative dates resolve against it.",
    )
    source: str = Field(
        description="Where it came from: a URL, or a path relative to the run's folder."
    )
    also: list[str] = Field(
        default=[], description="Other sources that gave the same text, read once."
    )
    title_guessed: bool = Field(
        default=False, description="True when the title was taken from the article's first line."
    )
    flags: list[str] = Field(
        default=[],
        description="Text addressed to a model (instructions, role tags): its items are kept "
        "out of the brief.",
    )
    fingerprint: str | None = Field(
        default=None,
        description="SimHash of the text (16 hex digits): how an older briefgen found "
        "near-identical articles; still compared when one of two articles has no sketch.",
    )
    sketch: str | None = Field(
        default=None,
        description="MinHash sketch of the text's body less headline, datelines and furniture "
        "('n:base64', n its word 3-grams): articles that resemble each other this way are copies "
        "of one story and count as one origin (merge/independence.py).",
    )
    text_hash: str | None = Field(
        default=None,
        description="A hash of the article as the model reads it (text, title, outlet, author, "
        "date): the same source with another hash was revised.",
    )
    via: str | None = Field(
        default=None, description="The feed that listed it (its URL or file), if it came from one."
    )


class Usage(Strict):
    input_tokens: int = Field(default=0, description="Tokens sent to the model.")
    output_tokens: int = Field(default=0, description="Tokens the model answered with.")

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
        )


class Dropped(Strict):
    """An extracted item that is not grounded in the article, and why."""

    kind: str
    quote: str
    reason: str = Field(
        default="quote not in the article",
        description="What of it is not in the article: its quote, a name, a place, a date.",
    )


class ArticleExtraction(Strict):
    """The output of `briefgen extract`: one article's extraction and how it was obtained."""

    article: ArticleRef
    extraction: Extraction
    model: str
    prompt_version: str
    usage: Usage = Usage()
    attempts: int = Field(default=1, description="HTTP requests made, retries included.")
    reasks: int = Field(default=0, description="Times the model was asked again.")
    mode: str | None = Field(default=None, description="Structured-output mode that answered.")
    cached: bool = Field(
        default=False,
        description="Taken from the cache: no model call this run, so usage, attempts and "
        "re-asks are 0.",
    )
    cut_off: bool = Field(
        default=False, description="An answer was cut off at the token cap (max_output_tokens)."
    )
    chunks: int = Field(
        default=1, description="Parts the article was extracted in (longer than context_tokens)."
    )
    dropped: list[Dropped] = []
    resolved_dates: list[str | None] = Field(
        default=[],
        description="extraction.dates resolved against the publication date, in order: ISO "
        "date, month, year or 'start/end' range; null when it cannot be known.",
    )
    origins: dict[str, list[str | None]] = Field(
        default={},
        description="Where the article got each item, by kind (asks, warnings, motives, "
        "venues, dates), in the order of that list: the source it relays ('The New York "
        "Times', 'the Kremlin', 'Fox News interview', a wire credit such as 'Reuters'), or null "
        "for its own reporting (text/relays.py). Kinds without a relayed item are left out; an "
        "extraction saved before origins were recorded has none.",
    )


class ArticleFailure(Strict):
    article: ArticleRef
    reason: str
    model: str
    prompt_version: str
    usage: Usage = Usage()
    attempts: int = 0
    reasks: int = 0
    dropped: list[Dropped] = Field(
        default=[], description="When no item was grounded: the items dropped, and why."
    )
    cut_off: bool = Field(
        default=False, description="An answer was cut off at the token cap (max_output_tokens)."
    )
    transient: bool = Field(
        default=False,
        description="It failed for the network's or a server's sake (unreachable, timed out, "
        "HTTP 5xx or 429), not the article's: its last good extraction may stand in.",
    )


# --- the merged brief -----------------------------------------------------------------------


class Stale(Strict):
    """A source that could not be read or extracted this run, shown as it was last read."""

    reason: str = Field(description="Why this run could not read or extract it.")
    last_good: str = Field(
        description="When the extraction shown was made: the end of that run, ISO 8601 UTC."
    )
    run: int | None = Field(default=None, description="The run that made it.")
    age: int = Field(description="Seconds from then to this run.")

    @property
    def ago(self) -> str:
        """How long ago, roughly: '40 minutes', '5 hours', '1 day', '3 days'."""
        minutes = self.age // 60
        if minutes < 60:
            return f"{max(minutes, 1)} minute{'s' if minutes > 1 else ''}"
        hours = minutes // 60
        if hours < 24:
            return f"{hours} hour{'s' if hours > 1 else ''}"
        days = hours // 24
        return f"{days} day{'s' if days > 1 else ''}"


class Source(Strict):
    n: int = Field(description="The source's number, cited as [n] in the brief.")
    id: str = Field(
        default="",
        description="A stable id: its article's id ('#2' on a second listing of one article). "
        "Numbers change when a source is added; ids do not.",
    )
    article: ArticleRef = Field(
        description="The article: id, title, outlet, date, where it came from."
    )
    failed: str | None = Field(default=None, description="Why no facts came from it, if so.")
    kept: int = Field(default=0, description="Items of its extraction grounded in the article.")
    dropped: int = Field(default=0, description="Items dropped as not grounded in the article.")
    cut_off: bool = Field(
        default=False, description="An answer was cut off at the token cap (max_output_tokens)."
    )
    chunks: int = Field(default=1, description="Parts the article was extracted in.")
    copy_of: int | None = Field(
        default=None,
        description="A near-copy (the same wire story) of this earlier source: the two count "
        "as one independent source.",
    )
    stale: Stale | None = Field(
        default=None,
        description="Set when this run could not reach the source (or the model server failed "
        "on it) and its last good extraction, at most `stale_after` days old, stands in.",
    )


class Quote(Strict):
    source: int = Field(description="The source's number in `sources`.")
    source_id: str | None = Field(default=None, description="The source's stable id (`Source.id`).")
    quote: str = Field(description="The words, verbatim from that article.")
    certainty: Certainty | None = Field(
        default=None, description="How firmly that source states it, when it says."
    )
    item: int | None = Field(
        default=None, description="Index of the item in that article's extraction list."
    )
    by: str | None = Field(
        default=None,
        description="A claim's quotes only: who makes the claim in this quote, as the brief names "
        "that actor (a person, a body or a state; not the side they speak for).",
    )
    to: str | None = Field(
        default=None,
        description="A claim's quotes only: whom this quote addresses or is about, as the brief "
        "names that actor, when it has a counterpart.",
    )
    kind: ClaimKind | None = Field(
        default=None,
        description="A claim's quotes only: the kind of item this quote backs (`item` indexes "
        "that list of the article's extraction).",
    )
    origin: str | None = Field(
        default=None,
        description="Where that source got it: the source it relays ('The New York Times', "
        "'the Kremlin', 'Fox News interview', 'Reuters'), or '[n]' for the own reporting of "
        "source n's story (source n and its copies). Quotes of one origin count once in "
        "`independent`.",
    )


class BriefActor(Strict):
    id: str = Field(
        default="",
        description="A stable id: the shown name in Latin letters, folded and hyphenated "
        "('vladimir-putin').",
    )
    name: str = Field(
        description="The actor's name as the brief shows it: the fullest form the sources give."
    )
    kind: ActorKind = Field(description="person, organization or country.")
    names: list[str] = Field(description="Every name and alias the sources use for this actor.")
    roles: list[str] = Field(description="Roles the sources give it ('Russian President').")
    sources: list[int] = Field(description="The sources (numbers in `sources`) that name it.")
    quotes: list[Quote] = Field(description="The sources' words that name it.")


class ItemRef(Strict):
    source: int = Field(description="The source's number in `sources`.")
    item: int | None = Field(
        default=None, description="Index of the item in that article's extraction list."
    )


class Judgement(Strict):
    """A model's answer, asked before the merge (the optional claim check), to whether two
    items state the same claim."""

    pair: list[ItemRef] = Field(description="The two items judged.")
    same: bool = Field(description="True when the model judged them one claim.")
    reason: str = Field(description="The model's reason, in a sentence.")
    model: str = Field(description="The model that judged.")


class Claim(Strict):
    """An ask, warning or motive folded across the articles that state it."""

    id: str = Field(
        default="",
        description="A stable id: the kind and a hash of its earliest item (article id, item, "
        "quote); it holds while that item stays in the brief.",
    )
    who: str = Field(
        description="Who states it: its one claimant, or the side (a state, body or person) that "
        "several claimants speak for."
    )
    claimants: list[str] = Field(
        description="Who states it, as the brief names them: each has a quote of its own (the "
        "quote's `by`)."
    )
    whom: str | None = Field(
        description="Whom it is addressed to or about, when every quote gives the same one (else "
        "each quote's `to`)."
    )
    what: str = Field(description="What is asked, warned of or wanted, in the sources' words.")
    certainty: Certainty = Field(description="The firmest certainty any source gives it.")
    sources: list[int] = Field(description="The sources that state it.")
    independent: int = Field(
        description="How many origins those reports have: copies of one story and relays of "
        "one source (a newspaper's report, a readout, an interview) count once; each quote's "
        "`origin` says which."
    )
    quotes: list[Quote] = Field(
        description="Each source's words for it, each with its claimant (`by`), counterpart "
        "(`to`) and kind."
    )
    kinds: list[ClaimKind] = Field(
        default=[],
        description="When it folds items of several kinds (an ask also reported as a warning or "
        "a motive): every kind, the one it is listed under first.",
    )
    judged: list[Judgement] = Field(
        default=[],
        description="The claim check's answers about this claim's items (same or not), when "
        "the check ran.",
    )


class ContextDate(Strict):
    """A date expression resolved from the brief's own context, not the publication date."""

    as_written: str = Field(description="The expression as the source wrote it.")
    kind: Literal["event", "time"] = Field(
        description="'event': counted from the dates of another event of this brief ('on the "
        "final day of the forum'); 'time': a time of day ('at 11:26 a.m.') placed on the date "
        "its source gives the same event."
    )
    anchor: str = Field(
        description="What it was counted from: the words naming the other event ('the forum'), "
        "or the source's own expression for the day ('on Wednesday')."
    )
    anchor_date: str = Field(description="The date of that anchor the expression was counted from.")


class SlotValue(Strict):
    """One answer to 'where?' or 'when?', with the sources that give it."""

    value: str | None = Field(
        description="The answer: a place, or an ISO date, month, year or range."
    )
    as_written: list[str] = Field(description="The answer as the sources wrote it.")
    contains: list[str] = Field(
        default=[], description="Places inside this one that sources name (a venue in a city)."
    )
    wider: list[str] = Field(
        default=[],
        description="For a place: the wider places that contain it, innermost first, as the "
        "sources or the gazetteer place it ('Amur region', 'Russia').",
    )
    certainty: Certainty | None = Field(
        default=None, description="The firmest certainty any source gives it."
    )
    superseded_by: str | None = Field(
        default=None,
        description="Set when this answer was reported as expected or speculated and a later or "
        "firmer report gives another: the value that replaced it. Not a dispute.",
    )
    sources: list[int] = Field(description="The sources that give it.")
    independent: int = Field(
        description="How many origins those reports have: copies of one story and relays of "
        "one source (a newspaper's report, a readout, an interview) count once; each quote's "
        "`origin` says which."
    )
    reported: date | None = Field(description="The latest publication date among those sources.")
    quotes: list[Quote] = Field(description="Each source's words for it.")
    from_context: list[ContextDate] = Field(
        default=[],
        description="For a date: the expressions of `as_written` resolved from the brief's own "
        "context (another event's dates, or the source's date for a time of day).",
    )


class Slot(Strict):
    values: list[SlotValue] = Field(
        description="Every answer the sources give, most supported first."
    )
    disputed: bool = Field(
        description="True when two answers cannot both hold: who says what is in `values`."
    )


class OtherDate(Strict):
    """Another date that other sources give for the same event: a disagreement."""

    date: str = Field(description="The other date: ISO date, month, year or 'start/end' range.")
    sources: list[int] = Field(description="The sources that give it.")


class DatedEvent(Strict):
    """An event on the timeline, folded across the articles that date it alike."""

    date: str | None = Field(
        description="ISO date, month, year or 'start/end' range; null when it cannot be known."
    )
    as_written: list[str] = Field(description="The date expressions as the sources wrote them.")
    event: str = Field(description="What happened or will happen.")
    sources: list[int] = Field(description="The sources that date it so.")
    quotes: list[Quote] = Field(description="Each source's words for it.")
    disputed: list[OtherDate] = Field(
        default=[],
        description="Dates other sources give for the same event that cannot both hold with "
        "this one: who says what, never resolved.",
    )
    certainty: Certainty | None = Field(
        default=None,
        description="The firmest certainty any one source gives the event (`confirmed`, "
        "`planned`, `reported`). Speculation and counterfactuals are never timeline events.",
    )
    according_to: list[str] = Field(
        default=[],
        description="For a reported event (an allegation): the claimants its quotes credit, as "
        "the brief names them ('John Kirby', 'an Interfax report'); empty when they name no one.",
    )
    from_context: list[ContextDate] = Field(
        default=[],
        description="The expressions of `as_written` resolved from the brief's own context "
        "(another event's dates, or the source's date for a time of day).",
    )


class Story(Strict):
    """One of several unrelated stories among the sources, merged on its own."""

    title: str = Field(description="The story's title: its central people, place or date.")
    sources: list[int] = Field(description="The sources that tell it.")
    actors: list[BriefActor] = Field(description="Its people and bodies.")
    asks: list[Claim] = Field(description="Its asks, folded across its sources.")
    warnings: list[Claim] = Field(description="Its warnings, folded across its sources.")
    motives: list[Claim] = Field(description="Its motives, folded across its sources.")
    venue: Slot = Field(description="Where, with who says what.")
    date: Slot = Field(description="When, with who says what.")
    timeline: list[DatedEvent] = Field(description="Its dated events, oldest first.")


class Cost(Strict):
    """What this run's model calls cost in money
    (docs/scheduling.md#12-costs-and-a-daily-budget)."""

    usd: float | None = Field(
        description="US dollars for the tokens of this run's calls, at `input_price` and "
        "`output_price` (Batch API answers at half); null when the model has no known price."
    )
    model: str = Field(description="The model priced, as the run asked for it.")
    input_price: float | None = Field(
        default=None, description="USD per million input tokens; null when unknown."
    )
    output_price: float | None = Field(
        default=None, description="USD per million output tokens; null when unknown."
    )
    batch_usage: Usage = Field(
        default=Usage(), description="The tokens of those calls answered by the Batch API."
    )
    priced_by: str | None = Field(
        default=None,
        description="Where the price comes from: the prices setting, or the built-in OpenAI "
        "list prices and their date; null when unknown.",
    )


class BriefQuality(Strict):
    dropped_ungrounded: int = Field(
        default=0, description="Items dropped as not grounded in their article, all sources."
    )
    dropped_reasons: dict[str, int] = Field(
        default={}, description="Those drops by reason: quote, name, place or date not there."
    )
    attempts: int = Field(
        default=0, description="HTTP requests made by this run, retries included."
    )
    cached: int = Field(
        default=0, description="Articles whose extraction came from the cache: no model call."
    )
    reasks: int = Field(default=0, description="Re-asks after unusable answers, all articles.")
    usage: Usage = Field(default=Usage(), description="Tokens this run used, all calls.")
    cost: Cost | None = Field(
        default=None,
        description="What those calls cost in money; null for a brief not made by a run "
        "(`merge`, the demo) or one whose answers were replayed.",
    )


ChangeKind = Literal["source", "actor", "ask", "warning", "motive", "venue", "date"]


ChangeHow = Literal[
    "new", "dropped", "disputed", "settled", "moved", "revised", "unreachable", "failed"
]


class Change(Strict):
    """One line of "What changed": something new, dropped, disputed, settled or moved; a
    source revised, unreachable (kept as last read) or failed."""

    kind: ChangeKind = Field(
        description="What changed: a source, actor, ask, warning, motive, the venue or the date."
    )
    change: ChangeHow = Field(
        description="How: new, dropped (gone from the sources, or no source states it any "
        "more), disputed, settled, moved; for a source also revised (its text changed), "
        "unreachable (kept as last read, marked stale) or failed."
    )
    text: str = Field(description="The line as 'What changed' shows it.")
    sources: list[int] = Field(default=[], description="Citations in this brief.")
    previous_sources: list[int] = Field(
        default=[], description="Citations in the previous brief (for what was dropped)."
    )
    details: list[str] = Field(
        default=[],
        description="For a revision: what the source now says, no longer says, or says "
        "otherwise (its claims, places and dates).",
    )


class Changes(Strict):
    since: str = Field(
        description="The previous brief compared with: its run and date, or the file given; "
        "empty on a job's first run."
    )
    items: list[Change] = Field(
        description="Every change, most telling first: disputes that appeared, were settled or "
        "moved; new asks and warnings; new actors named by several sources; revised sources; "
        "unreachable and failed sources; then the rest."
    )
    shown: int | None = Field(
        default=None,
        description="How many of `items` the Markdown and HTML show at the top (`changes_shown`)"
        "; the rest are counted there. None: all.",
    )
    note: str | None = Field(
        default=None,
        description="One line on what was compared: the job's first run (nothing to compare "
        "with), or its sources changed since the brief compared with.",
    )


# The version of the brief's JSON: raised when a field changes meaning or goes, so a program that
# reads briefs can tell. A field added with a default keeps it.
BRIEF_SCHEMA_VERSION = "2"


class Brief(Strict):
    schema_version: str = Field(
        default=BRIEF_SCHEMA_VERSION,
        description="The version of this document's schema (`briefgen schema brief`): 2 since "
        "timeline lines carry their certainty and every field is described.",
    )
    title: str = Field(
        description="The brief's title: as given, or made from the main story's central people "
        "and place."
    )
    model: str = Field(
        description="The model that answered, as the server names it ('hand-written' for the demo)."
    )
    prompt_version: str = Field(
        description="The prompt family and a hash of every template: what was asked."
    )
    sources: list[Source] = Field(
        description="Every article given, in input order, numbered from 1; failures included."
    )
    actors: list[BriefActor] = Field(
        description="People and bodies of the main story, one per real actor under all its names."
    )
    asks: list[Claim] = Field(
        description="What actors ask of others, folded across articles (the main story's)."
    )
    warnings: list[Claim] = Field(
        description="What actors warn others of, folded across articles (the main story's)."
    )
    motives: list[Claim] = Field(
        description="What actors want or why they act, folded across articles."
    )
    venue: Slot = Field(description="Where: every answer the sources give, with who says what.")
    date: Slot = Field(description="When: every central date the sources give, with who says what.")
    timeline: list[DatedEvent] = Field(
        description="Dated events of the main story, oldest first, each with its sources."
    )
    quality: BriefQuality = Field(
        description="This run's counts: drops and their reasons, cache hits, calls, tokens."
    )
    partial: bool = Field(
        default=False, description="True when some sources failed; they say why in `failed`."
    )
    changes: Changes | None = Field(
        default=None, description="What changed since the previous brief of the same job."
    )
    stories: list[Story] = Field(
        default=[],
        description="Other, unrelated stories among the sources, largest first, each merged on "
        "its own (the fields above are the main story's); empty when all are one story.",
    )
    grouping: list[list[int]] = Field(
        default=[],
        description="The sources of each story, the main story first: how the articles were "
        "grouped into stories before merging.",
    )

    @property
    def failures(self) -> list[Source]:
        return [s for s in self.sources if s.failed]
