"""The structured-output ladder: start, step down on rejection, remember what worked."""

from __future__ import annotations

import asyncio
import threading

import pytest

from briefgen.errors import ArticleError
from briefgen.model.client import CallStats
from briefgen.model.ladder import InMemoryModes, Ladder, ModeRejected
from briefgen.model.structured import LADDER, Mode


class Memory(InMemoryModes):
    def __init__(self) -> None:
        super().__init__()
        self.writers: list[bool] = []

    def remember(self, base_url, model, mode):
        self.writers.append(threading.current_thread() is threading.main_thread())
        super().remember(base_url, model, mode)


def run(ladder: Ladder, accepts: set[Mode]) -> tuple[Mode, list[Mode], CallStats]:
    tried: list[Mode] = []
    stats = CallStats()

    async def attempt(mode: Mode) -> Mode:
        tried.append(mode)
        if mode not in accepts:
            raise ModeRejected(f"no {mode}")
        return mode

    return asyncio.run(ladder.run(attempt, stats)), tried, stats


def test_steps_down_to_the_first_accepted_mode_and_remembers_it_off_the_loop():
    memory = Memory()
    ladder = Ladder("http://x/v1/", "m", memory=memory)
    got, tried, stats = run(ladder, {Mode.JSON_OBJECT_SCHEMA, Mode.PROMPT})
    assert got is Mode.JSON_OBJECT_SCHEMA and stats.mode == "json_object_schema"
    assert tried == [Mode.STRICT, Mode.SCHEMA, Mode.JSON_OBJECT_SCHEMA]
    assert memory.recall("http://x/v1/", "m") is Mode.JSON_OBJECT_SCHEMA
    assert memory.writers == [False]
    _, again, _ = run(ladder, {Mode.JSON_OBJECT_SCHEMA})
    assert again == [Mode.JSON_OBJECT_SCHEMA]  # starts where it worked; nothing to write
    assert memory.writers == [False]


def test_a_named_start_overrides_the_memory():
    memory = Memory()
    memory.remember("u", "m", Mode.PROMPT)
    _, tried, _ = run(Ladder("u", "m", "tools", memory), set(LADDER))
    assert tried == [Mode.TOOLS]


def test_no_mode_left_is_an_article_error():
    with pytest.raises(ArticleError, match="rejects every structured-output mode"):
        run(Ladder("u", "m"), set())
