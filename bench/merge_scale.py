"""How merge time and memory grow with the number of articles.

    python bench/merge_scale.py                       # 1,000 and 10,000 articles
    python bench/merge_scale.py --sizes 1000 10000 50000 --repeat 1
    python bench/merge_scale.py --tracemalloc         # the peak as Python allocations too

Builds synthetic extractions the way a day's feed looks to the merger: a population of people,
offices and countries written under variant names (hyphens, honorifics, surnames, typos of
transliteration), claims drawn from templates with reworded paraphrases, a few venues and dates,
and some articles that are near-copies of others (wire reprints).

Each size runs in a child process of its own, so that one size's memory cannot hide another's.
The child builds the extractions, merges a small set once (the gazetteer and word lists load
then, not in the timing), and merges --repeat times. It prints, per size:

- merge s: wall time of the merge, the best of the runs (other load only adds time); cpu s:
  the process's CPU time in that run: the merge work itself. The merge is one thread, so the
  two agree on a quiet machine; on a busy one the CPU time leaves out the waits for a core,
  so the time bound and the growth are judged on it;
- peak MB: the merge's peak memory, as the child's resident set high-water mark (VmHWM, reset
  through /proc/self/clear_refs before each run) minus its resident set before the merge, that
  is above the input it was given; input MB is that resident set (the extractions, the
  interpreter, the loaded data); with --tracemalloc also the tracemalloc peak of one more run;
- x per 10x: the CPU time's growth from the size before, scaled to a tenfold (a 5x step counts
  as its 10x equivalent: ratio ** (1 / log10(size ratio))); linear is 10x.

Bounds (issue 12): 10,000 articles in under 3 s of merge work and under 250 MB peak, growth at
most 11x per tenfold. The ratio to each bound is printed: 1.00 or less meets it.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import random
import subprocess
import sys
import time
from datetime import date

from briefgen.merge import merge
from briefgen.merge.independence import fingerprint, sketch
from briefgen.schemas import (
    Actor,
    ArticleExtraction,
    ArticleRef,
    Ask,
    DateMention,
    Extraction,
    Motive,
    Venue,
    WarningItem,
)

FIRST = "Anna Boris Chen Dmitri Elena Farid Grace Hiro Ivan Jana Kofi Lena Marco Nadia Omar".split()
LAST = "Petrov Kim Park Novak Silva Haddad Moreau Tanaka Ivanova Mensah Rossi Kowalski".split()
COUNTRIES = "Russia,North Korea,United States,China,Japan,South Korea,Iran,Ukraine".split(",")
OFFICES = ["White House", "Kremlin", "Foreign Ministry", "Defense Ministry", "UN Security Council"]
CLAIMS = [
    ("artillery shells and anti-tank missiles", "anti-tank missiles and artillery ammunition"),
    ("satellite technology", "technology for satellites"),
    ("stop arms talks with {x}", "cease arms negotiations with {x}"),
    ("food aid and economic assistance", "economic aid and food assistance"),
    ("join naval drills", "take part in joint naval exercises"),
    ("new sanctions on {x}", "fresh sanctions against {x}"),
    ("a summit in {p}", "a meeting in {p}"),
    ("more workers for construction", "laborers for construction projects"),
]
PLACES = ["Vladivostok", "Vostochny Cosmodrome", "Pyongyang", "Moscow", "Beijing", "New Delhi"]
POPULATION = 2000
WHEN = ["September 10-13", "On Tuesday", "in July", "last week", "next month", "in 2019"]


def people(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """(full name, country) for a population; full names are unique."""
    seen: set[str] = set()
    found = []
    while len(found) < count:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if rng.random() < 0.3:
            name = f"{name}-{rng.choice(LAST)}"
        if name not in seen:
            seen.add(name)
            found.append((name, rng.choice(COUNTRIES)))
    return found


def variant(name: str, rng: random.Random) -> tuple[str, list[str]]:
    """How one article writes a person: spelling and honorific variants, surname aliases."""
    roll = rng.random()
    written = name.replace("-", " ") if roll < 0.3 else name
    if 0.3 <= roll < 0.4:
        written = f"Mr. {written}"
    return written, [f"Mr. {name.split()[-1]}", name.split()[-1]] if rng.random() < 0.5 else []


def article(i: int, population, rng: random.Random) -> tuple[ArticleExtraction, str]:
    quotes: list[str] = []

    def quote(text: str) -> str:
        quotes.append(f"{text} [{len(quotes)}]")
        return quotes[-1]

    cast = rng.sample(population, k=min(6, len(population)))
    actors = []
    for name, country in cast:
        written, aliases = variant(name, rng)
        actors.append(
            Actor(
                name=written,
                kind="person",
                role=f"{country} minister",
                affiliation=country,
                aliases=aliases,
                quote=quote(written),
            )
        )
    for country in rng.sample(COUNTRIES, k=2):
        actors.append(
            Actor(
                name=country,
                kind="country",
                role=None,
                affiliation=None,
                aliases=[],
                quote=quote(country),
            )
        )
    office = rng.choice(OFFICES)
    actors.append(
        Actor(
            name=office,
            kind="organization",
            role=None,
            affiliation=None,
            aliases=[],
            quote=quote(office),
        )
    )
    names = [a.name for a in actors]

    def claim_text() -> str:
        pair = rng.choice(CLAIMS)
        return rng.choice(pair).format(x=rng.choice(COUNTRIES), p=rng.choice(PLACES))

    certainty = ["confirmed", "planned", "reported", "speculated"]
    asks = [
        Ask(
            asker=rng.choice(names),
            asked=rng.choice(names),
            ask=(t := claim_text()),
            certainty=rng.choice(certainty),
            quote=quote(t),
        )
        for _ in range(3)
    ]
    warnings = [
        WarningItem(
            warner=rng.choice(names),
            warned=rng.choice(names),
            warning=(t := claim_text()),
            certainty=rng.choice(certainty),
            quote=quote(t),
        )
        for _ in range(2)
    ]
    motives = [
        Motive(
            actor=rng.choice(names),
            motive=(t := claim_text()),
            certainty=rng.choice(certainty),
            quote=quote(t),
        )
        for _ in range(3)
    ]
    venues = [
        Venue(
            place=(p := rng.choice(PLACES)),
            within=[],
            certainty=rng.choice(certainty),
            quote=quote(p),
        )
    ]
    dates = [
        DateMention(
            text=(w := rng.choice(WHEN)),
            event=f"talks on {claim_text()}",
            relation=rng.choice(["before", "after"]),
            central=rng.random() < 0.3,
            certainty="reported",
            quote=quote(w),
        )
        for _ in range(2)
    ]
    text = " ".join(quotes) + f" article {i}"
    ref = ArticleRef(
        id=f"a{i}",
        source=f"a{i}.txt",
        published=date(2023, 9, 1 + i % 28),
        fingerprint=fingerprint(text),
        sketch=sketch(text),
    )
    extraction = Extraction(
        actors=actors, motives=motives, asks=asks, warnings=warnings, venues=venues, dates=dates
    )
    return ArticleExtraction(
        article=ref, extraction=extraction, model="synthetic", prompt_version="bench"
    ), text


def build(count: int, seed: int) -> list[ArticleExtraction]:
    rng = random.Random(seed)
    # one person in five articles, at most 2,000 people: FIRST x LAST and the double-barrelled
    # names give about 2,300 in all, so a bigger day has the same people more often
    population = people(min(max(20, count // 5), POPULATION), rng)
    made: list[ArticleExtraction] = []
    for i in range(count):
        if made and rng.random() < 0.1:  # a wire reprint: same story, another outlet
            original = rng.choice(made)
            made.append(
                original.model_copy(
                    update={
                        "article": original.article.model_copy(
                            update={"id": f"a{i}", "source": f"a{i}.txt"}
                        )
                    }
                )
            )
        else:
            made.append(article(i, population, rng)[0])
    return made


TIME_BOUND = 3.0  # seconds for 10,000 articles
MEMORY_BOUND = 250.0  # MB of peak for 10,000 articles
GROWTH_BOUND = 11.0  # time growth per tenfold


def _rss_mb(field: str = "VmRSS") -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def _reset_high_water() -> None:
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")  # the resident set high-water mark starts again from now


def child(size: int, seed: int, repeat: int, traced: bool) -> dict:
    """One size measured in this process: the figures as a dict."""
    extractions = build(size, seed)
    merge(build(20, seed + 1))  # loads what the merge loads once per process
    mentions = sum(len(e.extraction.actors) for e in extractions)
    walls, cpus, peaks = [], [], []
    base = 0.0
    brief = None
    for _ in range(repeat):
        brief = None  # the last run's brief is not part of this run's peak
        base = _rss_mb()
        _reset_high_water()
        wall, cpu = time.perf_counter(), time.process_time()
        brief = merge(extractions)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        peaks.append(_rss_mb("VmHWM") - base)
    best = walls.index(min(walls))
    figures = {
        "size": size,
        "mentions": mentions,
        "wall": walls[best],
        "cpu": cpus[best],
        "peak": max(peaks),
        "input": base,
        "actors": len(brief.actors),
        "claims": len(brief.asks) + len(brief.warnings) + len(brief.motives),
    }
    if traced:
        import tracemalloc

        brief = None
        tracemalloc.start()
        merge(extractions)
        figures["traced"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return figures


def measure(size: int, seed: int, repeat: int, traced: bool) -> dict:
    command = [sys.executable, __file__, "--child", str(size), "--seed", str(seed)]
    command += ["--repeat", str(repeat)] + (["--tracemalloc"] if traced else [])
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ, check=False)
    if done.returncode != 0:
        raise SystemExit(f"size {size} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the best counts")
    parser.add_argument("--tracemalloc", action="store_true", help="also the tracemalloc peak")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.seed, args.repeat, args.tracemalloc)))
        return 0
    load = os.getloadavg()[0]
    print(f"load average {load:.2f} on {os.cpu_count()} CPUs; best of {args.repeat} per size")
    traced = f"{'traced MB':>10}" if args.tracemalloc else ""
    print(
        f"{'articles':>9} {'mentions':>9} {'merge s':>8} {'cpu s':>7} {'ms/article':>11} "
        f"{'x per 10x':>10} {'peak MB':>8} {'input MB':>9}{traced}"
    )
    results: dict[int, dict] = {}
    before: dict | None = None
    for size in args.sizes:
        f = measure(size, args.seed, args.repeat, args.tracemalloc)
        results[size] = f
        growth = ""
        if before is not None and size > before["size"]:
            tenfold = 1 / math.log10(size / before["size"])
            growth = f"{(f['cpu'] / before['cpu']) ** tenfold:.1f}x"
        before = f
        extra = f"{f['traced']:>10.0f}" if args.tracemalloc else ""
        print(
            f"{size:>9} {f['mentions']:>9} {f['wall']:>8.2f} {f['cpu']:>7.2f} "
            f"{1000 * f['wall'] / size:>11.3f} {growth:>10} {f['peak']:>8.0f} "
            f"{f['input']:>9.0f}{extra}   ({f['actors']} actors, {f['claims']} claims)"
        )
    print("\nx per 10x: CPU time's growth from the size before, per tenfold (10x is linear).")
    if 10000 in results:
        f = results[10000]
        for what, value, bound, unit in (
            ("merge work (CPU)", f["cpu"], TIME_BOUND, "s"),
            ("merge wall time", f["wall"], TIME_BOUND, "s"),
            ("peak memory", f["peak"], MEMORY_BOUND, "MB"),
        ):
            verdict = "met" if value <= bound else "MISSED"
            print(
                f"bound: 10,000 articles, {what} {value:.2f} {unit} / {bound:g} {unit} = "
                f"{value / bound:.2f}, {verdict}"
            )
    sizes = sorted(results)
    for small, large in itertools.pairwise(sizes):
        growth = (results[large]["cpu"] / results[small]["cpu"]) ** (1 / math.log10(large / small))
        verdict = "met" if growth <= GROWTH_BOUND else "MISSED"
        print(
            f"bound: growth {small:,} -> {large:,}: {growth:.1f}x per 10x / {GROWTH_BOUND:g}x = "
            f"{growth / GROWTH_BOUND:.2f}, {verdict}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
