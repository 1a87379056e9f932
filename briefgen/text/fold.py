"""Folding a name for comparison: the one way every stage compares names as written. Pure.

`fold` is what "the same name" means across briefgen: actors, claims' parties, places, story
evidence and the parts of a long article all compare names folded by it. A caller that needs
more (places drop a leading "outside the"; a person's key drops titles) does that on top of it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# A dotted acronym standing alone: "U.S.", "F.B.I.", "U.S" (any letters, not digits).
_ACRONYM = re.compile(r"(?<!\w)[^\W\d_](?:\.[^\W\d_])+\.?(?!\w)")
_POSSESSIVE = re.compile(r"['’]s\b", re.IGNORECASE)
_NON_WORD = re.compile(r"[^\w\s]|_")
_ASCII_PUNCTUATION = str.maketrans(dict.fromkeys("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", " "))


def plain(text: str) -> str:
    """Accents dropped ('São Tomé' -> 'Sao Tome'), case and other scripts kept as they are."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", kept)


@lru_cache(maxsize=1 << 16)  # names repeat across articles: fold each once
def fold(text: str) -> str:
    """A name folded for comparison, words separated by single spaces:

    - case: casefolded ('LONDON' -> 'london');
    - accents: dropped, other scripts kept ('São Tomé' -> 'sao tome', 'Россия' -> 'россия');
    - dotted acronyms: their dots dropped ('U.S.' -> 'us', 'F.B.I.' -> 'fbi'), while a lone
      initial is a word ('James B. Comey' -> 'james b comey');
    - possessives: dropped ('Kim Jong-un’s' -> 'kim jong un'); any other apostrophe
      separates words ("O'Brien" -> 'o brien', "Cote d'Ivoire" -> 'cote d ivoire');
    - hyphens and every other punctuation mark, underscores included: a space
      ('Mazar-i-Sharif' -> 'mazar i sharif', 'FBI Director James B. Comey' -> 'fbi director
      james b comey').
    """
    if "." in text:
        text = _ACRONYM.sub(lambda m: m.group().replace(".", ""), text)
    if "'" in text or "’" in text:
        text = _POSSESSIVE.sub(" ", text)
    if text.isascii():
        return " ".join(text.casefold().translate(_ASCII_PUNCTUATION).split())
    return " ".join(_NON_WORD.sub(" ", plain(text).casefold()).split())
