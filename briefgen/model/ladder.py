"""The structured-output ladder and its memory: which mode to ask a server in, and stepping
down when the server says it cannot do one.

`Ladder.run(attempt)` calls `attempt(mode)` from the first mode (the one `settings` names, or
the one that last worked for this server and model, or the top) and, each time the attempt
raises `ModeRejected`, again one step down. The mode that answered is remembered, off the event
loop, when it differs from where the call started. Backend-neutral: it knows modes, not SDKs.

What remembers it is a `ModeMemory`: the store's (`store.modes`, across runs),
`InMemoryModes` (one run) or `NoMemory` (none: recording and replay).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from briefgen.errors import ArticleError
from briefgen.model.client import CallStats
from briefgen.model.structured import LADDER, Mode, next_mode

R = TypeVar("R")


class ModeMemory(Protocol):
    def recall(self, base_url: str, model: str) -> Mode | None: ...

    def remember(self, base_url: str, model: str, mode: Mode) -> None: ...


class InMemoryModes:
    """For one run only: tests, or a client built without a store."""

    def __init__(self) -> None:
        self._modes: dict[tuple[str, str], Mode] = {}

    def recall(self, base_url: str, model: str) -> Mode | None:
        return self._modes.get((base_url, model))

    def remember(self, base_url: str, model: str, mode: Mode) -> None:
        self._modes[(base_url, model)] = mode


class NoMemory:
    """Every call starts at the top of the ladder: recordings then hold every step each article
    took, whatever order articles ran in, and replay at any concurrency."""

    def recall(self, base_url: str, model: str) -> Mode | None:
        return None

    def remember(self, base_url: str, model: str, mode: Mode) -> None:
        pass


class ModeRejected(Exception):
    """The server cannot do the structured-output mode it was asked for."""


class Ladder:
    def __init__(
        self, base_url: str, model: str, start: str = "auto", memory: ModeMemory | None = None
    ):
        self.base_url = base_url
        self.model = model
        self.start = start
        self.memory = memory or InMemoryModes()

    def first(self) -> Mode:
        if self.start != "auto":
            return Mode(self.start)
        return self.memory.recall(self.base_url, self.model) or LADDER[0]

    async def run(self, attempt: Callable[[Mode], Awaitable[R]], stats: CallStats) -> R:
        first = mode = self.first()
        while True:
            stats.mode = mode.value
            try:
                result = await attempt(mode)
                break
            except ModeRejected as rejected:
                lower = next_mode(mode)
                if lower is None:
                    raise ArticleError(
                        f"the server rejects every structured-output mode ({rejected})"
                    ) from None
                mode = lower
        if mode is not first:  # off the event loop: the memory may be a file on a slow disk
            await asyncio.to_thread(self.memory.remember, self.base_url, self.model, mode)
        return result
