"""What the HTML page costs next to the Markdown brief: time and size, by brief size.

    python bench/render.py                    # the demo, then 100 and 1,000 synthetic articles
    python bench/render.py --sizes 100 1000 5000 --repeat 3

The briefs: the bundled demo (5 articles, replayed), and merges of bench/merge_scale.py's
synthetic day of news (variant names, paraphrased claims, wire copies) at each size. For each,
the best of --repeat renders of `render.markdown` and of `render.html`, the page's size, and the
page's parts: citations (links to footnotes; the one popover is filled by the page's script) and
footnotes (each source's quotes for one line, once).

The baseline is the Markdown brief of the same Brief: the HTML page states the same facts, with
markup, footnotes and drawings, so it is expected to be larger and slower, and the ratio shows
by how much. The bound (issue 13 sets none; ours): the page of a 1,000-article brief
renders in under 5x the Markdown's time and under 1 s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from merge_scale import build

from briefgen import pipeline
from briefgen.merge import merge
from briefgen.render import html, markdown
from briefgen.schemas import Brief

TIME_RATIO = 5.0
TIME_BOUND = 1.0  # seconds, for 1,000 articles


def best(function, brief: Brief, repeat: int) -> tuple[float, str]:
    times, out = [], ""
    for _ in range(repeat):
        start = time.perf_counter()
        out = function(brief)
        times.append(time.perf_counter() - start)
    return min(times), out


def row(label: str, brief: Brief, repeat: int) -> dict:
    md_s, md = best(markdown, brief, repeat)
    html_s, page = best(html, brief, repeat)
    return {
        "brief": label,
        "sources": len(brief.sources),
        "actors": len(brief.actors) + sum(len(s.actors) for s in brief.stories),
        "md ms": md_s * 1000,
        "html ms": html_s * 1000,
        "x md": html_s / md_s,
        "md kB": len(md.encode()) / 1000,
        "html kB": len(page.encode()) / 1000,
        "citations": page.count('class="cite-link"'),
        "notes": page.count('<li id="ev-'),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        demo = pipeline.make_brief(None, pipeline.demo_settings(db=Path(folder) / "s.db"))
    html(demo)  # templates compiled once, outside the timing
    rows = [row("demo", demo, args.repeat)]
    for size in args.sizes:
        rows.append(row(f"{size} synthetic", merge(build(size, args.seed)), args.repeat))
    columns = list(rows[0])
    print("  ".join(f"{c:>12}" for c in columns))
    for r in rows:
        print(
            "  ".join(f"{v:>12.1f}" if isinstance(v, float) else f"{v!s:>12}" for v in r.values())
        )
    for r in rows:
        if r["sources"] == 1000:
            print(
                f"1,000 articles: html {r['html ms']:.0f} ms = {r['x md']:.2f}x the Markdown "
                f"(bound {TIME_RATIO:.0f}x: ratio {r['x md'] / TIME_RATIO:.2f}); "
                f"{r['html ms'] / 1000 / TIME_BOUND:.2f} of the 1 s bound"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
