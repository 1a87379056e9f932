"""Word lists the stages share: stop words and the common words of the wire languages. Pure
(package data only).

`STOP_WORDS`: words that carry no substance in a claim or a story's evidence ("the", "would",
"also"). `common_words` / `common_stems`: the words of Zipf frequency COMMON_ZIPF and up in
any of LANGUAGES, and the English stems of the common English words, kept in `briefgen/data`
(made by `scripts/common_words.py` from wordfreq's lists): a word among them tells no story
from another.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

STOP_WORDS = frozenset(
    """a an the of to for and or in on with from its it their his her by as at be is are was were
    that this these those any some more most also plus perhaps possibly may might could would
    will should than into about over after before between through against has have had not
    own other others such both all s no nor never without additional extra further
    particularly especially certain its itself them they which who whom whose what""".split()
)
# Words a weak model sends as an actor that are no one, in the wire languages: how a report is
# relayed ("Secondo" the Kremlin, "selon", "laut", "según", "согласно") and the points of the
# compass ("Nord" of "Corea del Nord"). English "West" and "North" are left out: "the West" is
# an actor, and so is a "North" that stands for North Korea; so is "Sud" (SUD, a French union).
NO_ACTOR_WORDS = frozenset(
    """secondo selon laut gemass gemäss gemäß segun según segundo conforme согласно по
    nord ovest ouest est nordest ost norte sur oeste este
    север юг запад восток""".split()
)
COMMON_ZIPF = 4.0
LANGUAGES = ("en", "it", "fr", "es", "de", "pt", "ru")


@cache
def common_words() -> frozenset[str]:
    """Words of Zipf frequency COMMON_ZIPF and up in any of LANGUAGES: loaded once, lazily, from
    the list scripts/common_words.py makes from wordfreq's."""
    return _data_words("common_words.txt")


@cache
def common_stems() -> frozenset[str]:
    """English stems of the common English words."""
    return _data_words("common_stems.txt")


def _data_words(name: str) -> frozenset[str]:
    text = resources.files("briefgen").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))
