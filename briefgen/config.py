"""Settings for a run: one pydantic model, and where each value came from.

A value is taken from the first of these that gives it:

    command line  >  environment (BRIEFGEN_<FIELD>, plus OPENAI_API_KEY, OPENAI_BASE_URL)
                  >  config file (briefgen.toml, or [tool.briefgen] in pyproject.toml)
                  >  the field's default

`load()` layers them and validates the result once, as `Settings`; an error names the layer
that gave the bad value (the file and key, the variable, or the option). `Settings(...)` itself
is a plain model: a library caller who builds one gets exactly what they wrote.

This module stays light (pydantic and the standard library): `briefgen --help` builds its options
from these fields, and must start fast. pydantic-settings, which parses the environment, is
imported only when settings are loaded.
"""

from __future__ import annotations

import difflib
import json
import os
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from briefgen import redact
from briefgen.errors import ConfigError
from briefgen.prices import Price

DEFAULT_MODEL = "gpt-4o-mini"
ENV_PREFIX = "BRIEFGEN_"
CONFIG_FILE = "briefgen.toml"
StructuredOutput = Literal[
    "auto",
    "json_schema_strict",
    "json_schema",
    "json_object_schema",
    "guided_json",
    "tools",
    "json_object",
    "prompt",
]
LogFormat = Literal["text", "json"]

# A file may name a setting by the CLI's word for it.
FILE_ALIASES = {"json": "json_out"}
# BRIEFGEN_ variables that are not settings: the opt-in live test's.
# Variables of briefgen's own tests and scripts, not settings: set, they are no error.
OTHER_VARIABLES = frozenset({"BRIEFGEN_LIVE_BASE_URL", "BRIEFGEN_LIVE_MODEL", "BRIEFGEN_CHROMIUM"})
# What a hook is told about the run it follows (hooks.py): BRIEFGEN_RUN_ID, BRIEFGEN_RUN_STATUS,
# ... No setting's name starts with `run_`, so a hook that runs briefgen again is no error.
RUN_PREFIX = ENV_PREFIX + "RUN_"
# The job name of runs with no `name` setting and no config file.
DEFAULT_JOB = "default"
# Read from the environment when the BRIEFGEN_ variable is not set: what the openai SDK reads.
OPENAI_ENV = {"api_key": "OPENAI_API_KEY", "base_url": "OPENAI_BASE_URL"}


def cli(name: str | None = None, *, short: str | None = None, hidden: bool = False) -> Any:
    """Field metadata for the generated CLI option: its name, a short flag, or no option."""
    return {"cli": {"name": name, "short": short, "hidden": hidden}}


def cli_meta(field: str) -> dict[str, Any]:
    """What `cli(...)` said of a Settings field (empty if nothing)."""
    extra = Settings.model_fields[field].json_schema_extra
    meta = extra.get("cli") if isinstance(extra, dict) else None
    return meta if isinstance(meta, dict) else {}


def option_flag(field: str) -> str | None:
    """The field's command-line flag (`--json`, `--max-input-bytes`), or None if it has none."""
    meta = cli_meta(field)
    if meta.get("hidden"):
        return None
    return meta.get("name") or "--" + field.replace("_", "-")


class Settings(BaseModel):
    """Everything a run needs to know. Every field is also a config-file key and a
    BRIEFGEN_<FIELD> variable; most are a command-line option of the same name."""

    model_config = ConfigDict(extra="forbid")

    sources: list[str] = Field(
        default=[],
        description="Articles to read: files, folders, globs, '-' for stdin.",
        json_schema_extra=cli(hidden=True),
    )
    out: Path | None = Field(
        default=None,
        description="Write the Markdown brief here (default: stdout, unless --html is given).",
        json_schema_extra=cli(short="-o"),
    )
    json_out: Path | None = Field(
        default=None,
        description="Also write the brief as JSON here.",
        json_schema_extra=cli("--json"),
    )
    html: Path | None = Field(
        default=None,
        description="Also write the brief as one self-contained HTML page here (quotes one "
        "click away; see docs/html.md).",
    )
    since: Path | None = Field(
        default=None,
        description="Say what changed since this JSON brief (default: the job's last brief "
        "in the store).",
    )
    title: str | None = Field(
        default=None, description="Title of the brief (default: from its main actors)."
    )
    name: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        pattern=r"^[^\x00-\x1f\x7f]+$",
        description="The job's name, kept with each run (`runs --job`, `status --job`; "
        "default: the config file's folder, else 'default').",
    )
    max_input_bytes: int = Field(
        default=5_000_000,
        ge=1000,
        description="Largest article, file or page read, in bytes; a larger one is a failure "
        "in the brief.",
    )
    fetch_timeout: float = Field(
        default=20.0,
        gt=0,
        description="Seconds to fetch one URL (a page or a feed), in all: connecting, the "
        "headers and the body.",
    )
    follow_symlinks: bool = Field(
        default=False,
        description="Read links in an input folder (or matched by a glob) that lead outside "
        "it; by default such a link is a failure in the brief, not read.",
    )
    max_age: float | None = Field(
        default=None,
        gt=0,
        description="Skip feed entries published more than this many days ago.",
    )
    max_feed_items: int = Field(
        default=200,
        ge=1,
        description="Most entries read from one feed (after max_age); the rest are skipped "
        "and counted in the log.",
    )
    allow_private_hosts: bool = Field(
        default=False,
        description="Let feed entries' links and redirects reach loopback, private, link-local "
        "and other non-public addresses (docs/inputs.md#private-host-policy); sources named "
        "on the command line or in the config are fetched wherever they point regardless.",
    )
    stale_after: float = Field(
        default=3.0,
        ge=0,
        description="Days a source that cannot be reached (a page or feed down, the model "
        "server failing on its article) keeps its last good extraction in the brief, marked "
        "stale; after that, or with 0, it is a failure.",
    )
    changes_shown: int = Field(
        default=12,
        ge=1,
        description="Lines of 'What changed' shown at the top of the Markdown and HTML brief, "
        "most telling first; the rest are counted ('and N more') and all are in the JSON.",
    )
    strict: bool = Field(
        default=False,
        description="Any unreadable file or record stops the run before any model call, with "
        "nothing written (exit 1); by default it is a failure in the brief and the rest go on.",
    )
    backend: str = Field(
        default="openai",
        description="The model backend: a name registered in the 'briefgen.backends' entry "
        "points (built in: openai, for OpenAI and OpenAI-compatible servers).",
    )
    model: str = Field(default=DEFAULT_MODEL, description="Model name sent to the server.")
    base_url: str | None = Field(
        default=None,
        description="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1 "
        "(default: api.openai.com).",
    )
    api_key: SecretStr | None = Field(
        default=None,
        description="Key sent to the server; never on the command line.",
        json_schema_extra=cli(hidden=True),
    )
    concurrency: int = Field(default=4, ge=1, le=256, description="Articles extracted at once.")
    timeout: float = Field(default=120.0, gt=0, description="Seconds per HTTP request.")
    retries: int = Field(
        default=3, ge=0, le=20, description="Transport retries per call (network, 429, 5xx)."
    )
    backoff: float = Field(default=1.0, ge=0, description="First retry wait in seconds.")
    max_wait: float = Field(
        default=60.0, ge=0, description="Cap on one wait, Retry-After included, in seconds."
    )
    reasks: int = Field(
        default=1,
        ge=0,
        le=5,
        description="Re-asks after an unusable answer (not JSON, fails the schema, cut off).",
    )
    grounding_reask: bool = Field(
        default=True,
        description="Re-ask once, naming them, when items are not grounded in the article.",
    )
    context_tokens: int = Field(
        default=16000,
        ge=500,
        description="Longest article text sent in one request, in tokens (about 4 characters "
        "each); a longer one is extracted in overlapping parts and combined.",
    )
    max_output_tokens: int = Field(
        default=4096,
        ge=64,
        le=131072,
        description="Cap on the tokens one answer may take. Each call asks for a budget sized "
        "from the article, at most this; a cut-off answer is asked once more with twice the "
        "budget, at most this.",
    )
    max_items: int = Field(
        default=8,
        ge=1,
        le=100,
        description="Most items per list (actors, asks, ...) where the server decodes under a "
        "grammar from the schema (llama.cpp, vLLM): a small model then cannot loop for ever.",
    )
    temperature: float | None = Field(
        default=None, ge=0, le=2, description="Sampling temperature (default: the server's)."
    )
    frequency_penalty: float | None = Field(
        default=None,
        ge=-2,
        le=2,
        description="Penalty on repeated tokens, which stops a weak model looping on one item.",
    )
    repeat_penalty: float | None = Field(
        default=None,
        ge=0,
        le=3,
        description="llama.cpp's repetition penalty (1.0: none); other servers ignore it.",
    )
    structured_output: StructuredOutput = Field(
        default="auto",
        description="Where to start the structured-output ladder; 'auto' starts where the last "
        "run against this server and model succeeded, else at json_schema_strict.",
    )
    article_deadline: float | None = Field(
        default=None, gt=0, description="Seconds one article may take, all calls included."
    )
    deadline: float | None = Field(
        default=None,
        gt=0,
        description="Seconds the run may take, from its start, reading the sources included: "
        "no fetch goes past it; then no new model call starts, unfinished articles fail and "
        "the brief is partial.",
    )
    max_tokens_total: int | None = Field(
        default=None, gt=0, description="Token cap (input + output) for the whole run."
    )
    budget_per_day: float | None = Field(
        default=None,
        gt=0,
        description="US dollars the job may spend on model calls per UTC day, its runs "
        "together; once reached no new call starts, the rest fail ('budget reached', asked "
        "again tomorrow) and the brief is partial "
        "(docs/scheduling.md#12-costs-and-a-daily-budget).",
    )
    prices: dict[str, Price] = Field(
        default={},
        description="Price per model in USD per million tokens, e.g. "
        '{ "my-model" = { input = 0.15, output = 0.60 } }: adds to and overrides the built-in '
        "OpenAI prices, which apply to OpenAI's API only.",
        json_schema_extra=cli(hidden=True),
    )
    archive: list[str] = Field(
        default=[],
        description="Keep a copy of every brief written, at these file names (.md, .json or "
        ".html) made from {date} (UTC, YYYY-MM-DD), {time} (UTC, HHMMSS), {run} (the run's id) "
        "and {job} (the job's name): e.g. out/archive/{date}-{run}.md.",
        json_schema_extra=cli(hidden=True),
    )
    db: Path | None = Field(
        default=None,
        description="The SQLite store: cache, run log, what worked per server "
        "(default: briefgen.db in the user's cache folder).",
    )
    cache: bool = Field(
        default=True,
        description="Reuse extractions of articles seen before with the same prompt, model "
        "and server; --no-cache asks the model again (and refreshes the cache).",
    )
    log_format: LogFormat = Field(
        default="text",
        description="Progress on stderr: 'text' (a bar on a terminal, timestamped lines "
        "elsewhere) or 'json' (one object per line, for log collectors).",
    )
    on_success: str | None = Field(
        default=None,
        description="Shell command run after a run that exits 0, with the run's facts in "
        "BRIEFGEN_RUN_* variables (docs/scheduling.md#hooks).",
        json_schema_extra=cli(hidden=True),
    )
    on_partial: str | None = Field(
        default=None,
        description="Shell command run after a run that exits 3 (a partial brief).",
        json_schema_extra=cli(hidden=True),
    )
    on_failure: str | None = Field(
        default=None,
        description="Shell command run after a run that fails (any exit but 0, 3 and 4).",
        json_schema_extra=cli(hidden=True),
    )
    hook_timeout: float = Field(
        default=60.0,
        gt=0,
        description="Seconds a hook may take; then it is killed (its failure never changes "
        "the run's exit code).",
        json_schema_extra=cli(hidden=True),
    )

    claim_check: bool = Field(
        default=False,
        description="After extraction, ask the model whether near-miss claims (same side, "
        "compatible counterpart, some shared words) state the same claim; the answers are "
        "cached and quoted in the JSON brief.",
    )
    batch: bool = Field(
        default=False,
        description="Send the articles that are not cached as Batch API jobs (half the price; "
        "answers within the provider's 24 h window) and collect them; see docs/batch.md.",
    )
    batch_wait: float | None = Field(
        default=None,
        ge=0,
        description="Seconds to wait for submitted batches; if they have not finished by then, "
        "exit 4 and write nothing (0: right after submitting); the next run collects them. "
        "Default: wait until they end.",
    )
    batch_only: bool = Field(
        default=False,
        description="With --batch, an article whose batch answer is unusable fails instead of "
        "being asked again live.",
    )
    batch_poll: float = Field(
        default=10.0,
        gt=0,
        description="Seconds before a batch's first status check; each wait after is 1.5 times "
        "longer, at most 60 s.",
    )
    batch_max_requests: int = Field(
        default=50_000,
        ge=1,
        le=50_000,
        description="Requests per batch at most; more articles are split into several batches.",
    )
    batch_max_bytes: int = Field(
        default=200_000_000,
        ge=10_000,
        le=200_000_000,
        description="Bytes per batch input file at most (the provider's limit is 200 MB).",
    )
    replay: Path | None = Field(
        default=None, description="Answer from recordings in this folder: no network, no key."
    )
    record: Path | None = Field(
        default=None, description="Save every exchange with the server in this folder."
    )

    @field_validator("api_key")
    @classmethod
    def _remember_key(cls, value: SecretStr | None) -> SecretStr | None:
        # Whatever its shape, the key is redacted wherever it would be written (redact.py).
        if value is not None:
            redact.remember(value.get_secret_value())
        return value

    @field_validator("base_url")
    @classmethod
    def _remember_userinfo(cls, value: str | None) -> str | None:
        redact.remember_url(value)  # http://user:password@host/v1: the password is a secret
        return value

    @field_validator("archive", mode="before")
    @classmethod
    def _one_or_more(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("archive")
    @classmethod
    def _archive_names(cls, value: list[str]) -> list[str]:
        for template in value:
            check_archive(template)
        return value

    @property
    def db_path(self) -> Path:
        return self.db if self.db is not None else default_db()

    @property
    def job_name(self) -> str:
        """The job's name as runs keep it: `name`, else 'default'."""
        return self.name or DEFAULT_JOB


# The fields of an `archive` file name, with what a check fills them with.
ARCHIVE_FIELDS = {"date": "2026-01-31", "time": "235959", "run": 1, "job": "default"}
ARCHIVE_SUFFIXES = (".md", ".json", ".html")


def check_archive(template: str) -> None:
    """A ValueError naming what is wrong with an `archive` file name, if anything."""
    if Path(template).suffix.lower() not in ARCHIVE_SUFFIXES:
        raise ValueError(f"{template!r}: an archive file name ends .md, .json or .html")
    known = ", ".join(f"{{{name}}}" for name in ARCHIVE_FIELDS)
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
        unknown = [name for name in names if name not in ARCHIVE_FIELDS]
        if unknown:
            raise ValueError(f"{template!r}: unknown field {{{unknown[0]}}} (known: {known})")
        template.format(**ARCHIVE_FIELDS)
    except (ValueError, IndexError) as exc:
        if str(exc).startswith(repr(template)):
            raise
        raise ValueError(
            f"{template!r}: not a file name template ({exc}; fields: {known})"
        ) from None


def default_db() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("briefgen", appauthor=False)) / "briefgen.db"


PATH_FIELDS = frozenset({"out", "json_out", "html", "since", "db", "replay", "record"})


@dataclass
class Loaded:
    settings: Settings
    origins: dict[str, str] = field(default_factory=dict)  # field -> where its value came from
    config_file: Path | None = None


def find_config(cwd: Path) -> tuple[Path, tuple[str, ...]] | None:
    """briefgen.toml in `cwd`, else a pyproject.toml there with a [tool.briefgen] table."""
    own = cwd / CONFIG_FILE
    if own.is_file():
        return own, ()
    pyproject = cwd / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return None  # somebody else's file: not ours to complain about
        if isinstance(data.get("tool"), dict) and "briefgen" in data["tool"]:
            return pyproject, ("tool", "briefgen")
    return None


def read_config(path: Path, table: tuple[str, ...] = ()) -> dict[str, Any]:
    """The file's settings, keys checked, relative paths made relative to the file's folder."""
    try:
        data: Any = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read it ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    for key in table:
        data = data.get(key, {})
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: [{'.'.join(table)}] is not a table")
    values: dict[str, Any] = {}
    known = Settings.model_fields
    for key, value in data.items():
        name = FILE_ALIASES.get(key, key.replace("-", "_"))
        if name not in known:
            near = difflib.get_close_matches(name, [*known, *FILE_ALIASES], n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise ConfigError(f"{path}: unknown key {key!r}{hint}")
        values[name] = _relative_to(path.parent, name, value)
    return values


def _relative_to(folder: Path, name: str, value: Any) -> Any:
    """Paths in a config file mean the same wherever the job starts from."""

    def fix(item: Any) -> Any:
        if not isinstance(item, str) or item == "-" or "://" in item:
            return item
        expanded = Path(item).expanduser()
        return str(expanded if expanded.is_absolute() else folder / expanded)

    if name in PATH_FIELDS:
        return fix(value)
    if name == "archive" and isinstance(value, str):
        return fix(value)
    if name in ("sources", "archive") and isinstance(value, list):
        return [fix(item) for item in value]
    return value


def env_values(environ: Mapping[str, str] | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """Settings given by the environment, and the variable each came from."""
    from pydantic_settings import EnvSettingsSource
    from pydantic_settings.exceptions import SettingsError

    environ = os.environ if environ is None else environ
    source = EnvSettingsSource(
        Settings,  # type: ignore[arg-type]  # it reads any pydantic model's fields; typed for BaseSettings
        env_prefix=ENV_PREFIX,
        case_sensitive=False,
    )
    # BRIEFGEN_MODEL= (set but empty) means not set, as in a systemd EnvironmentFile.
    source.env_vars = {k.lower(): v for k, v in environ.items() if v != ""}
    # BRIEFGEN_ARCHIVE may be one file name as well as a JSON list of them.
    one = source.env_vars.get(f"{ENV_PREFIX}archive".lower())
    if one is not None and not one.lstrip().startswith("["):
        source.env_vars[f"{ENV_PREFIX}archive".lower()] = json.dumps([one])
    try:
        values = source()
    except SettingsError as exc:
        # pydantic-settings names the field; name the variable, as the file's key is named.
        bad = next((n for n in Settings.model_fields if f'"{n}"' in str(exc)), None)
        where = f"env {ENV_PREFIX}{bad.upper()}" if bad else "environment"
        cause = exc.__cause__
        problem = f"not valid JSON ({cause})" if isinstance(cause, ValueError) else str(exc)
        raise ConfigError(f"{where}: {problem}") from None
    origins = {name: f"env {ENV_PREFIX}{name.upper()}" for name in values}
    known = {f"{ENV_PREFIX}{name.upper()}" for name in Settings.model_fields}
    for variable in environ:
        name = variable.upper()
        if name.startswith(RUN_PREFIX):  # a hook's facts, in a briefgen run by a hook
            continue
        if name.startswith(ENV_PREFIX) and name not in known | OTHER_VARIABLES:
            near = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f" (did you mean {near[0]}?)" if near else ""
            raise ConfigError(f"env {variable}: not a briefgen setting{hint}")
    for name, variable in OPENAI_ENV.items():
        if name not in values and environ.get(variable):
            values[name] = environ[variable]
            origins[name] = f"env {variable}"
    return values, origins


def load_settings(
    options: Mapping[str, Any] | None = None,
    config: Path | None = None,
    *,
    cwd: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Loaded:
    """Settings from the command line (`options`, None meaning not given), the environment,
    the config file (`config`, or the one found in `cwd`) and the defaults."""
    layers: list[tuple[dict[str, Any], dict[str, str]]] = []
    found: tuple[Path, tuple[str, ...]] | None
    if config is not None:  # an explicit pyproject.toml means its [tool.briefgen] table
        found = (config, ("tool", "briefgen") if config.name == "pyproject.toml" else ())
    else:
        found = find_config(cwd or Path.cwd())
    config_file = None
    if found is not None:
        config_file = found[0]
        file_values = read_config(*found)
        layers.append((file_values, dict.fromkeys(file_values, str(config_file))))
    layers.append(env_values(environ))
    given = {k: v for k, v in (options or {}).items() if v is not None}
    layers.append((given, {k: "command line" for k in given}))

    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for layer_values, layer_origins in layers:
        values.update(layer_values)
        origins.update(layer_origins)
    if "name" not in values and config_file is not None and config_file.resolve().parent.name:
        values["name"] = config_file.resolve().parent.name  # the job is its folder
        origins["name"] = f"folder of {config_file}"
    try:
        settings = Settings.model_validate(values)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]) if error["loc"] else ""
        where = origins.get(name, "settings")
        detail = ".".join(str(p) for p in error["loc"])
        if where == "command line":
            where, detail = f"--{name.replace('_', '-')}", ""
        raise ConfigError(f"{where}: {detail + ': ' if detail else ''}{error['msg']}") from None
    return Loaded(settings, origins, config_file)


def describe(loaded: Loaded) -> list[tuple[str, str, str]]:
    """(field, effective value, origin) for every setting; the key masked."""
    rows = []
    settings = loaded.settings
    for name in Settings.model_fields:
        value = getattr(settings, name)
        origin = loaded.origins.get(name, "default")
        if name == "api_key":
            shown = _mask(value.get_secret_value()) if value is not None else "(none)"
        elif name == "db" and value is None:
            shown = str(settings.db_path)
        elif name == "name" and value is None:
            shown = settings.job_name
        elif value is None:
            shown = "(none)"
        elif isinstance(value, list):
            shown = ", ".join(map(str, value)) or "(none)"
        elif isinstance(value, dict):  # prices
            shown = (
                ", ".join(f"{k}: {v.input:g}/{v.output:g} USD per M" for k, v in value.items())
                or "(none)"
            )
        else:
            shown = str(value)
        rows.append((name, redact.scrub(shown), redact.scrub(origin)))
    return rows


def _mask(key: str) -> str:
    return f"{key[:3]}…{key[-4:]}" if len(key) > 12 else "****"
