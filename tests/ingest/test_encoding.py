"""Bytes to text: BOMs, declared charsets, UTF-8, and guesses that prefer the right code page."""

from __future__ import annotations

import re

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


# --- a declared charset whose reading cannot be the text -------------------------------------

ENGLISH = (
    "Kim Jong Un will meet Vladimir Putin in Vladivostok, officials in Seoul said on Monday, "
    "and the talks could last two days."
)


def even(data: bytes) -> bytes:
    """UTF-16 decodes only an even number of bytes: the misdeclared page that decodes at all."""
    return data if len(data) % 2 == 0 else data + b" "


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (even(f"<html lang='en'><body><p>{ENGLISH}</p></body></html>".encode()), "language is en"),
        (even(ENGLISH.encode()), "bytes read as UTF-8 are Latin|are no text's"),
        (even((SAMPLES["fr"] + " Les élèves sont là.").encode()), "are no text's"),
    ],
    ids=["html-lang", "plain-latin", "unassigned"],
)
def test_utf8_declared_as_utf16_falls_back_and_says_why(data, why):
    """Before: the whole text read as CJK ideographs, no warning; now read as UTF-8."""
    misread = data.decode("utf-16")
    assert not any(c.isascii() and c.isalpha() for c in misread)  # mojibake, if believed
    decoded = decode(data, declared="utf-16")
    assert decoded.text == data.decode("utf-8")
    assert decoded.encoding == "utf-8"
    assert decoded.set_aside is not None and re.search(why, decoded.set_aside)
    assert decoded.set_aside.startswith("utf-16 set aside (")


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("北京周一表示，金正恩将在符拉迪沃斯托克会见普京。" * 3, "utf-16-le"),
        (
            "<html lang='zh'><body>北京周一表示，金正恩将在符拉迪沃斯托克会见普京。</body></html>",
            "gb2312",
        ),
        ("金正恩氏はウラジオストクでプーチン大統領と会談する。" * 3, "shift_jis"),
        ("김정은 위원장이 블라디보스토크에서 푸틴 대통령을 만난다.", "euc-kr"),
        ("Ким Чен Ын встретится с Путиным во Владивостоке.", "cp1251"),
    ],
)
def test_a_true_declaration_of_another_script_is_kept(text, encoding):
    declared = "utf-16" if encoding == "utf-16-le" else encoding
    decoded = decode(text.encode(encoding), declared=declared)
    assert (decoded.text, decoded.set_aside) == (text, None)


def test_a_file_declaring_utf16_in_its_meta_is_read_as_utf8_and_the_report_says_so(tmp_path):
    path = tmp_path / "a.html"
    page = f'<html lang="en"><head><meta charset="utf-16"><title>Kim to meet Putin</title></head><body><article><p>{ENGLISH}</p><p>{SAMPLES["fr"]}</p></article></body></html>'  # noqa: E501
    path.write_bytes(even(page.encode()))
    (article,) = load([path])
    assert ENGLISH in article.text
    (note,) = [r.reason for r in article.removed if "charset" in r.reason]
    assert note.startswith("declared charset utf-16 set aside (")
    assert note.endswith("; read as utf-8")
