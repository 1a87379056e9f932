"""Evidence check: every extracted item's quote must appear in the article it came from.

Comparison forgives what copying through a model changes without changing the words: curly vs
straight quote marks, dash styles, runs of white space, letter case and an ellipsis at either end.
"""

from __future__ import annotations

import re

from briefgen.schemas import ITEM_KINDS, Dropped, Extraction

_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u200b": "",
    }
)
_SPACE = re.compile(r"\s+")
_EDGES = re.compile(r"^(?:\.\.\.|\u2026|[\s\"'])+|(?:\.\.\.|\u2026|[\s\"'])+$")


def normalize(text: str) -> str:
    return _SPACE.sub(" ", text.translate(_TRANSLATE)).strip().casefold()


def is_grounded(quote: str, normalized_text: str) -> bool:
    needle = _EDGES.sub("", normalize(quote))
    return bool(needle) and needle in normalized_text


def ground(extraction: Extraction, text: str) -> tuple[Extraction, list[Dropped]]:
    """Keep the items whose quote is in `text`; return the rest as `Dropped`."""
    haystack = normalize(text)
    kept: dict[str, list] = {}
    dropped: list[Dropped] = []
    for kind in ITEM_KINDS:
        kept[kind] = []
        for item in getattr(extraction, kind):
            if is_grounded(item.quote, haystack):
                kept[kind].append(item)
            else:
                dropped.append(Dropped(kind=kind, quote=item.quote))
    return Extraction(**kept), dropped
