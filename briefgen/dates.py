"""Resolving date expressions as written ("On Tuesday", "September 10-13") to ISO dates.

Pure and deterministic: an expression is resolved against the article's publication date, or not
at all. Results are an ISO date ("2023-09-13"), a month ("2023-07"), a year ("2019") or a range
("2023-09-10/2023-09-13"). Rules:

- A month and day without a year take the publication year.
- A bare weekday ("On Tuesday") is the nearest such day on the side the article places it:
  `relation="before"` -> the latest one on or before publication, `"after"` -> the first one on
  or after it, `"unclear"` -> the nearest within three days either way. "last"/"next" force the
  side. A weekday on the publication day itself resolves to that day.
- "yesterday", "today", "tomorrow", "last/this/next week|month|year" are relative to publication.
- A month name alone ("in July") is in the publication year, or the year before when the article
  places it in the past and the month is after the publication month, or the year after when the
  article places it in the future and the month is before the publication month.
- Without a publication date only expressions that carry their own year resolve.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from typing import Literal

Relation = Literal["before", "after", "unclear"]

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}

_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?:,?\s+(?P<year>\d{4}))?"
_RANGE = re.compile(
    _MONTH + r"\s+(?P<d1>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<year1>\d{4}),?)?"
    r"\s*(?:-|–|—|to|through|until)\s*"
    r"(?:(?P<month2>[A-Za-z]+)\.?\s+)?(?P<d2>\d{1,2})(?:st|nd|rd|th)?" + _YEAR,
    re.IGNORECASE,
)
_DAY_RANGE = re.compile(
    r"\b(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s*(?:-|–|—|to|through|until)\s*"
    r"(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + _YEAR,
    re.IGNORECASE,
)
_DAY_MONTH = re.compile(_MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b" + _YEAR, re.IGNORECASE)
_MONTH_DAY = re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + _YEAR, re.IGNORECASE)
_ISO = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b")
_MONTH_ONLY = re.compile(r"\b" + _MONTH + r"(?:\s+(?P<year>\d{4}))?\b", re.IGNORECASE)
_WEEKDAY = re.compile(
    r"\b(?:(?P<side>last|next|this|past|coming)\s+)?(?P<weekday>" + "|".join(_WEEKDAYS) + r")\b",
    re.IGNORECASE,
)
_RELATIVE = re.compile(
    r"\b(?P<word>yesterday|today|tomorrow|tonight)\b|"
    r"\b(?P<side>last|this|next|past|coming)\s+(?P<unit>week|month|year)\b",
    re.IGNORECASE,
)
_YEAR_ONLY = re.compile(r"\b(?P<year>(?:19|20)\d{2})\b")


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_number(word: str | None) -> int | None:
    return _MONTHS.get(word.lower().rstrip(".")) if word else None


def _explicit(text: str, published: date | None) -> str | None:
    """Expressions that name a month (and maybe a year)."""
    if m := _ISO.search(text):
        found = _day(int(m["year"]), int(m["month"]), int(m["day"]))
        return found.isoformat() if found else None
    if m := _RANGE.search(text) or _DAY_RANGE.search(text):
        month = _month_number(m["month"])
        month2 = _month_number(m.groupdict().get("month2")) or month
        if month is None or month2 is None:
            return None
        # "December 30 - January 2" runs into the next year.
        wraps = int(month2 < month)
        written1, written2 = m.groupdict().get("year1"), m["year"]
        if written1:
            year1 = int(written1)
            year2 = int(written2) if written2 else year1 + wraps
        elif written2:
            year2 = int(written2)
            year1 = year2 - wraps
        elif published:
            year1 = published.year
            year2 = year1 + wraps
        else:
            return None
        start, end = _day(year1, month, int(m["d1"])), _day(year2, month2, int(m["d2"]))
        if start and end and start <= end:
            return f"{start.isoformat()}/{end.isoformat()}"
        return None
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        if m := pattern.search(text):
            year = int(m["year"]) if m["year"] else (published.year if published else None)
            month = _month_number(m["month"])
            if year is None or month is None:
                return None
            found = _day(year, month, int(m["day"]))
            return found.isoformat() if found else None
    return None


def _weekday(text: str, published: date, relation: Relation) -> str | None:
    m = _WEEKDAY.search(text)
    if not m:
        return None
    target = _WEEKDAYS[m["weekday"].lower()]
    side = (m["side"] or "").lower()
    if side == "this":
        side = ""  # "this Tuesday" forces no side; the relation decides
    ahead = (target - published.weekday()) % 7
    behind = (published.weekday() - target) % 7
    if side in ("last", "past") or (not side and relation == "before"):
        offset = -(behind or (7 if side else 0))
    elif side in ("next", "coming") or (not side and relation == "after"):
        offset = ahead or (7 if side == "next" else 0)
    else:
        offset = ahead if ahead <= 3 else -behind
    return (published + timedelta(days=offset)).isoformat()


def _relative(text: str, published: date) -> str | None:
    m = _RELATIVE.search(text)
    if not m:
        return None
    if m["word"]:
        shift = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}[m["word"].lower()]
        return (published + timedelta(days=shift)).isoformat()
    step = {"last": -1, "past": -1, "this": 0, "next": 1, "coming": 1}[m["side"].lower()]
    unit = m["unit"].lower()
    if unit == "week":
        monday = published - timedelta(days=published.weekday()) + timedelta(weeks=step)
        return f"{monday.isoformat()}/{(monday + timedelta(days=6)).isoformat()}"
    if unit == "month":
        index = published.year * 12 + published.month - 1 + step
        return f"{index // 12:04d}-{index % 12 + 1:02d}"
    return str(published.year + step)


def _month_alone(text: str, published: date | None, relation: Relation) -> str | None:
    m = _MONTH_ONLY.search(text)
    if not m or len(m["month"]) < 3 or (m["month"].lower() == "may" and not m["year"]):
        # "may" is far more often the verb than the month; only "May 2023" counts.
        return None
    month = _month_number(m["month"])
    if m["year"]:
        return f"{int(m['year']):04d}-{month:02d}"
    if published is None or month is None:
        return None
    year = published.year
    if relation == "before" and month > published.month:
        year -= 1
    elif relation == "after" and month < published.month:
        year += 1
    return f"{year:04d}-{month:02d}"


def resolve(text: str, published: date | None, relation: Relation = "unclear") -> str | None:
    """The ISO date, month, year or range that `text` names, or None when it cannot be known."""
    if found := _explicit(text, published):
        return found
    if published is not None:
        if found := _relative(text, published):
            return found
        if found := _weekday(text, published, relation):
            return found
    if found := _month_alone(text, published, relation):
        return found
    if m := _YEAR_ONLY.search(text):
        return m["year"]
    return None


def bounds(resolved: str) -> tuple[date, date]:
    """First and last day an ISO date, month, year or range covers."""
    if "/" in resolved:
        start, end = resolved.split("/", 1)
        return bounds(start)[0], bounds(end)[1]
    parts = [int(p) for p in resolved.split("-")]
    if len(parts) == 3:
        day = date(*parts)
        return day, day
    if len(parts) == 2:
        year, month = parts
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    return date(parts[0], 1, 1), date(parts[0], 12, 31)


def overlap(a: str, b: str) -> bool:
    (a0, a1), (b0, b1) = bounds(a), bounds(b)
    return a0 <= b1 and b0 <= a1
