"""Bytes to text: BOMs, declared charsets, UTF-8, and guesses that prefer the right code page."""

from __future__ import annotations

import pytest

from briefgen.ingest.encoding import decode
from briefgen.ingest.inputs import load

SAMPLES = {
    "fr": "Réunion à Vladivostok : les élèves sont arrivés à l'école, où le maître les attend.",
    "de": "Die Schüler trafen sich in München. Größere Änderungen wurden für Frühjahr geplant.",
    "es": "El niño español habló con la señora en Málaga; mañana irán a la estación.",
    "it": "Perché la città è così bella? Più di cento persone sono già arrivate lì.",
}
POLISH = "Żółta łódź płynęła szybko przez jezioro. Spotkanie w Łodzi odbędzie się jutro."


@pytest.mark.parametrize("language", sorted(SAMPLES))
@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-8"])
def test_western_european_text_in_its_legacy_code_pages(language, encoding):
    text = SAMPLES[language]
    decoded = decode(text.encode(encoding))
    assert decoded is not None and decoded.text == text
    assert decoded.guessed == (encoding != "utf-8")


@pytest.mark.parametrize("encoding", ["cp1250", "utf-8"])
def test_polish_text_in_windows_1250(encoding):
    decoded = decode(POLISH.encode(encoding))
    assert decoded is not None and decoded.text == POLISH


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Встреча в Москве состоится завтра, сказали официальные лица.", "cp1251"),
        ("Η συνάντηση θα γίνει αύριο στην Αθήνα, είπαν οι αξιωματούχοι.", "cp1253"),
    ],
)
def test_other_scripts_keep_their_guess(text, encoding):
    assert decode(text.encode(encoding)).text == text


def test_a_declared_charset_and_a_bom_win_over_any_guess():
    page = '<html><head><meta charset="windows-1250"></head><body>Łódź</body></html>'
    assert "Łódź" in decode(page.encode("cp1250")).text
    assert decode("Réunion".encode("latin-1"), declared="iso-8859-1").guessed is False
    assert decode("\ufeffRéunion".encode("utf-8")).text == "Réunion"
    assert decode("Réunion".encode("utf-16")).text == "Réunion"


def test_a_latin_1_file_reads_right_and_the_guess_is_in_the_cleaning_report(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(("Réunion à Vladivostok\n" + SAMPLES["fr"]).encode("latin-1"))
    (article,) = load([path])
    assert article.title == "Réunion à Vladivostok"
    assert "élèves" in article.text
    assert article.removed[0].reason == "decoding guessed: cp1252 (not UTF-8, none declared)"


def test_a_file_over_the_byte_cap_is_unreadable_with_the_reason(tmp_path):
    from briefgen.ingest.article import InputOptions
    from briefgen.ingest.inputs import read

    path = tmp_path / "huge.txt"
    path.write_text("Headline\n" + "word " * 3000)
    (found,) = read([path], options=InputOptions(max_bytes=10_000))
    assert found.reason == (
        "huge.txt: 15,009 bytes, more than the 10,000 a run reads per file (max_input_bytes)"
    )
