"""One article in, one extraction out: prompt, call, validate, re-ask once, ground the evidence."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from briefgen import prompts
from briefgen.errors import ArticleError, BriefgenError
from briefgen.grounding import ground
from briefgen.llm import Client, Message
from briefgen.schemas import (
    Article,
    ArticleExtraction,
    ArticleFailure,
    ArticleRef,
    Extraction,
    Usage,
)

Result = ArticleExtraction | ArticleFailure
Callback = Callable[[Result], None]


def reference(article: Article) -> ArticleRef:
    return ArticleRef(**article.model_dump(include=set(ArticleRef.model_fields)))


def messages_for(article: Article) -> list[Message]:
    return [
        {"role": "system", "content": prompts.render("extract.system")},
        {"role": "user", "content": prompts.render("extract.user", article=article)},
    ]


async def extract_article(article: Article, client: Client, reasks: int = 1) -> Result:
    """Never raises for this article's own trouble; that comes back as an ArticleFailure.

    Errors that doom every article (ModelSetupError, ReplayMissError) do propagate.
    """
    messages = messages_for(article)
    attempts, usage, model = 0, Usage(), client.model
    reason = "no answer"
    try:
        for _ in range(reasks + 1):
            completion = await client.complete(messages, Extraction)
            attempts += completion.attempts
            usage += completion.usage
            model = completion.model or model
            if completion.value is not None:
                kept, dropped = ground(completion.value, article.text)
                return ArticleExtraction(
                    article=reference(article),
                    extraction=kept,
                    model=model,
                    prompt_version=prompts.prompt_version(),
                    usage=usage,
                    attempts=attempts,
                    dropped=dropped,
                )
            reason = completion.error or reason
            if completion.refused:
                break
            messages = [
                *messages,
                {"role": "assistant", "content": completion.raw},
                {"role": "user", "content": prompts.render("reask.user", error=reason)},
            ]
    except ArticleError as exc:
        reason = str(exc)
    return ArticleFailure(
        article=reference(article),
        reason=reason,
        model=model,
        prompt_version=prompts.prompt_version(),
        attempts=attempts,
    )


async def extract_all(
    articles: Sequence[Article],
    client: Client,
    concurrency: int = 4,
    reasks: int = 1,
    on_result: Callback | None = None,
) -> list[Result]:
    """Extract concurrently, at most `concurrency` calls at once; results keep input order.

    One article's failure does not stop the others. An error that dooms every article cancels
    the rest and is raised as itself.
    """
    gate = asyncio.Semaphore(concurrency)

    async def one(article: Article) -> Result:
        async with gate:
            result = await extract_article(article, client, reasks)
        if on_result is not None:
            on_result(result)
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
