"""What does the morning job pay on a rerun? Model calls and wall time, first run vs reruns.

Run:  python bench/rerun.py               (100 articles, 200 ms latency)
      python bench/rerun.py --help

The OpenAI-compatible server of bench/concurrency.py runs in a child process on 127.0.0.1 and
answers every article after a fixed latency. N synthetic articles are written to a temporary
folder and `briefgen make` runs on them three times against one fresh store:

1. the first run: every article is extracted (goal: N model calls);
2. an identical rerun: every article comes from the cache (goal: 0 calls; under 1 s of work in
   the library call, under 1.5 s for the whole `briefgen make` process);
3. a rerun with one article added (goal: one article's calls, here 1).

Runs 1-3 call the library (`amake_brief`) and time the call; the identical rerun is also timed
as a whole process (`python -m briefgen make ...`, best of 3), which adds interpreter start,
imports and writing the brief. Finally `briefgen --help` is timed as a process (min of 10) against
bare `python -c pass`; goal: under 0.3 s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import concurrency as bench


def library_run(url: str, folder: Path, concurrency: int) -> tuple[float, int, int]:
    """(seconds, model calls, articles from the cache) of one amake_brief call."""
    from briefgen.pipeline import amake_brief

    settings = bench.settings_for(url, concurrency, cache=True)
    before = bench.server_stats(url)["requests"]
    start = time.perf_counter()
    brief = asyncio.run(amake_brief([folder], settings))
    wall = time.perf_counter() - start
    assert not brief.failures, brief.failures[0].failed
    return wall, bench.server_stats(url)["requests"] - before, brief.quality.cached


def process_time(args: list[str], env: dict[str, str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, env=env, check=True, capture_output=True, timeout=120)
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args(argv)
    n = args.articles
    answers = bench.answers_for(n + 1)
    with (
        tempfile.TemporaryDirectory() as tmp,
        bench.bench_server(args.latency, "process", 600) as url,
    ):
        folder = Path(tmp) / "inbox"
        folder.mkdir()
        bench.write_articles(folder, n)
        bench.control(url, answers=answers)

        first = library_run(url, folder, args.concurrency)
        rerun = library_run(url, folder, args.concurrency)
        extra = bench.article_text(n)
        (folder / f"art-{n:03d}.txt").write_text(extra, encoding="utf-8")
        added = library_run(url, folder, args.concurrency)
        (folder / f"art-{n:03d}.txt").unlink()

        env = {
            **os.environ,
            "BRIEFGEN_DB": str(bench.bench_db()),
            "OPENAI_API_KEY": "sk-bench",
        }
        make = [
            sys.executable,
            "-m",
            "briefgen",
            "make",
            str(folder),
            "--base-url",
            url,
            "--model",
            "bench-model",
            "--out",
            str(Path(tmp) / "brief.md"),
            "-q",
        ]
        before = bench.server_stats(url)["requests"]
        whole = process_time(make, env, 3)
        process_calls = bench.server_stats(url)["requests"] - before
        bare = process_time([sys.executable, "-c", "pass"], env, 10)
        helped = process_time([sys.executable, "-m", "briefgen", "--help"], env, 10)

    ideal = -(-n // args.concurrency) * args.latency
    print(f"{n} articles, {args.latency * 1000:.0f} ms latency, concurrency {args.concurrency}")
    print()
    print("| run | model calls | goal | wall | bound | ratio |")
    print("|---|---|---|---|---|---|")
    print(
        f"| first | {first[1]} | {n} | {first[0]:.2f} s | {ideal:.2f} s ideal | "
        f"{first[0] / ideal:.2f} |"
    )
    print(
        f"| identical rerun (library) | {rerun[1]} | 0 | {rerun[0]:.3f} s | 1 s | "
        f"{rerun[0] / 1.0:.2f} |"
    )
    print(
        f"| identical rerun (whole process) | {process_calls // 3} | 0 | {whole:.3f} s | "
        f"1.5 s | {whole / 1.5:.2f} |"
    )
    print(
        f"| one article added | {added[1]} | 1 | {added[0]:.3f} s | "
        f"{args.latency:.2f} s + rerun | {added[0] / (args.latency + rerun[0]):.2f} |"
    )
    print(
        f"| `briefgen --help` | - | - | {helped:.3f} s | 0.3 s | {helped / 0.3:.2f} "
        f"({helped / bare:.0f}x bare python, {bare * 1000:.0f} ms) |"
    )
    print()
    print(f"cached articles: rerun {rerun[2]} of {n}, added run {added[2]} of {n + 1}")
    ok = (
        first[1] == n
        and rerun[1] == 0
        and process_calls == 0
        and added[1] == 1
        and rerun[0] < 1.0
        and whole < 1.5
        and helped < 0.3
    )
    print("all goals met" if ok else "SOME GOALS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
