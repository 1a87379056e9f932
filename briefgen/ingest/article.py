"""One article from what a source gives: raw text or an HTML page, plus what manifests, records
and pages say about it (metadata); and the bounds every reader of sources obeys (InputOptions).

Both readers, files and folders (inputs.py) and the web (web.py), build their articles here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from briefgen.errors import InputError
from briefgen.ingest import hostile
from briefgen.ingest.cleaning import clean, guess_title, is_furniture_title
from briefgen.ingest.metadata import SourceMeta
from briefgen.schemas import Article, Removed


@dataclass(frozen=True)
class InputOptions:
    """What bounds reading: sizes, fetch time, feed age and length, where links may lead
    (from `Settings`); `ends`, when the run must be over (time.monotonic(), from `deadline`):
    no fetch outlasts it; `follow_symlinks`, whether a link in a folder may lead out of it."""

    max_bytes: int = 5_000_000
    fetch_timeout: float = 20.0
    max_age_days: float | None = None
    ends: float | None = None
    run_deadline: float | None = None  # the run's --deadline, for the reason a fetch names
    follow_symlinks: bool = False
    max_feed_items: int = 200
    allow_private_hosts: bool = False

    @classmethod
    def of(cls, settings: Any, started: float | None = None) -> InputOptions:
        """`started`: when the run began (time.monotonic()); its `deadline` counts from then."""
        deadline = getattr(settings, "deadline", None)
        ends = started + deadline if started is not None and deadline is not None else None
        return cls(
            settings.max_input_bytes,
            settings.fetch_timeout,
            settings.max_age,
            ends=ends,
            run_deadline=deadline,
            follow_symlinks=getattr(settings, "follow_symlinks", False),
            max_feed_items=getattr(settings, "max_feed_items", 200),
            allow_private_hosts=getattr(settings, "allow_private_hosts", False),
        )


def build_article(
    text: str,
    source: str,
    fallback_id: str,
    *metas: SourceMeta,
    report: Sequence[Removed] = (),
) -> Article:
    """An Article from raw text; earlier metadata wins over later (manifest > file > byline).
    `report`: notes for the cleaning report made before cleaning (a guessed decoding)."""
    cleaned, removed, found = clean(text)
    if not cleaned:
        raise InputError(f"{source}: no article text")
    fields: dict[str, Any] = {}
    for meta in (*metas, found):
        for key, value in meta.model_dump(exclude_none=True).items():
            fields.setdefault(key, value)
    if fields.get("title") and is_furniture_title(fields["title"]):
        del fields["title"]  # "Live updates", "News / World": the page's, not the story's
    guessed = None if fields.get("title") else guess_title(cleaned)
    return Article(
        id=fields.get("id") or fallback_id,
        text=cleaned,
        title=fields.get("title") or guessed,
        title_guessed=guessed is not None,
        # the metadata too: a title or an outlet can carry instructions as well as the text
        flags=hostile.flags(
            cleaned,
            fields.get("title"),
            fields.get("outlet"),
            fields.get("author"),
            fields.get("id"),
        ),
        outlet=fields.get("outlet"),
        author=fields.get("author"),
        published=fields.get("published"),
        source=fields.get("url") or source,
        removed=[*report, *removed],
    )


def from_html(
    html: str,
    source: str,
    fallback_id: str,
    *metas: SourceMeta,
    report: Sequence[Removed] = (),
) -> Article:
    import trafilatura  # heavy; only HTML input pays for it
    from trafilatura.settings import Document

    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    # A Document, or None; a dict only with as_dict=True.
    if not isinstance(doc, Document) or not doc.text:
        raise InputError(f"{source}: no article text found in the HTML")
    page = SourceMeta(
        title=doc.title,
        outlet=doc.sitename,
        author=doc.author,
        published=_iso_date(doc.date),
        url=doc.url,
    )
    return build_article(doc.text, source, fallback_id, *metas, page, report=report)


def _iso_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None
