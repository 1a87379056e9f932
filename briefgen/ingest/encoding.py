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
Greek, ...) is kept. Czech text without such letters may be read as Windows-1252; a declared
charset always wins over any guess. A guessed decoding is reported, so it shows in the
article's cleaning report.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

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
    for name in (declared, declared_in(data) if sniff else None):
        known = _known(name)
        if known:
            try:
                return Decoded(data.decode(known), known)
            except UnicodeDecodeError:
                pass  # a wrong declaration: go on as if there were none
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
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
                return Decoded(text, encoding, guessed=True)
    return Decoded(str(best), _known(best.encoding) or best.encoding, guessed=True)
