"""How close is the merger to a human's merge of the bundled example and of the quality set?

Run:  python bench/quality.py [--gold PATH]      the bundled example, in full
      python bench/quality.py --all              every set: one table, totals, every mistake named
      python bench/quality.py --set NAME         one set of tests/fixtures/quality, in full
      python bench/quality.py --claim-check-answers [PATH]   the bundled example, with the
                                                 claim check's hand-written answers
      python bench/quality.py --all --claim-check-answers   every set, each with its own
                                                 hand-written answers where it has them

The bundled example is briefgen/examples/kim-putin-2023-09 with the hand-written answers of
scripts/handwritten/kim-putin-2023-09 (as `briefgen demo` replays them) and the gold annotation
tests/fixtures/annotations/kim-putin-2023-09.json. The quality set is every folder under
tests/fixtures/quality/ holding articles, `answers/<article id>.json` and `gold.json`
(docs/merge.md, "Quality set"). Each set is merged by the real merger and scored:

- actors: pairwise precision / recall / F1 over actor mentions (two mentions form a pair when the
  brief puts them in one actor), with every false merge (gold-different actors joined) and missed
  merge (one gold actor split) named;
- claims: the same pairwise scores over the asks, warnings and motives the brief folds together;
- disputes, per gold story: whether the venue and date disputes the gold expects are shown, every
  false dispute, the venue values grouped as the gold groups the places, and places the gold says
  were superseded (expected, then contradicted) shown as superseded;
- timeline: event dates the gold marks as a disagreement shown as one (`DatedEvent.disputed`),
  no disagreement marked where the gold has none, and pairwise folding of the mentions of one
  event into one line;
- stories: pairwise precision / recall of the brief's grouping of articles into stories
  (`Brief.grouping`, the main story first; empty means one story).

With --claim-check-answers (scripts/handwritten/claimcheck/kim-putin-2023-09.json), the merge
takes those answers to the claim check's near-miss pairs as its `same_claims`, as a run with
`--claim-check` takes a model's: the claim scores then show what the check reaches with a judge
that follows its rules. The answers are hand-written, not a model's, and the report says so.

Goals: actor F1 >= 0.95 with zero false merges; every expected dispute shown; no false dispute.
It is a report: the exit code is 0 whatever the scores. The scoring functions take plain data
and do no I/O (`score_actors`, `score_claims`, `score_disputes`, `score_timeline`,
`score_stories`), so a test can call them too.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from briefgen.extract.extract import reference
from briefgen.ingest import inputs
from briefgen.merge import claim_candidates, merge
from briefgen.merge.actors import canonical_name, fold
from briefgen.merge.claims import Decision
from briefgen.schemas import ArticleExtraction, Brief, DatedEvent, Extraction, Slot

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_DIR = ROOT / "briefgen" / "examples" / "kim-putin-2023-09"
ANSWERS_DIR = ROOT / "scripts" / "handwritten" / "kim-putin-2023-09"
CLAIM_CHECK_DIR = ROOT / "scripts" / "handwritten" / "claimcheck"
CLAIM_CHECK_ANSWERS = CLAIM_CHECK_DIR / "kim-putin-2023-09.json"
GOLD_PATH = ROOT / "tests" / "fixtures" / "annotations" / "kim-putin-2023-09.json"
QUALITY_DIR = ROOT / "tests" / "fixtures" / "quality"
BUNDLED = "kim-putin-2023-09"

CLAIM_KINDS: tuple[str, ...] = ("asks", "warnings", "motives")
# Which field of an ask / warning / motive names its claimant, its counterpart and its text.
_PARTIES = {
    "asks": ("asker", "asked", "ask"),
    "warnings": ("warner", "warned", "warning"),
    "motives": ("actor", None, "motive"),
}
ACTOR_F1_GOAL = 0.95

MentionKey = tuple[str, str]  # (article id, actor name as extracted)
ItemKey = tuple[str, int]  # (article id, index into that article's list of one kind)
Pair = frozenset


# --- loading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class QualitySet:
    """One scored set: a folder of articles, their answers and the gold annotation."""

    name: str
    sources: tuple[Path, ...]  # what briefgen reads: a folder, or the article files
    answers: Path
    gold: Path


def bundled_set() -> QualitySet:
    return QualitySet(BUNDLED, (EXAMPLE_DIR,), ANSWERS_DIR, GOLD_PATH)


def quality_sets(folder: Path = QUALITY_DIR) -> list[QualitySet]:
    """Every set under `folder` (a subfolder with a gold.json), by name. Its articles are the
    folder `articles/` (texts and manifest), a folder `briefgen make` reads as it stands."""
    return [
        QualitySet(d.name, (d / "articles",), d / "answers", d / "gold.json")
        for d in sorted(folder.iterdir())
        if (d / "gold.json").is_file()
    ]


def all_sets() -> list[QualitySet]:
    return [bundled_set(), *quality_sets()]


def load_results(
    sources: Path | Sequence[Path] = EXAMPLE_DIR, answers_dir: Path = ANSWERS_DIR
) -> list[ArticleExtraction]:
    """The extractions the merger sees (as `briefgen demo` replays them), in reading order:
    each article of `sources` (a folder or files) with its answer in `answers_dir`."""
    paths = [sources] if isinstance(sources, Path) else list(sources)
    articles = [a for a in inputs.load(paths) if (answers_dir / f"{a.id}.json").is_file()]
    return [
        ArticleExtraction(
            article=reference(article),
            extraction=Extraction.model_validate_json(
                (answers_dir / f"{article.id}.json").read_text(encoding="utf-8")
            ),
            model="hand-written",
            prompt_version="hand-written",
        )
        for article in articles
    ]


def load_gold(path: Path = GOLD_PATH) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


# --- pairwise scores -------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """Pairwise clustering score: a pair is two members put in one group."""

    tp: int
    fp: int
    fn: int
    gold_pairs: int
    predicted_pairs: int

    @property
    def precision(self) -> float | None:
        return self.tp / self.predicted_pairs if self.predicted_pairs else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.gold_pairs if self.gold_pairs else None

    @property
    def f1(self) -> float | None:
        if not self.gold_pairs and not self.predicted_pairs:
            return None
        return 2 * self.tp / (self.gold_pairs + self.predicted_pairs)

    def __add__(self, other: Score) -> Score:
        return Score(
            self.tp + other.tp,
            self.fp + other.fp,
            self.fn + other.fn,
            self.gold_pairs + other.gold_pairs,
            self.predicted_pairs + other.predicted_pairs,
        )


NO_PAIRS = Score(0, 0, 0, 0, 0)


def pairs(groups: Iterable[Iterable[Any]]) -> set[Pair]:
    return {Pair(p) for group in groups for p in combinations(sorted(set(group)), 2)}


def pairwise(
    predicted: Iterable[Iterable[Any]],
    gold: Iterable[Iterable[Any]],
    ignored: Iterable[Iterable[Any]] = (),
) -> Score:
    """Pairs in `ignored` groups count neither way (the gold does not say whether they pair)."""
    skip = pairs(ignored)
    p, g = pairs(predicted) - skip, pairs(gold) - skip
    return Score(len(p & g), len(p - g), len(g - p), len(g), len(p))


# --- actors ----------------------------------------------------------------------------------


@dataclass
class ActorReport:
    score: Score
    # (gold id a, gold id b) -> the predicted-together mention pairs that join them
    false_merges: dict[tuple[str, str], list[tuple[MentionKey, MentionKey]]]
    # gold id -> the predicted groups (as mention lists) it is split across
    missed_merges: dict[str, list[list[MentionKey]]]
    problems: list[str] = field(default_factory=list)


def brief_actor_groups(
    brief: Brief, results: Sequence[ArticleExtraction]
) -> tuple[list[list[MentionKey]], list[str]]:
    """Actor groups as the brief shows them, over every story: each extracted actor is the brief
    actor that cites its article with its quote and lists its name (else: lists its name for
    that article; cites the quote under a name within its name; cites the quote). An actor no
    brief actor takes stands alone, with a problem."""
    actors = [a for section in (brief, *brief.stories) for a in section.actors]
    by_quote: dict[tuple[int, str], list[int]] = defaultdict(list)
    for i, actor in enumerate(actors):
        for q in actor.quotes:
            by_quote[(q.source, q.quote)].append(i)
    groups: list[list[MentionKey]] = [[] for _ in actors]
    alone: list[list[MentionKey]] = []
    problems: list[str] = []
    for n, r in enumerate(results, start=1):
        for actor in r.extraction.actors:
            key = (r.article.id, actor.name)
            quoted = list(dict.fromkeys(by_quote.get((n, actor.quote), [])))
            written = fold(actor.name)
            found = (
                [i for i in quoted if actor.name in actors[i].names]
                or [i for i, a in enumerate(actors) if n in a.sources and actor.name in a.names]
                or [  # a merge that tidies names ('63-year-old Robert Huxley' -> 'Robert Huxley')
                    i
                    for i in quoted
                    if any(fold(x) in written or written in fold(x) for x in actors[i].names)
                ]
                or quoted
            )
            if not found:
                problems.append(f"actor {key} is in no brief actor")
                alone.append([key])
                continue
            if len(found) > 1:
                problems.append(f"actor {key} matches {len(found)} brief actors; the first taken")
            groups[found[0]].append(key)
    return [g for g in groups if g] + alone, problems


def gold_actor_ids(gold: dict[str, Any]) -> dict[MentionKey, str]:
    return {
        (article, name): actor["id"]
        for actor in gold["actors"]
        for article, name in actor["mentions"]
    }


def score_actors(predicted: list[list[MentionKey]], gold_ids: dict[MentionKey, str]) -> ActorReport:
    problems = []
    seen = [m for group in predicted for m in group]
    duplicates = {m for m in seen if seen.count(m) > 1}
    if duplicates:
        problems.append(f"mentions that are not unique by (article, name): {sorted(duplicates)}")
    missing = [m for m in dict.fromkeys(seen) if m not in gold_ids]
    if missing:
        problems.append(f"mentions the gold does not annotate: {missing}")
    unused = [m for m in gold_ids if m not in set(seen)]
    if unused:
        problems.append(f"gold mentions no extraction has: {unused}")

    by_gold: dict[str, list[MentionKey]] = defaultdict(list)
    for key, actor_id in gold_ids.items():
        if key in set(seen):
            by_gold[actor_id].append(key)
    score = pairwise(predicted, by_gold.values())

    false_merges: dict[tuple[str, str], list[tuple[MentionKey, MentionKey]]] = defaultdict(list)
    for group in predicted:
        for a, b in combinations(group, 2):
            ga, gb = gold_ids.get(a, f"?{a}"), gold_ids.get(b, f"?{b}")
            if ga != gb:
                key = (ga, gb) if ga < gb else (gb, ga)
                false_merges[key].append((a, b))
    group_of = {m: i for i, group in enumerate(predicted) for m in group}
    missed: dict[str, list[list[MentionKey]]] = {}
    for actor_id, members in by_gold.items():
        parts: dict[int, list[MentionKey]] = defaultdict(list)
        for m in members:
            parts[group_of[m]].append(m)
        if len(parts) > 1:
            missed[actor_id] = list(parts.values())
    return ActorReport(score, dict(false_merges), missed, problems)


# --- claims ----------------------------------------------------------------------------------


@dataclass
class ClaimReport:
    scores: dict[str, Score]  # per kind
    false_merges: list[tuple[str, ItemKey, ItemKey]]  # (kind, a, b): folded, gold says not
    missed_merges: list[tuple[str, ItemKey, ItemKey]]  # (kind, a, b): gold says same, not folded
    # The same mistakes by group: a brief claim spanning several gold claims, and a gold claim
    # the brief spreads over several of its claims; each as (kind, note, parts).
    joined: list[tuple[str, str, list[list[ItemKey]]]] = field(default_factory=list)
    split: list[tuple[str, str, list[list[ItemKey]]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def total(self) -> Score:
        return sum(self.scores.values(), NO_PAIRS)


def _canonical_names(
    results: Sequence[ArticleExtraction], groups: list[list[MentionKey]]
) -> dict[tuple[str, str], str]:
    """(article id, folded name or alias) -> the canonical name the brief gives that actor."""
    actors = {(r.article.id, a.name): a for r in results for a in r.extraction.actors}
    lookup = {}
    for group in groups:
        members = [actors[m] for m in group]
        name = canonical_name(members)
        for (article, _), actor in zip(group, members, strict=True):
            for written in (actor.name, *actor.aliases):
                lookup.setdefault((article, fold(written)), name)
    return lookup


def predicted_claim_groups(
    brief: Brief, results: Sequence[ArticleExtraction], actor_groups: list[list[MentionKey]]
) -> tuple[dict[str, list[list[ItemKey]]], list[str]]:
    """Each brief claim (of every story) as the items it folds: a quote (source, text) names the
    item of that article with that quote; where one article gives several items one quote, the
    claimant (and counterpart, and text) pick it. Items no claim cites come back as singletons."""
    problems: list[str] = []
    names = _canonical_names(results, actor_groups)
    article_of = {s.n: s.article.id for s in brief.sources}
    extraction_of = {r.article.id: r.extraction for r in results}

    def who(article: str, name: str | None) -> str | None:
        return None if name is None else names.get((article, fold(name)), name)

    groups: dict[str, list[list[ItemKey]]] = {}
    for kind in CLAIM_KINDS:
        who_field, whom_field, text_field = _PARTIES[kind]
        taken: set[ItemKey] = set()
        kind_groups = []
        listed = [c for section in (brief, *brief.stories) for c in getattr(section, kind)]
        # A line listed under another kind that folds items of this one (`Claim.kinds`): its
        # items of this kind are a group of this kind too, after the lines listed here (which
        # score_attribution reads in order).
        folded = [
            c
            for section in (brief, *brief.stories)
            for other in CLAIM_KINDS
            if other != kind
            for c in getattr(section, other)
            if kind in c.kinds
        ]
        for claim in [*listed, *folded]:
            members: list[ItemKey] = []
            for quote in claim.quotes:
                article = article_of[quote.source]
                if quote.kind is not None and quote.kind != kind:
                    continue  # an item of another kind the line folds: scored with its kind
                if quote.item is not None:  # the brief names the item: no guessing
                    taken.add((article, quote.item))
                    members.append((article, quote.item))
                    continue
                items = getattr(extraction_of[article], kind)
                found = [
                    i
                    for i, item in enumerate(items)
                    if item.quote == quote.quote and (article, i) not in taken
                ]
                if len(found) > 1:
                    found = [
                        i
                        for i in found
                        if fold(who(article, getattr(items[i], who_field)) or "") == fold(claim.who)
                        and (
                            whom_field is None
                            or fold(who(article, getattr(items[i], whom_field)) or "")
                            == fold(claim.whom or "")
                        )
                    ] or found
                if len(found) > 1:
                    exact = [i for i in found if getattr(items[i], text_field) == claim.what]
                    found = exact or found
                if not found:
                    problems.append(f"{kind}: brief quote [{quote.source}] not matched to an item")
                    continue
                for i in found:
                    taken.add((article, i))
                    members.append((article, i))
            kind_groups.append(members)
        for r in results:
            for i in range(len(getattr(r.extraction, kind))):
                if (r.article.id, i) not in taken:
                    problems.append(f"{kind}: item {r.article.id}[{i}] is in no brief claim")
                    kind_groups.append([(r.article.id, i)])
        groups[kind] = kind_groups
    return groups, problems


def _member(group: dict[str, Any], member: list[Any]) -> tuple[str, ItemKey]:
    """(kind, item) of a gold claim member: [article, index], of the group's kind, or
    [article, index, kind] for an item of another kind the claim folds (an ask that is also
    reported as a motive)."""
    kind = member[2] if len(member) > 2 else group["kind"]
    return kind, (member[0], member[1])


def gold_claim_groups(gold: dict[str, Any]) -> dict[str, list[list[ItemKey]]]:
    """Each kind's gold claims, as that kind's items (a claim folding several kinds gives each
    kind its own items; the pairs across kinds are `gold_across_kinds`)."""
    groups: dict[str, list[list[ItemKey]]] = {kind: [] for kind in CLAIM_KINDS}
    for group in gold["claims"]:
        for kind in CLAIM_KINDS:
            items = [m for k, m in map(lambda x: _member(group, x), group["members"]) if k == kind]
            if items:
                groups[kind].append(items)
    return groups


def gold_across_kinds(gold: dict[str, Any]) -> set[Pair]:
    """Pairs of (kind, article, index) of different kinds that a gold claim folds."""
    found = set()
    for group in gold["claims"]:
        members = [(k, *m) for k, m in (_member(group, x) for x in group["members"])]
        found |= {p for p in pairs([members]) if len({m[0] for m in p}) > 1}
    return found


def predicted_across_kinds(brief: Brief) -> set[Pair]:
    """Pairs of (kind, article, index) of different kinds that a brief line folds."""
    article_of = {s.n: s.article.id for s in brief.sources}
    found = set()
    for section in (brief, *brief.stories):
        for claim in (c for kind in CLAIM_KINDS for c in getattr(section, kind) if c.kinds):
            members = [
                (q.kind, article_of[q.source], q.item)
                for q in claim.quotes
                if q.kind is not None and q.item is not None
            ]
            found |= {p for p in pairs([members]) if len({m[0] for m in p}) > 1}
    return found


def gold_claim_notes(gold: dict[str, Any]) -> dict[tuple[str, ItemKey], str]:
    """(kind, item) -> the note of the gold claim it belongs to."""
    return {
        _member(group, member): group.get("note", "")
        for group in gold["claims"]
        for member in group["members"]
    }


def _parts(group: list[ItemKey], other: list[list[ItemKey]]) -> list[list[ItemKey]]:
    """`group` cut along the groups of `other` (members in no group of `other` stand alone)."""
    where = {m: i for i, g in enumerate(other) for m in g}
    parts: dict[Any, list[ItemKey]] = defaultdict(list)
    for m in group:
        parts[where.get(m, m)].append(m)
    return list(parts.values())


def score_claims(
    predicted: dict[str, list[list[ItemKey]]],
    gold: dict[str, list[list[ItemKey]]],
    notes: dict[tuple[str, ItemKey], str] | None = None,
    across: tuple[set[Pair], set[Pair]] | None = None,
) -> ClaimReport:
    """Pairwise scores per kind; with `across` (predicted, gold pairs of items of different
    kinds that one line folds), an "across kinds" score too."""
    notes = notes or {}
    scores, false_merges, missed, joined, split = {}, [], [], [], []
    if across is not None and (across[0] or across[1]):
        p, g = across
        scores["across kinds"] = Score(len(p & g), len(p - g), len(g - p), len(g), len(p))
        for pair in sorted(p - g, key=sorted):
            a, b = sorted(pair)
            false_merges.append((f"{a[0]}+{b[0]}", (a[1], a[2]), (b[1], b[2])))
        for pair in sorted(g - p, key=sorted):
            a, b = sorted(pair)
            missed.append((f"{a[0]}+{b[0]}", (a[1], a[2]), (b[1], b[2])))
    for kind in CLAIM_KINDS:
        p_groups, g_groups = predicted.get(kind, []), gold.get(kind, [])
        p, g = pairs(p_groups), pairs(g_groups)
        scores[kind] = Score(len(p & g), len(p - g), len(g - p), len(g), len(p))
        false_merges += [(kind, *sorted(pair)) for pair in sorted(p - g, key=sorted)]
        missed += [(kind, *sorted(pair)) for pair in sorted(g - p, key=sorted)]
        for group in p_groups:
            if len(parts := _parts(group, g_groups)) > 1:
                joined.append((kind, "", parts))
        for group in g_groups:
            if len(parts := _parts(group, p_groups)) > 1:
                split.append((kind, notes.get((kind, group[0]), ""), parts))
    return ClaimReport(scores, false_merges, missed, joined, split)


# --- who said it, and from how many origins --------------------------------------------------


@dataclass
class AttributionReport:
    """Claim lines checked for their claimants and their independent-origin count, where the
    gold annotates them (a claim group's `claimant` / `origins`, the set's `copies`)."""

    claimants_checked: int = 0  # brief claim lines whose claimants the gold settles ...
    wrong_claimant: list[str] = field(default_factory=list)  # ... naming someone else
    origins_checked: int = 0  # brief claim lines whose origins the gold settles ...
    wrong_origins: list[str] = field(default_factory=list)  # ... with another `independent`
    problems: list[str] = field(default_factory=list)


def brief_actor_ids(
    brief: Brief, results: Sequence[ArticleExtraction], gold_ids: dict[MentionKey, str]
) -> dict[str, set[str]]:
    """A brief actor's name -> the gold actors of the mentions it holds."""
    by_number = dict(enumerate(results, start=1))
    found: dict[str, set[str]] = defaultdict(set)
    for actor in (a for section in (brief, *brief.stories) for a in section.actors):
        for n in actor.sources:
            r = by_number[n]
            for x in r.extraction.actors:
                if x.name in actor.names and (r.article.id, x.name) in gold_ids:
                    found[actor.name].add(gold_ids[(r.article.id, x.name)])
    return found


def _written_ids(
    name: str, articles: Iterable[str], extraction_of: dict[str, Extraction], gold_ids: dict
) -> set[str]:
    """The gold actors an article's own actors list gives `name` (as a name or an alias)."""
    return {
        gold_ids[(article, a.name)]
        for article in articles
        for a in extraction_of[article].actors
        if fold(name) in {fold(a.name), *map(fold, a.aliases)} and (article, a.name) in gold_ids
    }


def score_attribution(
    brief: Brief,
    results: Sequence[ArticleExtraction],
    predicted: dict[str, list[list[ItemKey]]],
    gold: dict[str, Any],
) -> AttributionReport:
    """Each brief claim line (`predicted`: its items, in the brief's order of claims) against
    the gold. Claimants: the gold actors the line's `claimants` are must be exactly the ones who
    made the items it cites (a gold group's `claimant`, else the actor the item's own article
    names). Origins: the line's `independent` must be the number of distinct origins of its items
    (a gold group's `origins`, else the article, a republished copy counting as its original).
    A set whose gold gives no `claimant` (no `origins` or `copies`) is not checked for it."""
    report = AttributionReport()
    groups = [g for g in gold.get("claims", []) if "claimant" in g or "origins" in g]
    check_claimants = any("claimant" in g for g in groups)
    check_origins = "copies" in gold or any("origins" in g for g in groups)
    if not (check_claimants or check_origins):
        return report
    gold_ids = gold_actor_ids(gold)
    extraction_of = {r.article.id: r.extraction for r in results}
    article_of = {s.n: s.article.id for s in brief.sources}
    copies = gold.get("copies", {})
    claimant_of: dict[tuple[str, ItemKey], set[str]] = {}
    origin_of: dict[tuple[str, ItemKey], str] = {}
    for g in groups:
        for i, (article, index, *_) in enumerate(g["members"]):
            if "claimant" in g:
                claimant_of[(g["kind"], (article, index))] = set(g["claimant"])
            if "origins" in g:
                origin_of[(g["kind"], (article, index))] = g["origins"][i]
    names = brief_actor_ids(brief, results, gold_ids)
    for kind in CLAIM_KINDS:
        who_field = _PARTIES[kind][0]
        claims = [c for section in (brief, *brief.stories) for c in getattr(section, kind)]
        for claim, members in zip(claims, predicted.get(kind, []), strict=False):
            if not members:
                continue
            label = f"{kind}: {claim.who}: {claim.what} {claim.sources}"
            if check_claimants:
                expected: set[str] = set()
                for article, index in members:
                    item = getattr(extraction_of[article], kind)[index]
                    expected |= claimant_of.get((kind, (article, index))) or _written_ids(
                        getattr(item, who_field), [article], extraction_of, gold_ids
                    )
                cited = {article_of[n] for n in claim.sources}
                named = [
                    names.get(c) or _written_ids(c, cited, extraction_of, gold_ids)
                    for c in claim.claimants or [claim.who]
                ]
                shown = set().union(*named)
                if not expected:
                    report.problems.append(f"claimant of {label} not in the gold")
                else:
                    report.claimants_checked += 1
                    if shown != expected or not all(named):
                        report.wrong_claimant.append(
                            f"{label}: names {sorted(shown) or claim.claimants}, gold"
                            f" {sorted(expected)}"
                        )
            if check_origins:
                origins = {origin_of.get((kind, m)) or copies.get(m[0], m[0]) for m in members}
                report.origins_checked += 1
                if claim.independent != len(origins):
                    report.wrong_origins.append(
                        f"{label}: independent {claim.independent}, gold {len(origins)}"
                        f" ({', '.join(sorted(origins))})"
                    )
    return report


# --- stories and their slots -----------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """One story of the brief as scored: its source numbers, venue, date and timeline."""

    sources: tuple[int, ...]
    venue: Slot
    date: Slot
    timeline: tuple[DatedEvent, ...]


def sections(brief: Brief) -> list[Section]:
    """The brief's stories, the main one first (its sources: `grouping[0]`, or every source
    that did not fail when the brief is one story)."""
    main = brief.grouping[0] if brief.grouping else [s.n for s in brief.sources if not s.failed]
    found = [Section(tuple(main), brief.venue, brief.date, tuple(brief.timeline))]
    found += [Section(tuple(s.sources), s.venue, s.date, tuple(s.timeline)) for s in brief.stories]
    return found


def gold_stories(gold: dict[str, Any], articles: Sequence[str]) -> list[dict[str, Any]]:
    """The gold's stories; a gold without `stories` is one story of all `articles`, annotated
    at its top level."""
    if "stories" in gold:
        return list(gold["stories"])
    keys = ("venues", "venue_disputed", "venue_superseded", "date_disputed")
    return [{"id": "all", "articles": list(articles), **{k: gold[k] for k in keys if k in gold}}]


@dataclass
class StoryReport:
    score: Score
    predicted: list[list[str]]
    gold: list[list[str]]


def score_stories(predicted: list[list[str]], gold: list[list[str]]) -> StoryReport:
    """Pairwise: two articles pair when they are put in one story."""
    return StoryReport(pairwise(predicted, gold), predicted, gold)


def brief_stories(brief: Brief, article_of: dict[int, str]) -> list[list[str]]:
    return [[article_of[n] for n in section.sources] for section in sections(brief)]


# --- disputes --------------------------------------------------------------------------------


@dataclass
class DisputeReport:
    venue_expected: bool
    venue_found: bool
    venue_score: Score
    venue_groups_exact: bool
    predicted_venues: list[list[str]]
    gold_venues: list[list[str]]
    false_venue_splits: list[tuple[str, str]]  # shown as rival answers, but one venue
    hidden_venue_conflicts: list[tuple[str, str]]  # folded into one answer, but rival venues
    date_expected: bool
    date_found: bool
    date_values: list[str]
    problems: list[str] = field(default_factory=list)
    story: str = "all"
    # place -> the place that replaced it, as the gold has it and as the brief shows it
    superseded_expected: dict[str, str] = field(default_factory=dict)
    superseded_found: dict[str, str | None] = field(default_factory=dict)
    superseded_dropped: list[str] = field(default_factory=list)  # in no value at all
    false_superseded: list[str] = field(default_factory=list)  # shown superseded, gold: not

    @property
    def missing_disputes(self) -> list[str]:
        slots = [("venue", self.venue_expected, self.venue_found)]
        slots.append(("date", self.date_expected, self.date_found))
        missing = [name for name, expected, found in slots if expected and not found]
        missing += [
            f"venue: {a!r} and {b!r} folded into one answer" for a, b in self.hidden_venue_conflicts
        ]
        return missing

    @property
    def false_disputes(self) -> list[str]:
        found = []
        if self.venue_found and not self.venue_expected:
            why = ", ".join(f"{a} superseded by {b}" for a, b in self.superseded_expected.items())
            found.append(f"venue marked disputed, but {why or 'all sources agree'}")
        found += [
            f"venue: {a!r} vs {b!r} shown as rivals, same venue" for a, b in self.false_venue_splits
        ]
        if self.date_found and not self.date_expected:
            found.append(f"date marked disputed, but the dates agree: {self.date_values}")
        return found

    @property
    def missing_superseded(self) -> list[str]:
        return [
            f"{place!r} not shown as superseded by {by!r}"
            for place, by in self.superseded_expected.items()
            if not self.superseded_found.get(place)
        ]


def score_disputes(
    brief: Brief,
    gold: dict[str, Any],
    places: Iterable[str],
    story: Sequence[int] | None = None,
) -> DisputeReport:
    """One gold story's venue and date against the brief's stories that hold its articles
    (`story`: their source numbers; None: the whole brief). `gold` is the story's annotation
    (`venues`, `venue_disputed`, `date_disputed`, optional `venue_superseded`); `places` are the
    distinct `place` strings its extractions give. Disputed means any of those stories says so;
    two values are rivals only within one story."""
    wanted = set(story) if story is not None else None
    held = [s for s in sections(brief) if wanted is None or wanted & set(s.sources)]
    per_section = [[[*v.as_written, *v.contains] for v in s.venue.values] for s in held]
    predicted = [group for groups in per_section for group in groups]
    gold_groups = [list(group) for group in gold["venues"]]
    problems = []
    gold_places = {p for group in gold_groups for p in group}
    problems += [f"venue {p!r} not in the gold grouping" for p in places if p not in gold_places]
    group_of = {p: i for i, group in enumerate(gold_groups) for p in group}
    false_splits, hidden = [], []
    for groups in per_section:
        for a, b in combinations(groups, 2):
            for pa in a:
                for pb in b:
                    if pa in group_of and group_of[pa] == group_of.get(pb):
                        false_splits.append((pa, pb))
    for group in predicted:
        for pa, pb in combinations(group, 2):
            if pa in group_of and pb in group_of and group_of[pa] != group_of[pb]:
                hidden.append((pa, pb))
    # Places of other gold stories (a brief that mixes stories) are scored by `score_stories`.
    own = [kept for g in predicted if (kept := [p for p in g if p in gold_places])]
    exact = {frozenset(g) for g in own} == {frozenset(g) for g in gold_groups}
    superseded = dict(gold.get("venue_superseded", {}))
    values = [v for s in held for v in s.venue.values]
    shown = {p: v.superseded_by for v in values for p in [*v.as_written, *v.contains]}
    dropped = [p for p in superseded if p not in shown]
    wrongly = [p for v in values if v.superseded_by for p in v.as_written if p not in superseded]
    dates = [f"{v.value or '?'} ({'; '.join(v.as_written)})" for s in held for v in s.date.values]
    return DisputeReport(
        venue_expected=bool(gold["venue_disputed"]),
        venue_found=any(s.venue.disputed for s in held),
        venue_score=pairwise(own, gold_groups),
        venue_groups_exact=exact,
        predicted_venues=predicted,
        gold_venues=gold_groups,
        false_venue_splits=false_splits,
        hidden_venue_conflicts=hidden,
        date_expected=bool(gold["date_disputed"]),
        date_found=any(s.date.disputed for s in held),
        date_values=dates,
        problems=problems,
        story=str(gold.get("id", "all")),
        superseded_expected=superseded,
        superseded_found={p: shown.get(p) for p in superseded},
        superseded_dropped=dropped,
        false_superseded=wrongly,
    )


# --- timeline --------------------------------------------------------------------------------


@dataclass
class TimelineReport:
    folding: Score  # pairwise over date mentions: one line per event (disputed events aside)
    disputes_expected: list[str]  # gold events whose dates disagree
    disputes_found: list[str]  # ... of those, the ones the brief marks
    false_disputes: list[str]  # disagreements the brief marks that the gold does not have
    problems: list[str] = field(default_factory=list)

    @property
    def missing_disputes(self) -> list[str]:
        return [e for e in self.disputes_expected if e not in self.disputes_found]


def brief_timeline_groups(
    brief: Brief, results: Sequence[ArticleExtraction]
) -> tuple[list[tuple[DatedEvent, list[ItemKey]]], list[str]]:
    """Each timeline line of every story with the date mentions it cites: by the quote's item
    index where the brief gives one, else by the article's date with that quote."""
    article_of = {s.n: s.article.id for s in brief.sources}
    dates_of = {r.article.id: r.extraction.dates for r in results}
    lines: list[tuple[DatedEvent, list[ItemKey]]] = []
    taken: set[ItemKey] = set()
    problems: list[str] = []
    for section in sections(brief):
        for line in section.timeline:
            members: list[ItemKey] = []
            for q in line.quotes:
                article = article_of[q.source]
                if q.item is not None:
                    found = [q.item]
                else:
                    found = [
                        i
                        for i, d in enumerate(dates_of[article])
                        if d.quote == q.quote and (article, i) not in taken
                    ]
                if not found:
                    problems.append(f"timeline quote [{q.source}] not matched to a date")
                for i in found:
                    taken.add((article, i))
                    members.append((article, i))
            lines.append((line, members))
    for article, dates in dates_of.items():
        problems += [
            f"date {article}[{i}] is on no timeline line"
            for i in range(len(dates))
            if (article, i) not in taken
        ]
    return lines, problems


def score_timeline(
    lines: Sequence[tuple[DatedEvent, Sequence[ItemKey]]],
    gold_events: Sequence[dict[str, Any]],
    article_of: dict[int, str],
) -> TimelineReport:
    """`lines`: each timeline line with the date mentions it cites; `gold_events`: the gold's
    `events`. A gold disagreement is found when a line citing one of its mentions marks another
    date (`disputed`) given by an article of another of its mentions; a marked date is false when
    no gold disagreement joins a mention of the line with a mention of that article."""
    members = {e["id"]: [(a, i) for a, i in e["members"]] for e in gold_events}
    disputed = [e["id"] for e in gold_events if e.get("disputed")]
    agreed = [members[e] for e in members if e not in disputed]
    folding = pairwise([m for _, m in lines], agreed, [members[e] for e in disputed])
    found: list[str] = []
    false: list[str] = []
    for line, cited in lines:
        for other in line.disputed:
            for n in other.sources:
                article = article_of.get(n)
                joins = [
                    e
                    for e in disputed
                    if set(cited) & set(members[e]) and any(a == article for a, _ in members[e])
                ]
                if joins:
                    found += [e for e in joins if e not in found]
                else:
                    false.append(f"{line.event!r} {line.date} vs {other.date} [{n}]")
    return TimelineReport(folding, disputed, found, false)


# --- report ----------------------------------------------------------------------------------


@dataclass
class QualityReport:
    actors: ActorReport
    claims: ClaimReport
    disputes: DisputeReport  # the main (or only) gold story
    article_numbers: dict[str, int]
    items: dict[tuple[str, ItemKey], str]  # (kind, item) -> "who -> whom: what", for printing
    name: str = BUNDLED
    story_disputes: list[DisputeReport] = field(default_factory=list)  # every gold story
    timeline: TimelineReport | None = None
    stories: StoryReport | None = None
    # With claim-check answers: (candidate pairs, answered, answered "same", who answered).
    claim_check: tuple[int, int, int, str] | None = None
    attribution: AttributionReport = field(default_factory=AttributionReport)

    @property
    def goals(self) -> list[tuple[str, bool]]:
        f1 = self.actors.score.f1
        every = self.story_disputes or [self.disputes]
        timeline = self.timeline
        return [
            (
                f"actor F1 >= {ACTOR_F1_GOAL} with zero false merges",
                f1 is not None and f1 >= ACTOR_F1_GOAL and not self.actors.false_merges,
            ),
            (
                "every expected dispute shown",
                not any(d.missing_disputes for d in every)
                and not (timeline and timeline.missing_disputes),
            ),
            (
                "no false dispute",
                not any(d.false_disputes for d in every)
                and not (timeline and timeline.false_disputes),
            ),
        ]


def evaluate(
    results: Sequence[ArticleExtraction] | None = None,
    gold: dict[str, Any] | None = None,
    name: str = BUNDLED,
    same_claims: dict[str, Decision] | None = None,
) -> QualityReport:
    results = list(results) if results is not None else load_results()
    gold = gold if gold is not None else load_gold()
    brief = merge(results, same_claims=same_claims)
    checked = None
    if same_claims is not None:
        asked = [c for c in claim_candidates(results) if c.key in same_claims]
        by = ", ".join(sorted({same_claims[c.key].model for c in asked})) or "nobody"
        checked = (
            len(claim_candidates(results)),
            len(asked),
            sum(same_claims[c.key].same for c in asked),
            by,
        )
    actor_groups, actor_problems = brief_actor_groups(brief, results)
    actors = score_actors(actor_groups, gold_actor_ids(gold))
    actors.problems += actor_problems
    predicted_claims, claim_problems = predicted_claim_groups(brief, results, actor_groups)
    claims = score_claims(
        predicted_claims,
        gold_claim_groups(gold),
        gold_claim_notes(gold),
        (predicted_across_kinds(brief), gold_across_kinds(gold)),
    )
    claims.problems += claim_problems
    attribution = score_attribution(brief, results, predicted_claims, gold)
    items: dict[tuple[str, ItemKey], str] = {}
    for r in results:
        for kind in CLAIM_KINDS:
            for i, found in enumerate(getattr(r.extraction, kind)):
                items[(kind, (r.article.id, i))] = describe(kind, found)
    for kind, groups in gold_claim_groups(gold).items():
        for member in (m for group in groups for m in group):
            if (kind, member) not in items:
                claims.problems.append(f"gold {kind} member {member} does not exist")
    numbers = {r.article.id: n for n, r in enumerate(results, start=1)}
    article_of = {n: a for a, n in numbers.items()}
    stories = gold_stories(gold, list(numbers))
    story_disputes = []
    for story in stories:
        inside = set(story["articles"])
        places = dict.fromkeys(
            v.place for r in results if r.article.id in inside for v in r.extraction.venues
        )
        held = [numbers[a] for a in story["articles"] if a in numbers]
        story_disputes.append(score_disputes(brief, story, places, held))
    timeline = None
    if "events" in gold:  # the bundled annotation has none: its timeline is not scored
        lines, timeline_problems = brief_timeline_groups(brief, results)
        timeline = score_timeline(lines, gold["events"], article_of)
        timeline.problems += timeline_problems
    return QualityReport(
        actors=actors,
        claims=claims,
        disputes=story_disputes[0],
        article_numbers=numbers,
        items=items,
        name=name,
        story_disputes=story_disputes,
        timeline=timeline,
        stories=score_stories(brief_stories(brief, article_of), [s["articles"] for s in stories]),
        claim_check=checked,
        attribution=attribution,
    )


def claim_check_answers(quality_set: QualitySet) -> Path | None:
    """The set's hand-written claim-check answers (CLAIM_CHECK_DIR/<set>.json), if it has any."""
    path = CLAIM_CHECK_DIR / f"{quality_set.name}.json"
    return path if path.is_file() else None


def evaluate_set(quality_set: QualitySet, claim_check: bool = False) -> QualityReport:
    """One set scored; with `claim_check`, merged with its hand-written claim-check answers
    when it has them (`claim_check_answers`)."""
    same_claims = None
    if claim_check and (path := claim_check_answers(quality_set)) is not None:
        from briefgen.extract.claimcheck import load_answers

        same_claims = load_answers(path)
    return evaluate(
        load_results(quality_set.sources, quality_set.answers),
        load_gold(quality_set.gold),
        quality_set.name,
        same_claims,
    )


def describe(kind: str, item: Any, width: int = 60) -> str:
    """'Kirby -> North Korea: stop arms discussions…' for an ask, warning or motive."""
    who_field, whom_field, text_field = _PARTIES[kind]
    whom = getattr(item, whom_field) if whom_field else None
    text = getattr(item, text_field)
    text = text if len(text) <= width else text[: width - 1] + "…"
    return f"{getattr(item, who_field)}{f' -> {whom}' if whom else ''}: {text}"


def _num(value: float | None) -> str:
    return "   —" if value is None else f"{value:.2f}"


def _row(label: str, score: Score) -> str:
    return (
        f"  {label:<18}{score.gold_pairs:>6}{score.predicted_pairs:>6}{score.tp:>5}{score.fp:>5}"
        f"{score.fn:>5}   {_num(score.precision):>5}  {_num(score.recall):>5}  {_num(score.f1):>5}"
    )


def _disputes_lines(d: DisputeReport, label: str = "") -> list[str]:
    lines = [
        f"  venue{label}: expected {'disputed' if d.venue_expected else 'agreed':<9} "
        f"found {'disputed' if d.venue_found else 'agreed':<9} "
        f"grouping {'exact' if d.venue_groups_exact else 'WRONG'}",
        f"         gold  {' | '.join(' + '.join(g) for g in d.gold_venues)}",
        f"         brief {' | '.join(' + '.join(g) for g in d.predicted_venues)}",
    ]
    for place, by in d.superseded_expected.items():
        shown = d.superseded_found.get(place)
        state = f"shown superseded by {shown!r}" if shown else "NOT shown as superseded"
        lines.append(f"         superseded: {place!r} by {by!r}: {state}")
    lines.append(
        f"  date{label}:  expected {'disputed' if d.date_expected else 'agreed':<9} "
        f"found {'disputed' if d.date_found else 'agreed':<9} "
        f"values: {'; '.join(d.date_values) or 'none'}"
    )
    lines += [f"  FALSE DISPUTE: {text}" for text in d.false_disputes]
    lines += [f"  MISSING DISPUTE: {name}" for name in d.missing_disputes]
    lines += [f"  DROPPED: superseded {p!r} is in no venue value" for p in d.superseded_dropped]
    lines += [f"  FALSE SUPERSEDED: {p!r}" for p in d.false_superseded]
    return lines


def render(report: QualityReport) -> str:
    number = report.article_numbers

    def mention(m: MentionKey) -> str:
        return f"{m[1]!r} [{number[m[0]]}]"

    def item(kind: str, key: ItemKey) -> str:
        return f"[{number[key[0]]}] {kind}[{key[1]}] {report.items[(kind, key)]}"

    lines = [f"briefgen merge quality: {report.name} vs the gold annotation", ""]
    lines.append("  [n] = source number: " + ", ".join(f"[{n}] {a}" for a, n in number.items()))
    if report.claim_check is not None:
        pairs, answered, same, by = report.claim_check
        lines.append(
            f"  claim check ON: {answered} of {pairs} near-miss pairs answered ({same} same),"
            f" answers by: {by}"
        )
        if by == "hand-written":
            lines.append(
                "  (hand-written answers, not a model's: the claim scores show what the check"
                " reaches with a judge that follows its rules)"
            )
    lines.append("")
    lines.append(
        f"  {'pairwise':<18}{'gold':>6}{'pred':>6}{'TP':>5}{'FP':>5}{'FN':>5}"
        f"   {'prec':>5}  {'rec':>5}  {'F1':>5}"
    )
    lines.append(_row("actors (mentions)", report.actors.score))
    for kind, score in report.claims.scores.items():
        lines.append(_row(f"claims: {kind}", score))
    lines.append(_row("claims: all", report.claims.total))
    lines.append(_row("venue places", report.disputes.venue_score))
    if report.timeline:
        lines.append(_row("timeline lines", report.timeline.folding))
    if report.stories:
        lines.append(_row("stories", report.stories.score))
    lines.append("")

    lines.append("Disputes")
    every = report.story_disputes or [report.disputes]
    for d in every:
        lines += _disputes_lines(d, f" [{d.story}]" if len(every) > 1 else "")
    if report.timeline:
        t = report.timeline
        lines.append(
            f"  event dates: {len(t.disputes_expected)} disagreements expected "
            f"({', '.join(t.disputes_expected) or 'none'}), {len(t.disputes_found)} shown"
        )
        lines += [f"  MISSING DISPUTE: event {e}" for e in t.missing_disputes]
        lines += [f"  FALSE DISPUTE: event {text}" for text in t.false_disputes]
    at = report.attribution
    if at.claimants_checked or at.origins_checked:
        lines.append(
            f"  claim lines: {len(at.wrong_claimant)} of {at.claimants_checked} with a wrong"
            f" claimant, {len(at.wrong_origins)} of {at.origins_checked} with a wrong"
            " independent-origin count"
        )
        lines += [f"  WRONG CLAIMANT: {text}" for text in at.wrong_claimant]
        lines += [f"  WRONG ORIGINS: {text}" for text in at.wrong_origins]
    if report.stories and len(report.stories.gold) > 1:
        lines.append(f"  stories: gold {report.stories.gold}")
        lines.append(f"           brief {report.stories.predicted}")
    lines.append("")

    a = report.actors
    lines.append(f"Actor false merges ({len(a.false_merges)} gold-actor pairs joined)")
    for (ga, gb), members in sorted(a.false_merges.items()):
        examples = ", ".join(f"{mention(x)} ~ {mention(y)}" for x, y in members[:3])
        more = f" (+{len(members) - 3} more)" if len(members) > 3 else ""
        lines.append(f"  {ga} + {gb}: {examples}{more}")
    lines.append(f"Actor missed merges ({len(a.missed_merges)} gold actors split)")
    for actor_id, parts in sorted(a.missed_merges.items()):
        shown = " | ".join(", ".join(mention(m) for m in part) for part in parts)
        lines.append(f"  {actor_id}: {shown}")
    lines.append("")

    c = report.claims
    lines.append(
        f"Claim false merges: {len(c.false_merges)} pairs; brief claims joining gold claims:"
        f" {len(c.joined)}"
    )
    for kind, _, parts in c.joined:
        lines.append(f"  {kind}: one brief claim, {len(parts)} gold claims")
        lines += [
            f"    {'+' if i else ' '} {item(kind, m)}" for i, p in enumerate(parts) for m in p
        ]
    lines.append(
        f"Claim missed merges: {len(c.missed_merges)} pairs; gold claims the brief splits:"
        f" {len(c.split)}"
    )
    for kind, note, parts in c.split:
        lines.append(f"  {kind}: {note} — {len(parts)} brief claims")
        for part in parts:
            lines.append(f"    | {item(kind, part[0])}")
            lines += [f"    |   {item(kind, m)}" for m in part[1:]]
    problems = a.problems + c.problems + [p for d in every for p in d.problems]
    problems += report.timeline.problems if report.timeline else []
    problems += report.attribution.problems
    if problems:
        lines.append("")
        lines.append("Problems (annotation or matching)")
        lines += [f"  ! {p}" for p in problems]
    lines.append("")
    lines.append("Goals")
    for text, met in report.goals:
        lines.append(f"  [{'PASS' if met else 'FAIL'}] {text}")
    return "\n".join(lines)


# --- every set at once -----------------------------------------------------------------------


@dataclass
class Totals:
    """What one or more sets add up to: pairwise scores, and dispute counts out of how many."""

    actors: Score = NO_PAIRS
    false_merges: int = 0
    claims: Score = NO_PAIRS
    stories: Score = NO_PAIRS
    timeline: Score = NO_PAIRS
    venues_agreed: int = 0  # gold stories whose venue is agreed ...
    false_venue: int = 0  # ... that the brief marks disputed (or splits into rival values)
    venues_disputed: int = 0  # gold stories whose venue is disputed ...
    missed_venue: int = 0  # ... that the brief does not mark (or folds into one value)
    superseded: int = 0  # places the gold says were superseded ...
    superseded_shown: int = 0  # ... that the brief shows as superseded
    dates_agreed: int = 0  # central dates: gold stories agreed / disputed, and the brief's errors
    false_date: int = 0
    dates_disputed: int = 0
    missed_date: int = 0
    events_disputed: int = 0  # event dates the gold marks as a disagreement ...
    missed_event: int = 0  # ... that the brief does not mark
    false_event: int = 0  # disagreements the brief marks that the gold does not have
    claimant_lines: int = 0  # claim lines whose claimants the gold settles ...
    wrong_claimant: int = 0  # ... that name someone else
    origin_lines: int = 0  # claim lines whose origins the gold settles ...
    wrong_origins: int = 0  # ... with the wrong independent count

    def __add__(self, other: Totals) -> Totals:
        return Totals(
            **{
                name: getattr(self, name) + getattr(other, name)
                for name in self.__dataclass_fields__
            }
        )


def dispute_totals(disputes: Sequence[DisputeReport]) -> Totals:
    """The venue and central-date counts of some gold stories' dispute reports. A story whose
    venue is agreed counts a false dispute when the brief marks it disputed or shows two of its
    places as rival values; a disputed one counts as missed when the brief does not mark it or
    folds rival places into one value."""
    agreed = [d for d in disputes if not d.venue_expected]
    disputed = [d for d in disputes if d.venue_expected]
    return Totals(
        venues_agreed=len(agreed),
        false_venue=sum(bool(d.venue_found or d.false_venue_splits) for d in agreed),
        venues_disputed=len(disputed),
        missed_venue=sum(bool(not d.venue_found or d.hidden_venue_conflicts) for d in disputed),
        superseded=sum(len(d.superseded_expected) for d in disputes),
        superseded_shown=sum(sum(bool(v) for v in d.superseded_found.values()) for d in disputes),
        dates_agreed=sum(not d.date_expected for d in disputes),
        false_date=sum(d.date_found and not d.date_expected for d in disputes),
        dates_disputed=sum(d.date_expected for d in disputes),
        missed_date=sum(d.date_expected and not d.date_found for d in disputes),
    )


def totals(report: QualityReport) -> Totals:
    t = report.timeline
    return dispute_totals(report.story_disputes or [report.disputes]) + Totals(
        actors=report.actors.score,
        false_merges=len(report.actors.false_merges),
        claims=report.claims.total,
        stories=report.stories.score if report.stories else NO_PAIRS,
        timeline=t.folding if t else NO_PAIRS,
        events_disputed=len(t.disputes_expected) if t else 0,
        missed_event=len(t.missing_disputes) if t else 0,
        false_event=len(t.false_disputes) if t else 0,
        claimant_lines=report.attribution.claimants_checked,
        wrong_claimant=len(report.attribution.wrong_claimant),
        origin_lines=report.attribution.origins_checked,
        wrong_origins=len(report.attribution.wrong_origins),
    )


SUMMARY_COLUMNS = (
    "set",
    "actor P",
    "actor R",
    "actor F1",
    "FM",
    "claim P",
    "claim R",
    "claimant",
    "origins",
    "venue false",
    "venue missed",
    "superseded",
    "date false",
    "date missed",
    "event false",
    "event missed",
    "line P",
    "line R",
    "story P",
    "story R",
)


def summary_cells(name: str, t: Totals) -> list[str]:
    """One row of the summary table, in SUMMARY_COLUMNS order."""
    return [
        name,
        _num(t.actors.precision),
        _num(t.actors.recall),
        _num(t.actors.f1),
        str(t.false_merges),
        _num(t.claims.precision),
        _num(t.claims.recall),
        f"{t.wrong_claimant}/{t.claimant_lines}",
        f"{t.wrong_origins}/{t.origin_lines}",
        f"{t.false_venue}/{t.venues_agreed}",
        f"{t.missed_venue}/{t.venues_disputed}",
        f"{t.superseded_shown}/{t.superseded}",
        f"{t.false_date}/{t.dates_agreed}",
        f"{t.missed_date}/{t.dates_disputed}",
        str(t.false_event),
        f"{t.missed_event}/{t.events_disputed}",
        _num(t.timeline.precision),
        _num(t.timeline.recall),
        _num(t.stories.precision),
        _num(t.stories.recall),
    ]


def render_all(reports: Sequence[QualityReport]) -> str:
    """One line per set and the total, then every mistake of every set by name."""
    total = Totals()
    rows = []
    for report in reports:
        t = totals(report)
        total = total + t
        rows.append(summary_cells(report.name, t))
    rows.append(summary_cells("TOTAL", total))
    widths = [max(len(r[i]) for r in [list(SUMMARY_COLUMNS), *rows]) for i in range(len(rows[0]))]

    def line(cells: Sequence[str]) -> str:
        first = f"  {cells[0]:<{widths[0]}}"
        return first + "".join(f"  {c:>{w}}" for c, w in zip(cells[1:], widths[1:], strict=True))

    lines = ["briefgen merge quality: every set vs its gold annotation", ""]
    lines += [line(SUMMARY_COLUMNS), *map(line, rows), ""]
    lines.append(
        textwrap.fill(
            "P / R: pairwise precision / recall (actors: over mentions; claims: over asks, "
            "warnings and motives; line: date mentions of one event on one timeline line; story: "
            "articles grouped into one story). FM: false merges, gold-different actors joined. "
            "Counts are errors / out of: venue and date false = marked disputed (or split into "
            "rival values) where the gold agrees, of the stories that agree; missed = not marked "
            "where the gold disputes, of those; superseded = shown as superseded, of the places "
            "the gold says were; event false = event-date disagreements marked that the gold "
            "does not have. claimant / origins: claim lines naming a claimant who did not make "
            "the claims they cite / giving an independent count other than the number of "
            "distinct origins they cite (republished copies and relays of one readout or "
            "interview one origin), of the lines the gold annotates.",
            width=100,
            initial_indent="  ",
            subsequent_indent="  ",
        )
    )
    for report in reports:
        mistakes = _mistakes(report)
        if mistakes:
            lines.append("")
            lines.append(f"{report.name}")
            lines += mistakes
    return "\n".join(lines)


def _mistakes(report: QualityReport) -> list[str]:
    number = report.article_numbers
    lines = []
    for (ga, gb), members in sorted(report.actors.false_merges.items()):
        x, y = members[0]
        lines.append(f"  FALSE MERGE {ga} + {gb}: {x[1]!r} [{number[x[0]]}] ~ {y[1]!r}")
    for d in report.story_disputes or [report.disputes]:
        where = f" [{d.story}]" if d.story != "all" else ""
        lines += [f"  FALSE DISPUTE{where}: {text}" for text in d.false_disputes]
        lines += [f"  MISSING DISPUTE{where}: {text}" for text in d.missing_disputes]
        lines += [f"  NOT SUPERSEDED{where}: {text}" for text in d.missing_superseded]
    if report.timeline:
        lines += [f"  MISSING DISPUTE: event {e}" for e in report.timeline.missing_disputes]
        lines += [f"  FALSE DISPUTE: event {text}" for text in report.timeline.false_disputes]
    lines += [f"  WRONG CLAIMANT: {text}" for text in report.attribution.wrong_claimant]
    lines += [f"  WRONG ORIGINS: {text}" for text in report.attribution.wrong_origins]
    if report.stories and report.stories.score.fp:
        lines.append(f"  STORIES MIXED: brief {report.stories.predicted}")
    if report.stories and report.stories.score.fn:
        lines.append(f"  STORY SPLIT: brief {report.stories.predicted}")
    lines += [f"  MISSED MERGE {actor_id}" for actor_id in sorted(report.actors.missed_merges)]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=GOLD_PATH, help="gold annotation JSON")
    parser.add_argument("--all", action="store_true", help="score every set: table and totals")
    parser.add_argument("--set", dest="name", help="one set of tests/fixtures/quality, in full")
    parser.add_argument(
        "--claim-check-answers",
        type=Path,
        nargs="?",
        const=CLAIM_CHECK_ANSWERS,
        help="merge the bundled example with these answers to the claim check (default file: "
        "the hand-written answers for the bundled example); with --set or --all, each set with "
        "hand-written answers (scripts/handwritten/claimcheck/<set>.json) is merged with them",
    )
    args = parser.parse_args(argv)
    check = args.claim_check_answers is not None
    if args.all:
        print(render_all([evaluate_set(s, check) for s in all_sets()]))
    elif args.name:
        found = [s for s in all_sets() if s.name == args.name]
        if not found:
            parser.error(f"no set {args.name!r}: {', '.join(s.name for s in all_sets())}")
        print(render(evaluate_set(found[0], check)))
    else:
        same_claims = None
        if args.claim_check_answers is not None:
            from briefgen.extract.claimcheck import load_answers

            same_claims = load_answers(args.claim_check_answers)
        print(render(evaluate(gold=load_gold(args.gold), same_claims=same_claims)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
