"""What monitoring reads from the run log: each run as a JSON record (`runs --json`), and a
job's health (`briefgen status`), healthy or not by rules a check can rely on.

A run *succeeded* when its status is `ok` or `partial` (exit 0 or 3; a partial one with a
warning). It *failed* when it is `nothing`, `error`, `interrupted` or `killed` (still marked
running, its process gone). Any other status (`running`, `pending` batches, a run `refused`
because another held the job) is neither: it does not end a streak of failures, nor count in
one.

A job is unhealthy, exit 1, when any of these holds, and healthy, exit 0, otherwise:

- the store holds no run of the job;
- no run of the job ever succeeded, or its last success ended longer than `max_age` ago;
- its last `failures` runs (or more) failed in a row, counted since the last success.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from briefgen.runlog import count, shown_status
from briefgen.store import ArticleRow, RunRow, Store

SUCCEEDED = ("ok", "partial")
FAILED_STORED = ("nothing", "error", "interrupted")  # `killed` is a `running` row, shown so
FAILED = (*FAILED_STORED, "killed")


def run_record(run: RunRow) -> dict[str, Any]:
    """One run as `runs --json` gives it: the same field names in every release."""
    return {
        "id": run.id,
        "job": run.job_name,
        "job_key": run.job,
        "status": shown_status(run),
        "exit_code": run.exit_code,
        "started": run.started,
        "ended": run.ended,
        "seconds": _seconds(run),
        "error": run.error,
        "model": run.model,
        "base_url": run.base_url,
        "prompt_version": run.prompt_version,
        "sources": run.inputs,
        "outputs": run.outputs,
        "articles": run.articles,
        "cached": run.cached,
        "failed": run.failed,
        "calls": run.calls,
        "reasks": run.reasks,
        "input_tokens": run.input_tokens,
        "output_tokens": run.output_tokens,
        "cost_usd": run.cost,
    }


def run_detail(run: RunRow, articles: list[ArticleRow]) -> dict[str, Any]:
    """`runs show ID --json`: the run's record, its settings (no key) and each article."""
    return {
        **run_record(run),
        "settings": run.config,
        "outcomes": [
            {
                "n": a.n,
                "id": a.article_id,
                "source": a.source,
                "title": a.title,
                "outcome": a.outcome,
                "reason": a.reason,
                "calls": a.calls,
                "reasks": a.reasks,
                "input_tokens": a.input_tokens,
                "output_tokens": a.output_tokens,
                "dropped": a.dropped,
                "content_hash": a.content_hash,
            }
            for a in articles
        ],
    }


def _seconds(run: RunRow) -> float | None:
    if run.ended is None:
        return None
    return (_time(run.ended) - _time(run.started)).total_seconds()


def _time(stamp: str) -> datetime:
    found = datetime.fromisoformat(stamp)
    return found if found.tzinfo is not None else found.replace(tzinfo=UTC)


@dataclass
class Health:
    """A job's health, as `status` prints it and `status --json` gives it."""

    job: str
    db: Path
    checked: datetime
    max_age: timedelta
    failures: int
    last_run: RunRow | None = None
    last_success: RunRow | None = None
    consecutive_failures: int = 0
    last_failure: RunRow | None = None
    reasons: list[str] = field(default_factory=list)
    warning: str | None = None
    # The last success's sources that could not be reached and stand as last read:
    # (id, source, reason).
    stale: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.reasons

    @property
    def last_success_age(self) -> timedelta | None:
        if self.last_success is None:
            return None
        return self.checked - _time(self.last_success.ended or self.last_success.started)

    @property
    def last_error(self) -> str | None:
        """What the job's newest failed run said; a killed run could say nothing."""
        run = self.last_failure
        if run is None:
            return None
        status = shown_status(run)
        if run.error:
            return run.error
        if status == "killed":
            return "killed: the process ended without closing its run"
        return status

    def headline(self) -> str:
        """The first line, what a check shows: healthy or not, and why."""
        if not self.healthy:
            return f"unhealthy: job {self.job}: " + "; ".join(self.reasons)
        age = self.last_success_age
        assert self.last_success is not None and age is not None
        line = (
            f"healthy: job {self.job}: last success run {self.last_success.id} ended "
            f"{ago(age)} ({self.last_success.status})"
        )
        return line + (f"; warning: {self.warning}" if self.warning else "")

    def lines(self) -> list[str]:
        def run_line(run: RunRow | None) -> str:
            if run is None:
                return "-"
            when = run.started[:16].replace("T", " ")
            code = f", exit {run.exit_code}" if run.exit_code is not None else ""
            return f"run {run.id}, started {when} UTC, {shown_status(run)}{code}"

        age = self.last_success_age
        success = run_line(self.last_success)
        if age is not None:
            success += f", ended {ago(age)} (max age {duration(self.max_age)})"
        failure = "-"
        if self.last_failure is not None:
            failure = f"run {self.last_failure.id}: {self.last_error}"
        return [
            self.headline(),
            f"  last run:             {run_line(self.last_run)}",
            f"  last success:         {success}",
            f"  consecutive failures: {self.consecutive_failures} (unhealthy at {self.failures})",
            f"  stale sources:        {self._stale_line()}",
            f"  last error:           {failure}",
        ]

    def _stale_line(self) -> str:
        if not self.stale:
            return "none"
        shown = "; ".join(f"{id_}: {reason}" for id_, _, reason in self.stale[:3])
        more = f"; and {len(self.stale) - 3} more" if len(self.stale) > 3 else ""
        return f"{len(self.stale)} shown as last read ({shown}{more})"

    def record(self) -> dict[str, Any]:
        age = self.last_success_age
        return {
            "job": self.job,
            "healthy": self.healthy,
            "reasons": self.reasons,
            "warning": self.warning,
            "checked": self.checked.isoformat(timespec="seconds"),
            "db": str(self.db),
            "max_age_seconds": self.max_age.total_seconds(),
            "failures_threshold": self.failures,
            "last_run": run_record(self.last_run) if self.last_run else None,
            "last_success": run_record(self.last_success) if self.last_success else None,
            "last_success_age_seconds": round(age.total_seconds()) if age is not None else None,
            "consecutive_failures": self.consecutive_failures,
            "last_failure": run_record(self.last_failure) if self.last_failure else None,
            "last_error": self.last_error,
            "stale_sources": [
                {"id": id_, "source": source, "reason": reason}
                for id_, source, reason in self.stale
            ],
        }


def check(
    store: Store,
    job: str,
    *,
    max_age: timedelta,
    failures: int = 1,
    now: datetime | None = None,
) -> Health:
    """The job's health from the store's run log (see the module's rules)."""
    runs = store.runs
    health = Health(job, store.path, now or datetime.now(UTC), max_age, failures)
    newest = runs.latest(1, job_name=job)
    if not newest:
        health.reasons.append(f"no runs in {store.path}")
        return health
    health.last_run = newest[0]
    found = runs.latest(1, job_name=job, statuses=SUCCEEDED)
    health.last_success = found[0] if found else None
    since = health.last_success.id if health.last_success else None
    # Rows still marked running whose process is gone were killed: failures too.
    killed = [
        run
        for run in runs.latest(1000, job_name=job, statuses=("running",), after=since)
        if shown_status(run) == "killed"
    ]
    health.consecutive_failures = runs.count(
        job_name=job, statuses=FAILED_STORED, after=since
    ) + len(killed)
    failed = runs.latest(1, job_name=job, statuses=FAILED_STORED)
    candidates = [*failed, *killed[:1]]
    health.last_failure = max(candidates, key=lambda run: run.id) if candidates else None

    age = health.last_success_age
    if health.last_success is None:
        health.reasons.append(f"no successful run ({runs.count(job_name=job)} runs)")
    elif age is not None and age > max_age:
        health.reasons.append(
            f"last success run {health.last_success.id} ended {ago(age)}, "
            f"longer than {duration(max_age)}"
        )
    if health.consecutive_failures >= failures:
        since_when = "since the last success" if health.last_success else "in a row"
        health.reasons.append(
            f"{count(health.consecutive_failures, 'failed run')} {since_when} "
            f"(last error: {health.last_error})"
        )
    success = health.last_success
    if success is not None:
        found_run = runs.by_id(success.id)
        articles = found_run[1] if found_run else []
        health.stale = [
            (a.article_id, a.source, a.reason or "") for a in articles if a.outcome == "stale"
        ]
    if success is not None and success.status == "partial":
        health.warning = (
            f"run {success.id} was partial: {success.failed} of "
            f"{count(success.articles, 'article')} failed"
        )
    return health


def ago(age: timedelta) -> str:
    """'42 min ago', '3.2 h ago', '2.0 days ago'."""
    seconds = max(age.total_seconds(), 0)
    if seconds < 3600:
        return f"{seconds / 60:.0f} min ago"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h ago"
    return f"{seconds / 86400:.1f} days ago"


def duration(span: timedelta) -> str:
    """'26h', '3d', '90m', as `--max-age` takes it."""
    seconds = int(span.total_seconds())
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
