"""briefgen's version, as installed (read on first use: importlib.metadata costs 60 ms)."""

from __future__ import annotations

from functools import cache


@cache
def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("briefgen")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0.0.0+unknown"
