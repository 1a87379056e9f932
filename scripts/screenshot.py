"""A PNG of an HTML brief as headless Chromium draws it: for reviewing the page's design.

    python scripts/screenshot.py brief.html out.png [--width 1200] [--height 900]
        [--full-page/--no-full-page] [--focus-first-citation]

`briefgen make --html brief.html` (or `briefgen.render.html(brief)`) writes the page. The
browser is the system's Chromium (Debian's `chromium`, or `BRIEFGEN_CHROMIUM`), started as the
browser tests start it (tests/browser.py): nothing is downloaded, and the page loads nothing —
any request it makes is aborted. `--focus-first-citation` focuses the first `[n]` so its popover
shows in the picture; `--no-full-page` keeps only the first screen (width x height).
Prints the path written; a missing page or browser is a one-line error (exit 2).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from browser import CHROMIUM_ARGS, NO_CHROMIUM, find_chromium

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Route


def shoot(
    browser: Browser,
    page_path: Path,
    out: Path,
    *,
    width: int = 1200,
    height: int = 900,
    full_page: bool = True,
    focus_first_citation: bool = False,
) -> Path:
    """Open `page_path` in a fresh context of `browser` and write its picture to `out`."""
    url = page_path.resolve().as_uri()
    context = browser.new_context(viewport={"width": width, "height": height})
    try:

        def only_the_page(route: Route) -> None:
            if route.request.url.split("#")[0] == url:
                route.continue_()
            else:
                route.abort()

        context.route("**/*", only_the_page)
        page = context.new_page()
        page.goto(url, wait_until="load")
        if focus_first_citation:
            links = page.locator(".cite-link")
            if links.count():
                links.first.focus()
        page.screenshot(path=str(out), full_page=full_page)
    finally:
        context.close()
    return out


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("page", type=click.Path(path_type=Path))
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--width", default=1200, show_default=True, help="Viewport width, px.")
@click.option("--height", default=900, show_default=True, help="Viewport height, px.")
@click.option("--full-page/--no-full-page", default=True, show_default=True)
@click.option("--focus-first-citation", is_flag=True, help="Show the first citation's popover.")
def cli(
    page: Path, out: Path, width: int, height: int, full_page: bool, focus_first_citation: bool
) -> None:
    if not page.is_file():
        raise click.ClickException(f"no such page: {page}")
    executable = find_chromium()
    if executable is None:
        raise click.ClickException(f"{NO_CHROMIUM} (or set BRIEFGEN_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise click.ClickException("no playwright: pip install -e '.[test]'") from None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS))
        try:
            written = shoot(
                browser,
                page,
                out,
                width=width,
                height=height,
                full_page=full_page,
                focus_first_citation=focus_first_citation,
            )
        finally:
            browser.close()
    click.echo(str(written))


def main(argv: list[str] | None = None) -> int:
    """Run the command; its exit status (0, or 2 for a missing page or browser)."""
    try:
        cli.main(args=argv, prog_name="screenshot.py", standalone_mode=False)
    except click.ClickException as error:
        click.echo(f"screenshot.py: {error.format_message()}", err=True)
        return 2
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.Abort:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
