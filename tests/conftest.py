from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))

from briefgen import config
from briefgen.cli import main
from briefgen.config import Settings
from briefgen.schemas import Article, Extraction

from browser import Pages, browser_session
from fakeserver import FakeServer
from website import Site

SAMPLE_TEXT = (
    "North Korean leader Kim Jong Un will meet Russian President Vladimir Putin in Vladivostok, "
    "officials said on Tuesday. Mr. Kim wants satellite technology, while Putin wants artillery "
    "shells. The White House warned Pyongyang against any arms deal."
)


@pytest.fixture
def article() -> Article:
    return Article(
        id="sample",
        text=SAMPLE_TEXT,
        title="Kim to meet Putin",
        published=date(2023, 9, 5),
        source="sample.txt",
    )


def sample_extraction() -> Extraction:
    return Extraction.model_validate(
        {
            "actors": [
                {
                    "name": "Kim Jong Un",
                    "kind": "person",
                    "role": "North Korean leader",
                    "affiliation": "North Korea",
                    "aliases": ["Mr. Kim"],
                    "quote": "North Korean leader Kim Jong Un will meet",
                },
                {
                    "name": "Vladimir Putin",
                    "kind": "person",
                    "role": "Russian President",
                    "affiliation": "Russia",
                    "aliases": ["Putin"],
                    "quote": "Russian President Vladimir Putin",
                },
            ],
            "motives": [
                {
                    "actor": "Kim Jong Un",
                    "motive": "satellite technology",
                    "certainty": "reported",
                    "quote": "Mr. Kim wants satellite technology",
                },
            ],
            "asks": [],
            "warnings": [
                {
                    "warner": "White House",
                    "warned": "Pyongyang",
                    "warning": "against an arms deal",
                    "certainty": "confirmed",
                    "quote": "The White House warned Pyongyang against any arms deal.",
                },
            ],
            "venues": [
                {
                    "place": "Vladivostok",
                    "within": [],
                    "certainty": "reported",
                    "quote": "will meet Russian President Vladimir Putin in Vladivostok",
                },
            ],
            "dates": [
                {
                    "text": "on Tuesday",
                    "event": "officials announce the meeting",
                    "relation": "before",
                    "certainty": "confirmed",
                    "central": False,
                    "quote": "officials said on Tuesday",
                },
            ],
        }
    )


@pytest.fixture(autouse=True, scope="session")
def _session_store(tmp_path_factory) -> Iterator[None]:
    """Module- and session-scoped fixtures run before `db`: they get a store of their own too."""
    path = tmp_path_factory.mktemp("session-store") / "briefgen.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(config, "default_db", lambda: path)
        patch.setenv("BRIEFGEN_DB", str(path))
        patch.setenv("XDG_CACHE_HOME", str(path.parent / "cache"))
        yield


@pytest.fixture(autouse=True)
def db(tmp_path, monkeypatch) -> Path:
    """Each test has a store of its own, never the real one in the user's cache folder; and
    no BRIEFGEN_ or OPENAI_ variable of the machine leaks into a test."""
    import os

    for name in list(os.environ):
        if name.startswith(("BRIEFGEN_", "OPENAI_")):
            monkeypatch.delenv(name)
    path = tmp_path / "store" / "briefgen.db"
    monkeypatch.setenv("BRIEFGEN_DB", str(path))
    # Settings(...) built in a test reads no environment: its default store is this one too.
    monkeypatch.setattr(config, "default_db", lambda: path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return path


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer() as running:
        yield running


def loopback_site(monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    """A web site on 127.0.0.1 (tests/website.py), reached directly: the machine's proxy
    variables unset for the test. Closed when the generator is."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    running = Site()
    try:
        yield running
    finally:
        running.close()


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    yield from loopback_site(monkeypatch)


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for one test module (tests/browser.py): skipped here without a
    browser, failed in CI. Per module, not per session: while playwright runs, `asyncio.run`
    fails in this thread, and the other modules' tests use it."""
    yield from browser_session()


@pytest.fixture(scope="module")
def page_of(browser, tmp_path_factory) -> Iterator[Pages]:
    """`page_of(html, width=1200, height=900, javascript=True)` opens the HTML from a file and
    records console errors, page errors and requests (`Opened`). Its pages are reused through
    the module (tests/browser.py's Pages): a page stays usable until the next with the same
    JavaScript setting is opened."""
    pages = Pages(browser, tmp_path_factory.mktemp("pages"))
    yield pages
    pages.close()


def article_id(body: dict) -> str:
    """The id of the article a chat-completion request is about: the fenced data's first line
    is the article's metadata as JSON (prompts.metadata)."""
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    return json.loads(user.split("<article>\n", 1)[1].split("\n", 1)[0])["id"]


TEST_KEY = "sk-test-not-a-real-key"  # what settings_for and the CLI runner send


@pytest.fixture
def runner(monkeypatch) -> CliRunner:
    """The CLI with a (fake) key in the environment and no base URL from it."""
    monkeypatch.setenv("OPENAI_API_KEY", TEST_KEY)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    return CliRunner()


def invoke(runner: CliRunner, *args: object):
    return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)


def settings_for(server: FakeServer, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "db": os.environ["BRIEFGEN_DB"],
        "base_url": server.url,
        "api_key": TEST_KEY,
        "backoff": 0,
        "timeout": 5,
    }
    values.update(overrides)
    return Settings.model_validate(values)
