"""Outages are not news: a source this run could not reach keeps its last good extraction.

A source fails for its own sake (a 404, a page with no text, an answer that cannot be used) or
for the network's or a server's (no connection, a timeout, HTTP 5xx or 429 from the site or
from the model server: `transient` on the failure). In the second case the source has not
changed as far as anyone knows, so the brief shows it as it was last read, marked stale with
the reason and its age (`Source.stale`), as long as that reading is at most `stale_after` days
old. Its items stay; "What changed" says "source unreachable" instead of dropping them.

A source is known by where it comes from: a URL (a page, or a feed entry's link), a feed
entry's id (`FEED#ID`), a file's path. Its last good reading is the newest run that extracted
it (or took it from the cache), in any job for a URL and in this job for a file
(`Runs.last_good`); the extraction is the cached one of that text (`Cache.by_content`). A feed
that cannot be reached is a source of articles, not an article: its entries of the job's last
brief (`ArticleRef.via`) stand in for it, each as it was last read, and the feed's failure is
not listed as an article of its own.

If there is no such reading (the first run, a pruned cache, older than `stale_after`), the
failure stays a failure, and the brief is partial as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from briefgen.extract.extract import Result
from briefgen.schemas import ArticleExtraction, ArticleFailure, Brief, Stale, Usage
from briefgen.store import Store


@dataclass
class Kept:
    """The results with stale readings in place of unreachable sources."""

    results: list[Result]
    stale: dict[int, Stale] = field(default_factory=dict)  # index in `results` -> why, how old
    covered: list[int] = field(default_factory=list)  # indices of the failures replaced


def age_seconds(when: str, now: datetime) -> int:
    then = datetime.fromisoformat(when)
    if then.tzinfo is None:
        then = then.replace(tzinfo=UTC)
    return max(0, int((now - then).total_seconds()))


def keep_last_good(
    results: Sequence[Result],
    store: Store,
    *,
    job: str,
    run_id: int,
    previous: Brief | None,
    model: str,
    prompt_version: str,
    stale_after: float,
    now: datetime | None = None,
) -> Kept:
    """`results` with each transient failure replaced by its source's last good extraction
    (a feed's by its entries' ones), where one at most `stale_after` days old is known."""
    now = now or datetime.now(UTC)
    failures = [
        (i, r) for i, r in enumerate(results) if isinstance(r, ArticleFailure) and r.transient
    ]
    if not failures or stale_after <= 0:
        return Kept(list(results))
    read = {
        r.article.source for r in results if isinstance(r, ArticleExtraction) or not r.transient
    }
    wanted: dict[int, list[tuple[str, str | None]]] = {}  # failure index -> (source, via)
    for i, failure in failures:
        where = failure.article.source
        entries: list[tuple[str, str | None]] = [
            (s.article.source, where)
            for s in (previous.sources if previous is not None else [])
            if s.article.via == where and not s.failed and s.article.source not in read
        ]
        wanted[i] = entries or [(where, failure.article.via)]
    good = store.runs.last_good(
        [source for found in wanted.values() for source, _ in found], job, run_id
    )
    ids = {r.article.id for r in results}
    kept: list[Result] = []
    stale: dict[int, Stale] = {}
    covered: list[int] = []
    for i, result in enumerate(results):
        standing = _stand_ins(result, wanted.get(i, []), good, store, model, prompt_version)
        fresh = [
            (ext, run, at)
            for ext, run, at in standing
            if age_seconds(at, now) <= stale_after * 86400
        ]
        if not fresh:
            kept.append(result)
            continue
        assert isinstance(result, ArticleFailure)
        covered.append(i)
        for k, (extraction, run, at) in enumerate(fresh):
            article = extraction.article
            if article.id in ids and article.id != result.article.id:
                article = article.model_copy(update={"id": _unique(article.id, ids)})
            ids.add(article.id)
            stale[len(kept)] = Stale(
                reason=result.reason, last_good=at, run=run, age=age_seconds(at, now)
            )
            kept.append(
                extraction.model_copy(
                    update={
                        "article": article,
                        "cached": False,
                        # this run's calls for the source, counted once
                        "attempts": result.attempts if k == 0 else 0,
                        "reasks": result.reasks if k == 0 else 0,
                        "usage": result.usage if k == 0 else Usage(),
                        "mode": None,
                    }
                )
            )
    return Kept(kept, stale, covered)


def _stand_ins(
    result: Result,
    wanted: list[tuple[str, str | None]],
    good: dict[str, tuple[int, str, str]],
    store: Store,
    model: str,
    prompt_version: str,
) -> list[tuple[ArticleExtraction, int, str]]:
    found = []
    for source, via in wanted:
        if source not in good:
            continue
        run, at, content_hash = good[source]
        stored = store.cache.by_content(content_hash, model, prompt_version)
        if stored is None:
            continue
        try:
            extraction = ArticleExtraction.model_validate_json(stored)
        except ValueError:  # written by another briefgen
            continue
        article = extraction.article.model_copy(
            update={"source": source, "via": via, "text_hash": content_hash[:16]}
        )
        if source == result.article.source:  # the source itself, not a feed's entry
            article = article.model_copy(update={"id": result.article.id})
        found.append((extraction.model_copy(update={"article": article}), run, at))
    return found


def _unique(base: str, ids: set[str]) -> str:
    n = 2
    while f"{base}-{n}" in ids:
        n += 1
    return f"{base}-{n}"
