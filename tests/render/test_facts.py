"""What both pages say, decided once (render/facts.py)."""

from __future__ import annotations

from datetime import date

from briefgen.render import facts
from briefgen.schemas import Slot, SlotValue


def value(name, reported, certainty="reported", superseded_by=None, sources=(1,)):
    return SlotValue(
        value=name,
        as_written=[name],
        certainty=certainty,
        superseded_by=superseded_by,
        sources=list(sources),
        independent=len(sources),
        reported=reported,
        quotes=[],
    )


def test_the_latest_report_is_named_only_when_one_answer_alone_is_latest():
    a, b = value("Vladivostok", date(2023, 9, 5)), value("Vostochny", date(2023, 9, 12))
    assert facts.latest(Slot(values=[a, b], disputed=True)) is b
    assert facts.latest(Slot(values=[a, b], disputed=False)) is None  # no dispute, no mark
    tie = value("Moscow", date(2023, 9, 12))
    assert facts.latest(Slot(values=[a, b, tie], disputed=True)) is None
    old = value("Pyongyang", date(2023, 9, 13), superseded_by="Vostochny")
    assert facts.latest(Slot(values=[a, b, old], disputed=True)) is b  # superseded: not current


def test_a_superseded_answer_says_what_replaced_it():
    old = value("Vladivostok", date(2023, 9, 5), "planned", superseded_by="Vostochny")
    firm = value("Vostochny", date(2023, 9, 12), "confirmed")
    slot = Slot(values=[old, firm], disputed=False)
    assert facts.split(slot) == ([firm], [old])
    assert facts.replaced(old, slot, "venue") == (firm, "it took place at")
    assert facts.replaced(old, slot, "date") == (firm, "it took place on")
    unsure = firm.model_copy(update={"certainty": "reported"})
    assert facts.replaced(old, Slot(values=[old, unsure], disputed=False), "venue")[1] == (
        "later reports give"
    )


def test_counts_hedges_and_flat_text():
    assert facts.count([1]) == "1 report"
    assert facts.count([1], 1) == "1 report"
    assert facts.count([1, 2, 3], 2) == "3 reports, 2 origins"
    assert facts.count([1, 2], 2) == "2 reports, 2 origins"
    assert facts.count([1, 2], 1) == "2 reports, 1 origin"
    assert facts.hedge("confirmed") is None and facts.hedge("speculated") == "speculated"
    assert facts.flat("a\n\tb\u202ec\x00") == "a bc"
