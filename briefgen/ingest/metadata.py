"""What sources say about an article beside its text: title, outlet, author, date, URL.

Publication dates come in every form real data has: a date, an ISO 8601 datetime with or
without a zone ("2016-11-06T14:30:00Z", what crawlers and feeds emit), RFC 2822 ("Sun, 06 Nov
2016 14:30:00 GMT", what RSS emits), and written forms ("November 6, 2016", "6 novembre 2016").
An article keeps the calendar date it was published on in its own zone: 23:30 on 6 November
at -05:00 is 6 November, though it is already the 7th in UTC. Empty, "None", "null" or an
unparseable value means no date; `parse_published` says which it was, so the reader can warn.
"""

from __future__ import annotations

import email.utils
import re
from datetime import date, datetime
from typing import Any

from pydantic import field_validator

from briefgen.schemas import Strict

MISSING = frozenset({"", "none", "null", "nil", "n/a", "na", "unknown", "-", "0"})
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_published(value: Any) -> tuple[date | None, bool]:
    """(the date, or None; True when a value was given but is not a date)."""
    if value is None or isinstance(value, date):
        value_date = value.date() if isinstance(value, datetime) else value
        return value_date, False
    if not isinstance(value, str | int | float):
        return None, True
    text = str(value).strip()
    if text.lower() in MISSING:
        return None, False
    if _DATE_ONLY.match(text):
        try:
            return date.fromisoformat(text), False
        except ValueError:
            return None, True
    try:
        return datetime.fromisoformat(text).date(), False  # ISO 8601, zone kept
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(text).date(), False  # RFC 2822
    except (TypeError, ValueError, IndexError):
        pass
    if not re.search(r"\b\d{4}\b", text):  # "Tuesday", "yesterday": no publication date
        return None, True
    import dateparser  # written forms, in many languages; 0.1 s to import, so only here

    # A day, a month and a year, all written: "Tuesday" or "yesterday" is no publication date.
    parsed = dateparser.parse(
        text,
        settings={"RETURN_AS_TIMEZONE_AWARE": False, "REQUIRE_PARTS": ["day", "month", "year"]},
    )
    if parsed is None or not 1900 <= parsed.year <= 2100:
        return None, True
    return parsed.date(), False


class SourceMeta(Strict):
    """What a manifest, a JSON record or HTML metadata may say about an article."""

    id: str | None = None
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: date | None = None
    url: str | None = None

    @field_validator("published", mode="before")
    @classmethod
    def _any_date_form(cls, value: Any) -> date | None:
        return parse_published(value)[0]
