"""One answer to 'where?' or 'when?' with its sources: what the venue and date slots share."""

from __future__ import annotations

from datetime import date

from briefgen.merge.slots import SlotItem, slot_value


def test_an_answer_lists_its_sources_words_and_firmest_certainty():
    items = [
        SlotItem(3, "Vladivostok", "in Vladivostok", "planned"),
        SlotItem(1, "the port city of Vladivostok", "the port city", "speculated"),
        SlotItem(3, "Vladivostok", "in Vladivostok", "planned"),  # the same mention twice
    ]
    published = {1: date(2023, 9, 4), 3: date(2023, 9, 6)}
    value = slot_value("Vladivostok", items, published, story={})
    assert value.sources == [1, 3]
    assert value.as_written == ["Vladivostok", "the port city of Vladivostok"]
    assert value.certainty == "planned"  # the firmest of planned and speculated
    assert value.reported == date(2023, 9, 6)
    assert [(q.source, q.quote) for q in value.quotes] == [
        (1, "the port city"),
        (3, "in Vladivostok"),
    ]


def test_copies_of_one_story_count_once_and_inner_places_support_the_answer():
    items = [SlotItem(1, "Russia", "in Russia"), SlotItem(2, "Russia", "in Russia")]
    inner = [SlotItem(4, "Vostochny Cosmodrome", "at the Vostochny Cosmodrome")]
    value = slot_value("Russia", items, {}, story={2: 1}, inner=inner)
    assert value.sources == [1, 2, 4]
    assert value.independent == 2  # 2 is a copy of 1's story
    assert value.contains == ["Vostochny Cosmodrome"]
    assert value.as_written == ["Russia"]
    assert value.reported is None  # no source has a date
