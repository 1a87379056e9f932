"""The `briefgen` command: a thin layer over the library.

Exit codes: 0 brief written; 1 nothing produced (every article failed, the model server cannot
be reached, or --strict met a source it cannot read), the outputs could not be written (none
replaced), or an unexpected error; 2 usage, input or configuration error, the model server
refused the run, or the store is damaged or full; 3 partial brief (some articles failed, listed
in the brief and on stderr); 4 batch submitted and not yet finished (`--batch-wait`; the next
run collects it); 75 another run holds the output (EX_TEMPFAIL; retry later); 130 interrupted
(Ctrl-C or SIGTERM); they are `errors.ExitCode`. Every code but 0 prints at least one line on
stderr, in every log format and under -q. A brief is written atomically and only when there is
one, so a failed run never replaces the previous brief. No command prints a traceback:
`GuardedGroup` and `guarded` turn every exception into one line (`briefgen --debug` adds the
traceback).

The options of `make`, `extract` and `config` are generated from the fields of
`config.Settings` (name, type, bounds, help), so the command line cannot drift from the library.
This module imports neither the openai SDK nor the pipeline until a command needs them:
`briefgen --help` starts fast.
"""

from __future__ import annotations

import functools
import json
import re
import signal
import sys
import types
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import annotated_types
import click
from pydantic.fields import FieldInfo

from briefgen.config import CONFIG_FILE, Loaded, Settings, cli_meta, load_settings, option_flag
from briefgen.errors import (
    BatchPending,
    BriefgenError,
    ExitCode,
    NothingProduced,
    OutputsNotWritten,
    ServerUnreachable,
    StoreNotUpdated,
)


def fail(message: str, code: int = ExitCode.USAGE) -> None:
    from briefgen.redact import scrub

    message = scrub(message)
    _ERRORS.append(message)  # a hook is told the line (with_hooks)
    click.echo(f"briefgen: error: {message}", err=True)
    sys.exit(code)


_ERRORS: list[str] = []  # the `briefgen: error:` lines of this command
_HOOKED: list[tuple[Loaded, bool]] = []  # the settings a make run loaded, and -q


# Set by a make run whose finished articles go to the cache: an interrupted run can say so.
_RESUMABLE: list[bool] = []
_BATCHED: list[bool] = []  # set by a make run in batch mode
_TERMINATED: list[bool] = []  # set by SIGTERM, so the interruption is named for what it was


def _on_sigterm(signum: int, frame: Any) -> None:
    _TERMINATED.append(True)
    # Raised as SIGINT would be, so asyncio cancels the run the same way and it ends cleanly. A
    # process started in the background by a shell has SIGINT ignored: SIGTERM must still work.
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.raise_signal(signal.SIGINT)


def guarded(command: Callable[..., int]) -> Callable[..., None]:
    """Turn briefgen's own errors, Ctrl-C and SIGTERM into one line on stderr and an exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        _TERMINATED.clear()
        _RESUMABLE.clear()
        _BATCHED.clear()
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
        try:
            code = command(*args, **kwargs)
        except NothingProduced as exc:
            fail(str(exc), ExitCode.NOTHING)
        except BatchPending as exc:  # not an error: the next run collects
            click.echo(f"briefgen: {exc}", err=True)
            sys.exit(ExitCode.BATCH_PENDING)
        except BriefgenError as exc:
            fail(str(exc), code_for(exc))
        except KeyboardInterrupt:
            what = "terminated (SIGTERM)" if _TERMINATED else "interrupted"
            kept = ", finished articles are cached" if _RESUMABLE else ""
            if _BATCHED:
                kept += "; submitted batches go on at the server and the next run collects them"
            fail(f"{what}; nothing was written{kept}", ExitCode.INTERRUPTED)
        except CLICK_EXCEPTIONS:  # usage errors: click's own message, exit 2
            raise
        except Exception as exc:  # a bug, or a failure nobody foresaw: one line, exit 1
            fail(unexpected(exc), ExitCode.NOTHING)
        finally:
            signal.signal(signal.SIGTERM, previous)
        sys.exit(code)

    return wrapper


def code_for(exc: BriefgenError) -> int:
    """The exit code of one of briefgen's own errors."""
    from briefgen.errors import BusyError

    if isinstance(exc, NothingProduced):
        return ExitCode.NOTHING
    if isinstance(exc, BatchPending):
        return ExitCode.BATCH_PENDING
    return ExitCode.BUSY if isinstance(exc, BusyError) else ExitCode.USAGE


# What click raises for itself (usage errors, --help, Ctrl-C at a prompt): never ours to catch.
CLICK_EXCEPTIONS = (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort)
_DEBUG: list[bool] = []  # set by `briefgen --debug`


def unexpected(exc: BaseException) -> str:
    """The one line for an exception briefgen did not foresee (the message redacted, newlines
    folded, at most 300 characters). The full traceback goes to the `briefgen` log at debug
    level and, with `--debug`, to stderr."""
    import logging
    import traceback

    from briefgen.redact import scrub

    trace = scrub("".join(traceback.format_exception(exc)))
    logging.getLogger("briefgen").debug("unexpected error\n%s", trace)
    if _DEBUG:
        click.echo(trace, err=True, nl=False)
    hint = "" if _DEBUG else "; `briefgen --debug …` prints the traceback"
    if isinstance(exc, OSError) and exc.strerror:  # the system said no: name what and why
        where = f"{exc.filename}: " if exc.filename else ""
        return scrub(f"{where}{exc.strerror}{hint}")
    said = " ".join(str(exc).split())
    said = said if len(said) <= 300 else said[:299] + "…"
    what = type(exc).__name__ + (f": {said}" if said else "")
    return scrub(f"unexpected error ({what}); this is a bug in briefgen{hint}")


class GuardedGroup(click.Group):
    """The command group whose every command, subgroup and callback ends in one line on
    stderr and an exit code, never a traceback: briefgen's own errors by `code_for`, anything
    else as `unexpected` (exit 1). Commands wrapped in `guarded` say so themselves first."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CLICK_EXCEPTIONS:
            raise
        except BriefgenError as exc:
            fail(str(exc), code_for(exc))
        except Exception as exc:
            fail(unexpected(exc), ExitCode.NOTHING)


def with_hooks(command: Callable[..., None]) -> Callable[..., None]:
    """Run the job's hook (`on_success`, `on_partial`, `on_failure`; hooks.py) once the
    command is over, with its exit code: outside `guarded`, so the code is the one the process
    exits with. The command puts the settings it loaded in `_HOOKED`; with none loaded (a bad
    config file) there is no hook to run."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        from briefgen import hooks

        _ERRORS.clear()
        _HOOKED.clear()
        listener, stop_listening = hooks.listen()
        try:
            command(*args, **kwargs)  # `guarded` ends it with sys.exit
        except SystemExit as exc:
            stop_listening()
            _run_hook(_exit_code(exc.code), listener.facts, _ERRORS[-1] if _ERRORS else None)
            raise
        except click.ClickException as exc:  # a usage error after the settings were loaded
            stop_listening()
            _run_hook(exc.exit_code, listener.facts, exc.format_message())
            raise
        finally:
            stop_listening()

    return wrapper


def _exit_code(code: object) -> int:
    if code is None:
        return ExitCode.OK
    return code if isinstance(code, int) else ExitCode.NOTHING


def _run_hook(code: int, facts: dict[str, Any] | None, error: str | None) -> None:
    if not _HOOKED:
        return
    from briefgen import hooks

    loaded, quiet = _HOOKED.pop()
    settings = loaded.settings
    if hooks.which(code) is None or not getattr(settings, hooks.which(code) or ""):
        return
    detach = _show_progress(settings, quiet)
    folder = loaded.config_file.resolve().parent if loaded.config_file else None
    try:
        hooks.run(settings, code, facts, error, cwd=folder, show=_to_stderr)
    except KeyboardInterrupt:  # Ctrl-C during the hook: the run's exit code stands
        click.echo("briefgen: hook interrupted", err=True)
    finally:
        detach()


def _to_stderr(text: str) -> None:
    click.echo(text, err=True, nl=False)


# --- options from the settings model ---------------------------------------------------------


def _base_type(annotation: Any) -> Any:
    """`X | None` -> X."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def _bounds(info: FieldInfo) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in info.metadata:
        if isinstance(item, annotated_types.Ge):
            found["min"] = item.ge
        elif isinstance(item, annotated_types.Gt):
            found.update(min=item.gt, min_open=True)
        elif isinstance(item, annotated_types.Le):
            found["max"] = item.le
        elif isinstance(item, annotated_types.Lt):
            found.update(max=item.lt, max_open=True)
    return found


def _click_type(kind: Any, info: FieldInfo) -> Any:
    if get_origin(kind) is Literal:
        return click.Choice([str(a) for a in get_args(kind)])
    if kind is int:
        return click.IntRange(**_bounds(info))
    if kind is float:
        return click.FloatRange(**_bounds(info))
    if kind is Path:
        return click.Path(path_type=Path)
    return str


def _help(name: str, info: FieldInfo) -> str:
    text = info.description or ""
    if info.default not in (None, []):
        default = info.default
        shown = str(default).lower() if isinstance(default, bool) else default
        text += f" [default: {shown}]"
    return text


def setting_option(name: str) -> Callable[[Any], Any] | None:
    """The click option for one Settings field, or None for a field with no option."""
    info = Settings.model_fields[name]
    flag = option_flag(name)
    if flag is None:
        return None
    meta = cli_meta(name)
    kind = _base_type(info.annotation)
    declarations = [flag]
    if kind is bool:
        declarations = [f"{flag}/--no-{flag[2:]}"]
    if meta.get("short"):
        declarations.append(meta["short"])
    extra: dict[str, Any] = {}
    if kind is not bool:
        extra["type"] = _click_type(kind, info)
        if kind is Path:
            extra["metavar"] = "PATH"
        elif kind is int:
            extra["metavar"] = "N"
        elif kind is float:
            described = info.description or ""
            extra["metavar"] = "SECONDS" if "econd" in described else "X"
            if described.startswith("US dollars"):
                extra["metavar"] = "USD"
    return click.option(*declarations, name, default=None, help=_help(name, info), **extra)


def settings_options(*names: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Options for the named Settings fields (all with an option, if none are named)."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        for name in reversed(names or tuple(Settings.model_fields)):
            option = setting_option(name)
            if option is not None:
                command = option(command)
        return command

    return decorate


config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="PATH",
    help=f"Read settings from this TOML file (default: ./{CONFIG_FILE}, or [tool.briefgen] "
    "in ./pyproject.toml).",
)
quiet_option = click.option("-q", "--quiet", is_flag=True, help="Show nothing but errors.")
MODEL_FIELDS = (
    "backend",
    "model",
    "base_url",
    "concurrency",
    "timeout",
    "retries",
    "backoff",
    "max_wait",
    "reasks",
    "grounding_reask",
    "structured_output",
    "article_deadline",
    "deadline",
    "max_tokens_total",
    "db",
    "replay",
    "record",
)


def load(options: dict[str, Any], config_path: Path | None) -> Loaded:
    if options.get("replay") and options.get("record"):
        raise click.UsageError("--replay and --record cannot be used together")
    settings_keys = set(Settings.model_fields)
    return load_settings({k: v for k, v in options.items() if k in settings_keys}, config_path)


def _show_progress(settings: Settings, quiet: bool) -> Callable[[], None]:
    from briefgen import progress

    return progress.attach(settings.log_format, quiet)


def run_make(settings: Settings, quiet: bool) -> int:
    from briefgen import pipeline

    if settings.replay is None and settings.record is None:
        _RESUMABLE.append(True)
    if settings.batch:
        _BATCHED.append(True)
    detach = _show_progress(settings, quiet)
    try:
        try:
            brief = pipeline.make_brief(None, settings)
        except BatchPending as exc:  # not an error, but every exit code but 0 says why
            click.echo(f"briefgen: {exc}", err=True)
            return ExitCode.BATCH_PENDING
        except StoreNotUpdated as exc:  # the brief was written: shown as usual, then the error
            _show_made(exc.brief, settings)
            raise
        except NothingProduced as exc:
            if quiet and not isinstance(exc, OutputsNotWritten):
                # otherwise each failure has been shown as it happened
                for source in getattr(exc.brief, "failures", []):
                    # Of the articles a dead server left, only the one that found it down: the
                    # closing error line names the server and the cause.
                    left = (ServerUnreachable.NOT_ASKED, ServerUnreachable.STOPPED)
                    if not source.failed.startswith(left):
                        click.echo(f"failed   {source.article.id}: {source.failed}", err=True)
            raise
    finally:
        detach()
    _show_made(brief, settings)
    return ExitCode.PARTIAL if brief.partial else ExitCode.OK


def _show_made(brief: Any, settings: Settings) -> None:
    """The brief on stdout unless a file takes it, and its failures on stderr."""
    from briefgen import outputs

    click.echo(outputs.for_stdout(brief, settings), nl=False)
    for source in brief.failures:  # in every log format and under -q: exit 3 says why
        click.echo(f"partial: [{source.n}] {source.article.id} failed: {source.failed}", err=True)


# --- commands --------------------------------------------------------------------------------


@click.group(cls=GuardedGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="briefgen", prog_name="briefgen")
@click.option(
    "--debug",
    is_flag=True,
    help="On an unexpected error, print its traceback on stderr after the one-line message.",
)
def main(debug: bool) -> None:
    """Turn news articles into one structured, cited brief with an LLM.

    Exit codes: 0 ok, 1 nothing produced or written (or an unexpected error), 2 usage, input
    or configuration error, or a damaged or full store, 3 partial brief, 4 batch submitted
    and not yet finished, 75 another run holds the output (retry later), 130 interrupted.
    """
    _DEBUG.clear()
    if debug:
        _DEBUG.append(True)


@main.command()
@click.argument("articles", nargs=-1)
@config_option
@settings_options()
@quiet_option
@with_hooks
@guarded
def make(articles: tuple[str, ...], config_path: Path | None, quiet: bool, **options: Any) -> int:
    """Make a brief from ARTICLES: files, folders, globs, http(s) URLs, feeds, or - for stdin.

    With no ARTICLES, the sources of the config file (./briefgen.toml) are read. Files may be
    .txt/.md (plain text), .html, .json (an object or list with a "text" field), .jsonl, or
    an RSS/Atom feed (.rss, .atom, .xml). A manifest.json beside them may give titles, outlets
    and publication dates. A file, record or URL that cannot be read is a failure in the brief
    (exit 3), unless --strict; see docs/inputs.md.

    Every option is also a key of briefgen.toml and a BRIEFGEN_<NAME> environment variable;
    the command line wins over the environment, which wins over the file. An article seen
    before with the same prompt, model and server comes from the cache, with no model call.
    """
    if articles:
        options["sources"] = list(articles)
    loaded = load(options, config_path)
    _HOOKED.append((loaded, quiet))
    settings = loaded.settings
    if not settings.sources:
        raise click.UsageError(
            f"no articles: give ARTICLES, or list sources in {CONFIG_FILE} "
            "(see docs/configuration.md)"
        )
    return run_make(settings, quiet)


@main.command()
@settings_options("out", "json_out", "html", "db")
@quiet_option
@guarded
def demo(quiet: bool, **options: Any) -> int:
    """Make a brief of the bundled example offline, from hand-written recorded answers.

    The five articles about the planned 2023 Kim Jong Un-Putin meeting ship with briefgen; the
    model's answers are replayed through the real openai SDK, so no key or network is needed.
    """
    from briefgen import pipeline

    # The store and the log format as configured; never the job's outputs or model.
    configured = load({"db": options.pop("db")}, None).settings
    given = {k: v for k, v in options.items() if v is not None}
    settings = pipeline.demo_settings(
        db=configured.db, log_format=configured.log_format, name="demo", **given
    )
    return run_make(settings, quiet)


@main.command("extract")
@click.argument("article")
@config_option
@settings_options(*MODEL_FIELDS)
@guarded
def extract_command(article: str, config_path: Path | None, **options: Any) -> int:
    """Print one article's extraction as JSON (input for `briefgen merge`). No cache."""
    import asyncio

    from briefgen import pipeline
    from briefgen.schemas import ArticleFailure

    settings = load(options, config_path).settings
    results = asyncio.run(pipeline.aextract([article], settings))
    for result in results:
        click.echo(result.model_dump_json(indent=2))
    failures = [r for r in results if isinstance(r, ArticleFailure)]
    for failure in failures:
        click.echo(f"failed   {failure.article.id}: {failure.reason}", err=True)
    if len(failures) == len(results):
        return ExitCode.NOTHING
    return ExitCode.PARTIAL if failures else ExitCode.OK


@main.command("merge")
@click.argument(
    "extractions", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path)
)
@settings_options("out", "json_out", "html", "title")
@quiet_option
@guarded
def merge_command(extractions: tuple[Path, ...], quiet: bool, **options: Any) -> int:
    """Merge EXTRACTION.json files (from `briefgen extract`: one extraction or several, one
    after another) into one brief. No model call."""
    from briefgen import merge, outputs

    settings = Settings(**{k: v for k, v in options.items() if v is not None})
    outputs.check_outputs(settings)
    results = [result for path in extractions for result in outputs.read_extractions(path)]
    brief = merge.merge(results, title=settings.title)
    if len(brief.failures) == len(brief.sources):
        for source in brief.failures:
            click.echo(f"failed   {source.article.id}: {source.failed}", err=True)
        fail("no article could be extracted; nothing was written", ExitCode.NOTHING)
    outputs.deliver(brief, settings)
    click.echo(outputs.for_stdout(brief, settings), nl=False)
    return ExitCode.PARTIAL if brief.partial else ExitCode.OK


@main.command("render")
@click.argument("brief", type=click.Path(dir_okay=False, path_type=Path))
@settings_options("out", "html")
@guarded
def render_command(brief: Path, **options: Any) -> int:
    """Render a saved JSON brief (from --json) again: the Markdown brief to --out, the HTML
    page to --html; with neither, the Markdown to stdout. No model call, no store."""
    from briefgen import outputs

    settings = Settings(**{k: v for k, v in options.items() if v is not None})
    outputs.check_outputs(settings)
    found = outputs.read_brief(brief)
    outputs.deliver(found, settings)
    click.echo(outputs.for_stdout(found, settings), nl=False)
    return ExitCode.OK


@main.command()
@click.argument("which", type=click.Choice(["article", "brief"]), default="brief")
def schema(which: str) -> None:
    """Print the JSON Schema of an output: `article` (extract) or `brief` (make --json)."""
    from briefgen.schemas import ArticleExtraction, Brief

    model = ArticleExtraction if which == "article" else Brief
    click.echo(json.dumps(model.model_json_schema(), indent=2))


@main.command("config")
@config_option
@settings_options()
@guarded
def config_command(config_path: Path | None, **options: Any) -> int:
    """Print the effective settings and where each came from; the key is masked."""
    from briefgen.config import describe

    loaded = load(options, config_path)
    if loaded.config_file is not None:
        click.echo(f"# config file: {loaded.config_file}")
    rows = describe(loaded)
    width = max(len(name) for name, _, _ in rows)
    for name, value, origin in rows:
        click.echo(f"{name:<{width}} = {value}  ({origin})")
    return ExitCode.OK


def _store(options: dict[str, Any], config_path: Path | None) -> Any:
    from briefgen.store import Store

    return Store(load(options, config_path).settings.db_path)


job_option = click.option(
    "--job", metavar="NAME", help="Only the runs of this job (its `name` setting; see docs)."
)
json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print JSON records (fields in docs/cli.md)."
)


@main.group(invoke_without_command=True)
@click.option("-n", "--limit", type=click.IntRange(1), default=20, show_default=True)
@job_option
@json_option
@config_option
@settings_options("db")
@click.pass_context
def runs(
    ctx: click.Context,
    limit: int,
    job: str | None,
    as_json: bool,
    config_path: Path | None,
    db: Path | None,
) -> None:
    """List recent runs, newest first, one line each; `runs show ID` for one run."""
    ctx.obj = {"db": db, "config_path": config_path, "as_json": as_json}
    if ctx.invoked_subcommand is None:
        _list_runs(limit, db, config_path, job, as_json)


@guarded
def _list_runs(
    limit: int, db: Path | None, config_path: Path | None, job: str | None, as_json: bool
) -> int:
    store = _store({"db": db}, config_path)
    found = store.runs.latest(limit, job_name=job)
    if as_json:
        from briefgen.health import run_record

        click.echo(json.dumps([run_record(run) for run in found], indent=2))
        return ExitCode.OK
    if not found:
        which = f" of job {job!r}" if job is not None else ""
        click.echo(f"no runs{which} yet in {store.path}")
    for run in found:
        click.echo(_run_line(run))
    return ExitCode.OK


def _run_line(run: Any) -> str:
    from briefgen.prices import money
    from briefgen.runlog import count, shown_status

    when = run.started[:16].replace("T", " ")
    status = shown_status(run)  # `killed`: ended without closing its row
    outputs = f" -> {', '.join(run.outputs)}" if run.outputs else ""
    # Replayed answers cost nothing and are not priced: no cost, as in the brief.
    cost = "replayed" if run.config.get("replay") else money(run.cost)
    return (
        f"{run.id:>5}  {when}  {run.job_name or '-':<10}  {status:<11}  "
        f"{count(run.articles, 'article')} "
        f"({run.cached} cached, {run.failed} failed)  {count(run.calls, 'call')}  "
        f"{run.input_tokens + run.output_tokens} tokens  {cost}  "
        f"{run.model}{outputs}"
    )


@runs.command("show")
@click.argument("run_id", type=int)
@json_option
@click.option(
    "--brief",
    "show_brief",
    is_flag=True,
    help="Print the brief the run made, from the store, instead of the run.",
)
@click.option(
    "--format",
    "brief_format",
    type=click.Choice(["md", "json", "html"]),
    help="With --brief: Markdown (default), the JSON brief, or the HTML page.",
)
@config_option
@settings_options("db")
@click.pass_obj
@guarded
def runs_show(
    obj: dict[str, Any],
    run_id: int,
    as_json: bool,
    show_brief: bool,
    brief_format: str | None,
    config_path: Path | None,
    db: Path | None,
) -> int:
    """One run: its settings, totals, cost, outputs and every article's outcome; with
    --brief, the brief it made.

    --db, --config and --json may come before `show` or after it."""
    from briefgen.errors import InputError
    from briefgen.prices import money
    from briefgen.runlog import count

    if brief_format is not None and not show_brief:
        raise click.UsageError("--format goes with --brief")
    store = _store({"db": db or obj["db"]}, config_path or obj["config_path"])
    found = store.runs.by_id(run_id)
    if found is None:
        raise InputError(f"no run {run_id} in {store.path}")
    run, articles = found
    if show_brief:
        json_wanted = as_json or obj.get("as_json")
        click.echo(_past_brief(store, run, brief_format or ("json" if json_wanted else "md")))
        return ExitCode.OK
    if as_json or obj.get("as_json"):
        from briefgen.health import run_detail

        click.echo(json.dumps(run_detail(run, articles), indent=2))
        return ExitCode.OK
    click.echo(_run_line(run))
    code = "-" if run.exit_code is None else run.exit_code  # running, or killed
    click.echo(f"  started {run.started}, ended {run.ended or '-'}, exit {code}")
    click.echo(f"  server {run.base_url or '(default)'}, prompt {run.prompt_version}")
    click.echo(f"  sources: {', '.join(run.inputs)}")
    shown = ("model", "base_url", "concurrency", "reasks", "structured_output", "cache", "db")
    click.echo("  settings: " + ", ".join(f"{k}={run.config.get(k)}" for k in shown))
    if run.error:
        click.echo(f"  error: {run.error}")
    click.echo(f"  cost: {money(run.cost) if run.cost is not None else 'unknown'}")
    for a in articles:
        reason = f": {a.reason}" if a.reason else ""
        click.echo(
            f"  [{a.n}] {a.outcome:<9} {a.article_id}  {count(a.calls, 'call')}, "
            f"{a.input_tokens + a.output_tokens} tokens, {a.dropped} dropped{reason}"
        )
    return ExitCode.OK


def _past_brief(store: Any, run: Any, kind: str) -> str:
    """The brief run `run` made, as the store keeps it, in `kind` (md, json, html)."""
    from pydantic import ValidationError

    from briefgen.errors import InputError
    from briefgen.outputs import render_as
    from briefgen.runlog import shown_status
    from briefgen.schemas import Brief

    text = store.runs.brief_json(run.id)
    if text is None:
        raise InputError(
            f"run {run.id} made no brief (status {shown_status(run)}); "
            "`briefgen runs` lists the runs that did"
        )
    try:
        brief = Brief.model_validate_json(text)
    except ValidationError:
        if kind == "json":  # kept as it was written, whatever briefgen wrote it
            return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        raise InputError(
            f"run {run.id}'s brief was written by another briefgen version and cannot be "
            "rendered by this one; --format json prints it as stored"
        ) from None
    return render_as(brief, "." + kind).rstrip("\n")


_DURATION = re.compile(r"^(\d+)\s*([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def _duration(ctx: click.Context, param: click.Parameter, value: str) -> timedelta:
    match = _DURATION.match(value.strip().lower())
    if match is None:
        raise click.BadParameter("give a number and a unit: 30d, 12h, 2w, 90m")
    return timedelta(**{_UNITS[match[2]]: int(match[1])})


@main.command()
@click.option(
    "--max-age",
    default="26h",
    show_default=True,
    metavar="DURATION",
    callback=_duration,
    help="Unhealthy when the job's last success ended longer ago than this (26h, 3d, 90m).",
)
@click.option(
    "--failures",
    type=click.IntRange(1),
    default=1,
    show_default=True,
    metavar="N",
    help="Unhealthy when the last N runs or more failed in a row, since the last success.",
)
@click.option(
    "--job",
    metavar="NAME",
    help="The job to check (default: the config file's `name`, else its folder's name).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (docs/scheduling.md).")
@config_option
@settings_options("db")
@guarded
def status(
    max_age: timedelta,
    failures: int,
    job: str | None,
    as_json: bool,
    config_path: Path | None,
    db: Path | None,
) -> int:
    """Is the job healthy? Exit 0 if so, 1 if not: for monitoring (Nagios, cron, systemd).

    Unhealthy: the store has no run of the job; no run succeeded (exit 0 or 3) within
    --max-age; or the last --failures runs failed. The job is --job, else the `name` of the
    config file (default: its folder's name). The first line says which and why."""
    from briefgen import health
    from briefgen.store import Store

    settings = load({"db": db}, config_path).settings
    found = health.check(
        Store(settings.db_path), job or settings.job_name, max_age=max_age, failures=failures
    )
    if as_json:
        click.echo(json.dumps(found.record(), indent=2))
    else:
        click.echo("\n".join(found.lines() if found.last_run else [found.headline()]))
    return ExitCode.OK if found.healthy else ExitCode.NOTHING


@main.group(invoke_without_command=True)
@click.option("-n", "--limit", type=click.IntRange(1), default=20, show_default=True)
@click.option("--local", is_flag=True, help="Show the store's record only; do not ask the server.")
@config_option
@settings_options("backend", "model", "base_url", "db")
@click.pass_context
def batches(
    ctx: click.Context, limit: int, local: bool, config_path: Path | None, **options: Any
) -> None:
    """List submitted Batch API jobs, newest first; `batches cancel ID` to cancel one.

    Batches not yet ended are asked about at the server first (needs the key), unless --local.
    """
    ctx.obj = {"options": options, "config_path": config_path}
    if ctx.invoked_subcommand is None:
        _list_batches(limit, local, options, config_path)


@guarded
def _list_batches(
    limit: int, local: bool, options: dict[str, Any], config_path: Path | None
) -> int:
    import asyncio

    from briefgen import pipeline
    from briefgen.errors import ModelSetupError
    from briefgen.extract import batch

    settings = load(options, config_path).settings
    try:
        rows = asyncio.run(pipeline.abatches(settings, limit, refresh=not local))
    except ModelSetupError as exc:  # no key, say: the store's record is still worth showing
        click.echo(
            f"briefgen: not asked at the server ({exc}); showing the store's record", err=True
        )
        rows = asyncio.run(pipeline.abatches(settings, limit, refresh=False))
    if not rows:
        click.echo(f"no batches yet in {settings.db_path}")
    for row in rows:
        click.echo(batch.line(row))
    return ExitCode.OK


@batches.command("cancel")
@click.argument("batch_id")
@click.pass_obj
@guarded
def batches_cancel(obj: dict[str, Any], batch_id: str) -> int:
    """Cancel batch BATCH_ID at the server. Answers it already has are collected by the next
    run; the rest of its articles are asked again then."""
    import asyncio

    from briefgen import pipeline
    from briefgen.extract import batch

    settings = load(obj["options"], obj["config_path"]).settings
    row = asyncio.run(pipeline.acancel_batch(batch_id, settings))
    click.echo(batch.line(row))
    return ExitCode.OK


@main.group()
def cache() -> None:
    """The store of extractions (what makes a rerun free)."""


@cache.command("prune")
@click.option(
    "--older-than",
    default="30d",
    show_default=True,
    callback=_duration,
    help="Forget extractions not used, and runs not started, within this long (30d, 12h, 2w).",
)
@config_option
@settings_options("db")
@guarded
def cache_prune(older_than: timedelta, config_path: Path | None, db: Path | None) -> int:
    """Keep the store bounded; each job's latest brief is kept for "What changed"."""
    store = _store({"db": db}, config_path)
    extractions, removed_runs = store.prune(older_than)
    click.echo(f"removed {extractions} extractions and {removed_runs} runs from {store.path}")
    return ExitCode.OK


@main.command()
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
@guarded
def diff(old: Path, new: Path) -> int:
    """Print what changed from the JSON brief OLD to NEW ("What changed" of `make`)."""
    from briefgen import outputs
    from briefgen.merge import changes
    from briefgen.render.markdown_brief import what_changed

    found = changes.diff(outputs.read_brief(old), outputs.read_brief(new), since=str(old))
    click.echo("\n".join(what_changed(found)).rstrip())
    return ExitCode.OK
