"""Keys out of everything briefgen writes: error lines, briefs, recordings."""

from __future__ import annotations

import re

# A bearer token is 8 characters or more and not a plain lowercase word: "Bearer of bad news",
# in an article or a model's answer, is news, not a secret.
_SECRET = re.compile(r"(sk-[A-Za-z0-9_*-]{4,}|Bearer\s+(?![a-z]+(?![\w.~+/=-]))[\w.~+/=-]{8,})")


def scrub(text: str) -> str:
    """Replace anything shaped like an API key or a bearer token with [redacted]."""
    return _SECRET.sub("[redacted]", text)
