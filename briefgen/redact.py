"""Keys out of everything briefgen writes: error lines, briefs, recordings."""

from __future__ import annotations

import re

_SECRET = re.compile(r"(sk-[A-Za-z0-9_*-]{4,}|Bearer\s+[A-Za-z0-9._~+/=-]+)")


def scrub(text: str) -> str:
    """Replace anything shaped like an API key or a bearer token with [redacted]."""
    return _SECRET.sub("[redacted]", text)
