"""Prompt templates: Jinja2 files in prompts/, rendered with StrictUndefined.

PROMPT_VERSION names the prompt family and ends with a hash of the template files, so an edit to
any template changes the version written into every output and every recording key.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path
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


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(PROMPTS_DIR),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
    )
    env.filters["fence"] = fence
    return env


def render(name: str, /, **context: Any) -> str:
    """Render prompts/<name>.j2; a missing variable is an error, never an empty string."""
    return _environment().get_template(f"{name}.j2").render(**context).strip()


def prompt_version(directory: Path = PROMPTS_DIR) -> str:
    """PROMPT_FAMILY plus a hash of every template's name and bytes in `directory`.

    Not cached: the environment reloads an edited template, so the version must follow it.
    """
    digest = hashlib.sha256()
    for path in sorted(directory.glob("*.j2")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return f"{PROMPT_FAMILY}+{digest.hexdigest()[:8]}"
