"""Bytes to text, the way real news files and pages need it.

In order: a byte-order mark; a declared charset (the HTTP header, an HTML `<meta charset>`, an
XML declaration); UTF-8 when the bytes are valid UTF-8; else a guess by charset-normalizer.

charset-normalizer's guess for short Western European text in Latin-1 or Windows-1252 is often
a Central European code page ("Réunion à Vladivostok" comes out "Réunion ŕ Vladivostok",
"élèves" as "élčves"), and for Italian it can be Vietnamese. Both decode without error, so the
bytes alone cannot tell. What can: Polish text in Windows-1250, read as Windows-1252, puts
symbols inside words (ł as "³", ą as "¹", ż as "¯"); Western text read so does not.
So when the guess is not of another script, Windows-1252 wins if it reads the bytes with no
symbol inside a word, then Windows-1250 on the same test; a guess of another script (Cyrillic,
Greek, ...) is kept. Czech text without such letters may be read as Windows-1252. A guessed
decoding is reported, so it shows in the article's cleaning report.

A declared charset wins over any guess, unless what it reads cannot be text: UTF-8 served as
`charset=utf-16` decodes without an error into CJK ideographs, and a wrong single-byte
declaration can fill a page with unassigned code points. So a declaration is set aside when its
reading has many characters no text has (unassigned, private use, surrogates, control
characters, U+FFFD: more than 2% of what is not white space), or is mostly CJK letters while
the page's `lang` names a language of another script or the same bytes read as valid UTF-8
give mostly Latin letters. Then decoding goes on as if nothing were declared (a later
declaration, UTF-8, a guess), and the cleaning report says so.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from briefgen.schemas import Removed

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.-]+)["']""", re.I)
# What Windows-1250 letters look like when read as Windows-1252: symbols, not letters.
_SYMBOL_IN_WORD = re.compile(
    r"(?<=[^\W\d_])[\u00a1-\u00bf\u02c6\u02dc\u2018-\u201e]|[\u00a1-\u00bf](?=[^\W\d_])"
)


OTHER_SCRIPTS = (
    "Cyrillic",
    "Greek",
    "Arabic",
    "Hebrew",
    "CJK",
    "Hangul",
    "Hiragana",
    "Katakana",
    "Thai",
    "Devanagari",
    "Armenian",
    "Georgian",
)


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    guessed: bool = False  # not declared, not a BOM, not valid UTF-8
    set_aside: str | None = None  # a declared charset whose reading was not plausible, and why


def decoding_note(decoded: Decoded) -> list[Removed]:
    """A guessed decoding, or a declared charset set aside, for the article's cleaning report."""
    notes = []
    if decoded.set_aside:
        notes.append(f"declared charset {decoded.set_aside}; read as {decoded.encoding}")
    elif decoded.guessed:
        notes.append(f"decoding guessed: {decoded.encoding} (not UTF-8, none declared)")
    return [Removed(reason=note, text="") for note in notes]


# Scripts of languages that write with CJK ideographs, kana or hangul (a page's `lang`).
_CJK_LANGUAGES = frozenset({"zh", "ja", "ko", "yue", "cmn", "wuu", "hak", "nan", "gan", "lzh"})
_LANG = re.compile(rb"""<html[^>]*?\slang\s*=\s*["']?([A-Za-z]{2,3})""", re.I)
_SAMPLE = 20_000  # characters looked at: enough to tell, cheap on a long page
_CJK = ((0x2E80, 0x9FFF), (0xA000, 0xA4CF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF))


def _is_cjk(c: str) -> bool:
    code = ord(c)
    return any(low <= code <= high for low, high in _CJK)


def _no_text(c: str) -> bool:
    """A character no text has: unassigned, private use, a surrogate, a control (but white
    space), or the replacement character."""
    if c == "\ufffd":
        return True
    category = unicodedata.category(c)
    return category in ("Cn", "Co", "Cs") or (category == "Cc" and not c.isspace())


def _mostly(letters: list[str], test: Callable[[str], bool]) -> bool:
    return bool(letters) and sum(1 for c in letters if test(c)) * 2 > len(letters)


def _latin(c: str) -> bool:
    return c.isascii() or unicodedata.name(c, "").startswith("LATIN")


def implausible(text: str, data: bytes) -> str | None:
    """Why `text`, read from `data` by a declared charset, cannot be what was written; None
    when it can."""
    sample = text[:_SAMPLE]
    shown = [c for c in sample if not c.isspace()]
    if not shown:
        return None
    bad = sum(1 for c in shown if _no_text(c))
    if bad > 2 and bad * 50 > len(shown):
        return f"{bad * 100 // len(shown)}% of its characters are no text's"
    letters = [c for c in shown if c.isalpha()]
    if not _mostly(letters, _is_cjk):
        return None
    if (lang := _LANG.search(data[:4096])) and lang.group(1).decode().lower() not in _CJK_LANGUAGES:
        return f"CJK text in a page whose language is {lang.group(1).decode()}"
    try:
        other = data[: _SAMPLE * 4].decode("utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        if exc.start < _SAMPLE * 4 - 4:  # not merely a character cut at the sample's end
            return None
        other = data[: exc.start].decode("utf-8")
    other_letters = [c for c in other if c.isalpha()]
    if _mostly(other_letters, _latin) and not any(_no_text(c) for c in other):
        return "CJK text whose bytes read as UTF-8 are Latin"
    return None


def declared_in(data: bytes) -> str | None:
    """The charset an HTML page or an XML document declares in its first bytes."""
    head = data[:4096]
    found = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return found.group(1).decode("ascii", "replace") if found else None


# What browsers read for these labels (WHATWG): windows-1252, a superset of Latin-1 whose
# 0x80-0x9F are typographic quotes and dashes, not control characters.
_WHATWG = dict.fromkeys(("iso-8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii"), "cp1252")


def _known(name: str | None) -> str | None:
    if not name:
        return None
    label = name.strip().strip("\"'").lower()
    try:
        return codecs.lookup(_WHATWG.get(label, label)).name
    except LookupError:
        return None


def decode(data: bytes, declared: str | None = None, *, sniff: bool = True) -> Decoded | None:
    """The text of `data`, or None when it is not text in any encoding briefgen knows.
    `declared`: the charset a header gives; `sniff`: also look for an HTML or XML one."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return Decoded(data.decode(encoding, errors="replace"), encoding)
    set_aside: str | None = None
    for name in (declared, declared_in(data) if sniff else None):
        known = _known(name)
        if known and known != (set_aside or "").split(" ", 1)[0]:
            try:
                text = data.decode(known)
            except UnicodeDecodeError:
                continue  # a wrong declaration: go on as if there were none
            if why := implausible(text, data):
                set_aside = set_aside or f"{known} set aside ({why})"
                continue
            return Decoded(text, known, set_aside=set_aside)
    try:
        return Decoded(data.decode("utf-8"), "utf-8", set_aside=set_aside)
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return None
    if not any(script in alphabet for alphabet in best.alphabets for script in OTHER_SCRIPTS):
        # A Latin-script guess: between the Western and the Central European code pages, the
        # one whose reading puts no symbol inside a word; Western first.
        for encoding in ("cp1252", "cp1250"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if not _SYMBOL_IN_WORD.search(text):
                return Decoded(text, encoding, guessed=True, set_aside=set_aside)
    encoding = _known(best.encoding) or best.encoding
    return Decoded(str(best), encoding, guessed=True, set_aside=set_aside)
