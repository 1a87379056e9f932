"""How merge time grows with the number of articles.

    python bench/merge_scale.py [--sizes 100 1000 10000] [--seed 1]

Builds synthetic extractions the way a day's feed looks to the merger: a population of people,
offices and countries written under variant names (hyphens, honorifics, surnames, typos of
transliteration), claims drawn from templates with reworded paraphrases, a few venues and dates,
and some articles that are near-copies of others (wire reprints). Prints the merge time for each
size (best of --repeat runs), the time per article, and the growth against linear.
Goal: 1,000 articles < 1 s, 10,000 < 15 s, near-linear growth.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date

from briefgen.independence import fingerprint
from briefgen.merge import merge
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
    )
    extraction = Extraction(
        actors=actors, motives=motives, asks=asks, warnings=warnings, venues=venues, dates=dates
    )
    return ArticleExtraction(
        article=ref, extraction=extraction, model="synthetic", prompt_version="bench"
    ), text


def build(count: int, seed: int) -> list[ArticleExtraction]:
    rng = random.Random(seed)
    population = people(max(20, count // 5), rng)
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the best counts")
    args = parser.parse_args()
    print(f"{'articles':>9} {'mentions':>9} {'merge s':>9} {'ms/article':>11} {'vs linear':>10}")
    base: tuple[int, float] | None = None
    results = {}
    for size in args.sizes:
        extractions = build(size, args.seed)
        mentions = sum(len(e.extraction.actors) for e in extractions)
        timings = []
        for _ in range(args.repeat):  # the best run: other load on the machine only adds time
            start = time.perf_counter()
            brief = merge(extractions)
            timings.append(time.perf_counter() - start)
        elapsed = min(timings)
        results[size] = elapsed
        ratio = "" if base is None else f"{(elapsed / base[1]) / (size / base[0]):.2f}x"
        base = (size, elapsed)
        print(
            f"{size:>9} {mentions:>9} {elapsed:>9.3f} {1000 * elapsed / size:>11.3f} "
            f"{ratio:>10}   ({len(brief.actors)} actors, "
            f"{len(brief.asks) + len(brief.warnings) + len(brief.motives)} claims)"
        )
    print("\n'vs linear' is (time ratio) / (size ratio) against the size before: 1.00x is linear.")
    for size, goal in ((1000, 1.0), (10000, 15.0)):
        if size in results:
            verdict = "met" if results[size] < goal else "MISSED"
            print(f"goal: {size} articles < {goal:g} s: {results[size]:.2f} s, {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
