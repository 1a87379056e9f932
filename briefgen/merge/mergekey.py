"""What a merge depends on, as one key, so that a rerun on the same answers reuses its brief.

The merge is pure: the same extractions, title and claim-check answers, merged by the same code,
give the same brief. A scheduled job that reruns on articles it has already seen (every answer
from the cache) would otherwise merge them again, and on a cold process that means loading the
gazetteer, the name parser and the date locales for a brief it already has. So the run log keeps
each brief with this key, and a run whose key matches the job's last brief takes that brief,
with this run's own counts (`quality`).

The key covers everything `merge.merge` reads except what only counts this run (`cached`,
`usage`, `attempts`, `reasks`, `mode`), which `quality_of` recomputes, and the code itself: the
bytes of every module and data file of the package, so an upgrade never reuses an old brief.
Light on purpose: it imports neither the merge nor its libraries.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from briefgen.schemas import ArticleExtraction, ArticleFailure, Brief, BriefQuality, Usage

# What says how this run went, not what the merge sees.
VOLATILE = frozenset({"cached", "usage", "attempts", "reasks", "mode"})


def code_files() -> list[tuple[str, Path]]:
    """Every module and data file of the package, by its path inside the package, sorted."""
    root = Path(__file__).resolve().parents[1]
    found = [*root.rglob("*.py"), *root.glob("data/*")]
    return sorted((path.relative_to(root).as_posix(), path) for path in found)


@cache
def code_version() -> str:
    """A hash of the whole package's modules and data files (every subpackage: the merge uses
    text/ too, and a brief is reused only while none of the code that made it has changed)."""
    digest = hashlib.sha256()
    for name, path in code_files():
        digest.update(name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def input_key(
    results: Sequence[ArticleExtraction | ArticleFailure],
    title: str | None = None,
    same_claims: Mapping[str, Any] | None = None,
) -> str:
    digest = hashlib.sha256(code_version().encode())
    digest.update(json.dumps(title).encode())
    for result in results:
        digest.update(result.model_dump_json(exclude=set(VOLATILE)).encode())
    claims = same_claims or {}
    for key in sorted(claims):
        decision = claims[key]
        digest.update(json.dumps([key, decision.same, decision.reason, decision.model]).encode())
    return digest.hexdigest()


def quality_of(results: Sequence[ArticleExtraction | ArticleFailure]) -> BriefQuality:
    """The brief's counts of this run: drops, cache hits, calls, re-asks, tokens."""
    done = [r for r in results if isinstance(r, ArticleExtraction) and not r.article.flags]
    return BriefQuality(
        dropped_ungrounded=sum(len(r.dropped) for r in results),
        dropped_reasons=dict(Counter(d.reason.split(":")[0] for r in results for d in r.dropped)),
        cached=sum(r.cached for r in done),
        attempts=sum(r.attempts for r in results),
        reasks=sum(r.reasks for r in results),
        usage=sum((r.usage for r in results), Usage()),
    )


def reuse(brief_json: str, results: Sequence[ArticleExtraction | ArticleFailure]) -> Brief:
    """A stored brief of the same merge input, with this run's counts and no changes yet."""
    brief = Brief.model_validate_json(brief_json)
    return brief.model_copy(update={"quality": quality_of(results), "changes": None})
