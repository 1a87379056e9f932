"""The `briefgen` command: a thin layer over the library.

Exit codes: 0 brief written; 1 nothing produced (every article failed); 2 usage or input error,
or the model server refused the run; 3 partial brief (some articles failed, listed in the brief
and on stderr); 130 interrupted. A brief is written atomically and only when there is one, so a
failed run never replaces the previous brief.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args

import click
from pydantic import SecretStr, ValidationError

from briefgen import __version__, merge, pipeline, render
from briefgen.config import Settings, StructuredOutput
from briefgen.errors import BriefgenError, InputError, validation_summary
from briefgen.extract import Result
from briefgen.files import write_atomic
from briefgen.schemas import ArticleExtraction, ArticleFailure, Brief

EXIT_OK, EXIT_NOTHING, EXIT_USAGE, EXIT_PARTIAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def fail(message: str, code: int = EXIT_USAGE) -> None:
    click.echo(f"briefgen: error: {message}", err=True)
    sys.exit(code)


def guarded(command: Callable[..., int]) -> Callable[..., None]:
    """Turn briefgen's own errors and Ctrl-C into one line on stderr and an exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            code = command(*args, **kwargs)
        except BriefgenError as exc:
            fail(str(exc))
        except KeyboardInterrupt:
            fail("interrupted; nothing was written", EXIT_INTERRUPTED)
        sys.exit(code)

    return wrapper


# --- shared options --------------------------------------------------------------------------


def _default(field: str) -> Any:
    """Option defaults come from Settings, so the CLI and the library cannot drift apart."""
    return Settings.model_fields[field].default


def default_state_dir() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "briefgen"


quiet_option = click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")


def model_options(command: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option(
            "--model",
            default=_default("model"),
            show_default=True,
            help="Model name sent to the server.",
        ),
        click.option(
            "--base-url",
            envvar="OPENAI_BASE_URL",
            metavar="URL",
            help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1 "
            "[env: OPENAI_BASE_URL].",
        ),
        click.option(
            "--concurrency",
            default=_default("concurrency"),
            show_default=True,
            type=click.IntRange(1, 256),
            help="Articles extracted at once.",
        ),
        click.option(
            "--timeout",
            default=_default("timeout"),
            show_default=True,
            type=click.FloatRange(min=0, min_open=True),
            help="Seconds to wait for one model response.",
        ),
        click.option(
            "--retries",
            default=_default("retries"),
            show_default=True,
            type=click.IntRange(0, 20),
            help="Retries of a call that failed in transit (network, 429, 5xx).",
        ),
        click.option(
            "--reasks",
            default=_default("reasks"),
            show_default=True,
            type=click.IntRange(0, 5),
            help="Re-asks after an unusable answer (not JSON, fails the schema, cut off).",
        ),
        click.option(
            "--structured-output",
            default=_default("structured_output"),
            show_default=True,
            type=click.Choice(get_args(StructuredOutput)),
            help="First structured-output mode to try; 'auto' starts where the last run "
            "against this server and model succeeded. Rejected modes step down the ladder.",
        ),
        click.option(
            "--article-deadline",
            type=click.FloatRange(min=0, min_open=True),
            metavar="SECONDS",
            help="Give up on one article after this long, all its calls included.",
        ),
        click.option(
            "--deadline",
            type=click.FloatRange(min=0, min_open=True),
            metavar="SECONDS",
            help="Start no new model call after this long; unfinished articles fail "
            "and the brief is partial (exit 3).",
        ),
        click.option(
            "--max-tokens-total",
            type=click.IntRange(min=1),
            metavar="N",
            help="Start no new model call once the run has used N tokens (in + out).",
        ),
        click.option(
            "--state-dir",
            type=click.Path(file_okay=False, path_type=Path),
            envvar="BRIEFGEN_STATE_DIR",
            default=default_state_dir,
            show_default="$XDG_CACHE_HOME/briefgen",
            metavar="DIR",
            help="Where briefgen remembers what worked per server [env: BRIEFGEN_STATE_DIR].",
        ),
        click.option(
            "--replay",
            type=click.Path(file_okay=False, path_type=Path),
            metavar="DIR",
            help="Answer from recordings in DIR; no network, no key.",
        ),
        click.option(
            "--record",
            type=click.Path(file_okay=False, path_type=Path),
            metavar="DIR",
            help="Save every exchange with the server in DIR (no headers, so no key).",
        ),
        quiet_option,
    ]
    for option in reversed(options):
        command = option(command)
    return command


def settings_from(options: dict[str, Any]) -> Settings:
    if options.get("replay") and options.get("record"):
        raise click.UsageError("--replay and --record cannot be used together")
    key = os.environ.get("OPENAI_API_KEY")
    return Settings(
        model=options["model"],
        base_url=options.get("base_url"),
        api_key=SecretStr(key) if key else None,
        concurrency=options["concurrency"],
        timeout=options["timeout"],
        retries=options["retries"],
        reasks=options["reasks"],
        structured_output=options["structured_output"],
        article_deadline=options.get("article_deadline"),
        deadline=options.get("deadline"),
        max_tokens_total=options.get("max_tokens_total"),
        state_dir=options.get("state_dir"),
        replay=options.get("replay"),
        record=options.get("record"),
    )


def _calls(count: int) -> str:
    return f"{count} call{'s' if count != 1 else ''}"


def progress(quiet: bool) -> Callable[[Result], None] | None:
    if quiet:
        return None

    def report(result: Result) -> None:
        if isinstance(result, ArticleFailure):
            click.echo(
                f"failed   {result.article.id} ({_calls(result.attempts)}): {result.reason}",
                err=True,
            )
        else:
            found = result.extraction
            click.echo(
                f"done     {result.article.id}: {len(found.actors)} actors, "
                f"{len(found.asks) + len(found.warnings) + len(found.motives)} claims, "
                f"{len(result.dropped)} dropped, {_calls(result.attempts)}",
                err=True,
            )

    return report


def output_options(command: Callable[..., Any]) -> Callable[..., Any]:
    command = click.option(
        "--json",
        "json_out",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Also write the brief as JSON here.",
    )(command)
    command = click.option(
        "--out",
        "-o",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write the Markdown brief here (default: stdout).",
    )(command)
    return command


def deliver(
    brief: Brief, out: Path | None, json_out: Path | None, quiet: bool, progressed: bool = True
) -> int:
    """Write the brief (or not, if nothing was produced) and choose the exit code.
    `progressed`: progress lines have already named each failure on stderr."""
    failed = brief.failures
    if len(failed) == len(brief.sources):
        if quiet or not progressed:
            for source in failed:
                click.echo(f"failed   {source.article.id}: {source.failed}", err=True)
        fail("no article could be extracted; nothing was written", EXIT_NOTHING)
    text = render.markdown(brief)
    if json_out is not None:
        write_atomic(json_out, brief.model_dump_json(indent=2) + "\n")
    if out is not None:
        write_atomic(out, text)
    else:
        click.echo(text, nl=False)
    if not quiet:
        q = brief.quality
        click.echo(
            f"brief: {len(brief.sources) - len(failed)} of {len(brief.sources)} articles, "
            f"{len(brief.actors)} actors, {q.attempts} model calls, {q.reasks} re-asks, "
            f"tokens in/out {q.usage.input_tokens}/{q.usage.output_tokens}"
            + (f" -> {out}" if out else ""),
            err=True,
        )
    if failed:
        for source in failed:
            click.echo(
                f"partial: [{source.n}] {source.article.id} failed: {source.failed}", err=True
            )
        return EXIT_PARTIAL
    return EXIT_OK


# --- commands --------------------------------------------------------------------------------


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefgen")
def main() -> None:
    """Turn news articles into one structured, cited brief with an LLM.

    Exit codes: 0 ok, 1 nothing produced, 2 usage or input error, 3 partial brief.
    """


@main.command()
@click.argument("articles", nargs=-1, required=True)
@output_options
@click.option("--title", help="Title of the brief (default: from its main actors).")
@model_options
@guarded
def make(
    articles: tuple[str, ...],
    out: Path | None,
    json_out: Path | None,
    title: str | None,
    **options: Any,
) -> int:
    """Make a brief from ARTICLES: files, folders, or - for stdin.

    Files may be .txt/.md (plain text), .html, .json (an object or list with a "text" field)
    or .jsonl. A manifest.json beside them may give titles, outlets and publication dates.
    """
    settings = settings_from(options)
    brief = pipeline.make_brief(
        list(articles), settings, title=title, on_result=progress(options["quiet"])
    )
    return deliver(brief, out, json_out, options["quiet"])


@main.command()
@output_options
@quiet_option
@guarded
def demo(out: Path | None, json_out: Path | None, quiet: bool) -> int:
    """Make a brief of the bundled example offline, from hand-written recorded answers.

    The five articles about the planned 2023 Kim Jong Un-Putin meeting ship with briefgen; the
    model's answers are replayed through the real openai SDK, so no key or network is needed.
    """
    brief = pipeline.make_brief(
        [pipeline.DEMO_DIR], pipeline.demo_settings(), on_result=progress(quiet)
    )
    return deliver(brief, out, json_out, quiet)


@main.command("extract")
@click.argument("article")
@model_options
@guarded
def extract_command(article: str, **options: Any) -> int:
    """Print one article's extraction as JSON (input for `briefgen merge`)."""
    settings = settings_from(options)
    results = asyncio.run(pipeline.aextract([article], settings))
    for result in results:
        click.echo(result.model_dump_json(indent=2))
    failures = [r for r in results if isinstance(r, ArticleFailure)]
    for failure in failures:
        click.echo(f"failed   {failure.article.id}: {failure.reason}", err=True)
    if len(failures) == len(results):
        return EXIT_NOTHING
    return EXIT_PARTIAL if failures else EXIT_OK


def _read_result(path: Path) -> Result:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise InputError(f"{path}: not JSON ({exc})") from None
    model = ArticleFailure if isinstance(data, dict) and "reason" in data else ArticleExtraction
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problem = validation_summary(exc)
        raise InputError(f"{path}: not a briefgen extraction ({problem})") from None


@main.command("merge")
@click.argument(
    "extractions", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path)
)
@output_options
@click.option("--title", help="Title of the brief (default: from its main actors).")
@quiet_option
@guarded
def merge_command(
    extractions: tuple[Path, ...],
    out: Path | None,
    json_out: Path | None,
    title: str | None,
    quiet: bool,
) -> int:
    """Merge EXTRACTION.json files (from `briefgen extract`) into one brief. No model call."""
    brief = merge.merge([_read_result(path) for path in extractions], title=title)
    return deliver(brief, out, json_out, quiet, progressed=False)


@main.command()
@click.argument("which", type=click.Choice(["article", "brief"]), default="brief")
def schema(which: str) -> None:
    """Print the JSON Schema of an output: `article` (extract) or `brief` (make --json)."""
    model = ArticleExtraction if which == "article" else Brief
    click.echo(json.dumps(model.model_json_schema(), indent=2))
