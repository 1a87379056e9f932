"""What sources say about an article beside its text: publication dates in every form."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from briefgen.ingest.metadata import SourceMeta, parse_published


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2016-11-06T23:30:00-05:00", date(2016, 11, 6)),  # its own zone, not the 7th in UTC
        ("Sun, 06 Nov 2016 14:30:00 GMT", date(2016, 11, 6)),
        ("6 novembre 2016", date(2016, 11, 6)),
        (datetime(2016, 11, 6, 23, 30, tzinfo=timezone(timedelta(hours=-5))), date(2016, 11, 6)),
        (date(2016, 11, 6), date(2016, 11, 6)),
    ],
)
def test_a_date_in_any_form_real_data_has_is_read(value, expected):
    assert parse_published(value) == (expected, False)


@pytest.mark.parametrize("value", [None, "", "null", "N/A", "unknown", "0"])
def test_a_missing_date_is_none_and_no_complaint(value):
    assert parse_published(value) == (None, False)


@pytest.mark.parametrize("value", ["Tuesday", "yesterday", "2016-13-45", "1 May 1066", [2016]])
def test_a_value_that_is_no_publication_date_is_none_and_said(value):
    assert parse_published(value) == (None, True)


def test_source_meta_reads_any_date_form_and_refuses_unknown_fields():
    assert SourceMeta(published="November 6, 2016").published == date(2016, 11, 6)
    assert SourceMeta(published="Tuesday").published is None
    with pytest.raises(ValidationError):
        SourceMeta.model_validate({"title": "t", "publisher": "not a field"})
