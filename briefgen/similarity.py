"""When two short claims say the same thing: weighted overlap of their content words. Pure.

Lexical ratios fail both ways on claims: "stop arms talks and keep promises not to sell weapons"
vs "cease arms negotiations and keep commitments not to sell arms" score low, while "North Korean
artillery shells" vs "North Korean labor" score high on the shared country name. Weighting each
word by how rare it is among the claims being compared (inverse document frequency) lets the
words that carry the substance decide.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable

STOP_WORDS = frozenset(
    """a an the of to for and or in on with from its it their his her by as at be is are was were
    that this these those any some more most also plus perhaps possibly may might could would
    will should than into about over after before between through against""".split()
)
_WORD = re.compile(r"[a-z0-9]+")


def stem(word: str) -> str:
    """Crude plural folding: enough to match 'missiles'/'missile', 'supplies'/'supply'."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def content_words(text: str) -> frozenset[str]:
    return frozenset(
        stem(w) for w in _WORD.findall(text.casefold().replace("’", "'")) if w not in STOP_WORDS
    )


class Similarity:
    """Compares texts drawn from one collection, weighting words by rarity in it."""

    def __init__(self, texts: Iterable[str], threshold: float = 0.5):
        bags = [content_words(t) for t in texts]
        frequency = Counter(word for bag in bags for word in bag)
        total = len(bags) or 1
        self._idf = {w: math.log((total + 1) / (n + 0.5)) for w, n in frequency.items()}
        self._default = math.log((total + 1) / 0.5)
        self.threshold = threshold

    def _weight(self, words: Iterable[str]) -> float:
        return sum(self._idf.get(w, self._default) for w in words)

    def score(self, a: str, b: str) -> float:
        wa, wb = content_words(a), content_words(b)
        if not wa or not wb:
            return 1.0 if wa == wb else 0.0
        smaller = min(self._weight(wa), self._weight(wb))
        return self._weight(wa & wb) / smaller if smaller else 0.0

    def same(self, a: str, b: str) -> bool:
        shared = content_words(a) & content_words(b)
        needed = min(2, len(content_words(a)), len(content_words(b)))
        return len(shared) >= needed and self.score(a, b) >= self.threshold
