"""Secrets and control characters out of everything briefgen writes or shows.

`scrub` is the one redaction function; every exit point calls it: the `briefgen` logger (a
filter on it, `scrub_record`), the store (each value written or read, store/db.py), recordings
(model/replay.py), error messages (`BriefgenError.__str__`), the CLI's `config` and error lines,
the hooks' environment, the rendered brief (outputs.render_as) and the sources an article is
shown by (ingest/inputs.shown). It replaces, with `[redacted]`:

- by value: every secret `remember`ed, whatever its shape (the configured key: an Azure-style
  32-hex key, a JWT, `gsk_...`; the password of a base URL);
- by shape: `sk-` and `sk-proj-` keys, `gsk_`, `xai-` and `hf_` keys, JWTs, `Bearer` tokens;
- in URLs: the user information (`http://user:pass@host/` -> `http://redacted@host/`) and
  the values of query parameters whose names look secret (`key`, `api_key`, `token`, `sig`,
  `password`, `secret`, ... and names ending in one of them: `access_token`, `X-Amz-Signature`).

News that only sounds like a secret ("the Bearer of bad news", "task-force", "?keyword=") is
kept: a recorded answer quotes its article verbatim, and redacting words would break it.

`oneline` keeps a value on one line: control characters, line and paragraph separators and
bidi controls out, so an id or a title cannot forge a log line.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from typing import Any

REDACTED = "[redacted]"
# A remembered value shorter than this is not looked for: "test" or "no-key" as a key would
# blank ordinary words out of every brief.
MIN_SECRET = 8

# A bearer token is 8 characters or more and not a plain lowercase word: "Bearer of bad news",
# in an article or a model's answer, is news, not a secret.
_SHAPES = re.compile(
    r"(?<![\w-])(?:sk-(?:proj-)?[A-Za-z0-9_*-]{4,}|gsk_[A-Za-z0-9]{16,}|xai-[A-Za-z0-9]{16,}"
    r"|hf_[A-Za-z0-9]{20,})"
    r"|(?<![\w-])eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"
    r"|Bearer\s+(?![a-z]+(?![\w.~+/=-]))[\w.~+/=-]{8,}"
)
# scheme://user:password@host -> scheme://redacted@host: still a URL that parses (a bracket
# there would read as an IPv6 address), so code that looks at the host still can.
USERINFO = "redacted"
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@?#\"'<>\[\]]+@")
# Secret-looking names: one of these, or a name ending in one after a separator.
_SECRET_NAME = (
    r"(?:[\w.~-]*?[_.~-])?(?:key|apikey|api-key|token|accesstoken|authtoken|secret|password|"
    r"passwd|pwd|pass|auth|authorization|sig|signature|credential|credentials|session|"
    r"sessionid|jwt)"
)
# ?name=value and &name=value (also &amp; in HTML); the value ends where a URL part or a
# quoted string would.
_PARAM = re.compile(rf"(?i)((?:[?&;]|&amp;){_SECRET_NAME}=)(?!\[redacted\])[^&#\s\"'<>)\]\\]+")

_known: set[str] = set()
_known_pattern: re.Pattern[str] | None = None
_lock = threading.Lock()


def remember(*values: str | None) -> None:
    """Redact these literal values from now on, wherever they appear (the configured key, a
    base URL's password). Values shorter than MIN_SECRET are not looked for."""
    global _known_pattern
    new = {v for v in values if v and len(v) >= MIN_SECRET and v not in _known}
    if not new:
        return
    with _lock:
        _known.update(new)
        ordered = sorted(_known, key=len, reverse=True)  # the longest first
        _known_pattern = re.compile("|".join(map(re.escape, ordered)))


def remember_url(url: str | None) -> None:
    """Remember the user information of a URL (`user:password@`), and its password alone."""
    if not url or "@" not in url:
        return
    match = re.match(r"(?i)[a-z][a-z0-9+.-]*://([^/\s@?#]+)@", url)
    if match:
        userinfo = match.group(1)
        remember(userinfo, userinfo.partition(":")[2])


def scrub(text: str) -> str:
    """`text` with every remembered secret, key-shaped token, URL user information and
    secret-looking query value replaced by [redacted]."""
    if not text:
        return text
    # Shapes and URL parts first: "Bearer <key>" goes as a whole, a URL keeps its form.
    text = _SHAPES.sub(REDACTED, text)
    if "://" in text:
        text = _USERINFO.sub(rf"\1{USERINFO}@", text)
    if "=" in text:
        text = _PARAM.sub(rf"\1{REDACTED}", text)
    pattern = _known_pattern
    if pattern is not None:
        text = pattern.sub(REDACTED, text)
    return text


def scrub_value(value: Any) -> Any:
    """`scrub` through strings, lists, tuples and dicts (keys kept); anything else as it is."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {k: scrub_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(scrub_value(v) for v in value)
    return value


# C0 and C1 controls, DEL, line and paragraph separators, and the bidi embeddings, overrides
# and isolates: none belongs in an id or a log line.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f]+")


def oneline(text: str) -> str:
    """`text` on one line: each run of control characters (newlines included) becomes a space,
    and the spaces at the ends go."""
    return _CONTROLS.sub(" ", text).strip() if _CONTROLS.search(text) else text


def clean_id(text: str) -> str:
    """An id fit for a log line, a store row and a file: one line, no secret; never empty."""
    return " ".join(oneline(scrub(text)).split()) or "article"


def scrub_record(record: logging.LogRecord) -> bool:
    """A logging filter: the record's message and its `briefgen` fields scrubbed and on one
    line, its traceback scrubbed. Always lets the record through."""
    message = oneline(scrub(record.getMessage()))
    record.msg, record.args = message, None
    fields = getattr(record, "briefgen", None)
    if isinstance(fields, dict):
        record.briefgen = {k: _field(v) for k, v in fields.items()}
    if record.exc_info and not record.exc_text:
        record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
    elif record.exc_text:
        record.exc_text = scrub(record.exc_text)
    return True


def _field(value: Any) -> Any:
    if isinstance(value, str):
        return oneline(scrub(value))
    return scrub_value(value)


def known() -> Iterable[str]:
    """The remembered secrets (for tests)."""
    return frozenset(_known)
