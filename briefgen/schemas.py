"""Typed data passed between the stages: ingest -> extract -> merge -> render.

Two families live here. `Extraction` and its item types are what the model is asked to fill;
their JSON Schema is sent to the server, so they carry descriptions and no defaults (strict
structured outputs want every field required). Everything else is briefgen's own record of
what happened and is never shown to the model.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    """Base for every boundary model: unknown fields are an error, not silently kept."""

    model_config = ConfigDict(extra="forbid")


# How firmly the article states something. Kept from the article and never upgraded by merge.
Certainty = Literal["confirmed", "planned", "reported", "speculated"]
ActorKind = Literal["person", "organization", "country"]

QUOTE_HELP = "A short verbatim quote (at most ~25 words) copied exactly from the article."


# --- what the model fills -------------------------------------------------------------------


class Actor(Strict):
    name: str = Field(description="Fullest name used in the article, as written.")
    kind: ActorKind
    role: str | None = Field(description="Title or role, e.g. 'Russian President'.")
    affiliation: str | None = Field(description="Country or organisation the actor belongs to.")
    aliases: list[str] = Field(
        description="Other ways the article refers to this actor: surname, honorific, "
        "role-only mentions such as 'the North Korean leader'."
    )
    quote: str = Field(description=QUOTE_HELP)


class Motive(Strict):
    actor: str = Field(description="Whose motive: an actor's name as in `actors`.")
    motive: str = Field(description="What they want or hope to gain, in a short phrase.")
    certainty: Certainty
    quote: str = Field(description=QUOTE_HELP)


class Ask(Strict):
    asker: str = Field(description="Who asks: an actor's name as in `actors`.")
    asked: str | None = Field(description="Whom they ask, if the article says.")
    ask: str = Field(description="What is asked for, in a short phrase.")
    certainty: Certainty
    quote: str = Field(description=QUOTE_HELP)


class WarningItem(Strict):
    warner: str = Field(description="Who warns: an actor's name as in `actors`.")
    warned: str | None = Field(description="Whom they warn, if the article says.")
    warning: str = Field(description="What the warning is, in a short phrase.")
    certainty: Certainty
    quote: str = Field(description=QUOTE_HELP)


class Venue(Strict):
    place: str = Field(description="Where the article's central event happens, e.g. a city.")
    within: list[str] = Field(
        description="The larger places that contain it as the article states or implies them, "
        "innermost first: ['Amur region', 'Russia'] for 'Vostochny Cosmodrome'; [] if none."
    )
    certainty: Certainty
    quote: str = Field(description=QUOTE_HELP)


class DateMention(Strict):
    text: str = Field(description="The date or time expression exactly as written.")
    event: str = Field(description="What happens then, in a short phrase.")
    relation: Literal["before", "after", "unclear"] = Field(
        description="Whether the article places this before or after its own publication "
        "(past or future tense); used to resolve weekday names."
    )
    central: bool = Field(description="True if this is when the article's central event happens.")
    certainty: Certainty
    quote: str = Field(description=QUOTE_HELP)


class Extraction(Strict):
    """One article's facts. Every item carries evidence; nothing outside the article."""

    actors: list[Actor]
    motives: list[Motive]
    asks: list[Ask]
    warnings: list[WarningItem]
    venues: list[Venue]
    dates: list[DateMention]


ITEM_KINDS: tuple[str, ...] = ("actors", "motives", "asks", "warnings", "venues", "dates")


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
    source: str = Field(description="Where the text came from: a path, a URL or '-'.")
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
    n: int = Field(description="Citation number, as in [n].")
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
    names: list[str] = Field(description="Every name and alias used for this actor.")
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

    pair: list[ItemRef] = Field(description="The two items asked about.")
    same: bool
    reason: str = Field(description="The model's reason, as it gave it.")
    model: str


class Claim(Strict):
    """An ask, warning or motive folded across the articles that state it."""

    who: str = Field(description="The claimant most sources name.")
    claimants: list[str] = Field(
        description="Everyone the sources name for it: a leader, their office, their state."
    )
    whom: str | None
    what: str
    certainty: Certainty = Field(description="The firmest certainty any one source gives it.")
    sources: list[int]
    independent: int = Field(description="Sources that are not copies of one another.")
    quotes: list[Quote]
    judged: list[Judgement] = Field(
        default=[],
        description="The claim check's answers about this claim's items (same or not), when "
        "the check ran.",
    )


class SlotValue(Strict):
    """One answer to 'where?' or 'when?', with the sources that give it."""

    value: str | None = Field(description="Normalised answer; null for a date not resolvable.")
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
    reported: date | None = Field(description="Publication date of its latest source.")
    quotes: list[Quote]


class Slot(Strict):
    values: list[SlotValue]
    disputed: bool = Field(description="True when sources give answers that cannot all hold.")


class OtherDate(Strict):
    """Another date that other sources give for the same event: a disagreement."""

    date: str
    sources: list[int]


class DatedEvent(Strict):
    """An event on the timeline, folded across the articles that date it alike."""

    date: str | None = Field(description="ISO date, month, year or 'start/end'; null if unknown.")
    as_written: list[str]
    event: str
    sources: list[int]
    quotes: list[Quote]
    disputed: list[OtherDate] = Field(
        default=[],
        description="Dates other sources give for the same event that cannot both hold with "
        "this one: who says what, never resolved.",
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
    text: str = Field(description="What changed, as the brief says it.")
    sources: list[int] = Field(default=[], description="Citations in this brief.")
    previous_sources: list[int] = Field(
        default=[], description="Citations in the previous brief (for what was dropped)."
    )


class Changes(Strict):
    since: str = Field(description="What this brief is compared with: a run or a file.")
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
