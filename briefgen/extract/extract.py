"""One article in, one extraction out: prompt, call, validate, re-ask, ground the evidence."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import inspect
import threading
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypedDict

from pydantic import BaseModel

from briefgen import prompts
from briefgen.config import Settings
from briefgen.errors import ArticleError, BriefgenError, ServerTrouble
from briefgen.extract import cachekey, chunks, grounding
from briefgen.extract.grounding import Checked
from briefgen.merge.independence import fingerprint, sketch
from briefgen.model import structured
from briefgen.model.client import CallStats, Client, Message
from briefgen.schemas import (
    ITEM_KINDS,
    Article,
    ArticleExtraction,
    ArticleFailure,
    ArticleRef,
    Dropped,
    Extraction,
    Usage,
    as_extraction,
    corrections,
)
from briefgen.text import relays
from briefgen.text.dates import resolve

Result = ArticleExtraction | ArticleFailure
Callback = Callable[[Result], Awaitable[None] | None]


class _Provenance(TypedDict):
    """The fields an extraction and a failure share: how the result was obtained."""

    article: ArticleRef
    model: str
    prompt_version: str
    usage: Usage
    attempts: int
    reasks: int
    cut_off: bool


def reference(article: Article, known: ArticleRef | None = None) -> ArticleRef:
    """What the brief says of the article; `known`, a reference made earlier of the same text,
    spares hashing it again (a sketch it lacks, made by an older briefgen, is made now)."""
    fields = article.model_dump(include=set(ArticleRef.model_fields))
    return ArticleRef(
        **fields,
        fingerprint=(known and known.fingerprint) or fingerprint(article.text),
        sketch=(known and known.sketch) or sketch(article.text),
        text_hash=cachekey.content_hash(article)[:16],
    )


# The field of each kind of item that names who states it; venues and dates name no one.
_CLAIMANT = {"asks": "asker", "warnings": "warner", "motives": "actor", "venues": "", "dates": ""}


def item_origins(article: Article, extraction: Extraction) -> dict[str, list[str | None]]:
    """Where the article got each item (text/relays.py): by kind, in order; kinds with no
    relayed item left out."""
    items = {
        kind: [(i.quote, getattr(i, who) if who else None) for i in getattr(extraction, kind)]
        for kind, who in _CLAIMANT.items()
    }
    found = relays.origins(article.text, items)
    return {kind: labels for kind, labels in found.items() if any(labels)}


def messages_for(article: Article) -> list[Message]:
    return [
        {"role": "system", "content": prompts.render("extract.system")},
        {"role": "user", "content": prompts.render("extract.user", article=article)},
    ]


def output_budget(article: Article, settings: Settings) -> int:
    """Tokens an answer may take: room for the schema's frame and for facts in proportion to
    the article (about one token of answer per three characters of text, which is generous for
    news), never more than `settings.max_output_tokens`. A looping model stops there."""
    return min(settings.max_output_tokens, 512 + len(article.text) // 3)


def parts_of(article: Article, settings: Settings) -> list[Article]:
    """The article as it is extracted: whole, or in parts when longer than
    `settings.context_tokens` (chunks.split)."""
    parts = chunks.split(article.text, settings.context_tokens * chunks.CHARS_PER_TOKEN)
    if len(parts) == 1:
        return [article]
    return [article.model_copy(update={"text": part}) for part in parts]


def first_requests(article: Article, settings: Settings) -> list[tuple[list[Message], int]]:
    """The first request of each part of the article, as `extract_article` will send it:
    (messages, max_tokens). A batch sends these ahead; the re-asks follow live."""
    return [(messages_for(a), output_budget(a, settings)) for a in parts_of(article, settings)]


async def extract_article(
    article: Article, client: Client, settings: Settings | None = None
) -> Result:
    """One article's result. An article longer than `settings.context_tokens` is extracted in
    parts (chunks.split), one after another, and the parts' extractions are combined into one
    (chunks.combine); the result says how many parts there were. A part that fails is left
    out; when every part fails, the article fails with the first part's reason."""
    settings = settings or Settings()
    talk = await _converse(article, client, settings)
    return talk if isinstance(talk, (ArticleExtraction, ArticleFailure)) else _finish(talk)


async def _converse(article: Article, client: Client, settings: Settings) -> Result | _Talk:
    """The model's part of `extract_article`: every request the article needs. A whole article
    comes back as its `_Talk`, which `_finish` makes into the result without the model; an
    article in parts comes back finished."""
    parts = parts_of(article, settings)
    if len(parts) == 1:
        return await _talk(article, client, settings)
    results = [await _extract_whole(part, client, settings) for part in parts]
    done = [r for r in results if isinstance(r, ArticleExtraction)]
    spent: _Provenance = {
        "article": reference(article),
        "model": next((r.model for r in results if r.model), client.model),
        "prompt_version": results[0].prompt_version,
        "usage": sum((r.usage for r in results), Usage()),
        "attempts": sum(r.attempts for r in results),
        "reasks": sum(r.reasks for r in results),
        "cut_off": any(r.cut_off for r in results),
    }
    if not done:
        first = results[0]
        assert isinstance(first, ArticleFailure)
        dropped = [d for r in results for d in r.dropped]
        return ArticleFailure(
            **spent,
            reason=f"every part failed; {first.reason}",
            dropped=dropped,
            transient=all(isinstance(r, ArticleFailure) and r.transient for r in results),
        )
    kept = chunks.combine([r.extraction for r in done])
    return ArticleExtraction(
        **spent,
        extraction=kept,
        mode=done[-1].mode,
        dropped=[d for r in results for d in r.dropped],
        resolved_dates=[resolve(d.text, article.published, d.relation) for d in kept.dates],
        origins=item_origins(article, kept),
        chunks=len(parts),
    )


async def _extract_whole(article: Article, client: Client, settings: Settings) -> Result:
    return _finish(await _talk(article, client, settings))


@dataclass
class _Talk:
    """What one whole article's exchange with the model left: the best grounded answer, if
    any, and what it cost."""

    article: Article
    model: str
    reason: str
    stats: CallStats
    reasks: int
    cut_off: bool
    best: tuple[Extraction, list[Dropped]] | None
    transient: bool = False  # failed for the server's sake (errors.ServerTrouble, a deadline)


async def _talk(article: Article, client: Client, settings: Settings) -> _Talk:
    """Never raises for this article's own trouble; `_finish` makes that an ArticleFailure.

    Every call carries a `max_tokens` budget (`output_budget`). An answer cut off by it is asked
    once more with twice the budget, up to `settings.max_output_tokens`; one cut off at the cap
    fails the article (a model that ran to the cap once would again), and the result says it hit
    the cap (`cut_off`). So an article costs at most budget + cap output tokens per turn.

    Re-asks: up to `settings.reasks` after an unusable answer (not JSON, fails the schema, cut
    off), and one more, naming them, when items are not grounded in the article (a re-ground).
    A re-ask is the same request with the error after the article, not the unusable answer. A
    re-ground sends the article once more with the dropped items and why, under its own short
    rules (prompts/reground.system.j2), and asks for those items only, corrected
    (`schemas.corrections`: the schema of their lists alone); the corrections take the dropped
    items' places in the first answer (`grounding.mend`). What is still not grounded after that
    is dropped and counted; the rest is kept. An answer with no grounded item left, only dropped
    ones, is a failure: nothing of it holds.
    Errors that doom every article (ModelSetupError, ReplayMissError) propagate.
    """
    system, user = messages_for(article)
    messages: list[Message] = [system, user]
    schema: type[BaseModel] = Extraction
    asked = user["content"]  # the user message a re-ask adds its error to
    stats = CallStats()
    model, reason = client.model, "no answer"
    problem: str | None = None  # what was wrong with the last answer, if anything
    reasks, invalid_reasks = 0, 0
    regrounded = not settings.grounding_reask
    first: list[Checked] | None = None  # the first usable answer, item by item
    transient = False  # the server's trouble, not the article's
    best: tuple[Extraction, list[Dropped]] | None = None
    cap, budget, cut_off = settings.max_output_tokens, output_budget(article, settings), False
    try:
        async with asyncio.timeout(settings.article_deadline):
            while True:
                completion = await client.complete(messages, schema, stats, max_tokens=budget)
                if completion.finish_reason == "length" and budget < cap:
                    budget = min(2 * budget, cap)
                    completion = await client.complete(messages, schema, stats, max_tokens=budget)
                model = completion.model or model
                answer = structured.read(completion, schema)
                if completion.finish_reason == "length":
                    # At the cap: asking again would cost as much and end the same way.
                    cut_off = True
                    reason = f"the answer was cut off at the cap of {budget} tokens"
                    break
                if answer.value is not None:
                    value = as_extraction(answer.value)
                    if first is None:
                        first = grounding.check(value, article.text)
                        best = grounding.kept(first)
                    else:
                        best = grounding.mend(first, value, article.text)
                    if not best[1] or regrounded:
                        break
                    regrounded = True
                    problem = f"{len(best[1])} item(s) not grounded"
                    unsupported = [one for one in first if one.dropped is not None]
                    items = [
                        {
                            "kind": one.kind,
                            "json": one.item.model_dump_json(),
                            "reason": drop.reason,
                        }
                        for one in unsupported
                        if (drop := one.dropped) is not None
                    ]
                    schema = corrections(tuple(dict.fromkeys(one.kind for one in unsupported)))
                    asked = user["content"] + "\n\n" + prompts.render("reground.user", items=items)
                    system = {"role": "system", "content": prompts.render("reground.system")}
                    follow_up = asked
                elif answer.refused or invalid_reasks >= settings.reasks:
                    reason = answer.error or reason
                    break
                else:
                    invalid_reasks += 1
                    problem = answer.error
                    error = answer.error or reason
                    follow_up = asked + "\n\n" + prompts.render("reask.user", error=error)
                reasks += 1
                messages = [system, {"role": "user", "content": follow_up}]
    except ArticleError as exc:
        reason = f"{exc}; the answer before: {problem}" if problem else str(exc)
        transient = isinstance(exc, ServerTrouble)
    except TimeoutError:
        reason = f"article deadline of {settings.article_deadline:g} s reached"
        transient = True
    return _Talk(article, model, reason, stats, reasks, cut_off, best, transient)


def _finish(talk: _Talk) -> Result:
    """The article's result from its exchange: no model call, no await. The reference (the
    text's fingerprint), the dates resolved and the result's models are built here, which
    `extract_all` does after letting the next article's request go out."""
    article, stats, best, reason = talk.article, talk.stats, talk.best, talk.reason
    provenance: _Provenance = {
        "article": reference(article),
        "model": talk.model,
        "prompt_version": prompts.prompt_version(),
        "usage": stats.usage,
        "attempts": stats.attempts,
        "reasks": talk.reasks,
        "cut_off": talk.cut_off,
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
            origins=item_origins(article, kept),
        )
    return ArticleFailure(
        **provenance,
        reason=reason,
        dropped=best[1] if best else [],
        transient=talk.transient and best is None,
    )


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
            talk = await _converse(article, client, settings)
        if isinstance(talk, _Talk):
            # The gate has let the next article in. Two turns of the event loop: in the first
            # the answers that arrived with this one are read and the articles the gate let
            # in send their requests; in the second this result is built. At C in flight the
            # answers come in bursts, and this way every next request of a burst goes out
            # before any result is built, so that work overlaps the wait for the model.
            await asyncio.sleep(0)
            await asyncio.sleep(0)
            result = _finish(talk)
        else:
            result = talk
        if on_result is not None:
            pending = on_result(result)
            if inspect.isawaitable(pending):
                await pending
        return result

    try:
        with _long_lived_heap_frozen():
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(one(article)) for article in articles]
    except BaseExceptionGroup as grouped:
        first = _first_briefgen_error(grouped)
        if first is not None:
            raise first from None
        raise
    return [task.result() for task in tasks]


_freezes = 0  # extract_all calls running with the heap frozen, in any thread
_freezes_lock = threading.Lock()


@contextlib.contextmanager
def _long_lived_heap_frozen() -> Iterator[None]:
    """Leave what exists before the model phase out of the garbage collector's full passes
    while it runs (`gc.freeze`), and give it back after (`gc.unfreeze`). A full pass walks
    every object in the process (the SDK, pydantic's models, the merge's word tables and
    gazetteer once loaded: 300,000 objects and more); it took 100 ms, half a request's
    latency, stalling all the answers waiting to be read. Objects made during the phase are
    collected as usual. Where someone else froze the heap first, it is left as it is."""
    global _freezes
    with _freezes_lock:
        ours = _freezes > 0 or gc.get_freeze_count() == 0
        if ours:
            if _freezes == 0:
                gc.freeze()
            _freezes += 1
    try:
        yield
    finally:
        if ours:
            with _freezes_lock:
                _freezes -= 1
                if _freezes == 0:
                    gc.unfreeze()


def _first_briefgen_error(grouped: BaseExceptionGroup) -> BriefgenError | None:
    for exc in grouped.exceptions:
        if isinstance(exc, BriefgenError):
            return exc
        if isinstance(exc, BaseExceptionGroup) and (inner := _first_briefgen_error(exc)):
            return inner
    return None
