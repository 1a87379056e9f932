"""Cleaning article text: removing the noise real article text carries (bylines, subscription
ads, photo credits, links to other stories, leftovers of an LLM rewrite that refused), and
recording every removal, so nothing disappears silently. The model sees, and evidence quotes are
checked against, the cleaned text.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from briefgen.metadata import SourceMeta
from briefgen.schemas import Removed

# --- cleaning --------------------------------------------------------------------------------

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_BYLINE = re.compile(
    # A line ending like a sentence ("By Tuesday, Kim had left.") is article text, not a byline.
    r"^(?:Written by|By)\s+(?![^\n]*[a-z]{3}[.!?][\"”’']?\s*$)"
    rf"(?P<author>[^\n]{{2,60}}?)"
    rf"(?:\s+on\s+(?P<date>(?:{_MONTHS})\s+\d{{1,2}},\s+\d{{4}}))?\s*$",
)
_REFUSAL = re.compile(
    r"^[\"“”'\s]*(?:I cannot (?:reword|rephrase|rewrite|fulfil|comply|help)|I can[’']t (?:reword|"
    r"rephrase|rewrite|help)|I[’']m sorry, but|As an AI(?: language model)?)\b",
    re.IGNORECASE,
)
_PHOTO = re.compile(
    r"^(?:(?:AP|AFP|Getty|Reuters|EPA|Shutterstock)(?: Images| Photo)?|\d{4} photo of .{0,120}|"
    r"(?:Photo|Image|File photo|Pictured)\s*[:|].{0,160})$",
    re.IGNORECASE,
)
_RELATED = re.compile(r"^(?:You can also read|Also read|Read more|Related|See also)\s*:", re.I)
_SUBSCRIBE = re.compile(
    r"^(?:Subscribe to|Subscribe now|Sign up for|Support our journalism)\b", re.I
)
_MD_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\s]*\)")
_MD_EMPHASIS = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
_BLANKS = re.compile(r"\n{3,}")


def _line_noise(line: str) -> str | None:
    """The reason a single line is noise, or None when it is article text."""
    if _REFUSAL.match(line) and len(line) < 200:
        return "model refusal remnant"
    if (byline := _BYLINE.match(line)) and byline["author"][0].isupper():
        return "byline"  # a name starts with a capital: "By the end of May, ..." is text
    if _PHOTO.match(line):
        return "photo caption or credit"
    if _RELATED.match(line):
        return "link to another story"
    return None


def clean(text: str) -> tuple[str, list[Removed], SourceMeta]:
    """Cleaned text, what was removed and why, and metadata found on the way (bylines)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _MD_EMPHASIS.sub(r"\1", _MD_LINK.sub(r"\1", text))
    lines = text.split("\n")
    removed: list[Removed] = []
    found = SourceMeta()

    # A subscription pitch runs to the end; cut it only in the last third so a story that
    # mentions subscribing early on keeps its text.
    for i, line in enumerate(lines):
        if _SUBSCRIBE.match(line.strip()) and i >= len(lines) * 2 // 3:
            tail = "\n".join(x for x in lines[i:] if x.strip())
            removed.append(Removed(reason="subscription advertisement", text=tail))
            lines = lines[:i]
            break

    kept: list[str] = []
    for line in lines:
        stripped = line.strip()
        reason = _line_noise(stripped) if stripped else None
        if reason is None:
            kept.append(line.rstrip())
            continue
        if reason == "byline" and found.author is None:
            match = _BYLINE.match(stripped)
            assert match is not None
            found = SourceMeta(author=match["author"], published=_parse_date(match["date"]))
        removed.append(Removed(reason=reason, text=stripped))
    cleaned = _BLANKS.sub("\n\n", "\n".join(kept)).strip()
    return cleaned, removed, found


def _parse_date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return datetime.strptime(text, "%B %d, %Y").date()
    except ValueError:
        return None


def guess_title(text: str) -> str | None:
    """The first line, when it reads like a headline: short and followed by more text."""
    first, _, rest = text.partition("\n")
    first = first.strip()
    if rest.strip() and 10 <= len(first) <= 150:
        return first
    return None
