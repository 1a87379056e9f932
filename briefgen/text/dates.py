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

Other languages (Italian, French, Spanish, German, Portuguese, Russian: `LANGUAGES`) are read
when the English rules find nothing, or only a month or a year around a day the text names ("am
13. September", "13 сентября 2023"). dateparser supplies the words: its locale data decides
which language a text is in (month, weekday and relative-day words), and its translation turns
"il 13 settembre" into "13 september", "mercoledì" into "wednesday" and "ieri" into "1 day ago";
the rules above then resolve that, so every language follows the same rules (publication year,
weekday side, Monday-to-Sunday weeks). dateparser's own parser is not used: it reads "il 13
settembre" as nothing, "martedì" in a Tuesday's article as the Tuesday before, and a year-less
date after publication as last year's. A text without one of those words ("on the final day of
the forum", "negli ultimi giorni") is never translated and stays unresolved.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections import defaultdict
from datetime import date, timedelta
from functools import cache, lru_cache
from typing import Literal, NamedTuple

Relation = Literal["before", "after", "unclear"]

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}

_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?:,?\s+(?P<year>\d{4}))?"
# A month name that ends where its word ends: "13 sept" is not in "13 septembre".
_WHOLE = r"(?![^\W\d_])"
_RANGE = re.compile(
    _MONTH + r"\s+(?P<d1>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<year1>\d{4}),?)?"
    r"\s*(?:-|–|—|to|through|until)\s*"
    r"(?:(?P<month2>[A-Za-z]+)\.?\s+)?(?P<d2>\d{1,2})(?:st|nd|rd|th)?" + _YEAR,
    re.IGNORECASE,
)
_DAY_RANGE = re.compile(
    r"\b(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s*(?:-|–|—|to|through|until)\s*"
    r"(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + _WHOLE + _YEAR,
    re.IGNORECASE,
)
_DAY_MONTH = re.compile(_MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b" + _YEAR, re.IGNORECASE)
_MONTH_DAY = re.compile(
    r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + _WHOLE + _YEAR, re.IGNORECASE
)
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
    return _shifted(published, m["unit"].lower(), step)


def _shifted(published: date, unit: str, step: int) -> str:
    """The week (Monday to Sunday), month or year `step` units from the publication date's."""
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


def _english(
    text: str, published: date | None, relation: Relation, translated: bool = False
) -> tuple[str | None, bool]:
    """(the value the rules give, True when it is not only a month or a year). `translated`
    texts also read "N days ago" and "in N weeks", what the translation makes of "ieri"."""
    if found := _explicit(text, published):
        return found, True
    if published is not None:
        if found := (translated and _ago(text, published)) or _relative(text, published):
            return found, True
        if found := _weekday(text, published, relation):
            return found, True
    if found := _month_alone(text, published, relation):
        return found, False
    if m := _YEAR_ONLY.search(text):
        return m["year"], False
    return None, False


@lru_cache(maxsize=1 << 16)  # one expression recurs across articles and runs
def resolve(text: str, published: date | None, relation: Relation = "unclear") -> str | None:
    """The ISO date, month, year or range that `text` names, or None when it cannot be known."""
    found, precise = _english(text, published, relation)
    if precise:
        return found
    for language in _languages_of(text):
        other, _ = _english(_translated(text, language), published, relation, translated=True)
        if other is None:
            continue
        # A month or a year the English rules found ("September" in "am 13. September") is
        # only ever narrowed, never replaced ("Mars" is French for March, and a planet).
        if found is None or (other != found and _inside(other, found)):
            return other
        break
    return found


def _inside(inner: str, outer: str) -> bool:
    (i0, i1), (o0, o1) = bounds(inner), bounds(outer)
    return o0 <= i0 and i1 <= o1


# --- other languages -------------------------------------------------------------------------

LANGUAGES: tuple[str, ...] = ("it", "fr", "es", "de", "pt", "ru", "ar", "he")
_MONTH_KEYS = tuple(name.lower() for name in calendar.month_name if name)
_WEEKDAY_KEYS = tuple(name.lower() for name in calendar.day_name)
_RELATIVE_KEY = re.compile(r"^(?:in )?\d+ (?:day|week|month|year)(?: ago)?$")
_TOKEN = re.compile(r"\w+")
# Portuguese weekdays are ordinals ("segunda" is Monday and "second"): alone they count as a
# day only after "na"/"nesta"/"próxima"/"última"..., otherwise they must read "segunda-feira".
_PT_ORDINAL = re.compile(
    r"(?<!\bna )(?<!\bnesta )(?<!\bdesta )(?<!\bproxima )(?<!\bultima )(?<!\bpassada )"
    r"\b(segunda|terca|quarta|quinta|sexta)\b(?!-feira)"
)
# "mañana" and "Morgen" are "tomorrow" and "morning": "el lunes por la mañana", "heute Morgen".
_MORNING: dict[str, tuple[tuple[re.Pattern[str], str], ...]] = {
    "es": (
        (re.compile(r"\besta manana\b"), "hoy"),
        (re.compile(r"\b(?:por|de|en|a) la manana\b"), " "),
    ),
    "de": (
        (
            re.compile(
                r"\b(heute|gestern|vorgestern|am|jeden|diesen|montag|dienstag|mittwoch"
                r"|donnerstag|freitag|samstag|sonntag)\s+morgen\b"
            ),
            r"\1",
        ),
    ),
}
# Ordinal marks after a day number: "13.", "1er", "13-го", "1º".
_ORDINAL_MARK = re.compile(r"\b(\d{1,2})(?:\.|er|re|º|ª|°|\s*-\s*(?:го|е|ое|ого))(?=\s|,|$)")
# "dal 10 al 13", "du 10 au 13", "vom 10. bis 13.", "de 10 a 13", "с 10 по 13" -> "10-13".
_DAY_TO_DAY = re.compile(
    r"\b(\d{1,2})\s+(?:al|au|bis|a|ao|ate|hasta(?: el)?|fino al|по|до)\s+(\d{1,2})\b"
)
_SIDES = {
    "last": """scorso scorsa dernier derniere pasado pasada letzten letzter letztes letzte
        vergangenen vergangener passado passada ultimo ultima прошлыи прошлую прошлое прошлои""",
    "next": """prossimo prossima prochain prochaine proximo proxima nachsten nachster nachstes
        nachste kommenden kommender следующии следующую следующее следующеи""",
}
_SIDE_WORDS = {word: side for side, words in _SIDES.items() for word in words.split()}
_WEEKDAY_WORD = re.compile(r"\b(" + "|".join(_WEEKDAYS) + r")\b")
_AGO = re.compile(
    r"\b(?:(?P<back>\d{1,3})\s+(?P<unit>day|week|month|year)s?\s+ago|"
    r"in\s+(?P<ahead>\d{1,3})\s+(?P<unit2>day|week|month|year)s?)\b"
)


def _plain(text: str) -> str:
    """Casefolded, accents dropped: how dateparser's locale data is matched."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Date words that are other words too count only in a date's company: "en mars", "13 mars".
_IN_CONTEXT = {
    "mars": re.compile(r"(?:\d|\b(?:en|de|fin|debut|mi|depuis|au))[\s.-]*mars\b|\bmars[\s,]*\d")
}


@cache
def _vocabulary() -> tuple[dict[str, frozenset[str]], dict[str, re.Pattern[str]]]:
    """Loaded once, on the first text the English rules cannot place: for each language,
    dateparser's month and weekday names (full forms: abbreviations such as "mar" or "sab" are
    ordinary words too) and its relative-day phrases ("ieri", "la semaine dernière", "на
    прошлой неделе", "3 giorni fa")."""
    import importlib

    words: dict[str, set[str]] = defaultdict(set)
    phrases: dict[str, re.Pattern[str]] = {}
    for language in LANGUAGES:
        info = importlib.import_module(f"dateparser.data.date_translation_data.{language}").info
        for key in (*_MONTH_KEYS, *_WEEKDAY_KEYS):
            forms = [_plain(form) for form in info.get(key, [])]
            for form in forms:
                if any(other != form and other.startswith(form) for other in forms):
                    continue  # an abbreviation of a longer form
                for word in _TOKEN.findall(form):
                    if len(word) >= 3 and not word.isdigit():
                        words[word].add(language)
        relative = [
            re.escape(_plain(form))
            for key, forms in info.get("relative-type", {}).items()
            if _RELATIVE_KEY.match(key)
            for form in forms
        ]
        relative += [
            _plain(form)
            for key, forms in info.get("relative-type-regex", {}).items()
            if _RELATIVE_KEY.match(key.replace("\\1", "1"))
            for form in forms
        ]
        phrases[language] = re.compile(
            r"(?<!\w)(?:" + "|".join(sorted(relative, key=len, reverse=True)) + r")(?!\w)"
        )
    return {w: frozenset(langs) for w, langs in words.items()}, phrases


# Weekday and month names that are people's names or other words too ("Theresa May", "Plácido
# Domingo", "Julio", "Avril"): alone, they are not taken for dates.
_ALSO_NAMES = frozenset(
    {
        "april", "may", "june", "august", "mars", "domingo", "julio", "augusto", "abril",
        "mayo", "avril", "mai", "janvier", "sabato", "agosto", "juni", "juli",
    }
)  # fmt: skip


@cache
def _english_calendar_words() -> frozenset[str]:
    return frozenset(name.casefold() for name in (*calendar.day_name, *calendar.month_name) if name)


def is_calendar_word(text: str) -> bool:
    """True when `text` is a weekday or a month name and nothing else, in English or one of
    LANGUAGES ("Wednesday", "mercoledì", "Mittwoch", "среда", "settembre"): what a weak model
    sends as an actor is then no name. A month that is a name too ("May", "June") is not."""
    plain = _plain(text).strip(" .,;:")
    if not plain or " " in plain or plain in _ALSO_NAMES:
        return False
    return plain in _english_calendar_words() or plain in _vocabulary()[0]


def _languages_of(text: str) -> list[str]:
    """The languages whose date words the text uses, the most used first."""
    if not any(c.isalpha() for c in text):
        return []
    words, phrases = _vocabulary()
    plain = _plain(text)
    counts: dict[str, int] = defaultdict(int)
    for token in _TOKEN.findall(plain):
        if token in words and (token not in _IN_CONTEXT or _IN_CONTEXT[token].search(plain)):
            for language in words[token]:
                counts[language] += 1
    for language, pattern in phrases.items():
        if pattern.search(plain):
            counts[language] += 2  # a phrase is surer than a word
    return sorted(counts, key=lambda lang: (-counts[lang], LANGUAGES.index(lang)))


@lru_cache(maxsize=1 << 14)
def _translated(text: str, language: str) -> str:
    """The text in the English the rules read: "il 13 settembre" -> "13 september"."""
    from dateparser.conf import Settings
    from dateparser.languages.loader import default_loader

    plain = _plain(text)
    if language == "pt":
        plain = _PT_ORDINAL.sub(" ", plain)
    for pattern, replacement in _MORNING.get(language, ()):
        plain = pattern.sub(replacement, plain)
    plain = _ORDINAL_MARK.sub(r"\1", plain)
    translated = default_loader.get_locale(language).translate(plain, settings=Settings())
    english = " ".join(_DAY_TO_DAY.sub(r"\1-\2", _ORDINAL_MARK.sub(r"\1", translated)).split())
    sides = {_SIDE_WORDS[t] for t in _TOKEN.findall(plain) if t in _SIDE_WORDS}
    if len(sides) == 1:  # "lunedì scorso" -> "last monday"
        english = _WEEKDAY_WORD.sub(lambda m: f"{sides.pop()} {m[1]}", english, count=1)
    return english


def _ago(text: str, published: date) -> str | None:
    """ "N days ago", "in N weeks": what the translation makes of "ieri" or "il mese scorso"."""
    m = _AGO.search(text)
    if not m:
        return None
    step = -int(m["back"]) if m["back"] else int(m["ahead"])
    unit = m["unit"] or m["unit2"]
    if unit == "day":
        return (published + timedelta(days=step)).isoformat()
    return _shifted(published, unit, step)


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


# --- dates from the brief's own context ------------------------------------------------------

# A time of day and nothing else: "at 11:26 a.m.", "around 3 p.m. local time", "14:30 GMT",
# "at noon". It belongs to a date the article gives elsewhere, not beside it.
_TIME_OF_DAY = re.compile(
    r"^(?:(?:at|around|about|by|shortly\s+(?:after|before)|just\s+(?:after|before)|before|after"
    r"|from|until|until\s+about|um|à|alle|ore|a\s+las)\s+)?"
    r"(?:\d{1,2}:\d{2}(?:\s*(?:[ap]\.?\s?m\.?|uhr|h))?|\d{1,2}[.h]\d{2}\s*(?:[ap]\.?\s?m\.?|uhr)"
    r"|\d{1,2}\s*(?:[ap]\.?\s?m\.?|o['’]clock|uhr)"
    r"|noon|midday|midnight|mezzogiorno|minuit|midi)"
    r"(?:\s+(?:local\s+time|ora\s+locale|heure\s+locale|Ortszeit|[A-Z]{2,4}(?:[+-]\d{1,2})?))?"
    r"\s*[.,]?$",
    re.IGNORECASE,
)


def time_of_day(text: str) -> bool:
    """True when `text` names only a time of day ("at 11:26 a.m."), no day."""
    return bool(_TIME_OF_DAY.match(" ".join(text.split())))


_COUNT_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
_ORDINAL_DAYS = {"first": 0, "opening": 0, "second": 1, "third": 2, "fourth": 3}
_REFERENCE = r"(?P<ref>the\s+[^,;()]+?)"
_ON = r"^(?:(?:on|during|at|by|until|through|from)\s+)?"
_NTH_DAY = re.compile(
    _ON
    + r"the\s+(?P<nth>final|last|closing|first|opening|second|third|fourth)\s+day\s+of\s+"
    + _REFERENCE
    + r"\s*[.,]?$",
    re.IGNORECASE,
)
_DAYS_FROM = re.compile(
    _ON + r"(?:the\s+)?(?:(?P<count>\d|a|one|two|three|four|five|six|seven)\s+)?days?\s+"
    r"(?P<side>after|before)\s+" + _REFERENCE + r"\s*[.,]?$",
    re.IGNORECASE,
)
_EVE = re.compile(_ON + r"the\s+eve\s+of\s+" + _REFERENCE + r"\s*[.,]?$", re.IGNORECASE)


class EventRelative(NamedTuple):
    """A date counted from another event: `days` after its start or end (`end`); `within`
    when it is one of that event's own days ("the final day of"), so the event must be a range
    that holds it; `reference` the words naming the event ("the forum")."""

    end: bool
    days: int
    within: bool
    reference: str


def event_relative(text: str) -> EventRelative | None:
    """An expression dated by another event ("on the final day of the forum", "the day after
    the summit", "on the eve of the G20 summit"), or None for anything else."""
    plain = " ".join(text.split())
    if m := _NTH_DAY.match(plain):
        nth = m["nth"].lower()
        if nth in ("final", "last", "closing"):
            return EventRelative(True, 0, True, m["ref"])
        return EventRelative(False, _ORDINAL_DAYS[nth], True, m["ref"])
    if m := _DAYS_FROM.match(plain):
        count = m["count"]
        days = (int(count) if count.isdigit() else _COUNT_WORDS[count.lower()]) if count else 1
        if m["side"].lower() == "after":
            return EventRelative(True, days, False, m["ref"])
        return EventRelative(False, -days, False, m["ref"])
    if m := _EVE.match(plain):
        return EventRelative(False, -1, False, m["ref"])
    return None


def day_level(resolved: str) -> bool:
    """A day or a range of days, not a month or a year."""
    return all(part.count("-") == 2 for part in resolved.split("/"))


def counted_from(anchor: str, relative: EventRelative) -> str | None:
    """The day `relative` names, counted from `anchor` (a day or a range of days); None when
    it is one of the event's own days and `anchor` is not a range that holds it."""
    if not day_level(anchor) or (relative.within and "/" not in anchor):
        return None
    first, last = bounds(anchor)
    found = (last if relative.end else first) + timedelta(days=relative.days)
    if relative.within and not first <= found <= last:
        return None
    return found.isoformat()
