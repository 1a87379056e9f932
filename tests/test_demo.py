"""The bundled demo end to end: hand-written recordings replayed under the real openai SDK."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from briefgen.cli import main
from briefgen.extract.grounding import is_grounded, normalize
from briefgen.ingest import inputs
from briefgen.pipeline import DEMO_DIR
from briefgen.schemas import Brief

NOISE = (
    "I cannot reword",
    "Subscribe",
    "Written by",
    "AP Images",
    "You can also read",
    "Okinawa",
    "Tamaki",
    "Futenma",
    "24 Issues Per Year",
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    out, js = folder / "brief.md", folder / "brief.json"
    result = CliRunner().invoke(main, ["demo", "--out", str(out), "--json", str(js)])
    return result, out.read_text(), Brief.model_validate_json(js.read_text())


def test_demo_runs_offline_and_says_where_its_answers_came_from(demo):
    result, markdown, brief = demo
    assert result.exit_code == 0, result.stderr
    assert brief.model == "hand-written"
    assert re.fullmatch(r"extract-v1\+[0-9a-f]{8}", brief.prompt_version)
    assert f"Model: hand-written; prompt version: {brief.prompt_version}" in markdown
    assert [s.article.id[:3] for s in brief.sources] == ["000", "001", "002", "003", "004"]
    assert brief.failures == []


def test_each_person_is_one_actor_with_all_their_names(demo):
    _, _, brief = demo
    kims = [a for a in brief.actors if any("Kim Jong" in n for n in a.names)]
    assert len(kims) == 1
    assert {"Kim Jong-un", "Kim Jong Un"} <= set(kims[0].names)
    assert kims[0].sources == [1, 2, 3, 4, 5]
    putins = [a for a in brief.actors if any("Putin" in n for n in a.names)]
    assert len(putins) == 1
    assert putins[0].name == "Vladimir Putin"
    assert putins[0].sources == [1, 2, 3, 4, 5]
    names = [a.name for a in brief.actors]
    assert len(names) == len(set(names))


def test_the_venue_disagreement_is_shown_with_its_sources(demo):
    _, markdown, brief = demo
    assert brief.venue.disputed
    venues = {v.value: v.sources for v in brief.venue.values}
    assert venues["Vladivostok"] == [1, 2, 3, 5]
    assert venues["Vostochny Cosmodrome"] == [3, 4]
    assert "## Where — sources disagree" in markdown
    assert "the Vostochny Cosmodrome space center" in markdown


def test_dates_fall_in_september_2023_and_keep_their_words(demo):
    _, markdown, brief = demo
    resolved = [v.value for v in brief.date.values if v.value]
    assert resolved
    assert all(v.startswith("2023-09") for v in resolved)
    assert not brief.date.disputed
    assert "“Sunday to Wednesday (September 10-13)”" in markdown
    tuesdays = {e.date for e in brief.timeline if any("Tuesday" in w for w in e.as_written)}
    assert tuesdays == {"2023-09-05", "2023-09-12"}  # one word, two dates, by publication


def test_no_noise_from_the_articles_reaches_the_brief(demo):
    _, markdown, brief = demo
    dumped = brief.model_dump_json()
    for noise in NOISE:
        assert noise not in markdown
        assert noise not in dumped


def test_every_quote_in_the_brief_is_in_the_article_it_cites(demo):
    _, _, brief = demo
    texts = {n: normalize(a.text) for n, a in enumerate(inputs.load([DEMO_DIR]), start=1)}
    quotes = [q for a in brief.actors for q in a.quotes]
    quotes += [q for c in (*brief.asks, *brief.warnings, *brief.motives) for q in c.quotes]
    quotes += [q for v in (*brief.venue.values, *brief.date.values) for q in v.quotes]
    quotes += [q for e in brief.timeline for q in e.quotes]
    assert len(quotes) > 100
    for quote in quotes:
        assert is_grounded(quote.quote, texts[quote.source]), quote


def test_restatements_across_articles_are_folded(demo):
    _, _, brief = demo
    kirby = [c for c in brief.asks if c.who == "John Kirby" and c.whom == "North Korea"]
    assert [c.sources for c in kirby] == [[1, 5]]


def test_recordings_are_labelled_hand_written_and_hold_no_secret():
    files = sorted((DEMO_DIR / "recordings").glob("*.json"))
    assert len(files) == 5
    for path in files:
        text = path.read_text()
        exchange = json.loads(text)
        assert exchange["source"] == "hand-written"
        assert exchange["response"]["body"]["model"] == "hand-written"
        assert "authorization" not in text.lower()
        assert "sk-" not in text
