"""Model backends by name: the one door through which the pipeline gets a model client.

A backend is found through Python entry points, group `briefgen.backends`. The entry's name is
a value of the `backend` setting; the object it names (a module, a class or an instance) has

    server_url(settings) -> str
        the server the answers come from, as the cache key, the run log and the batch records
        name it; said without building a client, since a rerun that is all cache hits builds
        none (and must not import an SDK)
    client(settings, services) -> Client
        a client for one run; `services` carries what the run shares with it (where the
        structured-output mode is remembered, the run's limits, the shared rate gate)
    batches(client) -> BatchBackend             (optional)
        the Batch API of the server `client` talks to, for batch mode

briefgen's own backend is registered exactly as another package's would be, in pyproject.toml:

    [project.entry-points."briefgen.backends"]
    openai = "briefgen.model.openai"

Looking a backend up loads only the module its entry names: `briefgen.model.openai` imports
the SDK only inside `client`. Settings such as `replay` and `record` reach the backend, which
honours them as it can (the openai backend answers from recordings, or records, through its
HTTP transport).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import TYPE_CHECKING, Any, Protocol

from briefgen.config import Settings
from briefgen.errors import ConfigError, InputError
from briefgen.model.client import BatchBackend, Client
from briefgen.redact import scrub

if TYPE_CHECKING:
    from briefgen.model.ladder import ModeMemory
    from briefgen.model.limits import Budget, RateGate, RunLimits

GROUP = "briefgen.backends"


@dataclass(frozen=True)
class Services:
    """What a run shares with the client a backend builds for it."""

    modes: ModeMemory | None = None  # where a server's working mode is remembered (None: for
    # this client only)
    limits: RunLimits | None = None  # the run's deadline and token cap
    gate: RateGate | None = None  # new requests slowed after a 429


class Backend(Protocol):
    """What an entry point in `briefgen.backends` names (`batches` is optional)."""

    def server_url(self, settings: Settings) -> str: ...

    def client(self, settings: Settings, services: Services) -> Client: ...


def entries() -> dict[str, EntryPoint]:
    """Every installed backend's entry point, by name (the first one of a name wins)."""
    found: dict[str, EntryPoint] = {}
    for entry in entry_points(group=GROUP):
        found.setdefault(entry.name, entry)
    return found


def names() -> list[str]:
    return sorted(entries())


def backend(name: str) -> Backend:
    """The backend registered as `name`; a one-line ConfigError if there is none."""
    found = entries()
    entry = found.get(name)
    if entry is None:
        if not found:  # not even briefgen's own: run from a source tree never installed
            raise ConfigError(
                f"backend {name!r}: no backend is installed (briefgen's own are registered "
                "when it is installed: pip install -e .)"
            )
        raise ConfigError(f"backend {name!r}: no such backend (known: {', '.join(sorted(found))})")
    try:
        loaded: Any = entry.load()
    except Exception as exc:  # somebody else's package: say which, in one line
        raise ConfigError(
            f"backend {name!r} ({entry.value}) cannot be loaded: {type(exc).__name__}: {exc}"
        ) from None
    missing = [a for a in ("server_url", "client") if not callable(getattr(loaded, a, None))]
    if missing:
        raise ConfigError(f"backend {name!r} ({entry.value}) has no {' or '.join(missing)}")
    found_backend: Backend = loaded
    return found_backend


def server_url(settings: Settings) -> str:
    """The server the configured backend's answers come from, without building a client; with
    no credentials in it (redact.py): it is written into the store and the run log."""
    return scrub(str(backend(settings.backend).server_url(settings)))


def build_client(
    settings: Settings,
    modes: ModeMemory | None = None,
    budget: Budget | None = None,
    *,
    started: float | None = None,
) -> Client:
    """The configured backend's client, with the run's limits (and the day's money `budget`,
    if the job has one; the deadline counted from `started`, time.monotonic() when the run
    began, else from now) and a fresh rate gate."""
    from briefgen.model.limits import RateGate, RunLimits

    limits = RunLimits(settings.deadline, settings.max_tokens_total, budget=budget, started=started)
    services = Services(modes=modes, limits=limits, gate=RateGate())
    return backend(settings.backend).client(settings, services)


def batches(settings: Settings, client: Client) -> BatchBackend:
    """The Batch API of the server `client` talks to, as the configured backend gives it."""
    make = getattr(backend(settings.backend), "batches", None)
    if make is None:
        raise InputError(f"batch mode: the {settings.backend} backend has no Batch API")
    found: BatchBackend = make(client)
    return found
