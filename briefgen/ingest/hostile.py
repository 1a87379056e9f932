"""Text that talks to the model instead of reporting news: prompt injection, role tags.

Article text is data: the prompt fences it between <article> and </article> (prompts.fence keeps
the text from closing the fence) and tells the model to ignore instructions inside it. An article
that carries such instructions anyway is flagged here; the brief lists the flag, and the merge
keeps that article's items out of the brief, so they cannot join or outvote another article's.
"""

from __future__ import annotations

import re

_PATTERNS = (
    (
        r"\b(?:ignore|disregard|forget)\s+(?:all\s+|any\s+)?(?:of\s+)?(?:the\s+|your\s+)?"
        r"(?:previous|prior|above|earlier|preceding|foregoing)\s+(?:instructions|prompts|"
        r"directions|rules|messages)\b",
        "instructions to the model",
    ),
    (
        r"\b(?:ignore|disregard) (?:all|any|your) (?:instructions|rules)\b",
        "instructions to the model",
    ),
    (r"(?:^|[.!?:]\s+)you are now (?:a|an|in)\b(?! position)", "instructions to the model"),
    (r"\b(?:new|updated) (?:system )?instructions?\s*:", "instructions to the model"),
    (r"\b(?:reveal|print|repeat) (?:your|the) system prompt\b", "instructions to the model"),
    (
        r"<\|?(?:im_start|im_end|system|assistant|endoftext)\|?>|\[/?INST\]|<</?SYS>>",
        "chat role tags",
    ),
    (r"(?m)^\s*(?:###\s*)?(?:system|assistant)\s*:\s*\S", "chat role tags"),
)
_COMPILED = tuple((re.compile(pattern, re.IGNORECASE), flag) for pattern, flag in _PATTERNS)


def flags(text: str) -> list[str]:
    """What in `text` addresses a model rather than a reader (empty for ordinary news)."""
    return list(dict.fromkeys(flag for pattern, flag in _COMPILED if pattern.search(text)))
