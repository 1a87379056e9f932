"""The one stemmer: claims and story evidence compare words by it."""

from __future__ import annotations

from briefgen.text.stems import stem


def test_inflections_share_a_stem():
    assert stem("negotiations") == stem("negotiating") == "negoti"
    assert stem("warns") == stem("warn") == "warn"
    assert stem("artillery") == "artilleri"
