"""The optional claim check: ask the model whether near-miss claim pairs state the same claim.

Off by default (`Settings.claim_check`). The merge is pure, so the model is asked before it:
`merge.claim_candidates(results)` lists the near misses the lexical rule left apart (one pair per
two lexical claims, closest first, bounded), `check` asks about each pair through the `Client`
protocol and validates the answer above the client (`structured.read` against `SameClaim`), and
its result — pair key -> `claims.Decision` — goes to `merge.merge(results, same_claims=...)`,
which joins the pairs judged the same and quotes every answer in the claims' `judged`.

Answers are cached in the store (`claim_checks`), keyed on the pair (the kind, both texts with
their claimant and counterpart as the articles write them), the model, the server and the
prompt version (`prompt_version`: the two claimcheck templates' bytes), so a pair is asked once.
An answer that cannot be used after the re-asks gives no decision: the pair stays apart.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

from briefgen import prompts
from briefgen.config import Settings
from briefgen.errors import ArticleError
from briefgen.merge.claims import Candidate, ClaimItem, Decision, pair_key
from briefgen.model import structured
from briefgen.model.client import CallStats, Client, Message
from briefgen.model.retrying import LimitReached
from briefgen.schemas import Strict

log = logging.getLogger("briefgen")

PROMPT_FAMILY = "claimcheck-v1"
TEMPLATES = ("claimcheck.system", "claimcheck.user", "reask.user")
MAX_TOKENS = 256  # a verdict and one sentence

# How the user prompt names each kind of item.
KINDS: dict[str, tuple[str, str]] = {
    "asks": ("asks", "what the claimant asks of the counterpart"),
    "warnings": ("warnings", "what the claimant warns the counterpart of or about"),
    "motives": ("motives", "what the claimant wants or is after"),
}
NOUNS = {"asks": "Ask", "warnings": "Warning", "motives": "Motive"}


class SameClaim(Strict):
    # The model's answer about one pair. What the fields hold is said once, in the system
    # prompt (prompts/claimcheck.system.j2); a docstring would be sent as a description too.

    same: bool
    reason: str


class DecisionStore(Protocol):
    """Where answers are kept between runs (the store's `claim_checks`)."""

    def decisions(
        self, keys: Sequence[str], model: str, base_url: str, prompt_version: str
    ) -> dict[str, tuple[bool, str, str]]: ...

    def save(
        self,
        decisions: dict[str, tuple[bool, str, str]],
        model: str,
        base_url: str,
        prompt_version: str,
    ) -> None: ...


def prompt_version() -> str:
    """PROMPT_FAMILY plus a hash of the claim check's own templates (not the extraction's)."""
    digest = hashlib.sha256()
    for name in TEMPLATES:
        path = prompts.PROMPTS_DIR / f"{name}.j2"
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return f"{PROMPT_FAMILY}+{digest.hexdigest()[:8]}"


_FENCE_TAG = re.compile(r"<(/?)(items)\b", re.IGNORECASE)


def _fenced(text: str | None, missing: str) -> str:
    """A field as the prompt shows it: one line, unable to close the <items> fence."""
    shown = " ".join((text or missing).split())
    return _FENCE_TAG.sub(lambda m: f"<{m.group(1)}\u200b{m.group(2)}", shown)


# How the user prompt names one item of a pair of two kinds.
NOUN_PHRASES = {"asks": "an ask", "warnings": "a warning", "motives": "a motive"}


def _shown(item: ClaimItem, kind: str) -> dict[str, str]:
    """An item as the prompt shows it; `kind` is the item's own (a pair of two kinds) or the
    pair's."""
    return {
        "who": _fenced(item.said_by or item.who, "not given"),
        "whom": _fenced(item.said_to or item.whom, "not given"),
        "text": _fenced(item.text, ""),
        "noun": NOUNS.get(kind, "Claim"),
        "noun_phrase": NOUN_PHRASES.get(kind, "a claim"),
        "meaning": KINDS.get(kind, (kind, "claims"))[1],
    }


def messages_for(candidate: Candidate) -> list[Message]:
    """The question about one pair. A pair of two kinds (an ask and a motive: `kind` "asks+
    motives") says each item's kind; a pair of one kind reads as it always has."""
    mixed = candidate.first.kind != candidate.second.kind and "+" in candidate.kind
    kind, meaning = KINDS.get(candidate.kind, (candidate.kind, "claims"))
    user = prompts.render(
        "claimcheck.user",
        mixed=mixed,
        kind=kind,
        meaning=meaning,
        first=_shown(candidate.first, candidate.first.kind if mixed else candidate.kind),
        second=_shown(candidate.second, candidate.second.kind if mixed else candidate.kind),
    )
    return [
        {"role": "system", "content": prompts.render("claimcheck.system")},
        {"role": "user", "content": user},
    ]


async def check(
    candidates: Sequence[Candidate],
    connect: Callable[[], Client],
    *,
    model: str,
    server: str,
    settings: Settings | None = None,
    store: DecisionStore | None = None,
    stats: CallStats | None = None,
) -> dict[str, Decision]:
    """Pair key -> Decision for the candidates: from the store where it has them (and
    `settings.cache` is on), else asked, `settings.concurrency` at once, and stored. `connect`
    builds the client, and is called only when some pair is not in the store; `model` and
    `server` are what the cache is keyed on (the client's model and the server's URL). The
    calls' requests and tokens are added to `stats`, for the brief's count."""
    settings = settings or Settings()
    version = prompt_version()
    wanted = {c.key: c for c in candidates}
    found: dict[str, Decision] = {}
    if store is not None and settings.cache and wanted:
        cached = store.decisions(list(wanted), model, server, version)
        found = {k: Decision(same, reason, by) for k, (same, reason, by) in cached.items()}
    missing = [c for key, c in wanted.items() if key not in found]
    log.info("claim check: %d pairs, %d from the store", len(wanted), len(found))
    if not missing:
        return found
    client = connect()
    gate = asyncio.Semaphore(settings.concurrency)
    stopped = asyncio.Event()

    async def one(candidate: Candidate) -> tuple[str, Decision] | None:
        async with gate:
            if stopped.is_set():
                return None
            try:
                decision = await _ask(candidate, client, settings, stats)
            except LimitReached as exc:
                stopped.set()
                log.warning("claim check stopped: %s", exc)
                return None
            except ArticleError as exc:  # this pair's call failed: it stays apart
                log.warning("claim check: no answer for a pair of %s (%s)", candidate.kind, exc)
                return None
        return None if decision is None else (candidate.key, decision)

    try:
        async with asyncio.TaskGroup() as group:  # an error that dooms the run cancels the rest
            tasks = [group.create_task(one(candidate)) for candidate in missing]
    except BaseExceptionGroup as grouped:
        raise _first(grouped) from None
    new = dict(pair for task in tasks if (pair := task.result()) is not None)
    same = sum(d.same for d in new.values())
    log.info("claim check: %d pairs asked, %d answered, %d the same", len(missing), len(new), same)
    if store is not None and new:
        store.save({k: (d.same, d.reason, d.model) for k, d in new.items()}, model, server, version)
    return {**found, **new}


def _first(grouped: BaseExceptionGroup) -> BaseException:
    """The first error in a (nested) group of errors."""
    error: BaseException = grouped
    while isinstance(error, BaseExceptionGroup):
        error = error.exceptions[0]
    return error


async def _ask(
    candidate: Candidate, client: Client, settings: Settings, stats: CallStats | None = None
) -> Decision | None:
    """One pair asked, re-asked up to `settings.reasks` times after an unusable answer."""
    messages = messages_for(candidate)
    stats = stats if stats is not None else CallStats()
    for attempt in range(settings.reasks + 1):
        completion = await client.complete(messages, SameClaim, stats, max_tokens=MAX_TOKENS)
        answer = structured.read(completion, SameClaim)
        if answer.value is not None:
            value = answer.value
            return Decision(
                value.same, " ".join(value.reason.split()), completion.model or client.model
            )
        if answer.refused or attempt == settings.reasks:
            log.warning("claim check: unusable answer for a pair (%s)", answer.error)
            return None
        # The question again with the error after it; the unusable answer is not sent back.
        follow_up = prompts.render("reask.user", error=answer.error or "no answer")
        system, user = messages_for(candidate)
        messages = [system, {"role": "user", "content": f"{user['content']}\n\n{follow_up}"}]
    return None


def answer_key(kind: str, first: Mapping[str, str | None], second: Mapping[str, str | None]) -> str:
    """The pair key of a question written as {"who", "whom", "text"} for each item; a pair of
    two kinds ("asks+motives") gives each item's own "kind" too."""

    def item(side: Mapping[str, str | None]) -> ClaimItem:
        text = side["text"] or ""
        own = side.get("kind") or kind
        return ClaimItem(
            0, None, None, text, "reported", "", said_by=side["who"], said_to=side["whom"], kind=own
        )

    return pair_key(kind, item(first), item(second))


def load_answers(path: Path, model: str = "hand-written") -> dict[str, Decision]:
    """Answers written by hand ({"answers": [{"kind", "first", "second", "same", "reason"}]}),
    as the decisions `merge.merge(same_claims=...)` takes, labelled as answered by `model`."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        answer_key(row["kind"], row["first"], row["second"]): Decision(
            bool(row["same"]), row["reason"], model
        )
        for row in data["answers"]
    }
