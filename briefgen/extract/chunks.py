"""Long articles in parts: split on paragraph or sentence boundaries with overlap, and the parts'
extractions combined back into one. Pure.

A part is a slice of the article's own text, so every quote grounded in a part is verbatim in
the article. The overlap (a tenth of a part, at most 1,000 characters) keeps a sentence that
straddles a boundary whole in one part or the other. Combining: the same actor (the same name
folded by `briefgen.text.fold`) once, with every alias any part found; an item that two parts
both found (the overlap) once.
"""

from __future__ import annotations

import re

from briefgen.schemas import ITEM_KINDS, Actor, Extraction
from briefgen.text.fold import fold

CHARS_PER_TOKEN = 4  # English news, roughly; a budget, not a tokenizer
_PARAGRAPH = re.compile(r"\n\s*\n")
_SENTENCE = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])")


def split(text: str, max_chars: int) -> list[str]:
    """`text` in parts of at most `max_chars` characters (one part when it fits)."""
    if len(text) <= max_chars:
        return [text]
    overlap = min(max_chars // 10, 1000)
    cuts = _boundaries(text)
    parts: list[str] = []
    start = 0
    while start < len(text):
        end = start + max_chars
        if end >= len(text):
            parts.append(text[start:])
            break
        # The last boundary that keeps the part within max_chars, past its overlap.
        fitting = [c for c in cuts if start + overlap < c <= end]
        cut = fitting[-1] if fitting else end
        parts.append(text[start:cut])
        back = [c for c in cuts if cut - overlap <= c < cut]
        start = back[0] if back else max(cut - overlap, start + 1)
    return [p.strip() for p in parts if p.strip()]


def _boundaries(text: str) -> list[int]:
    found = {m.end() for m in _PARAGRAPH.finditer(text)}
    found |= {m.end() for m in _SENTENCE.finditer(text)}
    return sorted(found)


def combine(parts: list[Extraction]) -> Extraction:
    """One extraction from the parts' extractions, in the order the parts found things."""
    actors: dict[str, Actor] = {}
    for part in parts:
        for actor in part.actors:
            key = fold(actor.name)
            if key in actors:
                kept = actors[key]
                aliases = list(dict.fromkeys([*kept.aliases, *actor.aliases]))
                actors[key] = kept.model_copy(update={"aliases": aliases})
            else:
                actors[key] = actor
    combined: dict[str, list] = {"actors": list(actors.values())}
    for kind in ITEM_KINDS:
        if kind == "actors":
            continue
        seen: dict[str, object] = {}
        for part in parts:
            for item in getattr(part, kind):
                seen.setdefault(item.model_dump_json(), item)
        combined[kind] = list(seen.values())
    return Extraction(**combined)
