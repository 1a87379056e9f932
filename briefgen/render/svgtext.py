"""Text for the HTML brief's SVG pictures: made fit for XML, measured and cut, deterministically.

Both pictures (`timeline_drawing`, `graph_drawing`) lay out their labels in Python, so they need
to know how wide a string will draw before a browser draws it. Strings are made fit for XML
first (`clean`: control characters, bidirectional overrides and isolates removed, whitespace
folded) and labels are cut to a length and an estimated width (`fit`, measured by `width`, a
generous per-character estimate in em), then wrapped in a first-strong isolate (U+2068 ...
U+2069, `isolate`) so an Arabic or Hebrew name displays right to left inside its label without
reordering the text around it. A tooltip is cut to `TITLE` characters (`tip`); coordinates are
rounded to one decimal (`r`) so the same layout prints the same bytes.

The templates print these strings with autoescaping on, so every model or article string is
escaped there and never marked safe. Pure and deterministic: no font is read, no locale.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

TITLE = 1000  # characters of one string in a tooltip: the page lists every string in full

# Characters XML 1.0 cannot hold, and the bidirectional controls that would make a label display
# in another order than it reads (U+202A-U+202E embeddings and overrides, U+2066-U+2069
# isolates, U+200E/U+200F marks): a label's direction is set by the isolate `isolate` wraps it in.
_UNFIT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069\u200e\u200f]"
)
_FSI, _PDI = "\u2068", "\u2069"


def clean(value: str | None) -> str:
    """One line of text XML can hold: unfit characters removed, whitespace runs one space."""
    return " ".join(_UNFIT.sub("", value or "").split())


@lru_cache(maxsize=4096)
def em(char: str) -> float:
    """Estimated advance of one character in em, generous, so a label's box is not smaller
    than what a sans-serif font draws: a full em for wide East Asian characters and the widest
    letters, capitals three quarters, marks and format characters nothing."""
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0.0
    if unicodedata.east_asian_width(char) in ("W", "F") or char in "MWmw@%—":
        return 1.0
    if unicodedata.category(char) == "Lu":
        return 0.76
    return 0.62


def width(text: str, size: float) -> float:
    return sum(map(em, text)) * size


def fit(value: str, chars: int, room: float, size: float) -> str:
    """`value` cut to `chars` characters and `room` units at font `size`, with "…" when cut,
    never between a letter and its combining marks."""
    text = clean(value)
    if len(text) <= chars and width(text, size) <= room:
        return text
    budget = room - em("…") * size
    cut, used = 0, 0.0
    for i, char in enumerate(text[: chars - 1]):
        used += em(char) * size
        if used > budget:
            break
        cut = i + 1
    # Not between a letter and its marks, nor inside a joined sequence: drop the letter too.
    while 0 < cut < len(text) and (
        unicodedata.combining(text[cut]) or "\u200d" in text[cut - 1 : cut + 1]
    ):
        cut -= 1
    return text[:cut].rstrip() + "…"


def isolate(text: str) -> str:
    """A label that takes its direction from its first strong letter, isolated from the rest."""
    return f"{_FSI}{text}{_PDI}" if text else ""


def tip(value: str | None) -> str:
    return fit(value or "", TITLE, math.inf, 1.0)


def r(value: float) -> float:
    """One decimal, and never -0.0: the same layout prints the same bytes."""
    return round(value, 1) + 0.0


def cite(sources: Iterable[int]) -> str:
    return "".join(f"[{n}]" for n in sources)
