"""One run's record in the store, and its log lines: what was asked, what each article came to,
what the run cost, how it ended (its exit code; `killed` if it never said). Also the cache
around extraction, since a cache hit is one kind of article outcome.

The run's writes (its start, each article's outcome and extraction) go to one writer thread,
and the cache lookup to a worker thread, so a slow disk never stalls the model calls. Each
article's extraction is handed to the writer the moment it is grounded, and a write once handed
over is finished even if the run is then cancelled (`finish` waits for the writer, then closes
the run's row itself): a run killed half-way has paid for its finished articles once, and the
rerun resumes. The run's totals go with every batch of outcomes, so a killed run keeps the
counts it had; they include the calls of articles still in flight (`_Counted`), so a run
interrupted by SIGTERM logs every call the server received. A run refused for a busy output,
or stopped by `strict`, gets a row closed at once (`record_stopped`).

Log records go to `logging.getLogger("briefgen")`; each carries `record.briefgen`, a dict with
the event's fields (`event`: run_start, article, run_end), for progress displays and JSON logs.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import inspect
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel

from briefgen import prices, prompts
from briefgen.config import Settings
from briefgen.errors import ConfigError, ExitCode, StoreError
from briefgen.extract import cachekey, extract
from briefgen.extract.extract import Result
from briefgen.model.client import CallStats, Client, Completion, Message
from briefgen.model.limits import BUDGET_REACHED, Budget
from briefgen.schemas import (
    Article,
    ArticleExtraction,
    ArticleFailure,
    ArticleRef,
    Brief,
    Cost,
    Unreadable,
    Usage,
)
from briefgen.store import ArticleRow, CacheEntry, RunRow, Store
from briefgen.store.runs import TOTALS

log = logging.getLogger("briefgen")
T = TypeVar("T")

# status -> exit code, as the CLI exits and as the run log keeps them
STATUS_CODES = {
    "ok": ExitCode.OK,
    "nothing": ExitCode.NOTHING,
    "error": ExitCode.USAGE,
    "partial": ExitCode.PARTIAL,
    "pending": ExitCode.BATCH_PENDING,  # batches submitted and not finished (batch.py)
    "refused": ExitCode.BUSY,  # another run holds the output (`record_stopped`)
    "interrupted": ExitCode.INTERRUPTED,
}


def job_key(sources: Sequence[str]) -> str:
    """The same sources are the same job, whatever else changed (model, prompt); `inbox/`,
    `./inbox` and its absolute path are one source."""
    resolved = sorted(
        s if s == "-" or "://" in s else os.path.abspath(os.path.expanduser(s)) for s in sources
    )
    return hashlib.sha256(json.dumps(resolved).encode()).hexdigest()[:16]


def count(n: int, word: str) -> str:
    """'1 call', '2 calls'."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def shown_status(run: RunRow) -> str:
    """The run's status as `runs` shows it: `killed` for a run still marked running whose
    process is gone, which ended without closing its row (SIGKILL, a crash, a power cut)."""
    if run.status == "running" and run.pid and not _alive(run.pid):
        return "killed"
    return run.status


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _resolved(source: str) -> str:
    """A source or output path as `job_key` compares them."""
    return (
        source if source == "-" or "://" in source else os.path.abspath(os.path.expanduser(source))
    )


def _label(run_id: int, ended: str | None) -> str:
    return f"run {run_id} ({(ended or '')[:16].replace('T', ' ')} UTC)"


def event(message: str, level: int = logging.INFO, **fields: Any) -> None:
    log.log(level, message, extra={"briefgen": fields})


def store_failed(exc: StoreError, run: int | None, what: str) -> None:
    """The `store_failed` event: the store could not be read or written (`exc` says which file,
    why, and what to do), and `what` the run does about it."""
    event(
        f"{what}: {exc}",
        logging.ERROR,
        event="store_failed",
        run=run,
        path=str(exc.path),
        kind=exc.kind,
        error=str(exc),
    )


class _Counted:
    """The client as extraction sees it: what its calls spent, counted as they go, so a run
    interrupted while articles are in flight still logs every call the server received (a
    finished article's result says what it cost; an unfinished one leaves no result)."""

    def __init__(self, inner: Client):
        self._inner = inner
        self.model = inner.model
        self._ended = [0, 0, 0]  # calls, input and output tokens of the calls that returned
        self._open: dict[int, tuple[CallStats, tuple[int, int, int]]] = {}
        self._next = 0

    @staticmethod
    def _now(stats: CallStats) -> tuple[int, int, int]:
        return stats.attempts, stats.usage.input_tokens, stats.usage.output_tokens

    def spent(self) -> tuple[int, int, int]:
        """(calls, input tokens, output tokens) so far, those of calls in flight included."""
        total = list(self._ended)
        for stats, before in self._open.values():
            for i, (now, then) in enumerate(zip(self._now(stats), before, strict=True)):
                total[i] += now - then
        return total[0], total[1], total[2]

    async def complete(
        self,
        messages: list[Message],
        schema: type[BaseModel],
        stats: CallStats,
        *,
        max_tokens: int | None = None,
    ) -> Completion:
        key, self._next = self._next, self._next + 1
        self._open[key] = (stats, self._now(stats))
        try:
            return await self._inner.complete(messages, schema, stats, max_tokens=max_tokens)
        finally:
            _, before = self._open.pop(key)
            for i, (now, then) in enumerate(zip(self._now(stats), before, strict=True)):
                self._ended[i] += now - then

    async def aclose(self) -> None:
        await self._inner.aclose()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def record_stopped(
    store: Store,
    settings: Settings,
    sources: list[str],
    model: str,
    base_url: str,
    status: str,
    error: str,
) -> int:
    """A run that stopped before its first article: `refused` (another run holds its output)
    or `nothing` (`strict` met a source it cannot read). Its row in the run log, closed at
    once with the status, exit code and error, and its run_end event; returns its id."""
    config = settings.model_dump(mode="json", exclude={"api_key"})
    version = prompts.prompt_version()
    run_id = store.runs.start(job_key(sources), config, sources, model, base_url, version)
    code = int(STATUS_CODES[status])
    store.runs.finish(run_id, status=status, exit_code=code, totals={}, error=error)
    event(
        f"run {run_id} {status}: no model call, nothing written",  # the error follows
        event="run_end",
        run=run_id,
        status=status,
        exit_code=code,
        error=error,
        seconds=0.0,
        outputs=[],
        **dict.fromkeys(TOTALS, 0),
    )
    return run_id


class RunLog:
    def __init__(
        self,
        store: Store | None,
        settings: Settings,
        sources: list[str],
        articles: Sequence[Article],
        model: str,
        base_url: str,
        on_result: extract.Callback | None = None,
        unreadable: Sequence[Unreadable] = (),
    ):
        self.store = store
        self.on_result = on_result
        self.settings = settings
        self.base_url = base_url
        self.model = model
        self.prompt_version = prompts.prompt_version()
        self.job = job_key(sources)
        self.sources = sources
        self.articles = list(articles)
        # Sources that could not be read: failures from the start, after the articles.
        self.unreadable = [self._failure(u) for u in unreadable]
        self.total = len(self.articles) + len(self.unreadable)
        self.hashes = [cachekey.content_hash(a) for a in self.articles]
        self.keys = [
            cachekey.key(h, settings, self.base_url, self.prompt_version, model)
            for h in self.hashes
        ]
        # Replay and recording are about the exchanges themselves: they neither read nor
        # fill the cache.
        exchanges = settings.replay is not None or settings.record is not None
        self.reads_cache = store is not None and settings.cache and not exchanges
        self.writes_cache = store is not None and not exchanges
        self.id: int | None = None
        self.outcomes: dict[int, Result] = {}
        # The finished articles' totals, kept as they come (`totals`), and the client whose
        # calls are counted as they go (`_Counted`).
        self._sums = dict.fromkeys(TOTALS, 0) | {"articles": self.total}
        self._counted: _Counted | None = None
        self.stale: set[int] = set()  # failures whose last good extraction stands in
        self.shown_stale = 0  # the sources standing in for them (a feed: its entries)
        self.started = time.monotonic()
        self.started_at = datetime.now(UTC)  # the UTC day of the budget and the archive's names
        # What the run's calls cost (prices.py). Replayed answers cost nothing: not priced.
        self.paid = settings.replay is None
        found = prices.price_for(model, base_url, settings.prices) if self.paid else None
        self.price: prices.Price | None = found[0] if found is not None else None
        self.priced_by: str | None = found[1] if found is not None else None
        if settings.budget_per_day is not None and self.paid and self.price is None:
            raise ConfigError(
                f"budget_per_day is set, but model {model!r} at {base_url} has no known price: "
                "give it one in the prices setting (docs/scheduling.md#12-costs-and-a-daily-budget)"
            )
        self.budget: Budget | None = None  # the day's money left, set by `start`
        self.batch_usage = Usage()  # tokens answered by the Batch API, at half price
        # One writer thread, with one connection held open for all its writes.
        self._writer = ThreadPoolExecutor(
            max_workers=1,
            thread_name_prefix="briefgen-store",
            initializer=store.db.hold_connection if store is not None else None,
        )
        # Outcomes waiting for the writer, and the write that will take them all.
        self._queued: list[tuple[ArticleRow, CacheEntry | None]] = []
        self._queued_write: Future[None] | None = None
        self._queued_totals: dict[str, int] = {}
        self._queue_lock = threading.Lock()
        # The first store error met once the run was under way (a full disk, damaged pages),
        # and the answers of this run the store could not keep: the run goes on without them.
        self.store_trouble: StoreError | None = None
        self.uncached = 0
        self._trouble_lock = threading.Lock()

    async def _write(self, function: Callable[..., T], *args: Any) -> T:
        """Run a store write on the writer thread. Shielded: a cancelled run still completes
        the writes it handed over."""
        return await asyncio.shield(asyncio.wrap_future(self._writer.submit(function, *args)))

    async def _write_or_note(self, function: Callable[..., Any], *args: Any) -> None:
        """A write once the run is under way: a store that cannot take it is noted
        (`store_failed`), and the run goes on."""
        try:
            await self._write(function, *args)
        except StoreError as exc:
            self.store_failed(exc)

    def store_failed(self, exc: StoreError, uncached: int = 0) -> None:
        """The store could not be read or written once the run was under way: say so once
        (the `store_failed` event), count the answers it did not keep, and go on. The brief is
        still made and written; `amake_brief` then raises StoreNotUpdated (exit 2)."""
        with self._trouble_lock:
            first = self.store_trouble is None
            if first:
                self.store_trouble = exc
            self.uncached += uncached
        if first:
            store_failed(exc, self.id, "the store could not be updated; the run goes on without it")

    def read_or_note(self, function: Callable[[], T], default: T) -> T:
        """A read of the store once the model calls are made (the brief to compare with, the
        last good extractions): a store that cannot answer is noted (`store_failed`) and
        `default` stands in, so the answers paid for still make a brief."""
        try:
            return function()
        except StoreError as exc:
            self.store_failed(exc)
            return default

    async def start(self) -> None:
        self.started = time.monotonic()
        self.started_at = datetime.now(UTC)
        if self.store is not None:
            try:
                await self._open_row()
            except StoreError as exc:  # before any model call: the run stops here (exit 2)
                self._close_quietly(str(exc))
                raise

    def _close_quietly(self, error: str) -> None:
        """After a store error at the start: the writer stopped, and the run's row closed if
        it was opened and the store still takes it."""
        assert self.store is not None
        with contextlib.suppress(RuntimeError):
            self._writer.submit(self.store.db.release_connection)
        self._writer.shutdown(wait=True)
        if self.id is not None:
            with contextlib.suppress(StoreError):
                code = int(STATUS_CODES["error"])
                self.store.runs.finish(
                    self.id, status="error", exit_code=code, totals={}, error=error
                )

    async def _open_row(self) -> None:
        """The run's row, its article count (a run killed before its first outcome says how
        many it had), and the day's budget from the store."""
        assert self.store is not None
        config = self.settings.model_dump(mode="json", exclude={"api_key"})
        self.id = await self._write(
            functools.partial(self.store.runs.start, name=self.settings.job_name),
            self.job,
            config,
            self.sources,
            self.model,
            self.base_url,
            self.prompt_version,
        )
        await self._write(self.store.runs.record_articles, self.id, [], self.totals())
        if self.settings.budget_per_day is not None and self.price is not None:
            spent = await asyncio.to_thread(self.spent_today)
            self.budget = Budget(self.settings.budget_per_day, spent, self.price)

    def spent_today(self) -> float:
        """What the job's earlier runs of this UTC day spent, in US dollars: each run's cost;
        for a run that never closed its row (killed, or running now), its finished articles'
        tokens at the full price of its model; a run of an unpriced model, nothing."""
        assert self.store is not None and self.id is not None
        day = self.started_at.date().isoformat()
        total = 0.0
        for row in self.store.runs.day_spend(self.settings.job_name, day, self.id):
            if row.cost is not None:
                total += row.cost
            elif row.open and (
                found := prices.price_for(row.model, row.base_url, self.settings.prices)
            ):
                total += prices.cost(found[0], row.input_tokens, row.output_tokens)
        return total

    def cost(self, usage: Usage) -> Cost | None:
        """What `usage` cost at this run's price (its Batch API part at half); None when the
        run is not priced (replayed answers)."""
        if not self.paid:
            return None
        if self.price is None:
            return Cost(usd=None, model=self.model)
        batch = self.batch_usage
        live_in = max(usage.input_tokens - batch.input_tokens, 0)
        live_out = max(usage.output_tokens - batch.output_tokens, 0)
        usd = prices.cost(self.price, live_in, live_out) + prices.cost(
            self.price, batch.input_tokens, batch.output_tokens, batch=True
        )
        return Cost(
            usd=round(usd, 8),
            model=self.model,
            input_price=self.price.input,
            output_price=self.price.output,
            batch_usage=batch,
            priced_by=self.priced_by,
        )

    def priced(self, brief: Brief) -> Brief:
        """The brief with what its run's calls cost (all of them: the claim check's too)."""
        quality = brief.quality.model_copy(update={"cost": self.cost(brief.quality.usage)})
        return brief.model_copy(update={"quality": quality})

    def _budget_note(self) -> None:
        """One warning naming the budget and the day's spend, if it stopped articles."""
        stopped = [
            r
            for r in self.outcomes.values()
            if isinstance(r, ArticleFailure) and r.reason.startswith(BUDGET_REACHED)
        ]
        if not stopped or self.budget is None:
            return
        budget = self.budget
        event(
            f"budget_per_day of {prices.money(budget.per_day)} reached: "
            f"{prices.money(budget.spent_before + budget.spent)} spent today "
            f"({prices.money(budget.spent)} by this run); "
            f"{count(len(stopped), 'article')} not asked, asked again tomorrow",
            logging.WARNING,
            event="budget",
            run=self.id,
            budget_per_day=budget.per_day,
            spent_today=round(budget.spent_before + budget.spent, 8),
            spent_by_run=round(budget.spent, 8),
            not_asked=len(stopped),
        )

    async def extract(self, connect: Callable[[], Client]) -> list[Result]:
        """Every article's result in input order: from the cache where it holds one, from the
        model for the rest. `connect` gives the client, and is called only if a model call is
        needed."""
        hits = await self._cached()
        event(
            f"run {self.id or '-'} started: {count(self.total, 'article')}, "
            f"{len(hits)} cached, "
            f"model {self.model}" + self._where(),
            event="run_start",
            run=self.id,
            articles=self.total,
            cached=len(hits),
        )
        await self._record_hits(hits)
        for offset, failure in enumerate(self.unreadable):
            await self._record(len(self.articles) + offset, failure)
        todo = [i for i in range(len(self.articles)) if i not in hits]
        if not todo:
            return [self.outcomes[i] for i in range(self.total)]
        index_of = {self.articles[i].id: i for i in todo}  # ingest makes ids unique

        async def done(result: Result) -> None:
            await self._record(index_of[result.article.id], result)

        client = connect()
        # No batch is submitted once the day's budget is spent: its articles fail at once.
        spent = self.budget is not None and self.budget.reached() is not None
        batched = None
        if self.settings.batch and self.store is not None and not spent:
            from briefgen.extract import batch  # the first requests answered by Batch API jobs

            articles = [self.articles[i] for i in todo]
            client = batched = await batch.prepare(
                articles, client, self.store, self.settings, self.job
            )
        self._counted = _Counted(client)
        await extract.extract_all(
            [self.articles[i] for i in todo], self._counted, self.settings, on_result=done
        )
        if batched is not None and self.store is not None:
            self.batch_usage = batched.used
            await self._write_or_note(batch.taken, batched, self.store)
        self._budget_note()
        return [self.outcomes[i] for i in range(self.total)]

    def _failure(self, unreadable: Unreadable) -> ArticleFailure:
        return ArticleFailure(
            article=ArticleRef(id=unreadable.id, source=unreadable.source, via=unreadable.via),
            reason=unreadable.reason,
            model=self.model,
            prompt_version=self.prompt_version,
            transient=unreadable.transient,
        )

    def _where(self) -> str:
        if self.settings.replay is not None:  # base_url then names the recordings
            return f", answers replayed from {self.settings.replay}"
        if self.settings.record is not None:
            return f" at {self.base_url}, recording to {self.settings.record}"
        return f" at {self.base_url}"

    async def _cached(self) -> dict[int, ArticleExtraction]:
        if not self.reads_cache or self.store is None:
            return {}
        stored = await asyncio.to_thread(self.store.cache.lookup, self.keys)
        hits: dict[int, ArticleExtraction] = {}
        for index, key in enumerate(self.keys):
            if key not in stored:
                continue
            try:
                result = ArticleExtraction.model_validate_json(stored[key])
            except ValueError:  # written by another briefgen: ask again
                continue
            hits[index] = result.model_copy(
                update={  # same text, same fingerprint
                    "article": extract.reference(self.articles[index], result.article),
                    # read again from the text: a cached extraction gets today's rules
                    "origins": extract.item_origins(self.articles[index], result.extraction),
                    "cached": True,
                    "attempts": 0,
                    "reasks": 0,
                    "usage": Usage(),
                }
            )
        return hits

    async def _record_hits(self, hits: dict[int, ArticleExtraction]) -> None:
        """Cache hits: logged each, stored in one transaction."""
        rows = [self._outcome(index, result) for index, result in sorted(hits.items())]
        if self.store is not None and self.id is not None and rows:
            totals = self.totals()
            await self._write_or_note(self.store.runs.record_articles, self.id, rows, totals)
        for result in hits.values():
            await self._call_back(result)

    async def _record(self, index: int, result: Result) -> None:
        row = self._outcome(index, result)
        if self.store is not None and self.id is not None:
            # Shielded, as `_write`: a cancelled run still completes the rows it handed over.
            await asyncio.shield(asyncio.wrap_future(self._queue_row(row)))
        await self._call_back(result)

    def _queue_row(self, row: tuple[ArticleRow, CacheEntry | None]) -> Future[None]:
        """The write that will store `row`: one transaction for every outcome that arrives
        while the writer is busy. At 32 articles in flight their answers come in bursts, and
        one transaction per article cost about 1.5 ms of CPU each (mostly opening and
        committing), against 0.2 ms per row in a shared one."""
        with self._queue_lock:
            if self._queued_write is None:
                self._queued_write = self._writer.submit(self._write_queued)
            self._queued.append(row)
            self._queued_totals = self.totals()  # the latest, written with the rows
            return self._queued_write

    def _write_queued(self) -> None:
        """On the writer thread: every outcome queued so far, in one transaction."""
        with self._queue_lock:
            rows, self._queued, self._queued_write = self._queued, [], None
            totals = self._queued_totals
        assert self.store is not None and self.id is not None
        try:
            self.store.runs.record_articles(self.id, rows, totals)
        except StoreError as exc:  # the answers are in the run's results: the brief has them
            self.store_failed(exc, uncached=sum(entry is not None for _, entry in rows))

    async def _call_back(self, result: Result) -> None:
        if self.on_result is not None:
            pending = self.on_result(result)
            if inspect.isawaitable(pending):
                await pending

    def _outcome(self, index: int, result: Result) -> tuple[ArticleRow, CacheEntry | None]:
        """Log one article's outcome; its run-log row and, if it is new, its cache entry."""
        if index not in self.outcomes:
            self._add(result)
        self.outcomes[index] = result
        article = result.article
        cached = isinstance(result, ArticleExtraction) and result.cached
        failed = isinstance(result, ArticleFailure)
        outcome = "failed" if failed else "cached" if cached else "extracted"
        reason = result.reason if isinstance(result, ArticleFailure) else None
        dropped = len(result.dropped)
        if failed:
            calls = count(result.attempts, "call")
            event(
                f"failed    {article.id} ({calls}): {reason}",
                logging.WARNING,
                event="article",
                outcome=outcome,
                id=article.id,
                reason=reason,
                calls=result.attempts,
            )
        else:
            assert isinstance(result, ArticleExtraction)
            found = result.extraction
            claims = len(found.asks) + len(found.warnings) + len(found.motives)
            event(
                f"{outcome:<9} {article.id}: {len(found.actors)} actors, {claims} claims, "
                f"{dropped} dropped, {count(result.attempts, 'call')}",
                event="article",
                outcome=outcome,
                id=article.id,
                calls=result.attempts,
                tokens=result.usage.input_tokens + result.usage.output_tokens,
                dropped=dropped,
            )
        row = ArticleRow(
            n=index + 1,
            article_id=article.id,
            source=article.source,
            title=article.title,
            content_hash=self.hashes[index] if index < len(self.hashes) else "",
            outcome=outcome,
            reason=reason,
            calls=result.attempts,
            reasks=result.reasks,
            input_tokens=result.usage.input_tokens,
            output_tokens=result.usage.output_tokens,
            dropped=dropped,
        )
        entry = None
        if outcome == "extracted" and self.writes_cache:
            entry = CacheEntry(
                key=self.keys[index],
                content_hash=self.hashes[index],
                model=self.model,
                base_url=self.base_url,
                prompt_version=self.prompt_version,
                schema_version=cachekey.schema_version(),
                result=result.model_dump_json(),
            )
        return row, entry

    def previous(self) -> tuple[str, Brief] | None:
        """The job's last brief before this run, and how to name it."""
        if self.store is None or self.id is None:
            return None
        store, run_id = self.store, self.id
        found = self.read_or_note(lambda: store.runs.previous_brief(self.job, run_id), None)
        if found is None:
            return None
        run_id, ended, text = found
        try:
            return _label(run_id, ended), Brief.model_validate_json(text)
        except ValueError:  # a brief of an older briefgen's shape: no comparison
            return None

    def earlier(self) -> tuple[str, Brief, str] | None:
        """When the job has no brief yet: the last brief of a run that wrote one of this run's
        output files, else that read one of its sources, with a line on how the list of
        sources changed; None on a job's true first run."""
        if self.store is None or self.id is None:
            return None
        mine = {_resolved(str(p)) for p in (self.settings.out, self.settings.json_out,
                                           self.settings.html) if p is not None}  # fmt: skip
        sources = {_resolved(s) for s in self.sources}
        store, run_id = self.store, self.id
        nothing: list[tuple[int, list[str], list[str]]] = []
        candidates = self.read_or_note(lambda: store.runs.with_briefs(run_id), nothing)
        chosen = next(
            (c for c in candidates if mine & {_resolved(p) for p in c[2]}),
            next((c for c in candidates if sources & {_resolved(s) for s in c[1]}), None),
        )
        if chosen is None:
            return None
        found = self.read_or_note(lambda: store.runs.brief_of(chosen[0]), None)
        if found is None:
            return None
        run_id, ended, text = found
        try:
            brief = Brief.model_validate_json(text)
        except ValueError:
            return None
        before = {_resolved(s): s for s in chosen[1]}
        now = {_resolved(s): s for s in self.sources}
        added = [now[k] for k in now if k not in before]
        removed = [before[k] for k in before if k not in now]
        parts = [f"added {', '.join(added)}"] if added else []
        parts += [f"removed {', '.join(removed)}"] if removed else []
        note = (
            f"The job's sources changed since run {run_id} ({'; '.join(parts) or 'reordered'})"
            f": compared with that run's brief."
        )
        return _label(run_id, ended), brief, note

    def mark_stale(self, indices: Sequence[int], shown: int | None = None) -> None:
        """These failures (indices of this run's results) are shown as last read, by `shown`
        sources (a feed's by its entries): counted as stale, not failed, and so recorded."""
        self.stale = set(indices)
        self.shown_stale = len(self.stale) if shown is None else shown
        if self.store is not None and self.id is not None and self.stale:
            try:
                self.store.runs.mark(self.id, [i + 1 for i in sorted(self.stale)], "stale")
            except StoreError as exc:
                self.store_failed(exc)

    def report_stale(self, brief: Brief) -> None:
        """One warning per stale source of the brief: why, and how old what it shows is."""
        for source in brief.sources:
            if source.stale is None:
                continue
            age = source.stale.ago
            event(
                f"stale     [{source.n}] {source.article.id}: {source.stale.reason}; shown as "
                f"last read {age} ago (run {source.stale.run})",
                logging.WARNING,
                event="stale",
                n=source.n,
                id=source.article.id,
                source=source.article.source,
                reason=source.stale.reason,
                age=source.stale.age,
                last_good=source.stale.last_good,
            )

    def merged(self, merge_key: str) -> str | None:
        """The brief JSON the job last made from a merge input with this key, if any."""
        if self.store is None or self.id is None:
            return None
        store, run_id = self.store, self.id
        return self.read_or_note(lambda: store.runs.merged_brief(self.job, merge_key, run_id), None)

    def totals(self) -> dict[str, int]:
        """The run's totals so far: its finished articles, and the calls and tokens of those
        still in flight (cheap: the run log writes them with every batch of outcomes). A
        source that could not be reached and stands in with its last good extraction is no
        failure: it counts as the entries standing in for it (a feed: its entries)."""
        found = dict(self._sums)
        if self._counted is not None:
            spent = self._counted.spent()
            for i, name in enumerate(("calls", "input_tokens", "output_tokens")):
                found[name] = max(found[name], spent[i])
        if self.stale:
            found["articles"] += self.shown_stale - len(self.stale)
            found["failed"] -= sum(
                isinstance(self.outcomes.get(i), ArticleFailure) for i in self.stale
            )
        found["stale"] = self.shown_stale
        return found

    def _add(self, result: Result) -> None:
        sums = self._sums
        sums["cached"] += isinstance(result, ArticleExtraction) and result.cached
        sums["failed"] += isinstance(result, ArticleFailure)
        sums["calls"] += result.attempts
        sums["reasks"] += result.reasks
        sums["input_tokens"] += result.usage.input_tokens
        sums["output_tokens"] += result.usage.output_tokens

    def finish(
        self,
        status: str,
        *,
        error: str | None = None,
        outputs: Sequence[str] = (),
        brief: Brief | None = None,
        merge_key: str | None = None,
    ) -> None:
        """Close the run's row (synchronously: this also runs while the run is being
        cancelled) and log the closing summary."""
        if self.store is not None:
            with contextlib.suppress(RuntimeError):  # already shut down: finished before
                self._writer.submit(self.store.db.release_connection)  # after the writes queued
        self._writer.shutdown(wait=True)  # every write handed over is done first
        elapsed = time.monotonic() - self.started
        totals = self.totals()
        code = int(STATUS_CODES[status])  # a plain int in the store and the log event
        priced = brief.quality.cost if brief is not None and brief.quality.cost else None
        if priced is None:  # no brief: what its articles' calls cost
            priced = self.cost(
                Usage(input_tokens=totals["input_tokens"], output_tokens=totals["output_tokens"])
            )
        usd = priced.usd if priced is not None else None
        if self.store_trouble is not None and error is None:
            error = f"the store could not be updated: {self.store_trouble}"
        if self.store is not None and self.id is not None:
            try:
                self.store.runs.finish(
                    self.id,
                    status=status,
                    exit_code=code,
                    totals=totals,
                    error=error,
                    outputs=list(outputs),
                    brief=brief.model_dump_json() if brief is not None else None,
                    merge_key=merge_key,
                    cost=usd,
                )
            except StoreError as exc:  # the row stays open: `runs` shows it as killed
                self.store_failed(exc)
        event(
            f"run {self.id or '-'} {status}: {count(totals['articles'], 'article')}, "
            f"{totals['cached']} cached, {totals['failed']} failed, "
            + (f"{totals['stale']} stale, " if totals["stale"] else "")
            + f"{count(totals['calls'], 'call')}, "
            f"tokens in/out {totals['input_tokens']}/{totals['output_tokens']}, "
            + (f"{prices.money(usd)}, " if priced is not None else "")
            + f"{elapsed:.1f} s"
            + (f" -> {', '.join(outputs)}" if outputs else "")
            + (f"; {error}" if error and status not in ("interrupted", "nothing") else ""),
            event="run_end",
            run=self.id,
            status=status,
            exit_code=code,
            error=error,
            seconds=round(elapsed, 3),
            outputs=list(outputs),
            cost=usd,
            **totals,
        )
