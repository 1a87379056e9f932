"""The few errors briefgen raises on purpose, and the exit codes runs end with. Each error
carries a one-line message for the user."""

from __future__ import annotations

from enum import IntEnum

from pydantic import ValidationError

from briefgen.redact import scrub


class ExitCode(IntEnum):
    """The command's exit codes (docs/cli.md), which the run log also keeps for each run."""

    OK = 0  # the brief was written; every article was used
    NOTHING = 1  # nothing produced: every article failed, the model server cannot be reached,
    # or --strict met a source it cannot read
    USAGE = 2  # usage, input or configuration error, or the model server refused the run
    PARTIAL = 3  # some articles failed; the brief names them
    BATCH_PENDING = 4  # batches submitted and not yet finished; the next run collects them
    BUSY = 75  # EX_TEMPFAIL: another run is writing the same output (BusyError); retry later
    INTERRUPTED = 130  # Ctrl-C or SIGTERM


def validation_summary(exc: ValidationError, limit: int = 1) -> str:
    """'field.path: message' for the first `limit` problems, joined with '; '."""
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or 'top level'}: {err['msg']}"
        for err in exc.errors()[:limit]
    )


class BriefgenError(Exception):
    """Base class: str(error) is a complete one-line message, fit for stderr as it is, with
    any secret in it redacted (redact.py), wherever the message goes next."""

    def __str__(self) -> str:
        return scrub(super().__str__())


class ConfigError(BriefgenError, ValueError):
    """A bad config file, environment variable or option (exit 2); names where it came from."""


class InputError(BriefgenError):
    """A source cannot be read or holds no text (exit 2)."""


class ModelSetupError(BriefgenError):
    """The model server refuses the whole run: bad key, no such model, no access (exit 2).

    Retrying cannot help and every article would fail the same way, so the run stops at once.
    """


class ReplayMissError(BriefgenError):
    """Replay has no recorded answer for a request (exit 2): the prompt or input changed."""


class ArticleError(BriefgenError):
    """One article could not be extracted; the others go on and the brief lists it."""


class ServerTrouble(ArticleError):
    """The article failed for the server's or the network's sake (no connection, timeouts,
    HTTP 5xx or 429 after the retries), not its own: the brief may show its last good
    extraction, marked stale."""


class NothingProduced(BriefgenError):
    """No article could be extracted, so there is no brief (exit 1). `brief` holds the sources
    and why each failed; nothing was written."""

    def __init__(self, message: str, brief: object | None = None):
        super().__init__(message)
        self.brief = brief


class StrictFailure(NothingProduced):
    """With `strict`, a source could not be read (exit 1): no model call was made and nothing
    was written. Not a configuration error: the file or the URL may read fine next time."""


class ServerUnreachable(ServerTrouble):
    """The model server cannot be reached at all (connection refused, no such host) once an
    article's transport retries ran out: that article fails, and no new call starts in this
    run, so the articles left fail at once with the same cause, their reasons beginning with
    `NOT_ASKED` (no call made) or `STOPPED` (a call made before the server was found down).
    Server trouble: an article seen before stands in with its last good extraction."""

    NOT_ASKED = "not asked: "
    STOPPED = "stopped: "


class BusyError(BriefgenError):
    """Another briefgen run is writing the same output file (exit 75, EX_TEMPFAIL); nothing was
    done. The run log records the refused run."""


class BatchPending(BriefgenError):
    """Articles were sent as a Batch API job that has not finished within `batch_wait` (exit 4).
    Nothing was written; the next run with the same articles collects the job instead of
    submitting it again. `batches` names the provider's batch ids."""

    def __init__(self, message: str, batches: list[str] | None = None):
        super().__init__(message)
        self.batches = batches or []


class BatchError(BriefgenError):
    """The provider refused a batch request (upload, create, status, download): exit 2."""


class BatchGone(BatchError):
    """The server no longer knows a batch or its file (HTTP 404)."""


class StoreError(BriefgenError):
    """The store's file cannot be read or written (exit 2): its pages are damaged, it is not a
    SQLite file, or its disk is full. The message names the file and what to do about it.
    `kind` is "damaged", "full" or "unusable" (another I/O error)."""

    def __init__(self, message: str, path: object = None, kind: str = "unusable"):
        super().__init__(message)
        self.path = path
        self.kind = kind


class StoreNotUpdated(StoreError):
    """The run made its brief and wrote its outputs, but the store could not be written on the
    way (a full disk, damaged pages): some of the run's answers are not cached, and its row in
    the run log may be incomplete (exit 2). `brief` is the brief that was delivered."""

    def __init__(
        self, message: str, path: object = None, kind: str = "unusable", brief: object = None
    ):
        super().__init__(message, path, kind)
        self.brief = brief


class OutputsNotWritten(NothingProduced):
    """The brief was made, but its files could not all be written (a full disk, an I/O
    error): none of them was replaced, the previous set is as it was, and no staged file is
    left behind (exit 1). `brief` is the brief that was not delivered; the run's answers are
    in the cache, so the rerun costs no model call."""
