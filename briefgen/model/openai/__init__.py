"""The OpenAI backend, for OpenAI and any OpenAI-compatible server: live.py (chat completions)
and batch.py (its Batch API jobs), the only modules that import the openai SDK.

This module is the backend's door, registered under the name `openai` in the entry-point group
`briefgen.backends` (see `briefgen.model.registry`) the way another package registers its own.
It stays light: the SDK is imported only when a client is built.

`replay` and `record` are this backend's too: the recordings are OpenAI chat-completion
exchanges, and they are answered (or saved) by an HTTP transport under the same client, so a
replayed run goes through exactly the code a live one does.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from briefgen import redact
from briefgen.config import Settings

if TYPE_CHECKING:
    from briefgen.model.client import BatchBackend, Client
    from briefgen.model.registry import Services

DEFAULT_BASE_URL = "https://api.openai.com/v1"


def server_url(settings: Settings) -> str:
    """The base URL as the openai SDK will use it (`replay:DIR` when answering from
    recordings), without building a client: that costs an import of the SDK and a TLS context,
    and a rerun that is all cache hits needs neither."""
    if settings.replay is not None:
        return f"replay:{settings.replay}"
    url = settings.base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL
    redact.remember_url(url)  # OPENAI_BASE_URL=http://user:password@host/v1
    return url.rstrip("/") + "/"


def client(settings: Settings, services: Services) -> Client:
    """`OpenAIClient` with the run's limits, and below it a replay or recording transport if
    asked. With recording and replay every call starts the structured-output ladder afresh, so
    a recording holds every step each article took and replays in any order, at any
    concurrency, whatever the store remembers."""
    import httpx2
    from pydantic import SecretStr

    from briefgen.model.ladder import NoMemory
    from briefgen.model.openai.live import OpenAIClient
    from briefgen.model.replay import RecordingTransport, ReplayTransport

    modes = services.modes
    http_client = None
    if settings.replay is not None:
        modes = NoMemory()
        http_client = httpx2.AsyncClient(transport=ReplayTransport(settings.replay))
        if settings.api_key is None:  # the SDK insists on a key; replay never sends it
            settings = settings.model_copy(update={"api_key": SecretStr("sk-replay")})
    elif settings.record is not None:
        modes = NoMemory()
        http_client = httpx2.AsyncClient(transport=RecordingTransport(settings.record))
    return OpenAIClient(
        settings, http_client, modes=modes, limits=services.limits, gate=services.gate
    )


def batches(client: Client) -> BatchBackend:
    """The Batch API of the server an `OpenAIClient` talks to."""
    from briefgen.errors import InputError
    from briefgen.model.openai.batch import OpenAIBatches
    from briefgen.model.openai.live import OpenAIClient

    if not isinstance(client, OpenAIClient):
        raise InputError(
            f"batch mode needs briefgen's OpenAI client; {type(client).__name__} has no Batch API"
        )
    return OpenAIBatches(client)
