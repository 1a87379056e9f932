"""The whole program, top to bottom: ingest -> extract -> merge. Render is the caller's choice.

`make_brief` is the one function a scheduled job calls; it prints nothing and returns the Brief.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path

import httpx2
from pydantic import SecretStr

from briefgen import extract, ingest, merge
from briefgen.config import Settings
from briefgen.extract import Result
from briefgen.limits import RunLimits, Throttle
from briefgen.llm import Client, OpenAIClient
from briefgen.replay import RecordingTransport, ReplayTransport
from briefgen.schemas import Brief
from briefgen.store import ModeMemory, NoMemory, StateStore

DEMO_DIR = Path(str(files("briefgen") / "examples" / "kim-putin-2023-09"))


def demo_settings(**overrides: object) -> Settings:
    """The bundled example answers from its hand-written recordings: offline, no key."""
    return Settings(replay=DEMO_DIR / "recordings", **overrides)  # type: ignore[arg-type]


def build_client(settings: Settings) -> Client:
    """The OpenAI client, with the run's limits, and below it a replay or recording transport
    if asked. With recording and replay every call starts the structured-output ladder afresh,
    so a recording holds every step each article took and replays in any order, at any
    concurrency, without the state folder."""
    limits = RunLimits(settings.deadline, settings.max_tokens_total)
    modes: ModeMemory | None = None
    if settings.replay is not None or settings.record is not None:
        modes = NoMemory()
    elif settings.state_dir is not None:
        modes = StateStore(settings.state_dir)
    http_client = None
    if settings.replay is not None:
        http_client = httpx2.AsyncClient(transport=ReplayTransport(settings.replay))
        if settings.api_key is None:  # the SDK insists on a key; replay never sends it
            settings = settings.model_copy(update={"api_key": SecretStr("sk-replay")})
    elif settings.record is not None:
        http_client = httpx2.AsyncClient(transport=RecordingTransport(settings.record))
    return OpenAIClient(settings, http_client, modes=modes, limits=limits, throttle=Throttle())


async def aextract(
    sources: Sequence[str | Path],
    settings: Settings | None = None,
    *,
    client: Client | None = None,
    on_result: extract.Callback | None = None,
) -> list[Result]:
    settings = settings or Settings()
    articles = ingest.load(sources)
    owned = client is None
    client = client or build_client(settings)
    try:
        return await extract.extract_all(articles, client, settings, on_result)
    finally:
        if owned:
            await client.aclose()


async def amake_brief(
    sources: Sequence[str | Path],
    settings: Settings | None = None,
    *,
    client: Client | None = None,
    title: str | None = None,
    on_result: extract.Callback | None = None,
) -> Brief:
    results = await aextract(sources, settings, client=client, on_result=on_result)
    return merge.merge(results, title=title)


def make_brief(
    sources: Sequence[str | Path],
    settings: Settings | None = None,
    *,
    client: Client | None = None,
    title: str | None = None,
    on_result: extract.Callback | None = None,
) -> Brief:
    """Read the sources, extract each article with the model, merge into one Brief."""
    return asyncio.run(
        amake_brief(sources, settings, client=client, title=title, on_result=on_result)
    )
