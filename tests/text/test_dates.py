"""Resolving date expressions against a publication date; bounds and overlap."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefgen.text.dates import bounds, is_calendar_word, overlap, resolve

TUE = date(2023, 9, 5)  # a Tuesday: the day the first articles of the example appeared
assert TUE.weekday() == calendar.TUESDAY


# --- explicit dates ----------------------------------------------------------------------------


def test_september_10_13_is_a_range_in_the_publication_year():
    resolved = resolve("September 10-13", TUE)
    assert resolved == "2023-09-10/2023-09-13"
    # dateparser reads "10-13" as a year and answers 2013; briefgen must not.
    assert "2013" not in resolved


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sunday to Wednesday (September 10-13)", "2023-09-10/2023-09-13"),
        ("from September 10 to 13 in Vladivostok", "2023-09-10/2023-09-13"),
        ("Sept. 10–13", "2023-09-10/2023-09-13"),
        ("September 10th through 13th", "2023-09-10/2023-09-13"),
        ("September 30 to October 2", "2023-09-30/2023-10-02"),
        ("10-13 September", "2023-09-10/2023-09-13"),
        ("10 to 13 Sept. 2024", "2024-09-10/2024-09-13"),
        ("September 10-13, 2021", "2021-09-10/2021-09-13"),
    ],
)
def test_ranges(text, expected):
    assert resolve(text, TUE) == expected


def test_range_running_into_the_next_year():
    assert resolve("December 30 - January 2", date(2023, 12, 20)) == "2023-12-30/2024-01-02"
    # A year as written belongs to the end of the range ...
    assert resolve("December 30 - January 2, 2024", None) == "2023-12-30/2024-01-02"
    # ... unless both ends carry one.
    assert resolve("Dec. 30, 2023, to Jan. 2, 2024", None) == "2023-12-30/2024-01-02"
    assert resolve("December 30, 2023 - January 2", None) == "2023-12-30/2024-01-02"


def test_backwards_range_is_not_a_range():
    resolved = resolve("September 13-10", TUE)
    assert resolved is None or "/" not in resolved


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("On September 4", "2023-09-04"),
        ("Sept. 4", "2023-09-04"),
        ("sep 4", "2023-09-04"),
        ("4 September", "2023-09-04"),
        ("September 4th", "2023-09-04"),
        ("August 30", "2023-08-30"),
        ("on December 25", "2023-12-25"),
        ("September 4, 2022", "2022-09-04"),
        ("4 September 2022", "2022-09-04"),
        ("2022-09-04", "2022-09-04"),
        # A weekday next to an explicit date does not override it.
        ("Tuesday, September 12", "2023-09-12"),
    ],
)
def test_month_and_day(text, expected):
    assert resolve(text, TUE) == expected


def test_impossible_day_is_never_returned_as_a_day():
    for text in ("September 31", "February 30, 2023", "2023-02-30"):
        resolved = resolve(text, TUE)
        assert resolved is None or len(resolved) < 10, (text, resolved)


# --- weekdays ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "relation", "expected"),
    [
        # The publication weekday itself is the publication day, whatever the relation.
        ("On Tuesday", "before", "2023-09-05"),
        ("On Tuesday", "after", "2023-09-05"),
        ("On Tuesday", "unclear", "2023-09-05"),
        ("on monday", "before", "2023-09-04"),
        ("On Monday", "after", "2023-09-11"),
        ("On Monday", "unclear", "2023-09-04"),
        ("On Wednesday", "before", "2023-08-30"),
        ("On Wednesday", "after", "2023-09-06"),
        ("On Wednesday", "unclear", "2023-09-06"),
        ("On Friday", "unclear", "2023-09-08"),  # three days ahead
        ("On Saturday", "unclear", "2023-09-02"),  # three days back is nearer than four ahead
        ("On Saturday", "after", "2023-09-09"),
        ("On Sunday", "before", "2023-09-03"),
        ("On Sunday", "after", "2023-09-10"),
        # "last" and "next" force the side, whatever the relation says.
        ("last Tuesday", "after", "2023-08-29"),
        ("last Monday", "after", "2023-09-04"),
        ("past Tuesday", "unclear", "2023-08-29"),
        ("next Tuesday", "before", "2023-09-12"),
        ("next Monday", "before", "2023-09-11"),
        ("next Wednesday", "unclear", "2023-09-06"),
        ("coming Saturday", "before", "2023-09-09"),
        # "this" does not: the relation decides, as for a bare weekday.
        ("this Thursday", "before", "2023-08-31"),
        ("this Thursday", "after", "2023-09-07"),
        ("this Thursday", "unclear", "2023-09-07"),
    ],
)
def test_weekday_rules(text, relation, expected):
    assert resolve(text, TUE, relation) == expected


def test_on_tuesday_depends_on_the_publication_date():
    thursday, wednesday = date(2023, 9, 7), date(2023, 9, 13)
    first = resolve("On Tuesday", thursday, "before")
    second = resolve("On Tuesday", wednesday, "before")
    assert first == "2023-09-05"
    assert second == "2023-09-12"
    assert resolve("On Tuesday", wednesday, "unclear") == "2023-09-12"


def test_weekday_needs_a_whole_word():
    assert resolve("Tuesdays", TUE) is None


# --- relative words ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yesterday", "2023-09-04"),
        ("Today", "2023-09-05"),
        ("tonight", "2023-09-05"),
        ("tomorrow", "2023-09-06"),
        ("last week", "2023-08-28/2023-09-03"),
        ("past week", "2023-08-28/2023-09-03"),
        ("this week", "2023-09-04/2023-09-10"),
        ("next week", "2023-09-11/2023-09-17"),
        ("coming week", "2023-09-11/2023-09-17"),
        ("last month", "2023-08"),
        ("this month", "2023-09"),
        ("next month", "2023-10"),
        ("last year", "2022"),
        ("this year", "2023"),
        ("next year", "2024"),
    ],
)
def test_relative_to_publication(text, expected):
    assert resolve(text, TUE) == expected


def test_last_week_is_monday_to_sunday_even_when_published_on_a_sunday():
    sunday = date(2023, 9, 10)
    assert resolve("last week", sunday) == "2023-08-28/2023-09-03"
    assert resolve("this week", sunday) == "2023-09-04/2023-09-10"


def test_relative_months_cross_the_year():
    assert resolve("last month", date(2023, 1, 15)) == "2022-12"
    assert resolve("next month", date(2023, 12, 15)) == "2024-01"
    assert resolve("next week", date(2023, 12, 28)) == "2024-01-01/2024-01-07"


# --- month alone ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "relation", "expected"),
    [
        ("in July", "unclear", "2023-07"),
        ("in July", "before", "2023-07"),
        ("in July", "after", "2024-07"),  # a future July after a September publication
        ("in December", "before", "2022-12"),  # a past December before a September publication
        ("in December", "unclear", "2023-12"),
        ("in December", "after", "2023-12"),
        ("in September", "before", "2023-09"),
        ("in September", "after", "2023-09"),
        ("in January", "after", "2024-01"),
        ("Sept.", "unclear", "2023-09"),
        ("July 2019", "after", "2019-07"),
        ("May 2023", "unclear", "2023-05"),
        ("Jan. 2024", "unclear", "2024-01"),
    ],
)
def test_month_alone(text, relation, expected):
    assert resolve(text, TUE, relation) == expected


def test_may_alone_is_the_verb():
    assert resolve("they may meet", TUE) is None
    assert resolve("in May", TUE) is None


def test_month_inside_a_word_is_not_a_month():
    assert resolve("the marching band", TUE) is None
    assert resolve("a decent outcome", TUE) is None


# --- without a publication date ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "On Tuesday",
        "last Tuesday",
        "yesterday",
        "last week",
        "next month",
        "in July",
        "September 10",
        "September 10-13",
        "10-13 September",
        "no date at all",
        "",
    ],
)
def test_no_publication_date_and_no_year_is_none(text):
    assert resolve(text, None) is None
    assert resolve(text, None, "before") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in 2019", "2019"),
        ("July 2023", "2023-07"),
        ("September 10, 2023", "2023-09-10"),
        ("2023-09-10", "2023-09-10"),
        ("September 10-13, 2023", "2023-09-10/2023-09-13"),
    ],
)
def test_no_publication_date_but_a_year(text, expected):
    assert resolve(text, None) == expected


def test_nothing_to_resolve():
    assert resolve("soon", TUE) is None
    assert resolve("in the coming days", TUE) is None


# --- bounds and overlap --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "start", "end"),
    [
        ("2023-09-13", date(2023, 9, 13), date(2023, 9, 13)),
        ("2023-09", date(2023, 9, 1), date(2023, 9, 30)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2023-02", date(2023, 2, 1), date(2023, 2, 28)),
        ("2019", date(2019, 1, 1), date(2019, 12, 31)),
        ("2023-09-10/2023-09-13", date(2023, 9, 10), date(2023, 9, 13)),
        ("2023-12/2024-01", date(2023, 12, 1), date(2024, 1, 31)),
    ],
)
def test_bounds(value, start, end):
    assert bounds(value) == (start, end)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("2023-09-10/2023-09-13", "2023-09-12", True),
        ("2023-09-10/2023-09-13", "2023-09-13", True),
        ("2023-09-10/2023-09-13", "2023-09-14", False),
        ("2023-09-10/2023-09-13", "2023-09-09", False),
        ("2023-09", "2023-09-30", True),
        ("2023-09", "2023-10-01", False),
        ("2023", "2022-12-31/2023-01-01", True),
        ("2022", "2023-01", False),
        ("2023-09-04/2023-09-10", "2023-09-10/2023-09-17", True),
        ("2023-09-12", "2023-09-12", True),
        ("2023-09-12", "2023-09-13", False),
    ],
)
def test_overlap(a, b, expected):
    assert overlap(a, b) is expected
    assert overlap(b, a) is expected


# --- properties ----------------------------------------------------------------------------------

publications = st.dates(min_value=date(1901, 1, 1), max_value=date(2098, 12, 1))
relations = st.sampled_from(["before", "after", "unclear"])


@given(
    published=publications,
    weekday=st.sampled_from(list(calendar.day_name)),
    side=st.sampled_from(["", "this ", "last ", "past ", "next ", "coming "]),
    relation=relations,
)
def test_weekday_properties(published, weekday, side, relation):
    resolved = resolve(f"on {side}{weekday}", published, relation)
    assert resolved is not None
    day = date.fromisoformat(resolved)
    assert calendar.day_name[day.weekday()] == weekday
    delta = (day - published).days
    if side in ("last ", "past "):
        assert -7 <= delta <= -1
    elif side == "next ":
        assert 1 <= delta <= 7
    elif side == "coming ":
        assert 0 <= delta <= 6
    elif relation == "before":
        assert -6 <= delta <= 0  # never after publication
    elif relation == "after":
        assert 0 <= delta <= 6  # never before publication
    else:
        assert abs(delta) <= 3


@given(published=publications, data=st.data())
def test_month_day_without_year_takes_the_publication_year(published, data):
    month = data.draw(st.integers(1, 12))
    last = calendar.monthrange(published.year, month)[1]
    d1 = data.draw(st.integers(1, last))
    d2 = data.draw(st.integers(d1, last))
    name = calendar.month_name[month]
    assert resolve(f"{name} {d1}", published) == date(published.year, month, d1).isoformat()
    start, end = date(published.year, month, d1), date(published.year, month, d2)
    assert resolve(f"{name} {d1}-{d2}", published) == f"{start.isoformat()}/{end.isoformat()}"


EXPRESSIONS = [
    "On Tuesday",
    "last Friday",
    "next Sunday",
    "yesterday",
    "tomorrow",
    "last week",
    "next month",
    "this year",
    "in July",
    "in December",
    "May 2020",
    "September 10-13",
    "10-13 September",
    "December 30 - January 2",
    "September 30 to October 2",
    "August 30",
    "in 2019",
    "2023-09-10",
]


@given(
    text=st.sampled_from(EXPRESSIONS),
    published=st.none() | publications,
    relation=relations,
)
def test_resolved_values_have_ordered_bounds(text, published, relation):
    resolved = resolve(text, published, relation)
    if published is not None or text in ("May 2020", "in 2019", "2023-09-10"):
        assert resolved is not None
    else:
        assert resolved is None
    if resolved is None:
        return
    start, end = bounds(resolved)
    assert start <= end
    assert overlap(resolved, resolved)
    if published is not None and text in ("On Tuesday", "yesterday", "tomorrow", "last week"):
        # Each names a day or week next to publication.
        assert start - timedelta(days=7) <= published <= end + timedelta(days=7)


# --- other languages -------------------------------------------------------------------------

SEP12 = date(2023, 9, 12)  # a Tuesday, the day Kim's train reached Russia


@pytest.mark.parametrize(
    ("text", "relation", "expected"),
    [
        # Italian
        ("il 13 settembre", "after", "2023-09-13"),
        ("mercoledì", "after", "2023-09-13"),
        ("mercoledì", "before", "2023-09-06"),
        ("martedì", "before", "2023-09-12"),  # the publication weekday is the publication day
        ("ieri", "before", "2023-09-11"),
        ("lunedì scorso", "unclear", "2023-09-11"),
        ("il mese scorso", "before", "2023-08"),
        ("la settimana prossima", "after", "2023-09-18/2023-09-24"),
        ("dal 10 al 13 settembre", "after", "2023-09-10/2023-09-13"),
        ("3 giorni fa", "before", "2023-09-09"),
        # French
        ("le 13 septembre", "after", "2023-09-13"),
        ("mardi", "before", "2023-09-12"),
        ("mardi dernier", "unclear", "2023-09-05"),
        ("hier", "before", "2023-09-11"),
        ("avant-hier", "before", "2023-09-10"),
        ("la semaine dernière", "before", "2023-09-04/2023-09-10"),
        ("du 10 au 13 septembre", "after", "2023-09-10/2023-09-13"),
        ("le 1er septembre", "before", "2023-09-01"),
        ("en juillet", "before", "2023-07"),
        # Spanish
        ("el 13 de septiembre", "after", "2023-09-13"),
        ("el miércoles", "after", "2023-09-13"),
        ("el próximo lunes", "unclear", "2023-09-18"),
        ("ayer", "before", "2023-09-11"),
        ("el lunes por la mañana", "before", "2023-09-11"),  # "mañana" is the morning here
        ("la semana pasada", "before", "2023-09-04/2023-09-10"),
        ("del 10 al 13 de septiembre", "after", "2023-09-10/2023-09-13"),
        # German
        ("am 13. September", "after", "2023-09-13"),
        ("am Mittwoch", "after", "2023-09-13"),
        ("nächsten Montag", "unclear", "2023-09-18"),
        ("gestern", "before", "2023-09-11"),
        ("heute Morgen", "before", "2023-09-12"),  # "this morning", not "today tomorrow"
        ("letzte Woche", "before", "2023-09-04/2023-09-10"),
        ("vom 10. bis 13. September", "after", "2023-09-10/2023-09-13"),
        # Portuguese
        ("em 13 de setembro", "after", "2023-09-13"),
        ("na quarta-feira", "after", "2023-09-13"),
        ("na segunda", "before", "2023-09-11"),
        ("ontem", "before", "2023-09-11"),
        ("semana passada", "before", "2023-09-04/2023-09-10"),
        ("de 10 a 13 de setembro", "after", "2023-09-10/2023-09-13"),
        # Russian
        ("13 сентября", "after", "2023-09-13"),
        ("13-го сентября", "after", "2023-09-13"),
        ("в среду", "after", "2023-09-13"),
        ("в прошлый понедельник", "unclear", "2023-09-11"),
        ("вчера", "before", "2023-09-11"),
        ("на прошлой неделе", "before", "2023-09-04/2023-09-10"),
        ("с 10 по 13 сентября", "after", "2023-09-10/2023-09-13"),
        # Arabic
        ("13 سبتمبر", "after", "2023-09-13"),
        ("13 سبتمبر 2023", "unclear", "2023-09-13"),
        ("يوم الأربعاء", "after", "2023-09-13"),
        ("أمس", "before", "2023-09-11"),
        ("الأسبوع الماضي", "before", "2023-09-04/2023-09-10"),
        # Hebrew
        ("13 בספטמבר", "after", "2023-09-13"),
        ("ביום רביעי", "after", "2023-09-13"),
        ("אתמול", "before", "2023-09-11"),
    ],
)
def test_other_languages(text, relation, expected):
    assert resolve(text, SEP12, relation) == expected


@pytest.mark.parametrize(
    "text",
    [
        "il 13 settembre",
        "le 13 septembre",
        "el 13 de septiembre",
        "am 13. September",
        "13 сентября",
    ],
)
def test_a_year_less_date_in_another_language_takes_the_publication_year(text):
    # dateparser alone would place a past-tense "13 September" read on 12 September in 2022.
    assert resolve(text, SEP12, "before") == "2023-09-13"
    assert resolve(text, date(2021, 1, 4), "after") == "2021-09-13"
    assert resolve(text, None, "after") is None


def test_a_written_year_in_another_language_is_kept_and_a_day_is_not_lost_to_it():
    assert resolve("13 сентября 2023", None) == "2023-09-13"
    assert resolve("il 13 settembre 2022", SEP12) == "2022-09-13"
    assert resolve("settembre 2023", None) == "2023-09"


@pytest.mark.parametrize(
    ("text", "relation"),
    [
        ("on the final day of the forum", "after"),
        ("In recent days", "before"),
        ("negli ultimi giorni", "before"),  # "in recent days"
        ("ces derniers jours", "before"),
        ("sul finire della giornata", "after"),
        ("am letzten Tag des Forums", "after"),
        ("a segunda reunião", "before"),  # "the second meeting": not a Monday
        ("the Mars landing", "before"),  # "mars" is French for March only next to a date
        ("tre giorni fa", "before"),  # a number in words is not read
    ],
)
def test_no_date_word_no_date(text, relation):
    assert resolve(text, SEP12, relation) is None


def test_english_month_is_only_narrowed_by_another_language():
    # The English rules find July; French "mars" (March) must not replace it.
    assert resolve("Mars rover landed in July", SEP12, "before") == "2023-07"
    assert resolve("in September", SEP12, "before") == "2023-09"


def test_a_month_name_inside_a_longer_word_is_not_the_english_month():
    # "13 sept" is not in "13 septembre": the French range is read whole, not as its last day.
    assert resolve("du 10 au 13 septembre", SEP12) == "2023-09-10/2023-09-13"
    assert resolve("13 dicembre", SEP12) == "2023-12-13"


@given(
    published=publications,
    weekday=st.integers(0, 6),
    relation=relations,
    language=st.sampled_from(["it", "fr", "es", "de", "pt", "ru"]),
)
def test_weekdays_in_other_languages_follow_the_english_rules(
    published, weekday, relation, language
):
    names = {
        "it": "lunedì martedì mercoledì giovedì venerdì sabato domenica",
        "fr": "lundi mardi mercredi jeudi vendredi samedi dimanche",
        "es": "lunes martes miércoles jueves viernes sábado domingo",
        "de": "Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag",
        "pt": "segunda-feira terça-feira quarta-feira quinta-feira sexta-feira sábado domingo",
        "ru": "понедельник вторник среда четверг пятница суббота воскресенье",
    }
    foreign = names[language].split()[weekday]
    assert resolve(foreign, published, relation) == resolve(
        calendar.day_name[weekday], published, relation
    )


def test_english_needs_no_other_language(monkeypatch):
    # The English rules answer first: the other languages' data is not even consulted.
    import briefgen.text.dates as dates

    def refuse(text):
        raise AssertionError(f"other languages consulted for {text!r}")

    monkeypatch.setattr(dates, "_languages_of", refuse)
    dates.resolve.cache_clear()
    try:
        assert dates.resolve("September 10-13", TUE) == "2023-09-10/2023-09-13"
        assert dates.resolve("On Tuesday", TUE, "before") == "2023-09-05"
        assert dates.resolve("last week", TUE) == "2023-08-28/2023-09-03"
    finally:
        dates.resolve.cache_clear()


@pytest.mark.parametrize(
    "word", ["Wednesday", "Sunday.", "mercoledì", "Mittwoch", "среда", "settembre", "miércoles"]
)
def test_a_weekday_or_a_month_alone_is_a_calendar_word(word):
    assert is_calendar_word(word)


@pytest.mark.parametrize(
    "word", ["May", "June", "Domingo", "Mars", "Wednesday Addams", "Putin", "Secondo", ""]
)
def test_a_name_or_a_longer_text_is_not_a_calendar_word(word):
    assert not is_calendar_word(word)
