"""Model backends by name: a backend from outside the package, registered by an entry point in
`briefgen.backends` exactly as another distribution would register it, runs a whole brief."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from importlib.metadata import EntryPoint, EntryPoints
from pathlib import Path

import pytest

from briefgen import make_brief
from briefgen.config import Settings
from briefgen.errors import ConfigError, InputError
from briefgen.model import registry
from briefgen.store import Store

from conftest import SAMPLE_TEXT, invoke, sample_extraction

TOY = '''
"""A toy model backend: every request is answered with one canned extraction."""

from pathlib import Path

from briefgen.model.client import Completion

ANSWER = {answer!r}
LOG = Path(__file__).with_name("toy.log")


def server_url(settings):
    return "toy://canned/" + settings.model


class ToyClient:
    def __init__(self, settings, services):
        self.model = settings.model
        self.base_url = server_url(settings)
        with LOG.open("a") as log:
            log.write(f"built modes={{type(services.modes).__name__}}\\n")

    async def complete(self, messages, schema, stats, *, max_tokens=None):
        stats.attempts += 1
        with LOG.open("a") as log:
            log.write("asked\\n")
        return Completion(ANSWER, "stop", model=self.model)

    async def aclose(self):
        pass


def client(settings, services):
    return ToyClient(settings, services)
'''


def toy_package(folder: Path, name: str = "briefgen_toy") -> Path:
    """`briefgen_toy.py` and its distribution's metadata, as `pip install` would leave them:
    a dist-info folder whose entry_points.txt names the module in `briefgen.backends`."""
    folder.mkdir(parents=True, exist_ok=True)
    answer = sample_extraction().model_dump_json()
    (folder / f"{name}.py").write_text(TOY.format(answer=answer), encoding="utf-8")
    info = folder / f"{name}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(f"[briefgen.backends]\ntoy = {name}\n", encoding="utf-8")
    return folder


def log_of(folder: Path) -> list[str]:
    path = folder / "toy.log"
    return path.read_text().splitlines() if path.exists() else []


@pytest.mark.slow
def test_a_backend_installed_by_another_package_runs_make_end_to_end(tmp_path):
    site = toy_package(tmp_path / "site")
    (tmp_path / "sample.txt").write_text(SAMPLE_TEXT, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEFGEN_", "OPENAI_"))}
    env["PYTHONPATH"] = str(site)
    db = tmp_path / "store.db"

    sample, out = tmp_path / "sample.txt", tmp_path / "brief.md"
    args = ["make", sample, "--backend", "toy", "--model", "m1", "--db", db, "-q", "--out", out]

    def make() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "briefgen", *map(str, args)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )

    done = make()
    assert done.returncode == 0, done.stderr
    assert log_of(site) == ["built modes=Modes", "asked"]  # no key, no SDK, no server
    brief = (tmp_path / "brief.md").read_text(encoding="utf-8")
    assert "Kim Jong Un" in brief and "Vladivostok" in brief
    [run] = Store(db).runs.latest()
    assert (run.status, run.model, run.base_url) == ("ok", "m1", "toy://canned/m1")

    # The cache is keyed on the server the backend names: a rerun asks nothing, builds nothing.
    again = make()
    assert again.returncode == 0, again.stderr
    assert log_of(site) == ["built modes=Modes", "asked"]


@pytest.fixture
def toy(tmp_path, monkeypatch) -> Path:
    """The toy backend registered for this process, beside the installed ones."""
    site = toy_package(tmp_path / "site", name="briefgen_toy_inproc")
    monkeypatch.syspath_prepend(str(site))
    real = registry.entry_points

    def with_toy(*, group: str) -> EntryPoints:
        toy = EntryPoint(name="toy", value="briefgen_toy_inproc", group=group)
        return EntryPoints([*real(group=group), toy])

    monkeypatch.setattr(registry, "entry_points", with_toy)
    return site


def test_make_brief_runs_through_a_registered_backend(toy, tmp_path):
    (tmp_path / "sample.txt").write_text(SAMPLE_TEXT, encoding="utf-8")
    settings = Settings(sources=[str(tmp_path / "sample.txt")], backend="toy", model="m2")
    brief = make_brief(None, settings)
    assert not brief.failures
    assert {a.name for a in brief.actors} >= {"Kim Jong Un", "Vladimir Putin"}
    assert log_of(toy) == ["built modes=Modes", "asked"]
    assert registry.names() == ["openai", "toy"]
    assert registry.server_url(settings) == "toy://canned/m2"


def test_batch_mode_with_a_backend_without_a_batch_api_is_an_input_error(toy, tmp_path):
    (tmp_path / "sample.txt").write_text(SAMPLE_TEXT, encoding="utf-8")
    settings = Settings(sources=[str(tmp_path / "sample.txt")], backend="toy", batch=True)
    with pytest.raises(InputError, match="the toy backend has no Batch API"):
        make_brief(None, settings)


def test_an_unknown_backend_is_one_line_naming_the_known_ones(tmp_path, runner):
    (tmp_path / "sample.txt").write_text(SAMPLE_TEXT, encoding="utf-8")
    settings = Settings(sources=[str(tmp_path / "sample.txt")], backend="nope")
    with pytest.raises(ConfigError) as caught:
        make_brief(None, settings)
    assert str(caught.value) == "backend 'nope': no such backend (known: openai)"
    assert (
        Store(Path(os.environ["BRIEFGEN_DB"])).runs.latest() == []
    )  # stopped before the run began

    result = invoke(runner, "make", tmp_path / "sample.txt", "--backend", "nope", "-q")
    assert result.exit_code == 2
    assert result.stderr == ("briefgen: error: backend 'nope': no such backend (known: openai)\n")


def test_a_backend_that_cannot_be_loaded_or_has_no_client_says_so(monkeypatch):
    broken = [
        EntryPoint(name="gone", value="briefgen_no_such_module", group=registry.GROUP),
        EntryPoint(name="bare", value="briefgen.config", group=registry.GROUP),
    ]
    monkeypatch.setattr(registry, "entry_points", lambda *, group: EntryPoints(broken))
    with pytest.raises(ConfigError, match=r"^backend 'gone' \(briefgen_no_such_module\) cannot"):
        registry.backend("gone")
    with pytest.raises(ConfigError, match=r"^backend 'bare' \(briefgen.config\) has no server_url"):
        registry.backend("bare")
    monkeypatch.setattr(registry, "entry_points", lambda *, group: EntryPoints([]))
    with pytest.raises(ConfigError, match="no backend is installed"):
        registry.backend("openai")


def test_the_openai_backend_is_registered_like_any_other_and_looked_up_without_the_sdk():
    code = textwrap.dedent(
        """
        import sys
        from briefgen.config import Settings
        from briefgen.model import registry
        entry = registry.entries()["openai"]
        url = registry.server_url(Settings(base_url="http://127.0.0.1:9/v1"))
        print(entry.value, url, "openai" in sys.modules, "httpx2" in sys.modules)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == [
        "briefgen.model.openai",
        "http://127.0.0.1:9/v1/",
        "False",
        "False",
    ]


def test_replay_names_the_recordings_as_the_server(tmp_path):
    assert registry.server_url(Settings(replay=tmp_path)) == f"replay:{tmp_path}"
