"""Countries under one key (ISO 3166-1 alpha-2), known by names of several kinds."""

from __future__ import annotations

from briefgen.text import lexicon


def test_names_short_forms_and_codes_give_one_key():
    for written in ("U.S.", "US", "USA", "America", "United States", "United States of America"):
        assert lexicon.country(written) == "US", written
    for written in ("UK", "Britain", "Great Britain", "United Kingdom"):
        assert lexicon.country(written) == "GB", written
    assert lexicon.country("Russian Federation") == lexicon.country("Russia") == "RU"
    assert lexicon.country("São Tomé and Príncipe") == "ST"
    assert lexicon.country("gbr", (lexicon.CODE,)) == "GB"
    assert lexicon.country("gbr") is None  # a code only when codes are asked for


def test_each_kind_is_read_only_when_asked_for():
    assert lexicon.country("Moscow") is None
    assert lexicon.country("Moscow", (lexicon.NAME, lexicon.CAPITAL)) == "RU"
    assert lexicon.country("British", (lexicon.DEMONYM,)) == "GB"
    assert lexicon.country("England", (lexicon.PART,)) == "GB"
    assert lexicon.country("England") is None  # not the United Kingdom's own name
    assert lexicon.country("Stati Uniti", (lexicon.FOREIGN,)) == "US"
    assert lexicon.country("Russie", (lexicon.FOREIGN,)) == "RU"


def test_a_name_several_countries_go_by_means_none():
    for written in ("Congo", "Korea", "Guinea"):
        assert lexicon.country(written, (lexicon.NAME, lexicon.CODE)) is None, written
    assert lexicon.known("Congo")  # still a country's name


def test_a_key_gives_its_names_and_other_codes():
    assert lexicon.alpha3("US") == "USA"
    assert lexicon.name("US") == "United States"
    assert lexicon.name("PS") == "Palestinian Territory"
    assert {"UK", "Britain", "United Kingdom"} <= set(lexicon.names("GB"))
    assert "british" in lexicon.names("GB", (lexicon.DEMONYM,))
