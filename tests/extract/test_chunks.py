"""Long articles in parts: splitting on boundaries with overlap, combining the parts' findings."""

from __future__ import annotations

import itertools

from briefgen.extract.chunks import combine, split
from briefgen.pipeline import make_brief
from briefgen.render import markdown

from conftest import SAMPLE_TEXT, sample_extraction, settings_for
from fakeserver import Reply, chat_completion

FILLER = "\n\n".join(
    f"Paragraph {i}. The delegation toured the port and met local officials. Talks went on."
    for i in range(60)
)


def test_a_short_text_is_one_part():
    assert split("One. Two.", 100) == ["One. Two."]


def test_parts_fit_end_on_boundaries_overlap_and_cover_the_text():
    text = FILLER
    parts = split(text, 1000)
    assert len(parts) > 3
    assert all(len(p) <= 1000 for p in parts)
    assert all(p.rstrip().endswith((".", "on.")) for p in parts)  # a sentence's end
    assert all(p in text for p in parts)  # slices of the text: quotes stay verbatim
    for before, after in itertools.pairwise(parts):
        assert after[:40] in before  # each part starts inside the one before it
    assert parts[0].startswith("Paragraph 0.") and parts[-1].endswith("Talks went on.")


def test_combining_keeps_one_actor_with_every_alias_and_one_of_each_item():
    one = sample_extraction()
    kim = one.actors[0]
    two = one.model_copy(update={"actors": [kim.model_copy(update={"aliases": ["Kim"]})]})
    combined = combine([one, two])
    assert [a.name for a in combined.actors] == ["Kim Jong Un", "Vladimir Putin"]
    assert combined.actors[0].aliases == ["Mr. Kim", "Kim"]
    assert combined.warnings == one.warnings and combined.dates == one.dates


def test_a_long_article_is_extracted_in_parts_and_merged_back(server, tmp_path):
    server.default = Reply(body=chat_completion(sample_extraction().model_dump_json()))
    story = tmp_path / "long.txt"
    story.write_text(f"Kim to meet Putin\n{SAMPLE_TEXT}\n\n{FILLER}\n\n{SAMPLE_TEXT} Again.")
    brief = make_brief([story], settings_for(server, context_tokens=500, grounding_reask=False))
    (source,) = brief.sources
    assert source.chunks == len(server.requests) > 3
    assert source.failed is None
    assert [a.name for a in brief.actors] == ["Kim Jong Un", "Vladimir Putin"]
    assert source.kept == 6  # the items of both parts that quote them, once each
    assert f"long: extracted in {source.chunks} parts" in markdown(brief)
