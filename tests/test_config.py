"""Settings: defaults < config file < environment < command line, and where each value came from;
one-line errors naming the file and key, the variable or the option; the generated CLI options."""

from __future__ import annotations

import json
import types
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import annotated_types
import click
import pytest
from pydantic import SecretStr

from briefgen.cli import main
from briefgen.config import (
    DEFAULT_MODEL,
    ConfigError,
    Settings,
    StructuredOutput,
    describe,
    load_settings,
)

from conftest import TEST_KEY, invoke

# every other field is a `briefgen make` option; hooks are the config file's and the environment's
NO_OPTION = {
    "sources",
    "api_key",
    "on_success",
    "on_partial",
    "on_failure",
    "hook_timeout",
    "prices",
    "archive",
}


def write(folder: Path, text: str, name: str = "briefgen.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path: Path, options: dict[str, Any] | None = None, **environ: str):
    """Settings as the CLI would load them in `tmp_path`, with exactly this environment."""
    return load_settings(options, cwd=tmp_path, environ=environ)


def one_line_error(tmp_path: Path, **environ: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, **environ)
    message = str(caught.value)
    assert "\n" not in message
    return message


# --- precedence and origins ------------------------------------------------------------------


def test_defaults_when_nothing_is_given(tmp_path):
    loaded = load(tmp_path)
    assert loaded.settings.concurrency == 4
    assert loaded.settings.model == DEFAULT_MODEL
    assert loaded.origins == {}
    assert loaded.config_file is None


def test_file_beats_default_env_beats_file_command_line_beats_env(tmp_path):
    path = write(tmp_path, 'concurrency = 7\nmodel = "file-model"\nretries = 5\n')

    loaded = load(tmp_path)
    assert (loaded.settings.concurrency, loaded.settings.model) == (7, "file-model")
    assert loaded.origins["concurrency"] == loaded.origins["model"] == str(path)
    assert loaded.config_file == path

    env = {"BRIEFGEN_CONCURRENCY": "9", "BRIEFGEN_MODEL": "env-model"}
    loaded = load(tmp_path, **env)
    assert (loaded.settings.concurrency, loaded.settings.model) == (9, "env-model")
    assert loaded.origins["concurrency"] == "env BRIEFGEN_CONCURRENCY"
    assert loaded.origins["model"] == "env BRIEFGEN_MODEL"
    assert loaded.settings.retries == 5  # what only the file gives still comes from the file
    assert loaded.origins["retries"] == str(path)

    loaded = load(tmp_path, {"concurrency": 11, "model": "cli-model", "timeout": None}, **env)
    assert (loaded.settings.concurrency, loaded.settings.model) == (11, "cli-model")
    assert loaded.origins["concurrency"] == loaded.origins["model"] == "command line"
    # None on the command line means "not given": the default stays, and says so.
    assert loaded.settings.timeout == 120.0
    assert "timeout" not in loaded.origins
    assert dict((n, o) for n, _, o in describe(loaded))["timeout"] == "default"


def test_openai_variables_are_fallbacks_for_key_and_base_url(tmp_path):
    loaded = load(tmp_path, OPENAI_API_KEY="sk-openai", OPENAI_BASE_URL="http://o.example/v1")
    assert loaded.settings.api_key == SecretStr("sk-openai")
    assert loaded.settings.base_url == "http://o.example/v1"
    assert loaded.origins["api_key"] == "env OPENAI_API_KEY"
    assert loaded.origins["base_url"] == "env OPENAI_BASE_URL"

    loaded = load(
        tmp_path,
        OPENAI_API_KEY="sk-openai",
        OPENAI_BASE_URL="http://o.example/v1",
        BRIEFGEN_API_KEY="sk-briefgen",
        BRIEFGEN_BASE_URL="http://b.example/v1",
    )
    assert loaded.settings.api_key is not None
    assert loaded.settings.api_key.get_secret_value() == "sk-briefgen"
    assert loaded.settings.base_url == "http://b.example/v1"
    assert loaded.origins["api_key"] == "env BRIEFGEN_API_KEY"
    assert loaded.origins["base_url"] == "env BRIEFGEN_BASE_URL"


def test_env_openai_base_url_beats_the_file(tmp_path):
    write(tmp_path, 'base_url = "http://file.example/v1"\n')
    assert load(tmp_path).settings.base_url == "http://file.example/v1"
    loaded = load(tmp_path, OPENAI_BASE_URL="http://env.example/v1")
    assert loaded.settings.base_url == "http://env.example/v1"
    assert loaded.origins["base_url"] == "env OPENAI_BASE_URL"


# --- finding the file ------------------------------------------------------------------------


def test_briefgen_toml_is_found_in_cwd_before_pyproject(tmp_path):
    write(tmp_path, '[tool.briefgen]\nmodel = "from-pyproject"\n', "pyproject.toml")
    own = write(tmp_path, 'model = "from-briefgen-toml"\n')
    loaded = load(tmp_path)
    assert loaded.settings.model == "from-briefgen-toml"
    assert loaded.config_file == own


def test_tool_briefgen_table_in_pyproject_is_found(tmp_path):
    path = write(
        tmp_path,
        '[project]\nname = "x"\n\n[tool.briefgen]\nmodel = "from-pyproject"\nconcurrency = 2\n',
        "pyproject.toml",
    )
    loaded = load(tmp_path)
    assert (loaded.settings.model, loaded.settings.concurrency) == ("from-pyproject", 2)
    assert loaded.origins["model"] == str(path)
    assert loaded.config_file == path


@pytest.mark.parametrize(
    "text",
    ['[project]\nname = "x"\n\n[tool.ruff]\nline-length = 100\n', "this is [not toml"],
    ids=["no-table", "not-toml"],
)
def test_a_pyproject_without_the_table_is_ignored(tmp_path, text):
    write(tmp_path, text, "pyproject.toml")
    loaded = load(tmp_path)
    assert loaded.config_file is None
    assert loaded.settings == Settings()


def test_an_explicit_config_file_wins_over_the_one_in_cwd(tmp_path):
    write(tmp_path, 'model = "cwd-model"\n')
    other = tmp_path / "elsewhere"
    other.mkdir()
    explicit = write(other, 'model = "explicit-model"\n', "team.toml")
    loaded = load_settings({}, explicit, cwd=tmp_path, environ={})
    assert loaded.settings.model == "explicit-model"
    assert loaded.origins["model"] == str(explicit)
    assert loaded.config_file == explicit


def test_an_explicit_pyproject_means_its_tool_briefgen_table(tmp_path):
    path = write(
        tmp_path, '[project]\nname = "x"\n\n[tool.briefgen]\nmodel = "m"\n', "pyproject.toml"
    )
    loaded = load_settings({}, path, cwd=tmp_path / "nowhere", environ={})
    assert loaded.settings.model == "m"


def test_a_missing_explicit_config_file_is_an_error_naming_it(tmp_path):
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError) as caught:
        load_settings({}, missing, cwd=tmp_path, environ={})
    assert str(caught.value) == f"{missing}: no such config file"


# --- paths in the file -----------------------------------------------------------------------


def test_relative_paths_in_the_file_are_relative_to_its_folder(tmp_path):
    folder = tmp_path / "job"
    folder.mkdir()
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    absolute = tmp_path / "abs" / "brief.md"
    path = write(
        folder,
        "sources = ['articles/', 'more/*.txt', 'https://example.com/a.html', '-', "
        f"'{tmp_path / 'abs' / 'x.txt'}']\n"
        f"out = '{absolute}'\n"
        "json = 'out/brief.json'\n"
        "db = 'state/briefgen.db'\n"
        "replay = 'recordings'\n",
        "team.toml",
    )
    settings = load_settings({}, path, cwd=elsewhere, environ={}).settings
    assert settings.sources == [
        str(folder / "articles"),
        str(folder / "more" / "*.txt"),
        "https://example.com/a.html",
        "-",
        str(tmp_path / "abs" / "x.txt"),
    ]
    assert settings.out == absolute
    assert settings.json_out == folder / "out" / "brief.json"
    assert settings.db == folder / "state" / "briefgen.db"
    assert settings.replay == folder / "recordings"


def test_out_dash_is_left_alone(tmp_path):
    write(tmp_path, "out = '-'\n")
    assert load(tmp_path).settings.out == Path("-")


def test_paths_from_env_and_command_line_are_left_as_given(tmp_path):
    write(tmp_path, "out = 'from-file.md'\n")
    loaded = load(tmp_path, BRIEFGEN_OUT="rel/env.md")
    assert loaded.settings.out == Path("rel/env.md")
    loaded = load(tmp_path, {"out": Path("rel/cli.md")})
    assert loaded.settings.out == Path("rel/cli.md")


# --- bad values: one line, naming where ------------------------------------------------------


def test_invalid_toml_names_the_file(tmp_path):
    path = write(tmp_path, "concurrency = \n")
    message = one_line_error(tmp_path)
    assert message.startswith(f"{path}: not valid TOML (")
    assert "line 1" in message


def test_unknown_key_suggests_the_near_one(tmp_path):
    path = write(tmp_path, 'modle = "gpt-4o"\n')
    assert one_line_error(tmp_path) == f"{path}: unknown key 'modle' (did you mean 'model'?)"


def test_unknown_key_without_a_near_one_has_no_hint(tmp_path):
    path = write(tmp_path, "zzzzzz = 1\n")
    assert one_line_error(tmp_path) == f"{path}: unknown key 'zzzzzz'"


def test_dashed_keys_and_the_json_alias_are_accepted(tmp_path):
    write(tmp_path, "max-wait = 5\ngrounding-reask = false\njson = '/b.json'\n")
    settings = load(tmp_path).settings
    assert (settings.max_wait, settings.grounding_reask) == (5.0, False)
    assert settings.json_out == Path("/b.json")


def test_wrong_type_names_file_and_key(tmp_path):
    path = write(tmp_path, 'concurrency = "many"\n')
    message = one_line_error(tmp_path)
    assert message.startswith(f"{path}: concurrency: ")
    assert "valid integer" in message


def test_out_of_bounds_names_file_and_key(tmp_path):
    path = write(tmp_path, "concurrency = 0\n")
    message = one_line_error(tmp_path)
    assert message.startswith(f"{path}: concurrency: ")
    assert "greater than or equal to 1" in message


def test_a_bad_env_value_names_the_variable(tmp_path):
    write(tmp_path, "concurrency = 3\n")  # valid here; the bad value is the variable's
    message = one_line_error(tmp_path, BRIEFGEN_CONCURRENCY="500")
    assert message.startswith("env BRIEFGEN_CONCURRENCY: concurrency: ")
    assert "less than or equal to 256" in message


def test_a_bad_option_value_names_the_option(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, {"max_wait": -1})
    assert str(caught.value).startswith("--max-wait: ")


def test_sources_from_env_are_a_json_list(tmp_path):
    loaded = load(tmp_path, BRIEFGEN_SOURCES='["a.txt", "news/"]')
    assert loaded.settings.sources == ["a.txt", "news/"]
    assert loaded.origins["sources"] == "env BRIEFGEN_SOURCES"


def test_sources_from_env_not_json_names_the_variable(tmp_path):
    message = one_line_error(tmp_path, BRIEFGEN_SOURCES="news/")
    assert message.startswith("env BRIEFGEN_SOURCES: not valid JSON")


def test_env_variable_names_are_case_insensitive_and_booleans_parse(tmp_path):
    loaded = load(tmp_path, briefgen_cache="false", BRIEFGEN_GROUNDING_REASK="0")
    assert loaded.settings.cache is False
    assert loaded.settings.grounding_reask is False


# --- every field is wired: file and environment ----------------------------------------------


def _base(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        assert len(args) == 1, f"add a sample for {annotation}"
        return args[0]
    return annotation


def _in_bounds(info: Any, number: float) -> bool:
    for item in info.metadata:
        if isinstance(item, annotated_types.Ge) and not number >= item.ge:
            return False
        if isinstance(item, annotated_types.Gt) and not number > item.gt:
            return False
        if isinstance(item, annotated_types.Le) and not number <= item.le:
            return False
        if isinstance(item, annotated_types.Lt) and not number < item.lt:
            return False
    return True


def sample(name: str, tmp_path: Path) -> Any:
    """A valid value for the field, different from its default."""
    info = Settings.model_fields[name]
    kind = _base(info.annotation)
    default = info.default
    if get_origin(kind) is Literal:
        value: Any = next(a for a in get_args(kind) if a != default)
    elif kind is bool:
        value = not default
    elif kind in (int, float):
        start = 1 if default is None else default
        value = next(kind(start + step) for step in (1, 2, -1, 3) if _in_bounds(info, start + step))
    elif kind is Path:
        value = str(tmp_path / f"{name}-value")  # absolute: the file does not move it
    elif kind is SecretStr:
        value = f"sk-{name}-0123456789"
    elif kind is str:
        value = f"{name}-value"
    elif name == "archive":
        value = [str(tmp_path / "archive" / "{date}-{run}.md"), str(tmp_path / "{job}.json")]
    elif get_origin(kind) is list and get_args(kind) == (str,):
        value = [str(tmp_path / f"{name}-1"), "https://example.com/x"]
    elif name == "prices":
        value = {"my-model": {"input": 0.15, "output": 0.6}}
    else:
        raise AssertionError(f"field {name}: add a sample value for {kind}")
    assert value != default
    return value


def toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(toml(v) for v in value) + "]"
    if isinstance(value, dict):  # an inline table
        return "{ " + ", ".join(f"{json.dumps(k)} = {toml(v)}" for k, v in value.items()) + " }"
    return json.dumps(value)  # str, int, float: TOML spells them the same way


def env(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value)
    return str(value)


def arrived(settings: Settings, name: str) -> Any:
    value = getattr(settings, name)
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, Path):
        return str(value)
    if name == "prices":
        return {k: v.model_dump() for k, v in value.items()}
    return value


def test_every_field_is_reachable_from_the_file(tmp_path):
    values = {name: sample(name, tmp_path) for name in Settings.model_fields}
    path = write(tmp_path, "".join(f"{name} = {toml(v)}\n" for name, v in values.items()))
    loaded = load(tmp_path)
    for name, value in values.items():
        assert arrived(loaded.settings, name) == value, name
        assert loaded.origins[name] == str(path), name


def test_every_field_is_reachable_from_the_environment(tmp_path):
    values = {name: sample(name, tmp_path) for name in Settings.model_fields}
    environ = {f"BRIEFGEN_{name.upper()}": env(v) for name, v in values.items()}
    loaded = load(tmp_path, **environ)
    for name, value in values.items():
        assert arrived(loaded.settings, name) == value, name
        assert loaded.origins[name] == f"env BRIEFGEN_{name.upper()}", name


# --- the generated command-line options ------------------------------------------------------


def make_options() -> dict[str, click.Option]:
    command = main.commands["make"]
    return {p.name: p for p in command.params if isinstance(p, click.Option) and p.name}


def test_every_field_but_sources_and_key_is_a_make_option_with_its_description():
    options = make_options()
    for name, info in Settings.model_fields.items():
        if name in NO_OPTION:
            assert name not in options, name
            continue
        assert name in options, f"Settings.{name} has no `briefgen make` option"
        assert info.description
        assert (options[name].help or "").startswith(info.description), name
    flags = {flag for option in options.values() for flag in option.opts + option.secondary_opts}
    assert "--api-key" not in flags
    assert {"--json", "-o", "--no-cache", "--no-grounding-reask"} <= flags


def test_make_help_lists_the_options(runner):
    result = invoke(runner, "make", "--help")
    assert result.exit_code == 0
    for flag in ("--concurrency", "--max-tokens-total", "--log-format", "--json", "--db"):
        assert flag in result.output
    assert "--api-key" not in result.output


def test_option_bounds_come_from_the_fields():
    options = make_options()
    checked = set()
    for name, info in Settings.model_fields.items():
        kind = options[name].type if name in options else None
        if not isinstance(kind, click.IntRange | click.FloatRange):
            continue
        checked.add(name)
        for item in info.metadata:
            if isinstance(item, annotated_types.Ge):
                assert (kind.min, kind.min_open) == (item.ge, False), name
            elif isinstance(item, annotated_types.Gt):
                assert (kind.min, kind.min_open) == (item.gt, True), name
            elif isinstance(item, annotated_types.Le):
                assert (kind.max, kind.max_open) == (item.le, False), name
    assert checked >= {"concurrency", "timeout", "retries", "reasks", "deadline"}
    choices = options["structured_output"].type
    assert isinstance(choices, click.Choice)
    assert list(choices.choices) == list(get_args(StructuredOutput))


@pytest.mark.parametrize(
    "args",
    [
        ("--concurrency", "0"),
        ("--concurrency", "257"),
        ("--reasks", "6"),
        ("--timeout", "0"),
        ("--structured-output", "xml"),
    ],
)
def test_out_of_bounds_options_are_usage_errors(runner, tmp_path, args):
    article = tmp_path / "a.txt"
    article.write_text("text")
    result = invoke(runner, "make", article, *args)
    assert result.exit_code == 2
    assert f"Invalid value for '{args[0]}'" in result.stderr


# --- `briefgen config` -----------------------------------------------------------------------


def config_lines(output: str) -> dict[str, tuple[str, str]]:
    rows = {}
    for line in output.splitlines():
        if line.startswith("#"):
            continue
        name, rest = line.split(" = ", 1)
        value, origin = rest.rsplit("  (", 1)
        rows[name.strip()] = (value, origin.removesuffix(")"))
    return rows


def test_config_command_prints_every_setting_with_its_origin(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, 'model = "file-model"\nconcurrency = 2\ntitle = "T"\n')
    monkeypatch.setenv("BRIEFGEN_CONCURRENCY", "5")
    result = invoke(runner, "config", "--timeout", "9", "--no-cache")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == f"# config file: {path}"
    rows = config_lines(result.stdout)
    assert list(rows) == list(Settings.model_fields)
    assert rows["model"] == ("file-model", str(path))
    assert rows["title"] == ("T", str(path))
    assert rows["concurrency"] == ("5", "env BRIEFGEN_CONCURRENCY")
    assert rows["timeout"] == ("9.0", "command line")
    assert rows["cache"] == ("False", "command line")
    assert rows["retries"] == ("3", "default")
    assert rows["grounding_reask"] == ("True", "default")
    assert rows["db"][1] == "env BRIEFGEN_DB"  # conftest's store
    assert rows["api_key"][1] == "env OPENAI_API_KEY"


def test_config_command_masks_the_key(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke(runner, "config")
    assert result.exit_code == 0
    assert TEST_KEY not in result.output
    value, origin = config_lines(result.stdout)["api_key"]
    assert origin == "env OPENAI_API_KEY"
    assert value.startswith(TEST_KEY[:3]) and value.endswith(TEST_KEY[-4:])
    assert len(value) < len(TEST_KEY) - 8


def test_config_command_masks_a_short_key_entirely(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BRIEFGEN_API_KEY", "sk-short")
    result = invoke(runner, "config")
    assert "sk-short" not in result.output
    assert config_lines(result.stdout)["api_key"] == ("****", "env BRIEFGEN_API_KEY")


@pytest.mark.parametrize(
    "text, problem",
    [
        ('modle = "x"\n', "unknown key 'modle' (did you mean 'model'?)"),
        ("concurrency = 0\n", "concurrency: Input should be greater than or equal to 1"),
        ("concurrency = [\n", "not valid TOML ("),
    ],
)
def test_config_command_with_a_bad_file_exits_2_with_one_line(
    runner, tmp_path, monkeypatch, text, problem
):
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, text)
    result = invoke(runner, "config")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"briefgen: error: {path}: {problem}")
    assert "Traceback" not in result.output


def test_config_command_with_a_missing_explicit_file(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke(runner, "config", "--config", "missing.toml")
    assert result.exit_code == 2
    assert result.stderr == "briefgen: error: missing.toml: no such config file\n"


def test_an_unknown_briefgen_variable_is_an_error_with_a_hint(tmp_path):
    with pytest.raises(
        ConfigError,
        match=r"env BRIEFGEN_CONCURENCY: not a briefgen setting "
        r"\(did you mean BRIEFGEN_CONCURRENCY\?\)",
    ):
        load_settings(environ={"BRIEFGEN_CONCURENCY": "3"}, cwd=tmp_path)
    assert load_settings(environ={"BRIEFGEN_LIVE_BASE_URL": "x"}, cwd=tmp_path).settings
    # the tests' and scripts' own variable, which the developer docs tell to set
    assert load_settings(environ={"BRIEFGEN_CHROMIUM": "/usr/bin/chromium"}, cwd=tmp_path)


# --- the job's name, and the hooks' variables ------------------------------------------------


def test_the_job_is_named_by_the_setting_else_the_config_files_folder_else_default(tmp_path):
    job = tmp_path / "briefs"
    job.mkdir()
    write(job, 'model = "m"\n')
    loaded = load(job)
    assert loaded.settings.job_name == "briefs"
    assert loaded.origins["name"] == f"folder of {job / 'briefgen.toml'}"
    write(job, 'name = "morning"\n')
    assert load(job).settings.job_name == "morning"
    assert load(job, BRIEFGEN_NAME="evening").settings.job_name == "evening"
    assert load(tmp_path).settings.job_name == "default"  # no config file
    assert Settings().job_name == "default"
    write(job, 'name = ""\n')
    assert "name" in one_line_error(job)


def test_a_hooks_variables_are_no_settings_and_no_error(tmp_path):
    assert not [name for name in Settings.model_fields if name.startswith("run_")]
    environ = {"BRIEFGEN_RUN_ID": "4", "BRIEFGEN_RUN_STATUS": "ok", "BRIEFGEN_RUN_OUT": "x.md"}
    settings = load(tmp_path, **environ).settings
    assert settings.out is None
    assert "not a briefgen setting" in one_line_error(tmp_path, BRIEFGEN_RUNS="1")


def test_the_config_command_shows_the_jobs_name_and_its_hooks(runner, tmp_path, monkeypatch):
    job = tmp_path / "briefs"
    job.mkdir()
    write(job, "on_failure = 'echo \"$BRIEFGEN_RUN_ERROR\" | mail -s x ops'\n")
    monkeypatch.chdir(job)
    shown = invoke(runner, "config").stdout
    lines = [" ".join(line.split()) for line in shown.splitlines()]  # whatever the column width
    assert f"name = briefs (folder of {job / 'briefgen.toml'})" in lines
    assert any(
        line.startswith('on_failure = echo "$BRIEFGEN_RUN_ERROR" | mail -s x ops (')
        for line in lines
    )
