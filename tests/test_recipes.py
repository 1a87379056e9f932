"""The documented recipes, run as written: the crontab line of docs/scheduling.md under `sh -c`
(what cron does with a line), with an environment file, a stand-in briefgen and `mail`; its hook
examples with stand-in `mail` and `curl`; its monitoring cron line with the real
`briefgen status`."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from briefgen.store import Store

from conftest import SAMPLE_TEXT, article_id, invoke, sample_extraction
from fakeserver import Reply, chat_completion

DOCS = Path(__file__).resolve().parents[1] / "docs"


def cron_line() -> str:
    """The crontab line of scheduling.md that runs `briefgen make`, without its schedule."""
    text = (DOCS / "scheduling.md").read_text()
    for block in re.findall(r"```cron\n(.*?)```", text, re.S):
        for line in block.splitlines():
            if "briefgen make" in line and not line.startswith("#"):
                assert not line.rstrip().endswith("\\"), "cron has no line continuation"
                fields = line.split(None, 5)
                return fields[5]
    raise AssertionError("no crontab line runs briefgen make")


def executable(path: Path, body: str) -> None:
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


@pytest.mark.parametrize("code", [0, 3])
def test_the_crontab_line_exports_the_key_and_mails_a_failure(tmp_path, code):
    job, bin_dir, seen = tmp_path / "srv-briefs", tmp_path / "bin", tmp_path / "seen"
    job.mkdir()
    bin_dir.mkdir()
    env_file = tmp_path / "env"
    env_file.write_text("OPENAI_API_KEY=sk-test-1234\n")
    # briefgen's stand-in: what it was run with, and the key its environment holds
    briefgen = bin_dir / "briefgen"
    executable(briefgen, f'echo "$PWD $* key=$OPENAI_API_KEY" > {seen}/run; exit {code}')
    executable(bin_dir / "mail", f'cat > {seen}/mail; echo "$*" >> {seen}/mail')
    seen.mkdir()
    line = (
        cron_line()
        .replace("/srv/briefgen/.venv/bin/briefgen", str(briefgen))
        .replace("/srv/briefs", str(job))
        .replace("/etc/briefgen/env", str(env_file))
        .replace("/var/log/briefgen.log", str(tmp_path / "briefgen.log"))
    )
    # cron's environment: a bare PATH, no key, sh as the shell
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path), "SHELL": "/bin/sh"}
    subprocess.run(["/bin/sh", "-c", line], env=env, check=False, timeout=30)
    assert (seen / "run").read_text().split() == [str(job), "make", "key=sk-test-1234"]
    if code:
        assert (seen / "mail").read_text().splitlines() == [
            f"briefgen exit {code}",
            "-s briefgen ops@example.org",
        ]
    else:
        assert not (seen / "mail").exists()


def readme_library_example() -> str:
    text = (DOCS.parent / "README.md").read_text()
    blocks = [b for b in re.findall(r"```python\n(.*?)```", text, re.S) if "make_brief" in b]
    assert len(blocks) == 1
    return blocks[0]


def test_the_readme_library_example_fails_in_one_line_without_a_key(tmp_path):
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.txt").write_text("Putin met Trump in Alaska on Friday.\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "BRIEFGEN_"))}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    done = subprocess.run(
        [sys.executable, "-c", readme_library_example()],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().startswith("briefgen: ") and len(done.stderr.splitlines()) == 1
    assert "key" in done.stderr


# --- the hooks and the monitoring line of scheduling.md, run as written ----------------------


def hook_examples() -> list[str]:
    """The ```toml blocks of scheduling.md that set hooks, as written."""
    text = (DOCS / "scheduling.md").read_text()
    return [b for b in re.findall(r"```toml\n(.*?)```", text, re.S) if "\non_failure = " in b]


def hook_job(tmp_path, monkeypatch, server_url: str, example: str) -> tuple[Path, Path]:
    """A job folder with the example as its hooks, stand-in `mail` and `curl` on PATH that keep
    their arguments and stdin, and the cwd elsewhere."""
    job, bin_dir, seen = tmp_path / "srv-briefs", tmp_path / "bin", tmp_path / "seen"
    (job / "inbox").mkdir(parents=True)
    bin_dir.mkdir()
    seen.mkdir()
    (job / "inbox" / "one.txt").write_text("Kim to meet Putin\n" + SAMPLE_TEXT)
    (job / "inbox" / "two.txt").write_text("Second report\n" + SAMPLE_TEXT)
    (job / "briefgen.toml").write_text(
        f'sources = ["inbox/"]\nout = "out/brief.md"\nbase_url = "{server_url}"\n' + example
    )
    (job / "out").mkdir()
    for tool in ("mail", "curl"):
        executable(
            bin_dir / tool,
            f'for a in "$@"; do echo "$a"; done > {seen}/{tool}.args; cat > {seen}/{tool}.stdin',
        )
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    monkeypatch.setenv("WEBHOOK_URL", "https://chat.example.org/hooks/T0/B0/secret")
    monkeypatch.chdir(tmp_path)
    return job, seen


def test_the_mail_hooks_run_as_written(runner, server, tmp_path, monkeypatch):
    (mail,) = [example for example in hook_examples() if "mail" in example]
    job, seen = hook_job(tmp_path, monkeypatch, server.url, mail)

    def refuse_two(body):
        if article_id(body) == "two":
            return Reply(body=chat_completion(None, refusal="I will not."))
        return Reply(body=chat_completion(sample_extraction().model_dump_json()))

    server.default = refuse_two
    config = job / "briefgen.toml"
    assert invoke(runner, "make", "--config", config, "-q").exit_code == 3
    assert (seen / "mail.args").read_text().splitlines() == [
        "-s",
        "briefgen srv-briefs: partial brief, 1 failed",
        "ops@example.org",
    ]
    assert (seen / "mail.stdin").read_text() == (job / "out" / "brief.md").read_text()

    server.default = Reply(body=chat_completion("not json at all"))
    assert invoke(runner, "make", "--config", config, "-q", "--no-cache").exit_code == 1
    assert (seen / "mail.args").read_text().splitlines() == [
        "-s",
        "briefgen srv-briefs failed (exit 1)",
        "ops@example.org",
    ]
    assert (seen / "mail.stdin").read_text() == (
        "briefgen srv-briefs: run 2 nothing (exit 1): 2 articles, 2 failed, 4 calls; "
        "no article could be extracted (2 failed); nothing was written\n"
    )


def test_the_webhook_hook_runs_as_written(runner, server, tmp_path, monkeypatch):
    (webhook,) = [example for example in hook_examples() if "curl" in example]
    job, seen = hook_job(tmp_path, monkeypatch, server.url, webhook)
    server.default = Reply(body=chat_completion("not json at all"))
    result = invoke(runner, "make", "--config", job / "briefgen.toml", "-q")
    assert result.exit_code == 1
    args = (seen / "curl.args").read_text().splitlines()
    assert args[-1] == "https://chat.example.org/hooks/T0/B0/secret"
    assert args[:6] == ["-fsS", "-m", "10", "-H", "Content-Type: application/json", "-d"]
    posted = json.loads(args[6])
    assert posted["text"].startswith("briefgen srv-briefs: run 1 nothing (exit 1): 2 articles")
    assert (posted["id"], posted["status"], posted["exit_code"]) == (1, "nothing", 1)
    assert posted["error"] == "no article could be extracted (2 failed); nothing was written"


def status_cron_line() -> str:
    text = (DOCS / "scheduling.md").read_text()
    for block in re.findall(r"```cron\n(.*?)```", text, re.S):
        for line in block.splitlines():
            if "briefgen status" in line and not line.startswith("#"):
                return line.split(None, 5)[5]
    raise AssertionError("no crontab line runs briefgen status")


def test_the_status_cron_line_mails_an_unhealthy_job_and_not_a_healthy_one(tmp_path):
    job, bin_dir, seen = tmp_path / "srv-briefs", tmp_path / "bin", tmp_path / "seen"
    for folder in (job, bin_dir, seen):
        folder.mkdir()
    db = tmp_path / "state" / "briefgen.db"
    (job / "briefgen.toml").write_text(f'sources = ["inbox/"]\ndb = "{db}"\n')
    executable(bin_dir / "mail", f'cat > {seen}/mail; echo "$*" >> {seen}/mail')
    briefgen = Path(sys.executable).parent / "briefgen"
    line = (
        status_cron_line()
        .replace("/srv/briefgen/.venv/bin/briefgen", str(briefgen))
        .replace("/srv/briefs", str(job))
        .replace("/tmp/briefgen-status", str(tmp_path / "briefgen-status"))
    )
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path), "SHELL": "/bin/sh"}
    subprocess.run(["/bin/sh", "-c", line], env=env, check=False, timeout=60)
    assert (seen / "mail").read_text().splitlines() == [
        f"unhealthy: job srv-briefs: no runs in {db}",
        "-s briefgen unhealthy ops@example.org",
    ]
    (seen / "mail").unlink()
    store = Store(db)
    run = store.runs.start("k", {}, [], "m", "u", "p", name="srv-briefs")
    store.runs.finish(run, status="ok", exit_code=0, totals={})
    subprocess.run(["/bin/sh", "-c", line], env=env, check=False, timeout=60)
    assert not (seen / "mail").exists()
    assert (tmp_path / "briefgen-status").read_text().startswith("healthy: job srv-briefs: ")


def wrapper_script() -> str:
    """scheduling.md's monitoring wrapper, /srv/briefs/run.sh."""
    text = (DOCS / "scheduling.md").read_text()
    (script,) = [b for b in re.findall(r"```sh\n(.*?)```", text, re.S) if "run.sh" in b]
    return script


@pytest.mark.parametrize(
    ("code", "subject"),
    [
        (0, None),
        (4, None),
        (75, None),
        (3, "briefgen: partial brief"),
        (1, "briefgen failed, exit 1"),
        (2, "briefgen failed, exit 2"),
    ],
)
def test_the_monitoring_wrapper_mails_only_what_needs_a_person(tmp_path, code, subject):
    job, bin_dir, seen = tmp_path / "srv-briefs", tmp_path / "bin", tmp_path / "seen"
    for folder in (job, bin_dir, seen):
        folder.mkdir()
    env_file = tmp_path / "env"
    env_file.write_text("OPENAI_API_KEY=sk-test-1234\n")
    log = tmp_path / "briefgen.log"
    briefgen = bin_dir / "briefgen"
    executable(
        briefgen, f'echo "briefgen: line of exit {code} key=$OPENAI_API_KEY" >&2; exit {code}'
    )
    executable(bin_dir / "mail", f'cat > {seen}/mail; echo "$*" >> {seen}/mail')
    script = (
        wrapper_script()
        .replace("/srv/briefgen/.venv/bin/briefgen", str(briefgen))
        .replace("/srv/briefs", str(job))
        .replace("/etc/briefgen/env", str(env_file))
        .replace("/var/log/briefgen.log", str(log))
    )
    run_sh = job / "run.sh"
    run_sh.write_text(script)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path)}
    subprocess.run(["/bin/sh", str(run_sh)], env=env, check=False, timeout=30)
    assert log.read_text() == f"briefgen: line of exit {code} key=sk-test-1234\n"
    if subject is None:
        assert not (seen / "mail").exists()
    else:
        mail = (seen / "mail").read_text().splitlines()
        assert mail[0] == f"briefgen: line of exit {code} key=sk-test-1234"
        assert mail[-1] == f"-s {subject} ops@example.org"
