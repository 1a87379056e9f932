"""The model interface: what every stage above a backend talks to. Imports no SDK.

`Client.complete(messages, schema, stats, max_tokens=...)` sends a conversation, asking for an
answer in the shape of `schema` however the server can be asked, and returns a `Completion`:
the answer's text and how generation finished. It does not judge the text. Validation against
the schema, refusals and cut-off answers are handled above the client (`structured.read`, and
`extract`), so a test double or a second backend gets them, and the re-asks, for free.

`model.openai.live.OpenAIClient` is the implementation for OpenAI and OpenAI-compatible
servers; `model.registry` finds backends (that one, and any other package's) by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Protocol, TypedDict

from pydantic import BaseModel

from briefgen.schemas import Usage


class Message(TypedDict):
    role: str
    content: str


@dataclass(frozen=True)
class Completion:
    raw: str  # the answer's text (for a tool call: its arguments)
    finish_reason: str | None = "stop"  # "stop", "length", "content_filter", "tool_calls", ...
    refusal: str | None = None  # the server's refusal message, if it refused
    model: str | None = None  # as the server names itself, which may differ from the request


@dataclass
class CallStats:
    """What calls for one article cost, updated as they happen, so a deadline that cancels an
    article mid-call still leaves an honest count."""

    attempts: int = 0
    usage: Usage = field(default_factory=Usage)
    mode: str | None = None  # the structured-output mode that answered last


class Client(Protocol):
    model: str

    async def complete(
        self,
        messages: list[Message],
        schema: type[BaseModel],
        stats: CallStats,
        *,
        max_tokens: int | None = None,
    ) -> Completion: ...

    async def aclose(self) -> None: ...


# --- batch jobs ----------------------------------------------------------------------------
# A provider's batch engine (OpenAI's Batch API and the servers that copy it) answers a file of
# requests within a window, at a lower price. `extract/batch.py` drives it through this
# interface, so it knows no SDK either; `model.openai.batch.OpenAIBatches` is the implementation,
# which a backend's `batches(client)` gives (`model.registry`).

FINAL_STATES = frozenset({"completed", "failed", "expired", "cancelled"})


@dataclass(frozen=True)
class BatchJob:
    """One batch as the provider reports it."""

    id: str
    status: str  # validating, in_progress, finalizing, completed, failed, expired, cancelling,
    # cancelled
    input_file_id: str
    output_file_id: str | None = None
    error_file_id: str | None = None
    total: int = 0
    completed: int = 0
    failed: int = 0
    reason: str | None = None  # the provider's errors, one line, when it failed
    created_at: int = 0

    @property
    def final(self) -> bool:
        return self.status in FINAL_STATES


class BatchBackend(Protocol):
    model: str
    base_url: str

    def request_body(
        self, messages: list[Message], schema: type[BaseModel], max_tokens: int | None
    ) -> tuple[str, dict[str, object]]:
        """The structured-output mode and the JSON body a live call would send first."""
        ...

    def completion(self, body: dict[str, object]) -> tuple[Completion, Usage]:
        """A response body from a batch's output file, as a live answer would read."""
        ...

    async def upload(self, jsonl: bytes | IO[bytes], filename: str) -> str: ...

    async def create(self, input_file_id: str, metadata: dict[str, str]) -> BatchJob: ...

    async def retrieve(self, batch_id: str) -> BatchJob: ...

    async def cancel(self, batch_id: str) -> BatchJob: ...

    async def list(self, since: int = 0) -> list[BatchJob]:
        """Every batch created at or after `since` (Unix seconds), newest first."""
        ...

    async def download(self, file_id: str) -> bytes: ...
