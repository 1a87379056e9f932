"""Batch mode: the articles' first requests sent as Batch API jobs, their answers collected,
and a `Client` that hands those answers to extraction as if they had come live.

A batch is the second implementation of the model interface. It knows no SDK: it drives the
`client.BatchBackend` the configured backend gives (`model.openai.batch.OpenAIBatches`), keeps
every step in the store, and gives `extract` a `BatchClient` whose `complete` answers the first
request of each article from the batch. Validation, grounding, re-asks and the cache stay where
they are, above the client, so a batch answer is judged exactly as a live one; the re-asks it
needs, and a request whose own line failed, go live (or, with `batch_only`, fail the article).
A request the batch never ran (expired, failed, cancelled, lost) fails the article with the
batch's reason and is submitted again by the next run: never asked live at full price.

    prepare(articles, live, store, settings, job)
      requests  = each article's first request(s), as the live client would send them
      answered  = requests a collected batch answered and no run has taken yet   (the store)
      open      = requests in a batch still running, or submitted by a run that was killed
                  before it recorded the batch id (found again by its input file)
                  [lookup and submit hold a lock per store]
      submitted = the rest, split under batch_max_requests / batch_max_bytes, each batch
                  recorded before and after it is created at the provider; a create is sent
                  once, and after a failure looked for by its input file
      wait      = poll open + submitted (batch_poll, x1.5, at most 60 s) until every one has
                  ended, or batch_wait has passed: then BatchPending (exit 4), nothing written
      collect   = each ended batch's output and error files into the store; a request with no
                  answer (an expired, failed, cancelled batch; one the server forgot: lost)
                  gets the batch's reason
    -> BatchClient(answers, live or None)

Nothing is paid twice: a request is submitted only when no batch holds it; an answer once
collected stays in the store until a run that finishes has taken it (`taken`).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from briefgen.config import Settings
from briefgen.errors import ArticleError, BatchError, BatchGone, BatchPending
from briefgen.extract import cachekey, extract
from briefgen.files import held_lock
from briefgen.model.client import BatchBackend, BatchJob, CallStats, Client, Completion, Message
from briefgen.schemas import Article, Extraction, Usage
from briefgen.store import BatchRequest, BatchRow, Store

log = logging.getLogger("briefgen")
POLL_GROWTH = 1.5
POLL_MAX = 60.0
SUBMIT_GRACE = 600.0  # seconds a create that failed may take to show in the server's list
ENDED = frozenset({"completed", "failed", "expired", "cancelled"})


def event(message: str, level: int = logging.INFO, **fields: Any) -> None:
    log.log(level, message, extra={"briefgen": {"event": "batch", **fields}})


def request_id(
    messages: list[Message], max_tokens: int | None, model: str, base_url: str, settings: Settings
) -> str:
    """The `custom_id` of a request: what is asked, of which model and server, under which
    settings. The structured-output mode is not in it: any mode's answer is validated alike."""
    data = {
        "messages": messages,
        "max_tokens": max_tokens,
        "schema": cachekey.schema_version(),
        "model": model,
        "base_url": base_url,
        **cachekey.answer_settings(settings),
    }
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return "bg-" + hashlib.sha256(canonical.encode()).hexdigest()[:40]


@dataclass(frozen=True)
class Answer:
    """One request's outcome in a batch: a completion, or the reason there is none."""

    batch: int  # the store's batch number
    custom_id: str
    completion: Completion | None = None
    usage: Usage = field(default_factory=Usage)
    mode: str | None = None
    error: str | None = None


class BatchClient:
    """The `Client` extraction talks to in batch mode. A request the batch answered gets that
    answer (once); any other request, or a batch line that failed, goes to `live` - unless
    `live` is None (`batch_only`), when the article fails with the batch's reason."""

    def __init__(
        self,
        answers: dict[str, Answer],
        live: Client | None,
        settings: Settings,
        model: str,
        base_url: str,
    ):
        self.answers = answers
        self.live = live
        self.model = model
        self.base_url = base_url
        self._settings = settings
        self.taken: list[tuple[int, str]] = []  # (batch, custom_id) answers handed out
        self.used = Usage()  # the tokens of the answers handed out, billed at the batch price

    async def complete(
        self,
        messages: list[Message],
        schema: type[BaseModel],
        stats: CallStats,
        *,
        max_tokens: int | None = None,
    ) -> Completion:
        key = request_id(messages, max_tokens, self.model, self.base_url, self._settings)
        found = self.answers.pop(key, None)
        if found is not None:
            self.taken.append((found.batch, found.custom_id))
            if found.completion is not None:
                stats.attempts += 1
                stats.usage += found.usage
                self.used += found.usage
                stats.mode = found.mode
                return found.completion
            error = found.error or "no batch answer"
            if self.live is None or not is_line_error(error):
                # A batch that expired, failed, was cancelled or lost: its articles are
                # submitted again by the next run, never silently asked live at full price.
                raise ArticleError(error)
            event(f"{error}; asking live", fallback=True)
        elif self.live is None:
            raise ArticleError("--batch-only: no live call for a re-ask")
        return await self.live.complete(messages, schema, stats, max_tokens=max_tokens)

    async def aclose(self) -> None:
        if self.live is not None:
            await self.live.aclose()


def backend_of(client: Client, settings: Settings) -> BatchBackend:
    """The Batch API of the server `client` talks to, as the configured backend gives it."""
    from briefgen.model import registry

    return registry.batches(settings, client)


async def prepare(
    articles: Sequence[Article], live: Client, store: Store, settings: Settings, job: str
) -> BatchClient:
    """Every article's first request answered by a batch: collected from the store, waited
    for, or submitted now. Raises BatchPending when `settings.batch_wait` passes first."""
    backend = backend_of(live, settings)
    lines: dict[str, tuple[str, dict[str, Any]]] = {}  # custom_id -> (mode, body)
    for article in articles:
        for messages, max_tokens in extract.first_requests(article, settings):
            key = request_id(messages, max_tokens, backend.model, backend.base_url, settings)
            lines[key] = backend.request_body(messages, Extraction, max_tokens)
    answers = await Collector(backend, store, settings, job).answers(lines)
    return BatchClient(
        answers, None if settings.batch_only else live, settings, backend.model, backend.base_url
    )


def taken(client: Client, store: Store) -> None:
    """Mark the answers a finished extraction took: no later run takes them again."""
    if isinstance(client, BatchClient) and client.taken:
        store.batches.used(client.taken)
        client.taken.clear()


def encode_line(custom_id: str, body: dict[str, Any]) -> bytes:
    """One request of a batch input file, as OpenAI documents the JSONL."""
    line = {"custom_id": custom_id, "method": "POST", "url": "/v1/chat/completions", "body": body}
    return json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


class Collector:
    """One run's dealings with the batch engine, every step recorded in the store."""

    def __init__(self, backend: BatchBackend, store: Store, settings: Settings, job: str):
        self.backend = backend
        self.store = store
        self.settings = settings
        self.job = job

    async def answers(self, lines: dict[str, tuple[str, dict[str, Any]]]) -> dict[str, Answer]:
        if not lines:
            return {}
        # Looking up and submitting hold a lock per store, so two runs sharing it never both
        # submit the same requests; the wait for batches to end holds no lock.
        lock = self.store.path.parent / "locks" / f"{self.store.path.name}.batch.lock"
        async with _locked(lock):
            ready, numbers = await self._find_or_submit(lines)
        await self._wait(numbers)
        known = await asyncio.to_thread(
            self.store.batches.requests, lines, self.backend.base_url, self.backend.model
        )
        for key in lines:
            if key not in ready and isinstance(state := _state(known.get(key, [])), BatchRequest):
                ready[key] = self._answer(state)
        return ready

    async def _find_or_submit(
        self, lines: dict[str, tuple[str, dict[str, Any]]]
    ) -> tuple[dict[str, Answer], set[int]]:
        known = await asyncio.to_thread(
            self.store.batches.requests, lines, self.backend.base_url, self.backend.model
        )
        ready: dict[str, Answer] = {}
        waiting: set[int] = set()
        for key in lines:
            state = _state(known.get(key, []))
            if isinstance(state, BatchRequest):
                ready[key] = self._answer(state)
            elif state is not None:
                waiting.add(state)
        todo = [k for k in lines if k not in ready and not _open_batch(known.get(k, []))]
        if waiting:
            found = await self._recover(waiting)  # batches of killed runs: adopted or dropped
            lost = waiting - found
            if lost:
                waiting -= lost
                todo += [k for k in lines if k not in ready and _in(known.get(k, []), lost)]
        if ready:
            event(
                f"batch: {len(ready)} answer(s) collected by an earlier run", collected=len(ready)
            )
        submitted = await self._submit(todo, lines) if todo else set()
        return ready, waiting | submitted

    def _answer(self, request: BatchRequest) -> Answer:
        if request.answer is None:
            return Answer(request.batch, request.custom_id, error=request.error or "no answer")
        completion, usage = self.backend.completion(request.answer)
        return Answer(request.batch, request.custom_id, completion, usage, request.mode)

    async def _recover(self, numbers: set[int]) -> set[int]:
        """Batches a killed run recorded as 'submitting': adopted when the provider has a batch
        of their input file, dropped when it has none (it was never created, so never paid).
        Returns the batches that stand."""
        rows = await asyncio.to_thread(self.store.batches.rows, numbers)
        unsure = [row for row in rows if row.batch_id is None]
        if not unsure:
            return numbers
        standing = set(numbers)
        for row in unsure:
            if await self._adopt(row.n, row.input_file_id, _epoch(row.created)):
                continue
            age = time.time() - _epoch(row.created)
            if age < SUBMIT_GRACE:  # a create the server may still be carrying out
                raise BatchPending(
                    f"a batch an earlier run was creating (file {row.input_file_id}) is not "
                    f"listed by the server yet; run again in a few minutes",
                    [],
                )
            reason = "never created: the run submitting it stopped first"
            await asyncio.to_thread(self.store.batches.abandon, row.n, reason)
            standing.discard(row.n)
        return standing

    async def _adopt(self, n: int, input_file_id: str, since: float) -> bool:
        """Find the batch made of `input_file_id` at the server and record it as batch `n`;
        any other batch made of the same file (a create that was sent twice) is cancelled."""
        made = [
            job
            for job in await self.backend.list(since=int(since) - 3600)
            if job.input_file_id == input_file_id
        ]
        if not made:
            return False
        keep, *extra = sorted(made, key=lambda job: job.created_at)
        await asyncio.to_thread(self.store.batches.update, n, keep)
        event(f"batch {keep.id}: found again after an interrupted submit", id=keep.id)
        for job in extra:
            if not job.final:
                await self.backend.cancel(job.id)
                event(f"batch {job.id}: a second batch of the same file, cancelled", id=job.id)
        return True

    async def _submit(
        self, todo: list[str], lines: dict[str, tuple[str, dict[str, Any]]]
    ) -> set[int]:
        """New batches for `todo`, each within the request and byte limits, each written to
        a temporary file (in memory up to 8 MB) rather than held whole in memory."""
        numbers: set[int] = set()
        group: list[str] = []
        spool: Any = None

        async def send() -> None:
            spool.seek(0)
            numbers.add(await self._create_one(group, lines, spool, len(numbers) + 1))
            spool.close()

        size = 0
        for key in dict.fromkeys(todo):
            line = encode_line(key, lines[key][1])
            limit_hit = (
                len(group) >= self.settings.batch_max_requests
                or size + len(line) > self.settings.batch_max_bytes
            )
            if group and limit_hit:
                await send()
                group, size = [], 0
            if not group:
                spool = tempfile.SpooledTemporaryFile(max_size=8 << 20)  # noqa: SIM115 (send closes)
            spool.write(line)
            group.append(key)
            size += len(line)
        if group:
            await send()
        return numbers

    async def _create_one(
        self,
        group: list[str],
        lines: dict[str, tuple[str, dict[str, Any]]],
        spool: Any,
        index: int,
    ) -> int:
        size = spool.seek(0, 2)
        spool.seek(0)
        file_id = await self.backend.upload(spool, f"briefgen-{self.job}-{index}.jsonl")
        pairs = [(key, lines[key][0]) for key in group]
        n = await asyncio.to_thread(
            self.store.batches.submitting,
            file_id,
            self.backend.base_url,
            self.backend.model,
            self.job,
            pairs,
        )
        try:
            job = await self.backend.create(file_id, {"briefgen_job": self.job})
        except BatchError:
            # Creating is never retried blindly: a timed-out create may have made a batch.
            if not await self._adopt(n, file_id, time.time()):
                raise
            [row] = await asyncio.to_thread(self.store.batches.rows, [n])
            assert row.batch_id is not None
            job = await self.backend.retrieve(row.batch_id)
        await asyncio.to_thread(self.store.batches.update, n, job)
        event(
            f"batch {job.id} submitted: {len(group)} request(s), {size} bytes",
            id=job.id,
            status=job.status,
            requests=len(group),
        )
        return n

    async def _wait(self, numbers: set[int]) -> None:
        """Poll until every batch has ended and is collected, or `batch_wait` has passed."""
        if not numbers:
            return
        limit = self.settings.batch_wait
        deadline = None if limit is None else time.monotonic() + limit
        interval = self.settings.batch_poll
        rows = {row.n: row for row in await asyncio.to_thread(self.store.batches.rows, numbers)}
        running = {n for n, row in rows.items() if row.collected is None}
        while True:
            for n in sorted(running):
                row = rows[n]
                assert row.batch_id is not None
                try:
                    job = await self.backend.retrieve(row.batch_id)
                except BatchGone as exc:
                    await self._lose(n, row.batch_id, str(exc))
                    running.discard(n)
                    continue
                if (job.status, job.completed, job.failed) != (
                    row.status,
                    row.completed,
                    row.failed,
                ):
                    await asyncio.to_thread(self.store.batches.update, n, job)
                    event(
                        f"batch {job.id}: {job.status}, {job.completed + job.failed} of "
                        f"{job.total} done",
                        id=job.id,
                        status=job.status,
                        completed=job.completed,
                        failed=job.failed,
                        total=job.total,
                    )
                rows[n] = row.model_copy(
                    update={"status": job.status, "completed": job.completed, "failed": job.failed}
                )
                if job.status in ENDED:
                    try:
                        await self._collect(n, job)
                    except BatchGone as exc:
                        await self._lose(n, job.id, str(exc))
                    running.discard(n)
            if not running:
                return
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                ids = [rows[n].batch_id or "?" for n in sorted(running)]
                count = sum(rows[n].requests for n in running)
                raise BatchPending(
                    f"submitted, not finished: {count} article request(s) in "
                    f"{'batch' if len(ids) == 1 else 'batches'} {', '.join(ids)}; "
                    "run again to collect (nothing was written)",
                    ids,
                )
            pause = interval if deadline is None else min(interval, deadline - now)
            await asyncio.sleep(max(pause, 0.0))
            interval = min(interval * POLL_GROWTH, POLL_MAX)

    async def _lose(self, n: int, batch_id: str, why: str) -> None:
        """A batch the server no longer knows (another key's project, expired output files):
        its requests fail in this run and are submitted again by the next."""
        reason = f"batch {batch_id} lost: {why}"
        expected = await asyncio.to_thread(self.store.batches.custom_ids, n)
        await asyncio.to_thread(
            self.store.batches.collected, n, {key: (None, reason) for key in expected}
        )
        await asyncio.to_thread(self.store.batches.mark, n, "lost", why)
        event(reason, logging.WARNING, id=batch_id, status="lost", reason=why)

    async def _collect(self, n: int, job: BatchJob) -> None:
        """An ended batch's answers into the store; requests it did not answer get its
        reason, so they are asked live (or fail) in this run and submitted anew after."""
        outcomes: dict[str, tuple[dict[str, Any] | None, str | None]] = {}
        for file_id in (job.output_file_id, job.error_file_id):
            if file_id:
                for key, (body, error) in read_output(await self.backend.download(file_id)).items():
                    if error is None:
                        outcomes[key] = (body, None)
                    elif error.startswith(("batch_expired", "batch_cancelled")):
                        continue  # not a fault of the line: the batch's own reason below
                    else:
                        outcomes[key] = (None, f"batch {job.id} line: {error}")
        rows = await asyncio.to_thread(self.store.batches.rows, [n])
        expected = await asyncio.to_thread(self.store.batches.custom_ids, n)
        why = f"batch {job.id} {job.status}" + (f": {job.reason}" if job.reason else "")
        for key in expected:
            outcomes.setdefault(key, (None, why))
        outcomes = {k: v for k, v in outcomes.items() if k in expected}
        await asyncio.to_thread(self.store.batches.collected, n, outcomes)
        answered = sum(body is not None for body, _ in outcomes.values())
        level = logging.INFO if job.status == "completed" else logging.WARNING
        event(
            f"batch {job.id} {job.status}: {answered} of {rows[0].requests if rows else '?'} "
            f"answered" + (f"; {job.reason}" if job.reason and job.status != "completed" else ""),
            level,
            id=job.id,
            status=job.status,
            answered=answered,
            reason=job.reason,
        )


def read_output(data: bytes) -> dict[str, tuple[dict[str, Any] | None, str | None]]:
    """A batch output or error file: custom_id -> (response body, None) or (None, error)."""
    found: dict[str, tuple[dict[str, Any] | None, str | None]] = {}
    for raw in data.splitlines():
        if not raw.strip():
            continue
        try:
            line = json.loads(raw)
            key = str(line["custom_id"])
        except (ValueError, KeyError, TypeError):
            continue  # a line without its custom_id answers nothing we can name
        response = line.get("response") or {}
        error = line.get("error")
        status = response.get("status_code")
        body = response.get("body")
        if error:
            found[key] = (None, _error_text(error))
        elif status == 200 and isinstance(body, dict):
            found[key] = (body, None)
        else:
            detail = _error_text(body.get("error")) if isinstance(body, dict) else str(body)
            found[key] = (None, f"HTTP {status}: {detail}")
    return found


def _error_text(error: Any) -> str:
    if isinstance(error, dict):
        code, message = error.get("code"), error.get("message")
        text = f"{code}: {message}" if code and message else str(message or code or error)
    else:
        text = str(error)
    return " ".join(text.split())[:300]


def is_line_error(error: str) -> bool:
    """A fault of one request in a batch (its line), which a live call may mend; other errors
    are the batch's own (expired, failed, cancelled, lost)."""
    return error.split(":", 1)[0].endswith(" line")


def _epoch(stamp: str) -> float:
    return datetime.fromisoformat(stamp).timestamp()


@asynccontextmanager
async def _locked(path: Path) -> AsyncIterator[None]:
    context = held_lock(path)
    await asyncio.to_thread(context.__enter__)
    try:
        yield
    finally:
        context.__exit__(None, None, None)


def _state(requests: list[BatchRequest]) -> BatchRequest | int | None:
    """A request's standing in the store: a collected answer not yet taken, the number of a
    batch still holding it, or None (never sent, or every answer already taken)."""
    for request in requests:  # newest batch first
        if request.used is None and (request.answer is not None or request.error is not None):
            return request
    for request in requests:
        if request.used is None and request.answer is None and request.error is None:
            return request.batch
    return None


def _open_batch(requests: list[BatchRequest]) -> bool:
    return isinstance(_state(requests), int)


def _in(requests: list[BatchRequest], numbers: set[int]) -> bool:
    state = _state(requests)
    return isinstance(state, int) and state in numbers


def line(row: BatchRow) -> str:
    """One batch as `briefgen batches` lists it."""
    when = row.created[:16].replace("T", " ")
    done = f"{row.completed + row.failed}/{row.requests} done"
    failed = f", {row.failed} failed" if row.failed else ""
    collected = ", collected" if row.collected and row.status in ENDED else ""
    reason = f"  ({row.reason})" if row.reason and row.status != "completed" else ""
    return (
        f"{row.batch_id or '(not created)':<28}  {when}  {row.status:<13}  {done}{failed}"
        f"{collected}  {row.model} at {row.base_url}{reason}"
    )


async def refresh(backend: BatchBackend, store: Store, rows: Sequence[BatchRow]) -> None:
    """Ask the server about those of `rows` that are its own and not yet ended."""
    for row in rows:
        if row.batch_id and row.status not in ENDED and row.base_url == backend.base_url:
            job = await backend.retrieve(row.batch_id)
            await asyncio.to_thread(store.batches.update, row.n, job)
