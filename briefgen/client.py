"""The model interface: what every stage above the SDK talks to. Imports no SDK.

`Client.complete(messages, schema, stats)` sends a conversation and returns a `Completion`: the
answer validated against `schema`, or the reason there is none. `llm.OpenAIClient` is the one
implementation over a server; test doubles implement the same protocol.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, Protocol, TypedDict, TypeVar

from pydantic import BaseModel

from briefgen.schemas import Usage
from briefgen.structured import Mode

T = TypeVar("T", bound=BaseModel)


class Message(TypedDict):
    role: str
    content: str


@dataclass(frozen=True)
class Completion(Generic[T]):
    value: T | None
    raw: str
    error: str | None = None
    refused: bool = False
    model: str | None = None  # as the server names itself, which may differ from the request


@dataclass
class CallStats:
    """What calls for one article cost, updated as they happen, so a deadline that cancels an
    article mid-call still leaves an honest count."""

    attempts: int = 0
    usage: Usage = field(default_factory=Usage)
    mode: Mode | None = None


class Client(Protocol):
    model: str

    async def complete(
        self, messages: list[Message], schema: type[T], stats: CallStats
    ) -> Completion[T]: ...

    async def aclose(self) -> None: ...
