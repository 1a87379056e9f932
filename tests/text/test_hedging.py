"""Counterfactuals and claimants, both ways."""

from __future__ import annotations

import pytest

from briefgen.text.hedging import claimant, counterfactual


@pytest.mark.parametrize(
    "text",
    [
        "the war would not have broken out",
        "the war wouldn't have broken out",
        "the invasion could have been avoided",
        "Kim might never have come",
        "it should've gone ahead",
        "had it not been for the sanctions",
        "if Russia had not invaded",
        "Der Krieg wäre nicht ausgebrochen",
        "Das hätte es ohne Putin nie gegeben",
    ],
)
def test_counterfactuals(text):
    assert counterfactual(text)


@pytest.mark.parametrize(
    "text",
    [
        "Russia invaded Ukraine",
        "the summit would have three sessions",
        "he would have to leave",
        "the meeting would take place on Wednesday",
        "Kim had met Putin in 2019",
        "Putin hatte Kim getroffen",
    ],
)
def test_not_counterfactuals(text):
    assert not counterfactual(text)


@pytest.mark.parametrize(
    ("quote", "who"),
    [
        ("Kirby said that North Korea had deployed missiles in 2022", "Kirby"),
        ("according to Kirby, North Korea sent missiles", "Kirby"),
        ("missiles were sent in 2022, said John Kirby.", "John Kirby"),
        ("citing Shoigu’s alleged remarks on September 4", "Shoigu"),
        ("remarks on September 4, according to an Interfax report", "an Interfax report"),
        ("Kim wants support from Russia, per The Associated Press", "The Associated Press"),
        ("On September 4, The New York Times reported, citing sources", "The New York Times"),
    ],
)
def test_claimants(quote, who):
    assert claimant(quote) == who


@pytest.mark.parametrize(
    "quote",
    [
        "According to various reports on Tuesday, there are plans for a meeting",
        "Earlier in August, it was reported that Putin and Kim had exchanged letters",
        "He said the summit would begin on Monday",
        "North Korea had deployed infantry rockets and missiles to Russia in 2022",
        "In July, Shoigu also visited North Korea",
    ],
)
def test_no_claimant(quote):
    assert claimant(quote) is None
