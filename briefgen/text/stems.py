"""Stems of English words: the one stemmer every stage compares words by. Pure.

Snowball's English stemmer ("negotiations", "negotiating" -> "negoti"; "warns" -> "warn"):
claims compare their words by it (`merge/similarity`), stories their rare words
(`merge/stories`), and the list of common stems in `data/common_stems.txt` is made by it.
"""

from __future__ import annotations

from functools import lru_cache

import snowballstemmer

_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=1 << 16)  # words repeat across claims and articles: stem each once
def stem(word: str) -> str:
    """One casefolded English word's stem: 'negotiations' -> 'negoti'."""
    return _STEMMER.stemWord(word)
