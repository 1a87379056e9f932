"""Prompt templates: Jinja2 files in prompts/, rendered with StrictUndefined.

PROMPT_VERSION names the prompt family and ends with a hash of the template files, so an edit to
any template changes the version written into every output and every recording key.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jinja2

PROMPT_FAMILY = "extract-v1"

# A wheel carries the templates inside the package; an editable install reads the repo's prompts/.
_HERE = Path(__file__).resolve().parent
PROMPTS_DIR = next(
    (p for p in (_HERE / "prompts", _HERE.parent / "prompts") if p.is_dir()), _HERE / "prompts"
)

_FENCE_TAG = re.compile(r"<(/?)(article)\b", re.IGNORECASE)


def fence(text: str) -> str:
    """Keep article text from closing or reopening the <article> fence it is placed in."""
    # str() first: a StrictUndefined raises UndefinedError there, not a TypeError in re.sub.
    return _FENCE_TAG.sub(lambda m: f"<{m.group(1)}\u200b{m.group(2)}", str(text))


METADATA = ("id", "title", "outlet", "published")


def metadata(article: Any) -> str:
    """What is known about an article (id, title, outlet, publication date) as one line of
    JSON, for inside the fence: every newline and control character escaped, `<` and `>` too,
    so a title can neither start a line of its own, nor close the fence, nor open a tag."""
    fields = {name: getattr(article, name) for name in METADATA}
    if fields["published"] is not None:
        fields["published"] = fields["published"].isoformat()
    line = json.dumps({k: v for k, v in fields.items() if v is not None}, ensure_ascii=False)
    return line.translate(_JSON_ESCAPES)


# Escaped in the metadata line on top of what json.dumps escapes (controls, quotes, backslash).
_JSON_ESCAPES = str.maketrans({c: f"\\u{ord(c):04x}" for c in "<>\x7f\x85\u2028\u2029"})


@jinja2.pass_environment
def _metadata(env: jinja2.Environment, article: Any) -> str:
    """The `metadata` filter: a field the template's object lacks is an UndefinedError, as
    `{{ article.title }}` would be, not an AttributeError."""
    values = {name: env.getattr(article, name) for name in METADATA}
    for value in values.values():
        if isinstance(value, jinja2.Undefined):
            str(value)  # StrictUndefined raises here
    return metadata(SimpleNamespace(**values))


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(PROMPTS_DIR),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
    )
    env.filters["fence"] = fence
    env.filters["metadata"] = _metadata
    return env


def render(name: str, /, **context: Any) -> str:
    """Render prompts/<name>.j2; a missing variable is an error, never an empty string."""
    return _environment().get_template(f"{name}.j2").render(**context).strip()


def prompt_version(directory: Path = PROMPTS_DIR) -> str:
    """PROMPT_FAMILY plus a hash of every template's name and bytes in `directory`.

    It follows edits as the environment does: the templates are listed on every call (one
    `os.scandir`, a `stat` each) and read and hashed again only when one's name, size,
    modification time or inode has changed. Called once per article, so this matters: reading
    and hashing every template cost more than rendering the prompts.
    """
    stamp = _stamp(directory)
    known = _VERSIONS.get(directory)
    if known is not None and known[0] == stamp:
        return known[1]
    digest = hashlib.sha256()
    for name, *_ in stamp:
        digest.update(name.encode())
        digest.update((directory / name).read_bytes())
    version = f"{PROMPT_FAMILY}+{digest.hexdigest()[:8]}"
    _VERSIONS[directory] = (stamp, version)
    return version


# The last version worked out per directory, with the stamp of the templates it was made from.
_VERSIONS: dict[Path, tuple[tuple[tuple[str, int, int, int], ...], str]] = {}


def _stamp(directory: Path) -> tuple[tuple[str, int, int, int], ...]:
    """(name, size, mtime_ns, inode) of every template in `directory`, sorted by name (the order
    `sorted(directory.glob("*.j2"))` gives, which the hash has always used)."""
    stamps = []
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.name.endswith(".j2") and entry.is_file():
                info = entry.stat()
                stamps.append((entry.name, info.st_size, info.st_mtime_ns, info.st_ino))
    stamps.sort()
    return tuple(stamps)
