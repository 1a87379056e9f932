"""What batch mode costs on the client: building, uploading and collecting N articles' requests.

Run:  python bench/batch.py                  (100 and 1,000 articles)
      python bench/batch.py --sizes 100 5000

The Batch API server is the tests' loopback one (tests/fakebatch.py), in this process; its
batches end at the first status check, so what is timed is briefgen's own work, not a
provider's queue. The articles and answers are bench/concurrency.py's synthetic news (every
quote is in its article, so no re-ask happens). For each size it runs the real pipeline,
`make_brief(..., batch=True)`, on a fresh store and prints:

- `prepare`: seconds in `batch.prepare` (requests built with the live client's request_body,
  the JSONL written, uploaded, the batch created, polled once, its output downloaded, read
  into the store and handed out), and per article;
- `whole run`: the whole make_brief, and the same run live against the same server (answers at
  once, `concurrency` 32), for the baseline: batch mode should cost about what live mode costs
  when the model is infinitely fast;
- the JSONL's bytes per article and their ratio to the article's characters;
- the batches it was split into, under `--max-requests`.

It checks that every article came from the batch (no live call) and that a second run is all
cache hits and submits nothing.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from concurrency import answers_for, article_text, chat_completion  # noqa: E402

from briefgen.config import Settings  # noqa: E402
from briefgen.extract import batch  # noqa: E402
from briefgen.pipeline import make_brief  # noqa: E402
from tests.fakebatch import BatchServer  # noqa: E402

_ARTICLE_ID = re.compile(r"Article (art-\d+)")


def server_for(answers: dict[str, str]) -> BatchServer:
    def answer(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        found = _ARTICLE_ID.search(body["messages"][-1]["content"])
        if found is None:
            return 400, {"error": {"message": "which article?"}}
        return 200, chat_completion(answers[found.group(1)])

    return BatchServer(answer)


def settings(url: str, folder: Path, db: Path, **extra: Any) -> Settings:
    return Settings(
        sources=[str(folder)],
        base_url=url,
        api_key="sk-bench",
        db=db,
        batch_poll=0.001,
        concurrency=32,
        **extra,
    )


def timed_prepare() -> tuple[list[float], Any]:
    spent: list[float] = []
    real = batch.prepare

    async def prepare(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return await real(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - start)

    return spent, prepare


def one_size(n: int, max_requests: int, repeat: int, show: bool = True) -> None:
    answers = answers_for(n)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        chars = 0
        for i in range(n):
            text = article_text(i)
            chars += len(text)
            (folder / f"art-{i:03d}.txt").write_text(text, encoding="utf-8")
        best: dict[str, float] = {}
        sent = batches = 0
        for r in range(repeat):
            with server_for(answers) as api:
                spent, prepare = timed_prepare()
                batch.prepare = prepare
                try:
                    start = time.perf_counter()
                    brief = make_brief(
                        None,
                        settings(
                            api.url,
                            folder,
                            Path(tmp) / f"b{r}.db",
                            batch=True,
                            batch_max_requests=max_requests,
                        ),
                    )
                    whole = time.perf_counter() - start
                finally:
                    batch.prepare = _REAL_PREPARE
                assert not api.live and not brief.failures, "every article from the batch"
                sent = sum(len(f) for k, f in api.files.items() if k in _inputs(api))
                batches = len(api.batches)
                again = make_brief(
                    None, settings(api.url, folder, Path(tmp) / f"b{r}.db", batch=True)
                )
                assert again.quality.cached == n and len(api.batches) == batches
                best["prepare"] = min(best.get("prepare", 1e9), spent[0])
                best["batch"] = min(best.get("batch", 1e9), whole)
            with server_for(answers) as api:
                start = time.perf_counter()
                make_brief(None, settings(api.url, folder, Path(tmp) / f"l{r}.db"))
                best["live"] = min(best.get("live", 1e9), time.perf_counter() - start)
                assert len(api.live) == n
    per = best["prepare"] / n * 1000
    if not show:
        return
    print(
        f"{n:>6} articles  prepare {best['prepare']:6.2f} s ({per:.2f} ms/article)  "
        f"whole run {best['batch']:6.2f} s  live at C=32, no latency {best['live']:6.2f} s  "
        f"ratio {best['batch'] / best['live']:.2f}  "
        f"JSONL {sent / n / 1000:.1f} kB/article = {sent / chars:.1f}x the article  "
        f"{batches} batch(es)"
    )


_REAL_PREPARE = batch.prepare


def _inputs(api: BatchServer) -> set[str]:
    return {b["input_file_id"] for b in api.batches.values()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--max-requests", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=2, help="runs per size; the best counts")
    args = parser.parse_args()
    import logging

    logging.getLogger("briefgen").setLevel(logging.ERROR)
    one_size(10, args.max_requests, 1, show=False)  # imports and one-time loads, not timed
    for n in args.sizes:
        one_size(n, args.max_requests, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
