"""Headless Chromium for tests: the system's browser, driven by playwright, nothing downloaded.

The HTML brief is judged by what a person sees, so its tests open it in a real browser. That
browser is the system's (Debian's `chromium`, or `BRIEFGEN_CHROMIUM`); playwright is only the
driver and `playwright install` (which downloads a browser build) is never run. Chromium starts
with the flags in CHROMIUM_ARGS: without the background-networking ones it tries the network at
start, and a test that saw a request must be able to blame the page.

Each page is opened from a file:// URL (with JavaScript on or off: a context for each, reused,
see `Pages`), and what a person would call broken is recorded as it happens: console messages
of type error, uncaught exceptions (`pageerror`), and every request for another URL than the
page itself — which is aborted, so a page that tries the network fails its test and never
reaches anything.

Without a browser the tests skip locally and fail in CI (`CI` set): CI must never skip them.

Playwright's sync API keeps an asyncio loop marked running in its thread while it is started,
so `asyncio.run` (briefgen's pipeline) fails until it stops: start it per test module
(`browser_session`), and build what needs asyncio in another thread (`in_thread`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Route

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
NO_CHROMIUM = "no Chromium: install Debian's chromium to run the browser tests"

# What a person can see of an element: laid out, not hidden by `display`, `visibility` or
# `opacity` (its own or an ancestor's), and bigger than the 1 px of a visually-hidden pattern.
SHOWN_JS = """el => !!el && el.checkVisibility({opacityProperty: true, visibilityProperty: true})
    && el.getBoundingClientRect().width > 4 && el.getBoundingClientRect().height > 4"""

T = TypeVar("T")


def find_chromium(environ: Mapping[str, str] = os.environ) -> str | None:
    """The browser to drive: `BRIEFGEN_CHROMIUM` (a path or a name on PATH) when set — and
    then only it, so a wrong setting is not silently replaced — else the first of
    CHROMIUM_NAMES on PATH; None when there is none."""
    given = environ.get("BRIEFGEN_CHROMIUM")
    if given:
        return shutil.which(given)
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def missing(reason: str) -> NoReturn:
    """Skip the test here; fail it in CI, which must run every browser test."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: the browser tests must run, not skip)")
    pytest.skip(reason)


def browser_session() -> Iterator[Browser]:
    """One headless Chromium (for a module-scoped fixture), closed and playwright stopped after."""
    executable = find_chromium()
    if executable is None:
        given = os.environ.get("BRIEFGEN_CHROMIUM")
        missing(f"BRIEFGEN_CHROMIUM={given} is not an executable" if given else NO_CHROMIUM)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("no playwright: pip install -e '.[test]' to run the browser tests")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS))
        try:
            yield browser
        finally:
            browser.close()


def in_thread(make: Callable[[], T]) -> T:
    """`make()` run in a thread of its own, for code that calls `asyncio.run` while playwright's
    loop is marked running in this one."""
    box: dict[str, T | BaseException] = {}

    def run() -> None:
        try:
            box["value"] = make()
        except BaseException as error:  # re-raised in the caller's thread
            box["error"] = error

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]


@dataclass
class Opened:
    """A page as loaded, with what went wrong on it so far (the lists grow while it is used)."""

    page: Page
    url: str
    key: tuple[str, int, int] = ("", 0, 0)  # the HTML's digest and the viewport: see Pages
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        """Everything recorded, labelled: empty on a clean page (a readable assert message)."""
        return [
            *(f"console error: {m}" for m in self.console_errors),
            *(f"page error: {m}" for m in self.page_errors),
            *(f"request: {u}" for u in self.requests),
        ]

    def shown(self, selector: str) -> bool:
        """Whether the first element matching `selector` is visible to a person (SHOWN_JS)."""
        return bool(self.page.evaluate(f"s => ({SHOWN_JS})(document.querySelector(s))", selector))

    def scroll_width(self) -> int:
        return int(self.page.evaluate("document.documentElement.scrollWidth"))


class Pages:
    """Opens HTML strings in the browser: `pages(html, width=..., height=..., javascript=...)`.

    One page per JavaScript setting is kept and reused: a new page costs Chromium a renderer
    process (~0.2 s), a navigation a tenth of that. So opening a page replaces the one opened
    before with the same setting; before each, the viewport is set, print media is undone, the
    mouse moved to the corner, and the recording started afresh. With `reuse=True` a test that
    only reads the page takes it as the test before left it, when that one opened the same HTML
    at the same size (a big page takes most of a second to load). `close()` closes them all.
    """

    def __init__(self, browser: Browser, folder: Path):
        self.browser = browser
        self.folder = folder
        self.opened = 0
        self._pages: dict[bool, Page] = {}
        self._current: dict[bool, Opened] = {}

    def _page(self, javascript: bool) -> Page:
        if javascript in self._pages:
            return self._pages[javascript]
        context = self.browser.new_context(java_script_enabled=javascript)
        page = context.new_page()
        current = self._current

        def route(route: Route) -> None:
            opened = current[javascript]
            if route.request.url.split("#")[0] in (opened.url, "about:blank"):
                route.continue_()
            else:
                opened.requests.append(route.request.url)
                route.abort()

        def console(message: ConsoleMessage) -> None:
            if message.type == "error":
                current[javascript].console_errors.append(message.text)

        context.route("**/*", route)
        page.on("console", console)
        page.on("pageerror", lambda error: current[javascript].page_errors.append(str(error)))
        self._pages[javascript] = page
        return page

    def __call__(
        self,
        html: str,
        *,
        width: int = 1200,
        height: int = 900,
        javascript: bool = True,
        reuse: bool = False,
    ) -> Opened:
        key = (hashlib.sha256(html.encode()).hexdigest(), width, height)
        before = self._current.get(javascript)
        if reuse and before is not None and before.key == key:
            return before
        self.opened += 1
        path = self.folder / f"page-{self.opened}.html"
        path.write_text(html, encoding="utf-8")
        page = self._page(javascript)
        if page.url != "about:blank":  # leave the last page first: resizing it costs its layout
            page.goto("about:blank")
        page.set_viewport_size({"width": width, "height": height})
        page.emulate_media(media="screen")
        page.mouse.move(0, 0)
        opened = Opened(page=page, url=path.resolve().as_uri(), key=key)
        self._current[javascript] = opened
        page.goto(opened.url, wait_until="load")
        return opened

    def close(self) -> None:
        for page in self._pages.values():
            page.context.close()
        self._pages.clear()
