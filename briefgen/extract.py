"""One article in, one extraction out: prompt, call, validate, re-ask once, ground the evidence."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Sequence

from briefgen import prompts
from briefgen.client import CallStats, Client, Message
from briefgen.config import Settings
from briefgen.dates import resolve
from briefgen.errors import ArticleError, BriefgenError
from briefgen.grounding import QUOTE_MISSING, ground
from briefgen.independence import fingerprint
from briefgen.schemas import (
    ITEM_KINDS,
    Article,
    ArticleExtraction,
    ArticleFailure,
    ArticleRef,
    Dropped,
    Extraction,
)

Result = ArticleExtraction | ArticleFailure
Callback = Callable[[Result], Awaitable[None] | None]


def reference(article: Article, known_fingerprint: str | None = None) -> ArticleRef:
    """What the brief says of the article; `known_fingerprint` spares hashing a text again."""
    fields = article.model_dump(include=set(ArticleRef.model_fields))
    return ArticleRef(**fields, fingerprint=known_fingerprint or fingerprint(article.text))


def messages_for(article: Article) -> list[Message]:
    return [
        {"role": "system", "content": prompts.render("extract.system")},
        {"role": "user", "content": prompts.render("extract.user", article=article)},
    ]


async def extract_article(
    article: Article, client: Client, settings: Settings | None = None
) -> Result:
    """Never raises for this article's own trouble; that comes back as an ArticleFailure.

    Re-asks: up to `settings.reasks` after an unusable answer (not JSON, fails the schema, cut
    off), and one more, naming them, when evidence quotes are not in the article. An answer whose
    ungrounded items survive that keeps its grounded items; the rest are dropped and counted.
    An answer with no grounded item left, only dropped ones, is a failure: nothing of it holds.
    Errors that doom every article (ModelSetupError, ReplayMissError) propagate.
    """
    settings = settings or Settings()
    messages = messages_for(article)
    stats = CallStats()
    model, reason = client.model, "no answer"
    reasks, invalid_reasks = 0, 0
    regrounded = not settings.grounding_reask
    best: tuple[Extraction, list[Dropped]] | None = None
    try:
        async with asyncio.timeout(settings.article_deadline):
            while True:
                completion = await client.complete(messages, Extraction, stats)
                model = completion.model or model
                if completion.value is not None:
                    best = ground(completion.value, article.text)
                    if not best[1] or regrounded:
                        break
                    regrounded = True
                    follow_up = prompts.render(
                        "reground.user",
                        quotes=[d.quote for d in best[1] if d.reason == QUOTE_MISSING],
                        others=[d for d in best[1] if d.reason != QUOTE_MISSING],
                    )
                elif completion.refused or invalid_reasks >= settings.reasks:
                    reason = completion.error or reason
                    break
                else:
                    invalid_reasks += 1
                    follow_up = prompts.render("reask.user", error=completion.error or reason)
                reasks += 1
                messages = [
                    *messages,
                    {"role": "assistant", "content": completion.raw},
                    {"role": "user", "content": follow_up},
                ]
    except ArticleError as exc:
        reason = str(exc)
    except TimeoutError:
        reason = f"article deadline of {settings.article_deadline:g} s reached"
    provenance = {
        "article": reference(article),
        "model": model,
        "prompt_version": prompts.prompt_version(),
        "usage": stats.usage,
        "attempts": stats.attempts,
        "reasks": reasks,
    }
    if best is not None and best[1] and not any(getattr(best[0], k) for k in ITEM_KINDS):
        reasons = dict.fromkeys(d.reason.split(":")[0] for d in best[1])
        reason = f"no item grounded in the article ({len(best[1])} dropped: {', '.join(reasons)})"
    elif best is not None:
        kept, dropped = best
        return ArticleExtraction(
            **provenance,
            extraction=kept,
            mode=stats.mode,
            dropped=dropped,
            resolved_dates=[resolve(d.text, article.published, d.relation) for d in kept.dates],
        )
    return ArticleFailure(**provenance, reason=reason, dropped=best[1] if best else [])


async def extract_all(
    articles: Sequence[Article],
    client: Client,
    settings: Settings | None = None,
    on_result: Callback | None = None,
) -> list[Result]:
    """Extract concurrently, `settings.concurrency` at once; results keep input order.

    One article's failure does not stop the others. An error that dooms every article cancels
    the rest and is raised as itself.
    """
    settings = settings or Settings()
    gate = asyncio.Semaphore(settings.concurrency)

    async def one(article: Article) -> Result:
        async with gate:
            result = await extract_article(article, client, settings)
        if on_result is not None:
            pending = on_result(result)
            if inspect.isawaitable(pending):
                await pending
        return result

    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(one(article)) for article in articles]
    except BaseExceptionGroup as grouped:
        first = _first_briefgen_error(grouped)
        if first is not None:
            raise first from None
        raise
    return [task.result() for task in tasks]


def _first_briefgen_error(grouped: BaseExceptionGroup) -> BriefgenError | None:
    for exc in grouped.exceptions:
        if isinstance(exc, BriefgenError):
            return exc
        if isinstance(exc, BaseExceptionGroup) and (inner := _first_briefgen_error(exc)):
            return inner
    return None
