"""What the date rules read for the brief's context: a time of day alone, an expression
counted from another event, and the day it gives."""

from __future__ import annotations

import pytest

from briefgen.text.dates import EventRelative, counted_from, event_relative, resolve, time_of_day


@pytest.mark.parametrize(
    "text",
    ["at 11:26 a.m.", "11:26", "around 3 p.m. local time", "at noon", "um 14.30 Uhr", "14:30 GMT"],
)
def test_a_time_of_day_alone(text):
    assert time_of_day(text)


@pytest.mark.parametrize(
    "text", ["13.09", "at 11:26 a.m. on Wednesday", "in 2019", "on the final day", "8 September"]
)
def test_not_a_time_of_day_alone(text):
    assert not time_of_day(text)


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("on the final day of the forum", EventRelative(True, 0, True, "the forum")),
        ("the last day of the summit", EventRelative(True, 0, True, "the summit")),
        ("on the first day of the forum", EventRelative(False, 0, True, "the forum")),
        ("the second day of the forum", EventRelative(False, 1, True, "the forum")),
        ("the day after the summit", EventRelative(True, 1, False, "the summit")),
        ("two days before the summit", EventRelative(False, -2, False, "the summit")),
        ("on the eve of the G20 summit", EventRelative(False, -1, False, "the G20 summit")),
    ],
)
def test_expressions_counted_from_an_event(text, read):
    assert event_relative(text) == read
    assert resolve(text, None) is None  # the publication date alone never resolves them


@pytest.mark.parametrize(
    "text", ["on the final day", "on the same day", "in recent days", "the day after", "a day"]
)
def test_expressions_not_counted_from_a_named_event(text):
    assert event_relative(text) is None


def test_the_day_counted_from_an_event_range():
    forum = "2023-09-10/2023-09-13"
    assert counted_from(forum, event_relative("the final day of the forum")) == "2023-09-13"
    assert counted_from(forum, event_relative("the first day of the forum")) == "2023-09-10"
    assert counted_from(forum, event_relative("the day after the forum")) == "2023-09-14"
    assert counted_from(forum, event_relative("the eve of the forum")) == "2023-09-09"
    # an nth day of a one-day date, or outside the range, or of a month, is not guessed
    assert counted_from("2023-09-09", event_relative("the final day of the summit")) is None
    assert (
        counted_from("2023-09-10/2023-09-11", event_relative("the third day of the talks")) is None
    )
    assert counted_from("2023-09", event_relative("the day after the summit")) is None
