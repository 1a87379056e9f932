"""briefgen: news articles in, one structured and cited brief out.

from briefgen import make_brief, Settings, render
brief = make_brief(["articles/"], Settings(model="gpt-4o-mini"))
print(render.markdown(brief))

Names are imported on first use (module `__getattr__`), so `import briefgen`, and the CLI's
`--help`, do not pay for the openai SDK.
"""

from __future__ import annotations

import logging
from importlib import import_module
from typing import TYPE_CHECKING, Any

# A library logs and never prints: with no handler configured by the program, the standard
# library would print warnings (failed articles, retries) to stderr through its last resort.
logging.getLogger("briefgen").addHandler(logging.NullHandler())


def _scrubbed(record: logging.LogRecord) -> bool:
    """Every record of the `briefgen` logger: secrets redacted, on one line (redact.py)."""
    from briefgen.redact import scrub_record

    return scrub_record(record)


logging.getLogger("briefgen").addFilter(_scrubbed)

_LAZY = {
    "Settings": "briefgen.config",
    "load_settings": "briefgen.config",
    "Brief": "briefgen.schemas",
    "BriefgenError": "briefgen.errors",
    "NothingProduced": "briefgen.errors",
    "aextract": "briefgen.pipeline",
    "amake_brief": "briefgen.pipeline",
    "make_brief": "briefgen.pipeline",
}

__all__ = [
    "Brief",
    "BriefgenError",
    "NothingProduced",
    "Settings",
    "__version__",
    "aextract",
    "amake_brief",
    "load_settings",
    "make_brief",
]

if TYPE_CHECKING:
    from briefgen.config import Settings, load_settings
    from briefgen.errors import BriefgenError, NothingProduced
    from briefgen.pipeline import aextract, amake_brief, make_brief
    from briefgen.schemas import Brief


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from briefgen.version import version

        globals()[name] = version()
        return globals()[name]
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    try:  # submodules: briefgen.render, briefgen.merge, ...
        return import_module(f"briefgen.{name}")
    except ModuleNotFoundError:
        raise AttributeError(f"module 'briefgen' has no attribute {name!r}") from None
