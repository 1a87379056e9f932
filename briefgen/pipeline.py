"""The whole program, top to bottom: ingest -> extract -> merge -> render -> outputs, with the
run log.

`make_brief` is the one function a scheduled job calls. It prints nothing (it logs through
`logging.getLogger("briefgen")`), writes the outputs the settings name, returns the Brief, and
raises `NothingProduced` when no article could be extracted.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from contextlib import AsyncExitStack
from importlib.resources import files
from pathlib import Path

from briefgen import merge, outputs, stale
from briefgen.config import Settings, load_settings
from briefgen.errors import (
    BatchPending,
    BriefgenError,
    BusyError,
    InputError,
    NothingProduced,
    OutputsNotWritten,
    StoreError,
    StoreNotUpdated,
    StrictFailure,
)
from briefgen.extract import cachekey, claimcheck
from briefgen.extract.extract import Callback, Result
from briefgen.ingest import bounded, inputs
from briefgen.ingest.article import InputOptions
from briefgen.merge import changes, mergekey
from briefgen.model.client import CallStats, Client
from briefgen.model.limits import BUDGET_REACHED, Budget
from briefgen.runlog import RunLog, event, record_stopped, store_failed
from briefgen.schemas import (
    Article,
    ArticleExtraction,
    ArticleFailure,
    Brief,
    Changes,
    Stale,
    Unreadable,
)
from briefgen.store import BatchRow, Store

DEMO_DIR = Path(str(files("briefgen") / "examples" / "kim-putin-2023-09"))


def demo_settings(**overrides: object) -> Settings:
    """The bundled example answers from its hand-written recordings: offline, no key."""
    return Settings.model_validate(
        {"sources": [str(DEMO_DIR)], "replay": DEMO_DIR / "recordings", **overrides}
    )


def build_client(
    settings: Settings,
    store: Store | None = None,
    budget: Budget | None = None,
    *,
    started: float | None = None,
) -> Client:
    """The client of the configured backend (`settings.backend`, found by the registry), with
    the run's limits (and the day's money `budget`; the `deadline` counted from `started`,
    time.monotonic() when the run began, else from now); the store remembers what
    structured-output mode worked per server."""
    from briefgen.model import registry

    modes = store.modes if store is not None else None
    return registry.build_client(settings, modes, budget, started=started)


def server_name(settings: Settings, client: Client | None) -> str:
    """The server, as the run log and the cache key name it: the backend says which."""
    if client is None:
        return cachekey.server_url(settings)
    # A caller's own client: its answers are its own, whatever the settings say.
    return str(getattr(client, "base_url", None) or f"client:{type(client).__qualname__}")


async def amake_brief(
    sources: Sequence[str | Path] | None = None,
    settings: Settings | None = None,
    *,
    client: Client | None = None,
    title: str | None = None,
    on_result: Callback | None = None,
) -> Brief:
    """Read the sources (default: `settings.sources`), extract each article with the model
    (or from the cache), merge into one Brief, say what changed since the job's last brief,
    and write `settings.out` / `settings.json_out` / `settings.html` if set. `on_result` is
    called with each article's result (a cached one too) as it is known."""
    started = time.monotonic()  # the run's `deadline` counts from here, reading included
    settings = settings or load_settings().settings
    if title is not None:
        settings = settings.model_copy(update={"title": title})
    names = [str(s) for s in (sources if sources is not None else settings.sources)]
    if settings.replay is not None and settings.record is not None:
        raise InputError("replay and record cannot be used together")
    if settings.batch and (settings.replay is not None or settings.record is not None):
        raise InputError("batch mode talks to a server's Batch API: not with replay or record")
    if settings.batch and settings.batch_only and settings.claim_check:
        raise InputError("the claim check asks the model live: not with batch_only")
    if not settings.batch and (settings.batch_only or settings.batch_wait is not None):
        event(
            "batch_only and batch_wait do nothing without batch: every article is asked live",
            logging.WARNING,
            event="warning",
        )
    outputs.check_outputs(settings)  # before any model call
    since = outputs.read_brief(settings.since) if settings.since is not None else None
    store = Store(settings.db_path)
    async with AsyncExitStack() as stack:
        model = client.model if client is not None else settings.model
        server = server_name(settings, client)
        try:  # the lock first: a run refused at once reads no feed
            stack.enter_context(outputs.locked(settings, store.path.parent))
            # On a thread: a slow server or a pipe never holds the event loop, and the first
            # SIGINT or SIGTERM ends the run at once (bounded.off_thread).
            options = InputOptions.of(settings, started)
            items = await bounded.off_thread(
                inputs.read, names, strict=settings.strict, options=options
            )
        except (BusyError, StrictFailure) as exc:  # in the run log, as `runs` shows them
            status = "refused" if isinstance(exc, BusyError) else "nothing"
            try:
                record_stopped(store, settings, names, model, server, status, str(exc))
            except StoreError as trouble:  # the refusal is the news; the store is said too
                store_failed(trouble, None, "the run could not be recorded")
            raise
        articles = [item for item in items if isinstance(item, Article)]
        unreadable = [item for item in items if isinstance(item, Unreadable)]

        def connect() -> Client:  # only when an article is not in the cache
            nonlocal client
            if client is None:
                client = build_client(settings, store, run.budget, started=started)
                stack.push_async_callback(client.aclose)
            return client

        run = RunLog(store, settings, names, articles, model, server, on_result, unreadable)
        await run.start()
        try:
            results = await run.extract(connect)
            previous = run.previous()
            earlier = run.earlier() if previous is None else None
            last = previous or (earlier[:2] if earlier else None)
            kept = run.read_or_note(
                lambda: stale.keep_last_good(
                    results,
                    store,
                    job=run.job,
                    run_id=run.id or 0,
                    previous=last[1] if last else None,
                    model=model,
                    prompt_version=run.prompt_version,
                    stale_after=settings.stale_after,
                ),
                stale.Kept(list(results)),
            )
            run.mark_stale(kept.covered, len(kept.stale))
            results = kept.results
            same_claims = None
            checked = CallStats()
            if settings.claim_check:  # asked before the merge, which stays pure
                same_claims = await claimcheck.check(
                    merge.claim_candidates(results),
                    connect,
                    model=model,
                    server=server,
                    settings=settings,
                    store=store.claim_checks,
                    stats=checked,
                )
            key = mergekey.input_key(results, settings.title, same_claims)
            brief = _reused(run.merged(key), results) or merge.merge(
                results, title=settings.title, same_claims=same_claims
            )
            if checked.attempts:  # the check's calls are this run's calls too
                quality = brief.quality.model_copy(
                    update={
                        "attempts": brief.quality.attempts + checked.attempts,
                        "usage": brief.quality.usage + checked.usage,
                    }
                )
                brief = brief.model_copy(update={"quality": quality})
            brief = with_stale(brief, kept.stale)
            brief = run.priced(brief)  # what the calls cost (prices.py)
            if len(brief.failures) == len(brief.sources):
                raise nothing_produced(brief, getattr(client, "unreachable", None))
            if since is not None:
                brief = with_changes(brief, (str(settings.since), since), settings)
            elif earlier is not None:
                brief = with_changes(brief, earlier[:2], settings, note=earlier[2])
            else:
                brief = with_changes(brief, previous, settings)
            run.report_stale(brief)
            archive = outputs.archive_paths(settings, run.id, run.started_at)
            try:
                written = outputs.deliver(brief, settings, archive)
            except OutputsNotWritten as exc:
                raise not_written(exc, run) from None
        except (asyncio.CancelledError, KeyboardInterrupt):
            run.finish("interrupted")
            raise
        except BatchPending as exc:
            run.finish("pending", error=str(exc))
            raise
        except BriefgenError as exc:
            status = "nothing" if isinstance(exc, NothingProduced) else "error"
            run.finish(status, error=str(exc))
            raise
        except Exception as exc:
            run.finish("error", error=f"{type(exc).__name__}: {exc}")
            raise
        run.finish(
            "partial" if brief.partial else "ok",
            outputs=[str(p) for p in written],
            brief=brief,
            merge_key=key,
        )
        if run.store_trouble is not None:
            raise store_not_updated(run.store_trouble, run.uncached, brief)
    return brief


def not_written(exc: OutputsNotWritten, run: RunLog) -> OutputsNotWritten:
    """The outputs could not be written: whether the run's answers are kept for the rerun."""
    trouble = run.store_trouble
    if not run.writes_cache:  # replayed or recorded answers: the cache was never theirs
        return exc
    if trouble is None:
        kept = "; the answers are cached, so the rerun pays for none of them again"
    else:
        lost = f" ({run.uncached} paid answer(s) not cached)" if run.uncached else ""
        kept = f"; the store could not be updated either{lost}: {trouble}"
    return OutputsNotWritten(f"{exc}{kept}", exc.brief)


def store_not_updated(trouble: StoreError, uncached: int, brief: Brief) -> StoreNotUpdated:
    """The run's brief is written, but the store could not keep all of the run: one line
    that says so, how many paid answers are not cached, and what to do (`trouble`'s remedy)."""
    lost = f", {uncached} paid answer(s) not cached" if uncached else ""
    return StoreNotUpdated(
        f"the brief was written, but the store could not be updated{lost}: {trouble}",
        trouble.path,
        trouble.kind,
        brief,
    )


def _reused(stored: str | None, results: list[ArticleExtraction | ArticleFailure]) -> Brief | None:
    """The job's brief of the same merge input, with this run's counts (mergekey.py)."""
    if stored is None:
        return None
    try:
        return mergekey.reuse(stored, results)
    except ValueError:  # a brief of an older briefgen's shape: merge again
        return None


def with_changes(
    brief: Brief,
    previous: tuple[str, Brief] | None,
    settings: Settings,
    *,
    note: str | None = None,
) -> Brief:
    """The brief with what changed since `previous` (its label and brief): every change in
    the JSON, the first `changes_shown` at the top. Without a previous brief, one line says
    this is the job's first run."""
    if previous is None:
        found = Changes(since="", items=[], note=changes.FIRST_RUN)
    else:
        label, old = previous
        found = changes.diff(old, brief, since=label).model_copy(update={"note": note})
    found = found.model_copy(update={"shown": settings.changes_shown})
    return brief.model_copy(update={"changes": found})


def with_stale(brief: Brief, found: dict[int, Stale]) -> Brief:
    """The brief's sources marked stale where their last good extraction stands in (by index
    in the merge's input, which numbers the sources); a brief reused from the store keeps no
    marks of its own."""
    if not found and not any(s.stale for s in brief.sources):
        return brief
    sources = [s.model_copy(update={"stale": found.get(s.n - 1)}) for s in brief.sources]
    return brief.model_copy(update={"sources": sources})


def nothing_produced(brief: Brief, unreachable: str | None = None) -> NothingProduced:
    """`unreachable`: why the model server could not be reached, which comes first then."""
    count = len(brief.failures)
    cause = f"{unreachable}; " if isinstance(unreachable, str) else ""
    # The day's budget is named: the articles it stopped are asked again tomorrow.
    reasons = [s.failed or "" for s in brief.failures]
    budget = next((r for r in reasons if r.startswith(BUDGET_REACHED)), "")
    return NothingProduced(
        f"{cause}no article could be extracted ({count} failed"
        + (f"; {budget.split('; the answer before')[0]}" if budget else "")
        + "); nothing was written",
        brief,
    )


async def aextract(
    sources: Sequence[str | Path],
    settings: Settings | None = None,
    *,
    client: Client | None = None,
) -> list[Result]:
    """Each article's extraction or failure, in input order: no merge, no cache, no run log."""
    from briefgen.extract import extract

    settings = settings or load_settings().settings
    articles = await bounded.off_thread(inputs.load, [str(s) for s in sources])
    owned = client is None
    client = client or build_client(settings, Store(settings.db_path))
    try:
        return await extract.extract_all(articles, client, settings)
    finally:
        if owned:
            await client.aclose()


async def abatches(
    settings: Settings | None = None, limit: int = 20, *, refresh: bool = True
) -> list[BatchRow]:
    """The store's Batch API jobs, newest first; with `refresh`, those of the configured
    server that have not ended are asked about first."""
    from briefgen.extract import batch

    settings = settings or load_settings().settings
    store = Store(settings.db_path)
    rows = store.batches.rows(limit=limit)
    server = cachekey.server_url(settings)
    if refresh and any(
        row.batch_id and row.status not in batch.ENDED and row.base_url == server for row in rows
    ):
        client = build_client(settings, store)
        try:
            await batch.refresh(batch.backend_of(client, settings), store, rows)
        finally:
            await client.aclose()
        rows = store.batches.rows(limit=limit)
    return rows


async def acancel_batch(batch_id: str, settings: Settings | None = None) -> BatchRow:
    """Cancel one batch at the server. Its answers so far are collected by the next run."""
    from briefgen.extract import batch

    settings = settings or load_settings().settings
    store = Store(settings.db_path)
    row = store.batches.by_id(batch_id)
    if row is None:
        raise InputError(f"no batch {batch_id!r} in {store.path} (see `briefgen batches`)")
    if cachekey.server_url(settings) != row.base_url:
        # The store keeps the server without credentials: the configured one, if it is the
        # same server, still has them.
        settings = settings.model_copy(update={"base_url": row.base_url})
    client = build_client(settings, store)
    try:
        job = await batch.backend_of(client, settings).cancel(batch_id)
    finally:
        await client.aclose()
    store.batches.update(row.n, job)
    found = store.batches.by_id(batch_id)
    assert found is not None
    return found


def make_brief(
    sources: Sequence[str | Path] | None = None,
    settings: Settings | None = None,
    *,
    client: Client | None = None,
    title: str | None = None,
    on_result: Callback | None = None,
) -> Brief:
    """Read the sources, extract each article with the model, merge into one Brief.

    Raises NothingProduced (its `.brief` lists the failures) when no article succeeded (its
    subclass StrictFailure when `strict` met a source it cannot read; OutputsNotWritten when
    the brief was made but its files could not be written, none replaced), BusyError when
    another run holds an output, StoreError for a damaged or full store (StoreNotUpdated, with
    the written `.brief`, when that happened during the run), and BriefgenError subclasses for
    bad input, settings or a server that refuses the run."""
    made: list[Brief] = []

    async def run() -> None:
        # The Brief is handed out through `made`, not returned: asyncio.run reprs its main
        # task when restoring the SIGINT handler, and the repr of a finished task includes its
        # result; for a large brief that took longer than the whole cached rerun (measured).
        made.append(
            await amake_brief(sources, settings, client=client, title=title, on_result=on_result)
        )

    asyncio.run(run())
    return made[0]
