"""The documented recipes, run as written: the crontab line of docs/scheduling.md under `sh -c`
(what cron does with a line), with an environment file, a stand-in briefgen and `mail`."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

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
