"""How far apart copies and distinct reports are: the figures behind independence's threshold.

Run:  python bench/copies.py

For pairs of articles it prints the number of words of each body, the exact Jaccard resemblance
of their sets of word 3-grams (after `independence.body` drops headlines, furniture lines and
datelines), the sketches' estimate of it, and the SimHash distance (bits) the earlier rule used
(a copy at 6 bits or fewer). Pairs:

- copies: the multilingual set's republished wire (alaska 000/001: new headline, the dateline
  kept, other furniture); the mixed set's reprints of the Croydon wire and scraped pages; and
  every English article of the quality sets and the bundled example republished as a wire copy
  is (`republished`: a new headline, a "(Reuters) -" dateline, a reporting credit, a "Read
  more" line and share buttons), also with its last paragraph cut and with one sentence
  reworded;
- distinct: every pair of different articles of one set (the same event, the same names and
  often the same quotes of a leader), in every language; and pairs of short articles (80 words)
  built from two different articles that quote the same 40-word statement of a leader.

A copy counts once; a distinct report is a corroboration. `independence.MIN_RESEMBLANCE` must
lie between the two: the summary gives the lowest copy and the highest distinct pair, short
(body under 200 words) and long. It is a report: the exit code is 0.
"""

from __future__ import annotations

import re
from itertools import combinations
from pathlib import Path

from briefgen.merge import independence
from briefgen.merge.independence import (
    MAX_DISTANCE,
    MIN_RESEMBLANCE,
    body,
    fingerprint,
    resemblance,
    sketch,
)

ROOT = Path(__file__).resolve().parent.parent
QUALITY = ROOT / "tests" / "fixtures" / "quality"
EXAMPLE = ROOT / "briefgen" / "examples" / "kim-putin-2023-09"
KNOWN_COPIES = {("alaska-summit-2025-08-15", "000_wire", "001_copy")}  # the set's manifest says
SHORT = 200  # words of body
LEADER = (
    '"We strongly advise North Korea to stop their discussions on arms with Russia and adhere '
    "to the public promises made by Pyongyang, which prohibit the provision or sale of weapons "
    'to Russia, and we will keep watching closely what they do next," the spokesman said.'
)


def shingles(text: str) -> set[str]:
    words = re.findall(r"\w+", body(text).casefold())
    return {" ".join(words[i : i + 3]) for i in range(max(0, len(words) - 2))}


def jaccard(a: str, b: str) -> float:
    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb) if sa | sb else 0.0


def republished(text: str) -> str:
    """A wire story as another outlet republishes it: its own headline, the agency's dateline,
    the reporting credit, its own furniture."""
    lines = [line for line in text.splitlines() if line.strip()]
    first = 1 if len(lines) > 1 else 0
    lines[first] = "LONDON (Reuters) - " + lines[first]
    return "\n\n".join(
        [
            "World briefing: the story everyone is reading today",
            *lines[first:],
            "(Reporting by Anna Weber; Editing by Mark Dorn)",
            "Read more: World news in brief",
            "Share this article",
        ]
    )


def trimmed(text: str) -> str:
    """The copy with its last paragraph of eight words or more cut, as an editor trims."""
    lines = [line for line in text.splitlines() if line.strip()]
    long = [i for i, line in enumerate(lines) if len(line.split()) >= 8]
    if len(long) > 2:
        del lines[long[-1]]
    return "\n\n".join(lines)


def reworded(text: str) -> str:
    """The copy with one sentence of its body (the middle one) reworded."""
    lines = text.split("\n")
    sentences = [(i, m) for i, line in enumerate(lines) for m in _SENTENCE.finditer(line)]
    sentences = [(i, m) for i, m in sentences if len(m.group().split()) >= 8]
    i, m = sentences[len(sentences) // 2]
    lines[i] = lines[i][: m.start()] + _REWORDED + lines[i][m.end() :]
    return "\n".join(lines)


_SENTENCE = re.compile(r"[^.!?]+[.!?]")
_REWORDED = " An editor rewrote this sentence in the outlet's own words for its readers."


def english(path: Path) -> bool:
    return path.stem.split("_", 1)[-1] not in {
        "german",
        "french",
        "russian",
        "ukrainian",
        "italian",
    }


def texts(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.txt"))


def pairs() -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    copies: list[tuple[str, str, str]] = []
    distinct: list[tuple[str, str, str]] = []
    alaska = QUALITY / "alaska-summit-2025-08-15" / "articles"
    copies.append(
        (
            "alaska 000/001 republished",
            (alaska / "000_wire.txt").read_text(),
            (alaska / "001_copy.txt").read_text(),
        )
    )
    croydon, mixed = (
        QUALITY / "croydon-tram-2016-11" / "articles",
        QUALITY / "mixed-mazar-croydon-2016-11" / "articles",
    )
    for a, b in (
        ("000_wire.txt", "001_croydon-wire.txt"),
        ("003_scraped.txt", "003_croydon-scraped.txt"),
    ):
        copies.append(
            (f"croydon {a} reprinted", (croydon / a).read_text(), (mixed / b).read_text())
        )
    folders = [
        EXAMPLE,
        *(d / "articles" for d in sorted(QUALITY.iterdir()) if (d / "articles").is_dir()),
    ]
    for folder in folders:
        name = folder.name if folder == EXAMPLE else folder.parent.name
        files = texts(folder)
        for p in files:
            if english(p):
                t = p.read_text()
                copies.append((f"{name} {p.stem} as a wire copy", t, republished(t)))
                copies.append(
                    (f"{name} {p.stem} copy, last paragraph cut", t, republished(trimmed(t)))
                )
                copies.append(
                    (f"{name} {p.stem} copy, one sentence reworded", t, reworded(republished(t)))
                )
        if name.startswith("mixed"):
            continue  # its Croydon pages are the Croydon set's
        for a, b in combinations(files, 2):
            if (name, a.stem, b.stem) in KNOWN_COPIES:
                continue
            distinct.append((f"{name} {a.stem} / {b.stem}", a.read_text(), b.read_text()))
    bodies = [body(p.read_text()) for f in folders[:2] for p in texts(f) if english(p)]
    for k, (a, b) in enumerate(combinations(bodies[:6], 2)):
        short_a = " ".join(a.split()[:40]) + " " + LEADER
        short_b = " ".join(b.split()[:40]) + " " + LEADER
        distinct.append((f"two 80-word reports quoting one statement #{k + 1}", short_a, short_b))
    return copies, distinct


def category(label: str, name: str) -> str:
    if label == "distinct":
        return (
            "distinct: quoting one statement" if name.startswith("two ") else "distinct: same event"
        )
    for tail in ("last paragraph cut", "one sentence reworded"):
        if name.endswith(tail):
            return f"copy: {tail}"
    return "copy: republished" if "wire copy" in name else "copy: real reprint"


def main() -> None:
    copies, distinct = pairs()
    print(f"threshold: resemblance >= {MIN_RESEMBLANCE} (estimated from {independence.K} values)")
    print(f"{'pair':62} {'words':>9} {'exact':>6} {'est.':>6} {'simhash':>7}  verdict")
    seen: dict[tuple[str, bool], list[tuple[float, bool, bool]]] = {}
    for label, rows in (("copy", copies), ("distinct", distinct)):
        print(f"-- {label}")
        for name, a, b in rows:
            wa, wb = len(body(a).split()), len(body(b).split())
            exact, est = jaccard(a, b), resemblance(sketch(a), sketch(b))
            bits = (int(fingerprint(a), 16) ^ int(fingerprint(b), 16)).bit_count()
            verdict = "copy" if est >= MIN_RESEMBLANCE else "distinct"
            wrong = "" if verdict == label else "  WRONG"
            print(
                f"{name[:62]:62} {wa:>4}/{wb:<4} {exact:6.2f} {est:6.2f} {bits:7d}"
                f"  {verdict}{wrong}"
            )
            key = (category(label, name), min(wa, wb) < SHORT)
            seen.setdefault(key, []).append((est, verdict == label, bits <= MAX_DISTANCE))
    print(
        "\nsummary: pairs, right now (sketch) / right by SimHash (<= 6 bits), estimated resemblance"
    )
    for (which, short), found in sorted(seen.items()):
        values = [v for v, _, _ in found]
        right = sum(ok for _, ok, _ in found)
        copy = which.startswith("copy")
        by_simhash = sum(s == copy for _, _, s in found)
        print(
            f"  {which:34} {'short' if short else 'long ':5} {len(found):3} pairs  right"
            f" {right:3} / {by_simhash:3}  resemblance {min(values):.2f}-{max(values):.2f}"
        )


if __name__ == "__main__":
    main()
