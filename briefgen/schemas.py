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


class Unreadable(Strict):
    """A source, or one record of it, that could not be read into an article: a failure in the
    brief, not an abort (unless the run is strict)."""

    id: str
    source: str
    reason: str


class ArticleRef(Strict):
    """What the brief says about a source; the text itself stays with the Article."""

    id: str
    title: str | None = None
    outlet: str | None = None
    published: date | None = None
    source: str
    also: list[str] = Field(
        default=[], description="Other sources that gave the same text, read once."
    )
    title_guessed: bool = False
    flags: list[str] = Field(
        default=[],
        description="Text addressed to a model (instructions, role tags): its items are kept "
        "out of the brief.",
    )
    fingerprint: str | None = Field(
        default=None, description="SimHash of the text: near-identical articles count once."
    )


class Usage(Strict):
    input_tokens: int = 0
    output_tokens: int = 0

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


# --- the merged brief -----------------------------------------------------------------------


class Source(Strict):
    n: int
    article: ArticleRef
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


class Quote(Strict):
    source: int
    quote: str
    certainty: Certainty | None = None
    item: int | None = Field(
        default=None, description="Index of the item in that article's extraction list."
    )


class BriefActor(Strict):
    name: str
    kind: ActorKind
    names: list[str]
    roles: list[str]
    sources: list[int]
    quotes: list[Quote]


class ItemRef(Strict):
    source: int
    item: int | None = Field(
        default=None, description="Index of the item in that article's extraction list."
    )


class Judgement(Strict):
    """A model's answer, asked before the merge (the optional claim check), to whether two
    items state the same claim."""

    pair: list[ItemRef]
    same: bool
    reason: str
    model: str


class Claim(Strict):
    """An ask, warning or motive folded across the articles that state it."""

    who: str
    claimants: list[str]
    whom: str | None
    what: str
    certainty: Certainty
    sources: list[int]
    independent: int
    quotes: list[Quote]
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

    value: str | None
    as_written: list[str]
    contains: list[str] = Field(
        default=[], description="Places inside this one that sources name (a venue in a city)."
    )
    wider: list[str] = Field(
        default=[],
        description="For a place: the wider places that contain it, innermost first, as the "
        "sources or the gazetteer place it ('Amur region', 'Russia').",
    )
    certainty: Certainty | None = None
    superseded_by: str | None = Field(
        default=None,
        description="Set when this answer was reported as expected or speculated and a later or "
        "firmer report gives another: the value that replaced it. Not a dispute.",
    )
    sources: list[int]
    independent: int
    reported: date | None
    quotes: list[Quote]
    from_context: list[ContextDate] = Field(
        default=[],
        description="For a date: the expressions of `as_written` resolved from the brief's own "
        "context (another event's dates, or the source's date for a time of day).",
    )


class Slot(Strict):
    values: list[SlotValue]
    disputed: bool


class OtherDate(Strict):
    """Another date that other sources give for the same event: a disagreement."""

    date: str
    sources: list[int]


class DatedEvent(Strict):
    """An event on the timeline, folded across the articles that date it alike."""

    date: str | None
    as_written: list[str]
    event: str
    sources: list[int]
    quotes: list[Quote]
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

    title: str
    sources: list[int]
    actors: list[BriefActor]
    asks: list[Claim]
    warnings: list[Claim]
    motives: list[Claim]
    venue: Slot
    date: Slot
    timeline: list[DatedEvent]


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
    reasks: int = 0
    usage: Usage = Usage()


ChangeKind = Literal["source", "actor", "ask", "warning", "motive", "venue", "date"]


class Change(Strict):
    """One line of "What changed": something new, dropped, disputed, settled or moved."""

    kind: ChangeKind
    change: Literal["new", "dropped", "disputed", "settled", "moved"]
    text: str
    sources: list[int] = Field(default=[], description="Citations in this brief.")
    previous_sources: list[int] = Field(
        default=[], description="Citations in the previous brief (for what was dropped)."
    )


class Changes(Strict):
    since: str
    items: list[Change]


class Brief(Strict):
    title: str
    model: str
    prompt_version: str
    sources: list[Source]
    actors: list[BriefActor]
    asks: list[Claim]
    warnings: list[Claim]
    motives: list[Claim]
    venue: Slot
    date: Slot
    timeline: list[DatedEvent]
    quality: BriefQuality
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
