"""Volatile page furniture: stamps that change on every visit and counters are not content, so
an unchanged article stays unchanged for the cache. Prose that uses the same words stays."""

from __future__ import annotations

import pytest

from briefgen.ingest.cleaning import COUNTER, DATELINE, clean

BODY = "Putin and Trump met in Alaska on Friday. The talks lasted three hours."


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Updated 2 hours ago", "Updated 5 hours ago"),
        ("Updated 5 hours ago.", "Updated 1 day ago."),
        ("2 hours ago", "just now"),
        ("Views: 1,204", "Views: 1,377"),
        ("1,204 views", "1.2K views"),
        ("Shares: 320 | Comments: 14", "Shares: 402 | Comments: 19"),
        ("5 min read", "6 min read"),
        ("Aktualisiert vor 3 Stunden", "Aktualisiert vor einem Tag"),
        ("Stand: 15.08.2025, 10:07 Uhr", "Stand: 16.08.2025 06:12 Uhr"),
        ("1.377 Aufrufe · Lesezeit: 4 Minuten", "2.001 Aufrufe · Lesezeit: 4 Minuten"),
        ("Mis à jour il y a 2 heures", "Mis à jour le 15/08/2025 à 10h07"),
        ("Actualizado hace 3 horas", "Actualizado hace 5 horas"),
        ("Aggiornato 2 ore fa", "Aggiornato 20 minuti fa"),
        ("Обновлено 2 часа назад", "Просмотров: 1 204"),
        ("Оновлено 3 години тому", "Час читання: 4 хв"),
    ],
)
def test_a_page_seen_again_with_new_stamps_and_counters_is_the_same_text(first, second):
    one, removed_one, _ = clean(f"{first}\n{BODY}")
    two, removed_two, _ = clean(f"{second}\n{BODY}")
    assert one == two == BODY
    assert {r.reason for r in removed_one + removed_two} <= {DATELINE, COUNTER}


def test_a_stamp_inside_a_line_goes_with_its_brackets_and_full_stop():
    text, removed, _ = clean(
        "Putin and Trump met in Alaska on Friday (Last updated: 06:50 GMT). Updated 2 hours "
        "ago. The talks lasted three hours. 12 comments"
    )
    assert text == BODY
    assert [r.text for r in removed] == [
        "(Last updated: 06:50 GMT)",
        "Updated 2 hours ago.",
        "12 comments",
    ]


@pytest.mark.parametrize(
    "prose",
    [
        "He made 12 comments about the deal, the Kremlin said.",
        "The video got 1,204 views on Friday, officials said.",
        "Trump arrived two hours ago, the Kremlin said.",
        "Trump said he had met Putin 3 days ago in private.",
        "The talks, which began 2 hours ago, were still going on.",
        "Er sagte, die Gespräche hätten vor 3 Stunden begonnen.",
        "Il a dit que la réunion avait commencé il y a 2 heures.",
        "Он сказал, что встреча началась 2 часа назад.",
        "5 min reading list for the summit: what to know.",
        "The Stand: a column on the summit.",
    ],
)
def test_prose_that_uses_the_same_words_stays(prose):
    text, removed, _ = clean(prose)
    assert text == prose and removed == []
